from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections


class Command(BaseCommand):
    help = (
        "Recompute the partnership relation PostgreSQL keeps for partner lists from the agreements "
        "and meetings: after loading rows with the triggers disabled, or whenever in doubt. Writers "
        "wait while it runs; readers do not."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: only PostgreSQL keeps partnerships; SQLite computes partner lists when asked.")
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT network_rebuild_partnerships()")
            cursor.execute("SELECT count(*) FROM network_partnership")
            self.stdout.write(f"Partnerships rebuilt: {cursor.fetchone()[0]} rows.")
