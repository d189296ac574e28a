"""The partnership relation PostgreSQL keeps (migration network 0001): read-only to Django."""
from django.contrib.postgres.fields import ArrayField
from django.db import models

from partners.models import Organization


class Partnership(models.Model):
    """An organisation and a partner it shares agreements or meetings with: how many of each, the
    newest one's date, and the latest 20 of each. `with_units` rows count the records of the
    organisation's units too. Kept by triggers on PostgreSQL; SQLite has no such table (the
    partner list is computed there)."""

    kept_by_database = True

    pk = models.CompositePrimaryKey("organization", "with_units", "partner")
    organization = models.ForeignKey(
        Organization, on_delete=models.DO_NOTHING, db_constraint=False, related_name="partnerships"
    )
    with_units = models.BooleanField()
    partner = models.ForeignKey(
        Organization, on_delete=models.DO_NOTHING, db_constraint=False, related_name="partnerships_as_partner"
    )
    agreements = models.IntegerField()
    meetings = models.IntegerField()
    latest_on = models.DateField(null=True)
    latest_precision = models.CharField(max_length=5, null=True)
    # The ids of the latest 20 agreements and meetings the two share, latest first (network 0003).
    latest_agreements = ArrayField(models.BigIntegerField())
    latest_meetings = ArrayField(models.BigIntegerField())

    class Meta:
        managed = False
        db_table = "network_partnership"
