"""A reviewed press-release draft (network/extraction) made into records: one transaction that
creates the organisations and people it proposes, the agreements and meetings (or attaches the
release to the ones already recorded), the source and a citation for every fact.

The admin page and the API both confirm through `ReviewedReleaseSerializer`; every record is
`full_clean()`ed before it is saved, so the models' rules hold here as everywhere, and any
problem is a 400 naming its field, with nothing written.
"""
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework import serializers

from agreements.models import Agreement, AgreementParty, AgreementWitness, FundingCommitment
from crm.dates import DatePrecision
from meetings.models import Meeting, MeetingOrganizer, Participant
from partners.models import Citation, FocalArea, Language, Organization, Person, Source

from .extraction import AGREEMENT, MEETING
from .extraction.text import language_of

# Stored in English; history pages show it in the reader's language.
IMPORT_REASON = gettext_noop("Imported from a press release")
RECORD_TYPES = [AGREEMENT, MEETING]
ORGANIZATION_ROLES = ["party", "donor", "recipient", "organizer", "co_organizer", "host", "participant"]
PERSON_ROLES = ["signatory", "witness", "speaker", "participant", "chair", "moderator", "host"]
AGREEMENT_PARTY_ROLES = {"party": "party", "donor": "funding", "recipient": "accountable"}
MEETING_ORGANIZER_ROLES = {"organizer": "organizer", "co_organizer": "co_organizer", "host": "host"}
PARTICIPANT_ROLES = {"speaker": "speaker", "chair": "chair", "moderator": "moderator", "host": "host", "participant": "delegate"}


class RecordMatch(serializers.Serializer):
    id = serializers.IntegerField()
    name_en = serializers.CharField(required=False, allow_blank=True)
    name_ar = serializers.CharField(required=False, allow_blank=True)


class ProposedName(serializers.Serializer):
    name_en = serializers.CharField(required=False, allow_blank=True, max_length=300)
    name_ar = serializers.CharField(required=False, allow_blank=True, max_length=300)
    acronym = serializers.CharField(required=False, allow_blank=True, max_length=30)

    def validate(self, attrs):
        if not (attrs.get("name_en") or attrs.get("name_ar")):
            raise serializers.ValidationError(_("Give the name in English or in Arabic."))
        return attrs


class MatchedOrProposed(serializers.Serializer):
    name_as_written = serializers.CharField(required=False, allow_blank=True)
    match = RecordMatch(required=False, allow_null=True)
    proposed = ProposedName(required=False, allow_null=True)
    model = None

    def validate(self, attrs):
        match, proposed = attrs.get("match"), attrs.get("proposed")
        if bool(match) == bool(proposed):
            raise serializers.ValidationError({"match": [_("Give either the matching record or a proposed new one.")]})
        if match and not self.model.objects.filter(pk=match["id"]).exists():
            raise serializers.ValidationError({"match": [_("No record with this id.")]})
        return attrs


class DraftOrganization(MatchedOrProposed):
    role = serializers.ChoiceField(ORGANIZATION_ROLES)
    model = Organization


class DraftPerson(MatchedOrProposed):
    title_as_written = serializers.CharField(required=False, allow_blank=True, max_length=300)
    role = serializers.ChoiceField(PERSON_ROLES)
    organization = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    model = Person


class DraftDate(serializers.Serializer):
    value = serializers.DateField(allow_null=True, required=False)
    precision = serializers.ChoiceField(DatePrecision.choices, allow_null=True, required=False)
    inferred = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    ends_on = serializers.DateField(allow_null=True, required=False)


class DraftAmount(serializers.Serializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=3, min_value=0)
    currency = serializers.CharField(max_length=3)
    period_months = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1200)


class DraftFocalArea(serializers.Serializer):
    id = serializers.PrimaryKeyRelatedField(queryset=FocalArea.objects.all())
    code = serializers.CharField(required=False)


class DraftCitation(serializers.Serializer):
    about = serializers.CharField()
    quote = serializers.CharField()


class DuplicateOf(serializers.Serializer):
    type = serializers.ChoiceField(RECORD_TYPES)
    id = serializers.IntegerField()


class DraftEvent(serializers.Serializer):
    record_type = serializers.ChoiceField(RECORD_TYPES)
    kind = serializers.CharField()
    status = serializers.CharField(required=False, allow_blank=True)
    title_en = serializers.CharField(required=False, allow_blank=True, max_length=300)
    title_ar = serializers.CharField(required=False, allow_blank=True, max_length=300)
    date = DraftDate(required=False)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    organizations = DraftOrganization(many=True, required=False)
    people = DraftPerson(many=True, required=False)
    amounts = DraftAmount(many=True, required=False)
    focal_areas = DraftFocalArea(many=True, required=False)
    duplicate_of = DuplicateOf(required=False, allow_null=True)
    citations = DraftCitation(many=True, required=False)

    def validate(self, attrs):
        model = Agreement if attrs["record_type"] == AGREEMENT else Meeting
        if attrs["kind"] not in model.Kind.values:
            raise serializers.ValidationError({"kind": [_("Not a kind of this record: %(kind)s.") % {"kind": attrs["kind"]}]})
        if attrs.get("status") and attrs["status"] not in model.Status.values:
            raise serializers.ValidationError({"status": [_("Not a status of this record.")]})
        duplicate = attrs.get("duplicate_of")
        if duplicate:
            duplicate_model = Agreement if duplicate["type"] == AGREEMENT else Meeting
            if not duplicate_model.objects.filter(pk=duplicate["id"]).exists():
                raise serializers.ValidationError({"duplicate_of": [_("No record with this id.")]})
        count = len(attrs.get("organizations", []))
        signing_for = set()
        for index, person in enumerate(attrs.get("people", [])):
            organization = person.get("organization")
            if organization is not None and organization >= count:
                raise serializers.ValidationError(
                    {"people": {index: {"organization": [_("No organisation at this place in the list.")]}}}
                )
            if attrs["record_type"] != AGREEMENT:
                continue
            # Nobody is left out unsaid: an agreement records who signed for which party, and who witnessed.
            if person["role"] not in ("signatory", "witness"):
                raise serializers.ValidationError(
                    {"people": {index: {"role": [_("An agreement records signatories and witnesses: give one of those roles, or leave the person out.")]}}}
                )
            if person["role"] == "signatory" and organization is None:
                raise serializers.ValidationError(
                    {"people": {index: {"organization": [_("Say which organisation this signatory signed for.")]}}}
                )
            if person["role"] == "signatory" and organization in signing_for:
                raise serializers.ValidationError(
                    {"people": {index: {"organization": [_("This organisation already has a signatory in the draft.")]}}}
                )
            if person["role"] == "signatory":
                signing_for.add(organization)
        return attrs


class ReviewedReleaseSerializer(serializers.Serializer):
    text = serializers.CharField()
    url = serializers.URLField(required=False, allow_blank=True)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200)
    published_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.ChoiceField(Language.choices, required=False)
    events = DraftEvent(many=True, allow_empty=False)

    def validate_text(self, text):
        return plain_line_ends(text)

    def validate(self, attrs):
        for index, event in enumerate(attrs["events"]):
            for number, citation in enumerate(event.get("citations", [])):
                if citation["quote"] not in attrs["text"]:
                    raise serializers.ValidationError(
                        {"events": {index: {"citations": {number: {"quote": [_("The passage does not occur in the text.")]}}}}}
                    )
        return attrs

    def save(self, **kwargs):
        try:
            return confirm(self.validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from None


def plain_line_ends(text):
    """A form sends its text with \r\n line ends: stored and quoted as pasted, with \n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class ConfirmedRelease:
    def __init__(self):
        self.source = None
        self.created = []  # (type, id)
        self.attached = []
        # New organisations and people by name: one proposed in two events is made once.
        self.proposed = {}


@transaction.atomic
def confirm(data):
    """Write a reviewed draft: everything or, on any problem, nothing."""
    result = ConfirmedRelease()
    result.source = _source(data)
    for index, event in enumerate(data["events"]):
        try:
            _confirm_event(event, result)
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            raise DjangoValidationError({f"events[{index}]": [f"{field}: {' '.join(messages)}" for field, messages in detail.items()]}) from None
    return result


def _saved(instance, reason=IMPORT_REASON):
    instance.full_clean()
    instance._change_reason = reason
    instance.save()
    return instance


def _source(data):
    text = data["text"]
    existing = None
    if data.get("url"):
        existing = Source.objects.filter(url=data["url"]).first()
    if existing is None:
        existing = Source.objects.filter(text=text).first()
    if existing is not None:
        return existing
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")[:500]
    digest = hashlib.sha1(text.encode()).hexdigest()[:10]
    language = data.get("language") or language_of(text)
    return _saved(
        Source(
            slug=f"release-{digest}",
            title=first_line,
            publisher=data.get("outlet", ""),
            url=data.get("url", ""),
            language=language,
            published_on=data.get("published_on"),
            published_precision=DatePrecision.DAY,
            text=text,
        )
    )


def _record_of(entry, model, result):
    if entry.get("match"):
        return model.objects.get(pk=entry["match"]["id"])
    proposed = entry["proposed"]
    key = (model, proposed.get("name_en", "").casefold(), proposed.get("name_ar", ""))
    if key in result.proposed:
        return result.proposed[key]
    if model is Organization:
        record = Organization(
            name_en=proposed.get("name_en", ""), name_ar=proposed.get("name_ar", ""),
            acronym=proposed.get("acronym", ""), kind=Organization.Kind.OTHER,
        )
    else:
        record = Person(name_en=proposed.get("name_en", ""), name_ar=proposed.get("name_ar", ""))
    result.proposed[key] = _saved(record)
    result.created.append(("organization" if model is Organization else "person", record.pk))
    return record


def _confirm_event(event, result):
    duplicate = event.get("duplicate_of")
    if duplicate:
        # Already recorded: the release becomes one more source of it, and nothing else is made.
        model = Agreement if duplicate["type"] == AGREEMENT else Meeting
        record = model.objects.get(pk=duplicate["id"])
        result.attached.append((duplicate["type"], record.pk))
        already_a_source = Citation.objects.filter(
            source=result.source, content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).exists()
        if not already_a_source:  # imported before: what it says of the record is already cited
            _cite(result.source, record, event, [], [])
        return
    organizations = [_record_of(entry, Organization, result) for entry in event.get("organizations", [])]
    people = [_record_of(entry, Person, result) for entry in event.get("people", [])]
    if event["record_type"] == AGREEMENT:
        record = _agreement(event, organizations, people)
        result.created.append((AGREEMENT, record.pk))
    else:
        record = _meeting(event, organizations, people)
        result.created.append((MEETING, record.pk))
    _cite(result.source, record, event, organizations, people)


def _dated(event):
    date = event.get("date") or {}
    return date.get("value"), date.get("precision") or DatePrecision.DAY, bool(date.get("inferred")), date.get("note", ""), date.get("ends_on")


def _split_by_language(text):
    """("", text) for Arabic, (text, "") otherwise: the field of each language gets its own."""
    return ("", text) if text and language_of(text) == "ar" else (text or "", "")


def _agreement(event, organizations, people):
    value, precision, inferred, note, _ends = _dated(event)
    place_en, place_ar = _split_by_language(event.get("city", ""))
    agreement = _saved(
        Agreement(
            kind=event["kind"], status=event.get("status") or Agreement.Status.SIGNED,
            title_en=event.get("title_en", ""), title_ar=event.get("title_ar", ""),
            signed_on=value, signed_precision=precision, signed_is_inferred=inferred, signed_note=note[:300],
            signed_place_en=place_en, signed_place_ar=place_ar,
        )
    )
    signatories = {}
    for entry, person in zip(event.get("people", []), people):
        if entry["role"] == "signatory" and entry.get("organization") is not None:
            signatories.setdefault(entry["organization"], (person, entry.get("title_as_written", "")))
        elif entry["role"] == "witness":
            title_en, title_ar = _split_by_language(entry.get("title_as_written", ""))
            _saved(AgreementWitness(agreement=agreement, person=person, title_en=title_en, title_ar=title_ar))
    roles = {}
    for index, (entry, organization) in enumerate(zip(event.get("organizations", []), organizations)):
        role = AGREEMENT_PARTY_ROLES.get(entry["role"], "party")
        roles[organization.pk] = entry["role"]
        signatory, title = signatories.get(index, (None, ""))
        title_en, title_ar = _split_by_language(title)
        _saved(
            AgreementParty(
                agreement=agreement, organization=organization, role=role, signatory=signatory,
                signatory_title_en=title_en, signatory_title_ar=title_ar,
            )
        )
    agreement.focal_areas.set([area["id"] for area in event.get("focal_areas", [])])
    donors = [o for o in organizations if roles.get(o.pk) == "donor"]
    recipients = [o for o in organizations if roles.get(o.pk) == "recipient"]
    for number, amount in enumerate(event.get("amounts", [])):
        if not (donors and recipients):
            raise DjangoValidationError(
                {f"amounts[{number}]": [_("A sum pledged needs a donor and a recipient among the organisations.")]}
            )
        _saved(
            FundingCommitment(
                agreement=agreement, donor=donors[0], recipient=recipients[0], amount=amount["value"],
                currency=amount["currency"].upper(), period_months=amount.get("period_months"),
                status=FundingCommitment.Status.COMMITTED, committed_on=value, committed_precision=precision,
                is_reported=True,
            )
        )
    return agreement


def _meeting(event, organizations, people):
    value, precision, inferred, note, ends_on = _dated(event)
    city_en, city_ar = _split_by_language(event.get("city", ""))
    meeting = _saved(
        Meeting(
            kind=event["kind"], status=event.get("status") or Meeting.Status.HELD,
            title_en=event.get("title_en", ""), title_ar=event.get("title_ar", ""),
            starts_on=value, starts_precision=precision, starts_is_inferred=inferred, ends_on=ends_on,
            date_note=note[:300], city_en=city_en, city_ar=city_ar, country=event.get("country", ""),
            is_virtual=event["kind"] == Meeting.Kind.VIRTUAL_DISCUSSION,
        )
    )
    represented = set()
    for entry, person in zip(event.get("people", []), people):
        organization = organizations[entry["organization"]] if entry.get("organization") is not None else None
        title_en, title_ar = _split_by_language(entry.get("title_as_written", ""))
        _saved(
            Participant(
                meeting=meeting, person=person, organization=organization,
                role=PARTICIPANT_ROLES.get(entry["role"], "delegate"), title_en=title_en, title_ar=title_ar,
            )
        )
        if organization is not None:
            represented.add(organization.pk)
    for entry, organization in zip(event.get("organizations", []), organizations):
        if entry["role"] in MEETING_ORGANIZER_ROLES:
            _saved(MeetingOrganizer(meeting=meeting, organization=organization, role=MEETING_ORGANIZER_ROLES[entry["role"]]))
        elif organization.pk not in represented:
            _saved(Participant(meeting=meeting, organization=organization))
    meeting.focal_areas.set([area["id"] for area in event.get("focal_areas", [])])
    return meeting


def _cite(source, record, event, organizations, people):
    """A citation of the record for each passage its facts came from, saying which facts; and of
    each new organisation or person, for the passage that names them."""
    cited = {(type(record), record.pk): set(
        Citation.objects.filter(
            source=source, content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).values_list("quote", flat=True)
    )}
    passages = {}  # (target, quote) -> what the passage says of it, in order
    for citation in event.get("citations", []):
        targets = [record]
        about = citation["about"]
        for prefix, entries, records in (("organizations", event.get("organizations", []), organizations), ("people", event.get("people", []), people)):
            for index, (entry, created) in enumerate(zip(entries, records)):
                if about == f"{prefix}[{index}]" and entry.get("proposed"):
                    targets.append(created)
        for target in targets:
            quotes = cited.setdefault((type(target), target.pk), set())
            # A passage already cited, whole or in part, is not cited again: a release imported twice adds nothing.
            if any(citation["quote"] in quote or quote in citation["quote"] for quote in quotes):
                continue
            facts = passages.setdefault((target, citation["quote"]), [])
            fact = _cited_for(about, organizations, people)
            if fact not in facts:
                facts.append(fact)
    for (target, quote), facts in passages.items():
        _saved(Citation(source=source, content_object=target, quote=quote, note=f"Imported for {', '.join(facts)}."))


CITED_FACTS = {
    "date": "the date", "city": "the place", "amounts": "a sum", "focal_areas": "a focal area",
    "organizations": "an organisation", "people": "a person",
}


def _cited_for(about, organizations, people):
    """What a passage was cited for, in words a reader of the citation understands ("the
    organisation Ministry of Interior") rather than the draft's "organizations[1]"."""
    name, _bracket, position = about.partition("[")
    position = position.rstrip("]")
    records = {"organizations": organizations, "people": people}.get(name, [])
    if position.isdigit() and int(position) < len(records):
        record = records[int(position)]
        kind = "organisation" if name == "organizations" else "person"
        return f"the {kind} {record.name_en or record.name_ar}"
    return CITED_FACTS.get(name, name)
