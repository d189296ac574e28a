from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections


class Command(BaseCommand):
    help = (
        "Recompute the funding totals PostgreSQL keeps (each commitment's received total and the "
        "summary's totals) from the commitments and payments: after loading rows with the "
        "triggers disabled, or whenever in doubt. Writers wait while it runs; readers do not."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: only PostgreSQL keeps funding totals; SQLite sums them when asked.")
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT agreements_rebuild_funding_totals()")
            cursor.execute("SELECT count(*) FROM agreements_fundingtotal")
            self.stdout.write(f"Funding totals rebuilt: {cursor.fetchone()[0]} rows.")
