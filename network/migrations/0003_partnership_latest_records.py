"""The kept partnership relation keeps, per pair, the ids of the latest 20 agreements and the
latest 20 meetings the two share (latest first, the undated last, of one day the last recorded:
the order of a partner line's lists). A line's lists are then 40 lookups by primary key at most,
where they walked every link of the partner to find the few it shares with the organisation: at
L a partner of a hub is often a hub too, and its 1,100 agreements were read to find the 2 shared.

The lists are recomputed wherever the counts are (the refresh of a pair, the with-units rows of a
body, the rebuild), from the same shared records, so they follow every change the counts follow:
links added, removed or moved, a record's date, a unit that moves. PostgreSQL only, as the
relation is.
"""
import importlib

import django.contrib.postgres.fields
from django.db import migrations, models

from crm.indexes import postgresql_only

REBUILDING = "crm.rebuilding_partnerships"
# As many as a partner line shows (network.partnerships.PARTNER_LINKS_SHOWN).
LATEST_KEPT = 20


def latest(kind, record, date):
    """The ids of the latest LATEST_KEPT records of `kind` among the aggregated rows ('{}' if none)."""
    return (
        f"coalesce((array_agg({record} ORDER BY {date} DESC NULLS LAST, {record} DESC) "
        f"FILTER (WHERE {kind}))[1:{LATEST_KEPT}], '{{}}')"
    )


REFRESH = f"""
-- Put one row as the shared records of its organisation (or its family, with units) and its
-- partner make it, or remove it if they share none.
CREATE OR REPLACE FUNCTION network_partnership_refresh(_org bigint, _with_units boolean, _partner bigint)
RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    mine bigint[];
    small bigint[];
    big bigint[];
    shared record;
BEGIN
    IF _org = _partner THEN
        RETURN;
    END IF;
    IF _with_units THEN
        -- The rebuild of this body's rows (its family changed) excludes every refresh of them.
        PERFORM pg_advisory_xact_lock_shared(hashtextextended('network.units:' || _org, 0));
        mine := network_subtree(_org);
        IF _partner = ANY(mine) THEN
            -- Its own unit is never its partner (a unit that moved out is no longer in `mine`).
            DELETE FROM network_partnership WHERE organization_id = _org AND with_units AND partner_id = _partner;
            RETURN;
        END IF;
    ELSE
        mine := ARRAY[_org];
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('network.pair:' || _org || ':' || _with_units || ':' || _partner, 0));
    IF network_link_count(mine) <= network_link_count(ARRAY[_partner]) THEN
        small := mine; big := ARRAY[_partner];
    ELSE
        small := ARRAY[_partner]; big := mine;
    END IF;
    SELECT count(*) FILTER (WHERE kind = 'a') AS agreements, count(*) FILTER (WHERE kind = 'm') AS meetings,
           max(on_date) AS latest_on, max(on_date::text || ' ' || prec) AS latest_dated,
           {latest("kind = 'a'", "record", "on_date")} AS latest_agreements,
           {latest("kind = 'm'", "record", "on_date")} AS latest_meetings
    INTO shared
    FROM (
        SELECT 'a' AS kind, a.id AS record, a.signed_on AS on_date, a.signed_precision AS prec
        FROM agreements_agreement a
        WHERE a.id IN (SELECT agreement_id FROM agreements_agreementparty WHERE organization_id = ANY(small))
          AND EXISTS (SELECT 1 FROM agreements_agreementparty p WHERE p.agreement_id = a.id AND p.organization_id = ANY(big))
        UNION ALL
        SELECT 'm', m.id, m.starts_on, m.starts_precision
        FROM meetings_meeting m
        WHERE m.id IN (SELECT meeting_id FROM meetings_meetingorganizer WHERE organization_id = ANY(small)
                       UNION SELECT meeting_id FROM meetings_participant WHERE organization_id = ANY(small))
          AND (EXISTS (SELECT 1 FROM meetings_meetingorganizer o WHERE o.meeting_id = m.id AND o.organization_id = ANY(big))
               OR EXISTS (SELECT 1 FROM meetings_participant p WHERE p.meeting_id = m.id AND p.organization_id = ANY(big)))
    ) records;
    IF shared.agreements + shared.meetings = 0 THEN
        DELETE FROM network_partnership
        WHERE organization_id = _org AND with_units = _with_units AND partner_id = _partner;
    ELSE
        INSERT INTO network_partnership AS kept
            (organization_id, with_units, partner_id, agreements, meetings, latest_on, latest_precision,
             latest_agreements, latest_meetings)
        VALUES (_org, _with_units, _partner, shared.agreements, shared.meetings, shared.latest_on,
                substr(shared.latest_dated, 12), shared.latest_agreements, shared.latest_meetings)
        ON CONFLICT (organization_id, with_units, partner_id) DO UPDATE SET
            agreements = excluded.agreements, meetings = excluded.meetings,
            latest_on = excluded.latest_on, latest_precision = excluded.latest_precision,
            latest_agreements = excluded.latest_agreements, latest_meetings = excluded.latest_meetings;
    END IF;
END $$;
"""

INSERT_ROLLUPS = f"""
-- The with-units rows of whole bodies, computed together: `_bodies` NULL for every body that
-- has units. The caller has deleted the rows it recomputes.
CREATE OR REPLACE FUNCTION network_partnership_insert_rollups(_bodies bigint[]) RETURNS void LANGUAGE sql AS $$
    WITH RECURSIVE family(body, member) AS (
        SELECT id, id FROM partners_organization
        WHERE (_bodies IS NULL OR id = ANY(_bodies)) AND EXISTS (SELECT 1 FROM partners_organization u WHERE u.parent_id = partners_organization.id)
        UNION SELECT family.body, unit.id FROM partners_organization unit JOIN family ON unit.parent_id = family.member
    ),
    links(organization_id, kind, record) AS (
        SELECT organization_id, 'a'::"char", agreement_id FROM agreements_agreementparty
        UNION ALL SELECT organization_id, 'm', meeting_id FROM meetings_meetingorganizer
        UNION ALL SELECT organization_id, 'm', meeting_id FROM meetings_participant WHERE organization_id IS NOT NULL
    ),
    body_records AS (
        SELECT DISTINCT family.body, links.kind, links.record FROM family JOIN links ON links.organization_id = family.member
    )
    INSERT INTO network_partnership (organization_id, with_units, partner_id, agreements, meetings, latest_on, latest_precision,
                                     latest_agreements, latest_meetings)
    SELECT body, true, partner, count(*) FILTER (WHERE kind = 'a'), count(*) FILTER (WHERE kind = 'm'), max(on_date),
           substr(max(on_date::text || ' ' || prec), 12),
           {latest("kind = 'a'", "record", "on_date")}, {latest("kind = 'm'", "record", "on_date")}
    FROM (
        SELECT DISTINCT r.body, l.organization_id AS partner, r.kind, r.record,
               coalesce(a.signed_on, m.starts_on) AS on_date, coalesce(a.signed_precision, m.starts_precision) AS prec
        FROM body_records r
        JOIN links l ON l.kind = r.kind AND l.record = r.record
        -- The body's own units are never its partners.
        AND NOT EXISTS (SELECT 1 FROM family f WHERE f.body = r.body AND f.member = l.organization_id)
        LEFT JOIN agreements_agreement a ON r.kind = 'a' AND a.id = r.record
        LEFT JOIN meetings_meeting m ON r.kind = 'm' AND m.id = r.record
    ) shared
    GROUP BY body, partner
$$;
"""

SHARED_ON = "coalesce(a.signed_on, m.starts_on)"

REBUILD = f"""
CREATE OR REPLACE FUNCTION network_rebuild_partnerships() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Writers wait meanwhile; readers do not.
    LOCK TABLE agreements_agreementparty, meetings_meetingorganizer, meetings_participant,
        agreements_agreement, meetings_meeting, partners_organization IN SHARE ROW EXCLUSIVE MODE;
    PERFORM set_config('{REBUILDING}', 'on', true);
    DELETE FROM network_partnership;
    INSERT INTO network_partnership (organization_id, with_units, partner_id, agreements, meetings, latest_on, latest_precision,
                                     latest_agreements, latest_meetings)
    WITH links(organization_id, kind, record) AS (
        SELECT organization_id, 'a'::"char", agreement_id FROM agreements_agreementparty
        UNION SELECT organization_id, 'm', meeting_id FROM meetings_meetingorganizer
        UNION SELECT organization_id, 'm', meeting_id FROM meetings_participant WHERE organization_id IS NOT NULL
    )
    SELECT mine.organization_id, false, theirs.organization_id,
           count(*) FILTER (WHERE mine.kind = 'a'), count(*) FILTER (WHERE mine.kind = 'm'),
           max({SHARED_ON}),
           substr(max({SHARED_ON}::text || ' ' || coalesce(a.signed_precision, m.starts_precision)), 12),
           {latest("mine.kind = 'a'", "mine.record", SHARED_ON)}, {latest("mine.kind = 'm'", "mine.record", SHARED_ON)}
    FROM links mine
    JOIN links theirs ON theirs.kind = mine.kind AND theirs.record = mine.record AND theirs.organization_id <> mine.organization_id
    LEFT JOIN agreements_agreement a ON mine.kind = 'a' AND a.id = mine.record
    LEFT JOIN meetings_meeting m ON mine.kind = 'm' AND m.id = mine.record
    GROUP BY mine.organization_id, theirs.organization_id;
    PERFORM network_partnership_insert_rollups(NULL);
    PERFORM set_config('{REBUILDING}', 'off', true);
    -- Without statistics of the new rows the planner would not read a page by the index.
    ANALYZE network_partnership;
END $$;
"""

CREATE = f"""
ALTER TABLE network_partnership
    ADD COLUMN latest_agreements bigint[] NOT NULL DEFAULT '{{}}',
    ADD COLUMN latest_meetings bigint[] NOT NULL DEFAULT '{{}}';
{REFRESH}{INSERT_ROLLUPS}{REBUILD}
SELECT network_rebuild_partnerships();
"""

partnerships = importlib.import_module("network.migrations.0001_partnerships")
DROP = "".join(
    function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    for function in (partnerships.REFRESH, partnerships.INSERT_ROLLUPS, partnerships.REBUILD)
) + """
ALTER TABLE network_partnership DROP COLUMN latest_agreements, DROP COLUMN latest_meetings;
"""


class Migration(migrations.Migration):
    dependencies = [("network", "0002_partnership_contact_order")]

    operations = [
        postgresql_only(CREATE, DROP),
        # The model is unmanaged: these tell Django's state of it, and touch no table.
        *(
            migrations.AddField(
                model_name="partnership",
                name=name,
                field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), size=None),
            )
            for name in ("latest_agreements", "latest_meetings")
        ),
    ]
