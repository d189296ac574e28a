"""The meetings as an iCalendar file (RFC 5545) for calendar programs: a personal address per
user, since calendar programs send no Authorization header (models.CalendarFeed)."""
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from crm.bilingual import comma_list, in_language
from crm.dates import DatePrecision
from partners.models import Organization, tagged_with_focal_area, units_of

from .models import Meeting

ICALENDAR_STATUS = {
    Meeting.Status.PLANNED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


class CalendarFilterError(ValueError):
    pass


def calendar_meetings(user, query):
    """The meetings `user` may read, filtered by `?status=`, `?organization=` (its meetings and its
    units', organised or attended) and `?focal_area=` (a code, narrower areas included)."""
    if not user.is_active or not user.has_perm("meetings.view_meeting"):
        return Meeting.objects.none()
    meetings = Meeting.objects.order_by("starts_on", "pk")
    status = query.get("status")
    if status:
        if status not in Meeting.Status.values:
            raise CalendarFilterError(_("status is one of: %s.") % ", ".join(Meeting.Status.values))
        meetings = meetings.filter(status=status)
    organization = query.get("organization")
    if organization:
        if not organization.isdigit():
            raise CalendarFilterError(_("organization is the id of an organisation."))
        own = Organization.objects.filter(pk__in=units_of(int(organization), including_itself=True))
        involved = Meeting.objects.filter(
            Q(organizers__organization__in=own.values("pk")) | Q(participants__organization__in=own.values("pk"))
        )
        meetings = meetings.filter(pk__in=involved.values("pk"))
    focal_area = query.get("focal_area")
    if focal_area:
        meetings = meetings.filter(pk__in=Meeting.objects.filter(tagged_with_focal_area(focal_area)).values("pk"))
    return meetings


def meetings_calendar(meetings, host, address_of):
    """The iCalendar text of `meetings`, in the active language. A meeting known only to the
    month or the year is left out rather than placed on a made-up day; the others are all-day
    events, whose SEQUENCE follows the meeting's version, so calendars take in each change."""
    calendar = Calendar()
    calendar.add("prodid", "-//Partnership CRM//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Meetings"))
    stamp = timezone.now()
    for meeting in meetings:
        if meeting.starts_on is None or meeting.starts_precision != DatePrecision.DAY:
            continue
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("sequence", meeting.version - 1)
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_on)
        event.add("dtend", (meeting.ends_on or meeting.starts_on) + timedelta(days=1))
        event.add("summary", str(meeting))
        event.add("status", ICALENDAR_STATUS[meeting.status])
        place = comma_list(
            part for part in (
                in_language(meeting.venue_en, meeting.venue_ar),
                in_language(meeting.city_en, meeting.city_ar),
                meeting.country.name if meeting.country else "",
            ) if part
        )
        if place or meeting.is_virtual:
            event.add("location", place or _("virtual"))
        description = [in_language(meeting.summary_en, meeting.summary_ar)]
        if meeting.starts_is_inferred:
            description.append(_("The date is inferred: %(note)s") % {"note": meeting.date_note})
        event.add("description", "\n\n".join(part for part in description if part))
        event.add("url", address_of(meeting))
        calendar.add_component(event)
    return calendar.to_ical()
