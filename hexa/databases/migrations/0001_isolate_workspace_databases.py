"""Once, on upgrade: existing workspace databases get what create_database now does for new
ones (isolate_database: their read-only role no longer sees the server's other databases,
roles and sessions), and the app's database is closed to PUBLIC (close_app_database).

Neither is a schema change, and neither may block a deploy: what cannot be done (the
workspaces server's role is not a superuser, a database is unreachable…) is logged as a
warning; `python manage.py isolate_workspace_databases --check` tells what is left, and the
command without --check does it again (README, Security notes).
"""

import logging

from django.db import migrations

logger = logging.getLogger("hexa.databases")


def isolate(apps, schema_editor):
    from hexa.databases import api

    reason = api.close_app_database(schema_editor.connection)
    if reason:
        logger.warning("The app database is still open to every role: %s.", reason)
    Workspace = apps.get_model("workspaces", "Workspace")
    names = list(Workspace.objects.order_by("db_name").values_list("db_name", flat=True))
    for db_name, failure in api.isolate_databases(names).items():
        if failure:
            logger.warning("Workspace database %s is not isolated: %s", db_name, failure)


class Migration(migrations.Migration):
    dependencies = [("workspaces", "0001_initial")]

    operations = [migrations.RunPython(isolate, migrations.RunPython.noop, elidable=True)]
