"""The web server and the send path never import the `anthropic` SDK (a second of CPU at
every start, hexa/assistant/sdk.py): only the processes that call the model do."""

import os
import subprocess
import sys

from django.conf import settings

LOADED = "sorted(m for m in sys.modules if m.split('.')[0] == 'anthropic')"


def _modules_after(code: str) -> str:
    program = (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        f"import django; django.setup(); {code}; print({LOADED})"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=settings.BASE_DIR, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_the_web_server_loads_and_tells_retired_models_without_the_sdk():
    assert _modules_after(
        "import config.asgi; from hexa.assistant.retired_models import is_retired; "
        "assert is_retired('claude-opus-4-5-20251101', __import__('datetime').date(2027, 1, 22)); "
        "assert not is_retired('claude-opus-4-6')"
    ) == "[]"

