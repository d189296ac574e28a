from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def add_word_similarity_to_sqlite(sender, connection, **kwargs):
    """SQLite has no pg_trgm: give it the same word_similarity() in Python (partners.search)."""
    if connection.vendor == "sqlite":
        from .search import word_similarity

        connection.connection.create_function("word_similarity", 2, word_similarity, deterministic=True)


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        connection_created.connect(add_word_similarity_to_sqlite, dispatch_uid="partners_word_similarity")
