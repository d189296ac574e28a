"""The admin's "Import a press release": paste a release, review the draft on one page, confirm.

The draft comes from network/extraction and is confirmed by network/press_releases.py, as the
API's is; this page only shows it as a form and reads back what staff corrected.
"""
import datetime
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError

from agreements.models import Agreement
from crm.admin_fields import PreciseDateField, precise_date_text
from crm.search import search_queryset
from meetings.models import Meeting
from partners.models import FocalArea, Organization, Person

from .extraction import AGREEMENT, extract
from .extraction.text import language_of
from .press_releases import ORGANIZATION_ROLES, PERSON_ROLES, ReviewedReleaseSerializer, plain_line_ends
from .views import CanImportReleases

CANDIDATES_SHOWN = 6
ROLE_LABELS = {
    "party": gettext_lazy("party"), "donor": gettext_lazy("donor"), "recipient": gettext_lazy("recipient"),
    "organizer": gettext_lazy("organiser"), "co_organizer": gettext_lazy("co-organiser"), "host": gettext_lazy("host"),
    "participant": gettext_lazy("participant"), "signatory": gettext_lazy("signatory"), "witness": gettext_lazy("witness"),
    "speaker": gettext_lazy("speaker"), "chair": gettext_lazy("chair"), "moderator": gettext_lazy("moderator"),
}


class ReleaseForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Text of the release"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 16, "dir": "auto"}))
    url = forms.URLField(label=gettext_lazy("Address"), required=False, assume_scheme="https", widget=forms.URLInput(attrs={"dir": "ltr"}))
    outlet = forms.CharField(label=gettext_lazy("Outlet"), required=False, widget=forms.TextInput(attrs={"dir": "auto"}))
    published_on = forms.DateField(
        label=gettext_lazy("Published on"), required=False, widget=forms.DateInput(attrs={"type": "date", "dir": "ltr"})
    )

    def clean_text(self):
        return plain_line_ends(self.cleaned_data["text"])


def import_press_release(request):
    if not CanImportReleases().has_permission(request, None):
        raise PermissionDenied
    form = ReleaseForm(request.POST or None)
    context = {**admin.site.each_context(request), "title": _("Import a press release"), "form": form}
    if request.method == "POST" and "draft" in request.POST:
        return _confirm(request, context)
    if request.method == "POST" and form.is_valid():
        draft = extract(form.cleaned_data["text"], form.cleaned_data["published_on"]).as_json()
        release = {**form.cleaned_data, "published_on": form.cleaned_data["published_on"] and form.cleaned_data["published_on"].isoformat()}
        return _review(request, context, release, draft)
    return TemplateResponse(request, "network/press_release_import.html", context)


def _review(request, context, release, draft, errors=None):
    events = [_event_rows(index, event) for index, event in enumerate(draft["events"])]
    context.update(
        release=release, events=events, errors=errors or [],
        draft_json=json.dumps({"release": release, "draft": draft}, ensure_ascii=False),
        focal_areas=list(FocalArea.objects.order_by("code")),
        organization_roles=[(role, ROLE_LABELS[role]) for role in ORGANIZATION_ROLES],
        person_roles=[(role, ROLE_LABELS[role]) for role in PERSON_ROLES],
    )
    return TemplateResponse(request, "network/press_release_review.html", context)


def _candidates(model, entry):
    """The record the extractor matched; for an organisation, its parent body and its units (a
    release often names the office where the centre signed); then others whose names come close
    to the name as written."""
    chosen = (entry.get("match") or {}).get("id")
    found = list(model.objects.filter(pk=chosen)) if chosen else []
    if chosen and model is Organization:
        found += [record for record in Organization.objects.filter(Q(children=chosen) | Q(parent=chosen)).distinct()]
    if entry.get("name_as_written"):
        found += search_queryset(model.objects.all(), entry["name_as_written"], ("", "aliases"))[:CANDIDATES_SHOWN]
    return chosen, list(dict.fromkeys(found))


def _event_rows(index, event):
    model = Agreement if event["record_type"] == AGREEMENT else Meeting
    date = event.get("date") or {}
    organizations = []
    for entry in event["organizations"]:
        chosen, candidates = _candidates(Organization, entry)
        organizations.append({"entry": entry, "chosen": chosen, "candidates": candidates})
    people = []
    for entry in event["people"]:
        chosen, candidates = _candidates(Person, entry)
        people.append({"entry": entry, "chosen": chosen, "candidates": candidates})
    duplicate = event.get("duplicate_of")
    return {
        "index": index,
        "event": event,
        "kinds": model.Kind.choices,
        "statuses": model.Status.choices,
        "date_text": date.get("as_typed") or precise_date_text(date.get("value") and datetime.date.fromisoformat(date["value"]), date.get("precision")) or "",
        "organizations": organizations,
        "people": people,
        "focal_area_ids": [area["id"] for area in event["focal_areas"]],
        "duplicate": duplicate and model.objects.filter(pk=duplicate["id"]).first(),
    }


def _confirm(request, context):
    try:
        saved = json.loads(request.POST["draft"])
        release, draft = saved["release"], saved["draft"]
        events, language = list(draft["events"]), draft["language"]
        if not all(_well_formed(event) for event in events):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        messages.error(request, _("The draft sent back is not one this page made; read the release again."))
        return redirect(reverse("admin-press-release-import"))
    reviewed = {**release, "events": [], "language": language}
    errors, shown_again = [], []
    for index, event in enumerate(events):
        if request.POST.get(f"e{index}-include") != "on":
            continue
        try:
            corrected = _corrected(request.POST, index, event)
        except DjangoValidationError as error:
            errors += [f"{_('Event')} {index + 1}: {message}" for message in error.messages]
            shown_again.append(getattr(error, "corrected", event))
            continue
        except (ValueError, KeyError, TypeError, AttributeError):
            errors.append(f"{_('Event')} {index + 1}: {_('The draft sent back is not one this page made; read the release again.')}")
            shown_again.append(event)
            continue
        reviewed["events"].append(corrected)
        shown_again.append(corrected)
    serializer = ReviewedReleaseSerializer(data=reviewed)
    if not errors:
        try:
            serializer.is_valid(raise_exception=True)
            result = serializer.save()
        except ValidationError as error:
            errors = _flatten(error.detail)
    if errors:
        # The page again as staff left it, their corrections kept, the events they dropped gone.
        return _review(request, context, release, {"language": language, "events": shown_again}, errors)
    records = [(kind, pk) for kind, pk in result.created + result.attached if kind in ("agreement", "meeting")]
    messages.success(
        request,
        _("Imported: %(created)d records created, %(attached)d already held now cite the release.")
        % {"created": len(result.created), "attached": len(result.attached)},
    )
    if len(records) == 1:
        kind, pk = records[0]
        app = "agreements" if kind == "agreement" else "meetings"
        return redirect(reverse(f"admin:{app}_{kind}_change", args=[pk]))
    return redirect(reverse("admin:partners_source_change", args=[result.source.pk]))


def _corrected(data, index, event):
    """The event as staff left it on the page."""
    prefix = f"e{index}"
    event = dict(event)
    for name in ("kind", "status", "title_en", "title_ar", "city", "country"):
        if f"{prefix}-{name}" in data:
            event[name] = data[f"{prefix}-{name}"].strip()
    written = data.get(f"{prefix}-date", "").strip()
    date_error = None
    try:
        day = PreciseDateField(required=False).clean(written) if written else None
    except DjangoValidationError as error:
        day, date_error = None, error
    event["date"] = {
        **(event.get("date") or {}),
        "value": day.isoformat() if day else None,
        "precision": day.precision if day else None,
        "inferred": data.get(f"{prefix}-inferred") == "on",
        "note": data.get(f"{prefix}-note", "").strip(),
        "as_typed": written,
    }
    if data.get(f"{prefix}-attach") != "on":
        event["duplicate_of"] = None
    kept_organizations, moved = [], {}
    for number, entry in enumerate(event["organizations"]):
        if data.get(f"{prefix}-o{number}-include") != "on":
            continue
        moved[number] = len(kept_organizations)
        kept_organizations.append(_corrected_entry(data, f"{prefix}-o{number}", entry))
    people = []
    for number, entry in enumerate(event["people"]):
        if data.get(f"{prefix}-p{number}-include") != "on":
            continue
        entry = _corrected_entry(data, f"{prefix}-p{number}", entry)
        entry["title_as_written"] = data.get(f"{prefix}-p{number}-title", "").strip()
        entry["organization"] = moved.get(_number(data.get(f"{prefix}-p{number}-organization", "")))
        people.append(entry)
    event["organizations"], event["people"] = kept_organizations, people
    event["amounts"] = [
        {
            "value": data.get(f"{prefix}-a{number}-value", amount["value"]),
            "currency": data.get(f"{prefix}-a{number}-currency", amount["currency"]),
            "period_months": data.get(f"{prefix}-a{number}-period") or None,
        }
        for number, amount in enumerate(event["amounts"])
        if data.get(f"{prefix}-a{number}-include") == "on"
    ]
    chosen = set(data.getlist(f"{prefix}-focal_areas"))
    event["focal_areas"] = [{"id": pk} for pk in map(_number, chosen) if pk is not None]
    if date_error is not None:
        date_error.corrected = event  # shown again with everything else staff changed
        raise date_error
    return event


def _well_formed(event):
    """An event as this page wrote it into the draft (the draft comes back from the browser)."""
    return (
        isinstance(event, dict)
        and event.get("record_type") in ("agreement", "meeting")
        and all(isinstance(event.get(name), list) for name in ("organizations", "people", "amounts", "focal_areas", "citations"))
        and all(isinstance(entry, dict) for name in ("organizations", "people", "amounts") for entry in event[name])
    )


def _number(text):
    """A whole number as the page sent it, or None (a select left empty, or a value tampered with)."""
    try:
        return int(text) if text.isascii() else None
    except ValueError:
        return None


def _corrected_entry(data, prefix, entry):
    entry = dict(entry)
    entry["role"] = data.get(f"{prefix}-role", entry.get("role"))
    record = _number(data.get(f"{prefix}-record", ""))
    if record is not None:
        entry["match"], entry["proposed"] = {"id": record}, None
    else:
        written = entry.get("name_as_written", "")
        arabic = bool(written) and language_of(written) == "ar"
        name_en = data.get(f"{prefix}-new_en", "").strip() or ("" if arabic else entry.get("name_as_written", ""))
        name_ar = data.get(f"{prefix}-new_ar", "").strip() or (entry.get("name_as_written", "") if arabic else "")
        entry["match"], entry["proposed"] = None, {"name_en": name_en, "name_ar": name_ar}
    return entry


def _flatten(detail, path=""):
    """DRF's nested errors as "events[0].organizations[1].match: No record with this id." lines."""
    if isinstance(detail, dict):
        return [line for key, value in detail.items() for line in _flatten(value, f"{path}.{key}" if path else str(key))]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [f"{path}: {item}" if path else str(item) for item in detail]
        return [line for number, item in enumerate(detail) for line in _flatten(item, f"{path}[{number}]") if item]
    return [f"{path}: {detail}"]
