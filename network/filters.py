"""Filters that read across apps: organisations by the focal areas of their agreements and
meetings or by whom they work with, people by the meetings they attended, and the partner list's."""
import django_filters
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from agreements.models import AgreementParty, FundingCommitment
from crm.api.filters import ColumnChoicesFilter, CountryFilter, StrictBooleanFilter
from meetings.models import MeetingOrganizer, Participant
from partners.filters import OrganizationFilter, PersonFilter
from partners.models import Organization, tagged_with_focal_area

from .partnerships import LINK_AGREEMENT, LINK_MEETING, PartnerFilter, partner_ids, probed


class NetworkOrganizationFilter(OrganizationFilter):
    focal_area = django_filters.CharFilter(
        method="filter_focal_area", label=_("focal area code of its agreements, meetings or commitments")
    )
    partner_of = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="filter_partner_of", label=_("partners of this organisation")
    )

    class Meta(OrganizationFilter.Meta):
        fields = [*OrganizationFilter.Meta.fields, "focal_area", "partner_of"]

    def filter_focal_area(self, queryset, name, value):
        # One EXISTS over the five ways, probed row by row: as five EXISTS under an OR, PostgreSQL
        # hashed every tagged agreement party, organiser, participant and commitment of the
        # database before returning the first row (0.6 s for QA's government bodies at M).
        commitments = FundingCommitment.objects.filter(tagged_with_focal_area(value))
        row = OuterRef("pk")
        return queryset.filter(
            probed(
                AgreementParty.objects.filter(tagged_with_focal_area(value, "agreement"), organization=row).values("pk"),
                MeetingOrganizer.objects.filter(tagged_with_focal_area(value, "meeting"), organization=row).values("pk"),
                Participant.objects.filter(tagged_with_focal_area(value, "meeting"), organization=row).values("pk"),
                commitments.filter(donor=row).values("pk"),
                commitments.filter(recipient=row).values("pk"),
            )
        )

    @extend_schema_field(OpenApiTypes.INT)
    def filter_partner_of(self, queryset, name, value):
        return queryset.filter(pk__in=partner_ids(value, PartnerFilter()))


class NetworkPersonFilter(PersonFilter):
    meeting = django_filters.NumberFilter(field_name="participations__meeting", distinct=True, label=_("took part in meeting"))

    class Meta(PersonFilter.Meta):
        fields = [*PersonFilter.Meta.fields, "meeting"]


class PartnerListFilter(django_filters.FilterSet):
    """The query string of `organizations/{id}/partners/`. `kind` and `country` narrow the partner
    rows; the others choose which agreements and meetings count as links (`partner_filter()`)."""

    link = django_filters.ChoiceFilter(
        choices=[(LINK_AGREEMENT, _("agreement")), (LINK_MEETING, _("meeting"))],
        method="links_only",
        label=_("kind of link"),
    )
    focal_area = django_filters.CharFilter(method="links_only", label=_("focal area code"))
    contact_after = django_filters.DateFilter(method="links_only", label=_("linked on or after"))
    contact_before = django_filters.DateFilter(method="links_only", label=_("linked on or before"))
    include_units = StrictBooleanFilter(method="links_only", label=_("count the agreements and meetings of its units"))
    kind = ColumnChoicesFilter(choices=Organization.Kind.choices)
    country = CountryFilter()

    class Meta:
        model = Organization
        fields = ["link", "focal_area", "contact_after", "contact_before", "include_units", "kind", "country"]

    def links_only(self, queryset, name, value):
        # Read by `partner_filter()`, which builds the partner rows from them.
        return queryset

    def partner_filter(self):
        data = self.form.cleaned_data
        return PartnerFilter(
            link=data.get("link") or "",
            focal_area=data.get("focal_area") or "",
            contact_after=data.get("contact_after"),
            contact_before=data.get("contact_before"),
            include_units=bool(data.get("include_units")),
        )
