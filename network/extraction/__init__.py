"""From a press release to drafts of the agreements and meetings it reports.

`extract(text, published_on=None)` returns a `Draft`: the text's language and one `Event` per
agreement or meeting, each fact with the sentence it came from. It writes nothing; the drafts
are reviewed and confirmed by network/press_releases.py. No model is trained or downloaded: the
app's records are the gazetteer (names.py) and the rest is patterns in both languages
(patterns.py).

The steps, each in its module: the text's sentences (text.py), the events they tell of
(events.py), who took part and how (parties.py), and when, where, how much and what for
(facts.py, with dates.py and amounts.py).
"""
from .dates import find_dates
from .draft import AGREEMENT, MEETING, Draft
from .events import clauses, events_of
from .facts import (
    amounts_of,
    date_of,
    find_dateline,
    find_duplicate,
    focal_areas_of,
    place_of,
    status_of,
    titles_of,
)
from .names import gazetteer
from .parties import (
    agreement_people,
    organizations_and_people,
    organizers_of_the_session_before,
    proposals,
)
from .text import language_of, sentences_of

__all__ = ["AGREEMENT", "MEETING", "Draft", "extract"]


def extract(text, published_on=None):
    """The draft of every agreement and meeting the release reports."""
    language = language_of(text)
    sentences = clauses(sentences_of(text))
    names = gazetteer()
    mentions = {sentence.index: names.mentions(sentence.words) for sentence in sentences}
    events = events_of(sentences, mentions)
    # Words such as "today" are read against the release's own date, its dateline's, when it has
    # one: an outlet may publish it days later.
    dateline = find_dateline(sentences, {sentence.index: find_dates(sentence.text) for sentence in sentences[:3]})
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
        organizations_and_people(event, mentions)
        proposals(event, mentions, dateline)
        agreement_people(event)
        date_of(event, dates, dateline, published_on)
        place_of(event, mentions, dateline)
        amounts_of(event)
        focal_areas_of(event, mentions)
        status_of(event, published_on)
        titles_of(event)
    for event in events:
        organizers_of_the_session_before(event, events)
        event.duplicate_of = find_duplicate(event)
    return Draft(language, events)
