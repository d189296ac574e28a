from django.db.models import Prefetch
from rest_framework import viewsets

from crm.api import DatabaseShapedReadMixin, VersionedViewSetMixin
from partners.models import Citation

from .filters import MeetingFilter
from .models import Meeting, MeetingOrganizer, Participant
from .serializers import MeetingDetailSerializer, MeetingSerializer


class MeetingViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Meeting.objects.select_related("follows").prefetch_related(
        Prefetch("organizers", queryset=MeetingOrganizer.objects.select_related("organization")),
        "sessions",
        Prefetch("participants", queryset=Participant.objects.select_related("person", "organization")),
        "related_agreements",
        "focal_areas",
    )
    filterset_class = MeetingFilter
    search_paths = ("", "organizers__organization", "participants__person", "participants__person__aliases")
    ordering_fields = ["starts_on", "title_en", "title_ar", "kind", "status", "id"]
    ordering = ["-starts_on", "title_en", "id"]

    def get_queryset(self):
        if self.action == "retrieve":
            return self.queryset.prefetch_related(
                "follow_ups", Prefetch("citations", queryset=Citation.objects.select_related("source"))
            )
        return self.queryset

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer
