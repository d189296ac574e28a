"""Trigram indexes on the normalised search keys (PostgreSQL only; SQLite searches without them).

The indexes serve both the `LIKE '%word%'` of an exact word and the `%>` of a misspelt one.
"""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TABLES = [
    "partners_organization",
    "partners_organizationname",
    "partners_person",
    "partners_personname",
    "partners_focalarea",
    "agreements_agreement",
    "meetings_meeting",
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_search_key_trgm ON {table} USING gin (search_key gin_trgm_ops)"
            )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_key_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_constraint_errors_on_fields"),
        ("agreements", "0003_constraint_errors_on_fields"),
        ("meetings", "0004_constraint_errors_on_fields"),
    ]

    operations = [TrigramExtension(), migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
