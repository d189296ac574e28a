"""The one normalisation that admin and API search share.

Names are stored exactly as written; search compares a derived key that folds the spelling
variants of Arabic and Latin script (see DOMAIN.md, "Arabic names and search").
"""
import re
import unicodedata

from django.db.models import Q

ARABIC_LETTER_FOLDS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ی": "ي",  # Farsi yeh U+06CC, found in the seeds
        "ک": "ك",  # Farsi keheh U+06A9
    }
)
EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
TATWEEL = "\u0640"
# Format characters (Cf) cover bidi controls, zero-width joiners and the byte-order mark.
DROPPED_CATEGORIES = {"Mn", "Me", "Cf"}
ABD_PREFIX = re.compile(r"(?<!\S)عبد\s+(?=ال)")
WHITESPACE = re.compile(r"\s+")
KEY_SEPARATOR = " | "


def normalize_name(text):
    """Return the search key of one name: «عبد الله» and «عبدالله» give the same key."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(ARABIC_LETTER_FOLDS)
    # NFKD splits Latin accents (è → e + ◌̀) so that dropping marks strips them; Arabic letters
    # with hamza were folded above, so what NFKD splits off them here is only harakat.
    characters = []
    for character in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(character)
        if category in DROPPED_CATEGORIES or character == TATWEEL:
            continue
        if category[0] in {"P", "S"}:
            characters.append(" ")
        else:
            characters.append(character)
    text = "".join(characters).translate(EASTERN_DIGITS).casefold()
    text = WHITESPACE.sub(" ", text).strip()
    return ABD_PREFIX.sub("عبد", text)


def build_search_key(*names):
    """Join the keys of several names so that a search term never matches across two names."""
    keys = []
    for name in names:
        key = normalize_name(name)
        if key and key not in keys:
            keys.append(key)
    return KEY_SEPARATOR.join(keys)


def search_queryset(queryset, term, paths=("",)):
    """Rows whose search key, or that of a row along one of `paths`, holds every word of the term
    after normalisation: with paths ("", "aliases") «فورنكوف» finds Voronkov through his alias.
    The empty path is the row itself.

    The match runs as one subquery on primary keys, so joins through aliases never duplicate rows.
    """
    words = normalize_name(term).split()
    if not words:
        return queryset
    prefixes = [f"{path}__" if path else "" for path in paths]
    condition = Q()
    for word in words:
        condition &= Q(*(Q(**{f"{prefix}search_key__contains": word}) for prefix in prefixes), _connector=Q.OR)
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))
