"""Who may do what through the API: Django's model permissions, reading included."""
from rest_framework import permissions

from crm.roles import STAFF_ROLE_APPS


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django's model permissions, reading included: a viewer reads, an editor writes, a user
    with neither gets nothing."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


def has_staff_role(user):
    """Whether the user may read some of the CRM's records: a viewer, an editor or a superuser."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or any(
        permission.split(".", 1)[0] in STAFF_ROLE_APPS and ".view_" in permission
        for permission in user.get_all_permissions()
    )


class HasStaffRole(permissions.BasePermission):
    """For what belongs to no one model (the API root, its schema and docs): a logged-in user
    without a role gets 403 there as on every list."""

    def has_permission(self, request, view):
        return has_staff_role(request.user)
