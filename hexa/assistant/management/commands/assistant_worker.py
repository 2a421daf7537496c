import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hexa.assistant.worker import serve


class Command(BaseCommand):
    help = (
        "Run a worker for assistant turns (any number of them, on any machine that reaches the database). "
        "SIGTERM drains it, then hands its remaining turns to other workers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency", type=int, default=settings.ASSISTANT_WORKER_CONCURRENCY,
            help="turns this process runs at once (default: ASSISTANT_WORKER_CONCURRENCY)",
        )

    def handle(self, *args, concurrency, **options):
        if concurrency < 1:
            raise CommandError("--concurrency must be 1 or more")
        self.stdout.write(f"Assistant worker: up to {concurrency} turns at once")
        asyncio.run(serve(concurrency))
