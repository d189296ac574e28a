"""The user page: adding someone to a role lets them log in (the site itself: admin_site.py)."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .roles import role_members_staff_sync

User = get_user_model()


class CrmUserAdmin(UserAdmin):
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A user put in `viewer` or `editor` can log in at once, without ticking Staff status.
        if role_members_staff_sync(users=[form.instance]):
            form.instance.refresh_from_db(fields=["is_staff"])


admin.site.unregister(User)
admin.site.register(User, CrmUserAdmin)
