"""The `anthropic` SDK, imported where it is first used rather than when the app loads.

Importing it costs about a second of CPU (a thousand modules of pydantic types), half of a
Django process's start. Only the processes that call the model need it: the assistant
workers import it as they start (worker.py), so that no turn waits for it; the web server,
the pipelines worker and the management commands never do, and start a second sooner. An
import is safe from any thread: Python's import lock makes a second thread wait for the
first to finish it.
"""

import importlib.util
from functools import lru_cache
from pathlib import Path
from types import ModuleType


def sdk() -> ModuleType:
    import anthropic

    return anthropic


@lru_cache(maxsize=4)
def sdk_data(path: str) -> ModuleType:
    """One of the SDK's plain data modules (`_data/deprecated_models.py`, `types/model.py`:
    a table, a list of literals, importing nothing of the SDK), run from its file without
    importing the SDK: the web server asks at every send whether a model is retired."""
    package = Path(importlib.util.find_spec("anthropic").origin).parent  # found, not imported
    spec = importlib.util.spec_from_file_location(f"{__name__}._{Path(path).stem}", package / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
