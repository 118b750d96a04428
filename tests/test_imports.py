"""Import direction: symbolic modules never import numpy; `import symnet` stays light."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "symnet"
# the symbolic core and the text readers: SymPy only (globbed, so a moved file is still checked)
SYMBOLIC = sorted([*(PACKAGE / "core").glob("*.py"), PACKAGE / "errors.py", PACKAGE / "io" / "parsing.py",
                   PACKAGE / "io" / "options.py", PACKAGE / "io" / "netfile.py", PACKAGE / "io" / "text.py",
                   PACKAGE / "render" / "printing.py"])
NUMERIC_LIBRARIES = {"numpy", "scipy", "matplotlib"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (top level or inside functions)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_symbolic_list_names_real_files():
    assert len(SYMBOLIC) >= 10
    for path in SYMBOLIC:
        assert path.is_file(), f"{path} is listed as symbolic but does not exist: update SYMBOLIC"


@pytest.mark.parametrize("path", SYMBOLIC, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_symbolic_modules_never_import_numeric_libraries(path):
    roots = {name.split(".")[0] for name in imported_modules(path)}
    assert not roots & NUMERIC_LIBRARIES, f"{path} imports {sorted(roots & NUMERIC_LIBRARIES)}"


def test_only_figures_and_the_cli_import_matplotlib():
    allowed = {"plot", "cli", "tour"}
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] in allowed:
            continue
        assert "matplotlib" not in {n.split(".")[0] for n in imported_modules(path)}, path


def test_no_module_outside_the_cli_imports_click():
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        assert "click" not in {n.split(".")[0] for n in imported_modules(path)}, path


def test_import_symnet_imports_neither_matplotlib_nor_click_nor_numpy():
    code = "import sys, symnet; print(sorted(m for m in ('matplotlib', 'click', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
