"""The seed data (fixtures/): loaded once, idempotently, validated as the admin would."""
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.translation import gettext_noop

from .search import SearchableModel

SEED_FIXTURES = [
    Path(settings.BASE_DIR) / "fixtures" / "sources.yaml",
    Path(settings.BASE_DIR) / "fixtures" / "seed.yaml",
]
# Stored in English; history pages show it in the reader's language.
SEED_CHANGE_REASON = gettext_noop("Loaded from the seed data")


@dataclass
class SeedLoadResult:
    created: int
    already_present: int


@transaction.atomic
def seed_data_load(*, fixture_paths=SEED_FIXTURES):
    """Create the seed records that do not exist yet; leave existing ones, and staff edits, alone.

    Unlike `loaddata`, which overwrites rows with the same primary key, this can run on every
    start. Every created record passes `full_clean()`, gets its search key and a first history
    entry; one invalid record rolls the whole load back.
    """
    created = []
    already_present = 0
    with connection.constraint_checks_disabled():
        for path in fixture_paths:
            with open(path, encoding="utf-8") as stream:
                for deserialized in serializers.deserialize("yaml", stream):
                    instance = deserialized.object
                    if type(instance)._default_manager.filter(pk=instance.pk).exists():
                        already_present += 1
                        continue
                    if isinstance(instance, SearchableModel):
                        instance.refresh_search_key()
                    deserialized.save()
                    created.append(instance)
    created_by_model = defaultdict(list)
    for instance in created:
        created_by_model[type(instance)].append(instance)
    connection.check_constraints(table_names=[model._meta.db_table for model in created_by_model])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(created_by_model)):
            cursor.execute(statement)

    errors = {}
    for instance in created:
        try:
            instance.full_clean()
        except ValidationError as error:
            errors[f"{instance._meta.label} {instance.pk}"] = error.messages
    if errors:
        raise ValidationError(errors)

    for model, instances in created_by_model.items():
        model.history.bulk_history_create(instances, default_change_reason=SEED_CHANGE_REASON)
    return SeedLoadResult(created=len(created), already_present=already_present)
