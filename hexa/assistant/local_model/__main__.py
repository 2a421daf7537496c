"""`python -m hexa.assistant.local_model --port 8787`: the offline demo model in the foreground.

`make run` starts it when ANTHROPIC_API_KEY is unset and points ANTHROPIC_BASE_URL at it.
"""

import argparse
import logging
import sys

from .demo import OfflineDemoResponder
from .pacing import PacedResponder
from .server import LocalModelServer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hexa.assistant.local_model", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer's first byte")
    parser.add_argument("--chunk-delay", type=float, default=0.01, help="seconds between streamed deltas")
    parser.add_argument(
        "--paced-only",
        metavar="MARKER",
        help="the latency and chunk delay only for questions containing MARKER; the others at once (browser tests)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    responder, latency, chunk_delay = OfflineDemoResponder(), args.latency, args.chunk_delay
    if args.paced_only is not None:
        responder = PacedResponder(responder, args.paced_only, latency, chunk_delay)
        latency = chunk_delay = 0.0
    server = LocalModelServer(
        responder,
        host=args.host,
        port=args.port,
        latency=latency,
        chunk_delay=chunk_delay,
        record_requests=False,  # it runs for days; nothing reads the log
    )
    server.serve_until_interrupted("Offline demo model (not Claude) listening on {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
