"""List pages read straight from the database, shaped by the serializer that writes the record.

A list page is one SQL query: the row's own columns, its single related records as JSON objects
and its lists (aliases, parties, participants…) as JSON arrays built by correlated subqueries, so
the query count does not grow with the page size or the number of children, and no model
instance is built. `ReadPlan` walks the serializer's fields once, so the list says exactly what
the detail says; a test compares both on the seed data.
"""
from datetime import date, datetime

from django.contrib.contenttypes.fields import GenericRelation
from django.db.models import F, JSONField, OuterRef, Subquery
from django.db.models.fields.related import ManyToManyField, ManyToManyRel, ManyToOneRel
from django.db.models.functions import Cast, JSONObject
from django.db.models import CharField as CharModelField
from django.urls import reverse
from django_countries.serializer_fields import CountryField
from rest_framework import relations, serializers

# Representations that are the value as the database returns it.
AS_IS = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.ChoiceField,
    CountryField,
    relations.PrimaryKeyRelatedField,
)
LINK_SENTINEL = 987654321


class JSONArraySubquery(Subquery):
    """The rows of a subquery, each a JSON value in a column named `item`, as one JSON array
    ([] when there are none), in the subquery's order."""

    output_field = JSONField()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        if connection.vendor == "postgresql":
            template = "(SELECT COALESCE(JSONB_AGG(_rows.item), '[]'::jsonb) FROM (%(subquery)s) _rows)"
        else:
            # JSON() again: a JSON value loses its JSON type when it leaves the subquery.
            template = "(SELECT JSON_GROUP_ARRAY(JSON(_rows.item)) FROM (%(subquery)s) _rows)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def related_rows(model, name, outer_pk):
    """The rows of `model`'s reverse foreign key, many-to-many field or generic relation `name`
    that belong to the outer query's row (`outer_pk`), in the related model's default order."""
    field = model._meta.get_field(name)
    child_model = field.related_model
    if isinstance(field, GenericRelation):
        # The content type by name rather than by id: plans outlive a test database's ids.
        content_type = field.content_type_field_name
        rows = child_model._default_manager.filter(
            **{
                f"{content_type}__app_label": model._meta.app_label,
                f"{content_type}__model": model._meta.model_name,
                field.object_id_field_name: outer_pk,
            }
        )
    elif isinstance(field, ManyToManyField):
        rows = child_model._default_manager.filter(**{field.related_query_name(): outer_pk})
    elif isinstance(field, (ManyToOneRel, ManyToManyRel)):
        rows = child_model._default_manager.filter(**{field.field.name: outer_pk})
    else:
        raise TypeError(f"{model.__name__}.{name} is not a list of related records")
    return rows.order_by(*child_model._meta.ordering)


class Link:
    """Turns primary keys into the detail URLs a HyperlinkedIdentityField gives."""

    def __init__(self, view_name):
        self.view_name = view_name

    def bind(self, request):
        path = reverse(self.view_name, kwargs={"pk": LINK_SENTINEL})
        url = request.build_absolute_uri(path) if request is not None else path
        head, tail = url.split(str(LINK_SENTINEL))
        return lambda pk: None if pk is None else f"{head}{pk}{tail}"


class ReadPlan:
    """What to select for a serializer's representation, and how to finish each value in Python.

    `columns` are the values() keyword arguments (one per field, in the serializer's order) and
    `represent(row, links)` gives the representation of one row read with them. Nested serializers become
    JSON objects, nested lists JSON arrays (in the child model's default order, as a prefetch
    gives them).
    """

    def __init__(self, serializer, model, prefix="", in_json=False, lists=None):
        self.model = model
        self.prefix = prefix
        self.in_json = in_json
        # Lists that are not a relation of the model: name -> rows correlated with OuterRef("pk").
        self.lists = lists or {}
        self.steps = []  # (key of the selected value, name in the representation, kind, extra)
        self.links = {}
        self.selected = {}
        for name, field in serializer.fields.items():
            if not field.write_only:
                self._add(name, field)
        # values() refuses a name that is also a field of the model, so the top level's
        # columns get a prefix; keys inside JSON objects need none.
        column = "" if in_json else "r_"
        self.columns = {column + name: expression for name, expression in self.selected.items()}
        self.steps = [(column + name, name, kind, extra) for name, kind, extra in self.steps]

    def _path(self, source):
        return self.prefix + source.replace(".", "__")

    def _add(self, name, field):
        if isinstance(field, relations.HyperlinkedIdentityField):
            self.selected[name] = F(self._path("pk"))
            self.links.setdefault(field.view_name, Link(field.view_name))
            self.steps.append((name, "link", field.view_name))
        elif isinstance(field, relations.ManyRelatedField):
            rows = related_rows(self.model, field.source, OuterRef(self._path("pk")))
            self.selected[name] = JSONArraySubquery(rows.values(item=F("pk")))
            self.steps.append((name, "value", None))
        elif isinstance(field, serializers.ListSerializer):
            if field.source in self.lists:
                rows = self.lists[field.source]
            else:
                rows = related_rows(self.model, field.source, OuterRef(self._path("pk")))
            child = ReadPlan(field.child, rows.model, in_json=True)
            self.selected[name] = JSONArraySubquery(rows.values(item=JSONObject(**child.selected)))
            self.steps.append((name, "list", child))
        elif isinstance(field, serializers.BaseSerializer):
            if field.source == "*":  # the row itself, shown as a nested record
                related, prefix = self.model, self.prefix
            else:
                related, prefix = self.model._meta.get_field(field.source).related_model, self._path(field.source) + "__"
            child = ReadPlan(field, related, prefix=prefix, in_json=True)
            child.selected["_pk"] = F(prefix + "pk")
            self.selected[name] = JSONObject(**child.selected)
            self.steps.append((name, "object", child))
        elif isinstance(field, relations.SlugRelatedField):
            self.selected[name] = F(f"{self._path(field.source)}__{field.slug_field}")
            self.steps.append((name, "value", None))
        elif isinstance(field, relations.PrimaryKeyRelatedField):
            self.selected[name] = F(self._path(field.source) + "_id")
            self.steps.append((name, "value", None))
        else:
            expression = F(self._path(field.source))
            if isinstance(field, serializers.DecimalField) and self.in_json:
                # As text, so that no digit goes through a float on its way out of JSON.
                expression = Cast(expression, CharModelField())
            self.selected[name] = expression
            self.steps.append((name, self._kind_of(field), field))

    @staticmethod
    def _kind_of(field):
        if isinstance(field, serializers.BooleanField):
            return "boolean"
        if isinstance(field, (serializers.DateField, serializers.DateTimeField)):
            return "date"
        if isinstance(field, AS_IS):
            return "value"
        return "field"

    def all_links(self):
        links = dict(self.links)
        for _key, _name, kind, extra in self.steps:
            if kind in ("list", "object"):
                links.update(extra.all_links())
        return links

    def represent(self, row, links):
        representation = {}
        for key, name, kind, extra in self.steps:
            value = row[key]
            if kind == "value" or value is None:
                pass
            elif kind == "link":
                value = links[extra](value)
            elif kind == "date":
                if isinstance(value, (date, datetime)):
                    value = extra.to_representation(value)
            elif kind == "boolean":
                value = bool(value)
            elif kind == "object":
                value = None if value["_pk"] is None else extra.represent(value, links)
            elif kind == "list":
                value = [extra.represent(item, links) for item in value]
            else:
                value = extra.to_representation(value)
            representation[name] = value
        return representation


class ReadPlans:
    """One ReadPlan per serializer class, made on first use."""

    def __init__(self):
        self.plans = {}

    def for_serializer(self, serializer_class, model):
        plan = self.plans.get(serializer_class)
        if plan is None:
            plan = self.plans[serializer_class] = ReadPlan(serializer_class(), model)
        return plan


read_plans = ReadPlans()


def represent_rows(rows, plan, request):
    """The representations of rows read with `queryset.values(**plan.columns)`."""
    links = {view_name: link.bind(request) for view_name, link in plan.all_links().items()}
    return [plan.represent(row, links) for row in rows]
