"""Who took part in an event, and how: organisations and people matched to the records or
proposed as new, with their roles and the titles written with their names."""
import re

from crm.search import normalize_name

from .amounts import find_amounts
from .draft import AGREEMENT, MEETING
from .events import as_written, introducing, normalized, normalized_words
from .facts import titles_of
from .names import Mention
from .patterns import (
    AR_NAME_BREAKS,
    AR_ORGANIZATION_HEAD,
    CHAIRING,
    EN_NAME_LINKS,
    EN_ORGANIZATION_HEAD,
    HONORIFIC,
    HOSTING,
    MODERATING,
    NAME_PARTICLES,
    PART_OF,
    REPRESENTING,
    SIGNING,
    SPEAKING,
    TITLE_START,
    VENUE,
    WITNESSING,
    verbs,
)
from .text import language_of


def organizers_of_the_session_before(event, events):
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
        event.cite("organizations", introducing(event))
        titles_of(event)


def organizations_and_people(event, mentions):
    seen_organizations, seen_people = {}, {}
    introduction = introducing(event)
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
                    "name_as_written": as_written(sentence, mention),
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
            entry = {"name_as_written": as_written(sentence, mention), "role": role, "match": {"id": key}, "proposed": None}
            seen_organizations[key] = entry
            event.organizations.append(entry)
            event.cite(f"organizations[{len(event.organizations) - 1}]", sentence)
    if introduction.continues is not None and event.record_type == AGREEMENT:
        # The part of the sentence before names who signed this one too: «وقّع المكتب … كما وقّع …».
        subject = next((m for m in mentions[introduction.continues.index] if m.entry.kind == "organization"), None)
        if subject is not None and subject.entry.key not in seen_organizations:
            seen_organizations[subject.entry.key] = True
            event.organizations.append({
                "name_as_written": as_written(introduction.continues, subject), "role": "party",
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


def proposals(event, mentions, dateline):
    """Organisations and people the records do not hold yet: an organisation named where the event
    is introduced by a name that starts like one («وزارة …», "Ministry of …"), and a person named
    after a courtesy title («السيد», "Mr.") in any of its sentences."""
    introduction = introducing(event)
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


def agreement_people(event):
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
    if after < len(words) and ("،" in gap(after) or "," in gap(after)) and TITLE_START.search(_plain(sentence, after, after + 3)):
        next_person = min((first for first in people if first >= after), default=len(words))
        end = after
        while end + 1 < min(next_person, after + 25) and not any(mark in gap(end + 1) for mark in "؛;:()\"“”"):
            if ("،" in gap(end + 1) or "," in gap(end + 1)) and (
                _starts_new_name(words, end + 1) or not TITLE_START.search(_plain(sentence, end + 1, end + 3)) and len(range(after, end + 1)) > 2
                and not re.match(r"^[وب]?(?:ال)?(?:مدير|رئيس|منسق|مساعد|نائب|director|head|executive)", _plain(sentence, end + 1, end + 2))
            ):
                break
            end += 1
        return text_between(after, end).strip(" ،,."), range(after, end + 1)
    # Before the name: back from it to where a title starts, with no comma or other person between.
    previous_person = max((m.last for m in sentence_mentions if m.entry.kind == "person" and m.last <= mention.first), default=0)
    for first in range(max(previous_person, mention.first - 15), mention.first):
        if any(mark in sentence.text[words[first].end - sentence.start : words[mention.first].start - sentence.start] for mark in "،,؛;:"):
            continue
        if TITLE_START.search(_plain(sentence, first, first + 3)):
            last = mention.first - 1
            while last > first and HONORIFIC.search(" " + normalize_name(words[last].text)):
                last -= 1  # ranks and courtesies («اللواء الطيار الركن») stay with the name
            return text_between(first, last).strip(" ،,."), range(first, last + 1)
    return "", range(0)


def _plain(sentence, first, last):
    return " ".join(normalized_words(sentence)[first:last])


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
        if SIGNING.search(whole) or verbs("مثل").search(whole) or re.search(r"\brepresent", whole):
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
