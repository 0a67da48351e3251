"""The tree shows the pipeline: stages as subpackages, imports pointing down it.

Why: a newcomer should be able to read the data flow from ``ls briefgen`` and
trust that a lower stage never reaches up into a later one (which is how
hidden import cycles and "just this once" shortcuts start). The limits on
module and function size keep each piece readable in one sitting.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefgen"

# Bottom to top: a module may import from its own layer or any layer below it.
LAYERS = ["core", "text", "corpus", "evidence", "model", "engines", "output", "pipeline", "cli"]
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

# Known violations still being worked off (issue 11). Remove an entry when it is fixed;
# the test fails on any violation not listed here, and on a listed one that is gone.
ALLOWED: set[str] = set()


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path) -> set[str]:
    """Every briefgen module this one imports, at top level or inside a function."""
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("briefgen"):
                found.add(target)
                found.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("briefgen"))
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def _violations() -> set[str]:
    mods = _modules()
    graph = {m: {i for i in _imports(m, p) if i in mods and i != m} for m, p in mods.items()}
    found: set[str] = set()
    for mod, deps in graph.items():
        for dep in deps:
            lo, hi = _layer(dep), _layer(mod)
            if lo is not None and hi is not None and lo > hi:
                found.add(f"import {mod} -> {dep}")
            if mod in graph.get(dep, set()) and mod < dep:
                found.add(f"cycle {mod} <-> {dep}")
    for path in mods.values():
        rel = path.relative_to(PACKAGE.parent).as_posix()
        src = path.read_text(encoding="utf-8")
        if len(src.splitlines()) > MAX_MODULE_LINES:
            found.add(f"module {rel}")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES:
                    found.add(f"function {rel}:{node.name}")
    return found


def test_every_module_sits_in_a_stage() -> None:
    for mod in _modules():
        parts = mod.split(".")
        if mod == "briefgen":
            continue
        assert parts[1] in LAYERS or parts[1] == "data", f"{mod} is in no stage ({LAYERS})"


def test_no_new_violations() -> None:
    new = _violations() - ALLOWED
    assert not new, "architecture rules broken:\n" + "\n".join(sorted(new))


def test_allow_list_is_current() -> None:
    fixed = ALLOWED - _violations()
    assert not fixed, "fixed, remove from ALLOWED:\n" + "\n".join(sorted(fixed))


def test_import_cycles_longer_than_two_are_absent() -> None:
    mods = _modules()
    graph = {m: {i for i in _imports(m, p) if i in mods and i != m} for m, p in mods.items()}
    graph = {m: {d for d in deps if not (m == "briefgen" or d == "briefgen")} for m, deps in graph.items()}
    known = {frozenset(x.split(" ")[1::2]) for x in ALLOWED if x.startswith("cycle")}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                loop = stack[stack.index(dep) :] + [node] if dep in stack else [node, dep]
                if frozenset(loop) not in known:
                    pytest.fail("import cycle: " + " -> ".join(loop + [dep]))
            elif not state.get(dep):
                visit(dep, stack + [node])
        state[node] = 2

    for mod in sorted(graph):
        if not state.get(mod):
            visit(mod, [])
