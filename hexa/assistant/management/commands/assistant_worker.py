import asyncio
import logging
import os
import socket
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from hexa.assistant.worker import HEARTBEAT_FRESH_S, heartbeat_ages, serve


class Command(BaseCommand):
    # Like the web server, a worker starts without the system checks (`manage.py check`,
    # run by `migrate` before any server starts): they import the whole URL configuration
    # (the GraphQL schema, the MCP server), a third of a second each start, for nothing.
    requires_system_checks = []
    help = (
        "Run a worker for assistant turns (any number of them, on any machine that reaches the database). "
        "SIGTERM drains it, then hands its remaining turns to other workers. With --healthcheck: exit 0 if a "
        "worker on this machine sent a heartbeat recently (a liveness probe), 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency", type=int, default=settings.ASSISTANT_WORKER_CONCURRENCY,
            help="turns this process runs at once (default: ASSISTANT_WORKER_CONCURRENCY)",
        )
        parser.add_argument("--healthcheck", action="store_true", help="check this machine's workers, then exit")

    def handle(self, *args, concurrency, healthcheck, **options):
        if healthcheck:
            sys.exit(0 if self._alive() else 1)
        if concurrency < 1:
            raise CommandError("--concurrency must be 1 or more")
        self.stdout.write(f"Assistant worker: up to {concurrency} turns at once")
        asyncio.run(serve(concurrency))
        # Its turns are ended or handed over and its connections closed: exit now. The
        # interpreter's own teardown (extension modules) would take seconds more of a
        # deploy's time.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    def _alive(self) -> bool:
        fresh = [name for name, age in heartbeat_ages() if age < HEARTBEAT_FRESH_S]
        self.stdout.write(f"{len(fresh)} live assistant worker(s) on {socket.gethostname()}")
        return bool(fresh)
