"""Which agreements and meetings a release tells of, and in which of its sentences."""
import re
from bisect import bisect_right

from crm.search import normalize_name

from .draft import AGREEMENT, MEETING, Event
from .patterns import (
    AGREEMENT_REFERENCE,
    BOTH_AGREEMENTS,
    GENERAL_KINDS,
    NEXT_SESSION,
    SIGNING,
    TRIGGERS,
)
from .text import Sentence


def normalized_words(sentence):
    """The sentence's words normalised, one per word, worked out once per sentence."""
    if getattr(sentence, "_normalized_words", None) is None:
        sentence._normalized_words = [normalize_name(word.text) for word in sentence.words]
    return sentence._normalized_words


def normalized(sentence):
    """The sentence normalised, as the event words and verbs are matched against it; once per sentence."""
    if getattr(sentence, "_normalized", None) is None:
        sentence._normalized = " ".join(normalized_words(sentence))
    return sentence._normalized


def clauses(sentences):
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
    for word in normalized_words(sentence):
        word_starts.append(position)
        position += len(word) + 1
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


def events_of(sentences, mentions):
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


def introducing(event):
    """The sentence that tells of the event: the first that names it, after the headline when
    the body names it too (a headline says "Morocco" where the body names the ministry)."""
    first = event.named_in[0] if event.named_in else event.sentences[0]
    if first.index == 0 and len(event.named_in) > 1 and not re.search(r"[.!?؟]$", first.text):
        return event.named_in[1]
    return first


def as_written(sentence, mention):
    return sentence.text[sentence.words[mention.first].start - sentence.start : sentence.words[mention.last - 1].end - sentence.start]
