import re
from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.models import Agreement, AgreementFocalArea, AgreementParty, FundingCommitment, Payment
from tests.admin_forms import submitted_form_data
from tests.factories import (
    AgreementPartyFactory,
    FocalAreaFactory,
    FundingCommitmentFactory,
    OrganizationFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db

AGREEMENTS = "/admin/agreements/agreement/"
COMMITMENTS = "/admin/agreements/fundingcommitment/"


def test_agreement_search_finds_agreements_by_party_name(seeded, admin_client):
    response = admin_client.get(AGREEMENTS, {"q": "التحالف الإسلامي"})
    assert [agreement.kind for agreement in response.context["cl"].result_list] == ["mou"]


def _new_agreement(admin_client, **fields):
    page = admin_client.get(f"{AGREEMENTS}add/")
    return {**submitted_form_data(page), "kind": "mou", "status": "signed", "title_en": "MoU on youth", **fields}


def test_agreement_with_two_parties_is_added_on_one_page(empty_database, admin_client):
    unoct = OrganizationFactory(acronym="UNOCT")
    etidal = OrganizationFactory(acronym="Etidal", name_ar="المركز العالمي لمكافحة الفكر المتطرف")
    data = _new_agreement(
        admin_client,
        signed_on="2021-04-01",
        **{
            "parties-TOTAL_FORMS": "2",
            "parties-0-organization": unoct.pk,
            "parties-0-role": "party",
            "parties-1-organization": etidal.pk,
            "parties-1-role": "party",
        },
    )

    response = admin_client.post(f"{AGREEMENTS}add/", data)

    assert response.status_code == 302, response.context and response.context["errors"]
    agreement = Agreement.objects.get()
    assert sorted(party.organization.acronym for party in agreement.parties.all()) == ["Etidal", "UNOCT"]
    found = admin_client.get(AGREEMENTS, {"q": "الفكر المتطرف"}).context["cl"].result_list
    assert list(found) == [agreement]


def test_agreement_form_shows_the_model_rule_and_writes_nothing(empty_database, admin_client):
    organisation = OrganizationFactory()
    data = _new_agreement(
        admin_client,
        status="draft",
        signed_on="2021-04-01",
        **{"parties-0-organization": organisation.pk, "parties-0-role": "party"},
    )

    response = admin_client.post(f"{AGREEMENTS}add/", data)

    assert response.status_code == 200
    assert "A draft or an agreement under negotiation has no signing date" in response.content.decode()
    assert not Agreement.objects.exists()
    assert not AgreementParty.objects.exists()


def test_agreement_needs_a_party(empty_database, admin_client):
    response = admin_client.post(f"{AGREEMENTS}add/", _new_agreement(admin_client))

    assert response.status_code == 200
    parties = response.context["inline_admin_formsets"][0].formset
    assert (parties.prefix, parties.errors) == ("parties", [{"organization": ["This field is required."]}])
    assert not Agreement.objects.exists()


def test_agreement_change_keeps_its_parties_and_moves_the_version_on(admin_client):
    party = AgreementPartyFactory()
    url = reverse("admin:agreements_agreement_change", args=[party.agreement.pk])
    data = {**submitted_form_data(admin_client.get(url)), "title_ar": "مذكرة تفاهم"}

    response = admin_client.post(url, data)

    assert response.status_code == 302
    party.agreement.refresh_from_db()
    assert (party.agreement.title_ar, party.agreement.version) == ("مذكرة تفاهم", 2)
    assert list(party.agreement.parties.all()) == [party]


def test_payment_recorded_on_a_commitment_shows_as_received_and_outstanding_in_the_list(empty_database, admin_client):
    commitment = FundingCommitmentFactory(amount="1000000", currency="USD")
    url = reverse("admin:agreements_fundingcommitment_change", args=[commitment.pk])
    data = {
        **submitted_form_data(admin_client.get(url)),
        "payments-TOTAL_FORMS": "1",
        "payments-0-received_on": "2024-05-02",
        "payments-0-amount": "250000",
        "payments-0-reference": "TR-1",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert Payment.objects.get().commitment == commitment
    changelist = admin_client.get(COMMITMENTS)
    [row] = changelist.context["cl"].result_list
    assert (row.received, row.outstanding) == (250000, 750000)
    html = changelist.content.decode()
    assert '<td class="field-received">250,000' in html
    assert '<td class="field-outstanding">750,000' in html
    assert '<td class="field-share_received">25%' in html


def test_a_payment_of_nothing_is_refused_on_its_row(admin_client):
    commitment = FundingCommitmentFactory()
    url = reverse("admin:agreements_fundingcommitment_change", args=[commitment.pk])
    data = {
        **submitted_form_data(admin_client.get(url)),
        "payments-TOTAL_FORMS": "1",
        "payments-0-received_on": "2024-05-02",
        "payments-0-amount": "0",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    # The admin names the field as its label reads; the API keeps the field's name.
    assert "The amount must be greater than zero (field “Amount”)." in response.content.decode()
    assert not Payment.objects.exists()


def test_commitment_search_finds_the_donor_by_an_arabic_spelling_variant(admin_client):
    donor = OrganizationFactory(name_en="Kingdom of Saudi Arabia", name_ar="المملكة العربية السعودية")
    commitment = FundingCommitmentFactory(donor=donor)
    FundingCommitmentFactory()

    response = admin_client.get(COMMITMENTS, {"q": "المملكه العربيه"})

    assert list(response.context["cl"].result_list) == [FundingCommitment.objects.with_received().get(pk=commitment.pk)]


def test_commitment_list_filters_by_donor(admin_client):
    kept = PaymentFactory().commitment
    FundingCommitmentFactory()

    response = admin_client.get(COMMITMENTS, {"donor__id__exact": kept.donor_id})

    assert [commitment.pk for commitment in response.context["cl"].result_list] == [kept.pk]


def test_arabic_admin_names_records_in_arabic_and_english_admin_in_english(empty_database, admin_client):
    area = FocalAreaFactory(name_en="Border security and management", name_ar="أمن الحدود وإدارتها")
    party = AgreementPartyFactory(
        organization__name_en="United Nations Office of Counter-Terrorism",
        organization__name_ar="مكتب الأمم المتحدة لمكافحة الإرهاب",
        agreement__title_en="MoU on border security",
        agreement__title_ar="مذكرة تفاهم بشأن أمن الحدود",
    )
    AgreementFocalArea.objects.create(agreement=party.agreement, focal_area=area)
    page = f"{AGREEMENTS}{party.agreement.pk}/change/"
    autocomplete = {"app_label": "agreements", "model_name": "agreementfocalarea", "field_name": "focal_area"}

    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})
    arabic = admin_client.get(page).content.decode()
    found = admin_client.get("/admin/autocomplete/", {**autocomplete, "term": "أمن الحدود"}).json()["results"]

    assert "<h2>مذكرة تفاهم بشأن أمن الحدود</h2>" in arabic  # the heading
    assert "&rsaquo; مذكرة تفاهم بشأن أمن الحدود" in arabic  # the breadcrumbs
    assert "مكتب الأمم المتحدة لمكافحة الإرهاب" in arabic  # the party's autocomplete option
    assert "United Nations Office of Counter-Terrorism" not in arabic
    assert [result["text"] for result in found] == ["أمن الحدود وإدارتها"]

    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    english = admin_client.get(page).content.decode()
    assert "<h2>MoU on border security</h2>" in english
    assert "مذكرة تفاهم بشأن أمن الحدود</h2>" not in english


def test_a_record_with_no_arabic_name_keeps_its_english_one_in_the_arabic_admin(empty_database, admin_client):
    organisation = OrganizationFactory(name_en="Global Counterterrorism Forum", name_ar="", acronym="")
    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})

    html = admin_client.get(f"/admin/partners/organization/{organisation.pk}/change/").content.decode()

    assert "<h2>Global Counterterrorism Forum</h2>" in html


def test_amounts_and_currencies_are_taken_as_people_type_them(admin_client):
    commitment = FundingCommitmentFactory(currency="USD")
    url = reverse("admin:agreements_fundingcommitment_change", args=[commitment.pk])
    data = {**submitted_form_data(admin_client.get(url)), "amount": "٧٥٬٠٠٠٬٠٠٠", "currency": "eur"}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    commitment.refresh_from_db()
    assert (commitment.amount, commitment.currency) == (Decimal("75000000"), "EUR")
    page = admin_client.get(url).content.decode()
    assert 'name="amount" value="75,000,000"' in page  # grouped, no trailing zeros
    assert '<option value="EUR">Euro</option>' in page  # the ISO 4217 list offered as one types


def test_each_text_box_has_the_direction_of_its_language(admin_client):
    page = admin_client.get(f"{AGREEMENTS}add/").content.decode()

    assert re.search(r'<input[^>]+name="title_ar"[^>]+dir="rtl"|<input[^>]+dir="rtl"[^>]+name="title_ar"', page)
    assert re.search(r'<input[^>]+name="title_en"[^>]+dir="ltr"|<input[^>]+dir="ltr"[^>]+name="title_en"', page)
    assert re.search(r'<textarea[^>]+name="notes"[^>]+dir="auto"|<textarea[^>]+dir="auto"[^>]+name="notes"', page)
    assert re.search(r'name="parties-__prefix__-signatory_title_ar"[^>]+dir="rtl"', page) or re.search(
        r'dir="rtl"[^>]+name="parties-__prefix__-signatory_title_ar"', page
    )


def test_an_overpayment_is_saved_only_once_confirmed_and_then_shown_as_overpaid(admin_client):
    commitment = FundingCommitmentFactory(amount=Decimal("75000000"), currency="USD", status="committed")
    PaymentFactory(commitment=commitment, amount=Decimal("15000000"))
    url = reverse("admin:agreements_fundingcommitment_change", args=[commitment.pk])
    data = {
        **submitted_form_data(admin_client.get(url)),
        "payments-TOTAL_FORMS": "2",
        "payments-1-received_on": "2024-05-02",
        "payments-1-amount": "100,000,000",
    }

    warned = admin_client.post(url, data)

    assert warned.status_code == 200
    assert "Payments total USD 115,000,000, more than the USD 75,000,000 pledged." in warned.content.decode()
    assert commitment.payments.count() == 1

    confirmed = admin_client.post(url, {**data, "confirm_overpayment": "on"})

    assert confirmed.status_code == 302, confirmed.context and confirmed.context["errors"]
    assert commitment.payments.count() == 2
    listed = admin_client.get(COMMITMENTS).content.decode()
    assert "(overpaid)" in listed
    assert admin_client.get(f"/api/funding-commitments/{commitment.pk}/").json()["is_overpaid"] is True
    assert "overpaid by 40,000,000" in admin_client.get("/admin/dashboard/").content.decode()


def test_lowering_a_pledge_below_its_payments_on_the_agreement_page_asks_first(admin_client):
    commitment = FundingCommitmentFactory(amount=Decimal("1000"), agreement=AgreementPartyFactory().agreement)
    PaymentFactory(commitment=commitment, amount=Decimal("800"))
    url = reverse("admin:agreements_agreement_change", args=[commitment.agreement.pk])
    data = {**submitted_form_data(admin_client.get(url)), "commitments-0-amount": "500"}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "more than the" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.amount == Decimal("1000")


def _inline_prefix(page, model):
    return next(inline.formset.prefix for inline in page.context["inline_admin_formsets"] if inline.formset.model is model)


def test_history_shows_and_revert_restores_a_removed_focal_area_with_readable_values(admin_client):
    party = AgreementPartyFactory(agreement__status="signed", agreement__signed_on="2021-04-01")
    agreement = party.agreement
    area = FocalAreaFactory(name_en="Youth engagement", name_ar="إشراك الشباب")
    AgreementFocalArea.objects.create(agreement=agreement, focal_area=area)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    admin_client.post(url, submitted_form_data(admin_client.get(url)))  # a first save from the page
    page = admin_client.get(url)
    prefix = _inline_prefix(page, AgreementFocalArea)
    removed = admin_client.post(
        url, {**submitted_form_data(page), f"{prefix}-0-DELETE": "on", "status": "in_force"}
    )
    assert removed.status_code == 302, removed.context and removed.context["errors"]
    assert not agreement.focal_areas.exists()

    history = admin_client.get(reverse("admin:agreements_agreement_history", args=[agreement.pk])).content.decode()

    assert "Focal area of an agreement" in history or "Focal areas of agreements" in history
    assert "Youth engagement" in history  # the removed row, by name
    assert "signed" in history and "in force" in history and "in_force" not in history
    assert "None" not in history.split('id="change-history"')[1]

    before_removal = agreement.history.order_by("history_date")[1]
    revert_url = reverse("admin:agreements_agreement_simple_history", args=[agreement.pk, before_removal.history_id])
    reverted = admin_client.post(revert_url, submitted_form_data(admin_client.get(revert_url)))

    assert reverted.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    assert list(agreement.focal_areas.values_list("name_en", flat=True)) == ["Youth engagement"]


def test_a_paged_history_shows_each_rows_change_on_the_page_of_its_save(admin_client, monkeypatch):
    from agreements.admin import AgreementAdmin

    agreement = AgreementPartyFactory().agreement
    area = FocalAreaFactory(name_en="Youth engagement")
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    page = admin_client.get(url)
    prefix = _inline_prefix(page, AgreementFocalArea)
    admin_client.post(url, {**submitted_form_data(page), f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-focal_area": area.pk})
    monkeypatch.setattr(AgreementAdmin, "history_list_per_page", 1)
    history = reverse("admin:agreements_agreement_history", args=[agreement.pk])

    newest = admin_client.get(history).context["page_obj"][0]
    oldest = admin_client.get(history, {"p": 2}).context["page_obj"][0]

    assert [change["new"] for change in newest.history_delta_changes] == ["Youth engagement"]
    assert "Youth engagement" not in [change["new"] for change in oldest.history_delta_changes]
