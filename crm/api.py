"""Shared DRF pieces: model-validated serializers, permissions, search, pagination, CSV, ETags
and the exception handler that turns database refusals into 400, 409 and 412 answers."""
import copy
import hashlib
import json

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, permissions, serializers, status
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework_csv.renderers import PaginatedCSVRenderer

from partners.search import search_queryset
from partners.versioning import RecordChangedError


def django_error_detail(error):
    """A Django ValidationError as DRF's field-keyed detail ("non_field_errors" for the rest)."""
    if hasattr(error, "error_dict"):
        detail = {}
        for field, messages in error.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            detail[key] = messages
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


class ModelValidatedSerializer(serializers.ModelSerializer):
    """Applies the incoming attributes to a copy of the instance and runs the model's
    `full_clean()`, so the API obeys exactly the rules the admin and the seed loader obey.

    `nested_children` maps a nested list field to the child's foreign key to this model: the list
    sent replaces the children (items with an `id` update that child, the others are added, the
    ones left out are removed); leaving the field out leaves the children as they are.
    """

    nested_children = {}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        many_to_many = {field.name for field in self.Meta.model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many_to_many and name not in self.nested_children:
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(self._as_input_names(django_error_detail(error))) from error
        return attrs

    def _as_input_names(self, detail):
        """Key errors by the names the client sent (`donor_id`), not the model's (`donor`)."""
        input_names = {
            field.source: name for name, field in self.fields.items() if not field.read_only and field.source != name
        }
        return {input_names.get(key, key): messages for key, messages in detail.items()}

    def create(self, validated_data):
        children = self._pop_children(validated_data)
        instance = super().create(validated_data)
        self._write_children(instance, children)
        return instance

    def update(self, instance, validated_data):
        children = self._pop_children(validated_data)
        instance = super().update(instance, validated_data)
        self._write_children(instance, children)
        return instance

    def _pop_children(self, validated_data):
        return {name: validated_data.pop(name) for name in self.nested_children if name in validated_data}

    def _write_children(self, parent, children):
        errors = {}
        for name, items in children.items():
            parent_field = self.nested_children[name]
            manager = getattr(parent, name)
            existing = {child.pk: child for child in manager.all()}
            kept = {item["id"] for item in items if item.get("id") is not None}
            for pk, child in existing.items():
                if pk not in kept:
                    child.delete()
            item_errors = []
            for item in items:
                item = dict(item)
                pk = item.pop("id", None)
                if pk is not None and pk not in existing:
                    item_errors.append({"id": [_("No such item of this record: %(id)s.") % {"id": pk}]})
                    continue
                child = existing[pk] if pk is not None else manager.model()
                for attribute, value in item.items():
                    setattr(child, attribute, value)
                setattr(child, parent_field, parent)
                try:
                    child.full_clean()
                except DjangoValidationError as error:
                    item_errors.append(django_error_detail(error))
                    continue
                # Saved one by one, so the next child's uniqueness check sees this one.
                child.save()
                item_errors.append({})
            if any(item_errors):
                errors[name] = item_errors
        if errors:
            raise serializers.ValidationError(errors)


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django's model permissions, reading included: a viewer reads, an editor writes, a user
    with neither gets nothing."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class NormalizedSearchFilter(BaseFilterBackend):
    """`?search=` over the normalised names of the row and of the rows along the view's
    `search_paths`, with the admin's Arabic normalisation."""

    search_param = "search"

    def filter_queryset(self, request, queryset, view):
        term = request.query_params.get(self.search_param, "").strip()
        paths = getattr(view, "search_paths", None)
        if not term or paths is None:
            return queryset
        return search_queryset(queryset, term, paths)

    def get_schema_operation_parameters(self, view):
        if getattr(view, "search_paths", None) is None:
            return []
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": str(_("Words to find in names, acronyms and aliases, English or Arabic.")),
                "schema": {"type": "string"},
            }
        ]


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        # A spreadsheet export is the whole list, not one page of it.
        if getattr(request, "accepted_renderer", None) and request.accepted_renderer.format == "csv":
            return None
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError({self.page_query_param: [_("Give a page number from 1.")]})
        return super().paginate_queryset(queryset, request, view)


class CSVRenderer(PaginatedCSVRenderer):
    """`?format=csv` or `Accept: text/csv`; nested records become dotted columns."""

    format = "csv"
    media_type = "text/csv"
    charset = "utf-8"

    def render(self, data, media_type=None, renderer_context=None, writer_opts=None):
        if isinstance(data, dict) and "results" not in data:
            data = [data]
        # A byte-order mark, so that spreadsheet programs read the Arabic as UTF-8.
        return b"\xef\xbb\xbf" + super().render(data, media_type, renderer_context, writer_opts)


def _blocker_summary(instance):
    return {"type": str(instance._meta.verbose_name), "id": instance.pk, "name": str(instance)}


def exception_handler(exc, context):
    """DRF's handler, plus the database's refusals as client errors; every error rolls back."""
    # Imported here: rest_framework.views reads the REST_FRAMEWORK settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, (ProtectedError, RestrictedError)):
        blockers = [_blocker_summary(instance) for instance in list(exc.args[1])[:50]]
        set_rollback()
        return Response(
            {
                "detail": _("This record is referred to by other records; remove those references first."),
                "blockers": blockers,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, RecordChangedError):
        set_rollback()
        request = context.get("request")
        precondition = request is not None and "If-Match" in request.headers
        return Response(
            {
                "detail": _("Someone else changed this record since you read it; read it again, then retry."),
                "current_version": exc.current_version,
            },
            status=status.HTTP_412_PRECONDITION_FAILED if precondition else status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_error_detail(exc))
    elif isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc).splitlines()[0]]})
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [exc.detail]})
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError) and not isinstance(response.data, dict):
        response.data = as_serializer_error(exc)
    return response


def representation_etag(version, data):
    """A strong ETag: the row's version (what If-Match compares) and a digest of the body, so
    that a change to nested records (a payment received) also changes it."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f'"{version}-{digest}"'


def version_from_etag(etag):
    value = etag.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    head = value.split("-", 1)[0]
    return int(head) if head.isdigit() else None


class VersionedViewSetMixin:
    """ETag on every read of a versioned record, 304 for a matching If-None-Match, and 412 for
    a write whose If-Match names an older version; the model's versioned UPDATE closes the race."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        etag = representation_etag(instance.version, data)
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def update(self, request, *args, **kwargs):
        return self._with_etag(super().update(request, *args, **kwargs))

    def create(self, request, *args, **kwargs):
        return self._with_etag(super().create(request, *args, **kwargs))

    def _with_etag(self, response):
        response["ETag"] = representation_etag(response.data["version"], response.data)
        return response

    def get_object(self):
        instance = super().get_object()
        if self.request.method in {"PUT", "PATCH", "DELETE"}:
            self._check_if_match(instance)
        return instance

    def _check_if_match(self, instance):
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return
        versions = {version_from_etag(tag) for tag in header.split(",")}
        if instance.version not in versions:
            raise RecordChangedError(instance, instance.version)
