import re
from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import FocalArea, Organization, Person
from tests.admin_forms import submitted_form_data
from tests.factories import AgreementPartyFactory, OrganizationFactory
from tests.queries import statements

pytestmark = pytest.mark.django_db

# Every app's admin is built on the bases in partners/admin.py, so the smoke tests that run
# across all of them live here; each app's own forms and lists are tested in tests/<app>/.
ADMIN_MODELS = [
    "partners/organization",
    "partners/person",
    "partners/focalarea",
    "partners/source",
    "agreements/agreement",
    "agreements/fundingcommitment",
    "meetings/meeting",
]


@pytest.mark.parametrize("model_path", ADMIN_MODELS)
def test_every_list_add_change_and_history_page_opens_on_the_seed_data(seeded, admin_client, model_path):
    app_label, model_name = model_path.split("/")
    assert admin_client.get(f"/admin/{model_path}/").status_code == 200
    assert admin_client.get(f"/admin/{model_path}/add/").status_code == 200
    instance = apps.get_model(app_label, model_name).objects.order_by("pk").first()
    assert admin_client.get(f"/admin/{model_path}/{instance.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/{model_path}/{instance.pk}/history/").status_code == 200


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("فورنكوف", "Vladimir Voronkov"),
        ("فورونكوف", "Vladimir Voronkov"),
        ("عبد الله المعلمي", "Abdallah Y. Al-Mouallimi"),
        ("عبدالله المعلمي", "Abdallah Y. Al-Mouallimi"),
        ("كونينسكس", "Michèle Coninsx"),
        ("michele", "Michèle Coninsx"),
        ("فيتون براون", "Edmund Fitton-Brown"),
        ("المغيدى", "Mohammed bin Saeed Al-Moghedi"),
    ],
)
def test_person_search_bridges_arabic_spelling_variants(seeded, admin_client, term, expected):
    response = admin_client.get("/admin/partners/person/", {"q": term})
    assert [person.name_en for person in response.context["cl"].result_list] == [expected]


@pytest.mark.parametrize(("term", "acronym"), [("اعتدال", "Etidal"), ("uncct", "UNCCT"), ("التحالف الاسلامي", "IMCTC")])
def test_organisation_autocomplete_uses_the_normalised_search(seeded, admin_client, term, acronym):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "agreements", "model_name": "agreementparty", "field_name": "organization"},
    )
    assert response.status_code == 200
    texts = [result["text"] for result in response.json()["results"]]
    assert any(f"({acronym})" in text for text in texts), texts


def test_organisation_added_in_the_admin_is_found_by_a_spelling_variant(admin_client):
    parent = OrganizationFactory(acronym="IMCTC")
    page = admin_client.get("/admin/partners/organization/add/")
    data = {
        **submitted_form_data(page),
        "name_ar": "مؤسسة الأمل",
        "kind": "civil_society",
        "parent": parent.pk,
        "country": "JO",
        "aliases-TOTAL_FORMS": "1",
        "aliases-0-name": "Hope Foundation",
        "aliases-0-language": "en",
        "aliases-0-kind": "translation",
    }

    response = admin_client.post("/admin/partners/organization/add/", data)

    assert response.status_code == 302
    organisation = Organization.objects.get(name_ar="مؤسسة الأمل")
    for term in ("مؤسسه الامل", "hope foundation"):
        found = admin_client.get("/admin/partners/organization/", {"q": term}).context["cl"].result_list
        assert list(found) == [organisation], term


def _add_organisation(admin_client, **fields):
    page = admin_client.get("/admin/partners/organization/add/")
    data = {**submitted_form_data(page), "name_en": "Somewhere", "kind": "other", **fields}
    return admin_client.post("/admin/partners/organization/add/", data)


@pytest.mark.parametrize(
    "typed, stored, precision, shown",
    [
        ("2018", date(2018, 1, 1), "year", "2018"),
        ("2018-09", date(2018, 9, 1), "month", "2018-09"),
        ("09/2018", date(2018, 9, 1), "month", "2018-09"),
        ("2018-09-25", date(2018, 9, 25), "day", "2018-09-25"),
        ("٢٠٢٢-٠٣-١٥", date(2022, 3, 15), "day", "2022-03-15"),
        ("٢٠٢٢-٠٣", date(2022, 3, 1), "month", "2022-03"),
    ],
)
def test_a_date_is_entered_as_far_as_it_is_known(empty_database, admin_client, typed, stored, precision, shown):
    response = _add_organisation(admin_client, founded_on=typed)

    assert response.status_code == 302, response.context and response.context["errors"]
    organisation = Organization.objects.get()
    assert (organisation.founded_on, organisation.founded_precision) == (stored, precision)
    # Shown again as it was given, not as a made-up day.
    page = admin_client.get(f"/admin/partners/organization/{organisation.pk}/change/").content.decode()
    assert f'name="founded_on" value="{shown}"' in page


def test_a_date_that_is_not_one_is_refused_with_what_to_type(empty_database, admin_client):
    response = _add_organisation(admin_client, founded_on="2018-13")

    assert response.status_code == 200
    assert "Enter a year (2018), a month (2018-09) or a full date (2018-09-25)." in response.content.decode()
    assert not Organization.objects.exists()


def test_model_rules_name_fields_as_the_form_labels_them(empty_database, admin_client):
    response = _add_organisation(admin_client, name_en="", name_ar="")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the name in English or in Arabic (fields “Name in English”, “Name in Arabic”)." in html
    assert "name_en" not in html.split('class="errorlist')[1].split("</ul>")[0]
    assert not Organization.objects.exists()


def test_deleting_a_referenced_organisation_in_the_admin_names_the_blockers(admin_client):
    party = AgreementPartyFactory()
    url = reverse("admin:partners_organization_delete", args=[party.organization.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Organization.objects.filter(pk=party.organization.pk).exists()


def test_viewer_reads_but_cannot_add_or_change(seeded, viewer_client):
    assert viewer_client.get("/admin/partners/person/").status_code == 200
    assert viewer_client.get("/admin/partners/person/add/").status_code == 403
    voronkov = Person.objects.get(name_en="Vladimir Voronkov")
    response = viewer_client.post(f"/admin/partners/person/{voronkov.pk}/change/", {"name_en": "Changed"})
    assert response.status_code == 403
    voronkov.refresh_from_db()
    assert voronkov.name_en == "Vladimir Voronkov"


def test_editor_adds_but_cannot_delete(editor_client):
    organisation = OrganizationFactory()
    assert editor_client.get("/admin/partners/organization/add/").status_code == 200
    delete_url = reverse("admin:partners_organization_delete", args=[organisation.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(seeded, client):
    response = client.get("/admin/partners/organization/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model_path", ADMIN_MODELS)
def test_admin_list_query_count_does_not_grow_with_page_size(seeded, admin_client, model_path, monkeypatch):
    model_admin = admin.site._registry[apps.get_model(*model_path.split("/"))]
    counts = []
    for page_size in (2, 100):
        monkeypatch.setattr(model_admin, "list_per_page", page_size)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(f"/admin/{model_path}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_admin_switches_to_arabic_right_to_left_with_translated_names(seeded, admin_client):
    from django.utils import translation

    from agreements.models import Agreement

    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})
    html = admin_client.get("/admin/agreements/agreement/").content.decode()

    with translation.override("ar"):
        arabic_name = str(Agreement._meta.verbose_name_plural)
        arabic_kind = str(Agreement.Kind.MOU.label)
    assert arabic_name != "agreements"
    assert 'dir="rtl"' in html
    assert arabic_name in html
    assert arabic_kind in html


def test_an_arabic_list_opens_each_record_by_its_arabic_name(seeded, admin_client):
    """The first column is the record's link: on an Arabic page it is the Arabic name, the
    English one beside it; on an English page the other way round."""
    unoct = Organization.objects.get(acronym="UNOCT")
    link = re.compile(r'<th class="field-(name_\w\w)"><a href="/admin/partners/organization/(\d+)/change/')

    html = admin_client.get("/admin/partners/organization/").content.decode()
    assert (link.search(html).group(1), html.index("column-name_en") < html.index("column-name_ar")) == ("name_en", True)

    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})
    html = admin_client.get("/admin/partners/organization/").content.decode()
    assert {field for field, _pk in link.findall(html)} == {"name_ar"}
    assert html.index("column-name_ar") < html.index("column-name_en")
    assert f'<a href="/admin/partners/organization/{unoct.pk}/change/">{unoct.name_ar}</a>' in html


def test_a_list_is_in_the_order_of_the_names_its_reader_sees(empty_database, admin_client):
    """An Arabic list is in the order of the Arabic names, an English one of the English names;
    a record without a name in the reader's language takes its place by the other name."""
    bahrain = OrganizationFactory(name_en="Bahrain Centre", name_ar="مركز البحرين")  # ب
    jordan = OrganizationFactory(name_en="Anti-Terrorism Unit", name_ar="وحدة الأردن")  # و
    qatar = OrganizationFactory(name_en="Qatar Fund", name_ar="")
    oman = OrganizationFactory(name_en="", name_ar="أمانة عمان")  # أ
    people = [Person.objects.create(name_en=name_en, name_ar=name_ar)
              for name_en, name_ar in [("Zaid", "أحمد"), ("Adel", "يوسف"), ("Mona", "")]]

    def listed(language, model_path):
        admin_client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
        return list(admin_client.get(f"/admin/{model_path}/").context["cl"].result_list)

    assert listed("en", "partners/organization") == [jordan, bahrain, qatar, oman]
    assert listed("ar", "partners/organization") == [qatar, oman, bahrain, jordan]
    assert listed("en", "partners/person") == [people[1], people[2], people[0]]
    assert listed("ar", "partners/person") == [people[2], people[0], people[1]]


@pytest.mark.parametrize("language, name", [("en", "name_en"), ("ar", "name_ar")])
def test_focal_areas_are_listed_and_offered_in_the_order_of_their_names(seeded, admin_client, language, name):
    admin_client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
    listed = admin_client.get("/admin/partners/focalarea/").context["cl"].result_list
    names = sorted(FocalArea.objects.values_list(name, flat=True))
    assert [getattr(area, name) for area in listed] == names

    agreements = admin_client.get("/admin/agreements/agreement/").context["cl"]
    focal_filter = next(spec for spec in agreements.filter_specs if spec.field_path == "focal_areas")
    assert [label for _pk, label in focal_filter.lookup_choices] == names
    offered = admin_client.get("/admin/autocomplete/", {
        "app_label": "agreements", "model_name": "agreementfocalarea", "field_name": "focal_area",
    }).json()["results"]
    assert [choice["text"] for choice in offered] == names[:20]  # its first page


@pytest.mark.parametrize("language, column", [("en", "name_en"), ("ar", "name_ar")])
def test_a_list_marks_the_name_it_is_ordered_by_as_sorted(seeded, admin_client, language, column):
    admin_client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
    html = admin_client.get("/admin/partners/organization/").content.decode()
    assert re.findall(r'<th scope="col" class="sortable column-(\w+) sorted ascending"', html) == [column]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_large_list_in_the_readers_order_is_read_from_its_index(empty_database, admin_client, language):
    """The page is read along the index of the names the reader sees, not sorted whole."""
    Organization.objects.bulk_create(
        Organization(name_en=f"organisation {n:05}", name_ar=f"منظمة {n:05}", kind="civil_society")
        for n in range(20_000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Organization._meta.db_table}")
    admin_client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
    with CaptureQueriesContext(connection) as queries:
        admin_client.get("/admin/partners/organization/")
    page = next(sql for sql in statements(queries) if "LEFT OUTER JOIN" in sql and "ORDER BY COALESCE" in sql)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using organization_shown_name_{language}" in plan, plan


def test_an_arabic_list_shows_cities_honorifics_and_titles_in_arabic(seeded, admin_client):
    """A lone English column (a meeting's city, a person's honorific, a position's title) is
    shown in the reader's language, the English where there is no Arabic."""
    pages = {}
    for language in ("en", "ar"):
        admin_client.post("/i18n/setlang/", {"language": language, "next": "/admin/"})
        pages[language] = {
            list_path: admin_client.get(f"/admin/{list_path}/").content.decode()
            for list_path in ("meetings/meeting", "partners/person")
        }
    assert '<td class="field-city">Doha</td>' in pages["en"]["meetings/meeting"]
    assert '<td class="field-city">الدوحة</td>' in pages["ar"]["meetings/meeting"]
    assert '<td class="field-honorific">Mr</td>' in pages["en"]["partners/person"]
    assert '<td class="field-honorific">السيد</td>' in pages["ar"]["partners/person"]
    assert "المدير التنفيذي لمركز الأمم المتحدة لمكافحة الإرهاب" in pages["ar"]["partners/person"]
    assert "Executive Director, UNCCT" in pages["en"]["partners/person"]


def test_an_arabic_list_is_punctuated_in_arabic(seeded, admin_client):
    """A person's positions are listed, and named, with the Arabic comma and semicolon on an Arabic page."""
    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})
    html = admin_client.get("/admin/partners/person/").content.decode()
    assert "المدير التنفيذي لمركز الأمم المتحدة لمكافحة الإرهاب، UNCCT؛ " in html
    voronkov = Person.objects.get(name_en="Vladimir Voronkov")
    html = admin_client.get(f"/admin/partners/person/{voronkov.pk}/change/").content.decode()
    assert "المدير التنفيذي لمركز الأمم المتحدة لمكافحة الإرهاب، مركز الأمم المتحدة لمكافحة الإرهاب (UNCCT)" in html
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    html = admin_client.get("/admin/partners/person/").content.decode()
    assert "Executive Director, UNCCT; " in html


def _organisation_form_data(organisation, **changes):
    data = {
        "name_en": organisation.name_en,
        "name_ar": organisation.name_ar,
        "kind": organisation.kind,
        "founded_precision": "day",
        "version": organisation.version,
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "partners-citation-content_type-object_id-TOTAL_FORMS": "0",
        "partners-citation-content_type-object_id-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_second_of_two_editors_saving_the_same_record_is_refused_with_a_message(admin_client):
    organisation = OrganizationFactory(notes="original")
    url = reverse("admin:partners_organization_change", args=[organisation.pk])
    opened_by_both = _organisation_form_data(organisation)

    first = admin_client.post(url, {**opened_by_both, "notes": "first editor"})
    assert first.status_code == 302
    second = admin_client.post(url, {**opened_by_both, "notes": "second editor"})

    assert second.status_code == 200
    assert "Someone else saved this record after you opened it" in second.content.decode()
    organisation.refresh_from_db()
    assert (organisation.notes, organisation.version) == ("first editor", 2)


def test_reverting_to_an_earlier_version_in_the_admin_history_works(admin_client):
    organisation = OrganizationFactory(notes="before")
    organisation.notes = "after"
    organisation.save()
    earliest = organisation.history.earliest()
    url = reverse("admin:partners_organization_simple_history", args=[organisation.pk, earliest.history_id])
    form = admin_client.get(url).context["adminform"].form
    assert form.initial["version"] == 2

    response = admin_client.post(url, _organisation_form_data(organisation, notes="before", version=2))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.notes, organisation.version) == ("before", 3)


@pytest.mark.parametrize(
    "model_path", ["partners/organization", "agreements/agreement", "agreements/fundingcommitment", "meetings/meeting"]
)
def test_the_busiest_admin_lists_take_at_most_six_queries_and_one_count(seeded, admin_client, model_path):
    admin_client.get(f"/admin/{model_path}/")
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(f"/admin/{model_path}/").status_code == 200
    ran = statements(queries)
    assert len(ran) <= 6, ran
    assert sum("COUNT(" in statement or "reltuples" in statement for statement in ran) <= 1, ran


def test_an_unfiltered_large_admin_list_is_not_counted_row_by_row(seeded, admin_client, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the planner's row estimate is PostgreSQL's; SQLite lists are counted")
    from crm.admin_base import EstimatedCountPaginator

    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM_ROWS", 1)  # the seeds count as large
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_organization")
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get("/admin/partners/organization/").status_code == 200
    assert not [statement for statement in statements(queries) if "COUNT(" in statement and "reltuples" not in statement]
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get("/admin/partners/organization/", {"kind__exact": "member_state"}).status_code == 200
    assert [statement for statement in statements(queries) if "COUNT(" in statement], "a filtered list is counted"


def test_the_parent_filter_lists_the_parents_in_use_until_they_are_too_many_to_read(admin_client, monkeypatch):
    from crm.admin_base import UsedRelatedListFilter

    parents = [OrganizationFactory(name_en=f"Parent body {number}") for number in range(3)]
    units = [OrganizationFactory(name_en=f"Unit {number}", parent=parent) for number, parent in enumerate(parents)]
    page = admin_client.get("/admin/partners/organization/").content.decode()
    assert all(f"parent__id__exact={parent.pk}" in page for parent in parents)

    monkeypatch.setattr(UsedRelatedListFilter, "most", 2)
    page = admin_client.get("/admin/partners/organization/").content.decode()
    assert "parent__id__exact" not in page
    response = admin_client.get("/admin/partners/organization/", {"parent__id__exact": parents[0].pk})
    assert list(response.context["cl"].result_list) == [units[0]]
    page = response.content.decode()
    assert f"parent__id__exact={parents[0].pk}" in page and f"parent__id__exact={parents[1].pk}" not in page


def test_admin_lists_of_dated_records_show_the_newest_first_and_the_undated_last(empty_database, admin_client):
    from tests.factories import AgreementFactory

    undated = AgreementFactory(title_en="Undated", signed_on=None)
    older = AgreementFactory(title_en="Older", signed_on="2019-05-01")
    newer = AgreementFactory(title_en="Newer", signed_on="2024-02-01")
    response = admin_client.get("/admin/agreements/agreement/")
    assert list(response.context["cl"].result_list) == [newer, older, undated]


@pytest.mark.parametrize("model_path", ADMIN_MODELS)
def test_a_viewer_cannot_revert_a_record_through_its_history(seeded, admin_client, viewer, client, model_path):
    app_label, model_name = model_path.split("/")
    model = apps.get_model(app_label, model_name)
    instance = model.objects.order_by("pk").first()
    earliest = instance.history.earliest()
    url = reverse(f"admin:{app_label}_{model_name}_simple_history", args=[instance.pk, earliest.history_id])
    revert_as_an_editor_would = submitted_form_data(admin_client.get(url))
    history_entries = instance.history.count()

    client.force_login(viewer)
    assert client.get(url).status_code == 200  # reading the history stays allowed
    response = client.post(url, revert_as_an_editor_would)

    assert response.status_code == 403
    assert instance.history.count() == history_entries
    assert model.objects.get(pk=instance.pk).version == instance.version


def test_repeated_wrong_passwords_lock_the_user_out_of_the_admin_login_from_that_address(client, viewer):
    viewer.set_password("the right one, at last")
    viewer.save()
    statuses = [
        client.post("/admin/login/", {"username": "viewer", "password": f"guess {attempt}"}).status_code
        for attempt in range(10)
    ]
    assert statuses == [200] * 9 + [429]  # the form again with its error, then the lockout
    right = {"username": "viewer", "password": "the right one, at last"}
    locked = client.post("/admin/login/", right)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The same person from another address, or after the cool-off, gets in.
    assert client.post("/admin/login/", right, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_persons_title_on_a_day_is_offered_for_prefilling(empty_database, admin_client):
    from tests.factories import PersonFactory

    person = PersonFactory()
    unoct, uncct = OrganizationFactory(acronym="UNOCT"), OrganizationFactory(acronym="UNCCT")
    person.positions.create(organization=unoct, title_en="Under-Secretary-General", title_ar="وكيل الأمين العام",
                            starts_on=date(2017, 9, 1))
    person.positions.create(organization=uncct, title_en="Executive Director", title_ar="المدير التنفيذي")
    person.positions.create(organization=unoct, title_en="Earlier post", title_ar="منصب سابق",
                            starts_on=date(2010, 1, 1), ends_on=date(2015, 1, 1))
    url = f"/admin/partners/person/{person.pk}/title/"

    at_unoct = admin_client.get(url, {"on": "2018-09", "organization": unoct.pk}).json()
    at_uncct = admin_client.get(url, {"on": "2018-09-25", "organization": uncct.pk}).json()
    back_then = admin_client.get(url, {"on": "2012", "organization": unoct.pk}).json()

    assert at_unoct == {"title_en": "Under-Secretary-General", "title_ar": "وكيل الأمين العام"}
    assert at_uncct == {"title_en": "Executive Director", "title_ar": "المدير التنفيذي"}
    assert back_then == {"title_en": "Earlier post", "title_ar": "منصب سابق"}


def test_the_login_page_offers_both_languages(client):
    html = client.get("/admin/login/").content.decode()

    assert '<select name="language"' in html
    assert "Partnership CRM" in html and "Django administration" not in html


def test_the_arabic_admin_names_library_sections_in_arabic_and_refuses_deletes_as_a_matter_of_use(admin_client):
    party = AgreementPartyFactory()
    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})

    index = admin_client.get("/admin/").content.decode()
    refusal = admin_client.post(
        reverse("admin:partners_organization_delete", args=[party.organization.pk]), {"post": "yes"}
    ).content.decode()

    assert "الوصول إلى الواجهة البرمجية" in index and "رموز الواجهة البرمجية" in index
    assert "محاولات الدخول" in index
    assert "لأن السجلات التالية تشير إليه" in refusal
    assert "صلاحية" not in refusal  # not a matter of permission


def test_the_arabic_api_token_pages_name_the_tokens_in_arabic(admin_client):
    """The library names its model nowhere in Arabic: the list's title, breadcrumbs, add button
    and count say «رمز الواجهة البرمجية» (one) and «رموز الواجهة البرمجية» (several)."""
    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})
    html = admin_client.get("/admin/knox/authtoken/").content.decode()
    assert "<h1>اختر رمز الواجهة البرمجية لتغييره</h1>" in html
    assert "رموز الواجهة البرمجية" in html
    assert "auth token" not in html.lower()


def test_the_country_filter_lists_only_the_countries_of_organisations_in_the_language_of_the_page(empty_database, admin_client):
    OrganizationFactory(country="QA")
    OrganizationFactory(country="SA")
    jordanian = OrganizationFactory(country="JO")

    page = admin_client.get("/admin/partners/organization/")
    [country_filter] = [spec for spec in page.context["cl"].filter_specs if getattr(spec, "parameter_name", "") == "country"]
    filtered = admin_client.get("/admin/partners/organization/", {"country": "JO"})

    assert [title for _code, title in country_filter.lookup_choices] == ["Jordan", "Qatar", "Saudi Arabia"]
    assert list(filtered.context["cl"].result_list) == [jordanian]
    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})
    assert "قطر" in admin_client.get("/admin/partners/organization/").content.decode()


def test_the_arabic_history_dates_read_in_arabic_order(admin_client):
    from django.utils import formats, timezone, translation

    organisation = OrganizationFactory()
    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})

    html = admin_client.get(f"/admin/partners/organization/{organisation.pk}/history/").content.decode()

    created = timezone.localtime(organisation.history.get().history_date)
    with translation.override("ar"):
        month = formats.date_format(created, "F")
    assert f"{created.day} {month} {created.year}، {created:%H:%M}" in html
