"""Funding totals kept by the database (PostgreSQL only), so the funding summary reads a few
hundred rows instead of summing every commitment and payment on each request.

- `agreements_fundingcommitment.received_total`: the sum of the commitment's payments, kept by a
  trigger on the payments. Django does not know the column, so no ORM save can overwrite it.
- `agreements_fundingtotal`: per grouping (donor, recipient, year, focal area) and currency, the
  number of commitments, pledged and received, cancelled commitments left out. Triggers on the
  commitments and their focal areas add each change as a difference, under the commitment's row
  lock, so concurrent writers do not lose each other's changes.
- `agreements_rebuild_funding_totals()` recomputes both from scratch: after a bulk load that
  bypassed the triggers, or whenever in doubt (`manage.py rebuild_funding_totals`). TRUNCATE runs
  no row triggers, so truncating any of the three tables rebuilds too.

SQLite has none of this: the summary is summed live there, on data small enough for it.
"""
from django.db import migrations

from crm.indexes import postgresql_only, rebuilt_after_truncate

REBUILDING = "crm.rebuilding_funding_totals"

REBUILT_AFTER_TRUNCATE, DROP_REBUILT_AFTER_TRUNCATE = rebuilt_after_truncate(
    "agreements_rebuild_funding_totals_after_truncate",
    "agreements_rebuild_funding_totals",
    {
        f"{table}_truncated": table
        for table in ["agreements_fundingcommitment", "agreements_payment", "agreements_fundingcommitmentfocalarea"]
    },
)

CREATE = f"""
ALTER TABLE agreements_fundingcommitment ADD COLUMN received_total numeric NOT NULL DEFAULT 0;

CREATE TABLE agreements_fundingtotal (
    grouping varchar(10) NOT NULL CHECK (grouping IN ('donor', 'recipient', 'year', 'focal_area')),
    group_key bigint,  -- the organisation, the focal area or the year; NULL: without a date or a focal area
    currency varchar(3) NOT NULL,
    commitments integer NOT NULL,
    pledged numeric NOT NULL,
    received numeric NOT NULL
);
-- An empty group (no date, no focal area) sorts last, as the summary lists it.
CREATE UNIQUE INDEX agreements_fundingtotal_group
    ON agreements_fundingtotal (grouping, (coalesce(group_key, 9223372036854775807)), currency);

CREATE FUNCTION agreements_fundingtotal_add(
    _grouping text, _key bigint, _currency text, _commitments integer, _pledged numeric, _received numeric
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO agreements_fundingtotal AS t (grouping, group_key, currency, commitments, pledged, received)
    VALUES (_grouping, _key, _currency, _commitments, _pledged, _received)
    ON CONFLICT (grouping, (coalesce(group_key, 9223372036854775807)), currency) DO UPDATE SET
        commitments = t.commitments + excluded.commitments,
        pledged = t.pledged + excluded.pledged,
        received = t.received + excluded.received;
    DELETE FROM agreements_fundingtotal t
    WHERE t.grouping = _grouping AND coalesce(t.group_key, 9223372036854775807) = coalesce(_key, 9223372036854775807) AND t.currency = _currency
      AND t.commitments = 0;
END $$;

CREATE FUNCTION agreements_fundingtotal_apply(c agreements_fundingcommitment, sign integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    area bigint;
BEGIN
    IF c.status = 'cancelled' THEN
        RETURN;
    END IF;
    PERFORM agreements_fundingtotal_add('year', extract(year FROM c.committed_on)::bigint, c.currency,
                                        sign, sign * c.amount, sign * c.received_total);
    PERFORM agreements_fundingtotal_add('donor', c.donor_id, c.currency, sign, sign * c.amount, sign * c.received_total);
    PERFORM agreements_fundingtotal_add('recipient', c.recipient_id, c.currency,
                                        sign, sign * c.amount, sign * c.received_total);
    FOR area IN SELECT focal_area_id FROM agreements_fundingcommitmentfocalarea WHERE commitment_id = c.id LOOP
        PERFORM agreements_fundingtotal_add('focal_area', area, c.currency, sign, sign * c.amount, sign * c.received_total);
    END LOOP;
    IF NOT FOUND THEN
        PERFORM agreements_fundingtotal_add('focal_area', NULL, c.currency, sign, sign * c.amount, sign * c.received_total);
    END IF;
END $$;

CREATE FUNCTION agreements_fundingcommitment_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{REBUILDING}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM agreements_fundingtotal_apply(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM agreements_fundingtotal_apply(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER agreements_fundingcommitment_totals
    AFTER INSERT OR DELETE ON agreements_fundingcommitment
    FOR EACH ROW EXECUTE FUNCTION agreements_fundingcommitment_totals();
CREATE TRIGGER agreements_fundingcommitment_totals_update
    AFTER UPDATE ON agreements_fundingcommitment FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.amount IS DISTINCT FROM NEW.amount
          OR OLD.currency IS DISTINCT FROM NEW.currency OR OLD.committed_on IS DISTINCT FROM NEW.committed_on
          OR OLD.donor_id IS DISTINCT FROM NEW.donor_id OR OLD.recipient_id IS DISTINCT FROM NEW.recipient_id
          OR OLD.received_total IS DISTINCT FROM NEW.received_total)
    EXECUTE FUNCTION agreements_fundingcommitment_totals();

-- A payment moves the commitment's received_total; the commitment's own trigger then moves the
-- totals, from the row version the UPDATE locked.
CREATE FUNCTION agreements_payment_received() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{REBUILDING}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE agreements_fundingcommitment SET received_total = received_total - OLD.amount
        WHERE id = OLD.commitment_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE agreements_fundingcommitment SET received_total = received_total + NEW.amount
        WHERE id = NEW.commitment_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER agreements_payment_received
    AFTER INSERT OR DELETE ON agreements_payment
    FOR EACH ROW EXECUTE FUNCTION agreements_payment_received();
CREATE TRIGGER agreements_payment_received_update
    AFTER UPDATE ON agreements_payment FOR EACH ROW
    WHEN (OLD.amount IS DISTINCT FROM NEW.amount OR OLD.commitment_id IS DISTINCT FROM NEW.commitment_id)
    EXECUTE FUNCTION agreements_payment_received();

-- A commitment without focal areas counts in the focal-area group NULL. The trigger runs BEFORE
-- each row, so that it sees the focal areas as they were before this row (a statement adding two
-- at once would otherwise see both from the first). FOR NO KEY UPDATE waits for a concurrent
-- change of the commitment or of its focal areas and then reads its new version, so the focal
-- area's row, the NULL group and the commitment's own trigger all see the same figures. Django
-- deletes a commitment's focal areas before the commitment; if the commitment went first, its
-- own trigger already took them out. A hand-written INSERT … ON CONFLICT DO NOTHING would count
-- a row it then skips (BEFORE triggers run before the conflict check): the rebuild mends that.
CREATE FUNCTION agreements_fundingcommitmentfocalarea_add(link agreements_fundingcommitmentfocalarea, sign integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c agreements_fundingcommitment;
BEGIN
    SELECT * INTO c FROM agreements_fundingcommitment WHERE id = link.commitment_id FOR NO KEY UPDATE;
    IF NOT FOUND OR c.status = 'cancelled' THEN
        RETURN;
    END IF;
    PERFORM agreements_fundingtotal_add('focal_area', link.focal_area_id, c.currency,
                                        sign, sign * c.amount, sign * c.received_total);
    IF NOT EXISTS (SELECT 1 FROM agreements_fundingcommitmentfocalarea o WHERE o.commitment_id = c.id AND o.id <> link.id) THEN
        PERFORM agreements_fundingtotal_add('focal_area', NULL, c.currency, -sign, -sign * c.amount, -sign * c.received_total);
    END IF;
END $$;

CREATE FUNCTION agreements_fundingcommitmentfocalarea_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{REBUILDING}', true) IS DISTINCT FROM 'on' THEN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM agreements_fundingcommitmentfocalarea_add(OLD, -1);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM agreements_fundingcommitmentfocalarea_add(NEW, 1);
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER agreements_fundingcommitmentfocalarea_totals
    BEFORE INSERT OR UPDATE OR DELETE ON agreements_fundingcommitmentfocalarea
    FOR EACH ROW EXECUTE FUNCTION agreements_fundingcommitmentfocalarea_totals();

CREATE FUNCTION agreements_rebuild_funding_totals() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Writers wait meanwhile; readers do not.
    LOCK TABLE agreements_fundingcommitment, agreements_payment, agreements_fundingcommitmentfocalarea
        IN SHARE ROW EXCLUSIVE MODE;
    PERFORM set_config('{REBUILDING}', 'on', true);
    UPDATE agreements_fundingcommitment c SET received_total = sums.total
    FROM (
        SELECT c.id, coalesce(sum(p.amount), 0) AS total
        FROM agreements_fundingcommitment c LEFT JOIN agreements_payment p ON p.commitment_id = c.id
        GROUP BY c.id
    ) sums
    WHERE sums.id = c.id AND c.received_total <> sums.total;
    DELETE FROM agreements_fundingtotal;
    INSERT INTO agreements_fundingtotal (grouping, group_key, currency, commitments, pledged, received)
    SELECT 'year', extract(year FROM committed_on)::bigint, currency, count(*), sum(amount), sum(received_total)
    FROM agreements_fundingcommitment WHERE status <> 'cancelled' GROUP BY 2, 3
    UNION ALL
    SELECT 'donor', donor_id, currency, count(*), sum(amount), sum(received_total)
    FROM agreements_fundingcommitment WHERE status <> 'cancelled' GROUP BY 2, 3
    UNION ALL
    SELECT 'recipient', recipient_id, currency, count(*), sum(amount), sum(received_total)
    FROM agreements_fundingcommitment WHERE status <> 'cancelled' GROUP BY 2, 3
    UNION ALL
    SELECT 'focal_area', l.focal_area_id, c.currency, count(*), sum(c.amount), sum(c.received_total)
    FROM agreements_fundingcommitment c LEFT JOIN agreements_fundingcommitmentfocalarea l ON l.commitment_id = c.id
    WHERE c.status <> 'cancelled' GROUP BY 2, 3;
    PERFORM set_config('{REBUILDING}', 'off', true);
    -- Without statistics of the new rows the planner sorts a whole grouping to read one page.
    ANALYZE agreements_fundingtotal;
END $$;

""" + REBUILT_AFTER_TRUNCATE + """
SELECT agreements_rebuild_funding_totals();
"""

DROP = DROP_REBUILT_AFTER_TRUNCATE + """
DROP TRIGGER agreements_fundingcommitmentfocalarea_totals ON agreements_fundingcommitmentfocalarea;
DROP TRIGGER agreements_payment_received ON agreements_payment;
DROP TRIGGER agreements_payment_received_update ON agreements_payment;
DROP TRIGGER agreements_fundingcommitment_totals ON agreements_fundingcommitment;
DROP TRIGGER agreements_fundingcommitment_totals_update ON agreements_fundingcommitment;
DROP FUNCTION agreements_rebuild_funding_totals();
DROP FUNCTION agreements_fundingcommitmentfocalarea_totals();
DROP FUNCTION agreements_fundingcommitmentfocalarea_add(agreements_fundingcommitmentfocalarea, integer);
DROP FUNCTION agreements_payment_received();
DROP FUNCTION agreements_fundingcommitment_totals();
DROP FUNCTION agreements_fundingtotal_apply(agreements_fundingcommitment, integer);
DROP FUNCTION agreements_fundingtotal_add(text, bigint, text, integer, numeric, numeric);
DROP TABLE agreements_fundingtotal;
ALTER TABLE agreements_fundingcommitment DROP COLUMN received_total;
"""


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_constraint_errors_on_fields")]

    operations = [postgresql_only(CREATE, DROP)]
