"""Records named in English and Arabic: at least one of the two, shown in the reader's language."""
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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
