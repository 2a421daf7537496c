"""The demo's pipelines (hexa/pipelines/demo_code), written with the openhexa-sdk:
`dhis2-monthly-extract` (a month of DHIS2 analytics into a table and a CSV) and
`district-report` (a new version of the dataset `malaria-indicators`, a Parquet file).
Uploaded once as version 1, with the parameters the SDK reads in their code."""

from pathlib import Path

from .code import declared, zip_folder
from .models import Pipeline, PipelineVersion

DEMO_CODE = Path(__file__).resolve().parent / "demo_code"
DEMO_PIPELINES = {
    "dhis2-monthly-extract": (
        "dhis2_monthly_extract",
        "A month of DHIS2 analytics (data elements by district) into the table dhis2_monthly_values and a CSV "
        "under dhis2/ in the bucket.",
    ),
    "district-report": (
        "district_report",
        "Monthly cases, tests and positivity by district, as a new version of the dataset malaria-indicators "
        "(Parquet).",
    ),
}


def seed_demo_pipelines(workspace, user) -> list[Pipeline]:
    pipelines = []
    for code, (folder, description) in DEMO_PIPELINES.items():
        pipeline = Pipeline.objects.filter(workspace=workspace, code=code).first()
        if pipeline is None or not pipeline.versions.exists():
            spec = declared(DEMO_CODE / folder)
            pipeline = pipeline or Pipeline.objects.create(
                workspace=workspace, code=code, name=spec["name"], description=description
            )
            PipelineVersion.objects.create(
                pipeline=pipeline, version_number=1, name="Demo", user=user, zipfile=zip_folder(DEMO_CODE / folder),
                parameters=spec["parameters"], timeout=spec["timeout"],
            )
        pipelines.append(pipeline)
    return pipelines
