"""The foundation's one table: the deletions incremental sync lists (crm/sync.py)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeletedRecord(models.Model):
    """A record of an API list that was deleted, kept for a while so mirrors can remove it too."""

    resource = models.CharField(_("resource"), max_length=40, help_text=_("The API list it was in, e.g. organizations."))
    record_id = models.BigIntegerField(_("record id"))
    deleted_at = models.DateTimeField(_("deleted at"))

    class Meta:
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")
        indexes = [models.Index(fields=["deleted_at", "id"], name="crm_deleted_in_order")]

    def __str__(self):
        return f"{self.resource} {self.record_id}"
