"""The app's own records as a gazetteer: organisations, people, focal areas and places found in a
release's words by their names, acronyms and aliases, forgiving Arabic's attached letters and a
misspelling («فورنكوف», "Vorokonvo" are still Voronkov)."""
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Max
from django_countries import countries

from agreements.models import Agreement
from crm.search import normalize_name
from meetings.models import Meeting
from partners.models import FocalArea, Organization, OrganizationName, Person, PersonName

from .text import bare

# Shorter words are matched only as written: a misspelling tolerance there finds other words.
FUZZY_MINIMUM = 5


@dataclass(frozen=True)
class Entry:
    kind: str  # organization, person, focal_area, city, country
    key: object  # the record's id; a city's (English, Arabic, country) names; a country's code
    words: tuple  # bare normalised words
    acronym: bool = False
    # A one-word name is matched as written, article and all: «اعتدال» (Etidal) is not «الاعتدال» (moderation).
    written: str = ""


@dataclass
class Mention:
    entry: Entry
    first: int  # index of the first and one past the last word in the sentence
    last: int
    exact: bool


def edit_distance(a, b, limit=2):
    """Optimal string alignment distance (a transposition counts one), or limit + 1 when greater."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def close_enough(written, known):
    """A misspelling of a name word: one edit (two in a long word), or the same letters but one
    in another order, as a transcribed foreign name often is ("Vorokonvo" for "Voronkov")."""
    if len(written) < FUZZY_MINIMUM or len(known) < FUZZY_MINIMUM or written[0] != known[0]:
        return False
    distance = edit_distance(written, known)
    if distance <= 1 or (distance == 2 and min(len(written), len(known)) >= 8):
        return True
    if min(len(written), len(known)) >= 7 and written[:2] == known[:2]:
        letters_written, letters_known = Counter(written), Counter(known)
        return max(sum((letters_written - letters_known).values()), sum((letters_known - letters_written).values())) <= 1
    return False


class Gazetteer:
    def __init__(self, entries):
        self.by_first_word = defaultdict(list)
        self.vocabulary = defaultdict(set)  # first letter -> words
        for entry in entries:
            self.by_first_word[entry.words[0]].append(entry)
            if not entry.acronym:
                for word in entry.words:
                    if len(word) >= FUZZY_MINIMUM:
                        self.vocabulary[word[0]].add(word)
        self.fuzzy = lru_cache(maxsize=20000)(self._fuzzy)

    def _fuzzy(self, form):
        if len(form) < FUZZY_MINIMUM:
            return ()
        return tuple(word for word in self.vocabulary.get(form[0], ()) if word != form and close_enough(form, word))

    def _word_matches(self, word, wanted):
        """0 when a form of the word is the name word, 1 when one is a misspelling of it, None otherwise."""
        if wanted in word.forms:
            return 0
        if any(wanted in self.fuzzy(form) for form in word.forms[:3]):
            return 1
        return None

    def mentions(self, words):
        """The entries named in a sentence's words, longest first and never overlapping."""
        found = []
        for index, word in enumerate(words):
            candidates = []
            for form in word.forms:
                candidates += self.by_first_word.get(form, [])
                for close in self.fuzzy(form):
                    candidates += self.by_first_word.get(close, [])
            for entry in dict.fromkeys(candidates):
                if entry.acronym and not _written_as_acronym(word.text):
                    continue
                misspelt = self._match_from(words, index, entry)
                if misspelt is not None:
                    found.append(Mention(entry, index, index + len(entry.words), misspelt == 0))
        found.sort(key=lambda mention: (-(mention.last - mention.first), not mention.exact, mention.first))
        taken, chosen = set(), []
        for mention in found:
            span = set(range(mention.first, mention.last))
            if not span & taken:
                taken |= span
                chosen.append(mention)
        return sorted(chosen, key=lambda mention: mention.first)

    def _match_from(self, words, index, entry):
        if index + len(entry.words) > len(words):
            return None
        misspelt = 0
        for offset, wanted in enumerate(entry.words):
            result = self._word_matches(words[index + offset], wanted)
            if result is None:
                return None
            misspelt += result
        if len(entry.words) == 1 and not entry.acronym:
            # A one-word name is taken misspelt only when long: short ones collide with other words.
            if misspelt and len(entry.words[0]) < 7:
                return None
            if not misspelt and entry.written not in words[index].written_forms:
                return None
        return misspelt


def _written_as_acronym(text):
    return not text.isalpha() or text.isupper() or not text.isascii()


def _name_words(name):
    """A name's words as a release's words are read (text.WORD): «عبد الله» two words, as written,
    "Counter-Terrorism" one, "API/PNR" two."""
    return tuple(form for form in map(_bare_word, name.replace("/", " ").split()) if form)


# Names share most of their words ("United", "Nations", «مكافحة»): each is normalised once.
_bare_word = lru_cache(maxsize=200_000)(bare)


def _entries():
    entries = []

    def add(kind, key, name, acronym=False):
        words = _name_words(name or "")
        if words and (acronym or len(words) > 1 or len(words[0]) >= 3):
            entries.append(Entry(kind, key, words, acronym, normalize_name(name) if len(words) == 1 and not acronym else ""))

    for pk, name_en, name_ar, acronym in Organization.objects.values_list("pk", "name_en", "name_ar", "acronym"):
        add("organization", pk, name_en)
        add("organization", pk, name_ar)
        add("organization", pk, acronym, acronym=True)
    for pk, name, kind in OrganizationName.objects.values_list("organization_id", "name", "kind"):
        add("organization", pk, name, acronym=kind == "acronym")
    for pk, name_en, name_ar in Person.objects.values_list("pk", "name_en", "name_ar"):
        add("person", pk, name_en)
        add("person", pk, name_ar)
    for pk, name in PersonName.objects.values_list("person_id", "name"):
        add("person", pk, name)
    for pk, code, name_en, name_ar in FocalArea.objects.values_list("pk", "code", "name_en", "name_ar"):
        for name in (name_en, name_ar):
            add("focal_area", pk, name)
            # "Preventing and countering violent extremism (PCVE)" is also said without its
            # acronym, and by its acronym alone.
            spelled, _bracket, acronym = name.partition(" (")
            if acronym:
                add("focal_area", pk, spelled)
                add("focal_area", pk, acronym.rstrip(")"), acronym=True)
    for city_en, city_ar, country in _known_cities():
        for name in (city_en, city_ar):
            add("city", (city_en, city_ar, country), name)
    for code, name in countries:
        add("country", code, name)
        with_arabic = _arabic_country_name(code)
        if with_arabic:
            add("country", code, with_arabic)
    return entries


def _known_cities():
    """The cities the records already name, English and Arabic together, with their country
    where any record gives it."""
    countries_of = {}

    def add(city_en, city_ar, country=""):
        if city_en or city_ar:
            key = (city_en, city_ar)
            countries_of[key] = countries_of.get(key) or country or ""

    for city_en, city_ar, country in Meeting.objects.values_list("city_en", "city_ar", "country"):
        add(city_en, city_ar, country)
    for city_en, city_ar, country in Organization.objects.values_list("headquarters_city_en", "headquarters_city_ar", "country"):
        add(city_en, city_ar, country)
    for place_en, place_ar in Agreement.objects.values_list("signed_place_en", "signed_place_ar"):
        # A place of signing may be a building ("United Nations Headquarters, New York"): only a plain city name is taken.
        if place_en and "," not in place_en and place_ar:
            add(place_en, place_ar)
    by_arabic = {city_ar: country for (city_en, city_ar), country in countries_of.items() if country and city_ar}
    return {(city_en, city_ar, country or by_arabic.get(city_ar, "")) for (city_en, city_ar), country in countries_of.items()}


@lru_cache(maxsize=None)
def _arabic_country_name(code):
    import gettext

    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return ""
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"], fallback=True)
    name = translation.gettext(country.name)
    return name if name != country.name else ""


_cached = {"state": None, "gazetteer": None}


def gazetteer():
    """The gazetteer of the records as they are now, built again only after one of them changed."""
    state = (
        Organization.objects.aggregate(Max("updated_at"), Count("pk")),
        Person.objects.aggregate(Max("updated_at"), Count("pk")),
        FocalArea.objects.aggregate(Max("updated_at"), Count("pk")),
        Meeting.objects.aggregate(Max("updated_at"), Count("pk")),
        Agreement.objects.aggregate(Max("updated_at"), Count("pk")),
    )
    if _cached["state"] != state:
        _cached["gazetteer"] = Gazetteer(_entries())
        _cached["state"] = state
    return _cached["gazetteer"]
