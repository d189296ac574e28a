"""Organisations, people, their positions, focal areas and the sources every fact comes from."""
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from crm.bilingual import bilingual_required_constraint, comma_list, in_language, shown_order_indexes
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


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")
    OTHER = "other", _("other")


class NameKind(models.TextChoices):
    ACRONYM = "acronym", _("acronym")
    SPELLING_VARIANT = "variant", _("spelling variant")
    TRANSLITERATION = "transliteration", _("transliteration")
    TRANSLATION = "translation", _("translation")
    SHORT_NAME = "short", _("short name")
    FORMER_NAME = "former", _("former name")


class Source(VersionedModel, SyncedModel):
    """A document that facts were taken from: a press release, a newspaper article."""

    slug = models.SlugField(_("identifier"), unique=True)
    title = models.CharField(
        _("title as written"), max_length=500, blank=True, help_text=_("Blank when the document has no title.")
    )
    title_en = models.CharField(_("title in English"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("address"), blank=True)
    file_name = models.CharField(
        _("file name"), max_length=200, blank=True, help_text=_("The seed file it was read from.")
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_precision = models.CharField(
        _("precision of publication date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    dateline = models.CharField(_("dateline as written"), max_length=200, blank=True)
    text = models.TextField(_("full text"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["slug"]
        constraints = [
            FieldCheckConstraint(
                field="title",
                condition=~models.Q(title="", title_en=""),
                name="source_has_a_title",
                violation_error_message=_("Give the title as written or in English (fields title, title_en)."),
            ),
            date_precision_constraint("source", "published_on", "published_precision"),
        ]

    def __str__(self):
        return in_language(self.title_en, self.title)

    @property
    def published_display(self):
        return format_precise_date(self.published_on, self.published_precision)


class Citation(models.Model):
    """Links any record to the passage of a source that states it."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    quote = models.TextField(_("quoted passage"), help_text=_("The words of the source, copied exactly."))
    note = models.TextField(
        _("note"), blank=True, help_text=_("How a fact was read from the passage, if not literally.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            FieldCheckConstraint(
                field="quote",
                condition=~models.Q(quote=""),
                name="citation_quote_not_empty",
                violation_error_message=_("A citation needs the quoted passage (field quote)."),
            )
        ]

    def __str__(self):
        return f"{self.source}: {self.quote[:60]}"

    def clean(self):
        if self.source_id and self.source.text and self.quote and self.quote not in self.source.text:
            raise ValidationError({"quote": _("The passage does not occur in the source's text.")})


class FocalArea(SearchableModel, VersionedModel, SyncedModel):
    """A theme the work serves, in a two-level taxonomy (PCVE → youth engagement)."""

    code = models.SlugField(_("code"), unique=True)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("broader area"),
    )
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("focal area")
        verbose_name_plural = _("focal areas")
        ordering = ["code"]
        constraints = [
            not_its_own_parent_constraint(
                "focalarea", _("A focal area cannot be its own broader area (field parent).")
            ),
        ]

    def __str__(self):
        return in_language(self.name_en, self.name_ar)

    def searchable_names(self):
        return [self.name_en, self.name_ar, self.code]

    def clean(self):
        if self.parent_id is None:
            return
        # The same guard as organisations first: two areas put under each other at once.
        clean_ancestry(self, _("A focal area cannot be its own broader area (field parent)."))
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": _("Focal areas have two levels: pick a top-level area.")})
        if self.pk and self.children.exists():
            raise ValidationError(
                {"parent": _("This area has narrower areas of its own, so it must stay at the top level.")}
            )


def tagged_with_focal_area(code, path=""):
    """Records tagged with the area or one of its narrower areas, along `path` to the tagged
    record: filtering on PCVE also finds what is tagged "youth engagement"."""
    prefix = f"{path}__" if path else ""
    return models.Q(**{f"{prefix}focal_areas__code": code}) | models.Q(**{f"{prefix}focal_areas__parent__code": code})


class Organization(SearchableModel, VersionedModel, SyncedModel):
    # Its words, kept by PostgreSQL in list order (OrganizationWord): a searched list reads its
    # whole-word matches from them (crm.search.SearchRanking).
    kept_words = "search_words"

    class Kind(models.TextChoices):
        UN_ENTITY = "un_entity", _("UN entity")
        MEMBER_STATE = "member_state", _("member state")
        GOVERNMENT_BODY = "government_body", _("government body")
        PERMANENT_MISSION = "permanent_mission", _("permanent mission")
        REGIONAL_ORGANIZATION = "regional_organization", _("regional or intergovernmental organisation")
        INTERNATIONAL_ORGANIZATION = "international_organization", _("international organisation")
        CENTRE_OF_EXCELLENCE = "centre_of_excellence", _("centre of excellence")
        COALITION = "coalition", _("coalition")
        CIVIL_SOCIETY = "civil_society", _("civil society / think tank")
        ACADEMIC = "academic", _("academic institution")
        PRIVATE_SECTOR = "private_sector", _("private sector")
        OTHER = "other", _("other")

    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        help_text=_("The body this one belongs to: UNCCT is part of UNOCT."),
    )
    country = CountryField(_("country"), blank=True)
    headquarters_city_en = models.CharField(_("headquarters city in English"), max_length=100, blank=True)
    headquarters_city_ar = models.CharField(_("headquarters city in Arabic"), max_length=100, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    founded_precision = models.CharField(
        _("precision of founding date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    founded_is_inferred = models.BooleanField(_("founding date inferred"), default=False)
    founded_note = models.CharField(_("note on founding date"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en", "name_ar"]
        indexes = [
            # The API's list order, which its keyset pages walk; and its commonest filters, in
            # that order, so a filtered page stops after its rows instead of sorting them all.
            models.Index(fields=["name_en", "name_ar", "id"], name="organization_list_order"),
            models.Index(fields=["country", "kind", "name_en", "name_ar", "id"], name="organization_filtered_order"),
            # The admin's list, in the order of the names its reader sees (crm.bilingual).
            *shown_order_indexes("organization", "name"),
        ]
        constraints = [
            bilingual_required_constraint("organization", "name"),
            not_its_own_parent_constraint(
                "organization", _("An organisation cannot be part of itself (field parent).")
            ),
            code_shape_constraint(
                "organization", "country", 2, "iso_3166",
                _("The country must be an ISO 3166 code (field country)."), allow_blank=True,
            ),
            date_precision_constraint("organization", "founded_on", "founded_precision"),
        ]

    def __str__(self):
        name = in_language(self.name_en, self.name_ar)
        return f"{name} ({self.acronym})" if self.acronym else name

    def searchable_names(self):
        return [self.name_en, self.name_ar, self.acronym]

    @property
    def founded_display(self):
        return format_precise_date(self.founded_on, self.founded_precision)

    def clean(self):
        clean_ancestry(self, _("An organisation cannot be part of itself or of one of its units."))


class OrganizationName(SearchableModel):
    """Another name of an organisation: an acronym, a spelling, a former name."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=300)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=NameKind.choices)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("source")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("other name of an organisation")
        verbose_name_plural = _("other names of organisations")
        ordering = ["organization", "name"]
        constraints = [
            FieldUniqueConstraint(
                field="name",
                fields=["organization", "name"],
                name="organizationname_unique_per_organization",
                violation_error_message=_("This organisation already has that name (field name)."),
            ),
            FieldCheckConstraint(
                field="name",
                condition=~models.Q(name=""),
                name="organizationname_not_blank",
                violation_error_message=_("The name cannot be blank (field name)."),
            ),
        ]

    def __str__(self):
        return self.name

    def searchable_names(self):
        return [self.name]


class OrganizationWord(models.Model):
    """A whole word of an organisation's names or aliases, normalised, with the names its list is
    ordered by: a searched list reads the organisations that have a word of the term in the
    order it shows them, from one index (migration 0011). Kept by triggers on PostgreSQL; SQLite
    has no such table (crm.search finds whole words there with a regular expression)."""

    kept_by_database = True

    pk = models.CompositePrimaryKey("word", "name_en", "name_ar", "organization")
    word = models.TextField()
    name_en = models.CharField(max_length=300)
    name_ar = models.CharField(max_length=300)
    organization = models.ForeignKey(
        Organization, on_delete=models.DO_NOTHING, db_constraint=False, related_name="search_words"
    )

    class Meta:
        managed = False
        db_table = "partners_organizationword"


class Person(SearchableModel, VersionedModel, SyncedModel):
    # Its words, kept by PostgreSQL in list order (PersonWord), as an organisation's.
    kept_words = "search_words"

    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    honorific_en = models.CharField(
        _("honorific in English"), max_length=100, blank=True, help_text=_("H.E., Dr, Amb., Maj. Gen.")
    )
    honorific_ar = models.CharField(
        _("honorific in Arabic"), max_length=100, blank=True, help_text=_("السفير، الدكتور، اللواء")
    )
    notes = models.TextField(_("notes"), blank=True)
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_en", "name_ar"]
        indexes = [
            models.Index(fields=["name_en", "name_ar", "id"], name="person_list_order"),
            *shown_order_indexes("person", "name"),
        ]
        constraints = [
            bilingual_required_constraint("person", "name"),
        ]

    def __str__(self):
        return in_language(self.name_en, self.name_ar)

    def searchable_names(self):
        return [self.name_en, self.name_ar]

    def position_on(self, day=None, organization=None):
        """The post the person held on `day` (any day, if None), in `organization` if they held
        one there, else elsewhere; of several, the most recently begun. None if nothing fits."""
        positions = self.positions.select_related("organization")
        if day is not None:
            positions = positions.filter(
                models.Q(starts_on__isnull=True) | models.Q(starts_on__lte=day),
                models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day),
            )
        latest_first = positions.order_by(models.F("starts_on").desc(nulls_last=True), "-pk")
        if organization is not None:
            there = latest_first.filter(organization=organization).first()
            if there is not None:
                return there
        return latest_first.first()


class PersonWord(models.Model):
    """A whole word of a person's names or aliases, normalised, with the names the people list is
    ordered by, as OrganizationWord is an organisation's (migration 0013, crm.indexes.kept_words)."""

    kept_by_database = True

    pk = models.CompositePrimaryKey("word", "name_en", "name_ar", "person")
    word = models.TextField()
    name_en = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    person = models.ForeignKey(Person, on_delete=models.DO_NOTHING, db_constraint=False, related_name="search_words")

    class Meta:
        managed = False
        db_table = "partners_personword"


class PersonName(SearchableModel):
    """Another spelling or transliteration of a person's name; one alias names one person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=NameKind.choices)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("source")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("other name of a person")
        verbose_name_plural = _("other names of people")
        ordering = ["person", "name"]
        constraints = [
            FieldUniqueConstraint(
                field="name",
                fields=["name"],
                name="personname_one_person_per_alias",
                violation_error_message=_("Another person already has this name as an alias (field name)."),
            ),
            FieldCheckConstraint(
                field="name",
                condition=~models.Q(name=""),
                name="personname_not_blank",
                violation_error_message=_("The name cannot be blank (field name)."),
            ),
        ]

    def __str__(self):
        return self.name

    def searchable_names(self):
        return [self.name]


class Position(models.Model):
    """A post a person holds in an organisation (a Popolo membership)."""

    class Role(models.TextChoices):
        HEAD = "head", _("head")
        DEPUTY_HEAD = "deputy_head", _("deputy head")
        CHAIR = "chair", _("chair")
        REPRESENTATIVE = "representative", _("representative")
        MEMBER = "member", _("member")
        STAFF = "staff", _("staff")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="positions", verbose_name=_("organisation")
    )
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    title_ar = models.CharField(_("title in Arabic"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    is_acting = models.BooleanField(_("acting"), default=False)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    starts_precision = models.CharField(
        _("precision of start"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ends_on = models.DateField(_("until"), null=True, blank=True)
    ends_precision = models.CharField(
        _("precision of end"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    citations = GenericRelation(Citation)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["person", "organization"]
        constraints = [
            bilingual_required_constraint("position", "title"),
            ends_after_start_constraint(
                "position", "starts_on", "ends_on",
                _("A position cannot end before it starts (fields starts_on, ends_on)."),
            ),
            date_precision_constraint("position", "starts_on", "starts_precision"),
            date_precision_constraint("position", "ends_on", "ends_precision"),
        ]

    def __str__(self):
        return f"{self.person}: {comma_list([in_language(self.title_en, self.title_ar), str(self.organization)])}"


def units_of(pk, including_itself=False):
    """The ids of an organisation's units at every depth (and its own id first, if asked), as a
    subquery: one recursive query on both databases; UNION rather than UNION ALL, so a cycle
    ends. One subquery rather than an OR with the organisation's own id, which PostgreSQL
    estimates as half the table and plans accordingly."""
    table = Organization._meta.db_table
    start = f"SELECT id FROM {table} WHERE id = %s" if including_itself else f"SELECT id FROM {table} WHERE parent_id = %s"
    return RawSQL(
        f"WITH RECURSIVE units(id) AS ({start} "
        f"UNION SELECT child.id FROM {table} child JOIN units ON child.parent_id = units.id) SELECT id FROM units",
        [pk],
    )
