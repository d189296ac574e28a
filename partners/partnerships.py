"""Who an organisation's partners are: every organisation it shares an agreement or a meeting with.

The organisation's own family (itself, its units, the bodies it belongs to) is never its own
partner: UNCCT's partner list does not name UNOCT. With `include_units` the agreements and
meetings of its units count as its own, so UNOCT's list includes UNCCT's partners.
"""
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, OuterRef, Prefetch, Q, Subquery
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


@dataclass
class Partner:
    organization: Organization
    agreements: list = field(default_factory=list)
    meetings: list = field(default_factory=list)

    @property
    def latest_contact(self):
        """(date, precision) of the latest dated agreement or meeting that links them."""
        dated = [(agreement.signed_on, agreement.signed_precision) for agreement in self.agreements if agreement.signed_on]
        dated += [(meeting.starts_on, meeting.starts_precision) for meeting in self.meetings if meeting.starts_on]
        return max(dated, default=(None, None), key=lambda pair: pair[0])


def unit_ids(organization):
    """The organisation's units at every depth (one query per level; trees are shallow)."""
    found, level = [], [organization.pk]
    while level:
        level = [pk for pk in Organization.objects.filter(parent__in=level).values_list("pk", flat=True) if pk not in found]
        found += level
    return found


def linking_records(organization, filters):
    """The agreements and meetings of the organisation (and, if asked, its units) that count."""
    own = [organization.pk, *(unit_ids(organization) if filters.include_units else [])]
    agreements = Agreement.objects.filter(parties__organization__in=own)
    meetings = Meeting.objects.filter(Q(organizers__organization__in=own) | Q(participants__organization__in=own))
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


def partner_queryset(organization, filters):
    """The partner organisations, latest contact first, each annotated with `latest_contact_on`
    and carrying `shared_agreement_parties`, `shared_organized` and `shared_participations` for
    the page that is read (three prefetch queries whatever the page size)."""
    agreements, meetings = linking_records(organization, filters)
    family = {organization.pk, *unit_ids(organization), *(ancestor.pk for ancestor in organization.ancestors())}
    latest_agreement = Subquery(
        AgreementParty.objects.filter(organization=OuterRef("pk"), agreement__in=agreements, agreement__signed_on__isnull=False)
        .order_by("-agreement__signed_on")
        .values("agreement__signed_on")[:1]
    )
    latest_meeting = Subquery(
        Meeting.objects.filter(pk__in=meetings, starts_on__isnull=False)
        .filter(Q(organizers__organization=OuterRef("pk")) | Q(participants__organization=OuterRef("pk")))
        .order_by("-starts_on")
        .values("starts_on")[:1]
    )
    linked = (
        Q(pk__in=AgreementParty.objects.filter(agreement__in=agreements).values("organization"))
        | Q(pk__in=MeetingOrganizer.objects.filter(meeting__in=meetings).values("organization"))
        | Q(pk__in=Participant.objects.filter(meeting__in=meetings, organization__isnull=False).values("organization"))
    )
    return (
        Organization.objects.filter(linked)
        .exclude(pk__in=family)
        .select_related("parent")
        .annotate(
            latest_agreement_on=latest_agreement,
            latest_meeting_on=latest_meeting,
        )
        .annotate(
            # Greatest() is NULL on SQLite when either side is; the Coalesce makes both agree.
            latest_contact_on=Greatest(
                Coalesce("latest_agreement_on", "latest_meeting_on"),
                Coalesce("latest_meeting_on", "latest_agreement_on"),
            )
        )
        .order_by(F("latest_contact_on").desc(nulls_last=True), "name_en", "name_ar", "pk")
        .prefetch_related(
            Prefetch(
                "agreement_parties",
                queryset=AgreementParty.objects.filter(agreement__in=agreements).select_related("agreement"),
                to_attr="shared_agreement_parties",
            ),
            Prefetch(
                "meetings_organized",
                queryset=MeetingOrganizer.objects.filter(meeting__in=meetings).select_related("meeting"),
                to_attr="shared_organized",
            ),
            Prefetch(
                "participations",
                queryset=Participant.objects.filter(meeting__in=meetings).select_related("meeting"),
                to_attr="shared_participations",
            ),
        )
    )


def _newest_first(records, date_name):
    """Dated records newest first, undated ones after them."""
    return sorted(
        records,
        key=lambda record: (getattr(record, date_name) is None, -(getattr(record, date_name) or date.min).toordinal()),
    )


def as_partner(organization):
    """A partner from a row of `partner_queryset`, its links deduplicated and newest first."""
    agreements = {party.agreement.pk: party.agreement for party in organization.shared_agreement_parties}
    meetings = {link.meeting.pk: link.meeting for link in organization.shared_organized}
    meetings.update({link.meeting.pk: link.meeting for link in organization.shared_participations})
    return Partner(
        organization=organization,
        agreements=_newest_first(agreements.values(), "signed_on"),
        meetings=_newest_first(meetings.values(), "starts_on"),
    )
