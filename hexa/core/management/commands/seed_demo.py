from django.core.management.base import BaseCommand

from hexa.core.demo import ADMIN_EMAIL, DEMO_EMAIL, DEMO_PASSWORD, VIEWER_EMAIL, seed_demo, seed_members
from hexa.workspaces.models import WorkspaceMembershipRole


class Command(BaseCommand):
    help = "Create the demo users and workspace (bucket files and database tables). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin", action="append", default=[], metavar="EMAIL",
            help="one more ADMIN of the demo workspace, with the demo's password (repeatable)",
        )
        parser.add_argument(
            "--viewer", action="append", default=[], metavar="EMAIL",
            help="one more VIEWER of the demo workspace, with the demo's password (repeatable)",
        )

    def handle(self, *args, admin, viewer, **options):
        _, workspace = seed_demo()
        seed_members(workspace, admin, WorkspaceMembershipRole.ADMIN)
        seed_members(workspace, viewer, WorkspaceMembershipRole.VIEWER)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo workspace '{workspace.name}' (slug {workspace.slug}) is ready.\n"
                f"  member (ADMIN):  {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
                f"  member (VIEWER): {VIEWER_EMAIL} / {DEMO_PASSWORD}\n"
                f"  superuser:       {ADMIN_EMAIL} / {DEMO_PASSWORD}"
                + (f"\n  and {len(admin)} more admin(s), {len(viewer)} more viewer(s)" if admin or viewer else "")
            )
        )
