from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, renderers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api.concurrency import VersionedViewSetMixin
from crm.api.errors import answer_in_json
from crm.api.pagination import KeysetPagination
from crm.api.permissions import ModelPermissions
from crm.api.readpaths import DatabaseShapedReadMixin
from partners.models import Organization

from .filters import AgreementFilter, FundingCommitmentFilter, PaymentFilter
from .iati import ReportingOrganisation, iati_activities
from .models import Agreement, FundingCommitment, FundingCommitmentQuerySet, Payment
from .serializers import (
    AgreementDetailSerializer,
    AgreementSerializer,
    FundingCommitmentSerializer,
    FundingSummarySerializer,
    PaymentSerializer,
)


class FundingSummaryPagination(KeysetPagination):
    """The summary's pages, by group (empty last) and currency, with the lists' links and cursors."""

    def paginate_totals(self, queryset, group_by, request, currency=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.signature = [f"summary by {group_by}", "currency"]
        self.count = None
        direction, position = self._decode_cursor(request, self.signature)
        rows = queryset.totals(group_by, page=(direction or "after", position, self.page_size + 1), currency=currency)
        group = FundingCommitmentQuerySet.SUMMARY_GROUPS[group_by][0]
        return self.cut_page(rows, direction, position, lambda row: [row[group], row["currency"]])

    def get_schema_operation_parameters(self, view):
        return [parameter for parameter in super().get_schema_operation_parameters(view) if parameter["name"] != "count"]


class AgreementViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Agreement.objects.all()
    filterset_class = AgreementFilter
    search_paths = ("", "parties__organization", "parties__organization__aliases")
    ordering_fields = ["signed_on", "expires_on", "title_en", "title_ar", "kind", "status", "id"]
    ordering = ["-signed_on", "title_en", "id"]

    def get_serializer_class(self):
        return AgreementDetailSerializer if self.action == "retrieve" else AgreementSerializer


# The summary's own query parameters, beside the list's filters.
SUMMARY_PARAMETERS = {"group_by", "cursor", "page_size", "format"}


class FundingCommitmentViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    serializer_class = FundingCommitmentSerializer
    filterset_class = FundingCommitmentFilter
    search_paths = ("donor", "donor__aliases", "recipient", "recipient__aliases", "agreement")
    ordering_fields = ["committed_on", "amount", "currency", "status", "id"]
    ordering = ["-committed_on", "id"]

    def get_queryset(self):
        return FundingCommitment.objects.with_received()

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        self.perform_create(serializer)

    @extend_schema(
        summary="Funding totals per group and currency",
        description=(
            "Pledged, received and outstanding per donor, recipient, year of the commitment or focal "
            "area, one row per currency: amounts in different currencies are never added together. "
            "Cancelled commitments are left out. The list's filters apply. Pages run by group (commitments "
            "without a date or a focal area last) and currency, and follow `next` and `previous` as "
            "the lists do."
        ),
        parameters=[
            OpenApiParameter(
                "group_by", enum=list(FundingCommitmentQuerySet.SUMMARY_GROUPS), default="donor", required=False
            )
        ],
        responses=FundingSummarySerializer(many=True),
    )
    @action(detail=False, pagination_class=FundingSummaryPagination, serializer_class=FundingSummarySerializer)
    def summary(self, request):
        group_by = request.query_params.get("group_by", "donor")
        groups = FundingCommitmentQuerySet.SUMMARY_GROUPS
        if group_by not in groups:
            raise exceptions.ValidationError(
                {"group_by": [_("Group by one of: %(choices)s.") % {"choices": ", ".join(groups)}]}
            )
        queryset = self.filter_queryset(FundingCommitment.objects.all()).order_by()
        # A currency alone is a filter the kept totals answer (their rows are one currency's
        # each): the totals of all commitments are asked for in that currency, not summed.
        currency = None
        if set(request.query_params) - SUMMARY_PARAMETERS == {"currency"}:
            queryset, currency = FundingCommitment.objects.order_by(), request.query_params["currency"]
        columns = groups[group_by]
        # The rows are already in the answer's shape: a serializer per row cost more than the
        # query. The amounts are formatted as FundingSummarySerializer's fields would.
        money = self.get_serializer().fields["pledged"].to_representation
        rows = [
            {
                "group": {"year": row["year"]} if group_by == "year" else {
                    "id": row[columns[0]],
                    **{column.split("__", 1)[1]: row[column] for column in columns[1:]},
                },
                "currency": row["currency"],
                "commitments": row["commitments"],
                "pledged": money(row["pledged"]),
                "received": money(row["received_total"]),
                "outstanding": money(row["pledged"] - row["received_total"]),
            }
            for row in self.paginator.paginate_totals(queryset, group_by, request, currency)
        ]
        return self.paginator.get_paginated_response(rows)


class PaymentViewSet(DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Payment.objects.all()
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["received_on", "amount", "id"]
    ordering = ["-received_on", "id"]


class IATIXMLRenderer(renderers.BaseRenderer):
    media_type = "application/xml"
    format = "xml"
    charset = None  # the document names its own encoding

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class IATIActivitiesView(APIView):
    """The reporting organisation's contribution agreements as IATI 2.03 activities."""

    renderer_classes = [IATIXMLRenderer, renderers.JSONRenderer]
    permission_classes = [ModelPermissions]
    queryset = FundingCommitment.objects.none()  # whose view permission reading needs

    @extend_schema(
        responses={(200, "application/xml"): OpenApiTypes.STR, 503: OpenApiTypes.OBJECT},
        description=(
            "One iati-activity per contribution agreement of the reporting organisation (settings: "
            "IATI_REPORTING_ORG): participating organisations, commitments and incoming funds as "
            "transactions in their own currency, titles and descriptions in English and Arabic. "
            "Validates against the IATI 2.03 activities schema."
        ),
    )
    def get(self, request, format=None):
        settings_ = settings.IATI_REPORTING_ORG
        record = Organization.objects.filter(acronym=settings_["acronym"]).first()
        if not settings_["ref"] or record is None:
            answer_in_json(request)
            return Response(
                {"detail": _("The IATI export is not set up: set DJANGO_IATI_REPORTING_ORG_REF (and the acronym).")},
                status=503,
            )
        reporting = ReportingOrganisation(ref=settings_["ref"], type=settings_["type"], record=record)
        response = HttpResponse(iati_activities(reporting), content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="iati-activities.xml"'
        return response
