"""The admin site: named in both languages, with no public site to link to, and library models
named as staff know them where the library does not translate their names."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class CrmAdminSite(admin.AdminSite):
    site_header = _("Partnership CRM")
    site_title = _("Partnership CRM")
    # No public site to view: the link would open a 404.
    site_url = None

    # django-rest-knox gives its model no translatable name.
    model_names = {("knox", "authtoken"): _("API tokens")}

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                model["name"] = self.model_names.get((app["app_label"], model["object_name"].lower()), model["name"])
        return app_list
