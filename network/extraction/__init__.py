"""From a press release to drafts of the agreements and meetings it reports.

`extract(text, published_on=None)` returns a `Draft`: the text's language and one `Event` per
agreement or meeting, each fact with the sentence it came from. It writes nothing; the drafts
are reviewed and confirmed by network/press_releases.py. No model is trained or downloaded: the
app's records are the gazetteer (names.py) and the rest is patterns in both languages.
"""
import re
from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from datetime import date

from crm.search import normalize_name

from .amounts import find_amounts
from .dates import find_dates
from .names import Mention, gazetteer
from .text import Sentence, language_of, sentences_of

AGREEMENT, MEETING = "agreement", "meeting"

# (record type, kind, pattern over the normalised sentence). Normalised: hamzas folded to alef,
# taa marbuta to haa, alef maqsura to yaa, no diacritics, lower case.
_AR_PREFIX = r"(?:^|(?<= ))[وفبلك]{0,2}(?:ال)?"
TRIGGERS = [
    (AGREEMENT, "contribution_agreement", _AR_PREFIX + r"اتفا(?:ق|قيه|قيات) (?:ال)?مساهمه|contribution agreements?"),
    (AGREEMENT, "framework_agreement", _AR_PREFIX + r"اتفا(?:ق|قيه) (?:ال)?اطاري|framework agreements?"),
    (AGREEMENT, "cooperation_agreement", _AR_PREFIX + r"اتفا(?:ق|قيه) (?:ال)?تعاون|cooperation agreements?|agreements? on cooperation"),
    (AGREEMENT, "letter_of_intent", _AR_PREFIX + r"(?:خطاب|رساله|اعلان) (?:ال)?نوايا|letters? of intent"),
    (AGREEMENT, "mou", _AR_PREFIX + r"مذكر(?:ه|تي|تا|ات) (?:ال)?تفاهم|memorand(?:um|a) of understanding|\bmous?\b"),
    (MEETING, "strategic_dialogue", _AR_PREFIX + r"حوار (?:ال)?استراتيجي|strategic dialogue"),
    (MEETING, "virtual_discussion", _AR_PREFIX + r"(?:نقاش|اجتماع|لقاء|حوار)\w* (?:ال)?افتراضي|virtual (?:discussion|meeting|dialogue|roundtable|consultation)s?|video ?conference"),
    (MEETING, "security_council_session", _AR_PREFIX + r"جلسه (?:ل)?مجلس (?:ال)?امن|security council (?:meeting|session|debate|briefing)"),
    (MEETING, "conference", _AR_PREFIX + r"مؤتمر|\bconference\b"),
    (MEETING, "workshop", _AR_PREFIX + r"ورشه (?:ال)?عمل|دوره تدريبيه|\bworkshop\b|training course"),
    (MEETING, "official_visit", _AR_PREFIX + r"(?:زياره|استقبل|زار)(?= |$)|official visit|\bvisited\b|paid a visit|\breceived\b(?= [A-Z]| (?:a|the) delegation)"),
    (MEETING, "other", _AR_PREFIX + r"افتتاح (?:ال)?مكتب|opening of (?:the|an|a new) [\w ]{0,40}office|\bopened (?:the|an|a new) [\w ]{0,40}office"),
    # The general words last: taken only where no kind above names the same words, and for an
    # agreement only where the sentence says it was signed («تم الاتفاق على» is not one).
    (AGREEMENT, "other", _AR_PREFIX + r"اتفاقي(?:ه|ات)(?= |$)|\bagreements?\b"),
    (MEETING, "other", _AR_PREFIX + r"(?:التقي|التقت|اجتمع|اجتمعت|لقاء|اجتماعا)(?= |$)|\bmet with\b|\bheld talks\b|\bbilateral meeting\b"),
]
GENERAL_KINDS = {"other"}
TRIGGERS = [(record_type, kind, re.compile(pattern, re.IGNORECASE)) for record_type, kind, pattern in TRIGGERS]
# A later session of the meeting the release is about, announced in it.
NEXT_SESSION = re.compile(r"(?:ال)?(?:جلسه|جوله|اجتماع|دوره) (?:ال)?(?:قادمه|مقبله|قادم|مقبل)|next (?:session|round|meeting)", re.I)
# "The agreement", "the memorandum": the latest agreement the release spoke of.
AGREEMENT_REFERENCE = re.compile(r"(?:^| )[وفبل]{0,2}ال(?:اتفاق|اتفاقيه|مذكره)(?= |$)|\bthe (?:agreement|memorandum|mou)\b", re.I)
# "Both memoranda", «المذكرتين»: every agreement the release spoke of.
BOTH_AGREEMENTS = re.compile(r"(?:^| )[وفبل]{0,2}ال(?:اتفاقين|اتفاقيتين|مذكرتين|مذكرتان)(?= |$)|\bboth (?:agreements|memoranda|mous)\b", re.I)
SIGNING = re.compile(r"وقع|توقيع|ابرم|signed|signing|concluded|inked", re.I)
FUTURE = re.compile(r"سيتم|ستعقد|سيعقد|سيوقع|ستوقع|المقبل|القادم|will (?:be )?(?:hold|held|sign)|upcoming|\bnext\b|planned", re.I)
NEGOTIATION = re.compile(r"يتفاوض|مفاوضات|negotiat", re.I)
DONATING = re.compile(r"تقدم|تبرع|يقدم|قدمت|ساهم|مساهمه|منحه|contribut|pledg|donat|grant|provid|fund", re.I)
# Words between a unit and its parent body: «مركز … التابع لمكتب …», "X, part of Y".
PART_OF = re.compile(r"^(?:\W*(?:\(\w+\)\W*)?)(?:التابع|التابعه|part of|of the|under)\b", re.I)
# Before a person's name, what a title or courtesy says; the name is what follows.
HONORIFIC = re.compile(
    r"(?:^| )(?:[وب]?(?:ال)?(?:سيد|سيده|دكتور|دكتوره|استاذ|استاذه|مهندس|معالي|سعاده|سمو|الشيخ|الشيخه|شيخ|شيخه|"
    r"لواء|فريق|عميد|عقيد|سفير|سفيره|طيار|ركن|بحري)|د)\s*$|\b(?:mr|mrs|ms|dr|prof|h\.?e|ambassador|sheikh|sheikha|general|minister)\.?\s*$",
    re.I,
)


def _verbs(*stems, english=""):
    """Arabic verbs at the start of a word (after «و» or «ف»), or English words."""
    arabic = r"(?:^| )[وف]?(?:" + "|".join(stems) + r")(?=\w*(?: |$))" if stems else ""
    return re.compile("|".join(part for part in (arabic, english) if part), re.I)


WITNESSING = _verbs("شهد", "بحضور", english=r"\bwitness|in the presence of")
SPEAKING = _verbs("قال", "اكد", "اشار", "ذكر", "شدد", "اعرب", "اوضح", "اضاف", "رحب", english=r"\b(?:said|stated|noted|stressed|underlined|added|welcomed)\b")
CHAIRING = _verbs("راس", "تراس", english=r"\bchair")
MODERATING = _verbs("ادار", "ادارها", "ادارته", english=r"\bmoderat")
HOSTING = _verbs("استضاف", "استقبل", english=r"\b(?:hosted|received)\b")
REPRESENTING = _verbs("ممثله", "ممثلا", "ممثلين", english=r"\brepresented by\b")
VENUE = re.compile(r"(?:^| )[وفب]?(?:ال)?مقر(?: |$)|\bheadquarters of\b|\bpremises of\b", re.I)
SINCE = re.compile(r"منذ|تاسيس|تاسس|انشاء|انشئ|since|founded|established|created", re.I)
THIS_YEAR = re.compile(r"(?:ال)?عام (?:ال)?جاري|هذا (?:ال)?عام|(?:ال)?سنه (?:ال)?جاريه|this year|end of the year|later this year", re.I)
# The first words of a title: «وكيل الأمين العام…», "Under-Secretary-General…".
TITLE_START = re.compile(
    r"^[وب]?(?:ال)?(?:وكيل|امين|مدير|مديره|رئيس|رئيسه|مندوب|مندوبه|ممثل|ممثله|سفير|سفيره|وزير|وزيره|مساعد|مساعده|نائب|نائبه|"
    r"منسق|منسقه|عضو|مستشار|مستشاره|قائد|امينه|مسؤول|مسؤوله)(?: |$)"
    r"|^(?:the )?(?:under|secretary|director|head|president|chair|chairman|chairwoman|minister|ambassador|permanent|executive|"
    r"assistant|deputy|coordinator|special|senior|chief|representative|member|commissioner|advisor|adviser)\b",
    re.I,
)
PLACE_PREPOSITION = re.compile(r"(?:^| )(?:في|ب|بمدينه|في مدينه|مدينه|in|at)\s*$", re.I)

# What a new organisation's name starts with, and what may continue it.
AR_ORGANIZATION_HEAD = re.compile(
    r"^[وبل]?(?:ال)?(?:وزاره|هيئه|مركز|منظمه|جامعه|معهد|مجلس|مكتب|جمعيه|مؤسسه|اتحاد|لجنه|حكومه|برنامج|وكاله|"
    r"اكاديميه|بنك|صندوق|سلطه|مفوضيه|اداره|مديريه|شبكه|تحالف|بعثه|سفاره|رابطه|المركز)$"
)
EN_ORGANIZATION_HEAD = re.compile(
    r"^(?:Ministry|Office|Centre|Center|Organi[sz]ation|Foundation|University|Institute|Council|Agency|Commission|"
    r"Committee|Government|Department|Association|Programme|Program|Bank|Fund|Union|Authority|Academy|Network|Alliance|"
    r"Coalition|Mission|Embassy|League|Directorate|Secretariat|Federation)$"
)
EN_NAME_LINKS = {"of", "for", "the", "and", "on", "against", "in", "de", "al", "bin", "ibn"}
# Lower-case words inside a person's name: "Mutlaq bin Majed", "Ursula von der Leyen".
NAME_PARTICLES = {"bin", "ibn", "bint", "al", "el", "de", "da", "di", "van", "von", "der", "la", "le", "du"}
# Words that end an Arabic name before a verb or a preposition starts the rest of the sentence.
AR_NAME_BREAKS = re.compile(
    r"^(?:في|على|الي|من|عن|مع|بين|حول|الذي|التي|خلال|بعد|قبل|اليوم|امس|بالامس|لتعزيز|بهدف|بتوقيع|وقع|وقعت|تم|يوم|"
    r"مذكره|اتفاق|اتفاقيه|بشان|لدعم|ضمن|عبر|بمدينه|مدينه|بمقر|مقر|المقر)$"
)

KIND_NAMES = {
    "mou": ("Memorandum of understanding", "مذكرة تفاهم"),
    "contribution_agreement": ("Contribution agreement", "اتفاق مساهمة"),
    "cooperation_agreement": ("Cooperation agreement", "اتفاقية تعاون"),
    "framework_agreement": ("Framework agreement", "اتفاق إطاري"),
    "letter_of_intent": ("Letter of intent", "خطاب نوايا"),
    "strategic_dialogue": ("Strategic dialogue", "الحوار الاستراتيجي"),
    "virtual_discussion": ("Virtual discussion", "حلقة نقاش افتراضية"),
    "official_visit": ("Official visit", "زيارة رسمية"),
    "security_council_session": ("Security Council session", "جلسة مجلس الأمن"),
    "conference": ("Conference", "مؤتمر"),
    "workshop": ("Workshop", "ورشة عمل"),
    "other": ("Office opening", "افتتاح مكتب"),
}
GENERAL_NAMES = {AGREEMENT: ("Agreement", "اتفاقية"), MEETING: ("Meeting", "اجتماع")}


@dataclass
class EventDate:
    value: date | None = None
    precision: str | None = None
    inferred: bool = False
    note: str = ""
    ends_on: date | None = None


@dataclass
class Event:
    record_type: str
    kind: str
    status: str = ""
    title_en: str = ""
    title_ar: str = ""
    date: EventDate = field(default_factory=EventDate)
    city: str = ""
    country: str = ""
    organizations: list = field(default_factory=list)
    people: list = field(default_factory=list)
    amounts: list = field(default_factory=list)
    focal_areas: list = field(default_factory=list)
    duplicate_of: dict | None = None
    citations: list = field(default_factory=list)
    # Where the event was found: the sentences that introduce it and those that go on about it.
    sentences: list = field(default_factory=list, repr=False)
    named_in: list = field(default_factory=list, repr=False)  # the sentences that name it

    def cite(self, about, sentence):
        citation = {"about": about, "quote": sentence.text}
        if citation not in self.citations:
            self.citations.append(citation)


@dataclass
class Draft:
    language: str
    events: list

    def as_json(self):
        def plain(value):
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, dict):
                return {key: plain(item) for key, item in value.items() if key != "sentences"}
            if isinstance(value, list):
                return [plain(item) for item in value]
            return value

        return {"language": self.language, "events": [plain(asdict(event)) for event in self.events]}


def normalized(sentence):
    """The sentence's words normalised, worked out once per sentence."""
    if getattr(sentence, "_normalized", None) is None:
        sentence._normalized = " ".join(normalize_name(word.text) for word in sentence.words)
    return sentence._normalized


def extract(text, published_on=None):
    """The draft of every agreement and meeting the release reports."""
    language = language_of(text)
    sentences = _clauses(sentences_of(text))
    names = gazetteer()
    mentions = {sentence.index: names.mentions(sentence.words) for sentence in sentences}
    events = _events(sentences, mentions)
    # Words such as "today" are read against the release's own date, its dateline's, when it has
    # one: an outlet may publish it days later.
    dateline = _dateline(sentences, {sentence.index: find_dates(sentence.text) for sentence in sentences[:3]})
    if dateline is not None and dateline[0].precision == "day":
        published_on = dateline[0].value
    dates = {sentence.index: find_dates(sentence.text, published_on) for sentence in sentences}
    if dateline is not None:
        # The same date found again, now with the publication date known, stands for the dateline.
        dateline = next(
            ((found, sentence) for sentence in sentences[:3] if sentence is dateline[1]
             for found in dates[sentence.index] if found.start == dateline[0].start and not found.inferred),
            dateline,
        )
    for event in events:
        _organizations_and_people(event, mentions)
        _proposals(event, mentions, dateline)
        _agreement_people(event)
        _date(event, dates, dateline, published_on)
        _place(event, mentions, dateline)
        _amounts(event)
        _focal_areas(event, mentions)
        _status(event, published_on)
        _titles(event)
    for event in events:
        _organizers_of_the_session_before(event, events)
        event.duplicate_of = find_duplicate(event)
    return Draft(language, events)


def _organizers_of_the_session_before(event, events):
    """A next session announced without its organisers is held by those of the one reported."""
    if event.record_type != MEETING or event.status != "planned" or event.organizations:
        return
    earlier = next((other for other in events if other.kind == event.kind and other is not event), None)
    if earlier is None:
        return
    for entry in earlier.organizations:
        if entry["role"] in ("organizer", "co_organizer", "host"):
            event.organizations.append(dict(entry))
    if event.organizations:
        event.cite("organizations", _introducing(event))
        _titles(event)


def _clauses(sentences):
    """A sentence that tells of two agreements or meetings of one kind («وقع مذكرة تفاهم مع … كما وقع
    مذكرة تفاهم ثانية مع …») is cut before the second, so that each has its own organisations."""
    result = []
    for sentence in sentences:
        result += _split_at_repeated_trigger(sentence)
    for index, sentence in enumerate(result):
        sentence.index = index
    return result


def _split_at_repeated_trigger(sentence):
    words = sentence.words
    text = normalized(sentence)
    word_starts, position = [], 0
    for word in words:
        word_starts.append(position)
        position += len(normalize_name(word.text)) + 1
    cuts, kinds_since_cut = [], set()
    for position, _record_type, kind in _triggers(text):
        at = bisect_right(word_starts, position) - 1
        if kind not in kinds_since_cut:
            kinds_since_cut.add(kind)
            continue
        last_cut = cuts[-1] if cuts else 0
        for cut in range(at, max(last_cut, 1), -1):
            gap = sentence.text[words[cut - 1].end - sentence.start : words[cut].start - sentence.start]
            if any(mark in gap for mark in "،,;؛") or normalize_name(words[cut].text) in ("كما", "also", "and", "وكذلك"):
                cuts.append(cut)
                kinds_since_cut = {kind}
                break
    if not cuts:
        return [sentence]
    pieces, head = [], None
    for first, last in zip([0, *cuts], [*cuts, len(words)]):
        start, end = words[first].start, words[last - 1].end if last < len(words) else sentence.end
        piece = Sentence(sentence.index, sentence.text[start - sentence.start : end - sentence.start], start, end, words[first:last], continues=head)
        head = head or piece
        pieces.append(piece)
    return pieces


def _definite(text, position):
    """Whether the event word at `position` is "the …" / «ال…»: one the release spoke of already."""
    word = text[position:].lstrip().split(" ", 1)[0]
    before = text[:position].rstrip().rsplit(" ", 1)[-1]
    return bool(re.match(r"^[وفبل]{0,2}ال", word)) or before in ("the", "this", "that")


def _triggers(text):
    """The event words of a normalised sentence, in order: (position, record type, kind)."""
    specific, general = [], []
    for record_type, kind, pattern in TRIGGERS:
        for match in pattern.finditer(text):
            if record_type == AGREEMENT and kind in GENERAL_KINDS and not SIGNING.search(text):
                continue
            target = general if kind in GENERAL_KINDS and "افتتاح" not in match.group() and "office" not in match.group().lower() else specific
            target.append((match.start(), match.end(), record_type, kind))
    kept = specific + [
        found for found in general
        if not any(found[0] < other[1] and other[0] < found[1] for other in specific)
        and not any(other[2] == found[2] for other in specific)  # "the contribution agreement … the agreement": one event
    ]
    return sorted((start, record_type, kind) for start, _end, record_type, kind in kept)


def _events(sentences, mentions):
    events = []
    current = None
    for sentence in sentences:
        text = normalized(sentence)
        found = _triggers(text)
        touched = []
        for position, record_type, kind in found:
            event = _event_for(events, sentence, text, record_type, kind, mentions)
            if kind in GENERAL_KINDS and _definite(text, position):
                # "The agreement was signed by …", «وقّع الاجتماع…»: the one already told of, whatever its kind.
                event = next((other for other in reversed(events) if other.record_type == record_type), event)
            if event is None:
                event = Event(record_type, kind)
                if record_type == MEETING and NEXT_SESSION.search(text) and any(e.record_type == MEETING for e in events):
                    event.status = "planned"
                events.append(event)
            if sentence not in event.sentences:
                event.sentences.append(sentence)
                event.named_in.append(sentence)
            touched.append(event)
        meetings = [event for event in events if event.record_type == MEETING]
        if not found and NEXT_SESSION.search(text) and meetings and not any(event.status == "planned" for event in meetings):
            # "The two sides agreed to hold the next round in New York": a meeting of the same kind, planned.
            event = Event(MEETING, meetings[0].kind, status="planned")
            events.append(event)
            event.sentences.append(sentence)
            event.named_in.append(sentence)
            touched.append(event)
        elif not found and BOTH_AGREEMENTS.search(text):
            for event in events:
                if event.record_type == AGREEMENT:
                    event.sentences.append(sentence)
                    touched.append(event)
        elif not found and AGREEMENT_REFERENCE.search(text):
            agreements = [event for event in events if event.record_type == AGREEMENT]
            if agreements:
                touched.append(agreements[-1])
                agreements[-1].sentences.append(sentence)
        if touched:
            current = touched[-1]
        elif current is not None:
            current.sentences.append(sentence)
    # A "visit" or "conference" word in a release about an agreement is its setting, not an
    # event of its own, unless it names a meeting alone.
    return events


def _event_for(events, sentence, text, record_type, kind, mentions):
    """The event a trigger speaks of again, or None when it is a new one."""
    same_kind = [event for event in events if (event.record_type, event.kind) == (record_type, kind)]
    if record_type == MEETING and NEXT_SESSION.search(text) and same_kind and not any(
        event.status == "planned" for event in same_kind
    ):
        return None
    if not same_kind:
        return None
    if re.search(r"(?:^| )(?:اخري|ثانيه|ثالثه|اضافيه|another|second|third|further|separate)(?= |$)", text):
        return None  # «مذكرة تفاهم ثانية», "a second memorandum": another agreement of the kind
    event = same_kind[-1]
    # Another agreement of the same kind with other partners: "signed an MoU with X … and another with Y".
    organizations = {m.entry.key for m in mentions[sentence.index] if m.entry.kind == "organization"}
    known = set()
    for other in event.sentences:
        known |= {m.entry.key for m in mentions[other.index] if m.entry.kind == "organization"}
    if record_type == AGREEMENT and SIGNING.search(text) and organizations - known and len(known) >= 2:
        new_partners = organizations - known
        if not (organizations & known) or len(new_partners) >= 1 and len(organizations & known) <= 1 and re.search(
            r"(?:^| )(?:اخري|ثانيه|another|second)(?= |$)", text
        ):
            return None
    return event


def _introducing(event):
    """The sentence that tells of the event: the first that names it, after the headline when
    the body names it too (a headline says "Morocco" where the body names the ministry)."""
    first = event.named_in[0] if event.named_in else event.sentences[0]
    if first.index == 0 and len(event.named_in) > 1 and not re.search(r"[.!?؟]$", first.text):
        return event.named_in[1]
    return first


def _organizations_and_people(event, mentions):
    seen_organizations, seen_people = {}, {}
    introduction = _introducing(event)
    # The introduction first: it says who held or signed; a headline before it only names them.
    for sentence in [introduction, *(other for other in event.sentences if other is not introduction)]:
        sentence_mentions = mentions[sentence.index]
        people_here = [m for m in sentence_mentions if m.entry.kind == "person"]
        titles = {}
        for mention in people_here:
            title, span = _title(sentence, mention, sentence_mentions)
            titles[mention.first] = (title, span)
            person = seen_people.get(mention.entry.key)
            if person is None:
                person = {
                    "name_as_written": _as_written(sentence, mention),
                    "title_as_written": title,
                    "role": _person_role(event, sentence, mention, people_here),
                    "organization": None,
                    "match": {"id": mention.entry.key},
                    "proposed": None,
                    "_organizations": _organizations_in(sentence_mentions, span),
                }
                seen_people[mention.entry.key] = person
                event.people.append(person)
                event.cite(f"people[{len(event.people) - 1}]", sentence)
            elif not person["title_as_written"] and title:
                person["title_as_written"] = title
                person["_organizations"] = person["_organizations"] or _organizations_in(sentence_mentions, span)
        in_titles = set().union(*(span for _title_text, span in titles.values())) if titles else set()
        left_out = set()
        for index, mention in enumerate(sentence_mentions):
            key = mention.entry.key
            if mention.entry.kind != "organization":
                continue
            before = _normalized_before(sentence, mention, 30)
            if mention.first in in_titles or REPRESENTING.search(before) or _is_parent_named_after_unit(sentence, sentence_mentions, index):
                left_out.add(key)
                continue
            if key in left_out or key in seen_organizations:
                continue
            at_venue = bool(VENUE.search(before[-12:]))
            if event.record_type == AGREEMENT and (sentence is not introduction or at_venue):
                continue  # an agreement's parties are named where it is introduced, not where it was signed
            if at_venue and event.kind != "official_visit":
                continue  # where a meeting was held, not who held it; a visit's host is the one visited
            role = "host" if at_venue else _organization_role(event, sentence, mention, introduction, people_here)
            entry = {"name_as_written": _as_written(sentence, mention), "role": role, "match": {"id": key}, "proposed": None}
            seen_organizations[key] = entry
            event.organizations.append(entry)
            event.cite(f"organizations[{len(event.organizations) - 1}]", sentence)
    if introduction.continues is not None and event.record_type == AGREEMENT:
        # The part of the sentence before names who signed this one too: «وقّع المكتب … كما وقّع …».
        subject = next((m for m in mentions[introduction.continues.index] if m.entry.kind == "organization"), None)
        if subject is not None and subject.entry.key not in seen_organizations:
            seen_organizations[subject.entry.key] = True
            event.organizations.append({
                "name_as_written": _as_written(introduction.continues, subject), "role": "party",
                "match": {"id": subject.entry.key}, "proposed": None,
            })
            event.cite(f"organizations[{len(event.organizations) - 1}]", introduction.continues)
    # A person speaks for the organisation their title names (one of the event's, if it names
    # several), or else the one the records give them. At a meeting, that organisation took part.
    positions = _positions([person["match"]["id"] for person in event.people])
    for person in event.people:
        named = person.pop("_organizations")
        order = [entry["match"]["id"] for entry in event.organizations]
        organization = next((key for key in named if key in order), named[0] if named else positions.get(person["match"]["id"]))
        if organization is not None and organization not in order and event.record_type == MEETING:
            event.organizations.append(
                {"name_as_written": "", "role": "host" if person["role"] == "host" else "participant", "match": {"id": organization}, "proposed": None}
            )
            order.append(organization)
        elif organization in order and person["role"] == "host" and event.kind == "official_visit":
            event.organizations[order.index(organization)]["role"] = "host"
        person["organization"] = order.index(organization) if organization in order else None
    _contribution_roles(event)
    _describe_matches(event)


def _proposals(event, mentions, dateline):
    """Organisations and people the records do not hold yet: an organisation named where the event
    is introduced by a name that starts like one («وزارة …», "Ministry of …"), and a person named
    after a courtesy title («السيد», "Mr.") in any of its sentences."""
    introduction = _introducing(event)
    for sentence in event.sentences:
        sentence_mentions = mentions[sentence.index]
        taken = set()
        for mention in sentence_mentions:
            if mention.entry.kind not in ("country", "city"):  # "Ministry of Interior of Morocco" goes on through them
                taken |= set(range(mention.first, mention.last))
        words = sentence.words
        if dateline is not None and dateline[1] is sentence:
            # "NEW YORK - Media Office - 20 March 2019:" says who wrote, not who met.
            taken |= {index for index, word in enumerate(words) if word.start - sentence.start < dateline[0].end}
        index = 0
        while index < len(words):
            span = None if index in taken else _organization_name_at(sentence, index, taken) if sentence is introduction else None
            kind = "organization"
            if span is None and index not in taken:
                span, kind = _person_name_at(sentence, index, taken), "person"
            if span is None:
                index += 1
                continue
            first, last = span
            written = sentence.text[words[first].start - sentence.start : words[last - 1].end - sentence.start]
            if kind == "organization" and _strip_prefix(written) in {entry["name_as_written"] for entry in event.organizations}:
                taken |= set(range(first, last))
                index = last
                continue
            if kind == "organization":
                written = _strip_prefix(written)
                arabic = language_of(written) == "ar"
                role = "party" if event.record_type == AGREEMENT else _organization_role(event, sentence, Mention(None, first, last, True), introduction, [])
                event.organizations.append({
                    "name_as_written": written, "role": role, "match": None,
                    "proposed": {"name_en": "" if arabic else written, "name_ar": written if arabic else "", "acronym": ""},
                })
                event.cite(f"organizations[{len(event.organizations) - 1}]", sentence)
            elif written not in {person["name_as_written"] for person in event.people}:
                arabic = language_of(written) == "ar"
                title, title_span = _title(sentence, Mention(None, first, last, True), sentence_mentions)
                event.people.append({
                    "name_as_written": written, "title_as_written": title,
                    "role": _person_role(event, sentence, Mention(None, first, last, True), [m for m in sentence_mentions if m.entry.kind == "person"]),
                    "organization": _proposed_organization(event, title),
                    "match": None, "proposed": {"name_en": "" if arabic else written, "name_ar": written if arabic else ""},
                })
                event.cite(f"people[{len(event.people) - 1}]", sentence)
            taken |= set(range(first, last))
            index = last
    for person in event.people:
        if person["proposed"] and person["organization"] is None:
            person["organization"] = _proposed_organization(event, person["title_as_written"])


def _agreement_people(event):
    """An agreement records who signed for which party and who witnessed: others named in the
    release about it (a speaker at the ceremony) are left out of its draft, and a signatory the
    text does not tie to a party signs for the first party that has none."""
    if event.record_type != AGREEMENT:
        return
    kept = [index for index, person in enumerate(event.people) if person["role"] in ("signatory", "witness")]
    _keep(event, "people", kept)
    signed = {person["organization"] for person in event.people if person["role"] == "signatory"}
    for person in event.people:
        if person["role"] == "signatory" and person["organization"] is None:
            free = next((index for index in range(len(event.organizations)) if index not in signed), None)
            if free is None:
                person["role"] = "witness"  # more signatories than parties: say they were there
            else:
                person["organization"] = free
                signed.add(free)
    for index, person in enumerate(event.people):
        if person["role"] == "signatory" and sum(
            other["role"] == "signatory" and other["organization"] == person["organization"] for other in event.people[:index]
        ):
            person["role"] = "witness"  # a party has one signatory; a second is recorded as present


def _keep(event, name, kept):
    """Keep only the entries of `event.<name>` at `kept`, renumbering the citations about them."""
    entries = getattr(event, name)
    renumbered = {f"{name}[{old}]": f"{name}[{new}]" for new, old in enumerate(kept)}
    setattr(event, name, [entries[index] for index in kept])
    event.citations = [
        {**citation, "about": renumbered[citation["about"]]} if citation["about"] in renumbered else citation
        for citation in event.citations
        if not (citation["about"].startswith(f"{name}[") and citation["about"] not in renumbered)
    ]


def _proposed_organization(event, title):
    """The event's new organisation a title names, by the first words of its name."""
    title = normalize_name(title)
    for index, entry in enumerate(event.organizations):
        if entry["proposed"]:
            words = normalize_name(entry["name_as_written"]).split()
            if len(words) >= 2 and " ".join(words[:3]) in title:
                return index
    return None


def _strip_prefix(written):
    """«ووزارة الداخلية» is «وزارة الداخلية»: the attached «و»/«ب»/«ل» belongs to the sentence."""
    if language_of(written) == "ar" and len(written) > 3 and written[0] in "وبل" and AR_ORGANIZATION_HEAD.match(normalize_name(written.split()[0])):
        head = normalize_name(written.split()[0])
        if not re.match(r"^(?:ال)?(?:وزاره|وكاله)", head):
            return written[1:]
    return written


def _organization_name_at(sentence, index, taken):
    words = sentence.words
    word = words[index]
    if AR_ORGANIZATION_HEAD.match(normalize_name(word.text)):
        last = index + 1
        while last < len(words) and last not in taken and last - index < 8:
            between = sentence.text[words[last - 1].end - sentence.start : words[last].start - sentence.start]
            following = normalize_name(words[last].text)
            if between.strip() or following.isdigit() or HONORIFIC.search(" " + following) or AR_NAME_BREAKS.match(following) or AR_ORGANIZATION_HEAD.match(following) and words[last].text.startswith("و"):
                break
            last += 1
        return (index, last) if last - index >= 2 else None
    if EN_ORGANIZATION_HEAD.match(word.text):
        first = index - 1 if index and words[index - 1].text[:1].isupper() and (index - 1) not in taken and words[index - 1].text not in {"The", "A", "An"} else index
        last = index + 1
        while last < len(words) and last not in taken:
            text = words[last].text
            between = sentence.text[words[last - 1].end - sentence.start : words[last].start - sentence.start]
            if between.strip() not in ("", "-"):
                break
            following = next((other.text for other in words[last:] if other.text.lower() not in EN_NAME_LINKS), "")
            if text[:1].isupper() or (text.lower() in EN_NAME_LINKS and following[:1].isupper()):
                last += 1
                continue
            break
        while last > index + 1 and words[last - 1].text.lower() in EN_NAME_LINKS:
            last -= 1
        return (first, last) if last - first >= 2 else None
    return None


def _person_name_at(sentence, index, taken):
    words = sentence.words
    before = sentence.text[max(0, words[index].start - sentence.start - 14) : words[index].start - sentence.start]
    if not HONORIFIC.search(normalize_name(before)) or index in taken:
        return None
    last = index
    arabic = language_of(words[index].text) == "ar"
    while last < len(words) and last not in taken and last - index < 5:
        if last > index:
            between = sentence.text[words[last - 1].end - sentence.start : words[last].start - sentence.start]
            if between.strip():
                break
        if arabic and (AR_NAME_BREAKS.match(normalize_name(words[last].text)) or TITLE_START.search(normalize_name(words[last].text))):
            break
        if arabic and HONORIFIC.search(" " + normalize_name(words[last].text)):
            index += 1  # a second courtesy («السفير الدكتور») is not the name
        elif not arabic and not words[last].text[:1].isupper() and not (
            words[last].text.lower() in NAME_PARTICLES and last + 1 < len(words) and words[last + 1].text[:1].isupper()
        ):
            break
        last += 1
    return (index, last) if last - index >= 2 else None


def _normalized_before(sentence, mention, length):
    end = sentence.words[mention.first].start - sentence.start
    # Only the end is wanted: normalising the whole start of a long sentence for every name costs its square.
    return normalize_name(sentence.text[max(0, end - 4 * length) : end])[-length:]


def _organizations_in(sentence_mentions, span):
    return [m.entry.key for m in sentence_mentions if m.entry.kind == "organization" and m.first in span]


def _positions(person_ids):
    from partners.models import Position

    found = {}
    for person_id, organization_id in Position.objects.filter(person_id__in=person_ids).order_by(
        "-starts_on"
    ).values_list("person_id", "organization_id"):
        found.setdefault(person_id, organization_id)
    return found


def _describe_matches(event):
    from partners.models import Organization, Person

    organizations = Organization.objects.in_bulk([entry["match"]["id"] for entry in event.organizations if entry["match"]])
    for entry in event.organizations:
        record = organizations.get(entry["match"]["id"]) if entry["match"] else None
        if record is not None:
            entry["match"] = {"id": record.pk, "name_en": record.name_en, "name_ar": record.name_ar}
    people = Person.objects.in_bulk([person["match"]["id"] for person in event.people if person["match"]])
    for person in event.people:
        record = people.get(person["match"]["id"]) if person["match"] else None
        if record is not None:
            person["match"] = {"id": record.pk, "name_en": record.name_en, "name_ar": record.name_ar}


def _as_written(sentence, mention):
    return sentence.text[sentence.words[mention.first].start - sentence.start : sentence.words[mention.last - 1].end - sentence.start]


def _title(sentence, mention, sentence_mentions):
    """The title written with a name, after it («فلاديمير فورونكوف، وكيل الأمين العام …») or
    before it («وكيل الأمين العام … ألكسندر زويف»), and the span of its words."""
    words = sentence.words
    people = sorted(m.first for m in sentence_mentions if m.entry.kind == "person")

    def text_between(first, last):  # the text from word `first` to word `last`, both included
        return sentence.text[words[first].start - sentence.start : words[last].end - sentence.start]

    def gap(first):  # what separates word `first` from the one before it
        return sentence.text[words[first - 1].end - sentence.start : words[first].start - sentence.start]

    after = mention.last
    if after < len(words) and ("،" in gap(after) or "," in gap(after)) and TITLE_START.search(_plain(words, after, after + 3)):
        next_person = min((first for first in people if first >= after), default=len(words))
        end = after
        while end + 1 < min(next_person, after + 25) and not any(mark in gap(end + 1) for mark in "؛;:()\"“”"):
            if ("،" in gap(end + 1) or "," in gap(end + 1)) and (
                _starts_new_name(words, end + 1) or not TITLE_START.search(_plain(words, end + 1, end + 3)) and len(range(after, end + 1)) > 2
                and not re.match(r"^[وب]?(?:ال)?(?:مدير|رئيس|منسق|مساعد|نائب|director|head|executive)", _plain(words, end + 1, end + 2))
            ):
                break
            end += 1
        return text_between(after, end).strip(" ،,."), range(after, end + 1)
    # Before the name: back from it to where a title starts, with no comma or other person between.
    previous_person = max((m.last for m in sentence_mentions if m.entry.kind == "person" and m.last <= mention.first), default=0)
    for first in range(max(previous_person, mention.first - 15), mention.first):
        if any(mark in sentence.text[words[first].end - sentence.start : words[mention.first].start - sentence.start] for mark in "،,؛;:"):
            continue
        if TITLE_START.search(_plain(words, first, first + 3)):
            last = mention.first - 1
            while last > first and HONORIFIC.search(" " + normalize_name(words[last].text)):
                last -= 1  # ranks and courtesies («اللواء الطيار الركن») stay with the name
            return text_between(first, last).strip(" ،,."), range(first, last + 1)
    return "", range(0)


def _plain(words, first, last):
    return " ".join(normalize_name(word.text) for word in words[first:last])


def _starts_new_name(words, index):
    return index < len(words) and HONORIFIC.search(" " + normalize_name(words[index].text))


def _person_role(event, sentence, mention, people_here):
    """The role a sentence gives a person, read from the words since the person before them."""
    previous = max((m.last for m in people_here if m.last <= mention.first), default=0)
    start = sentence.words[previous].start if previous < len(sentence.words) else sentence.start
    end = sentence.words[mention.first].start - sentence.start
    before = normalize_name(sentence.text[max(start - sentence.start, end - 300) : end])
    whole = normalized(sentence)
    if event.record_type == AGREEMENT:
        if WITNESSING.search(before):
            return "witness"
        if SIGNING.search(whole) or _verbs("مثل").search(whole) or re.search(r"\brepresent", whole):
            return "signatory"
        return "speaker" if SPEAKING.search(before) else "participant"
    for pattern, role in ((CHAIRING, "chair"), (MODERATING, "moderator"), (HOSTING, "host"), (SPEAKING, "speaker")):
        if pattern.search(before):
            return role
    if previous == 0 and SPEAKING.search(whole):
        return "speaker"
    return "participant"


def _organization_role(event, sentence, mention, introduction, people_here):
    if event.record_type == AGREEMENT:
        return "party"
    if sentence is not introduction:
        return "participant"
    end = sentence.words[mention.first].start - sentence.start
    before = normalize_name(sentence.text[max(0, end - 300) : end])
    first_person = min((m.first for m in people_here), default=len(sentence.words))
    if HOSTING.search(before) and mention.first < first_person:
        return "host"  # «استقبل الأمين العام للتحالف …»: the receiving side
    if (people_here and mention.first > first_person) or event.kind == "other":
        return "participant"  # met with someone: nobody is said to have organised it
    return "organizer"


def _contribution_roles(event):
    """In a contribution agreement, the side named first where the sum is said gives it («تقدم دولة
    قطر مساهمة قيمتها …», "The European Union signed … worth EUR 10 million"); the others receive."""
    if event.kind != "contribution_agreement":
        return
    for sentence in event.sentences:
        if not find_amounts(sentence.text):
            continue
        named = [(sentence.text.find(entry["name_as_written"]), entry) for entry in event.organizations if entry["name_as_written"]]
        named = sorted((position, index) for index, (position, entry) in enumerate(named) if position >= 0)
        if named:
            donor = named[0][1]
            for index, entry in enumerate(event.organizations):
                entry["role"] = "donor" if index == donor else "recipient"
            return


def _is_parent_named_after_unit(sentence, sentence_mentions, index):
    """«مركز … (UNCCT) التابع لمكتب … (UNOCT)»: the office named after «التابع» is where the centre
    belongs, not a party of its own."""
    if index == 0:
        return False
    previous = sentence_mentions[index - 1]
    if previous.entry.kind != "organization":
        return False
    words = sentence.words
    between = sentence.text[words[previous.last - 1].end - sentence.start : words[sentence_mentions[index].first].start - sentence.start]
    return bool(PART_OF.match(normalize_name(between) + " ")) or bool(re.match(r"^\W*(?:\(\w+\)\W*)?(?:التابع|التابعه)", between))


def _dateline(sentences, dates):
    """The dateline's date, written before the first sentence's text ("NEW YORK, 5 Dec 2026 –")."""
    for sentence in sentences[:3]:
        for found in dates[sentence.index]:
            after = sentence.text[found.end : found.end + 30]
            if not found.inferred and found.start < 60 and (not after or re.match(r"\s*(?:\([^)]{1,25}\))?\s*[–—:-]", after)):
                return found, sentence
    return None


def _date(event, dates, dateline, published_on):
    """The first sentence of the event that dates it: a stated day or month first, then a relative
    word («أمس», "on Tuesday"), then a year; never the dateline (when the release was written), nor
    a date said of something else («منذ تأسيسه عام 2017»)."""
    rank = {"day": 0, "month": 0, "year": 2}
    for sentence in event.sentences:
        candidates = []
        for found in dates[sentence.index]:
            if getattr(found, "calendar", "gregorian") != "gregorian":
                continue
            if dateline is not None and dateline == (found, sentence):
                continue
            if SINCE.search(normalize_name(sentence.text[max(0, found.start - 25) : found.start])):
                continue
            candidates.append((1 if found.inferred else rank[found.precision], found.start, found))
        if candidates:
            found = min(candidates, key=lambda candidate: candidate[:2])[2]
            event.date = EventDate(found.value, found.precision, found.inferred, found.note, getattr(found, "ends_on", None))
            event.cite("date", sentence)
            return
        if sentence.continues is not None and sentence is _introducing(event):
            # «… اليوم مذكرة تفاهم مع X، كما وقّع مذكرة ثانية مع Y»: the second was signed when the first was.
            head_dates = [found for found in dates[sentence.continues.index] if (dateline is None or dateline != (found, sentence.continues)) and getattr(found, "calendar", "gregorian") == "gregorian"]
            if head_dates:
                found = min(head_dates, key=lambda found: (1 if found.inferred else rank[found.precision], found.start))
                event.date = EventDate(found.value, found.precision, found.inferred, found.note, getattr(found, "ends_on", None))
                event.cite("date", sentence.continues)
                return
        if published_on is not None and THIS_YEAR.search(normalized(sentence)):
            event.date = EventDate(
                date(published_on.year, 1, 1), "year", True,
                f"The release dated {published_on.isoformat()} says it is this year.",
            )
            event.cite("date", sentence)
            return


def _place(event, mentions, dateline):
    """A city named with «في» / «بمدينة» / "in" where the event is told; failing that, for a
    meeting reported in the lead, the dateline's city."""
    from_dateline = None
    for sentence in event.sentences[:4]:
        for mention in mentions[sentence.index]:
            if mention.entry.kind != "city":
                continue
            end = sentence.words[mention.first].start - sentence.start
            before = normalize_name(sentence.text[max(0, end - 48) : end])[-12:]
            in_dateline = dateline is not None and dateline[1] is sentence and dateline[0].start > sentence.words[mention.first].start - sentence.start
            if in_dateline:
                if from_dateline is None and event.record_type == MEETING and sentence is _introducing(event):
                    from_dateline = (sentence, mention)
            elif PLACE_PREPOSITION.search(before + " ") or PLACE_PREPOSITION.search(before):
                _set_city(event, sentence, mention)
                return
    if from_dateline is not None:
        _set_city(event, *from_dateline)


def _set_city(event, sentence, mention):
    """The city as the records name it, in the language it was written in."""
    city_en, city_ar, country = mention.entry.key
    written = _as_written(sentence, mention)
    event.city = (city_ar if language_of(written) == "ar" else city_en) or written
    event.country = country
    event.cite("city", sentence)


def _amounts(event):
    for sentence in event.sentences:
        for amount in find_amounts(sentence.text):
            event.amounts.append({"value": str(amount.value), "currency": amount.currency, "period_months": amount.period_months})
            event.cite(f"amounts[{len(event.amounts) - 1}]", sentence)


def _focal_areas(event, mentions):
    from partners.models import FocalArea

    found = []
    for sentence in event.sentences:
        for mention in mentions[sentence.index]:
            if mention.entry.kind == "focal_area" and mention.entry.key not in found:
                found.append(mention.entry.key)
                event.cite(f"focal_areas[{len(found) - 1}]", sentence)
    codes = dict(FocalArea.objects.filter(pk__in=found).values_list("pk", "code"))
    event.focal_areas = [{"id": pk, "code": codes[pk]} for pk in found if pk in codes]


def _status(event, published_on):
    text = normalized(_introducing(event))
    later = event.date.value is not None and published_on is not None and event.date.value > published_on
    if event.record_type == AGREEMENT:
        if NEGOTIATION.search(text):
            event.status = "under_negotiation"
        elif later or (FUTURE.search(text) and not SIGNING.search(text)):
            event.status = "draft"
        else:
            event.status = "signed"
    elif not event.status:
        event.status = "planned" if later or FUTURE.search(text) else "held"


def _titles(event):
    english, arabic = KIND_NAMES[event.kind]
    if event.kind == "other" and not any("افتتاح" in sentence.text or "office" in sentence.text.lower() for sentence in event.named_in):
        english, arabic = GENERAL_NAMES[event.record_type]
    names_en, names_ar = [], []
    for entry in event.organizations[:3]:
        match = entry["match"] or entry["proposed"] or {}
        names_en.append(match.get("name_en") or entry["name_as_written"])
        names_ar.append(match.get("name_ar") or entry["name_as_written"])
    names_en, names_ar = [n for n in names_en if n], [n for n in names_ar if n]
    if len(names_en) >= 2:
        event.title_en = f"{english} between {', '.join(names_en[:-1])} and {names_en[-1]}"
        event.title_ar = f"{arabic} بين {'، '.join(names_ar[:-1])} و{names_ar[-1]}"
    elif names_en:
        event.title_en = f"{english}: {names_en[0]}"
        event.title_ar = f"{arabic}: {names_ar[0]}"
    else:
        event.title_en, event.title_ar = english, arabic


def find_duplicate(event):
    """The record already holding this event: same kind, the same organisations, a date that
    agrees at the coarser of the two precisions."""
    from agreements.models import Agreement
    from meetings.models import Meeting

    from django.db.models import Q

    organizations = {entry["match"]["id"] for entry in event.organizations if entry.get("match")}
    if not organizations:
        return None  # nothing known to compare with
    if event.record_type == AGREEMENT:
        candidates = (
            Agreement.objects.filter(kind=event.kind, parties__organization__in=organizations).distinct().prefetch_related("parties")
        )
        records = [(record, {p.organization_id for p in record.parties.all()}, record.signed_on, record.signed_precision) for record in candidates]
    else:
        candidates = (
            Meeting.objects.filter(kind=event.kind)
            .filter(Q(organizers__organization__in=organizations) | Q(participants__organization__in=organizations))
            .distinct()
            .prefetch_related("organizers", "participants")
        )
        records = [
            (record, {o.organization_id for o in record.organizers.all()} | {p.organization_id for p in record.participants.all() if p.organization_id},
             record.starts_on, record.starts_precision)
            for record in candidates
        ]
    best = None
    for record, known, on, precision in records:
        shared = organizations & known
        if not shared or (len(known) >= 2 and len(organizations) >= 2 and len(shared) < 2):
            continue
        if not _dates_agree(event.date.value, event.date.precision, on, precision):
            continue
        score = (len(shared), record.status == event.status, on is not None and event.date.value is not None, precision == event.date.precision)
        if best is None or score > best[0]:
            best = (score, record)
    if best is None:
        return None
    return {"type": event.record_type, "id": best[1].pk}


def _dates_agree(value, precision, other, other_precision):
    if value is None or other is None:
        return value is None and other is None or True
    coarsest = "year" if "year" in (precision, other_precision) else "month" if "month" in (precision, other_precision) else "day"
    if coarsest == "year":
        return value.year == other.year
    if coarsest == "month":
        return (value.year, value.month) == (other.year, other.month)
    return abs((value - other).days) <= 1
