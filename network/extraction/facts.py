"""When and where an event took place, the sums, focal areas and status it comes with, its
titles, and the record already holding it."""
import re
from datetime import date

from crm.search import normalize_name

from .amounts import find_amounts
from .draft import AGREEMENT, MEETING, EventDate
from .events import as_written, introducing, normalized
from .patterns import (
    FUTURE,
    GENERAL_NAMES,
    KIND_NAMES,
    NEGOTIATION,
    PLACE_PREPOSITION,
    SIGNING,
    SINCE,
    THIS_YEAR,
)
from .text import language_of


def find_dateline(sentences, dates):
    """The dateline's date, written before the first sentence's text ("NEW YORK, 5 Dec 2026 –")."""
    for sentence in sentences[:3]:
        for found in dates[sentence.index]:
            after = sentence.text[found.end : found.end + 30]
            if not found.inferred and found.start < 60 and (not after or re.match(r"\s*(?:\([^)]{1,25}\))?\s*[–—:-]", after)):
                return found, sentence
    return None


def date_of(event, dates, dateline, published_on):
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
        if sentence.continues is not None and sentence is introducing(event):
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


def place_of(event, mentions, dateline):
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
                if from_dateline is None and event.record_type == MEETING and sentence is introducing(event):
                    from_dateline = (sentence, mention)
            elif PLACE_PREPOSITION.search(before + " ") or PLACE_PREPOSITION.search(before):
                _set_city(event, sentence, mention)
                return
    if from_dateline is not None:
        _set_city(event, *from_dateline)


def _set_city(event, sentence, mention):
    """The city as the records name it, in the language it was written in."""
    city_en, city_ar, country = mention.entry.key
    written = as_written(sentence, mention)
    event.city = (city_ar if language_of(written) == "ar" else city_en) or written
    event.country = country
    event.cite("city", sentence)


def amounts_of(event):
    for sentence in event.sentences:
        for amount in find_amounts(sentence.text):
            event.amounts.append({"value": str(amount.value), "currency": amount.currency, "period_months": amount.period_months})
            event.cite(f"amounts[{len(event.amounts) - 1}]", sentence)


def focal_areas_of(event, mentions):
    from partners.models import FocalArea

    found = []
    for sentence in event.sentences:
        for mention in mentions[sentence.index]:
            if mention.entry.kind == "focal_area" and mention.entry.key not in found:
                found.append(mention.entry.key)
                event.cite(f"focal_areas[{len(found) - 1}]", sentence)
    codes = dict(FocalArea.objects.filter(pk__in=found).values_list("pk", "code"))
    event.focal_areas = [{"id": pk, "code": codes[pk]} for pk in found if pk in codes]


def status_of(event, published_on):
    text = normalized(introducing(event))
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


def titles_of(event):
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
    from django.db.models import Q

    from agreements.models import Agreement
    from meetings.models import Meeting

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
