"""Fill a PostgreSQL database with a seeded, realistic synthetic data set for the benchmarks.

    python -m bench.generate --size S|M|L --database-url postgres://postgres@127.0.0.1:5432/crm_bench_s

Creates the database (UTF-8, C.UTF-8) if missing, migrates it, empties the data tables and loads
rows with COPY. Rows are generated in chunks by a worker process while the main process streams
the previous chunk into PostgreSQL; every chunk has its own random.Random seeded from (seed,
stream, chunk number), so a run repeats exactly whatever the number of workers. Secondary
indexes, unique and foreign-key constraints are dropped for the load and rebuilt inside the same
transaction, which also re-validates every foreign key and unique rule on the generated rows.
"""
import argparse
import io
import json
import multiprocessing
import os
import random
import sys
import time
from collections import deque
from datetime import date
from urllib.parse import urlsplit, urlunsplit

import psycopg2

from bench import words

SIZES = {"S": 10_000, "M": 100_000, "L": 1_000_000}
DEFAULT_SEED = 20240606
ALLOWED_DATABASE_PREFIX = "crm_bench_"
LOAD_ATTEMPTS = 3

# Entities per chunk; a chunk is one task for a worker and one COPY per table.
CHUNK = {"organizations": 10_000, "people": 20_000, "agreements": 10_000, "meetings": 4_000}

# Per table: the Django model label and the columns written, in row order.
TABLES = {
    "focalarea": ("partners.FocalArea", ["id", "search_key", "code", "name_en", "name_ar", "parent_id", "version"]),
    "organization": ("partners.Organization", [
        "id", "search_key", "name_en", "name_ar", "acronym", "kind", "country", "headquarters_city_en",
        "headquarters_city_ar", "founded_on", "founded_precision", "founded_is_inferred", "founded_note",
        "website", "notes", "parent_id", "version"]),
    "organizationname": ("partners.OrganizationName", ["search_key", "name", "language", "kind", "organization_id"]),
    "person": ("partners.Person", ["id", "search_key", "name_en", "name_ar", "honorific_en", "honorific_ar", "notes", "version"]),
    "personname": ("partners.PersonName", ["search_key", "name", "language", "kind", "person_id"]),
    "position": ("partners.Position", [
        "title_en", "title_ar", "role", "is_acting", "starts_on", "starts_precision", "ends_on", "ends_precision",
        "organization_id", "person_id"]),
    "agreement": ("agreements.Agreement", [
        "id", "search_key", "kind", "status", "title_en", "title_ar", "summary_en", "summary_ar", "signed_on",
        "signed_precision", "signed_is_inferred", "signed_note", "signed_place_en", "signed_place_ar",
        "effective_on", "expires_on", "notes", "version"]),
    "agreementparty": ("agreements.AgreementParty", [
        "role", "signatory_title_en", "signatory_title_ar", "agreement_id", "organization_id",
        "represented_by_id", "signatory_id", "agreement_signed_on"]),
    "agreementwitness": ("agreements.AgreementWitness", ["title_en", "title_ar", "agreement_id", "person_id"]),
    "agreementfocalarea": ("agreements.AgreementFocalArea", ["agreement_id", "focal_area_id"]),
    "fundingcommitment": ("agreements.FundingCommitment", [
        "id", "amount", "currency", "status", "committed_on", "committed_precision", "period_starts_on",
        "period_months", "period_ends_on", "purpose_en", "purpose_ar", "is_reported", "agreement_id",
        "donor_id", "recipient_id", "version"]),
    "fundingcommitmentfocalarea": ("agreements.FundingCommitmentFocalArea", ["commitment_id", "focal_area_id"]),
    "payment": ("agreements.Payment", ["received_on", "amount", "reference", "note", "commitment_id"]),
    "meeting": ("meetings.Meeting", [
        "id", "search_key", "kind", "status", "title_en", "title_ar", "summary_en", "summary_ar", "starts_on",
        "starts_precision", "starts_is_inferred", "ends_on", "date_note", "is_virtual", "venue_en", "venue_ar",
        "city_en", "city_ar", "country", "reported_participants", "reported_participants_qualifier",
        "reported_organizations", "reported_organizations_qualifier", "notes", "follows_id", "version"]),
    "meetingorganizer": ("meetings.MeetingOrganizer", ["role", "meeting_id", "organization_id"]),
    "meetingsession": ("meetings.MeetingSession", ["id", "order", "title_en", "title_ar", "meeting_id"]),
    "participant": ("meetings.Participant", [
        "role", "title_en", "title_ar", "note", "meeting_id", "organization_id", "person_id", "session_id"]),
    "meetingagreement": ("meetings.MeetingAgreement", ["agreement_id", "meeting_id"]),
    "meetingfocalarea": ("meetings.MeetingFocalArea", ["focal_area_id", "meeting_id"]),
}

# Which tables each stream writes, in COPY order within a chunk.
STREAMS = {
    "organizations": ["organization", "organizationname"],
    "people": ["person", "personname", "position"],
    "agreements": ["agreement", "agreementparty", "agreementwitness", "agreementfocalarea",
                   "fundingcommitment", "fundingcommitmentfocalarea", "payment"],
    "meetings": ["meeting", "meetingorganizer", "meetingsession", "participant", "meetingagreement",
                 "meetingfocalarea"],
}

NULL = "\\N"


# ---------------------------------------------------------------------------------------------
# Search keys: the app's own normalisation, computed a word at a time with a cache.

class SearchKeys:
    """`build_search_key` of the app, computed from a cache of per-word keys.

    `normalize_name` works character by character, collapses whitespace and glues «عبد ال…»
    across a space, so the key of a name is the per-word keys joined by a space with the «عبد»
    rule applied once more; the generator's names contain no character that composes across a
    space. `verify_every` compares with `build_search_key` itself on a share of the rows.
    """

    def __init__(self, verify_every):
        from crm import search

        self.search = search
        self.cache = {}
        self.verify_every = verify_every
        self.calls = 0

    def name_key(self, name):
        cache = self.cache
        parts = []
        for word in name.split(" "):
            key = cache.get(word)
            if key is None:
                key = cache[word] = self.search.normalize_name(word)
            if key:
                parts.append(key)
        text = " ".join(parts)
        if "عبد " in text:
            text = self.search.ABD_PREFIX.sub("عبد", text)
        return text

    def __call__(self, *names):
        keys = []
        for name in names:
            if name:
                key = self.name_key(name)
                if key and key not in keys:
                    keys.append(key)
        result = self.search.KEY_SEPARATOR.join(keys)
        self.calls += 1
        if self.verify_every and self.calls % self.verify_every == 0:
            expected = self.search.build_search_key(*names)
            if expected != result:
                raise AssertionError(f"search key differs from build_search_key for {names!r}: {result!r} != {expected!r}")
        return result


# ---------------------------------------------------------------------------------------------
# The shape of a data set: sizes, id ranges, lookup tables. Built once, before the workers fork.

class Plan:
    def __init__(self, size, seed, verify_every):
        self.size = size
        self.seed = seed
        self.verify_every = verify_every
        n = SIZES[size]
        self.organizations = n
        self.people = 3 * n
        self.agreements = n * 12 // 5
        self.meetings = n // 2
        self.hubs = max(20, n // 5000)

        from django_countries import countries
        from django.utils import translation


        country_codes = sorted(code for code, _name in countries)
        with translation.override("en"):
            english = {code: str(name) for code, name in countries}
        with translation.override("ar"):
            arabic = {code: str(name) for code, name in countries}
        self.country_names = {code: (english[code], arabic[code]) for code in country_codes}
        self.states = [code for code in country_codes if code not in words.TERRITORIES]
        self.first_state = self.hubs + 1
        self.first_other = self.hubs + len(self.states) + 1
        assert self.first_other < n, "too few organisations for the hubs and member states"
        self.state_id = {code: self.first_state + index for index, code in enumerate(self.states)}
        # A handful of organisations and people named Voronkov, spread over the ids.
        span = n - self.first_other
        self.voronkov_organizations = {self.first_other + 17 + index * (span // 5) for index in range(5)}
        self.voronkov_people = {11 + index * (self.people // 5) for index in range(5)}
        # Rare proper names: each organisation that carries one draws it uniformly from the pool,
        # about 4 uses per name, so a name appears in 1 to 20 rows.
        self.proper_pool = max(20, n * 7 // 100)

        weighted = dict(words.COUNTRY_WEIGHTS)
        rest = [code for code in self.states if code not in weighted]
        table = []
        for code, weight in words.COUNTRY_WEIGHTS:
            table += [code] * weight
        share = max(1, 400 // len(rest))
        for code in rest:
            table += [code] * share
        self.country_table = table
        self.currency_table = [code for code, weight in words.CURRENCY_WEIGHTS for _ in range(weight)]

        # Focal areas: ids 1.. in order of the taxonomy; top-level areas first in each family.
        self.focal_areas = []
        for code, name_en, name_ar, children in words.FOCAL_AREAS:
            top_id = len(self.focal_areas) + 1
            self.focal_areas.append((top_id, code, name_en, name_ar, None))
            for suffix, child_en, child_ar in children:
                self.focal_areas.append((len(self.focal_areas) + 1, f"{code}-{suffix}", child_en, child_ar, top_id))
        self.focal_area_ids = [row[0] for row in self.focal_areas]

        # Dates as ISO strings, indexed by days since 1 January 1945.
        self.epoch = date(1945, 1, 1).toordinal()
        last = date(2029, 12, 31).toordinal()
        self.day_iso, self.month_iso, self.year_iso = [], [], []
        for ordinal in range(self.epoch, last + 1):
            day = date.fromordinal(ordinal)
            self.day_iso.append(day.isoformat())
            self.month_iso.append(day.replace(day=1).isoformat())
            self.year_iso.append(day.replace(month=1, day=1).isoformat())
        self.last_day = len(self.day_iso) - 1

    def year_index(self, year):
        return date(year, 1, 1).toordinal() - self.epoch

    def chunks(self, stream):
        total = {"organizations": self.organizations, "people": self.people, "agreements": self.agreements,
                 "meetings": self.meetings}[stream]
        size = CHUNK[stream]
        return [(number, start, min(size, total - start + 1)) for number, start in enumerate(range(1, total + 1, size))]

    def rng(self, stream, number):
        return random.Random(f"{self.seed}:{stream}:{number}")


PLAN = None  # set in the main process before the workers fork
KEYS = None


# ---------------------------------------------------------------------------------------------
# Helpers used by the chunk builders.

def pool_name(index):
    """The index-th rare proper name of the pool, in Latin and Arabic script: four syllables and a
    final consonant. The pool fills under 2 % of the 6.3 million such names, so a name has few
    neighbours one syllable away, which the app's fuzzy search would also find."""
    syllables, finals = words.SYLLABLES, words.FINALS
    count = len(syllables)
    names = count ** 4 * len(finals)
    # A bijection that scatters neighbouring indexes over the whole space of names.
    index = (index * 7919 + 104_729) % names
    parts = []
    index, final = divmod(index, len(finals))
    for _ in range(4):
        index, syllable = divmod(index, count)
        parts.append(syllables[syllable])
    parts.append(finals[final])
    latin = "".join(part[0] for part in parts)
    return latin.capitalize(), "".join(part[1] for part in parts)


def unique_family_name(number):
    """A family name no one else has: the number written in five syllables."""
    syllables = words.SYLLABLES
    count = len(syllables)
    parts = []
    for _ in range(5):
        number, digit = divmod(number, count)
        parts.append(syllables[digit])
    return "".join(part[0] for part in parts).capitalize(), "".join(part[1] for part in parts)


HAMZA_FOLD = str.maketrans({"أ": "ا", "إ": "ا"})
TA_MARBUTA_FOLD = str.maketrans({"ة": "ه"})
ALEF_MAQSURA_FOLD = str.maketrans({"ى": "ي"})


def arabic_variant(rng, text):
    """Write an Arabic name the way a clerk might: hamza dropped, ة as ه, ى as ي, «عبد ال» glued."""
    roll = rng.random()
    if roll < 0.15:
        return text.translate(HAMZA_FOLD)
    if roll < 0.20:
        return text.translate(TA_MARBUTA_FOLD)
    if roll < 0.25:
        return text.translate(ALEF_MAQSURA_FOLD)
    if roll < 0.30 and "عبد ال" in text:
        return text.replace("عبد ال", "عبدال")
    return text


def acronym_of(name_en):
    letters = [word[0] for word in name_en.replace("-", " ").split() if word[0].isupper()]
    return "".join(letters)[:12] if len(letters) >= 2 else ""


def fmt_amount(milli):
    return f"{milli // 1000}.{milli % 1000:03d}"


def precise_date(rng, plan, index, day_share=0.8, month_share=0.15):
    """(ISO date, precision) for a day index, known to the day, the month or the year."""
    roll = rng.random()
    if roll < day_share:
        return plan.day_iso[index], "day"
    if roll < day_share + month_share:
        return plan.month_iso[index], "month"
    return plan.year_iso[index], "year"


def pick_org(rnd, plan):
    """An organisation id, skewed: a fifth of all links go to the hubs, a twentieth to member states."""
    roll = rnd()
    if roll < 0.20:
        return 1 + int(rnd() * plan.hubs)
    if roll < 0.25:
        return plan.first_state + int(rnd() * len(plan.states))
    return 1 + int(rnd() * plan.organizations)


def pick_focal_areas(rng, plan, weights=(0.1, 0.5, 0.3, 0.1)):
    roll = rng.random()
    count = 0
    while count < len(weights) - 1 and roll >= weights[count]:
        roll -= weights[count]
        count += 1
    return rng.sample(plan.focal_area_ids, count) if count else []


def booleans(value):
    return "t" if value else "f"


class Output:
    """Rows of one chunk, per table, as COPY text lines."""

    def __init__(self, tables):
        self.rows = {table: [] for table in tables}

    def finish(self, suffixes):
        buffers, counts = {}, {}
        for table, rows in self.rows.items():
            suffix = suffixes.get(table, "")
            body = (suffix + "\n").join(rows) + suffix + "\n" if rows else ""
            buffers[table] = body.encode("utf-8")
            counts[table] = len(rows)
        return buffers, counts


SUFFIXES = {}  # per table: default values for NOT NULL columns the generator does not know


# ---------------------------------------------------------------------------------------------
# Chunk builders: each returns the rows of one chunk of a stream.

def build_organizations(number, start, count):
    plan, key = PLAN, KEYS
    rng = plan.rng("organizations", number)
    rnd = rng.random
    out = Output(STREAMS["organizations"])
    org_rows, alias_rows = out.rows["organization"], out.rows["organizationname"]
    nouns, named_nouns, adjectives, topics = words.BODY_NOUNS, words.NAMED_BODY_NOUNS, words.ADJECTIVES, words.TOPICS
    cities, country_table = words.CITIES, plan.country_table
    founded_low, founded_high = plan.year_index(1945), plan.year_index(2024)
    for org_id in range(start, start + count):
        parent = NULL
        country = ""
        acronym = ""
        alias_candidates = []
        proper = None
        if org_id <= plan.hubs:
            prefix_en, prefix_ar = rng.choice(words.HUB_PREFIXES)
            topic_en, topic_ar = rng.choice(topics)
            name_en = f"{prefix_en} {topic_en}"
            name_ar = f"{prefix_ar} {words.arabic_for(topic_ar)}"
            kind = rng.choice(["un_entity", "un_entity", "regional_organization", "international_organization"])
            country = rng.choice(["", "", "US", "AT", "CH", "QA", "BE"])
            acronym = acronym_of(name_en)
        elif org_id < plan.first_other:
            country = plan.states[org_id - plan.first_state]
            name_en, name_ar = plan.country_names[country]
            kind = "member_state"
        else:
            roll = rnd()
            if org_id in plan.voronkov_organizations or roll < 0.22:  # "Kirashan Foundation for …"
                noun = words.CENTRE if rnd() < 0.12 else rng.choice(named_nouns)
                if org_id in plan.voronkov_organizations:
                    proper = words.VORONKOV
                else:
                    proper = pool_name(int(rnd() * plan.proper_pool))
                topic_en, topic_ar = rng.choice(topics)
                name_en = f"{proper[0]} {noun[0]} for {topic_en}"
                name_ar = f"{noun[1]} {proper[1]} {words.arabic_for(topic_ar)}"
                alias_candidates.append((f"{proper[0]} {noun[0]}", "en", "short"))
                kind = rng.choice(["civil_society", "civil_society", "academic", "centre_of_excellence", "private_sector", "other"])
            elif roll < 0.72:  # "National Centre for …"
                noun = words.CENTRE if rnd() < 0.12 else rng.choice(nouns)
                adjective = rng.choice(adjectives)
                topic_en, topic_ar = rng.choice(topics)
                name_en = f"{adjective[0]} {noun[0]} for {topic_en}"
                name_ar = f"ال{noun[1]} {adjective[1] if noun[2] == 'm' else adjective[2]} {words.arabic_for(topic_ar)}"
                former = rng.choice(adjectives)
                if former is not adjective:
                    alias_candidates.append((f"{former[0]} {noun[0]} for {topic_en}", "en", "former"))
                kind = rng.choice(["civil_society", "academic", "centre_of_excellence", "international_organization",
                                   "regional_organization", "coalition", "private_sector", "other"])
            elif roll < 0.92:  # "Ministry of Interior of Qatar"
                country = country_table[int(rnd() * len(country_table))]
                country_en, country_ar = plan.country_names[country]
                if rnd() < 0.2:
                    city = rng.choice(cities)
                    name_en = f"Permanent Mission of {country_en} to the United Nations in {city[0]}"
                    name_ar = f"البعثة الدائمة لدى الأمم المتحدة في {city[1]} - {country_ar}"
                    kind = "permanent_mission"
                else:
                    body_en, body_ar = rng.choice(words.GOVERNMENT_BODIES)
                    name_en = f"{body_en} of {country_en}"
                    name_ar = f"{body_ar} في {country_ar}"
                    kind = "government_body"
                if rnd() < 0.3:
                    parent = str(plan.state_id.get(country, NULL))
            else:  # "Abdullah Al-Kaabi Foundation"
                given = rng.choice(words.GIVEN_NAMES)
                family = rng.choice(words.FAMILY_NAMES)
                name_en = f"{given[0]} {family[0]} Foundation"
                name_ar = f"مؤسسة {given[1]} {family[1]}"
                kind = "civil_society"
            if not country and rnd() < 0.85:
                country = country_table[int(rnd() * len(country_table))]
            if parent == NULL and rnd() < 0.15:
                if rnd() < 0.5 or org_id <= plan.first_other + 1:
                    parent = str(1 + int(rnd() * plan.hubs))
                else:
                    parent = str(plan.first_other + int(rnd() * (org_id - plan.first_other)))
            variant = arabic_variant(rng, name_ar)
            if variant != name_ar:
                name_ar, original = variant, name_ar
                alias_candidates.append((original, "ar", "variant"))
            languages = rnd()
            if org_id in plan.voronkov_organizations:
                pass
            elif languages < 0.15:
                name_ar = ""
            elif languages < 0.25:
                name_en = ""
            if name_en and rnd() < 0.4:
                acronym = acronym_of(name_en)
            if "Centre" in name_en:
                alias_candidates.append((name_en.replace("Centre", "Center"), "en", "variant"))
            elif "Programme" in name_en:
                alias_candidates.append((name_en.replace("Programme", "Program"), "en", "variant"))
        if rnd() < 0.7:
            founded, precision = precise_date(rng, plan, founded_low + int(rnd() * (founded_high - founded_low)), 0.5, 0.3)
            inferred = rnd() < 0.05
            note = "Inferred from the first annual report." if inferred else ""
        else:
            founded, precision, inferred, note = NULL, "day", False, ""
        city_en = city_ar = ""
        if rnd() < 0.6:
            city_en, city_ar = rng.choice(cities)
        website = f"https://www.{(acronym or f'org{org_id}').lower()}.example.org" if rnd() < 0.4 else ""
        org_rows.append("\t".join((
            str(org_id), key(name_en, name_ar, acronym), name_en, name_ar, acronym, kind, country, city_en, city_ar,
            founded, precision, booleans(inferred), note, website, "", parent, "1",
        )))
        if alias_candidates and org_id >= plan.first_other and rnd() < 0.45:
            seen = set()
            for name, language, kind_of_name in alias_candidates[: 1 + int(rnd() * 2)]:
                if name and name not in seen and name not in (name_en, name_ar):
                    seen.add(name)
                    alias_rows.append("\t".join((key(name), name, language, kind_of_name, str(org_id))))
    return out


def build_people(number, start, count):
    plan, key = PLAN, KEYS
    rng = plan.rng("people", number)
    rnd = rng.random
    out = Output(STREAMS["people"])
    person_rows, alias_rows, position_rows = out.rows["person"], out.rows["personname"], out.rows["position"]
    given_names, family_names, variants = words.GIVEN_NAMES, words.FAMILY_NAMES, words.GIVEN_NAME_VARIANTS
    titles = words.POSITION_TITLES
    start_low, start_high = plan.year_index(1990), plan.year_index(2025)
    for person_id in range(start, start + count):
        given = rng.choice(given_names)
        has_aliases = person_id not in plan.voronkov_people and rnd() < 0.10
        if person_id in plan.voronkov_people:
            given, family = ("Vladimir", "فلاديمير"), words.VORONKOV
        elif has_aliases:
            family = unique_family_name(person_id)
        elif rnd() < 0.7:
            family = rng.choice(family_names)
        else:
            family = pool_name(int(rnd() * 200_000))
        middle = rng.choice(given_names) if rnd() < 0.15 else None
        name_en = " ".join(part for part in (given[0], middle and middle[0], family[0]) if part)
        name_ar = " ".join(part for part in (given[1], middle and middle[1], family[1]) if part)
        name_ar = arabic_variant(rng, name_ar)
        languages = rnd()
        if person_id in plan.voronkov_people:
            pass
        elif languages < 0.12:
            name_ar = ""
        elif languages < 0.20:
            name_en = ""
        honorific_en = honorific_ar = ""
        if rnd() < 0.25:
            honorific_en, honorific_ar = rng.choice(words.HONORIFICS)
        person_rows.append("\t".join((
            str(person_id), key(name_en, name_ar), name_en, name_ar, honorific_en, honorific_ar, "", "1",
        )))
        if has_aliases:
            variant = variants.get(given[0])
            alias_en = f"{variant[0]} {family[0]}" if variant else f"{family[0]}, {given[0]}"
            alias_rows.append("\t".join((key(alias_en), alias_en, "en", "transliteration" if variant else "variant", str(person_id))))
            if rnd() < 0.5:
                alias_ar = f"{variant[1] if variant else given[1]} {family[1]}"
                if alias_ar != name_ar:
                    alias_rows.append("\t".join((key(alias_ar), alias_ar, "ar", "variant", str(person_id))))
        roll = rnd()
        positions = 0 if roll < 0.15 else 1 if roll < 0.70 else 2 if roll < 0.95 else 3
        for _ in range(positions):
            title_en, title_ar, role = rng.choice(titles)
            languages = rnd()
            if languages < 0.10:
                title_ar = ""
            elif languages < 0.15:
                title_en = ""
            starts_on, starts_precision, ends_on, ends_precision = NULL, "day", NULL, "day"
            if rnd() < 0.7:
                first = start_low + int(rnd() * (start_high - start_low))
                starts_on, starts_precision = precise_date(rng, plan, first, 0.6, 0.3)
                if rnd() < 0.4:
                    last = min(plan.last_day, first + 400 + int(rnd() * 2500))
                    ends_on, ends_precision = precise_date(rng, plan, last, 1.0, 0.0)
            position_rows.append("\t".join((
                title_en, title_ar, role, booleans(rnd() < 0.03), starts_on, starts_precision, ends_on,
                ends_precision, str(pick_org(rnd, plan)), str(person_id),
            )))
    return out


AGREEMENT_KINDS = ["mou"] * 40 + ["contribution_agreement"] * 15 + ["cooperation_agreement"] * 15 + \
    ["framework_agreement"] * 10 + ["letter_of_intent"] * 10 + ["other"] * 10
AGREEMENT_STATUSES = ["draft"] * 8 + ["under_negotiation"] * 7 + ["signed"] * 25 + ["in_force"] * 40 + \
    ["expired"] * 15 + ["terminated"] * 5
PARTY_COUNTS = [1] * 5 + [2] * 70 + [3] * 15 + [4] * 6 + [5] * 4
COMMITMENT_STATUSES = ["pledged"] * 20 + ["committed"] * 25 + ["partly_paid"] * 25 + ["paid"] * 20 + ["cancelled"] * 10
THREE_DECIMALS = {"KWD", "BHD", "OMR"}


def commitments_in(count):
    """Commitments of an agreement chunk: half as many as agreements, so ids follow from the chunk number."""
    return count // 2


def build_agreements(number, start, count, first_commitment):
    plan, key = PLAN, KEYS
    rng = plan.rng("agreements", number)
    rnd = rng.random
    out = Output(STREAMS["agreements"])
    rows = out.rows
    agreement_rows, party_rows, witness_rows = rows["agreement"], rows["agreementparty"], rows["agreementwitness"]
    focal_rows, commitment_rows = rows["agreementfocalarea"], rows["fundingcommitment"]
    commitment_focal_rows, payment_rows = rows["fundingcommitmentfocalarea"], rows["payment"]
    topics, cities, titles = words.TOPICS, words.CITIES, words.POSITION_TITLES
    signed_low, signed_high = plan.year_index(2000), plan.year_index(2026)

    # Which agreements the chunk's commitments belong to (None: a commitment without agreement).
    commitments = commitments_in(count)
    commitment_agreement = [start + int(rnd() * count) if rnd() < 0.9 else None for _ in range(commitments)]
    funded = set(agreement for agreement in commitment_agreement if agreement is not None)
    pairs = {}

    for agreement_id in range(start, start + count):
        kind = AGREEMENT_KINDS[int(rnd() * 100)]
        status = AGREEMENT_STATUSES[int(rnd() * 100)]
        topic_en, topic_ar = topics[int(rnd() * len(topics))]
        kind_en, kind_ar = words.KIND_TITLES[kind]
        title_en = f"{kind_en} on {topic_en}"
        title_ar = f"{kind_ar} بشأن {topic_ar}"
        if rnd() < 0.25:
            proper = pool_name(int(rnd() * plan.proper_pool * 4))
            title_en += f" ({proper[0]} Programme)"
            title_ar += f" (برنامج {proper[1]})"
        title_ar = arabic_variant(rng, title_ar)
        languages = rnd()
        if languages < 0.15:
            title_ar = ""
        elif languages < 0.25:
            title_en = ""
        summary_en = summary_ar = ""
        if rnd() < 0.25:
            summary_en = f"Cooperation between the parties on {topic_en.lower()}, with a joint work plan."
            summary_ar = f"التعاون بين الطرفين في مجال {topic_ar} وفق خطة عمل مشتركة."
        signed_on, signed_precision, inferred, note = NULL, "day", False, ""
        effective_on = expires_on = NULL
        place_en = place_ar = ""
        if status not in ("draft", "under_negotiation") and rnd() < 0.97:
            signed = signed_low + int(rnd() * (signed_high - signed_low))
            signed_on, signed_precision = precise_date(rng, plan, signed, 0.8, 0.15)
            inferred = rnd() < 0.05
            note = "The release dated the next day says 'yesterday'." if inferred else ""
            latest = signed
            if rnd() < 0.7:
                effective = signed + int(rnd() * 90)
                effective_on = plan.day_iso[effective]
                latest = effective
            if rnd() < 0.6:
                expires_on = plan.day_iso[min(plan.last_day, latest + 365 + int(rnd() * 3300))]
            if rnd() < 0.5:
                place_en, place_ar = cities[int(rnd() * len(cities))]
        agreement_rows.append("\t".join((
            str(agreement_id), key(title_en, title_ar), kind, status, title_en, title_ar, summary_en, summary_ar,
            signed_on, signed_precision, booleans(inferred), note, place_en, place_ar, effective_on, expires_on,
            "", "1",
        )))

        parties = []
        wanted = PARTY_COUNTS[int(rnd() * 100)]
        while len(parties) < wanted:
            organization = pick_org(rnd, plan)
            if organization not in parties:
                parties.append(organization)
        is_funded = agreement_id in funded
        if is_funded:
            pairs[agreement_id] = (parties[0], parties[1] if len(parties) > 1 else None)
        agreement_text = str(agreement_id)
        for index, organization in enumerate(parties):
            if is_funded and index == 0:
                role = "funding"
            elif is_funded and index == 1:
                role = "accountable"
            else:
                role = "implementing" if rnd() < 0.2 else "party"
            represented_by = NULL
            if rnd() < 0.05:
                other = pick_org(rnd, plan)
                if other != organization:
                    represented_by = str(other)
            signatory, title_en, title_ar = NULL, "", ""
            if rnd() < 0.4:
                signatory = str(1 + int(rnd() * plan.people))
                if rnd() < 0.4:
                    title_en, title_ar, _role = titles[int(rnd() * len(titles))]
            # The agreement's signing date, which the database's trigger would copy (off while loading).
            party_rows.append("\t".join(
                (role, title_en, title_ar, agreement_text, str(organization), represented_by, signatory, signed_on)
            ))
        if rnd() < 0.2:
            for person in rng.sample(range(1, plan.people + 1), 1 + int(rnd() * 2)):
                title_en = title_ar = ""
                if rnd() < 0.5:
                    title_en, title_ar, _role = titles[int(rnd() * len(titles))]
                witness_rows.append("\t".join((title_en, title_ar, agreement_text, str(person))))
        for focal_area in pick_focal_areas(rng, plan):
            focal_rows.append(f"{agreement_text}\t{focal_area}")

    committed_low, committed_high = plan.year_index(2005), plan.year_index(2026)
    currencies = plan.currency_table
    for offset, agreement_id in enumerate(commitment_agreement):
        commitment_id = first_commitment + offset
        if agreement_id is not None:
            donor, recipient = pairs[agreement_id]
        else:
            donor, recipient = pick_org(rnd, plan), None
        while recipient is None or recipient == donor:
            recipient = 1 + int(rnd() * plan.organizations)
        currency = currencies[int(rnd() * len(currencies))]
        unit = 1 if currency in THREE_DECIMALS else 1000 if currency == "JPY" else 10
        amount = max(1000 * unit, int(rng.lognormvariate(19.3, 1.5)) // unit * unit)
        status = COMMITMENT_STATUSES[int(rnd() * 100)]
        committed_on, committed_precision, committed = NULL, "day", None
        if rnd() < 0.9:
            committed = committed_low + int(rnd() * (committed_high - committed_low))
            committed_on, committed_precision = precise_date(rng, plan, committed, 0.7, 0.2)
        period_start, period_months, period_end = NULL, NULL, NULL
        if rnd() < 0.5:
            if committed is not None:
                period_start = plan.day_iso[committed]
            roll = rnd()
            if roll < 0.5:
                period_months = str(12 * (1 + int(rnd() * 5)))
            elif roll < 0.8 and committed is not None:
                period_end = plan.day_iso[min(plan.last_day, committed + 365 + int(rnd() * 1500))]
        purpose_en = purpose_ar = ""
        if rnd() < 0.4:
            topic_en, topic_ar = topics[int(rnd() * len(topics))]
            purpose_en, purpose_ar = f"Support to {topic_en.lower()}", f"دعم {topic_ar}"
        commitment_text = str(commitment_id)
        commitment_rows.append("\t".join((
            commitment_text, fmt_amount(amount), currency, status, committed_on, committed_precision, period_start,
            period_months, period_end, purpose_en, purpose_ar, booleans(rnd() < 0.3),
            NULL if agreement_id is None else str(agreement_id), str(donor), str(recipient), "1",
        )))
        for focal_area in pick_focal_areas(rng, plan, (0.4, 0.45, 0.15)):
            commitment_focal_rows.append(f"{commitment_text}\t{focal_area}")
        if status == "paid":
            payments, received = 1 + int(rnd() * 4), amount
        elif status == "partly_paid":
            payments, received = 1 + int(rnd() * 3), amount * (20 + int(rnd() * 60)) // 100 // unit * unit
        elif status == "committed" and rnd() < 0.2:
            payments, received = 1, amount // 10 // unit * unit
        else:
            payments, received = 0, 0
        if payments and received >= payments * unit:
            day = committed if committed is not None else plan.year_index(2016) + int(rnd() * 2000)
            remaining = received
            for index in range(payments):
                if index == payments - 1:
                    part = remaining
                else:
                    part = max(unit, int(remaining * (0.2 + 0.5 * rnd())) // unit * unit)
                    part = min(part, remaining - (payments - 1 - index) * unit)
                remaining -= part
                day = min(plan.last_day, day + 30 + int(rnd() * 300))
                reference = f"PAY-{commitment_id}-{index + 1}" if rnd() < 0.5 else ""
                payment_rows.append("\t".join((plan.day_iso[day], fmt_amount(part), reference, "", commitment_text)))
    return out


MEETING_KINDS = ["strategic_dialogue"] * 10 + ["virtual_discussion"] * 15 + ["official_visit"] * 20 + \
    ["signing_ceremony"] * 8 + ["security_council_session"] * 4 + ["conference"] * 15 + ["workshop"] * 20 + ["other"] * 8
MEETING_STATUSES = ["held"] * 75 + ["planned"] * 20 + ["cancelled"] * 5
PARTICIPANT_ROLES = ["delegate"] * 50 + ["speaker"] * 15 + ["head_of_delegation"] * 15 + ["observer"] * 10 + \
    ["moderator"] * 5 + ["host"] * 5
QUALIFIERS = ["exact", "more_than", "at_least", "about"]


def meeting_sessions(number, count):
    """Sessions per meeting of a chunk, drawn from their own generator so that the main process
    can count them (for the session ids) without building the chunk."""
    rng = PLAN.rng("sessions", number)
    return [2 + int(rng.random() * 4) if rng.random() < 0.3 else 0 for _ in range(count)]


def build_meetings(number, start, count, first_session):
    plan, key = PLAN, KEYS
    rng = plan.rng("meetings", number)
    rnd = rng.random
    out = Output(STREAMS["meetings"])
    rows = out.rows
    meeting_rows, organizer_rows, session_rows = rows["meeting"], rows["meetingorganizer"], rows["meetingsession"]
    participant_rows, agreement_rows, focal_rows = rows["participant"], rows["meetingagreement"], rows["meetingfocalarea"]
    topics, cities, titles, country_table = words.TOPICS, words.CITIES, words.POSITION_TITLES, plan.country_table
    sessions_per_meeting = meeting_sessions(number, count)
    session_id = first_session
    ranges = {"held": (2005, 2026), "planned": (2024, 2028), "cancelled": (2015, 2027)}
    for offset, meeting_id in enumerate(range(start, start + count)):
        kind = MEETING_KINDS[int(rnd() * 100)]
        status = MEETING_STATUSES[int(rnd() * 100)]
        topic_en, topic_ar = topics[int(rnd() * len(topics))]
        kind_en, kind_ar = words.MEETING_TITLES[kind]
        title_en, title_ar = f"{kind_en} on {topic_en}", f"{kind_ar} حول {topic_ar}"
        city_en = city_ar = ""
        is_virtual = kind == "virtual_discussion" or rnd() < 0.05
        if not is_virtual and rnd() < 0.8:
            city_en, city_ar = cities[int(rnd() * len(cities))]
            if rnd() < 0.25:
                title_en, title_ar = f"{title_en} in {city_en}", f"{title_ar} في {city_ar}"
        languages = rnd()
        if languages < 0.12:
            title_ar = ""
        elif languages < 0.20:
            title_en = ""
        starts_on, starts_precision, ends_on, note = NULL, "day", NULL, ""
        if rnd() < 0.95:
            low, high = ranges[status]
            first = plan.year_index(low) + int(rnd() * (plan.year_index(high) - plan.year_index(low)))
            starts_on, starts_precision = precise_date(rng, plan, first, 0.85, 0.10)
            if starts_precision == "day" and rnd() < 0.4:
                ends_on = plan.day_iso[first + int(rnd() * 4)]
        else:
            note = "The source gives no date."
        venue_en, venue_ar = ("Conference Hall", "قاعة المؤتمرات") if city_en and rnd() < 0.5 else ("", "")
        country = country_table[int(rnd() * len(country_table))] if city_en else ""
        reported_people, people_qualifier = NULL, "exact"
        if rnd() < 0.3:
            reported_people, people_qualifier = str(20 + int(rnd() * 480)), QUALIFIERS[int(rnd() * 4)]
        reported_organizations, organizations_qualifier = NULL, "exact"
        if rnd() < 0.2:
            reported_organizations, organizations_qualifier = str(5 + int(rnd() * 75)), QUALIFIERS[int(rnd() * 4)]
        follows = str(1 + int(rnd() * (meeting_id - 1))) if meeting_id > 1 and rnd() < 0.05 else NULL
        summary_en = summary_ar = ""
        if rnd() < 0.2:
            summary_en = f"The participants discussed {topic_en.lower()} and agreed on next steps."
            summary_ar = f"ناقش المشاركون {topic_ar} واتفقوا على الخطوات التالية."
        meeting_text = str(meeting_id)
        meeting_rows.append("\t".join((
            meeting_text, key(title_en, title_ar), kind, status, title_en, title_ar, summary_en, summary_ar,
            starts_on, starts_precision, booleans(rnd() < 0.05), ends_on, note, booleans(is_virtual), venue_en,
            venue_ar, city_en, city_ar, country, reported_people, people_qualifier, reported_organizations,
            organizations_qualifier, "", follows, "1",
        )))

        roll = rnd()
        organizers = []
        while len(organizers) < (1 if roll < 0.6 else 2 if roll < 0.9 else 3):
            organization = 1 + int(rnd() * plan.hubs) if not organizers and rnd() < 0.4 else pick_org(rnd, plan)
            if organization not in organizers:
                organizers.append(organization)
        for index, organization in enumerate(organizers):
            role = ("host" if rnd() < 0.2 else "organizer") if index == 0 else "co_organizer"
            organizer_rows.append(f"{role}\t{meeting_text}\t{organization}")

        sessions = []
        for order in range(1, sessions_per_meeting[offset] + 1):
            topic_en, topic_ar = topics[int(rnd() * len(topics))]
            session_rows.append("\t".join((str(session_id), str(order), f"Session {order}: {topic_en}",
                                           f"الجلسة {order}: {topic_ar}", meeting_text)))
            sessions.append(str(session_id))
            session_id += 1

        attendance = 3 + int(17 * rnd() ** 1.8)
        for index, person in enumerate(rng.sample(range(1, plan.people + 1), attendance)):
            roll = rnd()
            person_text = str(person) if roll < 0.85 else NULL
            organization = str(pick_org(rnd, plan)) if roll < 0.70 or roll >= 0.85 else NULL
            role = "chair" if index == 0 and rnd() < 0.5 else PARTICIPANT_ROLES[int(rnd() * 100)]
            title_en = title_ar = ""
            if rnd() < 0.3:
                title_en, title_ar, _role = titles[int(rnd() * len(titles))]
            session = sessions[int(rnd() * len(sessions))] if sessions and rnd() < 0.3 else NULL
            participant_rows.append(
                "\t".join((role, title_en, title_ar, "", meeting_text, organization, person_text, session))
            )

        if kind == "signing_ceremony" or rnd() < 0.05:
            for agreement in rng.sample(range(1, plan.agreements + 1), 1 + int(rnd() * 2)):
                agreement_rows.append(f"{agreement}\t{meeting_text}")
        for focal_area in pick_focal_areas(rng, plan):
            focal_rows.append(f"{focal_area}\t{meeting_text}")
    return out


def build_chunk(task):
    """Run in a worker: build one chunk and return its COPY buffers."""
    stream, number, start, count, first_child = task
    if stream == "organizations":
        out = build_organizations(number, start, count)
    elif stream == "people":
        out = build_people(number, start, count)
    elif stream == "agreements":
        out = build_agreements(number, start, count, first_child)
    else:
        out = build_meetings(number, start, count, first_child)
    buffers, counts = out.finish(SUFFIXES)
    return stream, number, buffers, counts


def focal_area_rows(plan, key):
    rows = []
    for focal_id, code, name_en, name_ar, parent in plan.focal_areas:
        rows.append("\t".join((str(focal_id), key(name_en, name_ar, code), code, name_en, name_ar,
                               NULL if parent is None else str(parent), "1")) + SUFFIXES.get("focalarea", ""))
    return ("\n".join(rows) + "\n").encode()


def tasks(plan):
    """Every chunk of every stream, in load order, with the first id of its id-bearing children."""
    result = []
    for stream in ("organizations", "people"):
        result += [(stream, number, start, count, None) for number, start, count in plan.chunks(stream)]
    first_commitment = 1
    for number, start, count in plan.chunks("agreements"):
        result.append(("agreements", number, start, count, first_commitment))
        first_commitment += commitments_in(count)
    first_session = 1
    for number, start, count in plan.chunks("meetings"):
        result.append(("meetings", number, start, count, first_session))
        first_session += sum(meeting_sessions(number, count))
    return result


# ---------------------------------------------------------------------------------------------
# The database side.

def check_database_url(url):
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith(ALLOWED_DATABASE_PREFIX):
        raise SystemExit(f"refusing to load into {name!r}: benchmark databases are named {ALLOWED_DATABASE_PREFIX}s|m|l")
    return name


def ensure_database(url):
    name = check_database_url(url)
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            # pg_trgm finds no Arabic trigrams in a database whose character type is C.
            cursor.execute(
                f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' '
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
            print(f"created database {name}")
    connection.close()


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    if not os.environ.get("DJANGO_SECRET_KEY"):
        os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def data_tables():
    """(loaded tables, history tables) of the three apps, by Django's table names."""
    from django.apps import apps

    loaded, history = [], []
    for label in ("partners", "agreements", "meetings"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if getattr(model, "kept_by_database", False):
                continue  # rebuilt from the records after loading (the organisations' words)
            (history if model.__name__.startswith("Historical") else loaded).append(model._meta.db_table)
    return loaded, history


def table_name(short):
    from django.apps import apps

    return apps.get_model(TABLES[short][0])._meta.db_table


def unknown_columns(cursor):
    """Defaults for NOT NULL columns without a default that the generator does not write (a column
    added to a model after this file was written): '' for text, false, 0; anything else stops."""
    suffixes = {}
    for short, (_label, columns) in TABLES.items():
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s AND is_nullable = 'NO' "
            "AND column_default IS NULL AND is_identity = 'NO'",
            [table_name(short)],
        )
        extra = []
        for column, data_type in cursor.fetchall():
            if column in columns:
                continue
            # A time (updated_at, which incremental sync orders by): one fixed instant, so that a
            # seed gives the same data set whenever it is built.
            default = {"character varying": "", "text": "", "boolean": "f", "integer": "0", "smallint": "0",
                       "bigint": "0", "numeric": "0", "timestamp with time zone": "2024-06-06 00:00:00+00"}.get(data_type)
            if default is None:
                raise SystemExit(f"{table_name(short)}.{column} ({data_type}) is required: teach bench/generate.py to fill it")
            print(f"warning: {table_name(short)}.{column} is not generated; filled with {default!r}")
            extra.append((column, default))
        if extra:
            columns.extend(column for column, _default in extra)
            suffixes[short] = "".join("\t" + default for _column, default in extra)
    return suffixes


def constraints_to_rebuild(cursor, tables):
    """Foreign keys touching the tables, their primary keys, unique constraints and plain indexes,
    as SQL to re-create: COPY into a table without indexes only appends to the heap."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE contype IN ('f', 'p', 'u') AND (conrelid::regclass::text = ANY(%s) OR "
        "(contype = 'f' AND confrelid::regclass::text = ANY(%s))) ORDER BY contype, 1, 2",
        [tables, tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [tables],
    )
    indexes = cursor.fetchall()
    return constraints, indexes


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def load(url, plan, workers):
    timings = {}
    counts = {short: 0 for short in TABLES}
    loaded, history = data_tables()
    connection = psycopg2.connect(url)
    connection.autocommit = False
    cursor = connection.cursor()
    cursor.execute("SET maintenance_work_mem = '1GB'")
    cursor.execute("SET synchronous_commit = off")
    SUFFIXES.update(unknown_columns(cursor))

    started = time.perf_counter()
    constraints, indexes = constraints_to_rebuild(cursor, loaded)
    for table, name, _definition, _kind in constraints:  # foreign keys first, then primary keys and unique constraints
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {quote(name)}")
    # The funding totals', partnerships' and words' triggers would work row by row; all are rebuilt once below.
    for table in loaded:
        cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER USER")
    cursor.execute("TRUNCATE " + ", ".join(quote(table) for table in loaded + history) + " RESTART IDENTITY")
    timings["drop constraints, truncate"] = time.perf_counter() - started

    copy_sql = {
        short: f"COPY {quote(table_name(short))} ({', '.join(quote(column) for column in columns)}) FROM STDIN WITH (FREEZE)"
        for short, (_label, columns) in TABLES.items()
    }

    spent = {"copy": 0.0, "wait": 0.0}

    def copy(short, payload):
        if payload:
            began = time.perf_counter()
            cursor.copy_expert(copy_sql[short], io.BytesIO(payload))
            spent["copy"] += time.perf_counter() - began

    started = time.perf_counter()
    copy("focalarea", focal_area_rows(plan, KEYS))
    counts["focalarea"] = len(plan.focal_areas)
    stream_started = {}
    work = tasks(plan)
    window = deque()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=workers) as pool:
        queue = iter(work)
        for task in queue:
            window.append(pool.apply_async(build_chunk, (task,)))
            if len(window) >= 2 * workers + 1:
                break
        while window:
            began = time.perf_counter()
            stream, number, buffers, chunk_counts = window.popleft().get()
            spent["wait"] += time.perf_counter() - began
            next_task = next(queue, None)
            if next_task is not None:
                window.append(pool.apply_async(build_chunk, (next_task,)))
            stream_started.setdefault(stream, time.perf_counter())
            for short in STREAMS[stream]:
                copy(short, buffers[short])
                counts[short] += chunk_counts[short]
            timings[f"load {stream}"] = time.perf_counter() - stream_started[stream]
            print(f"  {stream} chunk {number}: {sum(chunk_counts.values()):,} rows", file=sys.stderr, flush=True)
    timings["load (all)"] = time.perf_counter() - started
    timings["  of which COPY"] = spent["copy"]
    timings["  of which waiting for the generating workers"] = spent["wait"]

    started = time.perf_counter()
    for _name, definition in indexes:
        cursor.execute(definition)
    timings["rebuild indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    for table, name, definition, _kind in reversed(constraints):  # unique and primary keys, then foreign keys
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    timings["rebuild primary, unique and foreign keys (validates them)"] = time.perf_counter() - started
    for table in loaded:
        cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER USER")
    started = time.perf_counter()
    cursor.execute("SELECT agreements_rebuild_funding_totals()")
    timings["funding totals"] = time.perf_counter() - started
    started = time.perf_counter()
    cursor.execute("SELECT network_rebuild_partnerships()")
    timings["partnerships"] = time.perf_counter() - started
    started = time.perf_counter()
    cursor.execute("SELECT partners_rebuild_organization_words()")
    timings["organisations' words"] = time.perf_counter() - started
    started = time.perf_counter()
    cursor.execute("SELECT partners_rebuild_person_words()")
    timings["people's words"] = time.perf_counter() - started

    for table in loaded + history:
        cursor.execute(
            "SELECT a.attname FROM pg_attribute a JOIN pg_index i ON i.indrelid = a.attrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary",
            [table],
        )
        primary = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({quote(primary)}), 1), MAX({quote(primary)}) IS NOT NULL) "
            f"FROM {quote(table)}",
            [table, primary],
        )
    started = time.perf_counter()
    connection.commit()
    timings["commit"] = time.perf_counter() - started

    connection.autocommit = True
    started = time.perf_counter()
    for table in loaded:
        cursor.execute(f"VACUUM ANALYZE {quote(table)}")
    timings["vacuum analyze"] = time.perf_counter() - started
    connection.close()
    return counts, timings


def describe(url, plan):
    """Pick the search terms and count the organisations each matches, the app's way: every word
    contained in the key of the organisation or of one of its aliases, or (from
    FUZZY_MINIMUM_LENGTH letters on, when the app has fuzzy search) within pg_trgm's word
    similarity threshold. The rare name is the pool name, among the first few, that the fewest
    organisations match (at least one): similar names count too once the search is fuzzy."""
    from crm import search

    fuzzy_from = getattr(search, "FUZZY_MINIMUM_LENGTH", None)
    threshold = getattr(search, "WORD_SIMILARITY_THRESHOLD", None)
    organization, alias = table_name("organization"), table_name("organizationname")
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        if threshold is not None:
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(threshold)])

        def count(term):
            parts, params = [], []
            for word in search.normalize_name(term).split():
                fuzzy = fuzzy_from is not None and threshold is not None and len(word) >= fuzzy_from
                match = "(search_key LIKE %s OR search_key %%> %s)" if fuzzy else "search_key LIKE %s"
                match_params = [f"%{word}%", word] if fuzzy else [f"%{word}%"]
                parts.append(f"(SELECT id FROM {organization} WHERE {match} "
                             f"UNION SELECT organization_id FROM {alias} WHERE {match})")
                params += match_params * 2
            if not parts:
                return 0
            cursor.execute(f"SELECT count(*) FROM ({' INTERSECT '.join(parts)}) matching", params)
            return cursor.fetchone()[0]

        cursor.execute(f"SELECT count(*) FROM {organization}")
        total = cursor.fetchone()[0]
        candidates = []
        for index in range(12):
            english, arabic = pool_name(index)
            found = (count(english), count(arabic))
            if min(found) >= 1:
                candidates.append((max(found), english, arabic, found))
        _most, rare_en, rare_ar, rare_found = min(candidates) if candidates else (0, "", "", (0, 0))
        terms = {
            "rare_en": rare_en,
            "rare_ar": rare_ar,
            "common_en": "centre",
            "common_ar": "مركز",
            "misspelt_ar": "فورنكوف",
            "exact_ar": words.VORONKOV[1],
            "two_letters": "al",
        }
        matches = {"rare_en": rare_found[0], "rare_ar": rare_found[1]}
        for name, term in terms.items():
            if name not in matches:
                matches[name] = count(term)
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_info (key text PRIMARY KEY, value jsonb NOT NULL)")
        info = {"size": plan.size, "seed": plan.seed, "organizations": total, "terms": terms, "matches": matches}
        cursor.execute(
            "INSERT INTO bench_info (key, value) VALUES ('dataset', %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(info, ensure_ascii=False)],
        )
    connection.close()
    return total, terms, matches


def print_terms(total, terms, matches):
    print("\nsearch terms (organisations matched, with aliases):")
    for name, term in terms.items():
        share = matches.get(name, 0) / total if total else 0
        print(f"  {name:<12} {term!r:<16} {matches.get(name, 0):>9,}  ({share:.1%})")


def fingerprint(url):
    """An md5 per table over every row, to check that two runs loaded the same data."""
    connection = psycopg2.connect(url)
    result = {}
    with connection.cursor() as cursor:
        for short in TABLES:
            table = table_name(short)
            cursor.execute(f"SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {quote(table)} t")
            result[short] = cursor.fetchone()[0]
    connection.close()
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1),
                        help="processes that generate rows while the main one streams them into COPY")
    parser.add_argument("--verify-every", type=int, default=None,
                        help="compare the search key with build_search_key every N rows (default: every row at S, 1 in 200 above)")
    parser.add_argument("--fingerprint", action="store_true", help="print an md5 per table after loading")
    parser.add_argument("--describe-only", action="store_true",
                        help="load nothing: choose the search terms of the data set already there and count their matches")
    args = parser.parse_args(argv)

    global PLAN, KEYS
    total_started = time.perf_counter()
    check_database_url(args.database_url)
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connections

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    connections.close_all()
    migrate_seconds = time.perf_counter() - started

    verify_every = args.verify_every if args.verify_every is not None else (1 if args.size == "S" else 200)
    PLAN = Plan(args.size, args.seed, verify_every)
    KEYS = SearchKeys(verify_every)
    if args.describe_only:
        print_terms(*describe(args.database_url, PLAN))
        return
    print(f"size {args.size}: {PLAN.organizations:,} organisations, seed {args.seed}, {args.workers} worker(s)")
    # The load is one transaction: a PostgreSQL restart (another bench on a shared machine) rolls
    # it back whole, so it is simply run again.
    for attempt in range(1, LOAD_ATTEMPTS + 1):
        try:
            counts, timings = load(args.database_url, PLAN, args.workers)
            break
        except psycopg2.OperationalError as error:
            if attempt == LOAD_ATTEMPTS:
                raise
            print(f"connection lost ({str(error).strip().splitlines()[0]}); loading again in 15 s", file=sys.stderr, flush=True)
            time.sleep(15)
    total, terms, matches = describe(args.database_url, PLAN)
    elapsed = time.perf_counter() - total_started

    print(f"\n{'table':<45} {'rows':>12}")
    for short, count in counts.items():
        print(f"{table_name(short):<45} {count:>12,}")
    print(f"{'total':<45} {sum(counts.values()):>12,}")
    print_terms(total, terms, matches)
    print(f"\n{'phase':<50} {'seconds':>8}")
    print(f"{'migrate':<50} {migrate_seconds:>8.1f}")
    for phase, seconds in timings.items():
        print(f"{phase:<50} {seconds:>8.1f}")
    print(f"{'total (generate ' + args.size + ')':<50} {elapsed:>8.1f}")
    if args.fingerprint:
        print("\nfingerprint:")
        for short, digest in fingerprint(args.database_url).items():
            print(f"  {short:<28} {digest}")


if __name__ == "__main__":
    main()
