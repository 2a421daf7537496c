"""A stand-in for a DHIS2 instance: the Web API subset analysts and pipelines use, serving the
demo workspace's malaria data (see instance.py). Clearly a demo: "DHIS2 demo server — not a
real instance". `make run` starts it (python -m hexa.dhis2_demo) when no DHIS2_URL is set."""

from .api import LABEL
from .instance import Instance, build, load
from .server import DEMO_PASSWORD, DEMO_TODAY, DEMO_TOKEN, DEMO_USERNAME, DHIS2DemoServer

__all__ = [
    "DEMO_PASSWORD", "DEMO_TODAY", "DEMO_TOKEN", "DEMO_USERNAME", "DHIS2DemoServer", "Instance", "LABEL", "build", "load",
]
