from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """What reads across partners, agreements and meetings: partner lists, the organisation's
    whole record, the dashboard. It owns no models but the partnership relation PostgreSQL keeps."""

    name = "network"
    verbose_name = _("Partner network")
