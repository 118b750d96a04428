"""Draw the documentation's figures with symnet's own plotting functions.

Run ``python docs/gen_figures.py [OUT_DIR]`` (default ``docs/figures``), or let ``mkdocs build``
do it through ``docs/hooks.py``. Every figure is made by symnet code, so the pictures in the
docs always show what the library really draws.
"""

from __future__ import annotations

import sys
from pathlib import Path

FIGURES: dict = {}  # file name -> function(path) that writes it


def figure(name):
    """Register a function that writes ``name``."""
    def register(fn):
        FIGURES[name] = fn
        return fn
    return register


def missing(out: Path) -> tuple[str, ...]:
    """The figures not yet present in ``out``."""
    return tuple(name for name in FIGURES if not (Path(out) / name).exists())


def generate(out: Path, names=None) -> tuple[Path, ...]:
    """Write the figures (all, or ``names``) into ``out``; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or tuple(FIGURES):
        FIGURES[name](out / name)
        written.append(out / name)
    return tuple(written)


if __name__ == "__main__":
    root = Path(__file__).resolve().parent
    sys.path.insert(0, str(root.parent))
    for path in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "figures"):
        print(path)
