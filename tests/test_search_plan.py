"""The API's organisation search is served by the trigram indexes on PostgreSQL (issue 6): on a
table large enough for the planner to have a choice, EXPLAIN shows a bitmap scan of the index on
`search_key` for an English word, an Arabic word and a one-letter misspelling, and the search
still finds the row; a common word (an organisation's «centre», a person's «mohammed») is read
from the words the database keeps, in list order."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from partners.models import Organization, OrganizationName, Person
from network.views import OrganizationViewSet
from tests.factories import OrganizationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes and EXPLAIN plans are PostgreSQL's"),
]

# Created by partners/migrations/0005_trigram_search.py.
ORGANIZATION_INDEX = "partners_organization_search_key_trgm"
ALIAS_INDEX = "partners_organizationname_search_key_trgm"
FILLER_ROWS = 20_000


def copy_row(model, template, overrides, rows):
    """Insert `rows` copies of the `template` row in one INSERT … SELECT generate_series, with
    `overrides` (column → SQL expression over the series value `n`) replacing its values."""
    table = model._meta.db_table
    columns = [field.column for field in model._meta.concrete_fields if not field.primary_key]
    quoted = [f'"{column}"' for column in columns]
    values = [overrides.get(column, name) for column, name in zip(columns, quoted)]
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ({", ".join(quoted)}) '
            f'SELECT {", ".join(values)} FROM "{table}", generate_series(1, %s) AS n WHERE "{table}"."id" = %s',
            [rows, template.pk],
        )


@pytest.fixture
def large_directory():
    """Twenty thousand organisations and as many aliases whose names share no trigram with the
    searched words (hex digests), one Voronkov foundation among them, then ANALYZE."""
    filler = OrganizationFactory(name_en="filler", name_ar="")
    alias = OrganizationName.objects.create(organization=filler, name="filler", language="en", kind="acronym")
    copy_row(Organization, filler, {
        "name_en": "left(md5(n::text), 10)", "name_ar": "''", "search_key": "left(md5(n::text), 10)",
    }, FILLER_ROWS)
    copy_row(OrganizationName, alias, {
        "name": "left(md5((-n)::text), 10)", "search_key": "left(md5((-n)::text), 10)",
    }, FILLER_ROWS)
    found = OrganizationFactory(name_en="Voronkov Foundation for Dialogue", name_ar="مؤسسة فورونكوف للحوار")
    with connection.cursor() as cursor:
        # Rows inserted after CREATE INDEX wait in the GIN pending list, which the planner costs
        # as a scan of its own; a loaded database has them in the index proper.
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass), gin_clean_pending_list(%s::regclass)",
                       [ORGANIZATION_INDEX, ALIAS_INDEX])
        cursor.execute(f"ANALYZE {Organization._meta.db_table}, {OrganizationName._meta.db_table}")
    return found


def api_search(term):
    """The organisation list's queryset as the API builds it for `?search=term`."""
    view = OrganizationViewSet(action_map={"get": "list"}, format_kwarg=None, args=(), kwargs={})
    view.request = view.initialize_request(APIRequestFactory().get("/api/organizations/", {"search": term}))
    return view.filter_queryset(view.get_queryset())


# An English word, an Arabic word, and the same Arabic word with a letter missing.
TERMS = ["voronkov", "فورونكوف", "فورنكوف"]


def test_organization_search_uses_the_trigram_index_and_finds_the_row(large_directory):
    """One test for the three terms: the rows are inserted once."""
    for term in TERMS:
        queryset = api_search(term)
        assert list(queryset.values_list("pk", flat=True)) == [large_directory.pk], f"?search={term}"
        plan = queryset.explain()
        assert f"Bitmap Index Scan on {ORGANIZATION_INDEX}" in plan, f"?search={term}:\n{plan}"


@pytest.fixture
def common_word_directory(empty_database):
    """Twenty thousand organisations, one in ten named with the word «centre», then ANALYZE."""
    template = OrganizationFactory(name_en="filler", name_ar="")
    name = "CASE WHEN mod(n, 10) = 0 THEN 'Centre ' ELSE '' END || left(md5(n::text), 10)"
    copy_row(Organization, template, {"name_en": name, "name_ar": "''", "search_key": f"lower({name})"}, FILLER_ROWS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_organization, partners_organizationword")


@pytest.fixture
def common_name_people(empty_database):
    """Twenty thousand people, one in ten named Mohammed, then ANALYZE."""
    template = Person.objects.create(name_en="filler")
    name = "CASE WHEN mod(n, 10) = 0 THEN 'Mohammed ' ELSE '' END || left(md5(n::text), 10)"
    copy_row(Person, template, {"name_en": name, "name_ar": "''", "search_key": f"lower({name})"}, FILLER_ROWS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_person, partners_personword")


@pytest.mark.parametrize("rows, path, named, words", [
    ("common_word_directory", "/api/organizations/?search=centre", "Centre ", "partners_organizationword"),
    ("common_name_people", "/api/people/?search=mohammed", "Mohammed ", "partners_personword"),
])
def test_a_common_word_is_read_from_the_kept_words_in_list_order(request, viewer_api, rows, path, named, words):
    """«centre» names two thousand organisations, «mohammed» two thousand people: the first page
    of the ranked list reads fifty of them from the words' index, in list order, and touches no
    table from end to end."""
    request.getfixturevalue(rows)
    with CaptureQueriesContext(connection) as queries:
        page = viewer_api.get(path).json()
    assert len(page["results"]) == 50 and all(row["name_en"].startswith(named) for row in page["results"])
    assert [row["name_en"] for row in page["results"]] == sorted(row["name_en"] for row in page["results"])
    (statement,) = [query["sql"] for query in queries.captured_queries if words in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    reading_the_page = plan.split("SubPlan")[0]  # the subplans build each row's list of aliases
    assert f"Index Only Scan using {words}_pkey" in reading_the_page, plan
    assert "Sort" not in reading_the_page and "Seq Scan" not in plan, plan
