"""From a press release to records: the extractor's drafts, and confirming them through the API
and the admin. The releases here are written for these tests (other partners, both languages,
relative and partial dates, misspellings); the seed releases are the data's own sources."""
import copy
from datetime import date

import pytest

from agreements.models import Agreement, FundingCommitment
from meetings.models import Meeting
from network.extraction import extract
from partners.models import Citation, Organization, Person, Source

pytestmark = pytest.mark.django_db

UNOCT, UNCCT, ETIDAL, QATAR, UN, IMCTC = 2, 3, 5, 7, 1, 27
VORONKOV = 1

MOROCCO_MOU_EN = """UNOCT and Morocco sign memorandum of understanding on border security

NEW YORK, 4 March 2026 – The United Nations Office of Counter-Terrorism (UNOCT) and the Ministry of Interior of the Kingdom of Morocco signed yesterday a memorandum of understanding to strengthen cooperation on border security and management.

The memorandum was signed by Mr. Vladimir Vorokonvo, Under-Secretary-General for Counter-Terrorism, and Mr. Youssef Amrani, Secretary-General of the Ministry of Interior.

Read also: Oil prices rise in early trading
"""

TWO_MOUS_AR = """مكتب الأمم المتحدة لمكافحة الإرهاب يوقع مذكرتي تفاهم في الرباط

الرباط، الاثنين 16 مارس 2026 الموافق 27 رمضان 1447 هـ – وقّع مكتب الأمم المتحدة لمكافحة الإرهاب اليوم مذكرة تفاهم مع وزارة العدل المغربية لدعم ضحايا الإرهاب، كما وقّع مذكرة تفاهم ثانية مع جامعة محمد الخامس في مجال إشراك الشباب.

ووقع المذكرتين عن المكتب السيد فلاديمير فورنكوف، وكيل الأمين العام لمكافحة الإرهاب.

اقرأ أيضا:
ارتفاع أسعار الذهب في التعاملات المبكرة
"""

DIALOGUE_EN = """Qatar and UNOCT hold fifth round of strategic dialogue

DOHA, 12 June 2025 (QNA) - The State of Qatar and the United Nations Office of Counter-Terrorism held today the fifth round of their strategic dialogue in Doha.

The Qatari side was chaired by H.E. Dr. Mutlaq bin Majed Al-Qahtani, Special Envoy of the Minister of Foreign Affairs for Counterterrorism, while the UN side was chaired by Mr. Vladimir Voronkov, Under-Secretary-General for Counter-Terrorism.

The two sides agreed to hold the next round in New York in 2026.
"""

CONTRIBUTION_EN = """BRUSSELS, 6 May 2024 - The European Union signed on Friday a contribution agreement with the United Nations Office of Counter-Terrorism (UNOCT) worth EUR 10 million over three years to support victims of terrorism and youth engagement.

The agreement was signed by Ms. Jane Smith, Director at the European Commission, and by Vladimir Voronkov.
"""

MEETING_AND_AGREEMENT_AR = """القاهرة، 10 ديسمبر 2024 (وام) – التقى وكيل الأمين العام للأمم المتحدة لمكافحة الإرهاب فلاديمير فورونكوف، اليوم، بالأمين العام لجامعة الدول العربية السيد أحمد أبو الغيط، وبحثا سبل تعزيز التعاون في مجال منع التطرف العنيف.

وفي سياق آخر، وقع المكتب اتفاقية مع حكومة كندا لدعم ضحايا الإرهاب بقيمة 5 ملايين دولار كندي.
"""

KENYA_MOU_EN = """UNOCT and Kenya sign Memorandum of Understanding to strengthen counter-terrorism cooperation

New York, 15 September 2023 – The United Nations Office of Counter-Terrorism (UNOCT) and the Government of the Republic of Kenya signed today a Memorandum of Understanding (MoU) to enhance cooperation in preventing and countering violent extremism.

The MoU was signed by Mr. Vladimir Voronkov, Under-Secretary-General of the United Nations Office of Counter-Terrorism, and H.E. Dr. Martin Kimani, Permanent Representative of Kenya to the United Nations.
"""

WORKSHOP_AR = """نظّم مركز الأمم المتحدة لمكافحة الإرهاب ورشة عمل حول أمن الحدود في عمّان خلال الفترة من 3 إلى 5 تشرين الأول 2023، بمشاركة ممثلين عن عشر دول عربية."""

VISIT_AR = """استقبل الأمين العام للتحالف الإسلامي العسكري لمحاربة الإرهاب اللواء الطيار الركن محمد بن سعيد المغيدي، يوم الأربعاء بمقر التحالف بمدينة الرياض، وكيل الأمين العام للأمم المتحدة لمكافحة الإرهاب فلاديمير فورونكوف."""


def only(events, record_type):
    found = [event for event in events if event["record_type"] == record_type]
    assert len(found) == 1, events
    return found[0]


def matched(entries):
    return {entry["match"]["id"] for entry in entries if entry["match"]}


# The extractor on the seed releases


def test_each_seed_release_is_read_back_into_the_records_it_is_the_source_of(seeded):
    for source in Source.objects.all():
        draft = extract(source.text, source.published_on).as_json()
        cited = {("agreement", pk) for pk in Agreement.objects.filter(citations__source=source).values_list("pk", flat=True)}
        cited |= {("meeting", pk) for pk in Meeting.objects.filter(citations__source=source).values_list("pk", flat=True)}
        proposed = {(event["duplicate_of"]["type"], event["duplicate_of"]["id"]) for event in draft["events"] if event["duplicate_of"]}
        assert proposed <= cited, source.slug
        assert len(proposed) >= min(2, len(cited)) or len(cited) == 1 and proposed == cited, source.slug
        assert draft["language"] == "ar"


def test_the_etidal_release_gives_its_mou_with_parties_signatories_witness_and_inferred_date(seeded):
    source = Source.objects.get(slug="seed-000")
    event = only(extract(source.text, source.published_on).as_json()["events"], "agreement")

    assert event["kind"] == "mou" and event["status"] == "signed"
    assert event["date"] == {
        "value": "2021-04-01", "precision": "day", "inferred": True, "ends_on": None,
        "note": "The release dated 2 April 2021 says «بالأمس» (yesterday).",
    }
    assert matched(event["organizations"]) == {UNCCT, ETIDAL}  # UNOCT is named as UNCCT's parent, not a party
    roles = {person["match"]["id"]: person["role"] for person in event["people"]}
    assert roles[VORONKOV] == "signatory" and roles[2] == "signatory" and roles[3] == "witness"
    assert {area["code"] for area in event["focal_areas"]} >= {"pcve", "victims-of-terrorism", "youth-engagement"}
    assert event["duplicate_of"] == {"type": "agreement", "id": 1}
    assert all(citation["quote"] in source.text for citation in event["citations"])


def test_the_qatar_release_gives_the_dialogue_the_contribution_and_the_next_session(seeded):
    source = Source.objects.get(slug="seed-002")
    events = extract(source.text, source.published_on).as_json()["events"]

    contribution = only(events, "agreement")
    assert contribution["kind"] == "contribution_agreement"
    assert contribution["date"]["value"] == "2018-12-16" and not contribution["date"]["inferred"]
    assert contribution["amounts"] == [{"value": "75000000", "currency": "USD", "period_months": 60}]
    assert {(entry["match"]["id"], entry["role"]) for entry in contribution["organizations"]} == {(QATAR, "donor"), (UN, "recipient")}
    assert contribution["city"] == "الدوحة" and contribution["country"] == "QA"

    held, planned = [event for event in events if event["kind"] == "strategic_dialogue"]
    assert held["date"]["value"] == "2019-03-19" and held["date"]["inferred"]
    assert held["duplicate_of"] == {"type": "meeting", "id": 2}
    assert planned["status"] == "planned"
    # «بنهاية العام الجاري»: this year, and no finer.
    assert (planned["date"]["value"], planned["date"]["precision"]) == ("2019-01-01", "year")
    assert planned["duplicate_of"] == {"type": "meeting", "id": 3}


def test_a_release_without_a_publication_date_leaves_yesterday_undated(seeded):
    source = Source.objects.get(slug="seed-003")  # «أمس», and the newspaper's date is not known
    event = only(extract(source.text, None).as_json()["events"], "agreement")

    assert event["date"]["value"] is None and event["date"]["precision"] is None
    assert matched(event["organizations"]) == {IMCTC, UNCCT}
    assert VORONKOV in matched(event["people"])  # spelt «فورنكوف» there


# Releases of other partners


def test_an_english_release_with_a_misspelt_name_a_new_ministry_and_yesterday(seeded):
    event = only(extract(MOROCCO_MOU_EN, date(2026, 3, 4)).as_json()["events"], "agreement")

    assert event["kind"] == "mou"
    assert (event["date"]["value"], event["date"]["precision"], event["date"]["inferred"]) == ("2026-03-03", "day", True)
    assert UNOCT in matched(event["organizations"])
    ministry = next(entry for entry in event["organizations"] if entry["proposed"])
    assert ministry["proposed"]["name_en"] == "Ministry of Interior of the Kingdom of Morocco"
    people = {person["name_as_written"]: person for person in event["people"]}
    assert people["Vladimir Vorokonvo"]["match"]["id"] == VORONKOV
    assert people["Youssef Amrani"]["proposed"] == {"name_en": "Youssef Amrani", "name_ar": ""}
    assert people["Youssef Amrani"]["title_as_written"] == "Secretary-General of the Ministry of Interior"
    assert event["organizations"][people["Youssef Amrani"]["organization"]] is ministry
    assert not any("Oil" in citation["quote"] for citation in event["citations"])  # "read also" is not the release


def test_two_mous_in_one_sentence_are_two_drafts_and_the_hijri_date_is_not_the_date(seeded):
    events = extract(TWO_MOUS_AR, date(2026, 3, 16)).as_json()["events"]

    assert [event["kind"] for event in events] == ["mou", "mou"]
    partners = [{entry["name_as_written"] for entry in event["organizations"] if entry["proposed"]} for event in events]
    assert partners == [{"وزارة العدل المغربية"}, {"جامعة محمد الخامس"}]
    for event in events:
        assert UNOCT in matched(event["organizations"])
        assert event["date"]["value"] == "2026-03-16"  # not 27 Ramadan read as a Gregorian day
        assert VORONKOV in matched(event["people"])  # «فورنكوف»


@pytest.mark.parametrize(
    "published_on, expected",
    [(date(2026, 12, 4), "2026-12-02"), (date(2026, 12, 2), "2026-12-02"), (date(2026, 12, 1), "2026-11-25")],
)
def test_a_weekday_is_the_last_one_on_or_before_publication_across_a_month_end(seeded, published_on, expected):
    event = only(extract(VISIT_AR, published_on).as_json()["events"], "meeting")

    assert event["kind"] == "official_visit"
    assert (event["date"]["value"], event["date"]["inferred"]) == (expected, True)
    assert "الأربعاء" in event["date"]["note"]
    assert {(entry["match"]["id"], entry["role"]) for entry in event["organizations"] if entry["role"] == "host"} == {(IMCTC, "host")}
    assert event["city"] == "الرياض" and event["country"] == "SA"


def test_an_english_dialogue_held_today_with_its_next_round_planned(seeded):
    held, planned = extract(DIALOGUE_EN, date(2025, 6, 12)).as_json()["events"]

    assert (held["kind"], held["status"], held["date"]["value"], held["date"]["inferred"]) == ("strategic_dialogue", "held", "2025-06-12", True)
    assert {(entry["match"]["id"], entry["role"]) for entry in held["organizations"] if entry["role"] == "organizer"} == {(QATAR, "organizer"), (UNOCT, "organizer")}
    chairs = {person["name_as_written"]: person for person in held["people"] if person["role"] == "chair"}
    assert set(chairs) == {"Mutlaq bin Majed Al-Qahtani", "Vladimir Voronkov"}
    assert chairs["Mutlaq bin Majed Al-Qahtani"]["proposed"]["name_en"] == "Mutlaq bin Majed Al-Qahtani"
    assert (held["city"], held["country"]) == ("Doha", "QA")
    # "the next round in New York in 2026": planned, known to the year, by the same two sides.
    assert (planned["status"], planned["date"]["value"], planned["date"]["precision"]) == ("planned", "2026-01-01", "year")
    assert (planned["city"], planned["country"]) == ("New York", "US")
    assert matched(planned["organizations"]) == {QATAR, UNOCT}


def test_a_contribution_in_euros_over_three_years_says_who_gives_and_who_receives(seeded):
    event = only(extract(CONTRIBUTION_EN, date(2024, 5, 6)).as_json()["events"], "agreement")

    assert event["kind"] == "contribution_agreement"
    assert event["amounts"] == [{"value": "10000000", "currency": "EUR", "period_months": 36}]
    assert {(entry["match"]["id"], entry["role"]) for entry in event["organizations"]} == {(11, "donor"), (UNOCT, "recipient")}
    # "on Friday" in a release of Monday 6 May: 3 May, worked out and said so.
    assert (event["date"]["value"], event["date"]["inferred"]) == ("2024-05-03", True)
    assert "Friday" in event["date"]["note"]


def test_a_meeting_and_an_agreement_of_no_named_kind_are_two_drafts(seeded):
    meeting, agreement = extract(MEETING_AND_AGREEMENT_AR, date(2024, 12, 10)).as_json()["events"]

    assert (meeting["record_type"], meeting["kind"], meeting["date"]["value"]) == ("meeting", "other", "2024-12-10")
    league = next(entry for entry in meeting["organizations"] if entry["proposed"])
    assert league["proposed"]["name_ar"] == "جامعة الدول العربية"
    gheit = next(person for person in meeting["people"] if person["proposed"])
    assert gheit["name_as_written"] == "أحمد أبو الغيط"
    assert meeting["organizations"][gheit["organization"]] is league
    assert (agreement["record_type"], agreement["kind"], agreement["status"]) == ("agreement", "other", "signed")
    assert agreement["amounts"] == [{"value": "5000000", "currency": "CAD", "period_months": None}]
    assert agreement["date"]["value"] is None  # this sentence dates nothing, and the meeting's «اليوم» is not its


def test_today_is_the_datelines_day_when_the_outlet_published_it_later(seeded):
    event = only(extract(KENYA_MOU_EN, date(2023, 10, 6)).as_json()["events"], "agreement")

    assert (event["date"]["value"], event["date"]["inferred"]) == ("2023-09-15", True)
    assert "15 September 2023" in event["date"]["note"]
    assert "pcve" in {area["code"] for area in event["focal_areas"]}  # spelt out, without its acronym
    kimani = next(person for person in event["people"] if person["proposed"])
    assert (kimani["name_as_written"], kimani["role"]) == ("Martin Kimani", "signatory")
    assert event["organizations"][kimani["organization"]]["proposed"]["name_en"] == "Government of the Republic of Kenya"


def test_a_workshop_over_three_days_in_a_levantine_month(seeded):
    event = only(extract(WORKSHOP_AR, date(2023, 10, 6)).as_json()["events"], "meeting")

    assert event["kind"] == "workshop"
    assert event["date"] == {"value": "2023-10-03", "precision": "day", "inferred": False, "note": "", "ends_on": "2023-10-05"}
    assert {(entry["match"]["id"], entry["role"]) for entry in event["organizations"]} == {(UNCCT, "organizer")}
    assert event["city"] == ""  # Amman is in no record yet: nothing is guessed


# Confirming, through the API


def draft_of(api, text, published_on=None):
    response = api.post("/api/press-releases/extract/", {"text": text, "published_on": published_on})
    assert response.status_code == 200, response.json()
    return response.json()


def counts():
    return {model.__name__: model.objects.count() for model in (Agreement, Meeting, Organization, Person, Source, Citation, FundingCommitment)}


def test_extracting_writes_nothing_and_needs_an_editor(seeded, editor_api, viewer_api):
    before = counts()
    assert draft_of(editor_api, MOROCCO_MOU_EN, "2026-03-04")["events"]
    assert counts() == before
    assert viewer_api.post("/api/press-releases/extract/", {"text": MOROCCO_MOU_EN}).status_code == 403


def test_re_importing_a_seed_release_creates_nothing_new(seeded, editor_api):
    source = Source.objects.get(slug="seed-002")
    draft = draft_of(editor_api, source.text, "2019-03-20")
    before = counts()

    response = editor_api.post("/api/press-releases/", {"text": source.text, "published_on": "2019-03-20", **draft})

    assert response.status_code == 201, response.json()
    assert response.json()["created"] == []
    assert {(item["type"], item["id"]) for item in response.json()["attached"]} == {("meeting", 2), ("agreement", 2), ("meeting", 3)}
    assert counts() == before  # the seed already cites these passages


def test_confirming_creates_the_records_the_source_and_the_citations_in_history(seeded, editor_api, editor):
    draft = draft_of(editor_api, MOROCCO_MOU_EN, "2026-03-04")
    response = editor_api.post(
        "/api/press-releases/", {"text": MOROCCO_MOU_EN, "url": "https://example.org/mou", "outlet": "Example", "published_on": "2026-03-04", **draft}
    )

    assert response.status_code == 201, response.json()
    agreement = Agreement.objects.get(pk=next(item["id"] for item in response.json()["created"] if item["type"] == "agreement"))
    assert (agreement.kind, agreement.signed_on, agreement.signed_precision, agreement.signed_is_inferred) == ("mou", date(2026, 3, 3), "day", True)
    ministry = Organization.objects.get(name_en="Ministry of Interior of the Kingdom of Morocco")
    amrani = Person.objects.get(name_en="Youssef Amrani")
    assert {(party.organization_id, party.signatory_id) for party in agreement.parties.all()} == {(UNOCT, VORONKOV), (ministry.pk, amrani.pk)}
    source = Source.objects.get(url="https://example.org/mou")
    assert source.publisher == "Example" and source.published_on == date(2026, 3, 4)
    quotes = set(agreement.citations.values_list("quote", flat=True))
    assert quotes and all(quote in MOROCCO_MOU_EN for quote in quotes)
    assert ministry.citations.filter(source=source).exists()
    # Each citation says what it was cited for, in words.
    assert agreement.citations.filter(note__contains="the date").exists()
    assert agreement.citations.filter(note__contains="the person Youssef Amrani").exists()
    assert ministry.citations.get(source=source).note == "Imported for the organisation Ministry of Interior of the Kingdom of Morocco."
    assert agreement.history.get().history_user == editor
    assert agreement.history.get().history_change_reason == "Imported from a press release"


def test_a_confirm_with_a_bad_field_is_a_400_naming_it_and_writes_nothing(seeded, editor_api):
    draft = draft_of(editor_api, TWO_MOUS_AR, "2026-03-16")
    broken = copy.deepcopy(draft)
    broken["events"][1]["organizations"][0]["match"] = {"id": 999999}
    before = counts()

    response = editor_api.post("/api/press-releases/", {"text": TWO_MOUS_AR, **broken})

    assert response.status_code == 400
    assert response.json()["events"]["1"]["organizations"]["0"]["match"] == ["No record with this id."]
    assert counts() == before


def test_a_confirm_the_models_refuse_rolls_back_what_was_already_made(seeded, editor_api):
    draft = draft_of(editor_api, TWO_MOUS_AR, "2026-03-16")
    # The first event is valid and would be written first; the second's party is the first's too.
    draft["events"][1]["organizations"].append(copy.deepcopy(draft["events"][1]["organizations"][0]))
    before = counts()

    response = editor_api.post("/api/press-releases/", {"text": TWO_MOUS_AR, **draft})

    assert response.status_code == 400
    assert "events[1]" in str(response.json())
    assert counts() == before


def test_a_quote_not_in_the_text_is_refused(seeded, editor_api):
    draft = draft_of(editor_api, MOROCCO_MOU_EN, "2026-03-04")
    draft["events"][0]["citations"][0]["quote"] = "Words nobody wrote."

    response = editor_api.post("/api/press-releases/", {"text": MOROCCO_MOU_EN, **draft})

    assert response.status_code == 400
    assert response.json()["events"]["0"]["citations"]["0"]["quote"] == ["The passage does not occur in the text."]


# Confirming, in the admin


def test_the_admin_page_reads_a_release_lets_a_match_be_changed_and_confirms(seeded, editor_client):
    page = editor_client.post("/admin/press-release/", {"text": MOROCCO_MOU_EN, "published_on": "2026-03-04"})
    assert page.status_code == 200
    assert b"Vladimir Vorokonvo" in page.content
    form = {"draft": page.context["draft_json"], "e0-include": "on", "e0-kind": "mou", "e0-status": "signed",
            "e0-title_en": "MoU between UNOCT and Morocco's Ministry of Interior", "e0-title_ar": "", "e0-date": "2026-03",
            "e0-note": "", "e0-city": "", "e0-country": ""}
    event = page.context["events"][0]["event"]
    for number, entry in enumerate(event["organizations"]):
        form.update({f"e0-o{number}-include": "on", f"e0-o{number}-role": entry["role"],
                     f"e0-o{number}-record": str(entry["match"]["id"]) if entry["match"] else "new"})
    # Staff say the release's UNOCT is its centre, UNCCT.
    form["e0-o0-record"] = str(UNCCT)
    for number, entry in enumerate(event["people"]):
        form.update({f"e0-p{number}-include": "on", f"e0-p{number}-role": entry["role"],
                     f"e0-p{number}-record": str(entry["match"]["id"]) if entry["match"] else "new",
                     f"e0-p{number}-title": entry["title_as_written"], f"e0-p{number}-organization": str(entry["organization"])})

    response = editor_client.post("/admin/press-release/", form)

    assert response.status_code == 302, response.context and response.context.get("errors")
    agreement = Agreement.objects.get(title_en="MoU between UNOCT and Morocco's Ministry of Interior")
    assert UNCCT in agreement.parties.values_list("organization", flat=True)
    assert (agreement.signed_on, agreement.signed_precision) == (date(2026, 3, 1), "month")


def test_one_new_organisation_proposed_in_two_events_is_made_once(seeded, editor_api):
    text = (
        "GENEVA, 3 March 2026 - UNOCT signed a memorandum of understanding with the Ministry of Justice of Ruritania.\n\n"
        "On the same day, the Office signed a second memorandum of understanding with the Ministry of Justice of Ruritania on victims of terrorism.\n"
    )
    draft = draft_of(editor_api, text, "2026-03-03")
    assert len(draft["events"]) == 2
    for event in draft["events"]:
        assert ["Ministry of Justice of Ruritania"] == [entry["proposed"]["name_en"] for entry in event["organizations"] if entry["proposed"]]

    response = editor_api.post("/api/press-releases/", {"text": text, **draft})

    assert response.status_code == 201, response.json()
    assert Organization.objects.filter(name_en="Ministry of Justice of Ruritania").count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"role": "speaker"}, "role"),  # an agreement records signatories and witnesses only
        ({"organization": None}, "organization"),  # a signatory signs for a party
    ],
)
def test_nobody_is_left_out_of_an_agreement_unsaid(seeded, editor_api, change, field):
    draft = draft_of(editor_api, MOROCCO_MOU_EN, "2026-03-04")
    draft["events"][0]["people"][0].update(change)
    before = counts()

    response = editor_api.post("/api/press-releases/", {"text": MOROCCO_MOU_EN, **draft})

    assert response.status_code == 400
    assert field in response.json()["events"]["0"]["people"]["0"]
    assert counts() == before


def test_a_release_with_no_event_left_is_refused(seeded, editor_api):
    response = editor_api.post("/api/press-releases/", {"text": MOROCCO_MOU_EN, "events": []})

    assert response.status_code == 400
    assert "events" in response.json()
    assert not Source.objects.filter(text=MOROCCO_MOU_EN).exists()


def review_page(client, text=MOROCCO_MOU_EN, published_on="2026-03-04"):
    page = client.post("/admin/press-release/", {"text": text, "published_on": published_on})
    assert page.status_code == 200
    return page


def submitted(page, **changes):
    """The review form as a browser sends it, every row kept."""
    form = {"draft": page.context["draft_json"]}
    for row in page.context["events"]:
        prefix, event = f"e{row['index']}", row["event"]
        form.update({f"{prefix}-include": "on", f"{prefix}-kind": event["kind"], f"{prefix}-status": event["status"],
                     f"{prefix}-title_en": event["title_en"], f"{prefix}-title_ar": event["title_ar"], f"{prefix}-date": row["date_text"],
                     f"{prefix}-note": event["date"]["note"], f"{prefix}-city": event["city"], f"{prefix}-country": event["country"]})
        for number, entry in enumerate(event["organizations"]):
            form.update({f"{prefix}-o{number}-include": "on", f"{prefix}-o{number}-role": entry["role"],
                         f"{prefix}-o{number}-record": str(entry["match"]["id"]) if entry["match"] else "new"})
        for number, entry in enumerate(event["people"]):
            form.update({f"{prefix}-p{number}-include": "on", f"{prefix}-p{number}-role": entry["role"],
                         f"{prefix}-p{number}-record": str(entry["match"]["id"]) if entry["match"] else "new",
                         f"{prefix}-p{number}-title": entry["title_as_written"],
                         f"{prefix}-p{number}-organization": "" if entry["organization"] is None else str(entry["organization"])})
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_a_refused_confirm_shows_the_page_again_with_the_corrections_kept(seeded, editor_client):
    page = review_page(editor_client)
    before = counts()
    # A new title, the ministry dropped, and the date in a shape no date has.
    response = editor_client.post("/admin/press-release/", submitted(
        page, **{"e0-title_en": "Corrected title", "e0-o1-include": None, "e0-p1-include": None, "e0-date": "March"}
    ))

    assert response.status_code == 200
    assert response.context["errors"]
    event = response.context["events"][0]["event"]
    assert event["title_en"] == "Corrected title"
    assert [entry["match"]["id"] for entry in event["organizations"]] == [UNOCT]
    assert counts() == before


@pytest.mark.parametrize("draft", ["not json", "{}", "[]", '{"release": {}, "draft": {"language": "en", "events": [{}]}}'])
def test_a_draft_tampered_with_is_refused_not_a_server_error(seeded, editor_client, draft):
    response = editor_client.post("/admin/press-release/", {"draft": draft, "e0-include": "on", "e0-o0-record": "²"})

    assert response.status_code in (200, 302)
    assert counts()["Agreement"] == Agreement.objects.count()
