"""The organisation and person pages' sections that read across apps."""
import pytest
from django.urls import reverse
from django.utils import translation

from crm.dates import format_precise_date
from network.partnerships import PartnerFilter, partner_queryset
from partners.models import Organization

from agreements.models import AgreementParty
from meetings.models import Participant
from partners.models import Person

IMCTC = 27

pytestmark = pytest.mark.django_db


def test_organisation_page_lists_its_partners_units_included(seeded, admin_client):
    html = admin_client.get(reverse("admin:partners_organization_change", args=[2])).content.decode()
    partners_field = html[html.index("field-partners") : html.index("field-people")]
    assert "Etidal" in partners_field  # a partner of its unit UNCCT
    assert "United Nations Counter-Terrorism Centre" not in partners_field  # its own unit


@pytest.mark.parametrize("language", ["en", "ar"])
def test_partners_latest_contact_reads_as_known_in_the_pages_language(seeded, admin_client, language):
    uncct = Organization.objects.get(pk=2)
    imctc = next(row for row in partner_queryset(uncct, PartnerFilter(include_units=True)) if row.pk == IMCTC)
    with translation.override(language):
        shown = format_precise_date(imctc.latest_contact_on, imctc.latest_contact_precision)
    html = admin_client.get(reverse("admin:partners_organization_change", args=[2]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    partners_field = html[html.index("field-partners") : html.index("field-people")]
    # Not an ISO date, which an Arabic line turns around and which claims a day when only the month is known.
    assert f"({shown})" in partners_field and imctc.latest_contact_on.isoformat() not in partners_field


def test_person_page_lists_what_they_signed_and_took_part_in(seeded, admin_client):
    voronkov = Person.objects.get(name_en="Vladimir Voronkov")
    signed = {party.agreement.title_en for party in AgreementParty.objects.filter(signatory=voronkov)}
    attended = {participant.meeting.title_en for participant in Participant.objects.filter(person=voronkov)}
    assert signed and attended

    html = admin_client.get(reverse("admin:partners_person_change", args=[voronkov.pk])).content.decode()

    signatures = html[html.index("field-signatures") :]
    participations = html[html.index("field-participations") : html.index("field-signatures")]
    assert all(title in signatures for title in signed)
    assert all(title in participations for title in attended)
