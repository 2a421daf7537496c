"""The demo's pipelines: their parameters as the real SDK reads them in their code, and their
seeding, once. (Their runs need the DHIS2 connection and the dataset of the demo.)"""

import io
import zipfile

from hexa.pipelines.code import declared
from hexa.pipelines.demo import DEMO_CODE, seed_demo_pipelines
from hexa.pipelines.models import PipelineVersion


def _by_code(parameters):
    return {p["code"]: p for p in parameters}


def test_the_sdk_reads_the_demo_pipelines_parameters():
    extract = declared(DEMO_CODE / "dhis2_monthly_extract")
    parameters = _by_code(extract["parameters"])
    assert extract["name"] == "DHIS2 monthly extract" and extract["timeout"] == 1800
    assert parameters["dhis2"]["type"] == "dhis2" and parameters["dhis2"]["required"] is True
    assert parameters["period"]["type"] == "str" and parameters["period"]["default"] == "202410"
    assert parameters["data_elements"]["multiple"] is True and parameters["data_elements"]["required"] is False
    report = _by_code(declared(DEMO_CODE / "district_report")["parameters"])
    assert report["dataset"]["default"] == "malaria-indicators"


def test_seeding_the_demo_pipelines_twice_makes_them_once(roles):
    workspace = roles["workspace"]
    first = seed_demo_pipelines(workspace, roles["admin"])
    again = seed_demo_pipelines(workspace, roles["admin"])
    assert [p.code for p in first] == ["dhis2-monthly-extract", "district-report"]
    assert [p.pk for p in first] == [p.pk for p in again]
    versions = PipelineVersion.objects.filter(pipeline__workspace=workspace)
    assert versions.count() == 2
    version = versions.get(pipeline__code="district-report")
    with zipfile.ZipFile(io.BytesIO(bytes(version.zipfile))) as archive:
        assert archive.namelist() == ["pipeline.py"]
        assert b"create_version" in archive.read("pipeline.py")
