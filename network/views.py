"""The organisation and people endpoints with what reads across apps: an organisation's
agreements, commitments and partner list, and people by the meetings they attended."""
from django.http import Http404
from django_filters import utils
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api.exports import is_export
from crm.api.filters import NormalizedSearchFilter
from crm.api.readpaths import ReadPlan, read_plans, shaped_list_response
from partners import views as partner_views
from partners.models import Organization

from .extraction import extract
from .filters import NetworkOrganizationFilter, NetworkPersonFilter, PartnerListFilter
from .partnerships import partner_queryset, read_with_organization
from .press_releases import DraftEvent, ReviewedReleaseSerializer, plain_line_ends
from .serializers import NetworkOrganizationSerializer, OrganizationDetailSerializer, PartnerSerializer


class OrganizationViewSet(partner_views.OrganizationViewSet):
    filterset_class = NetworkOrganizationFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return OrganizationDetailSerializer
        if self.action == "partners":
            return PartnerSerializer
        return NetworkOrganizationSerializer

    @extend_schema(
        summary="The organisation's partner list",
        description=(
            "Every organisation that shares an agreement or a meeting with this one, with the date of "
            "the latest contact, latest first, how many agreements and meetings link them and the "
            "latest 20 of each. "
            "The organisation's own units and parent bodies are never listed. With include_units=true "
            "the agreements and meetings of its units count as its own."
        ),
        filters=True,
        responses=PartnerSerializer(many=True),
    )
    @action(detail=True, filterset_class=PartnerListFilter, search_paths=("", "aliases"), ordering=None)
    def partners(self, request, pk=None):
        partner_filter = PartnerListFilter(request.query_params, queryset=Organization.objects.none(), request=request)
        if not partner_filter.is_valid():
            raise utils.translate_validation(partner_filter.errors)
        filters = partner_filter.partner_filter()
        # The organisation by its id alone: the query string filters its partners, not it.
        organization = get_object_or_404(
            Organization.objects.annotate(**read_with_organization(database_id(pk), filters)), pk=pk
        )
        self.check_object_permissions(request, organization)
        request.partner_list = (organization.pk, filters)  # for the lines' links to their whole lists
        links = partner_queryset(organization, filters, whole_list=is_export(request))
        partner_filter.queryset = links
        partners = NormalizedSearchFilter().filter_queryset(request, partner_filter.qs, self)
        lists = {"agreements": links.shared_agreements, "meetings": links.shared_meetings}
        if getattr(links, "lists_same_for_all", False):
            plan = read_plans.for_serializer(PartnerSerializer, Organization, links.query.annotations, lists, key="kept")
        else:
            # Built per request: the linking agreements and meetings depend on the organisation.
            plan = ReadPlan(
                read_plans.serializer(PartnerSerializer), Organization, lists=lists, annotations=links.query.annotations
            )
        return shaped_list_response(self, partners, plan)


def database_id(pk):
    """The URL's id as a value the database takes (any other finds no organisation)."""
    try:
        pk = int(pk)
    except ValueError:
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


class PersonViewSet(partner_views.PersonViewSet):
    filterset_class = NetworkPersonFilter


class CanImportReleases(permissions.BasePermission):
    """Importing a release creates agreements, meetings, organisations and people: an editor's work."""

    needed = ["agreements.add_agreement", "meetings.add_meeting", "partners.add_organization", "partners.add_person"]

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perms(self.needed))


class ReleaseToExtract(serializers.Serializer):
    text = serializers.CharField(max_length=100_000)
    url = serializers.URLField(required=False, allow_blank=True)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200)
    published_on = serializers.DateField(required=False, allow_null=True)

    def validate_text(self, text):
        return plain_line_ends(text)


class ExtractedDraft(serializers.Serializer):
    language = serializers.ChoiceField(["ar", "en"])
    events = DraftEvent(many=True)


class ConfirmedReleaseAnswer(serializers.Serializer):
    source = serializers.IntegerField(help_text="The source the citations quote.")
    created = serializers.ListField(child=serializers.DictField(), help_text="[{type, id}] of each record made.")
    attached = serializers.ListField(
        child=serializers.DictField(), help_text="[{type, id}] of records already held that now cite the release."
    )


class PressReleaseExtractView(APIView):
    """The draft of every agreement and meeting a release reports, for review; writes nothing."""

    permission_classes = [CanImportReleases]

    @extend_schema(request=ReleaseToExtract, responses={200: ExtractedDraft})
    def post(self, request):
        release = ReleaseToExtract(data=request.data)
        release.is_valid(raise_exception=True)
        draft = extract(release.validated_data["text"], release.validated_data.get("published_on"))
        return Response(draft.as_json())


class PressReleaseConfirmView(APIView):
    """A reviewed draft made into records, in one transaction: all of it, or a 400 and nothing."""

    permission_classes = [CanImportReleases]

    @extend_schema(request=ReviewedReleaseSerializer, responses={201: ConfirmedReleaseAnswer})
    def post(self, request):
        reviewed = ReviewedReleaseSerializer(data=request.data)
        reviewed.is_valid(raise_exception=True)
        result = reviewed.save()
        return Response(
            {
                "source": result.source.pk,
                "created": [{"type": kind, "id": pk} for kind, pk in result.created],
                "attached": [{"type": kind, "id": pk} for kind, pk in result.attached],
            },
            status=status.HTTP_201_CREATED,
        )
