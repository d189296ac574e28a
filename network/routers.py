"""The kept partnership relation is derived data the database maintains (migration network 0001):
never dumped, loaded or flushed as records."""


class KeptRelationRouter:
    """`dumpdata` and the test runner's serialisation read only what may be migrated: the kept
    relation is rebuilt from the records (`rebuild_partnerships`), and SQLite has no such table."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "network" and model_name == "partnership":
            return False
        return None
