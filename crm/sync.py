"""Incremental sync: when each record's representation last changed, and which records were deleted.

A system that mirrors the API's lists asks for what changed since its last sync
(`?updated_after=`) instead of re-reading every row. For that, a record's `updated_at` must move
whenever its list representation changes, and that representation shows more than the row: its
sections (an agreement's parties and witnesses, a person's positions), the names of the records
it refers to (a party's organisation) and its memberships (focal areas). `follow_resources()`
reads each list serializer once, finds every record it shows and by which path, and connects
signals that stamp the resources showing a record whenever that record changes, appears or goes.
A serializer that starts showing something new is followed without anything else to declare.

Deletions leave a `DeletedRecord` (crm/models.py), so a mirror can remove what it holds.
"""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models.fields.related import ManyToManyField, ManyToManyRel, ManyToOneRel
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import relations, serializers


class LastChangeField(models.DateTimeField):
    """Stamped with the time of every save, as `auto_now` is; unlike `auto_now` it also has a
    default, so a raw save (the seed loader, `loaddata`) of a row that does not name it has one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", timezone.now)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = timezone.now()
        setattr(model_instance, self.attname, value)
        return value


class SyncedModel(models.Model):
    """A record an API list serves, which mirrors sync by `updated_at`."""

    updated_at = LastChangeField(
        _("updated at"),
        db_index=True,
        help_text=_("When this record, or anything its API representation shows, last changed."),
    )

    class Meta:
        abstract = True


def touch(queryset):
    """Mark the records as changed now, leaving their version alone: nothing of their own changed,
    so an editor's copy of them is still current."""
    return queryset.update(updated_at=timezone.now())


@dataclass(frozen=True)
class Shown:
    """Rows of `model` that `resource`'s representation shows, reached by `lookup` from it, and
    the columns of those rows it shows (a section's link to its record among them)."""

    resource: type
    model: type
    lookup: str
    columns: frozenset
    # The column of `model` that ties its row to the resource's (a party's agreement_id), when the
    # last step of `lookup` is one; a row that moves changes the record it left as well.
    link: str = ""

    def showing(self, pks):
        return self.resource._default_manager.filter(**{f"{self.lookup}__in": pks})


def link_column(resource, lookup):
    """The column that ties a row reached by `lookup` to the record before it, if the step is a
    reverse one (a section's foreign key to its record); "" for a forward step (a party's organisation)."""
    model, relation = resource, None
    for part in lookup.split("__"):
        relation = model._meta.get_field(part)
        model = relation.related_model
    if isinstance(relation, GenericRelation):
        return relation.object_id_field_name
    if isinstance(relation, ManyToOneRel):
        return relation.field.attname
    return ""


def shown_records(serializer, model, path=()):
    """What a serializer's representation of `model` shows of other rows: {(model, path): columns},
    and the many-to-many relations it shows as paths."""
    shown, memberships = {}, []

    def add(related_model, related_path, *columns):
        shown.setdefault((related_model, related_path), set()).update(columns)

    for field in serializer.fields.values():
        if field.write_only or isinstance(field, relations.HyperlinkedIdentityField):
            continue
        source = field.source
        if isinstance(field, serializers.BaseSerializer) and source == "*":
            nested, nested_memberships = shown_records(field, model, path)
        elif isinstance(field, (serializers.ListSerializer, relations.ManyRelatedField)):
            relation = model._meta.get_field(source)
            child_model, child_path = relation.related_model, (*path, source)
            if isinstance(relation, (ManyToManyField, ManyToManyRel)):
                memberships.append((model, child_path, relation))
            elif isinstance(relation, GenericRelation):
                add(child_model, child_path, relation.object_id_field_name)
            elif isinstance(relation, ManyToOneRel):
                add(child_model, child_path, relation.field.attname)
            child = field.child if isinstance(field, serializers.ListSerializer) else None
            if child is None:
                continue
            nested, nested_memberships = shown_records(child, child_model, child_path)
        elif isinstance(field, serializers.BaseSerializer):
            relation = model._meta.get_field(source)
            add(model, path, relation.attname)
            nested, nested_memberships = shown_records(field, relation.related_model, (*path, source))
        else:
            owner, owner_path, parts = model, path, source.split(".")
            for part in parts[:-1]:
                relation = owner._meta.get_field(part)
                add(owner, owner_path, relation.attname)
                owner, owner_path = relation.related_model, (*owner_path, part)
            try:
                column = owner._meta.get_field(parts[-1])
            except Exception:
                continue  # an annotation: derived from rows the representation also shows
            if getattr(column, "attname", None):
                add(owner, owner_path, column.attname)
            continue
        for key, columns in nested.items():
            add(*key, *columns)
        memberships.extend(nested_memberships)
    return shown, memberships


class ChangeFollower:
    """The signal handlers that keep `updated_at` of followed resources current."""

    def __init__(self):
        self.shown_by_model = {}  # model -> [Shown]
        self.resource_names = {}  # resource model -> the API's name for it ("organizations")

    def follow(self, name, resource, serializer):
        self.resource_names[resource] = name
        shown, memberships = shown_records(serializer, resource)
        for (model, path), columns in shown.items():
            if path:
                lookup = "__".join(path)
                self._show(Shown(resource, model, lookup, frozenset(columns), link_column(resource, lookup)))
        for owner, path, relation in memberships:
            self._follow_membership(resource, owner, path, relation)

    def _show(self, shown):
        known = self.shown_by_model.setdefault(shown.model, [])
        if shown in known:
            return
        known.append(shown)
        uid = f"crm.sync.{shown.model._meta.label}"
        pre_save.connect(self.before_save, sender=shown.model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(self.after_save, sender=shown.model, dispatch_uid=f"{uid}.post_save")
        pre_delete.connect(self.before_delete, sender=shown.model, dispatch_uid=f"{uid}.pre_delete")

    def _follow_membership(self, resource, owner, path, relation):
        """A many-to-many relation of `owner` (reached from the resource by path[:-1]): rows of
        its table saved one by one (an admin inline), and add/remove/clear through the manager."""
        through = relation.remote_field.through if isinstance(relation, ManyToManyField) else relation.through
        owner_link = next(
            field for field in through._meta.get_fields() if field.is_relation and field.related_model is owner
            and field.many_to_one
        )
        prefix = "__".join(path[:-1])
        lookup = f"{prefix}__{owner_link.related_query_name()}" if prefix else owner_link.related_query_name()
        self._show(Shown(resource, through, lookup, frozenset(f.attname for f in through._meta.concrete_fields), owner_link.attname))
        owner_lookup = f"{prefix}__pk" if prefix else "pk"

        def membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
            if action not in ("post_add", "post_remove", "pre_clear"):
                return
            if isinstance(instance, owner):
                owners = [instance.pk]
            elif action == "pre_clear":
                owners = list(owner._default_manager.filter(**{relation.name: instance.pk}).values_list("pk", flat=True))
            else:
                owners = list(pk_set or ())
            if owners:
                touch(resource._default_manager.filter(**{f"{owner_lookup}__in": owners}))

        m2m_changed.connect(
            membership_changed, sender=through, weak=False,
            dispatch_uid=f"crm.sync.{resource._meta.label}.{'.'.join(path)}",
        )

    def before_save(self, sender, instance, raw=False, **kwargs):
        if raw:
            return
        instance._sync_changed = self.shown_by_model[sender]
        if instance._state.adding or instance.pk is None:
            return
        columns = set().union(*(shown.columns for shown in instance._sync_changed))
        stored = sender._default_manager.filter(pk=instance.pk).values(*columns).first()
        if stored is None:
            return
        changed = {column for column in columns if stored[column] != getattr(instance, column)}
        instance._sync_changed = [shown for shown in instance._sync_changed if shown.columns & changed]
        # A row that moves (a party to another agreement) changes the record it leaves too, which
        # only the stored row still leads to; otherwise the touch after the save reaches the same records.
        for shown in instance._sync_changed:
            if shown.link in changed:
                touch(shown.showing([instance.pk]))

    def after_save(self, sender, instance, raw=False, **kwargs):
        for shown in getattr(instance, "_sync_changed", ()):
            touch(shown.showing([instance.pk]))
        instance._sync_changed = ()

    def before_delete(self, sender, instance, **kwargs):
        for shown in self.shown_by_model[sender]:
            touch(shown.showing([instance.pk]))

    def record_deletion(self, sender, instance, **kwargs):
        from .models import DeletedRecord

        now = timezone.now()
        DeletedRecord.objects.create(resource=self.resource_names[sender], record_id=instance.pk, deleted_at=now)
        # Deletions are rare; pruning here keeps the table at the kept window without a scheduler.
        DeletedRecord.objects.filter(deleted_at__lt=now - deletions_kept_for()).delete()

    def follow_deletions(self):
        for resource in self.resource_names:
            post_delete.connect(
                self.record_deletion, sender=resource, dispatch_uid=f"crm.sync.{resource._meta.label}.deleted"
            )


def deletions_kept_for():
    """How long deletions stay listed: at least a token's lifetime, so a mirror that syncs with a
    token that is still valid has not missed any."""
    return max(timedelta(days=settings.SYNC_DELETIONS_KEPT_DAYS), settings.REST_KNOX["TOKEN_TTL"])


follower = ChangeFollower()


def follow_resources(registry):
    """Follow every resource a router serves: `registry` is the router's (prefix, viewset, basename) list."""
    for prefix, viewset, _basename in registry:
        view = viewset(action="list", request=None, format_kwarg=None, kwargs={})
        model = view.get_queryset().model
        if issubclass(model, SyncedModel):
            follower.follow(prefix, model, view.get_serializer_class()())
    follower.follow_deletions()
