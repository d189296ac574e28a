"""What the extractor gives: a draft per release, an event per agreement or meeting in it."""
from dataclasses import asdict, dataclass, field
from datetime import date

AGREEMENT, MEETING = "agreement", "meeting"


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
