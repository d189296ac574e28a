"""Who an organisation's partners are: every organisation it shares an agreement or a meeting with.

The organisation's own family (itself, its units, the bodies it belongs to) is never its own
partner: UNCCT's partner list does not name UNOCT. With `include_units` the agreements and
meetings of its units count as its own, so UNOCT's list includes UNCCT's partners.

On PostgreSQL a list that every agreement and meeting counts for is read from the partnership
relation the database keeps (`Partnership`, migration network 0001), in index order; a list
narrowed by kind of link, focal area or date, and every list on SQLite, is computed from the links.
"""
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    JSONField,
    Max,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, Substr
from django.db.models.lookups import IsNull
from django_cte import CTE, with_cte

from agreements.models import Agreement, AgreementParty
from meetings.models import Meeting, MeetingOrganizer, Participant, meetings_of

from partners.models import Organization, tagged_with_focal_area, units_of

from .models import Partnership

LINK_AGREEMENT = "agreement"
LINK_MEETING = "meeting"
# The order of a partner's linking agreements and meetings: latest first, and of those of one
# day the last recorded; a partner's line shows the first 20 of each.
LATEST_SIGNED = [F("signed_on").desc(nulls_last=True), "-pk"]
LATEST_STARTED = [F("starts_on").desc(nulls_last=True), "-pk"]
PARTNER_LINKS_SHOWN = 20
# The partner list's order: latest contact first, the undated last, sorted as if dated 0001-01-01
# (the kept relation's index, network 0002, holds that expression): a first key that is never
# empty is one a page after a cursor can start from by index.
UNDATED = date.min


def contact_order(latest_contact_on):
    return Coalesce(latest_contact_on, Value(UNDATED), output_field=DateField())


PARTNER_ORDER = [F("contact_order").desc(), "name_en", "name_ar", "pk"]


@dataclass
class PartnerFilter:
    link: str = ""  # "agreement", "meeting" or "" for both
    focal_area: str = ""  # a focal area code; its narrower areas count too
    contact_after: object = None
    contact_before: object = None
    include_units: bool = False

    @property
    def counts_every_link(self):
        return not (self.link or self.focal_area or self.contact_after or self.contact_before)


def is_kept(filters):
    """Whether the partner list is read from the kept partnership relation."""
    return connection.vendor == "postgresql" and filters.counts_every_link


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


def read_with_organization(pk, filters):
    """Annotations of the organisation `pk` its partner list needs, read with it. On PostgreSQL
    the ids of its whole family (`family_ids`) and, with include_units, of itself and its units
    (`unit_ids`), as lists: the list's query then names them, where it computed the recursive
    queries again in each subquery that needs them (six times a page for a hub with its units);
    SQLite computes them in the query. Where the list is computed from the links, how many links
    it has (`link_count`, which tells a hub)."""
    annotations = {}
    if connection.vendor == "postgresql":
        annotations["family_ids"] = id_list(family_of(pk))
        if filters.include_units:
            annotations["unit_ids"] = id_list(units_of(pk, including_itself=True))
    if not is_kept(filters):
        annotations["link_count"] = links_counted_up_to()
    return annotations


def id_list(ids):
    return RawSQL(f"(SELECT COALESCE(JSONB_AGG(id), '[]') FROM ({ids.sql}) ids)", ids.params, output_field=JSONField())


def units_and_itself(organization):
    """The ids of the organisation and its units: read with it (read_with_organization), or a subquery."""
    ids = getattr(organization, "unit_ids", None)
    return units_of(organization.pk, including_itself=True) if ids is None else ids


def family(organization):
    """The ids of the organisation's family: read with it (read_with_organization), or a subquery."""
    ids = getattr(organization, "family_ids", None)
    return family_of(organization.pk) if ids is None else ids


def linking_records(organization, filters, partner=None):
    """The agreements and meetings of the organisation (and, if asked, its units) that count;
    with `partner` (a reference to a partner row), only those the partner shares."""
    # The family's ids are read once, as an array, before any link is: a recursive subquery in
    # each of the link tables' conditions is planned (and run) again in each.
    own = (
        AmongIds(F("organization"), units_and_itself(organization))
        if filters.include_units
        else Q(organization=organization.pk)
    )
    if partner is None:
        agreements = Agreement.objects.filter(pk__in=AgreementParty.objects.filter(own).values("agreement"))
        # A UNION, not an OR across two joins: PostgreSQL then sees how few meetings they are.
        meetings = Meeting.objects.filter(pk__in=meetings_of(own))
    else:
        own_agreements = AgreementParty.objects.filter(own).values("agreement")
        own_meetings = meetings_of(own)
        if filters.include_units or getattr(organization, "link_count", HUB_LINKS) >= HUB_LINKS:
            # A hub's (or a family's) records are hashed once per query; the partner's links
            # are read from the link tables' (organisation, record) indexes alone and matched
            # against them; only the shared records are then read.
            shared_parties = AgreementParty.objects.filter(hashed_in("agreement", own_agreements), organization=partner)
            agreements = Agreement.objects.filter(pk__in=shared_parties.values("agreement"))
            shared_links = hashed_in("meeting", own_meetings) & Q(organization=partner)
            meetings = Meeting.objects.filter(pk__in=meetings_of(shared_links))
        else:
            # An ordinary organisation's few records are each looked up among the partner's
            # links, since the partner may be a hub with thousands.
            agreements = Agreement.objects.filter(
                AmongIds(F("pk"), own_agreements.order_by()),
                probed(AgreementParty.objects.filter(agreement=OuterRef("pk"), organization=partner).values("agreement")),
            )
            meetings = Meeting.objects.filter(
                AmongIds(F("pk"), own_meetings),
                probed(
                    MeetingOrganizer.objects.filter(meeting=OuterRef("pk"), organization=partner).values("meeting"),
                    Participant.objects.filter(meeting=OuterRef("pk"), organization=partner).values("meeting"),
                ),
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
    return agreements, meetings


# An organisation with this many links (or more) in any one link table is a hub.
HUB_LINKS = 200


def links_counted_up_to(limit=HUB_LINKS):
    """An annotation of organisations: their links (agreements as a party, meetings organised,
    attended) counted no further than `limit` in each table, from the indexes alone: enough to
    tell a hub from an ordinary organisation."""
    organizations = Organization._meta.db_table
    counts = ", ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM {model._meta.db_table} "
        f"WHERE organization_id = {organizations}.id LIMIT {limit}) counted)"
        for model in (AgreementParty, MeetingOrganizer, Participant)
    )
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"  # SQLite's MAX of several values
    return RawSQL(f"{greatest}({counts})", [], output_field=IntegerField())


def probed(*links):
    """Whether any of the correlated `links` querysets has a row, looked up by index for each
    outer row. Written as an EXISTS over a UNION ALL, which PostgreSQL leaves as it is: a plain
    EXISTS (or two under an OR) it turns into a join with, or a hash of, all the partner's links,
    redone for every row, since it cannot tell how many a correlated partner has."""
    first, *others = (queryset.order_by() for queryset in links)
    return Exists(first.union(*(others or [first.none()]), all=True))


def hashed_in(field, records):
    """`field` is one of `records` (an uncorrelated subquery), tested against a hash of them built
    once per query. Alone, the IN would become a join that PostgreSQL runs again for every
    partner row (merging or probing a hub's thousands of records each time); under an OR, which
    the never-null `field IS NULL` leaves true to its meaning, it stays a hashed subplan."""
    return Q(**{f"{field}__in": records}) | Q(**{f"{field}__isnull": True})


def partner_ids(organization, filters):
    """The ids of the organisation's partners, as a subquery."""
    if is_kept(filters):
        outside_family = AmongIds(F("partner"), family(organization), negated=True)
        return kept_partnerships(organization, filters).filter(outside_family).values("partner")
    agreements, meetings = linking_records(organization, filters)
    linked = _links(agreements, meetings)
    return Organization.objects.filter(pk__in=linked).exclude(pk__in=family(organization)).values("pk")


def _links(agreements, meetings, full=False):
    """One row per (partner, linking record): a UNION ALL of the three ways a partner is linked;
    if `full`, with the record's id (as `shared_agreement` or `shared_meeting`), date and date
    precision.
    Order-free parts: SQLite allows no ORDER BY inside a UNION."""

    def over(rows, record, date):
        columns = {"partner": F("organization")}
        if full:
            nothing = Cast(Value(None), BigIntegerField())  # typed: a lone part of the UNION sets the type
            columns.update(
                shared_agreement=F(record) if record == "agreement" else nothing,
                shared_meeting=F(record) if record == "meeting" else nothing,
                contact_on=F(f"{record}__{date}_on"),
                contact_precision=F(f"{record}__{date}_precision"),
            )
        return rows.order_by().values(**columns)

    return over(AgreementParty.objects.filter(agreement__in=agreements), "agreement", "signed").union(
        over(MeetingOrganizer.objects.filter(meeting__in=meetings), "meeting", "starts"),
        over(Participant.objects.filter(meeting__in=meetings, organization__isnull=False), "meeting", "starts"),
        all=True,
    )


def partner_queryset(organization, filters, whole_list=False):
    """The partner organisations, latest contact first, each annotated with `latest_contact_on`,
    `latest_contact_precision` and how many agreements and meetings link them (`agreement_count`,
    `meeting_count`); `shared_agreements` and `shared_meetings` give the records
    that link a row to the organisation, as correlated subqueries, planned for a page (read from
    the CTE of links, already built) or, if `whole_list`, for all of them (an export: each
    partner's links matched as `linking_records()` matches them, which the bench shows is the
    faster plan for a whole list and the slower one for a page).

    The latest contacts are one GROUP BY over every link, joined to the organisations, not a
    correlated subquery per partner, which does not finish for a hub (bench: "partners of").
    Where the kept relation answers (`is_kept`), they are read from it instead."""
    if is_kept(filters):
        return kept_partner_queryset(organization, filters)
    agreements, meetings = linking_records(organization, filters)
    links = CTE(_links(agreements, meetings, full=True), name="partner_links")
    # The precision rides with its date in one string ("2025-02-01 month"), so MAX() picks both
    # from the same link; on a tie it keeps the least precise, the honest reading of "latest".
    dated = Case(
        When(
            IsNull(links.col.contact_on, False),
            then=Concat(Cast(links.col.contact_on, CharField()), Value(" "), links.col.contact_precision),
        ),
        output_field=CharField(),
    )
    contacts = CTE(
        links.queryset().order_by().values(partner_id=links.col.partner).annotate(
            latest_on=Max(links.col.contact_on),
            latest_dated=Max(dated),
            agreements=Count(links.col.shared_agreement, distinct=True),
            meetings=Count(links.col.shared_meeting, distinct=True),
        ),
        name="partner_contacts",
    )
    queryset = with_cte(
        links,
        contacts,
        select=contacts.join(Organization, id=contacts.col.partner_id)
        .exclude(pk__in=family(organization))
        .annotate(
            latest_contact_on=contacts.col.latest_on,
            latest_contact_precision=Substr(contacts.col.latest_dated, len("2025-02-01 ") + 1),
            agreement_count=contacts.col.agreements,
            meeting_count=contacts.col.meetings,
            contact_order=contact_order(contacts.col.latest_on),
        )
        .order_by(*PARTNER_ORDER),
    )
    if whole_list:
        # Every partner: each one's links are found from its own few rows, by index.
        shared_agreements, shared_meetings = linking_records(organization, filters, partner=OuterRef(OuterRef("pk")))
    else:
        # A page: its links come from the CTE, already built, rather than being checked against
        # the organisation's records for each row (a few partners have a thousand meetings).
        shared = links.queryset().filter(partner=OuterRef(OuterRef("pk")))
        shared_agreements = Agreement.objects.filter(pk__in=shared.values("shared_agreement"))
        shared_meetings = Meeting.objects.filter(pk__in=shared.values("shared_meeting"))
    return with_shared_links(queryset, shared_agreements, shared_meetings)


class AmongIds(Expression):
    """`column` is (or, `negated`, is not) one of the ids the subquery (or the list) gives, as
    PostgreSQL's `column = ANY(ARRAY(…))`: the subquery runs once, before the rows are read, and
    its few ids become index lookups (`NOT IN` would make the planner hash the whole partner table
    instead of reading the list's first rows in index order). SQLite: IN."""

    output_field = BooleanField()

    def __init__(self, column, ids, negated=False):
        super().__init__()
        self.column, self.ids, self.negated = column, ids, negated

    def get_source_expressions(self):
        return [self.column] if isinstance(self.ids, list) else [self.column, self.ids]

    def set_source_expressions(self, expressions):
        if isinstance(self.ids, list):
            (self.column,) = expressions
        else:
            self.column, self.ids = expressions

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        if isinstance(self.ids, list):  # read already, on PostgreSQL (read_with_organization)
            # Behind a subquery, so that the planner does not weigh each of a hub's hundreds of
            # ids (a page with units: 7.8 -> 6.3 ms of planning).
            sql, ids_params = f"{column_sql} = ANY((SELECT %s::bigint[])::bigint[])", [self.ids]
        else:
            ids_sql, ids_params = compiler.compile(self.ids)
            if connection.vendor == "postgresql":
                sql = f"{column_sql} = ANY(ARRAY{ids_sql})"
            else:
                sql = f"{column_sql} IN {ids_sql}"
        return f"NOT ({sql})" if self.negated else sql, (*column_params, *ids_params)


class InArray(Expression):
    """`column` is one of the values of `array`, an array column (PostgreSQL: `= ANY(array)`)."""

    output_field = BooleanField()

    def __init__(self, column, array):
        super().__init__()
        self.column, self.array = column, array

    def get_source_expressions(self):
        return [self.column, self.array]

    def set_source_expressions(self, expressions):
        self.column, self.array = expressions

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        array_sql, array_params = compiler.compile(self.array)
        return f"{column_sql} = ANY({array_sql})", (*column_params, *array_params)


def with_shared_links(queryset, agreements, meetings):
    """The partner rows with the records that link each one (`agreements` and `meetings`,
    correlated with the row), latest first, for the read plan."""
    queryset.shared_agreements = agreements.order_by(*LATEST_SIGNED)
    queryset.shared_meetings = meetings.order_by(*LATEST_STARTED)
    return queryset


def kept_rows(organization, filters):
    """Which rows of the kept relation are the organisation's list: lookups on a partnership.
    With include_units the with-units rows, which only an organisation that has units has."""
    has_units = Exists(Organization.objects.filter(parent=organization.pk))
    return {"organization": organization.pk, "with_units": has_units if filters.include_units else Value(False)}


def kept_partnerships(organization, filters):
    return Partnership.objects.filter(**kept_rows(organization, filters))


def kept_partner_queryset(organization, filters):
    """`partner_queryset()` read from the kept relation: the page comes in the index's order of
    latest contact, and each partner's latest shared records are the ones the relation keeps."""
    queryset = (
        Organization.objects.filter(
            **{f"partnerships_as_partner__{lookup}": value for lookup, value in kept_rows(organization, filters).items()}
        )
        .filter(AmongIds(F("pk"), family(organization), negated=True))
        .annotate(
            latest_contact_on=F("partnerships_as_partner__latest_on"),
            latest_contact_precision=F("partnerships_as_partner__latest_precision"),
            agreement_count=F("partnerships_as_partner__agreements"),
            meeting_count=F("partnerships_as_partner__meetings"),
            contact_order=contact_order(F("partnerships_as_partner__latest_on")),
            kept_agreements=F("partnerships_as_partner__latest_agreements"),
            kept_meetings=F("partnerships_as_partner__latest_meetings"),
        )
        .order_by(*PARTNER_ORDER)
    )
    # The relation keeps each pair's latest records (network 0003): a line's lists are read by
    # their ids, where the partner's every link was walked to find the ones it shares.
    shared_agreements = Agreement.objects.filter(InArray(F("pk"), OuterRef("kept_agreements")))
    shared_meetings = Meeting.objects.filter(InArray(F("pk"), OuterRef("kept_meetings")))
    queryset = with_shared_links(queryset, shared_agreements, shared_meetings)
    queryset.lists_same_for_all = True  # they name no organisation: a read plan made once serves every list
    # Exported whole, each partner row is joined to its organisation by primary key; the planner
    # would rather merge the pairs with the whole organisation table read in key order, which
    # reads every organisation (a hub's 43,693 partners at L: 1.46 s, against 0.23 s for the
    # lookups). Read by crm.api.exports.copied_csv; a page is read by index order either way.
    queryset.query.planner_settings = {"enable_mergejoin": "off", "enable_hashjoin": "off"}
    return queryset
