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


def kept_words(table, owner_column, alias_table, name_length):
    """The SQL (to create, to drop) of the words PostgreSQL keeps for a searchable table whose
    lists are ordered by name_en, name_ar, id: `<table>word`, one row per whole word of a row's
    search key and of its aliases' keys (`alias_table`, by `owner_column`), with the row's names,
    so that a searched list reads its whole-word matches in list order from one index however
    common the word (crm.search.SearchRanking). Rows are rewritten when the row's key or names,
    or an alias, change, the row locked first so that two transactions changing its aliases each
    see the other's; `<app>_rebuild_<model>_words()` rebuilds the whole table (after a load with
    triggers off), as does a TRUNCATE of either table. (partners 0011 wrote the same for
    organisations before this helper, under names of its own.)"""
    app, model = table.split("_", 1)
    words, rebuild = f"{table}word", f"{app}_rebuild_{model}_words"
    words_of = rf"""
    SELECT DISTINCT word, o.name_en, o.name_ar, o.id
    FROM {table} o
    CROSS JOIN LATERAL regexp_split_to_table(
        o.search_key || ' ' || coalesce(
            (SELECT string_agg(alias.search_key, ' ') FROM {alias_table} alias WHERE alias.{owner_column} = o.id), ''),
        '[\s|]+') AS word
    WHERE word <> '' AND {{which}}
"""
    truncated, drop_truncated = rebuilt_after_truncate(
        f"{rebuild}_after_truncate", rebuild,
        {f"{table}_words_truncated": table, f"{alias_table}_words_truncated": alias_table},
    )
    create = f"""
CREATE TABLE {words} (
    word text NOT NULL,
    name_en varchar({name_length}) NOT NULL,
    name_ar varchar({name_length}) NOT NULL,
    {owner_column} bigint NOT NULL,
    PRIMARY KEY (word, name_en, name_ar, {owner_column})
);
CREATE INDEX {words}_by_owner ON {words} ({owner_column}, word);

CREATE FUNCTION {table}_words(owner bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM {table} WHERE id = owner FOR NO KEY UPDATE;
    DELETE FROM {words} WHERE {owner_column} = owner;
    INSERT INTO {words} (word, name_en, name_ar, {owner_column})
    {words_of.format(which="o.id = owner")};
END $$;

CREATE FUNCTION {table}_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM {words} WHERE {owner_column} = OLD.id;
    ELSE
        PERFORM {table}_words(NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {table}_words AFTER INSERT OR DELETE OR UPDATE OF search_key, name_en, name_ar
    ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_words_changed();

-- Once per statement, for each row whose aliases it changed, in the order of their ids.
CREATE FUNCTION {alias_table}_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM {table}_words(id) FROM (SELECT DISTINCT {owner_column} AS id FROM new_aliases) changed ORDER BY id;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM {table}_words(id) FROM (SELECT DISTINCT {owner_column} AS id FROM old_aliases) changed ORDER BY id;
    ELSE
        PERFORM {table}_words(id) FROM (
            SELECT {owner_column} AS id FROM old_aliases UNION SELECT {owner_column} FROM new_aliases
        ) changed ORDER BY id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {alias_table}_words_added AFTER INSERT ON {alias_table}
    REFERENCING NEW TABLE AS new_aliases FOR EACH STATEMENT EXECUTE FUNCTION {alias_table}_words_changed();
CREATE TRIGGER {alias_table}_words_removed AFTER DELETE ON {alias_table}
    REFERENCING OLD TABLE AS old_aliases FOR EACH STATEMENT EXECUTE FUNCTION {alias_table}_words_changed();
CREATE TRIGGER {alias_table}_words_changed AFTER UPDATE ON {alias_table}
    REFERENCING OLD TABLE AS old_aliases NEW TABLE AS new_aliases FOR EACH STATEMENT EXECUTE FUNCTION {alias_table}_words_changed();

-- In the primary key's order: the index then grows at its end instead of splitting pages.
CREATE FUNCTION {rebuild}() RETURNS void LANGUAGE sql AS $$
    TRUNCATE {words};
    INSERT INTO {words} (word, name_en, name_ar, {owner_column})
    {words_of.format(which="TRUE")} ORDER BY 1, 2, 3, 4;
$$;
SELECT {rebuild}();
""" + truncated
    drop = drop_truncated + "".join(
        f"DROP TRIGGER {alias_table}_words_{event} ON {alias_table};\n" for event in ("added", "removed", "changed")
    ) + f"""DROP FUNCTION {alias_table}_words_changed();
DROP TRIGGER {table}_words ON {table};
DROP FUNCTION {table}_words_changed();
DROP FUNCTION {table}_words(bigint);
DROP FUNCTION {rebuild}();
DROP TABLE {words};
"""
    return create, drop
