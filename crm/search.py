"""The one normalisation that admin and API search share.

Names are stored exactly as written; search compares a derived key that folds the spelling
variants of Arabic and Latin script (see DOMAIN.md, "Arabic names and search").
"""
import re
import unicodedata
from functools import cached_property

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from .numerals import WESTERN_DIGITS

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
TATWEEL = "\u0640"
# Format characters (Cf) cover bidi controls, zero-width joiners and the byte-order mark; control
# characters (Cc) other than tabs and line breaks are never part of a name, and PostgreSQL
# refuses a NUL in a query.
DROPPED_CATEGORIES = {"Mn", "Me", "Cf", "Cc"}
ABD_PREFIX = re.compile(r"(?<!\S)عبد\s+(?=ال)")
WHITESPACE = re.compile(r"\s+")
KEY_SEPARATOR = " | "
# pg_trgm's word_similarity at which a one-letter misspelling still matches (DOMAIN.md); set once
# in settings, which also give it to PostgreSQL's connections for the indexed `%>` operator.
WORD_SIMILARITY_THRESHOLD = settings.SEARCH_WORD_SIMILARITY_THRESHOLD
# A word this short has no trigram of its own: it is matched as written, never fuzzily.
FUZZY_MINIMUM_LENGTH = 3


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
        if (category in DROPPED_CATEGORIES and not character.isspace()) or character == TATWEEL:
            continue
        if category[0] in {"P", "S"}:
            characters.append(" ")
        else:
            characters.append(character)
    text = "".join(characters).translate(WESTERN_DIGITS).casefold()
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


def trigrams(text):
    """pg_trgm's trigrams of a text in order: each word padded with two spaces before and one after."""
    grams = []
    for word in re.findall(r"\w+", text.casefold()):
        padded = f"  {word} "
        grams += [padded[index : index + 3] for index in range(len(padded) - 2)]
    return grams


def word_similarity(term, text):
    """pg_trgm's word_similarity(term, text): the best Jaccard similarity between the term's
    trigrams and those of any continuous stretch of the text's trigrams. SQLite uses it so that
    both databases find the same rows."""
    if term is None or text is None:
        return 0.0
    wanted = set(trigrams(term))
    ordered = trigrams(text)
    if not wanted or not ordered:
        return 0.0
    best = 0.0
    for start in range(len(ordered)):
        if ordered[start] not in wanted:
            continue
        stretch = set()
        for gram in ordered[start:]:
            stretch.add(gram)
            best = max(best, len(wanted & stretch) / len(wanted | stretch))
    return best


def _word_matches(word):
    field = "search_key"
    if len(word) < FUZZY_MINIMUM_LENGTH:
        # A short word matches the start of a word: pg_trgm's index serves "un%" and "% un%",
        # where "%un%" would read every row.
        return Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})
    exact = Q(**{f"{field}__contains": word})
    if connection.vendor == "postgresql":
        # `%>` is served by the trigram index; the threshold is set on the connection.
        return exact | Q(**{f"{field}__trigram_word_similar": word})
    return exact | Q(GreaterThanOrEqual(TrigramWordSimilarity(word, field), WORD_SIMILARITY_THRESHOLD))


def _model_at(model, path):
    for part in path.split("__") if path else ():
        model = model._meta.get_field(part).related_model
    return model


def _rows_matching(model, paths, condition):
    """The primary keys of `model`'s rows whose own row, or a row along one of `paths`, meets
    `condition` (on its search key): one IN over a UNION, as PostgreSQL serves each part from its
    own table's trigram index, where an OR of IN subqueries would have it test every row."""
    found = []
    for path in paths:
        matching = _model_at(model, path)._default_manager.filter(condition)
        rows = model._default_manager.filter(**{f"{path}__in": matching}) if path else matching
        found.append(rows.order_by().values("pk"))
    return Q(pk__in=found[0].union(*found[1:]) if len(found) > 1 else found[0])


def search_queryset(queryset, term, paths=("",)):
    """Rows whose search key, or that of a row along one of `paths`, holds every word of the term
    after normalisation, or a word within one letter or so of it (pg_trgm word similarity, WORD_SIMILARITY_THRESHOLD):
    with paths ("", "aliases") «فورنكوف» finds Voronkov through his alias and by similarity.
    The empty path is the row itself. Words shorter than three letters match the start of a word.

    Each word is looked up in each path's own table (where its trigram index serves it), and
    the rows are found by primary key, so joins through aliases never duplicate rows.
    """
    before = queryset
    words = normalize_name(term).split()
    for word in words:
        queryset = queryset.filter(_rows_matching(queryset.model, paths, _word_matches(word)))
    if words:
        # How SearchRankOrderingFilter (crm/api/filters.py) puts the best matches first, if asked.
        queryset.query.search_ranking = SearchRanking(before, queryset, words, paths)
    return queryset


WHOLE_WORDS, OTHER_MATCHES = 0, 1


def whole_word_pattern(word):
    """A regular expression (Python's and PostgreSQL's alike) for `word` as a whole word of a
    search key; normalised words hold letters and digits only."""
    return rf"(^| ){re.escape(word)}( |$)"


class SearchTier(Case):
    """0 for a row where every word of the term is a whole word of its names (or of a name along
    the search paths), 1 for the other matches: misspelt, or part of a longer word. `ranking`
    reads each tier's rows by a query of its own (crm/api/pagination.py)."""

    def __init__(self, condition, ranking):
        super().__init__(
            When(condition, then=Value(WHOLE_WORDS)), default=Value(OTHER_MATCHES), output_field=models.IntegerField()
        )
        self.ranking = ranking


class SearchRanking:
    """A searched list best match first: the rows where every word of the term is a whole word,
    then the other matches, each tier in the list's own order.

    On PostgreSQL a model that names a relation to its words (`kept_words`, kept by the database:
    partners.OrganizationWord) reads the first tier from them, in list order, from one index,
    however common the word; elsewhere whole words are found with a regular expression."""

    TIERS = (WHOLE_WORDS, OTHER_MATCHES)

    def __init__(self, before, matched, words, paths):
        # Kept as given: the conditions are built only for a list that is ranked (the admin's
        # search, a partner list and an explicitly ordered list never ask).
        self.before, self.matched, self.words, self.paths = before, matched, words, paths

    @cached_property
    def kept_words(self):
        """The relation to the model's kept words, where the database keeps them; else None."""
        if connection.vendor != "postgresql" or not getattr(self.before.model, "kept_words", None):
            return None
        return self.before.model._meta.get_field(self.before.model.kept_words)

    @cached_property
    def whole_words(self):
        if self.kept_words:
            owner = self.kept_words.field.name
            return Q(*(
                Exists(self.kept_words.related_model.objects.filter(**{owner: OuterRef("pk"), "word": word}))
                for word in self.words
            ))
        return Q(*(
            _rows_matching(self.before.model, self.paths, Q(search_key__regex=whole_word_pattern(word)))
            for word in self.words
        ))

    def tier(self):
        return SearchTier(self.whole_words, self)

    def tier_rows(self, tier, key_names):
        """The tier's rows, and the expressions (by ordering key name) that differ from the row's
        own columns: the kept words carry the names the list is ordered by, and a list read from
        them must be ordered by theirs to be read in the index's order."""
        if tier == WHOLE_WORDS and self.kept_words:
            # The organisations that have the first word, read in list order from its rows; the
            # other words are checked row by row.
            relation = self.kept_words.name
            queryset = self.before.filter(**{f"{relation}__word": self.words[0]}).filter(Q(*self.whole_words.children[1:]))
            carried = {field.name for field in self.kept_words.related_model._meta.concrete_fields}
            return queryset, {name: models.F(f"{relation}__{name}") for name in key_names if name != "pk" and name in carried}
        if tier == WHOLE_WORDS:
            return self.before.filter(self.whole_words), {}
        return self.matched.exclude(self.whole_words), {}


class SearchableModel(models.Model):
    """A model whose names feed a derived, never displayed `search_key`.

    `save()` keeps the key current; `loaddata`, `bulk_create` and `update()` skip `save()`, so
    code that writes that way calls `rebuild_search_keys()` afterwards (or the
    `rebuild_search_keys` command, which also follows a change of `normalize_name`).
    """

    search_key = models.TextField(_("search key"), blank=True, editable=False, db_index=False)

    class Meta:
        abstract = True

    def searchable_names(self):
        raise NotImplementedError

    def refresh_search_key(self):
        """Recompute the key from the names; returns whether it changed."""
        key = build_search_key(*self.searchable_names())
        changed = key != self.search_key
        self.search_key = key
        return changed

    def save(self, *args, **kwargs):
        self.refresh_search_key()
        super().save(*args, **kwargs)

    @classmethod
    def rebuild_search_keys(cls, batch_size=2000):
        """Recompute every row's key, a batch at a time; returns how many changed."""
        changed = 0
        queryset = cls._default_manager.order_by("pk")
        last_pk = None
        while True:
            batch = list((queryset.filter(pk__gt=last_pk) if last_pk is not None else queryset)[:batch_size])
            if not batch:
                return changed
            stale = [instance for instance in batch if instance.refresh_search_key()]
            cls._default_manager.bulk_update(stale, ["search_key"], batch_size=500)
            changed += len(stale)
            last_pk = batch[-1].pk


def searchable_models():
    """Every installed model that keeps a search key."""
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, SearchableModel)]
