"""Meetings: dialogues, virtual discussions, official visits; who organised them and who took part."""
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from agreements.models import Agreement
from crm.bilingual import bilingual_required_constraint, in_language
from crm.codes import code_shape_constraint
from crm.constraints import (
    FieldCheckConstraint,
    FieldUniqueConstraint,
    ends_after_start_constraint,
    not_its_own_parent_constraint,
)
from crm.dates import DatePrecision, date_precision_constraint, format_precise_date
from crm.search import SearchableModel
from crm.sync import SyncedModel
from crm.trees import clean_ancestry
from crm.versioning import VersionedModel
from partners.models import Citation, FocalArea, Organization, Person


class CountQualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    MORE_THAN = "more_than", _("more than")
    AT_LEAST = "at_least", _("at least")
    ABOUT = "about", _("about")


class Meeting(SearchableModel, VersionedModel, SyncedModel):
    class Kind(models.TextChoices):
        STRATEGIC_DIALOGUE = "strategic_dialogue", _("strategic dialogue")
        VIRTUAL_DISCUSSION = "virtual_discussion", _("virtual discussion")
        OFFICIAL_VISIT = "official_visit", _("official visit")
        SIGNING_CEREMONY = "signing_ceremony", _("signing ceremony")
        SECURITY_COUNCIL_SESSION = "security_council_session", _("Security Council session")
        CONFERENCE = "conference", _("conference")
        WORKSHOP = "workshop", _("workshop or training")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    title_ar = models.CharField(_("title in Arabic"), max_length=300, blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    summary_ar = models.TextField(_("summary in Arabic"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    starts_precision = models.CharField(
        _("precision of start"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    starts_is_inferred = models.BooleanField(
        _("start date inferred"), default=False, help_text=_("The source does not state the date itself.")
    )
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    date_note = models.CharField(
        _("note on the dates"),
        max_length=300,
        blank=True,
        help_text=_("How the dates were worked out, or why they are unknown."),
    )
    is_virtual = models.BooleanField(_("virtual"), default=False)
    venue_en = models.CharField(_("venue in English"), max_length=200, blank=True)
    venue_ar = models.CharField(_("venue in Arabic"), max_length=200, blank=True)
    city_en = models.CharField(_("city in English"), max_length=100, blank=True)
    city_ar = models.CharField(_("city in Arabic"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    reported_participants = models.PositiveIntegerField(_("reported number of participants"), null=True, blank=True)
    reported_participants_qualifier = models.CharField(
        _("participants count is"), max_length=10, choices=CountQualifier.choices, default=CountQualifier.EXACT
    )
    reported_organizations = models.PositiveIntegerField(
        _("reported number of organisations"), null=True, blank=True
    )
    reported_organizations_qualifier = models.CharField(
        _("organisations count is"), max_length=10, choices=CountQualifier.choices, default=CountQualifier.EXACT
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follows up on"),
        help_text=_("The meeting that planned this one."),
    )
    related_agreements = models.ManyToManyField(
        Agreement, through="MeetingAgreement", related_name="meetings", blank=True, verbose_name=_("related agreements")
    )
    focal_areas = models.ManyToManyField(
        FocalArea, through="MeetingFocalArea", related_name="meetings", blank=True, verbose_name=_("focal areas")
    )
    notes = models.TextField(_("notes"), blank=True)
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_on", "title_en"]
        constraints = [
            bilingual_required_constraint("meeting", "title"),
            ends_after_start_constraint(
                "meeting", "starts_on", "ends_on", _("A meeting cannot end before it starts (fields starts_on, ends_on).")
            ),
            FieldCheckConstraint(
                field="starts_on",
                condition=models.Q(ends_on__isnull=True) | models.Q(starts_on__isnull=False),
                name="meeting_end_needs_a_start",
                violation_error_message=_("An end date needs a start date (fields starts_on, ends_on)."),
            ),
            not_its_own_parent_constraint(
                "meeting", _("A meeting cannot follow up on itself (field follows)."),
                parent_field="follows", name="meeting_does_not_follow_itself",
            ),
            code_shape_constraint(
                "meeting", "country", 2, "iso_3166",
                _("The country must be an ISO 3166 code (field country)."), allow_blank=True,
            ),
            date_precision_constraint("meeting", "starts_on", "starts_precision"),
        ]
        # The admin's country filter finds the countries meetings are in by probing it.
        indexes = [models.Index(fields=["country"], name="meeting_by_country")]

    def __str__(self):
        return in_language(self.title_en, self.title_ar)

    def searchable_names(self):
        return [self.title_en, self.title_ar]

    @property
    def starts_display(self):
        return format_precise_date(self.starts_on, self.starts_precision)

    def clean(self):
        clean_ancestry(self, _("Follow-ups cannot go round in a circle."), parent_field="follows")


class MeetingOrganizer(models.Model):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("organiser")
        CO_ORGANIZER = "co_organizer", _("co-organiser")
        HOST = "host", _("host")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="organizers", verbose_name=_("meeting"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="meetings_organized",
        verbose_name=_("organisation"),
        db_index=False,  # the index below leads with it
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ORGANIZER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        ordering = ["meeting", "pk"]
        # An organisation's meetings read from the index alone (a partner list's links).
        indexes = [models.Index(fields=["organization", "meeting"], name="meetingorganizer_by_org")]
        constraints = [
            FieldUniqueConstraint(
                field="organization",
                fields=["meeting", "organization"],
                name="meetingorganizer_unique_per_meeting",
                violation_error_message=_("This organisation already organises the meeting (field organization)."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class MeetingSession(models.Model):
    """A session or agenda item of a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("meeting"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    title_ar = models.CharField(_("title in Arabic"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["meeting", "order"]
        constraints = [
            FieldUniqueConstraint(
                field="order",
                fields=["meeting", "order"],
                name="meetingsession_order_unique_per_meeting",
                violation_error_message=_("Another session of this meeting has that place in the order (field order)."),
            ),
            bilingual_required_constraint("meetingsession", "title"),
        ]

    def __str__(self):
        return in_language(self.title_en, self.title_ar)


class Participant(models.Model):
    """Someone who took part in a meeting, or an organisation whose officials did, and in what role."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        HOST = "host", _("host")
        MODERATOR = "moderator", _("moderator")
        SPEAKER = "speaker", _("speaker")
        HEAD_OF_DELEGATION = "head_of_delegation", _("head of delegation")
        DELEGATE = "delegate", _("delegate")
        OBSERVER = "observer", _("observer")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="participants", verbose_name=_("meeting")
    )
    session = models.ForeignKey(
        MeetingSession,
        # RESTRICT, not PROTECT: a session cannot be deleted from under its participants, but
        # deleting the whole meeting still removes both.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("session"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("representing"),
        db_index=False,  # participant_by_organization leads with it
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DELEGATE)
    title_en = models.CharField(_("title that day in English"), max_length=300, blank=True)
    title_ar = models.CharField(_("title that day in Arabic"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    citations = GenericRelation(Citation)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting", "session", "pk"]
        # An organisation's meetings read from the index alone (a partner list's links).
        indexes = [models.Index(fields=["organization", "meeting"], name="participant_by_organization")]
        constraints = [
            FieldCheckConstraint(
                field="person",
                condition=models.Q(person__isnull=False) | models.Q(organization__isnull=False),
                name="participant_is_a_person_or_an_organization",
                violation_error_message=_("Name the person, the organisation, or both (fields person, organization)."),
            ),
            FieldUniqueConstraint(
                field="person",
                fields=["meeting", "person", "role"],
                condition=models.Q(session__isnull=True, person__isnull=False),
                name="participant_role_once_per_meeting",
                violation_error_message=_("This person already has this role in the meeting (fields person, role)."),
            ),
            FieldUniqueConstraint(
                field="person",
                fields=["session", "person", "role"],
                condition=models.Q(person__isnull=False),
                name="participant_role_once_per_session",
                violation_error_message=_("This person already has this role in the session (fields person, role)."),
            ),
        ]

    def __str__(self):
        who = self.person or self.organization
        return f"{who} ({self.get_role_display()}) — {self.meeting}"

    def clean(self):
        if self.session_id and self.meeting_id and self.session.meeting_id != self.meeting_id:
            raise ValidationError({"session": _("The session belongs to another meeting.")})


class MeetingAgreement(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, verbose_name=_("agreement"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("related agreement")
        verbose_name_plural = _("related agreements")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agreement"], name="meetingagreement_unique"),
        ]

    def __str__(self):
        return str(self.agreement)


class MeetingFocalArea(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE)
    focal_area = models.ForeignKey(FocalArea, on_delete=models.PROTECT, verbose_name=_("focal area"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("focal area of a meeting")
        verbose_name_plural = _("focal areas of meetings")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "focal_area"], name="meetingfocalarea_unique"),
        ]

    def __str__(self):
        return str(self.focal_area)


def new_calendar_secret():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's address for the meetings calendar. Calendar programs send no Authorization
    header, so the address itself is the key: it shows what its owner may read, and is revoked or
    replaced from the owner's calendar page."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_calendar", verbose_name=_("user")
    )
    secret = models.CharField(_("secret"), max_length=64, unique=True, default=new_calendar_secret)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self):
        return str(self.user)


def meetings_of(organizations):
    """The ids of the meetings that the organisations (a condition on a link's `organization`)
    organised or took part in: a UNION of the two link tables, each read by its organisation
    index, rather than an OR across two joins, so that PostgreSQL sees how few meetings they are."""
    return (
        MeetingOrganizer.objects.filter(organizations)
        .order_by()
        .values("meeting")
        .union(Participant.objects.filter(organizations).order_by().values("meeting"))
    )
