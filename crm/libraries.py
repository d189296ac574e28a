"""The admin and two libraries, installed with the names staff know them by (settings.py
lists these instead of the libraries' own configurations)."""
from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class CrmAdminConfig(AdminConfig):
    default_site = "crm.admin_site.CrmAdminSite"


class KnoxConfig(AppConfig):
    """django-rest-knox, named in the admin as staff know it (the library names it "Knox")."""

    name = "knox"
    verbose_name = _("API access")

    def ready(self):
        from knox.models import AuthToken

        # The library gives its model no translatable name: its admin pages said "auth token" in
        # every language. Set on the options alone, not on what migrations compare
        # (original_attrs), so no migration of the library's follows.
        AuthToken._meta.verbose_name = _("API token")
        AuthToken._meta.verbose_name_plural = _("API tokens")


class AxesConfig(AxesAppConfig):
    """django-axes, named in the admin as staff know it (the library names it "Axes")."""

    verbose_name = _("Login attempts")
