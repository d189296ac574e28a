"""The seed data read back and checked against the five seed documents."""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from agreements.models import Agreement, AgreementParty, FundingCommitment
from meetings.models import Meeting, Participant
from partners.models import (
    Citation,
    FocalArea,
    Organization,
    OrganizationName,
    Person,
    PersonName,
    Position,
    SearchableModel,
    Source,
)
from crm.search import normalize_name
from crm.seeding import SEED_CHANGE_REASON, seed_data_load

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
PROJECT_MODELS = [
    model
    for app_label in ("partners", "agreements", "meetings")
    for model in apps.get_app_config(app_label).get_models()
    if not model.__name__.startswith("Historical") and not getattr(model, "kept_by_database", False)
]
# Models whose every seed row must point at the passage it came from.
CITED_MODELS = [Organization, Person, Position, FocalArea, Agreement, AgreementParty, FundingCommitment, Meeting]


def organization(acronym_or_name):
    return Organization.objects.get(acronym=acronym_or_name) if acronym_or_name.isupper() else (
        Organization.objects.get(name_en=acronym_or_name)
    )


def person(name_en):
    return Person.objects.get(name_en=name_en)


def test_loading_the_seeds_twice_changes_nothing_and_keeps_staff_edits(seeded):
    counts = {model: model.objects.count() for model in PROJECT_MODELS}
    uncct = organization("UNCCT")
    uncct.website = "https://www.un.org/counterterrorism/cct"
    uncct.save()

    second = seed_data_load()

    assert second.created == 0
    assert second.already_present == seeded.created
    assert {model: model.objects.count() for model in PROJECT_MODELS} == counts
    assert organization("UNCCT").website == "https://www.un.org/counterterrorism/cct"


def test_load_seeds_command_reports_what_it_did(empty_database, db, capsys):
    call_command("load_seeds")
    call_command("load_seeds")
    output = capsys.readouterr().out
    assert "0 already present" in output
    assert "0 records created" in output


def test_seed_records_have_a_first_history_entry(seeded):
    voronkov = person("Vladimir Voronkov")
    first = voronkov.history.earliest()
    assert first.history_type == "+"
    assert first.history_change_reason == SEED_CHANGE_REASON


def test_sources_hold_the_seed_documents_word_for_word(seeded):
    assert Source.objects.count() == 5
    for source in Source.objects.all():
        assert source.text == (FIXTURES / "sources" / source.file_name).read_text(encoding="utf-8")


def test_every_citation_quotes_its_source_exactly(seeded):
    citations = Citation.objects.select_related("source")
    assert citations.count() > 100
    for citation in citations:
        assert citation.quote in citation.source.text, citation.pk


@pytest.mark.parametrize("model", CITED_MODELS, ids=lambda model: model.__name__)
def test_every_seed_record_points_at_its_passage(seeded, model):
    uncited = model.objects.annotate(citation_count=Count("citations")).filter(citation_count=0)
    assert list(uncited) == []


def test_every_source_document_is_used(seeded):
    assert set(Citation.objects.values_list("source__slug", flat=True)) == {
        "seed-000",
        "seed-001",
        "seed-002",
        "seed-003",
        "seed-004",
    }


def test_spelling_variants_are_one_person_with_aliases(seeded):
    voronkov = Person.objects.get(aliases__name="فلاديمير فورنكوف")
    assert voronkov.name_ar == "فلاديمير فورونكوف"
    assert Person.objects.get(aliases__name="ميشيل كونينسكس").name_ar == "ميشيل كونينكس"
    assert Person.objects.get(aliases__name="عبد الله المعلمي").name_ar == "عبدالله بن يحيى المعلمي"
    assert Person.objects.get(aliases__name="إدموند فيتون- براون").name_ar == "إدموند فيتون براون"


def test_no_two_people_or_organisations_share_a_name(seeded):
    for model, alias_model, owner in ((Person, PersonName, "person"), (Organization, OrganizationName, "organization")):
        owner_of_key = {}
        for instance in model.objects.all():
            for name in (instance.name_en, instance.name_ar):
                key = normalize_name(name)
                assert owner_of_key.setdefault(key, instance.pk) == instance.pk, name
        for alias in alias_model.objects.all():
            key = normalize_name(alias.name)
            assert owner_of_key.setdefault(key, getattr(alias, f"{owner}_id")) == getattr(alias, f"{owner}_id"), alias


def test_search_keys_are_the_same_through_save_and_through_loaddata(db):
    """loaddata skips save(), so its rows get their keys from rebuild_search_keys()."""
    call_command("loaddata", FIXTURES / "sources.yaml", FIXTURES / "seed.yaml", verbosity=0)
    searchable = [model for model in PROJECT_MODELS if issubclass(model, SearchableModel)]
    assert all(not key for model in searchable for key in model.objects.values_list("search_key", flat=True))
    for model in searchable:
        model.rebuild_search_keys()
    for model in searchable:
        for instance in model.objects.all():
            stored = instance.search_key
            instance.save()
            assert stored == instance.search_key != ""


def test_organisation_tree_follows_the_seeds(seeded):
    assert organization("UNCCT").parent == organization("UNOCT")
    assert organization("UNOCT").parent == organization("UN")
    assert organization("CICTE").parent == organization("OAS")
    assert organization("National Counter-Terrorism Committee of Qatar").parent.name_ar == "دولة قطر"
    assert organization("Advisory Board of the United Nations Counter-Terrorism Centre").parent == organization("UNCCT")


def test_founding_dates_keep_their_precision(seeded):
    etidal = organization("Global Center for Combating Extremist Ideology")
    assert (etidal.founded_on, etidal.founded_precision) == (datetime.date(2017, 5, 21), "day")
    assert etidal.country.code == "SA"
    unoct = organization("UNOCT")
    assert (unoct.founded_on, unoct.founded_precision, unoct.founded_display) == (
        datetime.date(2017, 1, 1),
        "year",
        "2017",
    )


def test_etidal_mou_signed_yesterday_is_an_inferred_day(seeded):
    mou = Agreement.objects.get(parties__organization__acronym="Etidal")
    assert mou.kind == Agreement.Kind.MOU
    assert (mou.signed_on, mou.signed_precision, mou.signed_is_inferred) == (datetime.date(2021, 4, 1), "day", True)
    assert "بالأمس" in mou.signed_note
    signatories = {party.organization.acronym: party.signatory.name_en for party in mou.parties.all()}
    assert signatories == {"UNCCT": "Vladimir Voronkov", "Etidal": "Mansour Al-Shammari"}
    assert [witness.person.name_en for witness in mou.witnesses.all()] == ["Abdallah Y. Al-Mouallimi"]
    assert set(mou.focal_areas.values_list("code", flat=True)) == {
        "pcve",
        "strategic-communications",
        "terrorist-use-of-internet",
        "youth-engagement",
        "tolerance",
        "victims-of-terrorism",
    }


def test_imctc_mou_is_known_to_the_month_from_the_other_article(seeded):
    mou = Agreement.objects.get(parties__organization__acronym="IMCTC")
    assert (mou.signed_on, mou.signed_precision, mou.signed_is_inferred) == (
        datetime.date(2025, 2, 1),
        "month",
        True,
    )
    assert mou.signed_display == "February 2025"
    assert mou.signed_place_en == "United Nations Headquarters, New York"
    signatories = {party.organization.acronym: party.signatory.name_ar for party in mou.parties.all()}
    assert signatories == {"IMCTC": "محمد بن سعيد المغيدي", "UNCCT": "فلاديمير فورونكوف"}
    assert set(mou.citations.values_list("source__slug", flat=True)) == {"seed-003", "seed-004"}


def test_qatar_contribution_agreement_and_its_75_million_commitment(seeded):
    agreement = Agreement.objects.get(kind=Agreement.Kind.CONTRIBUTION_AGREEMENT)
    assert (agreement.signed_on, agreement.signed_is_inferred, agreement.signed_place_en) == (
        datetime.date(2018, 12, 16),
        False,
        "Doha",
    )
    parties = {party.organization.name_en: (party.role, party.represented_by.acronym or party.represented_by.name_en) for party in agreement.parties.all()}
    assert parties == {
        "State of Qatar": ("funding", "National Counter-Terrorism Committee of Qatar"),
        "United Nations": ("accountable", "UNOCT"),
    }
    commitment = FundingCommitment.objects.with_received().get(agreement=agreement)
    assert commitment.donor.name_en == "State of Qatar"
    assert commitment.recipient.acronym == "UNOCT"
    assert (commitment.amount, commitment.currency, commitment.period_months) == (Decimal("75000000"), "USD", 60)
    assert commitment.status == FundingCommitment.Status.COMMITTED
    assert commitment.is_reported
    # The seeds report no money received, and the pledge is not split into invented instalments.
    assert (commitment.received, commitment.outstanding) == (Decimal("0"), Decimal("75000000"))
    assert commitment.payments.count() == 0


def test_qatar_dialogue_held_yesterday_tuesday_with_two_chairs(seeded):
    dialogue = Meeting.objects.get(title_en="First strategic dialogue between the State of Qatar and UNOCT")
    assert (dialogue.starts_on, dialogue.starts_is_inferred) == (datetime.date(2019, 3, 19), True)
    assert dialogue.starts_on.strftime("%A") == "Tuesday"
    chairs = set(dialogue.participants.filter(role="chair").values_list("person__name_en", flat=True))
    assert chairs == {"Abdulaziz Abdullah Al-Ansari", "Vladimir Voronkov"}
    assert dialogue.participants.count() == 13
    assert list(dialogue.related_agreements.values_list("kind", flat=True)) == ["contribution_agreement"]


def test_planned_follow_up_in_doha_is_linked_to_the_dialogue_that_planned_it(seeded):
    follow_up = Meeting.objects.get(status=Meeting.Status.PLANNED)
    assert follow_up.follows.title_en == "First strategic dialogue between the State of Qatar and UNOCT"
    assert (follow_up.city_en, follow_up.starts_on, follow_up.starts_precision) == (
        "Doha",
        datetime.date(2019, 1, 1),
        "year",
    )


def test_earlier_dialogue_with_the_eu_has_no_invented_date(seeded):
    eu_dialogue = Meeting.objects.get(organizers__organization__acronym="EU")
    assert eu_dialogue.starts_on is None
    assert eu_dialogue.status == Meeting.Status.HELD


def test_virtual_discussion_keeps_reported_counts_apart_from_listed_participants(seeded):
    discussion = Meeting.objects.get(kind=Meeting.Kind.VIRTUAL_DISCUSSION)
    assert discussion.is_virtual
    assert (discussion.starts_on, discussion.ends_on) == (datetime.date(2020, 12, 8), datetime.date(2020, 12, 10))
    assert (discussion.reported_participants, discussion.reported_participants_qualifier) == (90, "more_than")
    assert discussion.reported_organizations == 39
    assert discussion.sessions.count() == 6
    roles = {}
    for participant in discussion.participants.select_related("person"):
        roles.setdefault(participant.role, set()).add(participant.person.name_en)
    assert roles["host"] == {"Vladimir Voronkov", "Abdallah Y. Al-Mouallimi"}
    assert roles["moderator"] == {"Jehangir Khan"}
    assert len(roles["speaker"]) == 8


def test_official_visit_of_the_acting_under_secretary_general(seeded):
    visit = Meeting.objects.get(kind=Meeting.Kind.OFFICIAL_VISIT)
    assert visit.starts_on is None and "اليوم" in visit.date_note
    zouev = visit.participants.get(role=Participant.Role.HEAD_OF_DELEGATION)
    assert zouev.person.name_en == "Alexander Zouev"
    assert Position.objects.get(person=zouev.person).is_acting


def test_people_hold_different_titles_in_different_documents(seeded):
    titles = set(person("Vladimir Voronkov").positions.values_list("organization__acronym", flat=True))
    assert titles == {"UNOCT", "UNCCT"}
    assert set(person("Abdallah Y. Al-Mouallimi").positions.values_list("role", flat=True)) == {
        "representative",
        "chair",
    }


def test_unrelated_read_also_headlines_are_not_data(seeded):
    assert not Person.objects.filter(name_ar__contains="كودري").exists()
    assert not Organization.objects.filter(name_ar__contains="الجزائر").exists()
    assert not Meeting.objects.filter(kind=Meeting.Kind.SECURITY_COUNCIL_SESSION).exists()


def test_seed_counts(seeded):
    assert Organization.objects.count() == 27
    assert Person.objects.count() == 19
    assert Agreement.objects.count() == 3
    assert FundingCommitment.objects.count() == 1
    assert Meeting.objects.count() == 5
    assert FocalArea.objects.filter(parent=None).count() == 11


def arabic_letter_share(text):
    """The share of the text's letters that are in the Arabic block (U+0600–U+06FF)."""
    letters = [character for character in text if character.isalpha()]
    return sum("\u0600" <= character <= "\u06ff" for character in letters) / len(letters) if letters else 0


@pytest.mark.parametrize(
    "model, field",
    [(Agreement, "summary"), (Meeting, "summary"), (FundingCommitment, "purpose")],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_every_english_text_has_an_arabic_twin_in_arabic_script(seeded, model, field):
    records = model.objects.exclude(**{f"{field}_en": ""})
    assert records.exists()
    for record in records:
        arabic = getattr(record, f"{field}_ar")
        assert arabic.strip(), f"{model.__name__} {record.pk} has no {field}_ar"
        assert arabic_letter_share(arabic) > 0.8, f"{model.__name__} {record.pk}: {arabic!r}"
