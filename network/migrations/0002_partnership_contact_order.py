"""A partner list's order, latest contact first, with the undated last as if dated 0001-01-01:
so its first key is never empty, and a page after a cursor is an index range from the cursor's
date (network_partnership_latest filtered 30k rows of a hub's 34k to find a deep page)."""
from django.db import migrations

from crm.indexes import postgresql_only

CREATE = """
CREATE INDEX network_partnership_contact_order ON network_partnership
    (organization_id, with_units, COALESCE(latest_on, '0001-01-01'::date) DESC);
DROP INDEX network_partnership_latest;
"""
DROP = """
CREATE INDEX network_partnership_latest ON network_partnership (organization_id, with_units, latest_on DESC NULLS LAST);
DROP INDEX network_partnership_contact_order;
"""


class Migration(migrations.Migration):
    dependencies = [("network", "0001_partnerships")]

    operations = [postgresql_only(CREATE, DROP)]
