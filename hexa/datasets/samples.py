"""`fileSample`: the first rows of a CSV or Parquet dataset file, as upstream shows them.

DuckDB reads the stored file in the bounded child process of the assistant's file queries
(hexa/assistant/executors/file_process.py): memory, time and cell sizes are bounded there and
values come back JSON-safe. The sample is computed the first time it is asked for and kept
(DatasetFileSample); a file that cannot be read (a broken Parquet, not a table) keeps a
FAILED sample with the reason, never an error of the API.
"""

import threading
import time

from django.db import IntegrityError

from hexa.assistant.errors import AssistantError
from hexa.assistant.executors import file_process
from hexa.assistant.executors.file_tables import file_format, timeout_s

from . import storage
from .models import DatasetFileSample

SAMPLE_ROWS = 50
SAMPLED_FORMATS = ("csv", "parquet")
TRANSIENT = ("QUERY_TIMEOUT", "MEMORY_LIMIT")  # a busier moment may do: not kept


def file_sample(file) -> DatasetFileSample | None:
    """The file's sample; None for a file that is not CSV or Parquet, or not uploaded yet."""
    kept = DatasetFileSample.objects.filter(dataset_version_file=file).first()
    if kept is not None:
        return kept
    if file_format(file.filename) not in SAMPLED_FORMATS:
        return None
    opened = storage.open_file(file.uri)
    if opened is None:
        return None
    with opened:
        sample = DatasetFileSample(dataset_version_file=file)
        try:
            sample.sample = _read_sample(file.filename, opened.fileno())
            sample.status = DatasetFileSample.Status.FINISHED
        except AssistantError as error:
            sample.status = DatasetFileSample.Status.FAILED
            sample.status_reason = error.message[:2000]
            if error.code in TRANSIENT:
                return sample
    try:
        sample.save()
    except IntegrityError:  # another request kept one meanwhile
        return DatasetFileSample.objects.get(dataset_version_file=file)
    return sample


_fork_server_lock = threading.Lock()
_fork_server_started = False


def _start_fork_server():
    """The engine's fork server loads Django and DuckDB once per process (seconds on a busy
    machine): that must not count against the first sample's time limit."""
    global _fork_server_started
    with _fork_server_lock:
        if not _fork_server_started:
            file_process.start_fork_server()
            _fork_server_started = True


def _read_sample(filename: str, fd: int) -> list[dict]:
    _start_fork_server()
    table = ("data", [(filename, f"/proc/self/fd/{fd}")], file_format(filename), None)
    result = file_process.run_in_child(
        ("query_in_child", ("SELECT * FROM data", SAMPLE_ROWS)), [table], time.monotonic() + timeout_s()
    )
    names = [column["name"] for column in result["columns"]]
    return [dict(zip(names, row)) for row in result["rows"]]
