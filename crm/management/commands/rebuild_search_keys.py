from django.core.management.base import BaseCommand
from django.db import transaction

from crm.search import searchable_models


class Command(BaseCommand):
    help = (
        "Recompute the normalised search key of every organisation, person, alias, focal area, "
        "agreement and meeting: after a change to the search normaliser (crm/search.py), or after "
        "rows were written without save() (bulk loads, raw SQL)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            for model in searchable_models():
                changed = model.rebuild_search_keys()
                self.stdout.write(f"{model._meta.label}: {changed} search keys rebuilt.")
