"""The partnership relation PostgreSQL keeps for partner lists (migration network 0001) always
equals the one recomputed from the agreements and meetings, whatever changed and however, and
the partner list read from it is the one computed from the links."""
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from agreements.models import AgreementParty
from meetings.models import MeetingOrganizer, Participant
from network import partnerships
from partners.models import Organization
from tests.concurrency import held_open
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    MeetingFactory,
    OrganizationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL keeps the partnerships; SQLite computes partner lists when asked"
)

UNOCT, UNCCT = 2, 3


def kept_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM network_partnership ORDER BY organization_id, with_units, partner_id")
        return cursor.fetchall()


def recomputed_rows():
    """The relation as a rebuild from scratch makes it, leaving the kept one as it was."""
    savepoint = transaction.savepoint()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT network_rebuild_partnerships()")
        return kept_rows()
    finally:
        transaction.savepoint_rollback(savepoint)


def assert_kept_is_recomputed():
    assert kept_rows() == recomputed_rows()


def row(organization, partner, with_units=False):
    """The pair's counts, latest date and its precision."""
    return next(
        (r[3:7] for r in kept_rows() if r[:3] == (organization.pk, with_units, partner.pk)), None
    )


def latest_kept(organization, partner, with_units=False):
    """The ids of the latest agreements and meetings the pair shares, as the relation keeps them."""
    return next(
        (r[7:] for r in kept_rows() if r[:3] == (organization.pk, with_units, partner.pk)), None
    )


@pytest.mark.django_db
def test_kept_partnerships_follow_every_change_of_parties_organisers_participants_dates_and_units(empty_database):
    qatar, uncct, etidal, imctc = (OrganizationFactory() for _ in range(4))
    body, other_body = OrganizationFactory(), OrganizationFactory()
    unit = OrganizationFactory(parent=body)
    assert_kept_is_recomputed()

    mou = AgreementFactory(signed_on=date(2024, 3, 1), signed_precision="day")
    AgreementPartyFactory(agreement=mou, organization=qatar)
    AgreementPartyFactory(agreement=mou, organization=uncct)
    assert row(qatar, uncct) == (1, 0, date(2024, 3, 1), "day")
    AgreementPartyFactory(agreement=mou, organization=unit)  # the body counts its unit's agreement
    assert row(body, qatar, with_units=True) == (1, 0, date(2024, 3, 1), "day")
    assert_kept_is_recomputed()

    dialogue = MeetingFactory(starts_on=date(2025, 1, 1), starts_precision="month")
    MeetingOrganizer.objects.create(meeting=dialogue, organization=qatar)
    ParticipantFactory(meeting=dialogue, organization=etidal)
    ParticipantFactory(meeting=dialogue, organization=etidal)  # a second delegate changes nothing
    ParticipantFactory(meeting=dialogue, organization=None)
    assert row(etidal, qatar) == (0, 1, date(2025, 1, 1), "month")
    assert_kept_is_recomputed()

    mou.signed_on = None
    mou.save()
    dialogue.starts_on, dialogue.starts_precision = date(2023, 1, 1), "year"
    dialogue.save()
    assert_kept_is_recomputed()

    AgreementParty.objects.filter(agreement=mou, organization=uncct).update(organization=imctc)
    Participant.objects.filter(meeting=dialogue, organization=etidal).update(organization=uncct)
    assert row(etidal, qatar) is None and row(uncct, qatar) == (0, 1, date(2023, 1, 1), "year")
    assert_kept_is_recomputed()

    unit.parent = other_body  # the unit moves: its old body loses its partners, the new one gains them
    unit.save()
    assert row(body, qatar, with_units=True) is None and row(other_body, qatar, with_units=True) is not None
    newcomer = OrganizationFactory(parent=body)
    assert_kept_is_recomputed()
    newcomer.delete()
    assert_kept_is_recomputed()

    Participant.objects.filter(meeting=dialogue).first().delete()
    mou.delete()  # Django deletes its parties first
    assert_kept_is_recomputed()
    dialogue.delete()
    assert kept_rows() == []


@pytest.mark.django_db
def test_rebuilding_restores_the_partnerships():
    correct = kept_rows()
    assert correct, "the seed data links organisations"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE network_partnership SET agreements = 0, latest_on = NULL")
        cursor.execute("DELETE FROM network_partnership WHERE with_units")
    call_command("rebuild_partnerships", stdout=open("/dev/null", "w"))
    assert kept_rows() == correct


@pytest.mark.django_db
@pytest.mark.parametrize("organization", [UNOCT, UNCCT])
@pytest.mark.parametrize("include_units", ["false", "true"])
def test_the_kept_partner_list_is_the_one_computed_from_the_links(seeded, viewer_api, monkeypatch, organization, include_units):
    url = f"/api/organizations/{organization}/partners/"
    params = {"include_units": include_units, "page_size": 500}
    kept = viewer_api.get(url, params).json()["results"]
    monkeypatch.setattr(partnerships, "is_kept", lambda filters: False)
    computed = viewer_api.get(url, params).json()["results"]
    assert kept == computed and len(kept) > 2
    assert kept_rows() == recomputed_rows()


@pytest.mark.django_db(transaction=True)
def test_concurrent_links_of_one_pair_are_all_counted(empty_database):
    qatar, uncct = OrganizationFactory(), OrganizationFactory()
    first_mou, second_mou = AgreementFactory(), AgreementFactory()
    AgreementPartyFactory(agreement=first_mou, organization=qatar)
    AgreementPartyFactory(agreement=second_mou, organization=qatar)
    # The second signature's refresh of the pair waits for the first one.
    with held_open(lambda: AgreementPartyFactory(agreement=first_mou, organization=uncct)):
        AgreementPartyFactory(agreement=second_mou, organization=uncct)

    assert row(qatar, uncct)[:2] == (2, 0) and row(uncct, qatar)[:2] == (2, 0)
    with transaction.atomic():
        assert_kept_is_recomputed()
    assert Organization.objects.filter(pk=uncct.pk).exists()


@pytest.mark.django_db
def test_a_line_shows_the_latest_twenty_shared_records_the_relation_keeps(empty_database, viewer_api, monkeypatch):
    body = OrganizationFactory()
    unit, qatar = OrganizationFactory(parent=body), OrganizationFactory()
    # 25 agreements over five days (ties on each), 3 undated; 22 meetings, some of them the same day.
    agreements = [AgreementFactory(signed_on=date(2024, 1, 1 + n % 5)) for n in range(22)]
    agreements += [AgreementFactory(signed_on=None) for _ in range(3)]
    meetings = [MeetingFactory(starts_on=date(2023, 6, 1 + n % 4)) for n in range(22)]
    for agreement in agreements:
        AgreementPartyFactory(agreement=agreement, organization=unit)
        AgreementPartyFactory(agreement=agreement, organization=qatar)
    for meeting in meetings:
        MeetingOrganizer.objects.create(meeting=meeting, organization=qatar)
        ParticipantFactory(meeting=meeting, organization=unit)

    shown = partnerships.PARTNER_LINKS_SHOWN  # as many as the relation keeps (network 0003)
    latest_agreements = sorted(agreements, key=lambda a: (a.signed_on or date.min, a.pk), reverse=True)[:shown]
    latest_meetings = sorted(meetings, key=lambda m: (m.starts_on, m.pk), reverse=True)[:shown]
    expected = ([a.pk for a in latest_agreements], [m.pk for m in latest_meetings])
    assert latest_kept(qatar, unit) == expected and latest_kept(body, qatar, with_units=True) == expected

    def lines(include_units):
        url = f"/api/organizations/{body.pk if include_units == 'true' else qatar.pk}/partners/"
        return viewer_api.get(url, {"include_units": include_units}).json()["results"]

    for include_units in ("true", "false"):
        kept = lines(include_units)
        line = kept[0] if include_units == "true" else next(l for l in kept if l["organization"]["id"] == unit.pk)
        assert [a["id"] for a in line["agreements"]] == expected[0]
        assert [m["id"] for m in line["meetings"]] == expected[1]
        monkeypatch.setattr(partnerships, "is_kept", lambda filters: False)
        assert lines(include_units) == kept
        monkeypatch.undo()

    # An undated agreement dated now, the newest one removed, a meeting moved back: the lists follow.
    agreements[-1].signed_on = date(2025, 1, 1)
    agreements[-1].save()
    AgreementParty.objects.filter(agreement=latest_agreements[0], organization=qatar).delete()
    meetings[0].starts_on = date(2020, 1, 1)
    meetings[0].save()
    assert latest_kept(qatar, unit)[0][0] == agreements[-1].pk
    assert latest_agreements[0].pk not in latest_kept(qatar, unit)[0]
    assert meetings[0].pk not in latest_kept(qatar, unit)[1]
    assert_kept_is_recomputed()
