from django.core.management.base import BaseCommand

from hexa.assistant.tasks import recover_turns


class Command(BaseCommand):
    help = (
        "Turns whose worker died (their lease expired): queue them again to resume from their last completed "
        "step (--mode resume, the default; workers also do this by themselves every few seconds), or end "
        "them as INTERRUPTED, keeping what was done (--mode fail)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mode", choices=["resume", "fail"], default="resume")

    def handle(self, *args, mode, **options):
        done = recover_turns(mode)
        for message_id, what in done:
            self.stdout.write(f"{message_id}: {what}")
        self.stdout.write(self.style.SUCCESS(f"{len(done)} turn(s) recovered."))
