"""Trigram indexes on the normalised search keys (PostgreSQL only; SQLite searches without them).

The indexes serve both the `LIKE '%word%'` of an exact word and the `%>` of a misspelt one.
"""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from crm.indexes import postgresql_indexes

# Each app indexes its own tables: agreements 0006 and meetings 0006 add theirs (this migration
# once created them too; their IF NOT EXISTS keeps databases made then as they are).
TABLES = [
    "partners_organization",
    "partners_organizationname",
    "partners_person",
    "partners_personname",
    "partners_focalarea",
]


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_constraint_errors_on_fields")]

    operations = [
        TrigramExtension(),
        postgresql_indexes({f"{table}_search_key_trgm": f"{table} USING gin (search_key gin_trgm_ops)" for table in TABLES}),
    ]
