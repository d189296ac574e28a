"""An organisation's page lists its latest agreements and commitments first, each read from one
index on PostgreSQL however many the organisation has.

A party row keeps a copy of its agreement's signing date (agreement_signed_on), which the
database maintains on both engines: whatever writes an agreement or a party (the admin, the API,
fixtures, a script, a bulk update) cannot leave it stale, and a value written to it directly is
replaced by the agreement's. (bench/generate.py, which loads with triggers off, writes the copy itself.)
"""
from django.db import migrations, models

from crm.indexes import postgresql_indexes, triggers

POSTGRESQL = """
CREATE FUNCTION agreements_party_signing_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- FOR SHARE waits for a transaction changing the agreement's date, and makes one that starts
    -- later wait for this one, whose trigger then sees this party: neither copy goes stale.
    NEW.agreement_signed_on := (SELECT signed_on FROM agreements_agreement WHERE id = NEW.agreement_id FOR SHARE);
    RETURN NEW;
END $$;
CREATE TRIGGER agreements_party_signing_date BEFORE INSERT OR UPDATE OF agreement_id, agreement_signed_on
    ON agreements_agreementparty FOR EACH ROW EXECUTE FUNCTION agreements_party_signing_date();

CREATE FUNCTION agreements_agreement_signing_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE agreements_agreementparty SET agreement_signed_on = NEW.signed_on
        WHERE agreement_id = NEW.id AND agreement_signed_on IS DISTINCT FROM NEW.signed_on;
    RETURN NULL;
END $$;
CREATE TRIGGER agreements_agreement_signing_date AFTER INSERT OR UPDATE OF signed_on
    ON agreements_agreement FOR EACH ROW EXECUTE FUNCTION agreements_agreement_signing_date();

UPDATE agreements_agreementparty party SET agreement_signed_on = agreement.signed_on
    FROM agreements_agreement agreement WHERE agreement.id = party.agreement_id AND agreement.signed_on IS NOT NULL;
"""
POSTGRESQL_DROP = """
DROP TRIGGER agreements_agreement_signing_date ON agreements_agreement;
DROP FUNCTION agreements_agreement_signing_date();
DROP TRIGGER agreements_party_signing_date ON agreements_agreementparty;
DROP FUNCTION agreements_party_signing_date();
"""

# SQLite's triggers cannot change the row being written: it is corrected just after.
PARTY_DATE = "(SELECT signed_on FROM agreements_agreement WHERE id = NEW.agreement_id)"
SQLITE = {
    "agreements_party_signing_date_insert": f"""AFTER INSERT ON agreements_agreementparty
        BEGIN UPDATE agreements_agreementparty SET agreement_signed_on = {PARTY_DATE} WHERE id = NEW.id; END""",
    "agreements_party_signing_date_update": f"""AFTER UPDATE OF agreement_id, agreement_signed_on
        ON agreements_agreementparty WHEN NEW.agreement_signed_on IS NOT {PARTY_DATE}
        BEGIN UPDATE agreements_agreementparty SET agreement_signed_on = {PARTY_DATE} WHERE id = NEW.id; END""",
    "agreements_agreement_signing_date_insert": """AFTER INSERT ON agreements_agreement
        BEGIN UPDATE agreements_agreementparty SET agreement_signed_on = NEW.signed_on WHERE agreement_id = NEW.id; END""",
    "agreements_agreement_signing_date_update": """AFTER UPDATE OF signed_on ON agreements_agreement
        BEGIN UPDATE agreements_agreementparty SET agreement_signed_on = NEW.signed_on WHERE agreement_id = NEW.id; END""",
}


SQLITE_BACKFILL = [
    (
        "UPDATE agreements_agreementparty SET agreement_signed_on = (SELECT signed_on FROM agreements_agreement "
        "WHERE agreements_agreement.id = agreements_agreementparty.agreement_id)"
    )
]


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0009_partner_link_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='agreementparty',
            name='agreement_signed_on',
            field=models.DateField(editable=False, null=True, verbose_name='agreement signed on'),
        ),
        triggers(POSTGRESQL, POSTGRESQL_DROP, SQLITE, SQLITE_BACKFILL),
        # The planner costs an organisation's agreements as the average organisation's fifteen,
        # not a hub's thousands; with the role included, reading the index in order without the
        # table is the cheapest plan for every organisation, and the one a hub needs.
        postgresql_indexes({
            "agreementparty_latest": "agreements_agreementparty "
            "(organization_id, agreement_signed_on DESC NULLS LAST, agreement_id DESC) INCLUDE (role)",
            "commitment_latest_donor": "agreements_fundingcommitment (donor_id, committed_on DESC NULLS LAST, id DESC)",
            "commitment_latest_recipient": "agreements_fundingcommitment (recipient_id, committed_on DESC NULLS LAST, id DESC)",
        }),
    ]
