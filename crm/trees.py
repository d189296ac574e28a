"""Records that form a tree through a parent field (UNCCT is part of UNOCT; a meeting follows up
on another)."""
import zlib

from django.core.exceptions import ValidationError
from django.db import connections


def clean_ancestry(instance, message, parent_field="parent"):
    """Raise a ValidationError on `parent_field` if the new parent is the record or lies below it.

    Two changes made at once (X under Y while Y goes under X) each pass a check that does not see
    the other. On PostgreSQL the check therefore first takes a lock held until the end of the
    transaction (every request, admin save and import runs in one), so such changes are checked
    one after the other, and it walks the chain as committed, not as objects read before the
    lock. SQLite writes one transaction at a time and has no such lock.
    """
    parent_id = getattr(instance, f"{parent_field}_id")
    if parent_id is None or instance.pk is None:
        return
    model = type(instance)
    manager = model._default_manager
    connection = connections[manager.db]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"{model._meta.db_table}.{parent_field}".encode())])
    seen = set()
    while parent_id is not None and parent_id not in seen:
        if parent_id == instance.pk:
            raise ValidationError({parent_field: message})
        seen.add(parent_id)
        parent_id = manager.filter(pk=parent_id).values_list(f"{parent_field}_id", flat=True).first()
