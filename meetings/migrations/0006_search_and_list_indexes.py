"""PostgreSQL indexes on meetings' tables (SQLite searches and sorts its small data without).

- A trigram index on the meeting's normalised search key (the extension comes from partners 0005).
- An index in the order of the meeting list, newest first and undated last (`DESC NULLS LAST`,
  which SQLite's CREATE INDEX cannot express).

Databases migrated before these moved here got them from partners 0005 and 0007; IF NOT EXISTS
leaves those as they are.
"""
from django.db import migrations

from crm.indexes import postgresql_indexes

INDEXES = {
    "meetings_meeting_search_key_trgm": "meetings_meeting USING gin (search_key gin_trgm_ops)",
    "meetings_meeting_list_order": "meetings_meeting (starts_on DESC NULLS LAST, title_en, id)",
}


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_country_code_shape"), ("partners", "0005_trigram_search")]

    operations = [postgresql_indexes(INDEXES)]
