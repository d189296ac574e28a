"""Agreements (MoUs, contribution agreements), their parties and witnesses, and the money they bring."""
from decimal import Decimal

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.bilingual import bilingual_required_constraint, comma_list, in_language
from crm.codes import code_shape_constraint, validate_currency_code
from crm.constraints import FieldCheckConstraint, FieldUniqueConstraint, ends_after_start_constraint
from crm.numerals import format_amount
from crm.dates import DatePrecision, date_precision_constraint, format_precise_date
from crm.search import SearchableModel
from crm.sync import SyncedModel
from crm.versioning import VersionedModel
from partners.models import Citation, FocalArea, Organization, Person


class Agreement(SearchableModel, VersionedModel, SyncedModel):
    class Kind(models.TextChoices):
        MOU = "mou", _("memorandum of understanding")
        CONTRIBUTION_AGREEMENT = "contribution_agreement", _("contribution agreement")
        COOPERATION_AGREEMENT = "cooperation_agreement", _("cooperation agreement")
        FRAMEWORK_AGREEMENT = "framework_agreement", _("framework agreement")
        LETTER_OF_INTENT = "letter_of_intent", _("letter of intent")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        UNDER_NEGOTIATION = "under_negotiation", _("under negotiation")
        SIGNED = "signed", _("signed")
        IN_FORCE = "in_force", _("in force")
        EXPIRED = "expired", _("expired")
        TERMINATED = "terminated", _("terminated")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    title_ar = models.CharField(_("title in Arabic"), max_length=300, blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    summary_ar = models.TextField(_("summary in Arabic"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_precision = models.CharField(
        _("precision of signing date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    signed_is_inferred = models.BooleanField(
        _("signing date inferred"), default=False, help_text=_("The source does not state the date itself.")
    )
    signed_note = models.CharField(
        _("note on signing date"),
        max_length=300,
        blank=True,
        help_text=_("How the date was worked out: \"release dated 2 April 2021 says 'yesterday'\"."),
    )
    signed_place_en = models.CharField(_("place of signing in English"), max_length=200, blank=True)
    signed_place_ar = models.CharField(_("place of signing in Arabic"), max_length=200, blank=True)
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    focal_areas = models.ManyToManyField(
        FocalArea, through="AgreementFocalArea", related_name="agreements", blank=True, verbose_name=_("focal areas")
    )
    notes = models.TextField(_("notes"), blank=True)
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title_en"]
        constraints = [
            bilingual_required_constraint("agreement", "title"),
            ends_after_start_constraint(
                "agreement", "effective_on", "expires_on",
                _("An agreement cannot expire before it takes effect (fields effective_on, expires_on)."),
                name="agreement_expires_after_it_takes_effect",
            ),
            ends_after_start_constraint(
                "agreement", "signed_on", "expires_on",
                _("An agreement cannot expire before it is signed (fields signed_on, expires_on)."),
                name="agreement_expires_after_signing",
            ),
            FieldCheckConstraint(
                field="signed_on",
                condition=models.Q(signed_on__isnull=True) | ~models.Q(status__in=["draft", "under_negotiation"]),
                name="agreement_unsigned_has_no_signing_date",
                violation_error_message=_(
                    "A draft or an agreement under negotiation has no signing date (fields status, signed_on)."
                ),
            ),
            date_precision_constraint("agreement", "signed_on", "signed_precision"),
        ]

    def __str__(self):
        return in_language(self.title_en, self.title_ar)

    def searchable_names(self):
        return [self.title_en, self.title_ar]

    @property
    def signed_display(self):
        return format_precise_date(self.signed_on, self.signed_precision)


class AgreementFocalArea(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE)
    focal_area = models.ForeignKey(FocalArea, on_delete=models.PROTECT, verbose_name=_("focal area"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("focal area of an agreement")
        verbose_name_plural = _("focal areas of agreements")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "focal_area"], name="agreementfocalarea_unique"),
        ]

    def __str__(self):
        return str(self.focal_area)


class AgreementParty(models.Model):
    """An organisation bound by an agreement, and who signed for it."""

    class Role(models.TextChoices):
        PARTY = "party", _("party")
        FUNDING = "funding", _("donor")
        ACCOUNTABLE = "accountable", _("recipient")
        EXTENDING = "extending", _("extending")
        IMPLEMENTING = "implementing", _("implementing")

    # IATI 2.03 OrganisationRole codes, so other systems can read the role.
    IATI_ROLE_CODES = {Role.FUNDING: "1", Role.ACCOUNTABLE: "2", Role.EXTENDING: "3", Role.IMPLEMENTING: "4"}

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        verbose_name=_("organisation"),
        db_index=False,  # the index below leads with it
    )
    represented_by = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_representations",
        verbose_name=_("represented by"),
        help_text=_("The body that acted for the party: Qatar was represented by its National Counter-Terrorism Committee."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTY)
    signatory = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("signed by"),
    )
    signatory_title_en = models.CharField(_("signatory's title in English"), max_length=300, blank=True)
    signatory_title_ar = models.CharField(_("signatory's title in Arabic"), max_length=300, blank=True)
    # The agreement's signing date, copied here and kept by the database (migration 0010), so
    # that an organisation's latest agreements are read from one index (on PostgreSQL), however
    # many it has.
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, editable=False)
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["agreement_signed_on"])

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["agreement", "pk"]
        # An organisation's agreements read from the index alone: a partner list checks a hub's
        # thousands against another organisation's without visiting the table.
        indexes = [models.Index(fields=["organization", "agreement"], name="agreementparty_by_organization")]
        constraints = [
            FieldUniqueConstraint(
                field="organization",
                fields=["agreement", "organization"],
                name="agreementparty_unique_per_agreement",
                violation_error_message=_("This organisation is already a party to the agreement (field organization)."),
            ),
            FieldCheckConstraint(
                field="represented_by",
                condition=~models.Q(represented_by=models.F("organization")),
                name="agreementparty_not_represented_by_itself",
                violation_error_message=_("A party is not represented by itself (field represented_by)."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.agreement}"

    @property
    def iati_role_code(self) -> str:
        return self.IATI_ROLE_CODES.get(self.role, "")


class AgreementWitness(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="witnesses", verbose_name=_("agreement")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="witnessed", verbose_name=_("person"))
    title_en = models.CharField(_("capacity in English"), max_length=300, blank=True)
    title_ar = models.CharField(_("capacity in Arabic"), max_length=300, blank=True)
    citations = GenericRelation(Citation)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")
        ordering = ["agreement", "pk"]
        constraints = [
            FieldUniqueConstraint(
                field="person",
                fields=["agreement", "person"],
                name="agreementwitness_unique_per_agreement",
                violation_error_message=_("This person is already a witness of the agreement (field person)."),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.agreement}"


# One amount stays below a quadrillion: 18 digits with the minor units, so every sum of amounts
# fits the 30 digits totals are shown with, and SQLite (whose numbers are floats past 15 digits)
# still reads each amount back within its column's 20 digits.
AMOUNT_LIMIT = Decimal("1000000000000000")


def amount_bounds_constraint(model_name):
    return FieldCheckConstraint(
        field="amount",
        condition=models.Q(amount__lt=AMOUNT_LIMIT),
        name=f"{model_name}_amount_below_limit",
        violation_error_message=_("The amount must be less than 1,000,000,000,000,000 (field amount)."),
    )


def counted_commitments(path=""):
    """The commitments that count in totals, along `path` to the commitment: all but the
    cancelled ones. The one definition; the funding-totals triggers (migration 0004) spell the
    same rule in SQL, and a test holds them to it."""
    prefix = f"{path}__" if path else ""
    return ~models.Q(**{f"{prefix}status": FundingCommitment.Status.CANCELLED})


class FundingCommitmentQuerySet(models.QuerySet):
    def with_received(self):
        """Annotate `received` (sum of payments), `outstanding` (amount less received) and
        `overpaid` (more received than pledged, which the admin lets through after a warning)."""
        # Sums hold ten more digits than one amount (agreements/serializers.py, TOTAL).
        money = models.DecimalField(max_digits=30, decimal_places=3)
        received = Coalesce(
            models.Subquery(
                Payment.objects.filter(commitment=models.OuterRef("pk"))
                .values("commitment")
                .annotate(total=models.Sum("amount"))
                .values("total"),
                output_field=money,
            ),
            models.Value(Decimal(0)),
            output_field=money,
        )
        return self.annotate(received=received).annotate(
            outstanding=models.ExpressionWrapper(models.F("amount") - models.F("received"), output_field=money),
            overpaid=models.ExpressionWrapper(
                models.Q(received__gt=models.F("amount")), output_field=models.BooleanField()
            ),
        )

    SUMMARY_GROUPS = {
        "donor": ["donor", "donor__name_en", "donor__name_ar", "donor__acronym"],
        "recipient": ["recipient", "recipient__name_en", "recipient__name_ar", "recipient__acronym"],
        "year": ["year"],
        "focal_area": ["focal_areas", "focal_areas__code", "focal_areas__name_en", "focal_areas__name_ar"],
    }

    def totals(self, group_by, ordering=None, page=None, currency=None):
        """Pledged, received and outstanding per group and currency, computed in the database,
        as a list of rows ordered by group and currency (or by `ordering`, names of their keys).

        Cancelled commitments are left out. Currencies are never added together. A commitment
        serving two focal areas counts in both, so focal-area rows do not add up to the whole.

        `page` is (direction, position, size): the `size` rows "after" or "before" `position`,
        a [group, currency] pair or None for the start, in the order of group (empty last) and
        currency, nearest first.

        `currency` keeps that currency's rows only (case apart, as the list's filter does).

        On PostgreSQL the totals of all commitments are kept by the database as they change
        (migration agreements 0004) and read from there, in one currency too, since each kept
        row is one currency's; a set filtered otherwise is summed when asked.
        """
        if not self.query.has_filters() and connections[self.db].vendor == "postgresql":
            return self.kept_totals(group_by, ordering, page, currency)
        rows = (self.filter(currency__iexact=currency) if currency else self).summed_totals(group_by, ordering)
        if page is None:
            return rows
        direction, position, size = page
        group = self.SUMMARY_GROUPS[group_by][0]

        def place(key, currency):
            return (key is None, key or 0, currency)

        rows.sort(key=lambda row: place(row[group], row["currency"]), reverse=direction == "before")
        if position is not None:
            beyond = (lambda row: row > place(*position)) if direction == "after" else (lambda row: row < place(*position))
            rows = [row for row in rows if beyond(place(row[group], row["currency"]))]
        return rows[:size]

    def summed_totals(self, group_by, ordering=None):
        """`totals()` summed from the rows: two GROUP BYs, the commitments' and their payments',
        merged here (one query summing a subquery of payments per commitment paid an index
        lookup for every commitment)."""
        columns = self.SUMMARY_GROUPS[group_by]
        counted = self.filter(counted_commitments())
        payments = Payment.objects.filter(commitment__in=counted.values("pk"))
        if group_by == "year":
            counted = counted.annotate(year=ExtractYear("committed_on"))
            group = ExtractYear("commitment__committed_on")
        else:
            group = models.F(f"commitment__{columns[0]}")
        received = {
            (row["group"], row["currency"]): row["total"]
            for row in payments.values(group=group, currency=models.F("commitment__currency"))
            .annotate(total=models.Sum("amount"))
            .order_by()
        }
        rows = (
            counted.values(*columns, "currency")
            .annotate(commitments=models.Count("pk"), pledged=models.Sum("amount"))
            .order_by(*(ordering if ordering is not None else (columns[0], "currency")))
        )
        return [
            {**row, "received_total": received.get((row[columns[0]], row["currency"]), Decimal(0))} for row in rows
        ]

    # Where kept_totals() finds each key of a totals row: the kept table `t`, and `g`, the
    # organisation or focal area it is about.
    KEPT_GROUP_TABLES = {"donor": "partners_organization", "recipient": "partners_organization",
                         "focal_area": "partners_focalarea"}
    # The kept table's unique index sorts an empty group (no date, no focal area) as this key: last.
    KEPT_EMPTY_GROUP = 2**63 - 1

    def kept_totals(self, group_by, ordering=None, page=None, currency=None):
        """`totals()` of all commitments, read from the totals PostgreSQL keeps (one query);
        a page walks the table's unique index."""
        columns = self.SUMMARY_GROUPS[group_by]
        sources = {columns[0]: "t.group_key", "currency": "t.currency", "commitments": "t.commitments",
                   "pledged": "t.pledged", "received_total": "t.received"}
        sources.update({column: f"g.{column.split('__', 1)[1]}" for column in columns[1:]})
        table = self.KEPT_GROUP_TABLES.get(group_by)
        joined = f"LEFT JOIN {table} g ON g.id = t.group_key" if table else ""
        where, params, limit = "t.grouping = %s", [group_by], ""
        if currency:
            where += " AND t.currency = upper(%s)"
            params.append(currency)
        if page is None:
            order = [
                f"{sources[name.lstrip('-')]} {'DESC' if name.startswith('-') else 'ASC'}"
                for name in (ordering if ordering is not None else (columns[0], "currency"))
            ]
        else:
            direction, position, size = page
            way = "ASC" if direction == "after" else "DESC"
            order = [f"coalesce(t.group_key, {self.KEPT_EMPTY_GROUP}) {way}", f"t.currency {way}"]
            if position is not None:
                where += f" AND (coalesce(t.group_key, {self.KEPT_EMPTY_GROUP}), t.currency) {'>' if way == 'ASC' else '<'} (%s, %s)"
                params += [self.KEPT_EMPTY_GROUP if position[0] is None else position[0], position[1]]
            limit = f"LIMIT {int(size)}"
        names = list(sources)
        sql = (
            f"SELECT {', '.join(sources[name] for name in names)} FROM agreements_fundingtotal t {joined} "
            f"WHERE {where} {'ORDER BY ' + ', '.join(order) if order else ''} {limit}"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return [dict(zip(names, row)) for row in cursor.fetchall()]


class FundingCommitment(VersionedModel, SyncedModel):
    """Money a donor pledged or committed to a recipient; what arrived is its list of payments."""

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("pledged")
        COMMITTED = "committed", _("committed")
        PARTLY_PAID = "partly_paid", _("partly paid")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    # IATI 2.03 TransactionType of the incoming flow this status stands for.
    IATI_TRANSACTION_TYPES = {Status.PLEDGED: "13", Status.COMMITTED: "11"}

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("agreement"),
    )
    donor = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commitments_given", verbose_name=_("donor")
    )
    recipient = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commitments_received", verbose_name=_("recipient")
    )
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=3)
    currency = models.CharField(
        _("currency"), max_length=3, validators=[validate_currency_code], help_text=_("ISO 4217 code, such as USD.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLEDGED)
    committed_on = models.DateField(_("pledged or committed on"), null=True, blank=True)
    committed_precision = models.CharField(
        _("precision of commitment date"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    period_starts_on = models.DateField(_("period starts on"), null=True, blank=True)
    period_months = models.PositiveSmallIntegerField(
        _("period in months"), null=True, blank=True, help_text=_("\"Over five years\" is 60 months.")
    )
    period_ends_on = models.DateField(_("period ends on"), null=True, blank=True)
    purpose_en = models.TextField(_("purpose in English"), blank=True)
    purpose_ar = models.TextField(_("purpose in Arabic"), blank=True)
    is_reported = models.BooleanField(
        _("reported figure"),
        default=False,
        help_text=_("Taken from a secondary source such as a press release, not from the agreement itself."),
    )
    focal_areas = models.ManyToManyField(
        FocalArea, through="FundingCommitmentFocalArea", related_name="commitments", blank=True, verbose_name=_("focal areas")
    )
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = FundingCommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding commitment")
        verbose_name_plural = _("funding commitments")
        ordering = ["-committed_on", "pk"]
        constraints = [
            FieldCheckConstraint(
                field="amount",
                condition=models.Q(amount__gt=0),
                name="fundingcommitment_amount_positive",
                violation_error_message=_("The amount must be greater than zero (field amount)."),
            ),
            amount_bounds_constraint("fundingcommitment"),
            code_shape_constraint(
                "fundingcommitment", "currency", 3, "iso_4217",
                _("The currency must be an ISO 4217 code such as USD (field currency)."),
            ),
            FieldCheckConstraint(
                field="recipient",
                condition=~models.Q(donor=models.F("recipient")),
                name="fundingcommitment_donor_is_not_recipient",
                violation_error_message=_("The donor and the recipient must differ (fields donor, recipient)."),
            ),
            FieldCheckConstraint(
                field="period_months",
                condition=models.Q(period_months__isnull=True) | models.Q(period_months__gt=0),
                name="fundingcommitment_period_months_positive",
                violation_error_message=_("The period must last at least one month (field period_months)."),
            ),
            FieldCheckConstraint(
                field="period_months",
                condition=models.Q(period_months__isnull=True) | models.Q(period_ends_on__isnull=True),
                name="fundingcommitment_period_has_length_or_end",
                violation_error_message=_(
                    "Give the period's length or its end, not both (fields period_months, period_ends_on)."
                ),
            ),
            ends_after_start_constraint(
                "fundingcommitment", "period_starts_on", "period_ends_on",
                _("The period cannot end before it starts (fields period_starts_on, period_ends_on)."),
                name="fundingcommitment_period_ends_after_it_starts",
            ),
            date_precision_constraint("fundingcommitment", "committed_on", "committed_precision"),
        ]

    def __str__(self):
        # From donor to recipient, the way the page reads.
        arrow = "←" if translation.get_language_bidi() else "→"
        return f"{self.donor} {arrow} {self.recipient}: {self.currency} {format_amount(self.amount)}"

    @property
    def iati_transaction_type(self):
        return self.IATI_TRANSACTION_TYPES.get(self.status, "")


class FundingCommitmentFocalArea(models.Model):
    commitment = models.ForeignKey(FundingCommitment, on_delete=models.CASCADE)
    focal_area = models.ForeignKey(FocalArea, on_delete=models.PROTECT, verbose_name=_("focal area"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("focal area of a commitment")
        verbose_name_plural = _("focal areas of commitments")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "focal_area"], name="fundingcommitmentfocalarea_unique"),
        ]

    def __str__(self):
        return str(self.focal_area)


class Payment(SyncedModel):
    """Money received against a commitment, in the commitment's currency."""

    commitment = models.ForeignKey(
        FundingCommitment, on_delete=models.PROTECT, related_name="payments", verbose_name=_("commitment")
    )
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=3)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["commitment", "received_on", "pk"]
        constraints = [
            FieldCheckConstraint(
                field="amount",
                condition=models.Q(amount__gt=Decimal(0)),
                name="payment_amount_positive",
                violation_error_message=_("The amount must be greater than zero (field amount)."),
            ),
            amount_bounds_constraint("payment"),
        ]

    def __str__(self):
        return comma_list([f"{self.commitment.currency} {format_amount(self.amount)}", formats.date_format(self.received_on)])

    def clean(self):
        if self.commitment_id is None:
            return
        if self.commitment.status == FundingCommitment.Status.CANCELLED:
            raise ValidationError({"commitment": _("A cancelled commitment receives no payments.")})
