from rest_framework import viewsets

from crm.api.concurrency import VersionedViewSetMixin
from crm.api.readpaths import DatabaseShapedReadMixin

from .filters import MeetingFilter
from .models import Meeting
from .serializers import MeetingDetailSerializer, MeetingSerializer


class MeetingViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Meeting.objects.all()
    filterset_class = MeetingFilter
    search_paths = ("", "organizers__organization", "participants__person", "participants__person__aliases")
    ordering_fields = ["starts_on", "title_en", "title_ar", "kind", "status", "id"]
    ordering = ["-starts_on", "title_en", "id"]

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer
