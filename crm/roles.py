"""The staff roles: groups whose permissions cover every model of the CRM's apps, and the
backend that reads a user's permissions."""
from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission
from django.db import transaction

STAFF_ROLE_ACTIONS = {"viewer": ("view",), "editor": ("view", "add", "change")}
# The apps whose models staff work on (crm and network have none).
STAFF_ROLE_APPS = ("partners", "agreements", "meetings")


@transaction.atomic
def staff_roles_sync():
    """Create or update the viewer and editor groups with the permissions of every CRM model.

    Viewers read everything; editors also add and change. Deleting is left to superusers.
    Members get staff status, without which the admin would not let them log in.
    """
    groups = {}
    for role, actions in STAFF_ROLE_ACTIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label__in=STAFF_ROLE_APPS,
            codename__regex=rf"^({'|'.join(actions)})_",
        )
        group.permissions.set(permissions)
        groups[role] = group
    role_members_staff_sync()
    return groups


def role_members_staff_sync(*, users=None):
    """Give staff status (which the admin's login asks for) to every member of a role group, or
    to those of `users` who are members; returns how many were changed. Nobody loses it here:
    staff status given by hand stays."""
    from django.contrib.auth import get_user_model

    members = get_user_model()._default_manager.filter(groups__name__in=STAFF_ROLE_ACTIONS, is_staff=False)
    if users is not None:
        members = members.filter(pk__in=[user.pk for user in users])
    return members.update(is_staff=True)


class ModelBackend(backends.ModelBackend):
    """Django's, but a user's permissions, their own and their groups', are read in one query
    instead of two: every API request loads its user afresh and checks a permission, so a staff
    member's request cost a round trip more than the page itself needed."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            names = Permission.objects.order_by().values_list("content_type__app_label", "codename")
            if not user_obj.is_superuser:
                names = names.filter(user=user_obj).union(names.filter(group__user=user_obj))
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache
