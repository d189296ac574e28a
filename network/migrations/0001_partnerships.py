"""The partnership relation PostgreSQL keeps (PostgreSQL only), so a partner list reads an index
instead of walking every agreement and meeting of a hub on each request.

`network_partnership` holds one row per organisation and partner that share an agreement or a
meeting: how many agreements and meetings they share, and the date (with its precision) of the
newest. Rows with `with_units` true count the records of the organisation's units as its own
(the partner list's include_units=true), and never list its units; they are kept only for
organisations that have units.

- Triggers on the agreement parties, meeting organisers and participants refresh, after each
  statement, the pairs its changed links touch; triggers on the agreements' and meetings' dates refresh the pairs of
  that record; a change of an organisation's parent rebuilds the with-units rows of the bodies
  above it, old and new. A refresh recomputes its pair from the shared records (not a
  difference), reading them from the side with fewer links, under an advisory lock on the pair:
  a concurrent writer waits, then recomputes from what the first one committed, so neither's
  change is lost (READ COMMITTED, Django's default, gives each statement a new snapshot).
- `network_rebuild_partnerships()` recomputes the whole relation: after a bulk load that
  bypassed the triggers, or whenever in doubt (`manage.py rebuild_partnerships`). TRUNCATE runs
  no row triggers, so truncating a link table rebuilds too.

The organisation's own family is stored like any partner and left out when the list is read.
SQLite has none of this: the partner list is computed from the links there.
"""
import django.db.models.deletion
from django.db import migrations, models

from crm.indexes import postgresql_only, rebuilt_after_truncate

REBUILDING = "crm.rebuilding_partnerships"

# The link tables: the table, the kind of record it links ('a' agreement, 'm' meeting), the
# record's column, and the name of its triggers.
LINKS = [
    ("agreements_agreementparty", "a", "agreement_id", "agreementparty"),
    ("meetings_meetingorganizer", "m", "meeting_id", "meetingorganizer"),
    ("meetings_participant", "m", "meeting_id", "participant"),
]
LINK_TABLES = [table for table, *_ in LINKS]


def link_triggers(table, kind, column, name):
    """The triggers that refresh the pairs a statement's changed links of `table` touch."""
    moved = f"(o.{column}, o.organization_id) IS DISTINCT FROM (n.{column}, n.organization_id)"
    changed_links = {
        "INSERT": f"SELECT {column}, organization_id FROM new_links",
        "DELETE": f"SELECT {column}, organization_id FROM old_links",
        "UPDATE": f"SELECT o.{column}, o.organization_id FROM old_links o JOIN new_links n USING (id) WHERE {moved} "
        f"UNION ALL SELECT n.{column}, n.organization_id FROM old_links o JOIN new_links n USING (id) WHERE {moved}",
    }
    return f"""
-- Every statement's changed links at once, after it: a statement that removes all of a
-- record's links (Django deletes a record's parties in one) leaves no row to find its pairs by.
-- An update counts a link that moved as leaving its old record and joining its new one.
CREATE FUNCTION network_{name}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed record;
BEGIN
    IF current_setting('{REBUILDING}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- A statement of its own: only the event's transition tables exist to be named.
    FOR changed IN EXECUTE 'SELECT {column} AS record, array_agg(DISTINCT organization_id) AS organizations FROM ('
        || CASE TG_OP {" ".join(f"WHEN '{event}' THEN '{sql}'" for event, sql in changed_links.items())} END
        || ') links GROUP BY 1 ORDER BY 1'
    LOOP
        PERFORM network_partnership_links_changed('{kind}', changed.record, changed.organizations);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER network_{name}_added AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION network_{name}_changed();
CREATE TRIGGER network_{name}_removed AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION network_{name}_changed();
CREATE TRIGGER network_{name}_moved AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION network_{name}_changed();
"""


def drop_link_triggers(table, kind, column, name):
    triggers = "".join(f"DROP TRIGGER network_{name}_{event} ON {table};\n" for event in ("added", "removed", "moved"))
    return f"{triggers}DROP FUNCTION network_{name}_changed();\n"


REBUILT_AFTER_TRUNCATE, DROP_REBUILT_AFTER_TRUNCATE = rebuilt_after_truncate(
    "network_rebuild_partnerships_after_truncate",
    "network_rebuild_partnerships",
    {f"network_{table}_truncated": table for table in LINK_TABLES},
)

# The three functions that network 0003 rewrites (and its reverse puts back as they are here).
REFRESH = """
-- Put one row as the shared records of its organisation (or its family, with units) and its
-- partner make it, or remove it if they share none.
CREATE FUNCTION network_partnership_refresh(_org bigint, _with_units boolean, _partner bigint)
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
           max(on_date) AS latest_on, max(on_date::text || ' ' || prec) AS latest_dated
    INTO shared
    FROM (
        SELECT 'a' AS kind, a.signed_on AS on_date, a.signed_precision AS prec
        FROM agreements_agreement a
        WHERE a.id IN (SELECT agreement_id FROM agreements_agreementparty WHERE organization_id = ANY(small))
          AND EXISTS (SELECT 1 FROM agreements_agreementparty p WHERE p.agreement_id = a.id AND p.organization_id = ANY(big))
        UNION ALL
        SELECT 'm', m.starts_on, m.starts_precision
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
            (organization_id, with_units, partner_id, agreements, meetings, latest_on, latest_precision)
        VALUES (_org, _with_units, _partner, shared.agreements, shared.meetings, shared.latest_on,
                substr(shared.latest_dated, 12))
        ON CONFLICT (organization_id, with_units, partner_id) DO UPDATE SET
            agreements = excluded.agreements, meetings = excluded.meetings,
            latest_on = excluded.latest_on, latest_precision = excluded.latest_precision;
    END IF;
END $$;
"""

INSERT_ROLLUPS = """
-- The with-units rows of whole bodies, computed together: `_bodies` NULL for every body that
-- has units. The caller has deleted the rows it recomputes.
CREATE FUNCTION network_partnership_insert_rollups(_bodies bigint[]) RETURNS void LANGUAGE sql AS $$
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
    INSERT INTO network_partnership (organization_id, with_units, partner_id, agreements, meetings, latest_on, latest_precision)
    SELECT body, true, partner, count(*) FILTER (WHERE kind = 'a'), count(*) FILTER (WHERE kind = 'm'), max(on_date),
           substr(max(on_date::text || ' ' || prec), 12)
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

REBUILD = f"""
CREATE FUNCTION network_rebuild_partnerships() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Writers wait meanwhile; readers do not.
    LOCK TABLE agreements_agreementparty, meetings_meetingorganizer, meetings_participant,
        agreements_agreement, meetings_meeting, partners_organization IN SHARE ROW EXCLUSIVE MODE;
    PERFORM set_config('{REBUILDING}', 'on', true);
    DELETE FROM network_partnership;
    INSERT INTO network_partnership (organization_id, with_units, partner_id, agreements, meetings, latest_on, latest_precision)
    WITH links(organization_id, kind, record) AS (
        SELECT organization_id, 'a'::"char", agreement_id FROM agreements_agreementparty
        UNION SELECT organization_id, 'm', meeting_id FROM meetings_meetingorganizer
        UNION SELECT organization_id, 'm', meeting_id FROM meetings_participant WHERE organization_id IS NOT NULL
    )
    SELECT mine.organization_id, false, theirs.organization_id,
           count(*) FILTER (WHERE mine.kind = 'a'), count(*) FILTER (WHERE mine.kind = 'm'),
           max(coalesce(a.signed_on, m.starts_on)),
           substr(max(coalesce(a.signed_on, m.starts_on)::text || ' ' || coalesce(a.signed_precision, m.starts_precision)), 12)
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
CREATE TABLE network_partnership (
    organization_id bigint NOT NULL,
    with_units boolean NOT NULL,
    partner_id bigint NOT NULL,
    agreements integer NOT NULL,
    meetings integer NOT NULL,
    latest_on date,
    latest_precision varchar(5),
    PRIMARY KEY (organization_id, with_units, partner_id)
);
-- A page of a partner list, latest contact first, read in index order.
CREATE INDEX network_partnership_latest ON network_partnership (organization_id, with_units, latest_on DESC NULLS LAST);

-- The ids of an organisation and its units at every depth (UNION: a cycle ends).
CREATE FUNCTION network_subtree(_org bigint) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    WITH RECURSIVE units(id) AS (
        SELECT _org UNION SELECT child.id FROM partners_organization child JOIN units ON child.parent_id = units.id
    )
    SELECT array_agg(id) FROM units
$$;

-- The bodies that count an organisation's links as their units': the organisation itself if it
-- has units, and every body above it.
CREATE FUNCTION network_rollups(_org bigint) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    WITH RECURSIVE bodies(id) AS (
        SELECT parent_id FROM partners_organization WHERE id = _org AND parent_id IS NOT NULL
        UNION SELECT body.parent_id FROM partners_organization body JOIN bodies ON body.id = bodies.id
        WHERE body.parent_id IS NOT NULL
    )
    SELECT id FROM bodies
    UNION SELECT _org WHERE EXISTS (SELECT 1 FROM partners_organization WHERE parent_id = _org)
$$;

-- How many links the organisations have, counted no further than 1,000 in each table: enough to
-- tell a hub from an ordinary organisation.
CREATE FUNCTION network_link_count(_orgs bigint[]) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT (SELECT count(*) FROM (SELECT 1 FROM agreements_agreementparty WHERE organization_id = ANY(_orgs) LIMIT 1000) a)::integer
         + (SELECT count(*) FROM (SELECT 1 FROM meetings_meetingorganizer WHERE organization_id = ANY(_orgs) LIMIT 1000) o)::integer
         + (SELECT count(*) FROM (SELECT 1 FROM meetings_participant WHERE organization_id = ANY(_orgs) LIMIT 1000) p)::integer
$$;

""" + REFRESH + f"""

-- Every row a link between the two organisations touches: each one's own row for the other,
-- and the with-units rows of the bodies that count either one as their unit.
CREATE FUNCTION network_partnership_refresh_pair(_one bigint, _other bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    body bigint;
BEGIN
    IF _one = _other THEN
        RETURN;
    END IF;
    PERFORM network_partnership_refresh(_one, false, _other);
    PERFORM network_partnership_refresh(_other, false, _one);
    FOR body IN SELECT network_rollups(_one) ORDER BY 1 LOOP
        PERFORM network_partnership_refresh(body, true, _other);
    END LOOP;
    FOR body IN SELECT network_rollups(_other) ORDER BY 1 LOOP
        PERFORM network_partnership_refresh(body, true, _one);
    END LOOP;
END $$;

-- The organisations a record links (its parties, or its organisers and participants' organisations).
CREATE FUNCTION network_record_organizations(_kind "char", _record bigint) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT organization_id FROM agreements_agreementparty WHERE _kind = 'a' AND agreement_id = _record
    UNION SELECT organization_id FROM meetings_meetingorganizer WHERE _kind = 'm' AND meeting_id = _record
    UNION SELECT organization_id FROM meetings_participant
    WHERE _kind = 'm' AND meeting_id = _record AND organization_id IS NOT NULL
$$;

-- Organisations joined or left a record: their pairs with each other and with the record's
-- other organisations.
CREATE FUNCTION network_partnership_links_changed(_kind "char", _record bigint, _changed bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    one bigint;
    other bigint;
BEGIN
    FOR one IN SELECT DISTINCT changed FROM unnest(_changed) changed WHERE changed IS NOT NULL ORDER BY 1 LOOP
        FOR other IN SELECT network_record_organizations(_kind, _record)
                     UNION SELECT changed FROM unnest(_changed) changed WHERE changed IS NOT NULL ORDER BY 1 LOOP
            -- A pair of two changed organisations once.
            IF other <> ALL(_changed) OR one < other THEN
                PERFORM network_partnership_refresh_pair(one, other);
            END IF;
        END LOOP;
    END LOOP;
END $$;

-- A record's date changed: every pair among its organisations.
CREATE FUNCTION network_partnership_record_changed(_kind "char", _record bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{REBUILDING}', true) = 'on' THEN
        RETURN;
    END IF;
    PERFORM network_partnership_links_changed(_kind, _record, ARRAY(SELECT network_record_organizations(_kind, _record)));
END $$;

-- The trigger's argument is the kind of record whose date changed ('a' agreement, 'm' meeting).
CREATE FUNCTION network_record_dated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM network_partnership_record_changed(TG_ARGV[0]::"char", NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER network_agreement_dated AFTER UPDATE ON agreements_agreement FOR EACH ROW
    WHEN (OLD.signed_on IS DISTINCT FROM NEW.signed_on OR OLD.signed_precision IS DISTINCT FROM NEW.signed_precision)
    EXECUTE FUNCTION network_record_dated('a');
CREATE TRIGGER network_meeting_dated AFTER UPDATE ON meetings_meeting FOR EACH ROW
    WHEN (OLD.starts_on IS DISTINCT FROM NEW.starts_on OR OLD.starts_precision IS DISTINCT FROM NEW.starts_precision)
    EXECUTE FUNCTION network_record_dated('m');

""" + INSERT_ROLLUPS + f"""

CREATE FUNCTION network_rebuild_rollups(_bodies bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    body bigint;
BEGIN
    FOR body IN SELECT unnest(_bodies) ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended('network.units:' || body, 0));
    END LOOP;
    DELETE FROM network_partnership WHERE with_units AND organization_id = ANY(_bodies);
    PERFORM network_partnership_insert_rollups(_bodies);
END $$;

-- A body gained or lost a unit (a new organisation under it, one moved or deleted): the
-- with-units rows of it and every body above it, before and after.
CREATE FUNCTION network_organization_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bodies bigint[] := '{{}}';
BEGIN
    IF current_setting('{REBUILDING}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.parent_id IS NOT NULL THEN
        bodies := bodies || ARRAY(SELECT network_rollups(OLD.parent_id) UNION SELECT OLD.parent_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.parent_id IS NOT NULL THEN
        bodies := bodies || ARRAY(SELECT network_rollups(NEW.parent_id) UNION SELECT NEW.parent_id);
    END IF;
    bodies := ARRAY(SELECT DISTINCT unnest(bodies) EXCEPT SELECT NEW.id WHERE TG_OP <> 'DELETE');
    IF cardinality(bodies) > 0 THEN
        PERFORM network_rebuild_rollups(bodies);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER network_organization_added AFTER INSERT ON partners_organization FOR EACH ROW
    WHEN (NEW.parent_id IS NOT NULL) EXECUTE FUNCTION network_organization_moved();
CREATE TRIGGER network_organization_deleted AFTER DELETE ON partners_organization FOR EACH ROW
    WHEN (OLD.parent_id IS NOT NULL) EXECUTE FUNCTION network_organization_moved();
CREATE TRIGGER network_organization_moved AFTER UPDATE ON partners_organization FOR EACH ROW
    WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION network_organization_moved();

""" + REBUILD + """
""" + "".join(link_triggers(*link) for link in LINKS) + REBUILT_AFTER_TRUNCATE + """
SELECT network_rebuild_partnerships();
"""

DROP = DROP_REBUILT_AFTER_TRUNCATE + """
DROP TRIGGER network_organization_added ON partners_organization;
DROP TRIGGER network_organization_deleted ON partners_organization;
DROP TRIGGER network_organization_moved ON partners_organization;
DROP TRIGGER network_meeting_dated ON meetings_meeting;
DROP TRIGGER network_agreement_dated ON agreements_agreement;
""" + "".join(drop_link_triggers(*link) for link in LINKS) + """
DROP FUNCTION network_rebuild_partnerships();
DROP FUNCTION network_organization_moved();
DROP FUNCTION network_rebuild_rollups(bigint[]);
DROP FUNCTION network_partnership_insert_rollups(bigint[]);
DROP FUNCTION network_record_dated();
DROP FUNCTION network_partnership_record_changed("char", bigint);
DROP FUNCTION network_partnership_links_changed("char", bigint, bigint[]);
DROP FUNCTION network_record_organizations("char", bigint);
DROP FUNCTION network_partnership_refresh_pair(bigint, bigint);
DROP FUNCTION network_partnership_refresh(bigint, boolean, bigint);
DROP FUNCTION network_link_count(bigint[]);
DROP FUNCTION network_rollups(bigint);
DROP FUNCTION network_subtree(bigint);
DROP TABLE network_partnership;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("agreements", "0008_updated_at"),
        ("meetings", "0008_meeting_updated_at"),
        ("partners", "0009_updated_at"),
    ]

    operations = [
        postgresql_only(CREATE, DROP),
        migrations.CreateModel(
            name="Partnership",
            fields=[
                ("pk", models.CompositePrimaryKey("organization", "with_units", "partner", blank=True, editable=False, primary_key=True, serialize=False)),
                ("organization", models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="partnerships", to="partners.organization")),
                ("with_units", models.BooleanField()),
                ("partner", models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="partnerships_as_partner", to="partners.organization")),
                ("agreements", models.IntegerField()),
                ("meetings", models.IntegerField()),
                ("latest_on", models.DateField(null=True)),
                ("latest_precision", models.CharField(max_length=5, null=True)),
            ],
            options={"db_table": "network_partnership", "managed": False},
        ),
    ]
