from django.conf import settings
from django.contrib import admin, messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import viewsets

from crm.api.concurrency import VersionedViewSetMixin
from crm.api.readpaths import DatabaseShapedReadMixin

from .calendar import CalendarFilterError, calendar_meetings, meetings_calendar
from .filters import MeetingFilter
from .models import CalendarFeed, Meeting
from .serializers import MeetingDetailSerializer, MeetingSerializer


class MeetingViewSet(VersionedViewSetMixin, DatabaseShapedReadMixin, viewsets.ModelViewSet):
    queryset = Meeting.objects.all()
    filterset_class = MeetingFilter
    search_paths = ("", "organizers__organization", "participants__person", "participants__person__aliases")
    ordering_fields = ["starts_on", "title_en", "title_ar", "kind", "status", "id"]
    ordering = ["-starts_on", "title_en", "id"]

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer


def calendar_feed(request, secret):
    """GET /calendar/<secret>.ics: the meetings its owner may read, as iCalendar. A wrong or
    revoked secret is a 404, as if the address never existed."""
    feed = CalendarFeed.objects.select_related("user").filter(secret=secret).first()
    if feed is None:
        raise Http404
    language = request.GET.get("language")
    with translation.override(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE):
        try:
            meetings = calendar_meetings(feed.user, request.GET)
        except CalendarFilterError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        body = meetings_calendar(
            meetings,
            request.get_host().split(":")[0],
            lambda meeting: request.build_absolute_uri(reverse("admin:meetings_meeting_change", args=[meeting.pk])),
        )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def calendar_address(request):
    """The user's own calendar address (an admin page): shown, created, replaced or revoked."""
    if request.method == "POST":
        CalendarFeed.objects.filter(user=request.user).delete()
        if request.POST.get("action") == "create":
            CalendarFeed.objects.create(user=request.user)
            messages.success(request, _("Your calendar has a new address; the old one no longer works."))
        else:
            messages.success(request, _("Your calendar address is revoked."))
        return HttpResponseRedirect(request.path)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    address = request.build_absolute_uri(reverse("meetings-calendar", args=[feed.secret])) if feed else ""
    context = {
        **admin.site.each_context(request),
        "title": _("My meetings calendar"),
        "address": address,
        "can_read_meetings": request.user.has_perm("meetings.view_meeting"),
    }
    return TemplateResponse(request, "meetings/calendar_address.html", context)
