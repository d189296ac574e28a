"""Schema only PostgreSQL has: indexes it alone can build (trigram, `DESC NULLS LAST`) and the
tables its triggers keep, created by a migration of the app that owns the tables; SQLite
searches, sorts and computes its small data without them. And triggers that keep a copied
column on both databases, each in its own dialect."""
from django.db import migrations


def postgresql_indexes(definitions):
    """A migration operation creating each `name: "table USING … (columns)"` index on PostgreSQL
    (IF NOT EXISTS) and dropping it when migrated back; nothing on other databases."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name, definition in definitions.items():
                schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name in definitions:
                schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    operation = migrations.RunPython(create, drop)
    operation.index_definitions = definitions  # read by the test that keeps each app to its own tables
    return operation


def postgresql_only(create, drop):
    """A migration operation running the SQL `create` on PostgreSQL, and `drop` when migrated
    back; nothing on other databases."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop)

    return migrations.RunPython(forwards, backwards)


def triggers(postgresql, postgresql_drop, sqlite, sqlite_backfill=()):
    """A migration operation creating triggers the database keeps a copy with: on PostgreSQL the
    SQL `postgresql` (`postgresql_drop` when migrated back); on SQLite each trigger of `sqlite`
    (name: definition), then the statements of `sqlite_backfill`."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(postgresql)
            return
        for name, definition in sqlite.items():
            schema_editor.execute(f"CREATE TRIGGER {name} {definition}")
        for statement in sqlite_backfill:
            schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(postgresql_drop)
            return
        for name in sqlite:
            schema_editor.execute(f"DROP TRIGGER {name}")

    return migrations.RunPython(forwards, backwards)


def rebuilt_after_truncate(function, rebuild, triggers):
    """The SQL (to create, to drop) of a trigger function `function()` that runs `rebuild()`, and
    of the triggers (name: table) that call it after their table is truncated: TRUNCATE fires no
    row trigger (the test runner's flush truncates every table), so what the database keeps from
    those tables is rebuilt whole."""
    create = f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {rebuild}();
    RETURN NULL;
END $$;
""" + "".join(
        f"CREATE TRIGGER {name} AFTER TRUNCATE ON {table}\n    FOR EACH STATEMENT EXECUTE FUNCTION {function}();\n"
        for name, table in triggers.items()
    )
    drop = "".join(f"DROP TRIGGER {name} ON {table};\n" for name, table in triggers.items()) + f"DROP FUNCTION {function}();\n"
    return create, drop
