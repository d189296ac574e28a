from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crm.seeding import seed_data_load


class Command(BaseCommand):
    help = (
        "Load the organisations, people, agreements, meetings and funding stated in the seed "
        "documents (fixtures/). Records that already exist are left as they are, so it is safe to "
        "run again."
    )

    def handle(self, *args, **options):
        try:
            result = seed_data_load()
        except ValidationError as error:
            raise CommandError(f"The seed data is invalid; nothing was loaded: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed data: {result.created} records created, {result.already_present} already present."
            )
        )
