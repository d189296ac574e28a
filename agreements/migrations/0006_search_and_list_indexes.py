"""PostgreSQL indexes on agreements' tables (SQLite searches and sorts its small data without).

- A trigram index on the agreement's normalised search key, serving both the `LIKE '%word%'` of
  an exact word and the `%>` of a misspelt one (the extension comes from partners 0005).
- Indexes in the order of the dated API lists, newest first and undated last: the lists sort
  `DESC NULLS LAST` and only an index built in that order serves such a sort. SQLite's CREATE
  INDEX has no NULLS LAST.

Databases migrated before these moved here got them from partners 0005 and 0007; IF NOT EXISTS
leaves those as they are.
"""
from django.db import migrations

from crm.indexes import postgresql_indexes

INDEXES = {
    "agreements_agreement_search_key_trgm": "agreements_agreement USING gin (search_key gin_trgm_ops)",
    "agreements_agreement_list_order": "agreements_agreement (signed_on DESC NULLS LAST, title_en, id)",
    "agreements_fundingcommitment_list_order": "agreements_fundingcommitment (committed_on DESC NULLS LAST, id)",
    "agreements_payment_list_order": "agreements_payment (received_on DESC, id)",
}


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_currency_code_shape"), ("partners", "0005_trigram_search")]

    operations = [postgresql_indexes(INDEXES)]
