"""Records named in English and Arabic: at least one of the two, shown in the reader's language."""
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .constraints import FieldCheckConstraint

BILINGUAL_REQUIRED_MESSAGES = {
    "name": _("Give the name in English or in Arabic (fields name_en, name_ar)."),
    "title": _("Give the title in English or in Arabic (fields title_en, title_ar)."),
}


def bilingual_required_constraint(model_name, stem):
    """A check that `<stem>_en` or `<stem>_ar` is filled in."""
    return FieldCheckConstraint(
        field=f"{stem}_en",
        condition=~models.Q(**{f"{stem}_en": "", f"{stem}_ar": ""}),
        name=f"{model_name}_has_a_{stem}",
        violation_error_message=BILINGUAL_REQUIRED_MESSAGES[stem],
    )


def in_language(text_en, text_ar):
    """The Arabic text on an Arabic page and the English one otherwise, falling back to the other."""
    first, second = (text_ar, text_en) if translation.get_language_bidi() else (text_en, text_ar)
    return first or second


def comma_list(texts):
    """Texts joined as a list is written in the page's language: «أ، ب» in Arabic, "a, b" in English."""
    return pgettext("between the items of a list", ", ").join(texts)


def semicolon_list(texts):
    """Lists joined into one, each item perhaps a comma_list(): «أ، ب؛ ج» in Arabic, "a, b; c" in English."""
    return pgettext("between the lists of a list", "; ").join(texts)


def shown_text(stem, arabic):
    """The text of `<stem>_en`/`<stem>_ar` that in_language() shows, as an SQL expression: the
    Arabic on an Arabic page (`arabic`) and the English otherwise, the other where it is empty."""
    own, other = (f"{stem}_ar", f"{stem}_en") if arabic else (f"{stem}_en", f"{stem}_ar")
    return Coalesce(NullIf(F(own), Value("")), F(other))


def bilingual_stem(model, key):
    """The stem of an ordering key naming one of a model's bilingual fields ("name" for "name_en"
    or "-name_ar"), or None."""
    if not isinstance(key, str):
        return None
    stem, _, language = key.lstrip("-").rpartition("_")
    if language not in ("en", "ar"):
        return None
    names = {field.name for field in model._meta.get_fields()}
    return stem if {f"{stem}_en", f"{stem}_ar"} <= names else None


def in_readers_order(model, ordering, as_column=False):
    """`ordering` with each bilingual key (name_en, then name_ar; -title_en…) made one key in the
    order of the text the reader sees (an Arabic list in the order of its Arabic names): shown_text()
    of its stem or, `as_column`, the name of the reader's column of it (name_ar on an Arabic page)."""
    arabic = translation.get_language_bidi()
    suffix = "_ar" if arabic else "_en"
    readers, stems = [], set()
    for key in ordering:
        stem = bilingual_stem(model, key)
        if stem is None:
            readers.append(key)
        elif stem not in stems:
            stems.add(stem)
            descending = key.startswith("-")
            if as_column:
                readers.append(f"{'-' if descending else ''}{stem}{suffix}")
            else:
                shown = shown_text(stem, arabic)
                readers.append(shown.desc() if descending else shown.asc())
    return readers


def shown_order_indexes(model_name, stem):
    """The indexes the lists ordered by shown_text(stem, …), then id (in_readers_order), page along,
    one per language."""
    return [
        models.Index(shown_text(stem, arabic), "id", name=f"{model_name}_shown_{stem}_{language}")
        for language, arabic in (("en", False), ("ar", True))
    ]
