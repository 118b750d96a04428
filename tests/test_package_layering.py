"""The package's folders are its layers: imports flow one way, and there is no import cycle.

Every module's imports are read with ``ast``, including imports inside functions, so an import
hidden in a function to dodge a cycle still counts. The one exception is the display protocol,
as in SymPy's own ``Printable``: ``__str__`` and Jupyter's ``_repr_*_`` hooks on a low-layer object
may import a printer (``symnet.render``) or a figure (``symnet.plot``) when they are called.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "symnet"

# bottom to top; a module may import from its own layer or any layer below it
LAYERS = (
    ("symnet._version", "symnet.errors", "symnet.checks", "symnet.limits"),
    ("symnet.core",),
    ("symnet.io",),
    ("symnet.numeric",),
    ("symnet.derivation",),
    ("symnet.render",),
    ("symnet.learn",),
    ("symnet.towers",),
    ("symnet.plot",),
    ("symnet.tour",),
    ("symnet.cli",),
    ("symnet", "symnet.__main__"),  # the facade: re-exports, imported by nothing inside the package
)
DISPLAY_HOOKS = frozenset({"__str__", "_repr_latex_", "_repr_markdown_", "_repr_png_", "_repr_html_",
                           "_repr_pretty_", "_repr_mimebundle_"})
DISPLAY_TARGETS = ("symnet.render", "symnet.plot")
TOP_LEVEL_LIMIT = 6  # "at most a handful of modules stay at the top of symnet/"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    best = None
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (rank, len(prefix))
    assert best is not None, f"{module} belongs to no layer: add its folder to LAYERS"
    return best[0]


def _targets(module: str, node: ast.AST) -> list[str]:
    """The symnet modules an import statement loads (a package's ``__init__`` counts as the package)."""
    is_package = MODULES[module].name == "__init__.py"
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "symnet"]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    if source.split(".")[0] != "symnet":
        return []
    found = []
    for alias in node.names:
        sub = f"{source}.{alias.name}"
        found.append(sub if sub in MODULES else source)
    return found


def imports(module: str) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a display hook) for every symnet import of ``module``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = []

    def visit(node, hook):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, hook or child.name in DISPLAY_HOOKS)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                found.extend((target, child.lineno, hook) for target in _targets(module, child))
            else:
                visit(child, hook)

    visit(tree, False)
    return [(target, line, hook) for target, line, hook in found if target != module]


def _allowed_hook(target: str, hook: bool) -> bool:
    return hook and target.startswith(DISPLAY_TARGETS)


def graph() -> dict[str, set[str]]:
    return {m: {t for t, _, hook in imports(m) if not _allowed_hook(t, hook) and t in MODULES}
            for m in MODULES}


def test_every_module_belongs_to_a_layer():
    for module in MODULES:
        layer_of(module)


def test_the_layer_table_matches_the_folders():
    """A folder that is not in LAYERS (or a LAYERS entry with no folder) fails here, not silently."""
    folders = {module_name(p.parent) for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE}
    named = {prefix for prefixes in LAYERS for prefix in prefixes if prefix.count(".") == 1}
    named_packages = {n for n in named if (PACKAGE.parent / n.replace(".", "/")).is_dir()}
    assert folders == named_packages


def test_no_upward_import():
    upward = []
    for module in MODULES:
        for target, line, hook in imports(module):
            if target in MODULES and layer_of(target) > layer_of(module) and not _allowed_hook(target, hook):
                upward.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line}: {module} imports {target}")
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_display_hooks_are_the_only_exception():
    """The exception is narrow: only the display hooks, and only printers and figures."""
    for module in MODULES:
        for target, _, hook in imports(module):
            if hook and layer_of(target) > layer_of(module):
                assert target.startswith(DISPLAY_TARGETS), (module, target)


def test_few_modules_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= TOP_LEVEL_LIMIT, top


@pytest.mark.parametrize("source, expected", [
    ("from symnet.render.printing import latex", ["symnet.render.printing"]),
    ("from symnet.core import network", ["symnet.core.network"]),
    ("from . import network", ["symnet.core.network"]),
    ("from ..io.parsing import parse_expr", ["symnet.io.parsing"]),
    ("import numpy", []),
])
def test_imports_are_resolved(source, expected):
    """The reader itself can fail: relative and absolute forms resolve to the module they load."""
    node = ast.parse(source).body[0]
    assert _targets("symnet.core.losses", node) == expected


def test_the_checker_sees_an_upward_import_inside_a_function():
    """A hidden import (inside a function, not a display hook) is found and counted."""
    tree = ast.parse("def f():\n    from symnet.render.printing import latex\n")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.extend(_targets("symnet.core.network", node))
    assert found == ["symnet.render.printing"]
    assert layer_of("symnet.render.printing") > layer_of("symnet.core.network")
