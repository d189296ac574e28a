"""Indexes in the order of the dated API lists: newest first, undated last (PostgreSQL only).

The lists sort `DESC NULLS LAST` on both databases, and only an index built in that order serves
such a sort. SQLite cannot build one (its CREATE INDEX has no NULLS LAST), and on its small data
sorts without.
"""
from django.db import migrations

INDEXES = {
    "agreements_agreement_list_order": "agreements_agreement (signed_on DESC NULLS LAST, title_en, id)",
    "meetings_meeting_list_order": "meetings_meeting (starts_on DESC NULLS LAST, title_en, id)",
    "agreements_fundingcommitment_list_order": "agreements_fundingcommitment (committed_on DESC NULLS LAST, id)",
    "agreements_payment_list_order": "agreements_payment (received_on DESC, id)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("partners", "0006_list_order_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
