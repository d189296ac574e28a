"""A partner list's lines show the latest meetings each partner shares with the organisation,
each read in index order on PostgreSQL however many the partner has.

An organiser row and a participant row keep a copy of their meeting's start date
(meeting_starts_on), which the database maintains on both engines, as agreements 0010 does for a
party's signing date: whatever writes a meeting, an organiser or a participant cannot leave it
stale, and a value written to it directly is replaced by the meeting's. (bench/generate.py,
which loads with triggers off, writes the copy itself.)
"""
from django.db import migrations, models

from crm.indexes import postgresql_indexes, triggers

LINK_TABLES = ["meetings_meetingorganizer", "meetings_participant"]
MEETING_DATE = "(SELECT starts_on FROM meetings_meeting WHERE id = NEW.meeting_id)"

# FOR SHARE waits for a transaction changing the meeting's date, and makes one that starts later
# wait for this one, whose trigger then sees this row: neither copy goes stale.
POSTGRESQL = """
CREATE FUNCTION meetings_link_starting_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.meeting_starts_on := (SELECT starts_on FROM meetings_meeting WHERE id = NEW.meeting_id FOR SHARE);
    RETURN NEW;
END $$;
CREATE FUNCTION meetings_meeting_starting_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meetings_meetingorganizer SET meeting_starts_on = NEW.starts_on
        WHERE meeting_id = NEW.id AND meeting_starts_on IS DISTINCT FROM NEW.starts_on;
    UPDATE meetings_participant SET meeting_starts_on = NEW.starts_on
        WHERE meeting_id = NEW.id AND meeting_starts_on IS DISTINCT FROM NEW.starts_on;
    RETURN NULL;
END $$;
CREATE TRIGGER meetings_meeting_starting_date AFTER INSERT OR UPDATE OF starts_on
    ON meetings_meeting FOR EACH ROW EXECUTE FUNCTION meetings_meeting_starting_date();
""" + "".join(
    f"""
CREATE TRIGGER {table}_starting_date BEFORE INSERT OR UPDATE OF meeting_id, meeting_starts_on
    ON {table} FOR EACH ROW EXECUTE FUNCTION meetings_link_starting_date();
UPDATE {table} link SET meeting_starts_on = meeting.starts_on
    FROM meetings_meeting meeting WHERE meeting.id = link.meeting_id AND meeting.starts_on IS NOT NULL;
"""
    for table in LINK_TABLES
)
POSTGRESQL_DROP = "".join(f"DROP TRIGGER {table}_starting_date ON {table};\n" for table in LINK_TABLES) + """
DROP TRIGGER meetings_meeting_starting_date ON meetings_meeting;
DROP FUNCTION meetings_meeting_starting_date();
DROP FUNCTION meetings_link_starting_date();
"""

# SQLite's triggers cannot change the row being written: it is corrected just after.
SQLITE = {
    "meetings_meeting_starting_date_insert": "AFTER INSERT ON meetings_meeting BEGIN "
    + " ".join(f"UPDATE {table} SET meeting_starts_on = NEW.starts_on WHERE meeting_id = NEW.id;" for table in LINK_TABLES)
    + " END",
    "meetings_meeting_starting_date_update": "AFTER UPDATE OF starts_on ON meetings_meeting BEGIN "
    + " ".join(f"UPDATE {table} SET meeting_starts_on = NEW.starts_on WHERE meeting_id = NEW.id;" for table in LINK_TABLES)
    + " END",
}
for _table in LINK_TABLES:
    SQLITE[f"{_table}_starting_date_insert"] = f"""AFTER INSERT ON {_table}
        BEGIN UPDATE {_table} SET meeting_starts_on = {MEETING_DATE} WHERE id = NEW.id; END"""
    SQLITE[f"{_table}_starting_date_update"] = f"""AFTER UPDATE OF meeting_id, meeting_starts_on ON {_table}
        WHEN NEW.meeting_starts_on IS NOT {MEETING_DATE}
        BEGIN UPDATE {_table} SET meeting_starts_on = {MEETING_DATE} WHERE id = NEW.id; END"""


SQLITE_BACKFILL = [
    f"UPDATE {table} SET meeting_starts_on = (SELECT starts_on FROM meetings_meeting WHERE meetings_meeting.id = {table}.meeting_id)"
    for table in LINK_TABLES
]


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0009_partner_link_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingorganizer",
            name="meeting_starts_on",
            field=models.DateField(editable=False, null=True, verbose_name="meeting starts on"),
        ),
        migrations.AddField(
            model_name="participant",
            name="meeting_starts_on",
            field=models.DateField(editable=False, null=True, verbose_name="meeting starts on"),
        ),
        triggers(POSTGRESQL, POSTGRESQL_DROP, SQLITE, SQLITE_BACKFILL),
        # A partner's meetings, latest first, read from the index alone (a participant without an
        # organisation is never on a partner list).
        postgresql_indexes({
            "meetingorganizer_latest": "meetings_meetingorganizer "
            "(organization_id, meeting_starts_on DESC NULLS LAST, meeting_id DESC)",
            "participant_latest": "meetings_participant "
            "(organization_id, meeting_starts_on DESC NULLS LAST, meeting_id DESC) WHERE organization_id IS NOT NULL",
        }),
    ]
