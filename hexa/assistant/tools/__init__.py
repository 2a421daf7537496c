"""The assistant's tools: one module per tool in this package, each declaring `TOOL`.

Adding a tool is adding a module here (and its executor method, and its tests): the
schema sent to Claude, input validation, permission and dispatch come from the declaration.
base.py (what a tool is) and arguments.py (how its arguments are declared) are not tools.
Tools are offered to the model in the order of their module names, so that the prompt
prefix (what the cache is keyed on) stays the same from one call to the next.
"""

import pkgutil
from importlib import import_module

from .base import Tool


_NOT_TOOLS = {"base", "arguments"}


def _discover() -> dict[str, Tool]:
    tools = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in _NOT_TOOLS):
        tool = import_module(f"{__name__}.{module}").TOOL
        assert tool.name == module, f"{module}.py declares the tool {tool.name!r}"
        tools[tool.name] = tool
    return tools


TOOLS: dict[str, Tool] = _discover()
TOOL_NAMES = tuple(TOOLS)


def tool_definitions() -> list[dict]:
    """The tools as Claude sees them (descriptions quote the current settings)."""
    return [tool.definition() for tool in TOOLS.values()]
