"""Optimistic concurrency: a version number on the row, checked and raised in the same UPDATE.

Two editors who opened the same record each hold its version; the first save moves it on, so
the second save's UPDATE matches no row and is refused instead of overwriting the first. The
admin and the API (ETag / If-Match) both rely on this one check.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordChangedError(Exception):
    """The row was changed (or deleted: `current_version` is None) by someone else since this copy was read."""

    def __init__(self, instance, current_version):
        self.instance = instance
        self.current_version = current_version
        super().__init__(
            f"{instance._meta.label} {instance.pk} is at version {current_version}, "
            f"not {instance.version}"
        )


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Goes up by one with every change; a save from an older version is refused."),
    )

    class Meta:
        abstract = True

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        # Django's own UPDATE, narrowed to the version this copy was read at and moving it on.
        version_field = self._meta.get_field("version")
        values = [value for value in values if value[0] is not version_field]
        values.append((version_field, None, self.version + 1))
        versioned_qs = base_qs.filter(version=self.version)
        updated = super()._do_update(versioned_qs, using, pk_val, values, update_fields, forced_update)
        if updated:
            self.version += 1
            return True
        if self._state.adding:
            # A new record given its primary key (as the seed loader does): Django inserts it.
            return False
        # Also refused when the row was deleted meanwhile: Django would insert it again.
        current_version = base_qs.filter(pk=pk_val).values_list("version", flat=True).first()
        raise RecordChangedError(self, current_version)
