import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from partners.models import FocalArea, Organization, PersonName
from crm.search import build_search_key, normalize_name
from tests.factories import (
    AgreementPartyFactory,
    FocalAreaFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
    PersonNameFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("عبد الله المعلمي", "عبدالله المعلمي"),
        ("فيتون- براون", "فيتون براون"),
        ("أساكو", "اساكو"),
        ("إدريس", "ادريس"),
        ("مؤسسة", "موسسه"),
        ("مدينة", "مدينه"),
        ("يحيى", "يحيي"),
        ("التحالف الإسلامی", "التحالف الإسلامي"),
        ("مُحَمَّد", "محمد"),
        ("المـغـيـدي", "المغيدي"),
        ("\u200fالله\u200e", "الله"),
        ("ﻻ", "لا"),
        ("منتدى الدوحة ٢٠١٩", "منتدى الدوحة 2019"),
        ("Michèle Coninsx", "michele CONINSX"),
        ("Fitton-Brown", "fitton brown"),
        ("قطر\x00", "قطر"),  # a control character is dropped (PostgreSQL refuses a NUL)
        ("Global\nCenter", "global center"),  # a line break still parts two words
    ],
)
def test_spelling_variants_share_one_search_key(one, other):
    assert normalize_name(one) == normalize_name(other)


def test_search_key_keeps_the_article_of_family_names():
    assert normalize_name("عبدالله") == "عبدالله"
    assert normalize_name("المعلمي") == "المعلمي"


def test_search_key_never_joins_two_names_into_one_match():
    key = build_search_key("United Nations", "UNOCT")
    assert "nations unoct" not in key
    assert "united nations" in key and "unoct" in key


def test_organisation_search_key_follows_its_names():
    organisation = OrganizationFactory(name_en="Etidal Centre", name_ar="مركز اعتدال", acronym="")
    assert organisation.search_key == "etidal centre | مركز اعتدال"
    organisation.acronym = "ETIDAL"
    organisation.save()
    organisation.refresh_from_db()
    assert organisation.search_key.endswith("| etidal")


def test_organization_cannot_be_its_own_parent():
    organisation = OrganizationFactory()
    organisation.parent = organisation
    with pytest.raises(ValidationError) as raised:
        organisation.full_clean()
    assert "parent" in raised.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=organisation.pk).update(parent=organisation)


def test_organization_cannot_be_its_own_ancestor():
    office = OrganizationFactory()
    centre = OrganizationFactory(parent=office)
    unit = OrganizationFactory(parent=centre)
    office.parent = unit
    with pytest.raises(ValidationError) as raised:
        office.full_clean()
    assert "parent" in raised.value.message_dict


def test_organization_needs_a_name_in_one_language():
    with pytest.raises(ValidationError, match="name_en, name_ar"):
        Organization(kind="other").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(kind="other")


def test_country_must_be_iso_3166():
    with pytest.raises(ValidationError) as raised:
        OrganizationFactory.build(country="XX").full_clean()
    assert "country" in raised.value.message_dict
    # The database checks the shape of a code; the list of codes is django-countries'. (An
    # update, because CountryField's descriptor would correct "jor" to "JO" on the instance.)
    organisation = OrganizationFactory(country="JO")
    for malformed in ("jo", "J", "j1"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Organization.objects.filter(pk=organisation.pk).update(country=malformed)


def test_month_precision_date_must_be_the_first_of_the_month():
    organisation = OrganizationFactory.build(founded_on=datetime.date(2025, 2, 14), founded_precision="month")
    with pytest.raises(ValidationError, match="first of that month"):
        organisation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        organisation.save()
    organisation.founded_on = datetime.date(2025, 2, 1)
    organisation.full_clean()
    organisation.save()
    assert organisation.founded_display == "February 2025"


def test_year_precision_date_must_be_the_first_of_january():
    organisation = OrganizationFactory.build(founded_on=datetime.date(2017, 5, 1), founded_precision="year")
    with pytest.raises(ValidationError):
        organisation.full_clean()


def test_one_alias_names_one_person(empty_database):
    PersonNameFactory(name="فلاديمير فورنكوف")
    duplicate = PersonNameFactory.build(person=PersonFactory(), name="فلاديمير فورنكوف")
    with pytest.raises(ValidationError) as raised:
        duplicate.full_clean()
    assert "Another person already has this name" in str(raised.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert PersonName.objects.count() == 1


def test_position_cannot_end_before_it_starts():
    position = PositionFactory.build(
        person=PersonFactory(),
        organization=OrganizationFactory(),
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2019, 1, 1),
    )
    with pytest.raises(ValidationError, match="starts_on, ends_on"):
        position.full_clean()


def test_focal_areas_have_two_levels():
    top = FocalAreaFactory()
    middle = FocalAreaFactory(parent=top)
    leaf = FocalAreaFactory.build(parent=middle)
    with pytest.raises(ValidationError) as raised:
        leaf.full_clean()
    assert "parent" in raised.value.message_dict
    top.parent = FocalAreaFactory()
    with pytest.raises(ValidationError):
        top.full_clean()


def test_deleting_an_organisation_that_agreements_refer_to_is_refused():
    party = AgreementPartyFactory()
    with pytest.raises(ProtectedError):
        party.organization.delete()
    assert Organization.objects.filter(pk=party.organization.pk).exists()


def test_deleting_an_organisation_with_units_is_refused():
    unit = OrganizationFactory(parent=OrganizationFactory())
    with pytest.raises(ProtectedError):
        unit.parent.delete()


def test_deleting_a_person_who_took_part_in_a_meeting_is_refused():
    participant = ParticipantFactory()
    with pytest.raises(ProtectedError):
        participant.person.delete()


def test_deleting_a_focal_area_in_use_is_refused():
    area = FocalAreaFactory()
    party = AgreementPartyFactory()
    party.agreement.focal_areas.add(area)
    with pytest.raises(ProtectedError):
        area.delete()
    assert FocalArea.objects.filter(pk=area.pk).exists()


def test_citation_must_quote_its_source(seeded):
    from partners.models import Citation, Source

    organisation = OrganizationFactory()
    citation = Citation(source=Source.objects.get(slug="seed-000"), content_object=organisation, quote="نص غير موجود")
    with pytest.raises(ValidationError) as raised:
        citation.full_clean()
    assert "quote" in raised.value.message_dict


def test_changes_are_recorded_in_history():
    organisation = OrganizationFactory(name_en="Before")
    organisation.name_en = "After"
    organisation.save()
    assert [entry.name_en for entry in organisation.history.all()] == ["After", "Before"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once; SQLite writes one at a time")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model, factory", [(Organization, OrganizationFactory), (FocalArea, FocalAreaFactory)])
def test_two_editors_putting_two_records_under_each_other_at_once_make_no_cycle(model, factory):
    first, second = factory(), factory()
    first_checked = threading.Event()
    outcomes = {}

    def put_first_under_second():
        try:
            with transaction.atomic():
                mine = model.objects.get(pk=first.pk)
                mine.parent = model.objects.get(pk=second.pk)
                mine.full_clean()
                mine.save()
                first_checked.set()
                threading.Event().wait(0.5)  # the other editor checks meanwhile
            outcomes["first"] = "saved"
        finally:
            connection.close()

    thread = threading.Thread(target=put_first_under_second)
    thread.start()
    assert first_checked.wait(5)
    theirs = model.objects.get(pk=second.pk)
    theirs.parent = model.objects.get(pk=first.pk)  # read before the first change is committed
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        theirs.full_clean()
        theirs.save()
    thread.join()

    assert outcomes == {"first": "saved"}
    assert list(refused.value.message_dict) == ["parent"]
    assert model.objects.get(pk=first.pk).parent_id == second.pk
    assert model.objects.get(pk=second.pk).parent_id is None
