"""What a run's sandbox executes, with the pipelines' runtime (.venv-pipelines), never the app's
code: as upstream's runner image does, download the run's code with the run's token, import its
pipeline and run it with the config. Standalone on purpose: it imports only the SDK.

Usage: python sandbox_entry.py '<config as JSON>'
"""

import json
import os
import sys
import tempfile


def main():
    from openhexa.sdk.pipelines import download_pipeline, import_pipeline

    config = json.loads(sys.argv[1])
    target = tempfile.mkdtemp(prefix="pipeline-")
    download_pipeline(os.environ["HEXA_SERVER_URL"], os.environ["HEXA_TOKEN"], os.environ["HEXA_RUN_ID"], target)
    pipeline = import_pipeline(target)
    pipeline(config=config)


if __name__ == "__main__":
    main()
