"""Who an organisation's partners are: every organisation it shares an agreement or a meeting with.

The organisation's own family (itself, its units, the bodies it belongs to) is never its own
partner: UNCCT's partner list does not name UNOCT. With `include_units` the agreements and
meetings of its units count as its own, so UNOCT's list includes UNCCT's partners.
"""
from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest

from agreements.models import Agreement, AgreementParty
from meetings.models import Meeting, MeetingOrganizer, Participant

from .models import Organization, tagged_with_focal_area

LINK_AGREEMENT = "agreement"
LINK_MEETING = "meeting"


@dataclass
class PartnerFilter:
    link: str = ""  # "agreement", "meeting" or "" for both
    focal_area: str = ""  # a focal area code; its narrower areas count too
    contact_after: object = None
    contact_before: object = None
    include_units: bool = False


def units_of(pk):
    """The ids of an organisation's units at every depth, as a subquery (one recursive query
    on both databases; UNION rather than UNION ALL, so a cycle ends)."""
    table = Organization._meta.db_table
    return RawSQL(
        f"WITH RECURSIVE units(id) AS (SELECT id FROM {table} WHERE parent_id = %s "
        f"UNION SELECT child.id FROM {table} child JOIN units ON child.parent_id = units.id) SELECT id FROM units",
        [pk],
    )


def family_of(pk):
    """The ids of the organisation, its units and the bodies it belongs to, as a subquery."""
    table = Organization._meta.db_table
    return RawSQL(
        f"WITH RECURSIVE units(id) AS (SELECT id FROM {table} WHERE id = %s "
        f"UNION SELECT child.id FROM {table} child JOIN units ON child.parent_id = units.id), "
        f"bodies(id, parent_id) AS (SELECT id, parent_id FROM {table} WHERE id = %s "
        f"UNION SELECT body.id, body.parent_id FROM {table} body JOIN bodies ON body.id = bodies.parent_id) "
        f"SELECT id FROM units UNION SELECT id FROM bodies",
        [pk, pk],
    )


def unit_ids(organization):
    """The organisation's units at every depth."""
    return list(Organization.objects.filter(pk__in=units_of(organization.pk)).values_list("pk", flat=True))


def linking_records(organization, filters):
    """The agreements and meetings of the organisation (and, if asked, its units) that count."""
    own = Q(pk=organization.pk) | Q(pk__in=units_of(organization.pk)) if filters.include_units else Q(pk=organization.pk)
    own = Organization.objects.filter(own).values("pk")
    agreements = Agreement.objects.filter(pk__in=AgreementParty.objects.filter(organization__in=own).values("agreement"))
    # A UNION, not an OR across two joins: PostgreSQL then sees how few meetings they are.
    meetings = Meeting.objects.filter(
        pk__in=MeetingOrganizer.objects.filter(organization__in=own)
        .order_by()
        .values("meeting")
        .union(Participant.objects.filter(organization__in=own).order_by().values("meeting"))
    )
    if filters.focal_area:
        agreements = agreements.filter(tagged_with_focal_area(filters.focal_area))
        meetings = meetings.filter(tagged_with_focal_area(filters.focal_area))
    if filters.contact_after:
        agreements = agreements.filter(signed_on__gte=filters.contact_after)
        meetings = meetings.filter(starts_on__gte=filters.contact_after)
    if filters.contact_before:
        agreements = agreements.filter(signed_on__lte=filters.contact_before)
        meetings = meetings.filter(starts_on__lte=filters.contact_before)
    if filters.link == LINK_MEETING:
        agreements = agreements.none()
    if filters.link == LINK_AGREEMENT:
        meetings = meetings.none()
    return agreements.values("pk"), meetings.values("pk")


def _latest(rows, date_name):
    """The newest dated row of `rows` (correlated with the partner), newest first."""
    return rows.filter(**{f"{date_name}__isnull": False}).order_by(f"-{date_name}")


def partner_queryset(organization, filters):
    """The partner organisations, latest contact first, each annotated with `latest_contact_on`
    and `latest_contact_precision`; `shared_agreements(filters)` and `shared_meetings(filters)`
    give the records that link a row to the organisation, as correlated subqueries."""
    agreements, meetings = linking_records(organization, filters)
    shared_agreements = _shared_agreements(agreements)
    shared_meetings = _shared_meetings(meetings)
    latest_agreement = _latest(shared_agreements, "signed_on")
    latest_meeting = _latest(shared_meetings, "starts_on")
    # Order-free parts: SQLite allows no ORDER BY inside a UNION.
    linked = (
        AgreementParty.objects.filter(agreement__in=agreements)
        .order_by()
        .values("organization")
        .union(
            MeetingOrganizer.objects.filter(meeting__in=meetings).order_by().values("organization"),
            Participant.objects.filter(meeting__in=meetings, organization__isnull=False).order_by().values("organization"),
        )
    )
    queryset = (
        Organization.objects.filter(pk__in=linked)
        .exclude(pk__in=family_of(organization.pk))
        .annotate(
            latest_agreement_on=Subquery(latest_agreement.values("signed_on")[:1]),
            latest_agreement_precision=Subquery(latest_agreement.values("signed_precision")[:1]),
            latest_meeting_on=Subquery(latest_meeting.values("starts_on")[:1]),
            latest_meeting_precision=Subquery(latest_meeting.values("starts_precision")[:1]),
        )
        .annotate(
            # Greatest() is NULL on SQLite when either side is; the Coalesce makes both agree.
            latest_contact_on=Greatest(
                Coalesce("latest_agreement_on", "latest_meeting_on"),
                Coalesce("latest_meeting_on", "latest_agreement_on"),
            ),
        )
        .annotate(
            latest_contact_precision=Case(
                When(latest_contact_on__isnull=True, then=Value(None)),
                When(latest_contact_on=F("latest_agreement_on"), then=F("latest_agreement_precision")),
                default=F("latest_meeting_precision"),
                output_field=CharField(),
            )
        )
        .order_by(F("latest_contact_on").desc(nulls_last=True), "name_en", "name_ar", "pk")
    )
    queryset.shared_agreements = shared_agreements
    queryset.shared_meetings = shared_meetings
    return queryset


def _shared_agreements(agreements):
    """The linking agreements the partner row is a party to, newest first, undated last."""
    return Agreement.objects.filter(pk__in=agreements, parties__organization=OuterRef("pk")).order_by(
        F("signed_on").desc(nulls_last=True), "title_en", "pk"
    )


def _shared_meetings(meetings):
    """The linking meetings the partner row organised or took part in, newest first."""
    return (
        Meeting.objects.filter(pk__in=meetings)
        .filter(
            Exists(MeetingOrganizer.objects.filter(meeting=OuterRef("pk"), organization=OuterRef(OuterRef("pk"))))
            | Exists(Participant.objects.filter(meeting=OuterRef("pk"), organization=OuterRef(OuterRef("pk"))))
        )
        .order_by(F("starts_on").desc(nulls_last=True), "title_en", "pk")
    )
