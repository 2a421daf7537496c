from django.core.management.base import BaseCommand

from hexa.core.demo import ADMIN_EMAIL, DEMO_EMAIL, DEMO_PASSWORD, VIEWER_EMAIL, seed_demo


class Command(BaseCommand):
    help = "Create the demo users and workspace (bucket files and database tables). Safe to run again."

    def handle(self, *args, **options):
        _, workspace = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo workspace '{workspace.name}' (slug {workspace.slug}) is ready.\n"
                f"  member (ADMIN):  {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
                f"  member (VIEWER): {VIEWER_EMAIL} / {DEMO_PASSWORD}\n"
                f"  superuser:       {ADMIN_EMAIL} / {DEMO_PASSWORD}"
            )
        )
