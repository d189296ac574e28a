"""A backup restored as the README says gives back every table exactly.

SQLite: `dumpdata` → a freshly migrated database → `loaddata`. PostgreSQL: `pg_dump -Fc` →
a new UTF-8 database → `pg_restore`. Tables are compared row by row.
"""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from knox.models import AuthToken

from agreements.models import Agreement
from meetings.models import Meeting
from partners.models import Citation, Organization

BASE_DIR = Path(__file__).resolve().parent.parent

# The README's backup command for SQLite: content types and permissions are recreated by
# `migrate`, and rows referring to them are dumped with natural keys (--natural-foreign);
# sessions are only logins. History tables belong to their apps and are included.
DUMPDATA_ARGUMENTS = [
    "--format=yaml",  # JSON keeps datetimes to the millisecond only
    "--natural-foreign",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
]
# Rebuilt by `migrate` on the new database rather than restored; compared by natural key.
RECREATED_TABLES = {"django_migrations", "django_content_type", "auth_permission", "django_session"}


@pytest.fixture
def data_worth_keeping(seeded, staff_roles, admin_user, editor):
    """Seed records with their history and citations, staff groups with permissions, a token."""
    AuthToken.objects.create(user=editor)
    organization = Organization.objects.get(acronym="UNOCT")
    organization.notes = "Edited after loading: a second history entry."
    organization.save()
    assert Citation.objects.exists() and Agreement.objects.exists() and Meeting.objects.exists()
    assert organization.history.count() == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite is backed up with dumpdata")
@pytest.mark.django_db
def test_dumpdata_then_loaddata_restores_every_sqlite_table(data_worth_keeping, tmp_path):
    dump = tmp_path / "backup.yaml"
    call_command("dumpdata", *DUMPDATA_ARGUMENTS, output=str(dump), verbosity=0)
    restored_path = tmp_path / "restored.sqlite3"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{restored_path}", DJANGO_DEBUG="0")
    for command in (["migrate", "--noinput", "-v0"], ["loaddata", str(dump), "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, check=True)

    with connection.cursor() as cursor:
        original = sqlite_tables(cursor)
    # Django's converters, as its own cursor has them, so both sides read datetimes alike.
    restored_connection = sqlite3.connect(restored_path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        restored = sqlite_tables(restored_connection.cursor())
    finally:
        restored_connection.close()

    assert sorted(restored) == sorted(original)
    for table in original:
        assert restored[table] == original[table], f"{table} differs after the restore"
    assert len(original["partners_historicalorganization"]) > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL is backed up with pg_dump")
@pytest.mark.django_db(transaction=True)  # pg_dump reads from its own session: the data is committed
def test_pg_dump_then_pg_restore_restores_every_postgresql_table(data_worth_keeping):
    settings = connection.settings_dict
    scratch = f"{settings['NAME']}_restore"[:63]
    arguments = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432), "-U", settings["USER"]]
    env = dict(os.environ, PGPASSWORD=settings["PASSWORD"] or "")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(
            f"""CREATE DATABASE "{scratch}" TEMPLATE template0 ENCODING 'UTF8' """
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    try:
        dump = subprocess.run(
            ["pg_dump", *arguments, "-Fc", settings["NAME"]], env=env, check=True, capture_output=True
        ).stdout
        subprocess.run(
            ["pg_restore", *arguments, "--no-owner", "--exit-on-error", "-d", scratch],
            input=dump, env=env, check=True,
        )
        with connection.cursor() as cursor:
            original = postgresql_tables(cursor)
        restored_connection = psycopg2.connect(
            dbname=scratch, host=arguments[1], port=arguments[3], user=settings["USER"], password=settings["PASSWORD"]
        )
        try:
            with restored_connection.cursor() as cursor:
                restored = postgresql_tables(cursor)
        finally:
            restored_connection.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    assert sorted(restored) == sorted(original)
    for table in original:
        assert restored[table] == original[table], f"{table} differs after the restore"
    assert original["partners_historicalorganization"][0] > 0


def postgresql_tables(cursor):
    """Row count and an order-independent digest of every table, and every sequence's position."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text), \'\')) FROM "{table}" t')
        tables[table] = cursor.fetchone()
    cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
    for sequence, last_value in cursor.fetchall():
        tables[f"sequence {sequence}"] = (last_value,)
    return tables


def sqlite_tables(cursor):
    """Every table's rows, sorted; ids of content types and permissions (which `migrate` may
    number differently) replaced by their natural keys."""
    cursor.execute("SELECT id, app_label, model FROM django_content_type")
    content_types = {row[0]: ("content type", row[1], row[2]) for row in cursor.fetchall()}
    cursor.execute("SELECT id, content_type_id, codename FROM auth_permission")
    permissions = {row[0]: ("permission", content_types[row[1]], row[2]) for row in cursor.fetchall()}
    natural_keys = {ContentType: content_types, Permission: permissions}
    translated = {
        (model._meta.db_table, field.column): natural_keys[field.related_model]
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in natural_keys
    }
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    tables = {
        "content types": sorted(content_types.values()),
        "permissions": sorted(permissions.values(), key=repr),
    }
    for (table,) in cursor.fetchall():
        if table in RECREATED_TABLES:
            continue
        cursor.execute(f'SELECT * FROM "{table}"')
        columns = [description[0] for description in cursor.description]
        keys = [translated.get((table, column)) for column in columns]
        tables[table] = sorted(
            (tuple(key.get(value, value) if key else value for key, value in zip(keys, row)) for row in cursor.fetchall()),
            key=repr,
        )
    return tables
