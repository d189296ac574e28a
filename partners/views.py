from django.db.models import Prefetch
from django_filters import utils
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action

from agreements.models import AgreementParty, FundingCommitment
from crm.api import DatabaseShapedReadMixin, VersionedViewSetMixin, is_export, shaped_list_response
from crm.readpaths import ReadPlan

from .filters import FocalAreaFilter, OrganizationFilter, PartnerListFilter, PersonFilter, SourceFilter
from .models import Citation, FocalArea, Organization, Person, Position, Source
from .partnerships import partner_queryset
from .serializers import (
    FocalAreaSerializer,
    OrganizationDetailSerializer,
    OrganizationSerializer,
    PartnerSerializer,
    PersonSerializer,
    SourceSerializer,
)

CITATIONS = Prefetch("citations", queryset=Citation.objects.select_related("source"))


class OrganizationViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    filterset_class = OrganizationFilter
    search_paths = ("", "aliases")
    ordering_fields = ["name_en", "name_ar", "acronym", "kind", "country", "founded_on", "id"]
    ordering = ["name_en", "name_ar", "id"]

    def get_queryset(self):
        if self.action == "partners":
            return Organization.objects.all()
        queryset = Organization.objects.select_related("parent").prefetch_related("aliases")
        if self.action == "retrieve":
            commitments = FundingCommitment.objects.select_related("donor", "recipient")
            queryset = queryset.prefetch_related(
                "children",
                Prefetch("agreement_parties", queryset=AgreementParty.objects.select_related("agreement")),
                Prefetch("commitments_given", queryset=commitments),
                Prefetch("commitments_received", queryset=commitments),
                CITATIONS,
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return OrganizationDetailSerializer
        if self.action == "partners":
            return PartnerSerializer
        return OrganizationSerializer

    @extend_schema(
        summary="The organisation's partner list",
        description=(
            "Every organisation that shares an agreement or a meeting with this one, with the "
            "agreements and meetings that link them and the date of the latest contact, latest first. "
            "The organisation's own units and parent bodies are never listed. With include_units=true "
            "the agreements and meetings of its units count as its own."
        ),
        filters=True,
    )
    @action(detail=True, filterset_class=PartnerListFilter, search_paths=("", "aliases"), ordering=None)
    def partners(self, request, pk=None):
        organization = self.get_object()
        partner_filter = PartnerListFilter(request.query_params, queryset=Organization.objects.none())
        if not partner_filter.is_valid():
            raise utils.translate_validation(partner_filter.errors)
        partners = partner_queryset(organization, partner_filter.partner_filter(), whole_list=is_export(request))
        # Built per request: the linking agreements and meetings depend on the organisation.
        plan = ReadPlan(
            PartnerSerializer(),
            Organization,
            lists={"agreements": partners.shared_agreements, "meetings": partners.shared_meetings},
        )
        return shaped_list_response(self, self.filter_queryset(partners), plan)


class PersonViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Person.objects.prefetch_related(
        "aliases", Prefetch("positions", queryset=Position.objects.select_related("organization"))
    )
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    search_paths = ("", "aliases")
    ordering_fields = ["name_en", "name_ar", "id"]
    ordering = ["name_en", "name_ar", "id"]


class FocalAreaViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = FocalArea.objects.all()
    serializer_class = FocalAreaSerializer
    filterset_class = FocalAreaFilter
    search_paths = ("",)
    ordering_fields = ["code", "name_en", "name_ar", "id"]
    ordering = ["code"]


class SourceViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    ordering_fields = ["slug", "published_on", "id"]
    ordering = ["slug"]
