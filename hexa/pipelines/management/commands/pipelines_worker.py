import asyncio
import logging
import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hexa.pipelines.sandbox import isolation_problem
from hexa.pipelines.worker import serve


class Command(BaseCommand):
    # Like the web server, a worker starts without the system checks (`manage.py check`,
    # run by `migrate` before any server starts): they import the whole URL configuration
    # (the GraphQL schema, the MCP server), a third of a second each start, for nothing.
    requires_system_checks = []
    help = "Run a worker for pipeline runs (queue pipeline_runs): each run in its sandbox, supervised."

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency", type=int, default=settings.PIPELINE_RUNS_CONCURRENCY,
            help="runs this process supervises at once (default: PIPELINE_RUNS_CONCURRENCY)",
        )

    def handle(self, *args, concurrency, **options):
        if concurrency < 1:
            raise CommandError("--concurrency must be 1 or more")
        problem = isolation_problem()
        if problem and not settings.PIPELINE_RUNS_UNSANDBOXED:
            self.stderr.write(f"Pipeline runs cannot be isolated ({problem}): runs will be refused.")
        self.stdout.write(f"Pipelines worker: up to {concurrency} runs at once")
        asyncio.run(serve(concurrency))
        logging.shutdown()
        sys.stdout.flush()
        os._exit(0)
