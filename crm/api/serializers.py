"""The base of every writable serializer: the model's own validation, and nested lists written with it."""
import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings


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


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.ReadOnlyField):
    """Another vocabulary's code for a field's value (IATI's for our statuses and roles), ""
    where it has none; a field rather than a model property, so that lists read the column."""

    def __init__(self, codes, **kwargs):
        self.codes = codes
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.codes.get(value, "")


class CappedListSerializer(serializers.ListSerializer):
    """A nested list that can grow without limit (a hub's agreements), shown up to `limit` rows in
    `ordering`; the whole list is a filtered list of its own, linked by a `ListLinkField` beside it.
    The read path (crm/api/readpaths.py) reads the same rows in the same order."""

    def __init__(self, *args, limit, ordering, **kwargs):
        self.limit = limit
        self.ordering = ordering
        super().__init__(*args, **kwargs)

    def to_representation(self, data):
        rows = data.all() if hasattr(data, "all") else data
        return super().to_representation(rows.order_by(*self.ordering)[: self.limit])


def capped(child, *, limit, ordering, **kwargs):
    """`child` as a read-only list of at most `limit` rows in `ordering`."""
    return CappedListSerializer(child=child, limit=limit, ordering=ordering, read_only=True, **kwargs)


@extend_schema_field(OpenApiTypes.URI)
class ListLinkField(serializers.Field):
    """The address of another list filtered to this record: /api/agreements/?party=3."""

    def __init__(self, view_name, query_parameter, **kwargs):
        self.view_name = view_name
        self.query_parameter = query_parameter
        kwargs.setdefault("source", "pk")
        super().__init__(read_only=True, **kwargs)

    def list_url(self, request):
        path = reverse(self.view_name)
        return request.build_absolute_uri(path) if request is not None else path

    def address_before_pk(self, request):
        """The address up to the record's id; None where the record has no such list."""
        return f"{self.list_url(request)}?{self.query_parameter}="

    def to_representation(self, pk):
        head = self.address_before_pk(self.context.get("request"))
        return None if head is None else f"{head}{pk}"
