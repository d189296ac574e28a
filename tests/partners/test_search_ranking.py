"""A searched list comes best match first: the rows where every word of the term is a whole word
of their names or aliases, then the other matches (part of a longer word, or misspelt), each in
the list's usual order, page after page; on PostgreSQL the whole-word matches are read from the
organisations' words the database keeps (partners.OrganizationWord), which always equal the words
of their names and aliases, whatever changed them."""
import csv

import pytest
from django.db import connection

from partners.models import Organization, OrganizationName
from tests.concurrency import held_open
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL keeps the words; SQLite finds whole words with a regular expression"
)


def names_listed(api, url):
    """Every row's English name, following the `next` links."""
    names = []
    while url:
        page = api.get(url).json()
        names += [row["name_en"] for row in page["results"]]
        url = page["next"]
    return names


@pytest.fixture
def centres(empty_database):
    for name in ["Zeta Centre", "Centres of Excellence", "Centre for Peace", "Central Bank of Oman", "Beta Council"]:
        OrganizationFactory(name_en=name, name_ar="")
    alpha = OrganizationFactory(name_en="Alpha Office", name_ar="")
    OrganizationName.objects.create(organization=alpha, name="Alpha Centre", language="en", kind="other")


def test_whole_words_come_first_then_other_matches_each_in_list_order(centres, viewer_api):
    whole_words = ["Alpha Office", "Centre for Peace", "Zeta Centre"]  # Alpha through its alias
    other_matches = ["Central Bank of Oman", "Centres of Excellence"]  # misspelt, part of a word

    assert names_listed(viewer_api, "/api/organizations/?search=centre") == whole_words + other_matches
    # A page of two at a time crosses from one tier to the next and back with the same rows.
    assert names_listed(viewer_api, "/api/organizations/?search=centre&page_size=2") == whole_words + other_matches
    last_page = viewer_api.get("/api/organizations/?search=centre&page_size=2").json()
    while last_page["next"]:
        last_page = viewer_api.get(last_page["next"]).json()
    before_last = viewer_api.get(last_page["previous"]).json()
    assert [row["name_en"] for row in before_last["results"]] == ["Zeta Centre", "Central Bank of Oman"]


def test_every_word_must_be_whole_for_the_first_tier(centres, viewer_api):
    OrganizationFactory(name_en="Peace Centre Trust", name_ar="")
    assert names_listed(viewer_api, "/api/organizations/?search=centre+peace") == [
        "Centre for Peace", "Peace Centre Trust",
    ]
    assert names_listed(viewer_api, "/api/organizations/?search=centr+peace") == ["Centre for Peace", "Peace Centre Trust"]


def test_an_explicit_ordering_is_kept_and_a_count_counts_every_match(centres, viewer_api):
    assert names_listed(viewer_api, "/api/organizations/?search=centre&ordering=-name_en") == [
        "Zeta Centre", "Centres of Excellence", "Centre for Peace", "Central Bank of Oman", "Alpha Office",
    ]
    assert viewer_api.get("/api/organizations/?search=centre&count=true").json()["count"] == 5


def test_a_ranked_list_downloads_in_the_same_order(centres, viewer_api):
    response = viewer_api.get("/api/organizations/?search=centre&format=csv")
    rows = list(csv.DictReader(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()))
    listed = [row["name_en"] for row in rows]
    assert listed == ["Alpha Office", "Centre for Peace", "Zeta Centre", "Central Bank of Oman", "Centres of Excellence"]


def kept_words(model=Organization):
    """The words the database keeps for `model`'s rows (organisations, people)."""
    words = model._meta.get_field(model.kept_words).related_model
    owner = words._meta.get_field(model._meta.model_name).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word, name_en, name_ar, {owner} FROM {words._meta.db_table} ORDER BY 4, 1")
        return cursor.fetchall()


def words_of_the_records(model=Organization):
    """The words the names and aliases hold, as the database should keep them."""
    rows = set()
    for record in model.objects.all():
        keys = [record.search_key, *record.aliases.values_list("search_key", flat=True)]
        for word in " ".join(keys).replace("|", " ").split():
            rows.add((word, record.name_en, record.name_ar, record.pk))
    return sorted(rows, key=lambda row: (row[3], row[0]))


@postgresql_only
def test_kept_words_follow_every_change_of_names_and_aliases(empty_database):
    office = OrganizationFactory(name_en="Office of Counter-Terrorism", name_ar="مكتب مكافحة الإرهاب", acronym="UNOCT")
    centre = OrganizationFactory(name_en="Counter-Terrorism Centre", name_ar="")
    assert kept_words() == words_of_the_records()

    office.name_en = "United Nations Office of Counter-Terrorism"
    office.save()
    alias = OrganizationName.objects.create(organization=office, name="مكتب الأمم المتحدة", language="ar", kind="other")
    OrganizationName.objects.create(organization=centre, name="UNCCT", language="en", kind="acronym")
    assert kept_words() == words_of_the_records()

    alias.name = "Bureau des Nations Unies"
    alias.save()
    OrganizationName.objects.filter(pk=alias.pk).update(organization=centre)  # moved in bulk
    Organization.objects.filter(pk=centre.pk).update(name_ar="مركز مكافحة الإرهاب")  # names in bulk
    assert kept_words() == words_of_the_records()

    OrganizationName.objects.filter(organization=centre).delete()
    office.delete()
    assert kept_words() == words_of_the_records()
    assert {row[3] for row in kept_words()} == {centre.pk}


@postgresql_only
def test_rebuilding_restores_the_kept_words(empty_database):
    OrganizationFactory(name_en="Counter-Terrorism Centre", name_ar="")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM partners_organizationword")
        cursor.execute("SELECT partners_rebuild_organization_words()")
    assert kept_words() == words_of_the_records()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_aliases_added_at_once_by_two_editors_are_both_kept(empty_database):
    office = OrganizationFactory(name_en="Office", name_ar="")
    # The second alias's rewrite of the office's words waits for the first one.
    with held_open(lambda: OrganizationName.objects.create(organization=office, name="Bureau", language="en", kind="other")):
        OrganizationName.objects.create(organization=office, name="Oficina", language="en", kind="other")

    assert {row[0] for row in kept_words()} == {"office", "bureau", "oficina"}
    assert kept_words() == words_of_the_records()
    Organization.objects.filter(pk=office.pk).delete()
