"""A record's history page and revert cover the sections edited on its page (its inline rows:
parties, focal areas, source passages…), and show values as people read them: choices by their
label, related records by their name, nothing as a dash."""
from datetime import timedelta

from django.contrib import messages
from django.contrib.admin.utils import flatten, unquote
from django.contrib.contenttypes.admin import GenericInlineModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import _get_foreign_key
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from .versioning import VersionedModel

NOTHING = "—"


class ReadableHistoryContextHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return NOTHING
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return super().prepare_delta_change_value(change, value)


class Section:
    """The rows of one inline of a record's page, as their history tells them."""

    def __init__(self, parent_model, inline_class):
        self.model = inline_class.model
        self.label = capfirst(inline_class.verbose_name or self.model._meta.verbose_name)
        self.shown_field = flatten(inline_class.fields)[0] if inline_class.fields else None
        if issubclass(inline_class, GenericInlineModelAdmin):
            self.content_type = ContentType.objects.get_for_model(parent_model)
            self.link = (inline_class.ct_field, inline_class.ct_fk_field)
        else:
            self.content_type = None
            self.link = _get_foreign_key(parent_model, self.model, fk_name=inline_class.fk_name).attname

    def rows_of(self, parent_pk):
        if self.content_type is None:
            return {self.link: parent_pk}
        content_type_field, object_id_field = self.link
        return {f"{content_type_field}_id": self.content_type.pk, object_id_field: parent_pk}

    def name(self, row):
        value = getattr(row, self.shown_field, None) if self.shown_field else None
        return str(value if value not in (None, "") else row)

    def changes(self, parent_pk):
        """(when, change) for every row added, changed or removed, oldest first."""
        records = self.model.history.filter(**self.rows_of(parent_pk)).order_by("history_date", "history_id")
        previous = {}
        for record in records:
            row = record.instance  # built anew on each access: read once
            earlier = previous.get(row.pk)
            if record.history_type == "+":
                yield record.history_date, {"field": self.label, "old": NOTHING, "new": self.name(row)}
            elif record.history_type == "-":
                yield record.history_date, {"field": self.label, "old": self.name(row), "new": NOTHING}
            elif earlier is not None:
                helper = ReadableHistoryContextHelper(self.model, record)
                delta = record.diff_against(earlier, foreign_keys_are_objs=True)
                for change in helper.context_for_delta_changes(delta):
                    field = f"{self.label} «{self.name(row)}»: {change['field']}"
                    yield record.history_date, {**change, "field": field}
            previous[row.pk] = record

    def restore(self, parent_pk, moment):
        """Put the rows back as they were at `moment`: add the removed, remove the added."""
        wanted = {row.pk: row for row in self.model.history.as_of(moment).filter(**self.rows_of(parent_pk))}
        kept = set()
        for row in self.model._default_manager.filter(**self.rows_of(parent_pk)):
            if row.pk in wanted:
                kept.add(row.pk)
            else:
                row.delete()
        for row in wanted.values():
            row._state.adding = row.pk not in kept
            row.full_clean()
            row.save()


class SectionHistoryMixin:
    """For VersionedAdmin: history and revert of the inline rows that are not records of their own
    (a funding commitment shown on its agreement's page keeps its own history and revert)."""

    restore_refused_message = _(
        "Nothing was reverted: a section of the record cannot be put back as it was. %(reasons)s"
    )

    def history_sections(self):
        return [
            Section(self.model, inline_class)
            for inline_class in self.inlines
            if hasattr(inline_class.model, "history") and not issubclass(inline_class.model, VersionedModel)
        ]

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryContextHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)  # newest first
        if not records:
            return
        for record in records:
            if not hasattr(record, "history_delta_changes"):
                record.history_delta_changes = []
        newest, oldest = records[0], records[-1]
        parent_pk = getattr(newest, self.model._meta.pk.attname)
        # The history is paged: rows changed after this page's newest save belong to a page before.
        after_this_page = (
            self.model.history.filter(**{self.model._meta.pk.attname: parent_pk}, history_date__gt=newest.history_date)
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        for section in self.history_sections():
            for moment, change in section.changes(parent_pk):
                if after_this_page is not None and moment >= after_this_page:
                    continue
                # A page saves the record, then its rows: a row's change belongs to the latest
                # save of the record made before it, or to its creation.
                owner = next((record for record in records if record.history_date <= moment), None)
                if owner is None and oldest.history_type == "+":
                    owner = oldest
                if owner is not None:
                    owner.history_delta_changes.append(change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and isinstance(response, HttpResponseRedirect):
            try:
                self.restore_sections(unquote(object_id), version_id)
            except ValidationError as error:
                # The request is one transaction (ATOMIC_REQUESTS): the revert is undone whole.
                transaction.set_rollback(True)
                refusal = self.restore_refused_message % {"reasons": " ".join(error.messages)}
                self.message_user(request, refusal, messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
        return response

    def restore_sections(self, object_id, version_id):
        history = self.model.history
        reverted_to = history.get(history_id=version_id)
        later = (
            history.filter(**{self.model._meta.pk.attname: object_id}, history_date__gt=reverted_to.history_date)
            .exclude(history_id=version_id)
            .order_by("history_date")
            .first()
        )
        # The rows as they stood just before the record's next change (the revert itself, if the
        # version reverted to was the latest).
        moment = (later.history_date if later else timezone.now()) - timedelta(microseconds=1)
        for section in self.history_sections():
            section.restore(reverted_to.instance.pk, moment)
