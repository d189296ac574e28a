"""Records that form a tree through a `parent` field (UNCCT is part of UNOCT)."""
from django.core.exceptions import ValidationError


def ancestors(instance, parent_field="parent"):
    """The chain of parents, nearest first; stops at a cycle rather than looping."""
    seen = {instance.pk}
    parent = getattr(instance, parent_field)
    while parent is not None and parent.pk not in seen:
        yield parent
        seen.add(parent.pk)
        parent = getattr(parent, parent_field)


def clean_ancestry(instance, message, parent_field="parent"):
    """Raise a ValidationError on `parent_field` if the new parent is the record or lies below it."""
    parent_id = getattr(instance, f"{parent_field}_id")
    if parent_id is None or instance.pk is None:
        return
    parent = getattr(instance, parent_field)
    if parent_id == instance.pk or any(ancestor.pk == instance.pk for ancestor in ancestors(parent, parent_field)):
        raise ValidationError({parent_field: message})
