"""Once the list-order indexes of agreements, meetings, commitments and payments; each of those
apps now creates its own (agreements 0006, meetings 0006), so this migration does nothing. It
stays so that databases which applied it keep a consistent history.
"""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("partners", "0006_list_order_indexes")]

    operations = []
