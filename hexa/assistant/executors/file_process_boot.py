"""Imported by query_files' fork server alone (file_process.py): Django set up and the engine's
code loaded once, so that each child it forks starts ready, in a few milliseconds."""

import django

django.setup()

from . import file_query  # noqa: E402,F401
