"""The peers the app is measured against, on the same rows and the same page.

- `RawPeer`: the floor. Raw SQL through psycopg2, keyset pagination, rows turned into JSON by
  `json.dumps` (or CSV by the csv module).
- `JsonAggPeer`: PostgreSQL builds the page itself with `json_agg` (or the CSV with COPY); the
  bytes are passed through untouched.
- `NaiveOrganizationViewSet`: what most developers write first: `ModelViewSet` +
  `ModelSerializer(fields="__all__")` + page-number pagination with a count, DRF's `SearchFilter`
  (icontains) and a django-filter `FilterSet` over plain lookups. Mounted by `bench/urls.py`.

Each peer counts the statements it sends, which the runner reports as queries per request.
Table names come from the models, so a renamed table does not silently measure nothing.
"""
import csv
import io
import json
from datetime import date
from decimal import Decimal

import django_filters
from django_countries.serializers import CountryFieldMixin
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, pagination, routers, serializers, viewsets

from agreements.models import (
    Agreement,
    AgreementFocalArea,
    AgreementParty,
    FundingCommitment,
    FundingCommitmentFocalArea,
    Payment,
)
from meetings.models import Meeting, MeetingFocalArea, MeetingOrganizer, Participant
from partners.models import FocalArea, Organization, OrganizationName
from crm import search as app_search
from crm.search import normalize_name

# The app's fuzzy search starts at this word length; None while the app has no fuzzy search.
FUZZY_MINIMUM_LENGTH = getattr(app_search, "FUZZY_MINIMUM_LENGTH", None)

PAGE_SIZE = 50

T = {
    "organization": Organization._meta.db_table,
    "alias": OrganizationName._meta.db_table,
    "focalarea": FocalArea._meta.db_table,
    "agreement": Agreement._meta.db_table,
    "party": AgreementParty._meta.db_table,
    "agreementfocalarea": AgreementFocalArea._meta.db_table,
    "commitment": FundingCommitment._meta.db_table,
    "commitmentfocalarea": FundingCommitmentFocalArea._meta.db_table,
    "payment": Payment._meta.db_table,
    "meeting": Meeting._meta.db_table,
    "organizer": MeetingOrganizer._meta.db_table,
    "participant": Participant._meta.db_table,
    "meetingfocalarea": MeetingFocalArea._meta.db_table,
}

# The organisation list's fields, as the app's OrganizationSerializer gives them.
ORGANIZATION_FIELDS = [
    "id", "name_en", "name_ar", "acronym", "kind", "parent_id", "country", "headquarters_city_en",
    "headquarters_city_ar", "founded_on", "founded_precision", "founded_is_inferred", "founded_note",
    "website", "notes", "version",
]


def to_json_value(value):
    if isinstance(value, (date, Decimal)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(data):
    return json.dumps(data, ensure_ascii=False, default=to_json_value).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# SQL shared by the floor and the json_agg peer: the WHERE clauses of the organisation list.

def organization_conditions(country=None, kind=None, focal_area=None, search=None):
    """(SQL conditions on `o`, parameters) with the app's meaning of each filter."""
    conditions, params = [], []
    if country:
        conditions.append("o.country = %s")
        params.append(country)
    if kind:
        conditions.append("o.kind = %s")
        params.append(kind)
    if focal_area:
        # The area or one of its narrower areas, on agreements, meetings (organised or attended)
        # and commitments (given or received): `OrganizationFilter.filter_focal_area`.
        areas = f"(SELECT id FROM {T['focalarea']} WHERE code = %s OR parent_id IN (SELECT id FROM {T['focalarea']} WHERE code = %s))"
        conditions.append(
            f"""o.id IN (
                SELECT p.organization_id FROM {T['party']} p JOIN {T['agreementfocalarea']} f ON f.agreement_id = p.agreement_id
                 WHERE f.focal_area_id IN {areas}
                UNION SELECT m.organization_id FROM {T['organizer']} m JOIN {T['meetingfocalarea']} f ON f.meeting_id = m.meeting_id
                 WHERE f.focal_area_id IN {areas}
                UNION SELECT m.organization_id FROM {T['participant']} m JOIN {T['meetingfocalarea']} f ON f.meeting_id = m.meeting_id
                 WHERE f.focal_area_id IN {areas} AND m.organization_id IS NOT NULL
                UNION SELECT c.donor_id FROM {T['commitment']} c JOIN {T['commitmentfocalarea']} f ON f.commitment_id = c.id
                 WHERE f.focal_area_id IN {areas}
                UNION SELECT c.recipient_id FROM {T['commitment']} c JOIN {T['commitmentfocalarea']} f ON f.commitment_id = c.id
                 WHERE f.focal_area_id IN {areas})"""
        )
        params += [focal_area, focal_area] * 5
    if search:
        # Every word of the normalised term in the organisation's key or one of its aliases' keys
        # (crm.search.search_queryset): contained, or (from FUZZY_MINIMUM_LENGTH letters on,
        # when the app has it) within pg_trgm's word-similarity threshold, set on the connection.
        for word in normalize_name(search).split():
            match, match_params = word_match(word)
            conditions.append(
                f"o.id IN (SELECT id FROM {T['organization']} WHERE {match} "
                f"UNION SELECT organization_id FROM {T['alias']} WHERE {match})"
            )
            params += match_params * 2
    return conditions, params


def word_match(word):
    if FUZZY_MINIMUM_LENGTH is not None and len(word) >= FUZZY_MINIMUM_LENGTH:
        return "(search_key LIKE %s OR search_key %%> %s)", [f"%{word}%", word]
    return "search_key LIKE %s", [f"%{word}%"]


def keyset_after(after):
    """The condition for rows after `after` = (name_en, name_ar, id) in the list's order."""
    if after is None:
        return [], []
    return ["(o.name_en, o.name_ar, o.id) > (%s, %s, %s)"], list(after)


ORGANIZATION_ORDER = "o.name_en, o.name_ar, o.id"


def page_of_organizations(where):
    """The page's rows first (a top-N sort of the bare table), joined to parents afterwards."""
    return f"(SELECT * FROM {T['organization']} o WHERE {where} ORDER BY {ORGANIZATION_ORDER} LIMIT {PAGE_SIZE})"

ALIASES_ARRAY = (
    f"ARRAY(SELECT ARRAY[a.id::text, a.name, a.language, a.kind] FROM {T['alias']} a "
    "WHERE a.organization_id = o.id ORDER BY a.name)"
)


def partner_links_sql():
    """CTEs `family`, `links` and `partners` for organisation %(org)s: the app's partner list
    (network.partnerships.partner_queryset) with its default filters."""
    return f"""
    WITH RECURSIVE units(id) AS (
        SELECT id FROM {T['organization']} WHERE parent_id = %(org)s
        UNION SELECT o.id FROM {T['organization']} o JOIN units u ON o.parent_id = u.id
    ), ancestors(id) AS (
        SELECT parent_id FROM {T['organization']} WHERE id = %(org)s AND parent_id IS NOT NULL
        UNION SELECT o.parent_id FROM {T['organization']} o JOIN ancestors a ON o.id = a.id WHERE o.parent_id IS NOT NULL
    ), family(id) AS (
        SELECT %(org)s::bigint UNION SELECT id FROM units UNION SELECT id FROM ancestors
    ), own_agreements AS (
        SELECT DISTINCT agreement_id FROM {T['party']} WHERE organization_id = %(org)s
    ), own_meetings AS (
        SELECT meeting_id FROM {T['organizer']} WHERE organization_id = %(org)s
        UNION SELECT meeting_id FROM {T['participant']} WHERE organization_id = %(org)s
    ), links AS (
        SELECT p.organization_id AS partner_id, 'agreement' AS link, a.id AS record_id, a.title_en, a.title_ar,
               a.kind, a.status, a.signed_on AS on_date, a.signed_precision AS precision
          FROM own_agreements s JOIN {T['party']} p ON p.agreement_id = s.agreement_id
          JOIN {T['agreement']} a ON a.id = s.agreement_id
        UNION
        SELECT x.organization_id, 'meeting', m.id, m.title_en, m.title_ar, m.kind, m.status, m.starts_on, m.starts_precision
          FROM own_meetings s
          JOIN (SELECT meeting_id, organization_id FROM {T['organizer']}
                UNION ALL SELECT meeting_id, organization_id FROM {T['participant']} WHERE organization_id IS NOT NULL) x
            ON x.meeting_id = s.meeting_id
          JOIN {T['meeting']} m ON m.id = s.meeting_id
    ), partners AS (
        SELECT l.partner_id, max(l.on_date) AS latest,
               (array_agg(l.precision ORDER BY l.on_date DESC NULLS LAST))[1] AS latest_precision
          FROM links l WHERE l.partner_id NOT IN (SELECT id FROM family) GROUP BY l.partner_id
    )"""


def partner_page_sql(condition, limit, link_aggregates):
    """The partner list (or one page of it) with the links of each listed partner, aggregated in
    one pass over the links: `link_aggregates` are the aggregate columns over `l`."""
    return partner_links_sql() + f""",
    page AS (
        SELECT o.id, o.name_en, o.name_ar, o.acronym, o.kind, o.country, p.latest, p.latest_precision
          FROM partners p JOIN {T['organization']} o ON o.id = p.partner_id
         WHERE TRUE {condition} ORDER BY {PARTNER_ORDER} {'LIMIT %(limit)s' if limit else ''}
    ), page_links AS (
        SELECT l.partner_id, {link_aggregates}
          FROM links l WHERE l.partner_id IN (SELECT id FROM page) GROUP BY l.partner_id
    )"""


PARTNER_ORDER = "p.latest DESC NULLS LAST, o.name_en, o.name_ar, o.id"


def partner_after(after):
    """Keyset condition after (latest, name_en, name_ar, id) in the partner list's order."""
    if after is None:
        return "", {}
    latest, name_en, name_ar, pk = after
    params = {"after_name_en": name_en, "after_name_ar": name_ar, "after_id": pk, "after_latest": latest}
    tail = "(o.name_en, o.name_ar, o.id) > (%(after_name_en)s, %(after_name_ar)s, %(after_id)s)"
    if latest is None:
        return f"AND p.latest IS NULL AND {tail}", params
    return (
        f"AND (p.latest < %(after_latest)s OR p.latest IS NULL OR (p.latest = %(after_latest)s AND {tail}))",
        params,
    )


def funding_summary_sql(group_by):
    """(group columns, SQL) of the funding summary's first page: non-cancelled commitments per group
    and currency, read, as the app does, from the totals PostgreSQL keeps (migration agreements 0004)."""
    if group_by == "year":
        columns = ["year"]
        select = "t.group_key AS year"
        join = ""
    else:
        columns = ["id", "name_en", "name_ar", "acronym"]
        select = "o.id, o.name_en, o.name_ar, o.acronym"
        join = f"JOIN {T['organization']} o ON o.id = t.group_key"
    sql = f"""
        SELECT {select}, t.currency, t.commitments, t.pledged, t.received
          FROM agreements_fundingtotal t {join}
         WHERE t.grouping = '{group_by}'
         ORDER BY coalesce(t.group_key, 9223372036854775807), t.currency
         LIMIT {PAGE_SIZE}"""
    return columns, sql


class CountingPeer:
    """A psycopg2 connection of its own that counts the statements sent."""

    def __init__(self, connection):
        self.connection = connection
        self.queries = 0

    def cursor(self):
        """A cursor, on a new connection if PostgreSQL dropped the last one (a restart mid-run)."""
        if self.connection.closed:
            import psycopg2

            self.connection = psycopg2.connect(self.connection.dsn)
            self.connection.autocommit = True
        return self.connection.cursor()

    def execute(self, sql, params=None):
        cursor = self.cursor()
        cursor.execute(sql, params)
        self.queries += 1
        return cursor


class RawPeer(CountingPeer):
    """The floor: raw SQL, rows to Python, `json.dumps`."""

    def organization_page(self, after=None, **filters):
        conditions, params = organization_conditions(**filters)
        more, more_params = keyset_after(after)
        where = " AND ".join(conditions + more) or "TRUE"
        cursor = self.execute(
            f"SELECT {', '.join('o.' + field for field in ORGANIZATION_FIELDS)}, "
            f"pa.id, pa.name_en, pa.name_ar, pa.acronym, {ALIASES_ARRAY} "
            f"FROM {page_of_organizations(where)} o LEFT JOIN {T['organization']} pa ON pa.id = o.parent_id "
            f"ORDER BY {ORGANIZATION_ORDER}",
            params + more_params,
        )
        results = []
        width = len(ORGANIZATION_FIELDS)
        for row in cursor.fetchall():
            item = dict(zip(ORGANIZATION_FIELDS, row[:width]))
            parent = row[width:width + 4]
            item["parent"] = dict(zip(("id", "name_en", "name_ar", "acronym"), parent)) if parent[0] else None
            item["aliases"] = [
                {"id": int(alias[0]), "name": alias[1], "language": alias[2], "kind": alias[3]} for alias in row[-1]
            ]
            results.append(item)
        last = results[-1] if len(results) == PAGE_SIZE else None
        following = [last["name_en"], last["name_ar"], last["id"]] if last else None
        return dumps({"next": following, "results": results})

    def organization_detail(self, pk):
        cursor = self.execute(
            f"SELECT {', '.join('o.' + field for field in ORGANIZATION_FIELDS)}, "
            f"pa.id, pa.name_en, pa.name_ar, pa.acronym, {ALIASES_ARRAY}, "
            f"ARRAY(SELECT ARRAY[u.id::text, u.name_en, u.name_ar, u.acronym] FROM {T['organization']} u WHERE u.parent_id = o.id ORDER BY u.name_en, u.name_ar, u.id) "
            f"FROM {T['organization']} o LEFT JOIN {T['organization']} pa ON pa.id = o.parent_id WHERE o.id = %s",
            [pk],
        )
        row = cursor.fetchone()
        width = len(ORGANIZATION_FIELDS)
        item = dict(zip(ORGANIZATION_FIELDS, row[:width]))
        parent = row[width:width + 4]
        item["parent"] = dict(zip(("id", "name_en", "name_ar", "acronym"), parent)) if parent[0] else None
        item["aliases"] = [{"id": int(a[0]), "name": a[1], "language": a[2], "kind": a[3]} for a in row[-2]]
        item["units"] = [{"id": int(u[0]), "name_en": u[1], "name_ar": u[2], "acronym": u[3]} for u in row[-1]]
        cursor = self.execute(
            f"SELECT a.id, a.title_en, a.title_ar, a.kind, a.status, a.signed_on, a.signed_precision, p.role "
            f"FROM {T['party']} p JOIN {T['agreement']} a ON a.id = p.agreement_id WHERE p.organization_id = %s ORDER BY p.agreement_id, p.id",
            [pk],
        )
        item["agreements"] = [
            {"agreement": {"id": r[0], "title_en": r[1], "title_ar": r[2], "kind": r[3], "status": r[4],
                           "signed_on": r[5], "signed_precision": r[6]}, "role": r[7]}
            for r in cursor.fetchall()
        ]
        cursor = self.execute(
            f"SELECT c.id, c.amount, c.currency, c.status, c.committed_on, c.committed_precision, c.donor_id = %s, "
            f"d.id, d.name_en, d.name_ar, d.acronym, r.id, r.name_en, r.name_ar, r.acronym "
            f"FROM {T['commitment']} c JOIN {T['organization']} d ON d.id = c.donor_id JOIN {T['organization']} r ON r.id = c.recipient_id "
            f"WHERE c.donor_id = %s OR c.recipient_id = %s ORDER BY c.committed_on DESC NULLS LAST, c.id",
            [pk, pk, pk],
        )
        given, received = [], []
        for r in cursor.fetchall():
            commitment = {
                "id": r[0], "amount": r[1], "currency": r[2], "status": r[3], "committed_on": r[4], "committed_precision": r[5],
                "donor": {"id": r[7], "name_en": r[8], "name_ar": r[9], "acronym": r[10]},
                "recipient": {"id": r[11], "name_en": r[12], "name_ar": r[13], "acronym": r[14]},
            }
            (given if r[6] else received).append(commitment)
        item["commitments_given"], item["commitments_received"] = given, received
        return dumps(item)

    def partner_page(self, org, after=None, limit=PAGE_SIZE):
        condition, params = partner_after(after)
        links = (
            "array_agg(ARRAY[l.link, l.record_id::text, l.title_en, l.title_ar, l.kind, l.status, l.on_date::text, l.precision] "
            "ORDER BY l.link, l.on_date DESC NULLS LAST, l.record_id) AS links"
        )
        cursor = self.execute(
            partner_page_sql(condition, limit, links) + """
            SELECT page.*, coalesce(pl.links, '{}') FROM page LEFT JOIN page_links pl ON pl.partner_id = page.id
             ORDER BY page.latest DESC NULLS LAST, page.name_en, page.name_ar, page.id""",
            {**params, "org": org, "limit": limit},
        )
        return cursor.fetchall()

    def partner_page_json(self, org, after=None):
        rows = self.partner_page(org, after)
        results = []
        for row in rows:
            agreements, meetings = [], []
            for link in row[8]:
                record = {"id": int(link[1]), "title_en": link[2], "title_ar": link[3], "kind": link[4], "status": link[5]}
                if link[0] == "agreement":
                    record.update(signed_on=link[6], signed_precision=link[7])
                    agreements.append(record)
                else:
                    record.update(starts_on=link[6], starts_precision=link[7])
                    meetings.append(record)
            results.append({
                "organization": {"id": row[0], "name_en": row[1], "name_ar": row[2], "acronym": row[3], "kind": row[4], "country": row[5]},
                "latest_contact_on": row[6], "latest_contact_precision": row[7],
                "agreements": agreements, "meetings": meetings,
            })
        last = rows[-1] if len(rows) == PAGE_SIZE else None
        return dumps({"next": [last[6], last[1], last[2], last[0]] if last else None, "results": results})

    def partner_export_csv(self, org):
        """The whole partner list as CSV, written by the csv module."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", "name_en", "name_ar", "acronym", "kind", "country", "latest_contact_on",
                         "latest_contact_precision", "agreements", "meetings"])
        for row in self.partner_page(org, limit=None):
            agreements = ";".join(link[1] for link in row[8] if link[0] == "agreement")
            meetings = ";".join(link[1] for link in row[8] if link[0] == "meeting")
            writer.writerow([*row[:8], agreements, meetings])
        return buffer.getvalue().encode("utf-8")

    def organization_export_csv(self):
        """Every organisation as CSV in the list's order, written by PostgreSQL's COPY: the
        floor for a full export (a naive export would build the whole list in memory first)."""
        buffer = io.BytesIO()
        self.cursor().copy_expert(
            f"COPY (SELECT {', '.join('o.' + field for field in ORGANIZATION_FIELDS)} FROM {T['organization']} o "
            f"ORDER BY {ORGANIZATION_ORDER}) TO STDOUT WITH (FORMAT csv, HEADER)",
            buffer,
        )
        self.queries += 1
        return buffer.getvalue()

    def funding_summary(self, group_by):
        columns, sql = funding_summary_sql(group_by)
        cursor = self.execute(sql)
        width = len(columns)
        results = []
        for row in cursor.fetchall():
            results.append({
                "group": dict(zip(columns, row[:width])), "currency": row[width], "commitments": row[width + 1],
                "pledged": row[width + 2], "received": row[width + 3], "outstanding": row[width + 2] - row[width + 3],
            })
        return dumps(results)


class JsonAggPeer(CountingPeer):
    """PostgreSQL builds the response; Python passes the bytes through."""

    def fetch_bytes(self, sql, params=None):
        """The one value `sql` selects, as UTF-8 bytes (a WITH query may stand in a subquery)."""
        cursor = self.execute(f"SELECT convert_to(({sql})::text, 'UTF8')", params)
        return bytes(cursor.fetchone()[0])

    def organization_page(self, after=None, **filters):
        conditions, params = organization_conditions(**filters)
        more, more_params = keyset_after(after)
        where = " AND ".join(conditions + more) or "TRUE"
        fields = ", ".join(f"'{field}', o.{field}" for field in ORGANIZATION_FIELDS)
        sql = f"""
            WITH page AS (
                SELECT o.name_en AS sort_en, o.name_ar AS sort_ar, o.id AS sort_id,
                       json_build_object({fields},
                         'parent', CASE WHEN pa.id IS NULL THEN NULL ELSE json_build_object(
                             'id', pa.id, 'name_en', pa.name_en, 'name_ar', pa.name_ar, 'acronym', pa.acronym) END,
                         'aliases', coalesce((SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'language', a.language, 'kind', a.kind) ORDER BY a.name)
                                                FROM {T['alias']} a WHERE a.organization_id = o.id), '[]')) AS item
                  FROM {page_of_organizations(where)} o LEFT JOIN {T['organization']} pa ON pa.id = o.parent_id
            )
            SELECT json_build_object(
                'next', (SELECT json_build_array(sort_en, sort_ar, sort_id) FROM page WHERE (SELECT count(*) FROM page) = {PAGE_SIZE}
                          ORDER BY sort_en DESC, sort_ar DESC, sort_id DESC LIMIT 1),
                'results', coalesce((SELECT json_agg(item ORDER BY sort_en, sort_ar, sort_id) FROM page), '[]'))"""
        return self.fetch_bytes(sql, params + more_params)

    def organization_detail(self, pk):
        fields = ", ".join(f"'{field}', o.{field}" for field in ORGANIZATION_FIELDS)
        summary = "json_build_object('id', {0}.id, 'name_en', {0}.name_en, 'name_ar', {0}.name_ar, 'acronym', {0}.acronym)"
        commitments = f"""coalesce((SELECT json_agg(json_build_object(
                'id', c.id, 'amount', c.amount, 'currency', c.currency, 'status', c.status, 'committed_on', c.committed_on,
                'committed_precision', c.committed_precision, 'donor', {summary.format('d')}, 'recipient', {summary.format('r')})
                ORDER BY c.committed_on DESC NULLS LAST, c.id)
              FROM {T['commitment']} c JOIN {T['organization']} d ON d.id = c.donor_id JOIN {T['organization']} r ON r.id = c.recipient_id
             WHERE c.{{0}}_id = o.id), '[]')"""
        sql = f"""
            SELECT json_build_object({fields},
              'parent', CASE WHEN pa.id IS NULL THEN NULL ELSE {summary.format('pa')} END,
              'aliases', coalesce((SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'language', a.language, 'kind', a.kind) ORDER BY a.name)
                                     FROM {T['alias']} a WHERE a.organization_id = o.id), '[]'),
              'units', coalesce((SELECT json_agg({summary.format('u')} ORDER BY u.name_en, u.name_ar, u.id)
                                   FROM {T['organization']} u WHERE u.parent_id = o.id), '[]'),
              'agreements', coalesce((SELECT json_agg(json_build_object('agreement', json_build_object(
                    'id', ag.id, 'title_en', ag.title_en, 'title_ar', ag.title_ar, 'kind', ag.kind, 'status', ag.status,
                    'signed_on', ag.signed_on, 'signed_precision', ag.signed_precision), 'role', p.role) ORDER BY p.agreement_id, p.id)
                  FROM {T['party']} p JOIN {T['agreement']} ag ON ag.id = p.agreement_id WHERE p.organization_id = o.id), '[]'),
              'commitments_given', {commitments.format('donor')},
              'commitments_received', {commitments.format('recipient')})
              FROM {T['organization']} o LEFT JOIN {T['organization']} pa ON pa.id = o.parent_id WHERE o.id = %s"""
        return self.fetch_bytes(sql, [pk])

    def partner_page_json(self, org, after=None):
        condition, params = partner_after(after)
        link = "json_build_object('id', l.record_id, 'title_en', l.title_en, 'title_ar', l.title_ar, 'kind', l.kind, 'status', l.status, '{0}_on', l.on_date, '{0}_precision', l.precision)"
        aggregates = (
            f"json_agg({link.format('signed')} ORDER BY l.on_date DESC NULLS LAST, l.record_id) FILTER (WHERE l.link = 'agreement') AS agreements, "
            f"json_agg({link.format('starts')} ORDER BY l.on_date DESC NULLS LAST, l.record_id) FILTER (WHERE l.link = 'meeting') AS meetings"
        )
        sql = partner_page_sql(condition, PAGE_SIZE, aggregates) + f""",
            items AS (
                SELECT page.*, json_build_object(
                    'organization', json_build_object('id', page.id, 'name_en', page.name_en, 'name_ar', page.name_ar,
                                                      'acronym', page.acronym, 'kind', page.kind, 'country', page.country),
                    'latest_contact_on', page.latest, 'latest_contact_precision', page.latest_precision,
                    'agreements', coalesce(pl.agreements, '[]'), 'meetings', coalesce(pl.meetings, '[]')) AS item
                  FROM page LEFT JOIN page_links pl ON pl.partner_id = page.id
            )
            SELECT json_build_object(
                'next', (SELECT json_build_array(i.latest, i.name_en, i.name_ar, i.id) FROM items i
                          WHERE (SELECT count(*) FROM items) = {PAGE_SIZE}
                          ORDER BY i.latest ASC NULLS FIRST, i.name_en DESC, i.name_ar DESC, i.id DESC LIMIT 1),
                'results', coalesce((SELECT json_agg(i.item ORDER BY i.latest DESC NULLS LAST, i.name_en, i.name_ar, i.id) FROM items i), '[]'))"""
        return self.fetch_bytes(sql, {**params, "org": org, "limit": PAGE_SIZE})

    def partner_export_csv(self, org):
        """The whole partner list as CSV, written by PostgreSQL's COPY."""
        aggregates = (
            "string_agg(l.record_id::text, ';' ORDER BY l.record_id) FILTER (WHERE l.link = 'agreement') AS agreements, "
            "string_agg(l.record_id::text, ';' ORDER BY l.record_id) FILTER (WHERE l.link = 'meeting') AS meetings"
        )
        params = {"org": org}
        query = partner_page_sql("", None, aggregates) + """
            SELECT page.id, page.name_en, page.name_ar, page.acronym, page.kind, page.country,
                   page.latest AS latest_contact_on, page.latest_precision AS latest_contact_precision, pl.agreements, pl.meetings
              FROM page LEFT JOIN page_links pl ON pl.partner_id = page.id
             ORDER BY page.latest DESC NULLS LAST, page.name_en, page.name_ar, page.id"""
        cursor = self.cursor()
        query = cursor.mogrify(query, params).decode("utf-8")
        buffer = io.BytesIO()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)", buffer)
        self.queries += 1
        return buffer.getvalue()

    def funding_summary(self, group_by):
        columns, sql = funding_summary_sql(group_by)
        group = ", ".join(f"'{column}', s.{column}" for column in columns)
        return self.fetch_bytes(
            f"""SELECT coalesce(json_agg(json_build_object('group', json_build_object({group}), 'currency', s.currency,
                    'commitments', s.commitments, 'pledged', s.pledged, 'received', s.received,
                    'outstanding', s.pledged - s.received)), '[]') FROM ({sql}) s"""
        )


# ---------------------------------------------------------------------------------------------
# The naive DRF version.

class NaiveOrganizationSerializer(CountryFieldMixin, serializers.ModelSerializer):
    """`fields = "__all__"`, with the mixin django-countries documents for DRF."""

    class Meta:
        model = Organization
        fields = "__all__"


class NaiveOrganizationFilter(django_filters.FilterSet):
    focal_area = django_filters.CharFilter(field_name="agreement_parties__agreement__focal_areas__code", distinct=True)

    class Meta:
        model = Organization
        fields = ["country", "kind", "focal_area"]


class NaivePagination(pagination.PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"


class NaiveOrganizationViewSet(viewsets.ModelViewSet):
    queryset = Organization.objects.all()
    serializer_class = NaiveOrganizationSerializer
    pagination_class = NaivePagination
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = NaiveOrganizationFilter
    search_fields = ["name_en", "name_ar", "acronym", "aliases__name"]


naive_router = routers.SimpleRouter()
naive_router.register("organizations", NaiveOrganizationViewSet, basename="naive-organization")
