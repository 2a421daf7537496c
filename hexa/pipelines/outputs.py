"""A run's outputs (files of the bucket, tables of the workspace database, dataset versions),
appended under a row lock and bounded by PIPELINE_RUN_MAX_OUTPUTS. A module of its own, with
no GraphQL, so that other apps (datasets) record outputs without importing the pipelines' schema."""

from django.conf import settings
from django.db import transaction

from .models import PipelineRun


def add_output(run_id, kind: str, uri: str, name: str) -> None:
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().get(pk=run_id)
        if len(run.outputs) < settings.PIPELINE_RUN_MAX_OUTPUTS:
            run.outputs = [*run.outputs, {"type": kind, "uri": uri, "name": name}]
            run.save(update_fields=["outputs", "updated_at"])


def add_dataset_version_output(run_id, version) -> None:
    """A dataset version created by a run (with its token) is one of its outputs."""
    add_output(run_id, "datasetVersion", f"dataset-version://{version.pk}", str(version))
