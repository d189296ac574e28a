"""The organisation and person pages with what reads across apps: an organisation's partners,
agreements, meetings and commitments; what a person signed and took part in.

partners/admin.py registers the pages; they are registered again here, extended, because
partners/ stands below the apps these sections read.
"""
from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, FundingCommitment
from crm.admin_base import admin_link, link_list
from crm.dates import format_precise_date
from meetings.models import Meeting
from partners.admin import OrganizationAdmin, PersonAdmin
from partners.models import Organization, Person

from .partnerships import PartnerFilter, partner_queryset

PARTNERS_SHOWN = 100


class NetworkOrganizationAdmin(OrganizationAdmin):
    readonly_fields = ["units", "partners", "people", "agreements", "meetings", "commitments"]
    fieldsets = [*OrganizationAdmin.fieldsets[:-1], (_("Related records"), {"fields": readonly_fields})]

    @admin.display(description=_("partners"))
    def partners(self, organization):
        """The same partner list as the API's organizations/{id}/partners/, units' links included."""
        partners = partner_queryset(organization, PartnerFilter(include_units=True))[:PARTNERS_SHOWN]
        rows = format_html_join(
            "",
            "<li>{} <small>({})</small></li>",
            (
                (admin_link(partner), format_precise_date(partner.latest_contact_on, partner.latest_contact_precision) or "—")
                for partner in partners
            ),
        )
        return format_html("<ul>{}</ul>", rows) if rows else "—"

    @admin.display(description=_("agreements"))
    def agreements(self, organization):
        return link_list(Agreement.objects.filter(parties__organization=organization))

    @admin.display(description=_("meetings"))
    def meetings(self, organization):
        return link_list(
            Meeting.objects.filter(
                Q(organizers__organization=organization) | Q(participants__organization=organization)
            ).distinct()
        )

    @admin.display(description=_("funding commitments"))
    def commitments(self, organization):
        return link_list(FundingCommitment.objects.filter(Q(donor=organization) | Q(recipient=organization)))


class NetworkPersonAdmin(PersonAdmin):
    readonly_fields = ["participations", "signatures"]
    fieldsets = [*PersonAdmin.fieldsets, (_("Related records"), {"fields": readonly_fields})]

    @admin.display(description=_("took part in"))
    def participations(self, person):
        return link_list(participation.meeting for participation in person.participations.select_related("meeting"))

    @admin.display(description=_("signed"))
    def signatures(self, person):
        return link_list(party.agreement for party in person.signatures.select_related("agreement"))


for model, model_admin in ((Organization, NetworkOrganizationAdmin), (Person, NetworkPersonAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
