"""`manage.py assistant_eval --workspace SLUG [--model M] [--min-accuracy X]`: run the
workspace's evaluation questions (their turns on the workers), print the table, and exit
non-zero when the accuracy is under the minimum (for CI or a schedule)."""

import logging

from django.core.management.base import BaseCommand, CommandError

from hexa.assistant.evaluations.runner import create_run, execute_run
from hexa.assistant.liveness import live_workers
from hexa.workspaces.models import Workspace, WorkspaceMembership, WorkspaceMembershipRole


def _fraction(text: str) -> float:
    """0.8, 80 and 80% all mean 80 %."""
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise CommandError(f"--min-accuracy takes a number such as 0.8 or 80%, not {text!r}") from None
    return value / 100 if value > 1 or text.endswith("%") else value


class Command(BaseCommand):
    help = "Run a workspace's evaluation questions and print their results."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--model", help="the model to evaluate (default: the workspace's)")
        parser.add_argument("--min-accuracy", help="exit with status 1 under this accuracy (0.8, 80 or 80%%)")
        parser.add_argument("--user", help="who asks the questions (an ADMIN of the workspace; default: its first)")

    def handle(self, *args, **options):
        logging.getLogger("procrastinate").setLevel(logging.WARNING)  # a line per queued turn otherwise
        minimum = _fraction(options["min_accuracy"]) if options["min_accuracy"] else None
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']!r}.")
        admins = WorkspaceMembership.objects.filter(workspace=workspace, role=WorkspaceMembershipRole.ADMIN)
        if options["user"]:
            admins = admins.filter(user__email=options["user"].lower())
        membership = admins.select_related("user").order_by("created_at").first()
        if membership is None:
            raise CommandError("The questions are asked as an ADMIN of the workspace: none found.")
        if not live_workers():
            self.stderr.write("No assistant worker is running: the questions wait until one starts (manage.py assistant_worker).")
        run, errors = create_run(membership.user, workspace, options["model"])
        if errors:
            raise CommandError(f"The run could not start: {', '.join(errors)}")
        self.stdout.write(f"Run {run.pk}: {run.question_count} questions with {run.model}, asked as {membership.user.email}")
        run = execute_run(run.pk)
        self._print(run)
        if minimum is not None and (run.accuracy or 0) < minimum:
            raise CommandError(f"Accuracy {run.accuracy:.0%} is under the minimum {minimum:.0%}.", returncode=1)

    def _print(self, run):
        rows = [("#", "passed", "reason", "cost USD", "time s", "question")]
        for result in run.results.all():
            rows.append((
                str(result.position + 1), "yes" if result.passed else "NO", result.reason or "",
                f"{result.cost:.4f}", f"{(result.duration_ms or 0) / 1000:.1f}", result.question_text[:70],
            ))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[5])
        self.stdout.write(
            f"\nAccuracy {run.accuracy:.0%} ({run.passed_count}/{run.question_count}), cost ${run.cost:.4f}, "
            f"{(run.duration_ms or 0) / 1000:.1f} s"
        )
        if run.previous_run is not None:
            previous = run.previous_run
            self.stdout.write(f"Previous run ({previous.model}, {previous.created_at:%Y-%m-%d %H:%M}): {previous.accuracy:.0%}")
            for result in run.results.all():
                if result.regressed:
                    self.stdout.write(f"  regressed: #{result.position + 1} {result.question_text[:70]} ({result.reason})")
                elif result.previously_passed is False and result.passed:
                    self.stdout.write(f"  fixed:     #{result.position + 1} {result.question_text[:70]}")
