"""`python -m hexa.dhis2_demo --port 8788 --data .data/dhis2_demo.json`: the DHIS2 demo server
in the foreground. `make run` starts it when DHIS2_URL is unset; `seed_demo` writes its data."""

import argparse
import logging
import sys
from datetime import date

from .api import LABEL
from .instance import load
from .server import DEMO_TODAY, DHIS2DemoServer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hexa.dhis2_demo", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8788)
    parser.add_argument("--data", help="the snapshot written by seed_demo (without it: the country alone, no data)")
    parser.add_argument("--today", type=date.fromisoformat, default=DEMO_TODAY, help="the date relative periods count from")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    instance = load(args.data)
    if not instance.values:
        logging.warning("%s: no data snapshot at %s (run `manage.py seed_demo`): serving the country alone", LABEL, args.data)
    server = DHIS2DemoServer(instance, host=args.host, port=args.port, today=args.today)
    server.serve_until_interrupted(f"{LABEL}, listening on {{url}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
