"""How much of the seed data the press-release extractor finds on its own.

    python -m bench.extract_eval        # or: make extract-eval

Builds a fresh SQLite database with the seed data, runs network.extraction on each seed release
(its text and publication date, nothing else) and compares the drafts with the records that cite
that release: the event's kind, each organisation and person (matched to the right record), the
date (value and precision), the place and the amounts. Per release and in total it prints the
facts found, those got wrong (the slot filled with another value: another date, another kind, a
name matched to another record where the recorded one was missed) and those invented (stated by
the draft, held by no record). Figures only: nothing here fails.

The seed records are also the extractor's gazetteer here, as an install's records are: these
figures measure reading the releases with every name known, not recognising unknown names.
"""
import os
import sys
import tempfile
from collections import Counter


def configure_environment(path):
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "crm.settings"
    os.environ.setdefault("DJANGO_DEBUG", "1")


def expected_events(source):
    """The facts the fixtures hold for the records citing `source`, one dict per agreement or meeting."""
    from agreements.models import Agreement
    from meetings.models import Meeting

    events = []
    for agreement in Agreement.objects.filter(citations__source=source).distinct():
        parties = list(agreement.parties.all())
        events.append(
            {
                "record": ("agreement", agreement.pk),
                "kind": ("agreement", agreement.kind),
                "organizations": {party.organization_id for party in parties},
                "people": {party.signatory_id for party in parties if party.signatory_id}
                | {witness.person_id for witness in agreement.witnesses.all()},
                "date": (agreement.signed_on, agreement.signed_precision) if agreement.signed_on else None,
                "place": agreement.signed_place_ar or None,
                "amounts": {(commitment.amount, commitment.currency, commitment.period_months) for commitment in agreement.commitments.all()},
            }
        )
    for meeting in Meeting.objects.filter(citations__source=source).distinct():
        events.append(
            {
                "record": ("meeting", meeting.pk),
                "kind": ("meeting", meeting.kind),
                "organizations": {organizer.organization_id for organizer in meeting.organizers.all()}
                | {participant.organization_id for participant in meeting.participants.all() if participant.organization_id},
                "people": {participant.person_id for participant in meeting.participants.all() if participant.person_id},
                "date": (meeting.starts_on, meeting.starts_precision) if meeting.starts_on else None,
                "place": meeting.city_ar or None,
                "amounts": set(),
            }
        )
    return events


def drafted_events(draft):
    from decimal import Decimal
    from datetime import date

    events = []
    for event in draft.events:
        events.append(
            {
                "kind": (event.record_type, event.kind),
                "organizations": {entry["match"]["id"] for entry in event.organizations if entry.get("match")},
                "people": {entry["match"]["id"] for entry in event.people if entry.get("match")},
                "date": (event.date.value, event.date.precision) if event.date.value else None,
                "place": event.city or None,
                "amounts": {(Decimal(a["value"]), a["currency"], a["period_months"]) for a in event.amounts},
            }
        )
        assert all(isinstance(value, date) for value in [event.date.value] if value)
    return events


def pair(expected, drafted):
    """Each drafted event with the recorded one it best stands for: an agreement with an agreement,
    a meeting with a meeting, the same kind first, then the most organisations shared."""
    pairs, free = [], list(expected)
    for event in drafted:
        candidates = [record for record in free if record["kind"][0] == event["kind"][0]]
        if not candidates:
            pairs.append((None, event))
            continue
        best = max(candidates, key=lambda record: (record["kind"] == event["kind"], len(record["organizations"] & event["organizations"])))
        free.remove(best)
        pairs.append((best, event))
    return pairs, free


def score(expected, drafted):
    tally = Counter()
    pairs, unpaired = pair(expected, drafted)
    for record, event in pairs:
        if record is None:
            tally["invented"] += 1 + len(event["organizations"]) + len(event["people"]) + bool(event["date"]) + len(event["amounts"])
            tally["invented dates"] += bool(event["date"])
            continue
        tally["found" if record["kind"] == event["kind"] else "wrong"] += 1  # the event and its kind
        for slot in ("organizations", "people", "amounts"):
            missed, extra = len(record[slot] - event[slot]), len(event[slot] - record[slot])
            # One recorded name missed where the draft has another is one name got wrong.
            wrong = min(missed, extra)
            tally["found"] += len(record[slot] & event[slot])
            tally["wrong"] += wrong
            tally["missed"] += missed - wrong
            tally["invented"] += extra - wrong
        for slot in ("date", "place"):
            if record[slot] is None and event[slot] is not None:
                tally["invented"] += 1
                tally["invented dates"] += slot == "date"
            elif record[slot] is not None and event[slot] is None:
                tally["missed"] += 1
            elif slot == "place" and record[slot] is not None:
                # A place of signing may say more than the city ("مقر الأمم المتحدة بمدينة نيويورك").
                tally["found" if event[slot] in record[slot] else "wrong"] += 1
            elif record[slot] is not None:
                tally["found" if record[slot] == event[slot] else "wrong"] += 1
    for record in unpaired:
        tally["missed"] += 1 + len(record["organizations"]) + len(record["people"]) + bool(record["date"]) + bool(record["place"]) + len(record["amounts"])
    tally["facts held"] = sum(
        1 + len(r["organizations"]) + len(r["people"]) + bool(r["date"]) + bool(r["place"]) + len(r["amounts"]) for r in expected
    )
    return tally


def main():
    with tempfile.TemporaryDirectory() as folder:
        configure_environment(os.path.join(folder, "eval.sqlite3"))
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        import django

        django.setup()
        from django.core.management import call_command

        from crm.seeding import seed_data_load
        from network.extraction import extract
        from partners.models import Source

        call_command("migrate", verbosity=0)
        seed_data_load()
        columns = ["facts held", "found", "wrong", "missed", "invented", "invented dates"]
        print(f"{'release':<12}" + "".join(f"{column:>16}" for column in columns))
        total = Counter()
        for source in Source.objects.order_by("slug"):
            tally = score(expected_events(source), drafted_events(extract(source.text, source.published_on)))
            total.update(tally)
            print(f"{source.slug:<12}" + "".join(f"{tally[column]:>16}" for column in columns))
        print(f"{'total':<12}" + "".join(f"{total[column]:>16}" for column in columns))


if __name__ == "__main__":
    main()
