"""The admin site's name, and the user page: adding someone to a role lets them log in."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .roles import role_members_staff_sync

admin.site.site_header = _("Partnership CRM")
admin.site.site_title = _("Partnership CRM")
# No public site to view: the link would open a 404.
admin.site.site_url = None

User = get_user_model()


class CrmUserAdmin(UserAdmin):
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A user put in `viewer` or `editor` can log in at once, without ticking Staff status.
        if role_members_staff_sync(users=[form.instance]):
            form.instance.refresh_from_db(fields=["is_staff"])


admin.site.unregister(User)
admin.site.register(User, CrmUserAdmin)
