from django.core.management.base import BaseCommand

from crm.roles import staff_roles_sync


class Command(BaseCommand):
    help = "Create or update the staff groups: 'viewer' reads everything, 'editor' also adds and changes."

    def handle(self, *args, **options):
        for name, group in staff_roles_sync().items():
            self.stdout.write(f"Group '{name}': {group.permissions.count()} permissions.")
