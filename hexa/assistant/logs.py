"""One structured log line per turn, model call and tool call: JSON that a log pipeline
can index, with the ids to find the rows and the figures an operator watches."""

import json
import logging

logger = logging.getLogger("hexa.assistant.activity")


def log_event(kind: str, **fields):
    logger.info(json.dumps({"event": kind, **fields}, default=str, ensure_ascii=False))
