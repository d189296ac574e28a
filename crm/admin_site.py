"""The admin site: named in both languages, with no public site to link to."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class CrmAdminSite(admin.AdminSite):
    site_header = _("Partnership CRM")
    site_title = _("Partnership CRM")
    # No public site to view: the link would open a 404.
    site_url = None
