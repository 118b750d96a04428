"""MkDocs hook: generate the tutorial's figures from symnet itself before the pages are collected.

``mkdocs build`` runs ``on_pre_build`` before it gathers the files in ``docs/``, so PNGs written
here into ``docs/figures/`` are part of the site. Figures are only made when one is missing, which
keeps ``mkdocs serve`` from rebuilding in a loop; delete ``docs/figures/`` to regenerate them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def _load_generator():
    spec = importlib.util.spec_from_file_location("symnet_docs_gen_figures", DOCS / "gen_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_pre_build(config, **kwargs):
    root = str(DOCS.parent)
    if root not in sys.path:  # build from a checkout without installing symnet
        sys.path.insert(0, root)
    generator = _load_generator()
    out = DOCS / "figures"
    if generator.missing(out):
        generator.generate(out)
