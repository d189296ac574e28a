"""Tables the database keeps from the records (a model with `kept_by_database = True`: the
partnership relation, organisations' words): never dumped, loaded or flushed as records."""
from django.apps import apps


class KeptByDatabaseRouter:
    """`dumpdata` and the test runner's serialisation read only what may be migrated: a kept
    table is rebuilt from the records, and SQLite has none."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if model_name is None:
            return None
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:  # a model of an earlier migration state, since removed
            return None
        return False if getattr(model, "kept_by_database", False) else None
