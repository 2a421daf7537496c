import csv
import sys
from datetime import datetime, timezone as dt_timezone

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from hexa.assistant.models import UsageKind, UsageRecord

GROUPS = {"workspace": "workspace__slug", "user": "user__email", "month": "month"}
COLUMNS = ["turns", "model_calls", "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "cost_usd"]


def _month(text):
    try:
        return datetime.strptime(text, "%Y-%m").replace(tzinfo=dt_timezone.utc)
    except ValueError:
        raise CommandError(f"--month must look like 2026-11, not {text!r}")


class Command(BaseCommand):
    help = "The assistant's usage (tokens and cost), grouped by workspace, user and/or month, as a table or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--by", default="workspace,user,month", help="comma-separated: workspace, user, month")
        parser.add_argument("--workspace", help="only this workspace (slug)")
        parser.add_argument("--user", help="only this user (email)")
        parser.add_argument("--month", help="only this calendar month (UTC), e.g. 2026-11")
        parser.add_argument("--format", choices=["table", "csv"], default="table")

    def handle(self, *args, **options):
        groups = [g.strip() for g in options["by"].split(",") if g.strip()]
        unknown = [g for g in groups if g not in GROUPS]
        if unknown or not groups:
            raise CommandError(f"--by takes workspace, user and/or month; got {options['by']!r}")
        records = UsageRecord.objects.filter(kind=UsageKind.MODEL_CALL).annotate(month=TruncMonth("created_at", tzinfo=dt_timezone.utc))
        if options["workspace"]:
            records = records.filter(workspace__slug=options["workspace"])
        if options["user"]:
            records = records.filter(user__email=options["user"].lower())
        if options["month"]:
            start = _month(options["month"])
            end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
            records = records.filter(created_at__gte=start, created_at__lt=end)
        keys = [GROUPS[g] for g in groups]
        rows = (
            records.values(*keys)
            .annotate(
                turns=Count("message_uuid", distinct=True),
                model_calls=Count("id"),
                input_tokens=Sum("input_tokens"),
                output_tokens=Sum("output_tokens"),
                cache_read_input_tokens=Sum("cache_read_input_tokens"),
                cache_creation_input_tokens=Sum("cache_creation_input_tokens"),
                cost_usd=Sum(F("cost")),
            )
            .order_by(*keys)
        )
        header = groups + COLUMNS
        table = [[self._cell(row[k]) for k in keys] + [self._cell(row[c]) for c in COLUMNS] for row in rows]
        if options["format"] == "csv":
            writer = csv.writer(self.stdout if self.stdout else sys.stdout)
            writer.writerow(header)
            writer.writerows(table)
            return
        if not table:
            self.stdout.write("No usage recorded for this selection.")
            return
        widths = [max(len(str(x)) for x in column) for column in zip(header, *table)]
        for line in [header, ["-" * w for w in widths], *table]:
            self.stdout.write("  ".join(str(x).ljust(w) if i < len(groups) else str(x).rjust(w) for i, (x, w) in enumerate(zip(line, widths))))

    @staticmethod
    def _cell(value):
        if value is None:
            return "(deleted)"
        if isinstance(value, datetime):
            return value.strftime("%Y-%m")
        return value
