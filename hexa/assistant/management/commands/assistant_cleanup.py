from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from hexa.assistant.models import Conversation, SendRecord
from hexa.assistant.usage import parse_rate


class Command(BaseCommand):
    help = (
        "Delete assistant conversations not active for N days (messages, tool calls, events). "
        "Dry run unless --apply. Usage figures (tokens, cost) are kept: they live in the usage ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True, help="delete conversations idle for more than this")
        parser.add_argument("--apply", action="store_true", help="really delete (default: only report)")

    def handle(self, *args, **options):
        if options["days"] < 1:
            raise CommandError("--days must be 1 or more")
        cutoff = timezone.now() - timedelta(days=options["days"])
        # a conversation with a turn running is never deleted under it
        old = Conversation.objects.filter(updated_at__lt=cutoff).filter(Q(turn_started_at__isnull=True))
        count = old.count()
        if not options["apply"]:
            self.stdout.write(f"Dry run: {count} conversation(s) idle since before {cutoff:%Y-%m-%d %H:%M} UTC would be deleted. Add --apply to delete them.")
            return
        deleted, _ = old.delete()
        # sends older than the rate-limit window no longer count
        rate = parse_rate(settings.ASSISTANT_RATE_LIMIT)
        window = max(rate[1] if rate else 0, 86400)
        SendRecord.objects.filter(created_at__lt=timezone.now() - timedelta(seconds=window)).delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {count} conversation(s) ({deleted} rows); usage figures are kept."))
