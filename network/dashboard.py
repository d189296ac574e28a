"""The admin dashboard: money by donor and year, what expires or falls due soon, the latest changes.

It reads across the three apps, so it lives in `network/`, above them. Every figure is aggregated in the database: the page makes the same number of queries whatever the
amount of data.
"""
import calendar
import datetime
from decimal import Decimal
from itertools import chain

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import F, Sum
from django.db.models.functions import ExtractYear
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from agreements.models import Agreement, FundingCommitment, Payment, counted_commitments
from crm.bilingual import comma_list, in_language
from crm.dates import DatePrecision, format_precise_date
from crm.numerals import format_amount
from meetings.models import Meeting
from partners.models import Organization, Person

EXPIRY_WINDOW_DAYS = 90
LIST_LENGTH = 25
LATEST_CHANGES = 15
HISTORY_MODELS = [Agreement, FundingCommitment, Meeting, Organization, Person]

# Bar chart geometry, in SVG user units; the chart scales to the width of the page.
CHART_WIDTH = 720
CHART_LABEL_WIDTH = 190
CHART_VALUE_WIDTH = 120
CHART_BAR_HEIGHT = 14
CHART_DONOR_GAP = 14
CHART_TOP = 34
CHART_DONORS = 12


def funding_by_currency():
    """Pledged, received and outstanding by donor, and pledged and received by year, per currency.

    The totals are the API summary's (`FundingCommitmentQuerySet.totals`): cancelled commitments
    count nowhere and different currencies are never added together. A pledge's year is the year
    it was made; money received counts in the year it arrived.
    """
    by_donor = FundingCommitment.objects.totals("donor", ordering=("currency", "-pledged", "donor__name_en", "donor"))
    pledged_by_year = FundingCommitment.objects.totals("year", ordering=())
    received_by_year = (
        Payment.objects.filter(counted_commitments("commitment"))
        .values(currency=F("commitment__currency"), year=ExtractYear("received_on"))
        .annotate(total=Sum("amount"))
        .order_by()
    )

    currencies = {}
    commitments_url = reverse("admin:agreements_fundingcommitment_changelist")
    for row in by_donor:
        name = in_language(row["donor__name_en"], row["donor__name_ar"])
        acronym = row["donor__acronym"]
        currencies.setdefault(row["currency"], {"donors": [], "years": {}})["donors"].append({
            "name": f"{name} ({acronym})" if acronym else name,
            "short_name": acronym or Truncator(name).chars(28),
            "url": f"{commitments_url}?donor__id__exact={row['donor']}&currency__exact={row['currency']}",
            "pledged": row["pledged"],
            "received": row["received_total"],
            "outstanding": row["pledged"] - row["received_total"],
        })
    for key, rows, total in (("pledged", pledged_by_year, "pledged"), ("received", received_by_year, "total")):
        for row in rows:
            years = currencies.setdefault(row["currency"], {"donors": [], "years": {}})["years"]
            years.setdefault(row["year"], {"year": row["year"], "pledged": Decimal(0), "received": Decimal(0)})
            years[row["year"]][key] += row[total]

    result = []
    for currency, figures in sorted(currencies.items()):
        # Latest year first; pledges with no date last.
        years = sorted(figures["years"].values(), key=lambda year: (year["year"] is None, -(year["year"] or 0)))
        for row in chain(figures["donors"], years):
            for key in ("pledged", "received", "outstanding"):
                if key in row:
                    row[f"{key}_text"] = format_amount(row[key])
            if row.get("outstanding", 0) < 0:
                row["outstanding_text"] = _("overpaid by %(amount)s") % {"amount": format_amount(-row["outstanding"])}
                row["overpaid"] = True
        result.append({
            "currency": currency,
            "donors": figures["donors"],
            "years": years,
            "chart": funding_chart(currency, figures["donors"]),
        })
    return result


def funding_chart(currency, donors):
    """Geometry of one horizontal bar chart: pledged and received bars for each donor.

    On a right-to-left page the x axis is mirrored, so labels sit on the right and bars grow
    leftwards; the SVG's `direction` makes `text-anchor` follow.
    """
    shown = [donor for donor in donors if donor["pledged"] or donor["received"]][:CHART_DONORS]
    if not shown:
        return None
    right_to_left = translation.get_language_bidi()
    bar_space = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_VALUE_WIDTH - 16
    largest = max(max(donor["pledged"], donor["received"]) for donor in shown)
    donor_height = 2 * CHART_BAR_HEIGHT + 2 + CHART_DONOR_GAP

    def x(position, width=0):
        return round(CHART_WIDTH - position - width if right_to_left else position, 1)

    bars_start = CHART_LABEL_WIDTH + 8
    rows = []
    for index, donor in enumerate(shown):
        top = CHART_TOP + index * donor_height
        bars = []
        for offset, kind, value in ((0, "pledged", donor["pledged"]), (1, "received", donor["received"])):
            width = float(value / largest) * bar_space if largest else 0
            width = max(width, 1.0) if value else 0
            y = top + offset * (CHART_BAR_HEIGHT + 2)
            bars.append({
                "kind": kind,
                "x": x(bars_start, width),
                "y": y,
                "width": round(width, 1),
                "value_x": x(bars_start + width + 4),
                "value_y": y + CHART_BAR_HEIGHT / 2,
                "text": format_amount(value),
            })
        rows.append({
            "donor": donor,
            "label_x": x(CHART_LABEL_WIDTH),
            "label_y": top + CHART_BAR_HEIGHT + 1,
            "bars": bars,
        })
    return {
        "id": f"funding-chart-{currency.lower()}",
        "width": CHART_WIDTH,
        "height": CHART_TOP + len(shown) * donor_height,
        "direction": "rtl" if right_to_left else "ltr",
        "bar_height": CHART_BAR_HEIGHT,
        "legend": [
            {"kind": "pledged", "label": _("pledged"), "x": x(bars_start, 12), "text_x": x(bars_start + 16)},
            {"kind": "received", "label": _("received"), "x": x(bars_start + 150, 12), "text_x": x(bars_start + 166)},
        ],
        "rows": rows,
        "omitted": len(donors) - len(shown),
    }


def period_end(value, precision):
    """The last day a date known to the day, month or year can stand for."""
    if precision == DatePrecision.YEAR:
        return datetime.date(value.year, 12, 31)
    if precision == DatePrecision.MONTH:
        return datetime.date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
    return value


def meeting_rows(meetings, today):
    return [
        {
            "meeting": meeting,
            "title": in_language(meeting.title_en, meeting.title_ar),
            "url": reverse("admin:meetings_meeting_change", args=[meeting.pk]),
            "follows_title": in_language(meeting.follows.title_en, meeting.follows.title_ar) if meeting.follows else "",
            "is_overdue": meeting.starts_on is not None
            and (meeting.ends_on or period_end(meeting.starts_on, meeting.starts_precision)) < today,
        }
        for meeting in meetings
    ]


def planned_meetings(today):
    """Planned meetings, and apart from them the follow-ups planned at an earlier meeting."""
    planned = Meeting.objects.filter(status=Meeting.Status.PLANNED).order_by(
        F("starts_on").asc(nulls_last=True), "pk"
    )
    return (
        meeting_rows(planned.filter(follows__isnull=True)[:LIST_LENGTH], today),
        meeting_rows(planned.filter(follows__isnull=False).select_related("follows")[:LIST_LENGTH], today),
    )


def expiring_agreements(today):
    """Agreements still in force or awaiting it whose end date falls in the coming window."""
    agreements = (
        Agreement.objects.filter(expires_on__range=(today, today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)))
        .exclude(status__in=[Agreement.Status.EXPIRED, Agreement.Status.TERMINATED])
        .prefetch_related("parties__organization")
        .order_by("expires_on", "pk")[:LIST_LENGTH]
    )
    return [
        {
            "title": in_language(agreement.title_en, agreement.title_ar),
            "url": reverse("admin:agreements_agreement_change", args=[agreement.pk]),
            "expires": format_precise_date(agreement.expires_on, DatePrecision.DAY),
            "days_left": (agreement.expires_on - today).days,
            "parties": comma_list(
                party.organization.acronym
                or in_language(party.organization.name_en, party.organization.name_ar)
                for party in agreement.parties.all()
            ),
        }
        for agreement in agreements
    ]


def history_label(entry):
    """What a history entry is about, read from the entry itself (no query per entry)."""
    if isinstance(entry, FundingCommitment.history.model):
        donor, recipient = (
            (organization.acronym or in_language(organization.name_en, organization.name_ar)) if organization else "?"
            for organization in (entry.donor, entry.recipient)
        )
        return _("%(donor)s to %(recipient)s: %(currency)s %(amount)s") % {
            "donor": donor,
            "recipient": recipient,
            "currency": entry.currency,
            "amount": format_amount(entry.amount),
        }
    stem = "title" if hasattr(entry, "title_en") else "name"
    return in_language(getattr(entry, f"{stem}_en"), getattr(entry, f"{stem}_ar"))


def latest_changes(user):
    """The latest history entries across the main models the user may view, newest first."""
    entries = []
    for model in HISTORY_MODELS:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        related = ["donor", "recipient"] if model is FundingCommitment else []
        entries.extend(
            model.history.select_related("history_user", *related).order_by("-history_date", "-history_id")[
                :LATEST_CHANGES
            ]
        )
    entries.sort(key=lambda entry: entry.history_date, reverse=True)
    rows = []
    for entry in entries[:LATEST_CHANGES]:
        opts = entry.instance_type._meta
        rows.append({
            "entry": entry,
            "model_name": opts.verbose_name,
            "label": history_label(entry),
            # A deleted record has no page left to open.
            "url": None
            if entry.history_type == "-"
            else reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.id]),
        })
    return rows


def dashboard(request):
    """The staff's start page; any staff member who may view agreements may open it."""
    user = request.user
    if not user.has_perm("agreements.view_agreement"):
        raise PermissionDenied
    today = timezone.localdate()
    can_view_meetings = user.has_perm("meetings.view_meeting")
    planned, follow_ups = planned_meetings(today) if can_view_meetings else ([], [])
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard"),
        "today": today,
        "expiry_window_days": EXPIRY_WINDOW_DAYS,
        "funding": funding_by_currency() if user.has_perm("agreements.view_fundingcommitment") else None,
        "expiring_agreements": expiring_agreements(today),
        "can_view_meetings": can_view_meetings,
        "planned_meetings": planned,
        "follow_ups": follow_ups,
        "latest_changes": latest_changes(user),
    }
    return TemplateResponse(request, "network/dashboard.html", context)
