"""A pipeline's code as the SDK reads it: its parameters and timeout parsed by the SDK's own
runtime (openhexa.sdk.pipelines.runtime.get_pipeline, which reads the decorators without
running the code), in the pipelines' runtime environment, and its zip."""

import io
import json
import subprocess
import zipfile
from pathlib import Path

from .sandbox import runtime_python

PARSE = """
import json, sys
from pathlib import Path
from openhexa.sdk.pipelines.runtime import get_pipeline
pipeline = get_pipeline(Path(sys.argv[1]))
print(json.dumps({"name": pipeline.name, "timeout": pipeline.timeout,
                  "parameters": [p.to_dict() for p in pipeline.parameters]}))
"""


def declared(folder: Path) -> dict:
    """{name, timeout, parameters} of the pipeline in `folder` (its pipeline.py)."""
    result = subprocess.run(
        [str(runtime_python()), "-I", "-c", PARSE, str(folder)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout)


def zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()
