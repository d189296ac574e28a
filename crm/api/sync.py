"""The deletions list of incremental sync; the lists' `?updated_after=` is crm/api/filters.py's.

A sync asks for the changes after a point in time and pages through them in the order they
happened; every page says where the next sync should start (`sync_from`), so a sync that stops
half-way resumes from its last page without re-reading anything before it.
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status

from crm.models import DeletedRecord
from crm.sync import deletions_kept_for

from .filters import parse_moment
from .permissions import HasStaffRole


class DeletedRecordSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="resource", help_text="The list it was in, e.g. organizations.")
    id = serializers.IntegerField(source="record_id")

    class Meta:
        model = DeletedRecord
        fields = ["type", "id", "deleted_at"]


class ChangesView(generics.ListAPIView):
    """Records deleted after `after` (ISO 8601), oldest first, for mirrors to remove. They are
    listed for SYNC_DELETIONS_KEPT_DAYS (at least an API token's lifetime); asking from further
    back is answered 410, as the mirror must then be read afresh."""

    permission_classes = [HasStaffRole]
    serializer_class = DeletedRecordSerializer
    filter_backends = []

    def get_queryset(self):
        records = DeletedRecord.objects.order_by("deleted_at", "pk")
        raw = self.request.query_params.get("after")
        if not raw:
            self.changes_since = timezone.now() - deletions_kept_for()
            return records
        self.changes_since = parse_moment("after", raw)
        if self.changes_since < timezone.now() - deletions_kept_for():
            raise DeletionsForgotten()
        return records.filter(deleted_at__gt=self.changes_since)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "after", OpenApiTypes.DATETIME, description="Deletions after this time; the last sync's `sync_from`."
            )
        ],
        responses={200: DeletedRecordSerializer(many=True), 410: None},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DeletionsForgotten(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = _("Deletions that long ago are no longer listed; read the lists afresh.")
    default_code = "gone"
