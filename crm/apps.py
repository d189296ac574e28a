from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def add_word_similarity_to_sqlite(sender, connection, **kwargs):
    """SQLite has no pg_trgm: give it the same word_similarity() in Python (crm.search)."""
    if connection.vendor == "sqlite":
        from .search import word_similarity

        connection.connection.create_function("word_similarity", 2, word_similarity, deterministic=True)


def read_json_as_text_on_postgresql(sender, connection, **kwargs):
    """json values arrive as text, as Django has jsonb's: the read path builds its records as
    json and parses them with orjson (JSONColumn), where psycopg2 would parse them with the
    standard library's, slower, parser first."""
    if connection.vendor == "postgresql":
        from psycopg2.extras import register_default_json

        register_default_json(conn_or_curs=connection.connection, loads=lambda text: text)


class CrmConfig(AppConfig):
    """The foundation: base models, helpers and API pieces, and the project's commands; its one
    table lists deleted records for incremental sync."""

    name = "crm"
    verbose_name = _("Partnership CRM")

    def ready(self):
        connection_created.connect(add_word_similarity_to_sqlite, dispatch_uid="crm_word_similarity")
        connection_created.connect(read_json_as_text_on_postgresql, dispatch_uid="crm_json_as_text")
        from django.core import checks

        from .api.readpaths import check_read_plans

        # Every list and detail read straight from the database is planned at start-up, so a
        # serializer field the read path cannot express stops `runserver`, `migrate` and `check`.
        checks.register(check_read_plans)

        from . import sync
        from .urls import router

        # Every list's records are stamped when anything their representation shows changes.
        sync.follow_resources(router.registry)

