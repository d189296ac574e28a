"""The staff roles: groups whose permissions cover every model of the CRM's apps."""
from django.db import transaction

STAFF_ROLE_ACTIONS = {"viewer": ("view",), "editor": ("view", "add", "change")}
# The apps whose models staff work on (crm and network have none).
STAFF_ROLE_APPS = ("partners", "agreements", "meetings")


@transaction.atomic
def staff_roles_sync():
    """Create or update the viewer and editor groups with the permissions of every CRM model.

    Viewers read everything; editors also add and change. Deleting is left to superusers.
    """
    from django.contrib.auth.models import Group, Permission

    groups = {}
    for role, actions in STAFF_ROLE_ACTIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label__in=STAFF_ROLE_APPS,
            codename__regex=rf"^({'|'.join(actions)})_",
        )
        group.permissions.set(permissions)
        groups[role] = group
    return groups
