"""The structure of hexa/assistant, read from its imports: no module imports (directly or
through others) a module that imports it, and the project's own modules are imported at the
top of a module, never inside a function (a function-level import is how a cycle hides)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hexa/assistant"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _imported(module: str, node, is_package: bool) -> list[str]:
    """The hexa.* modules an import statement names (`from .x import y` names x.y when it is a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith("hexa.")]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    if not prefix.startswith("hexa."):
        return []
    return [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in MODULES else prefix for a in node.names]


def _owning_module(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports():
    """{module: modules it imports at module level}, and the function-level imports of hexa.* modules."""
    graph, in_functions = {}, []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text())

        def visit(node, in_function):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    names = _imported(module, child, path.name == "__init__.py")
                    if names and in_function:
                        in_functions.append(f"{module}:{child.lineno} imports {', '.join(names)}")
                    for name in names:
                        target = _owning_module(name)
                        if target and target != module:
                            graph.setdefault(module, set()).add(target)
                visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

        visit(tree, False)
    return graph, in_functions


def _cycles(graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_reader_sees_the_imports_it_must_judge():
    graph, _ = _imports()
    assert "hexa.assistant.models" in graph["hexa.assistant.agent"]
    assert "hexa.assistant.tools.base" in graph["hexa.assistant.tools.read_file"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_the_assistant_imports_one_that_imports_it():
    graph, _ = _imports()
    assert _cycles(graph) == []


def test_the_assistant_imports_its_own_modules_at_the_top():
    _, in_functions = _imports()
    assert in_functions == []


def test_no_tool_module_reaches_into_the_orchestration():
    """Tools declare what they wait for (`awaits`); the turn's owner reads it."""
    graph, _ = _imports()
    orchestration = {f"hexa.assistant.{name}" for name in ("agent", "service", "tasks", "queue", "waiting", "approvals", "answers", "proposals")}
    reached = {
        module: sorted(graph.get(module, set()) & orchestration) for module in MODULES if module.startswith("hexa.assistant.tools")
    }
    assert {module: targets for module, targets in reached.items() if targets} == {}


def test_every_kind_a_tool_awaits_is_one_the_turn_knows_how_to_hold():
    from hexa.assistant.tools import TOOLS
    from hexa.assistant.waiting import WAITS

    kinds = {name: tool.awaits for name, tool in TOOLS.items() if tool.awaits is not None}
    assert kinds == {"ask_user": "answer", "write_file": "approval", "run_pipeline": "pipeline_run", "stop_pipeline_run": "pipeline_stop"}
    assert set(kinds.values()) <= set(WAITS)


def test_whether_turns_run_inline_is_read_in_one_place():
    reads = {module: path.read_text().count("settings.ASSISTANT_TURNS_INLINE") for module, path in MODULES.items()}
    assert {module: count for module, count in reads.items() if count} == {"hexa.assistant.queue": 1}
