from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from hexa.databases import api
from hexa.workspaces.models import Workspace


class Command(BaseCommand):
    help = (
        "Take the server-wide catalogs (other databases, roles, sessions) from PUBLIC in every workspace database, "
        "and close the app's database to PUBLIC. Safe to run again; run it after a PostgreSQL major upgrade. "
        "Needs a superuser on WORKSPACES_DATABASE_URL (--sql prints what a superuser should run otherwise)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report which workspace databases are isolated.")
        parser.add_argument(
            "--sql", action="store_true", help="Print the statements, as a psql script, instead of running them."
        )

    def handle(self, *args, check=False, sql=False, **options):
        names = list(Workspace.objects.order_by("db_name").values_list("db_name", flat=True))
        if sql:
            for db_name in names:
                with api._admin_cursor(dbname=db_name) as cursor:
                    statements = api.isolation_statements(cursor, db_name)
                self.stdout.write(f"\\connect {db_name}\n" + "".join(f"{statement};\n" for statement in statements))
            return
        if check:
            missing = [db_name for db_name in names if not api.is_isolated(db_name)]
            for db_name in names:
                self.stdout.write(f"{db_name}: {'NOT isolated' if db_name in missing else 'isolated'}")
            if missing:
                raise CommandError(f"{len(missing)} of {len(names)} workspace databases are not isolated.")
            return
        reason = api.close_app_database(connection)
        self.stdout.write(f"app database: {'closed to PUBLIC' if reason is None else f'left open ({reason})'}")
        failures = 0
        for db_name, failure in api.isolate_databases(names).items():
            failures += failure is not None
            self.stdout.write(f"{db_name}: {'isolated' if failure is None else f'NOT isolated ({failure})'}")
        if failures:
            raise CommandError(f"{failures} of {len(names)} workspace databases are not isolated.")
        self.stdout.write(self.style.SUCCESS(f"{len(names)} workspace databases isolated."))
