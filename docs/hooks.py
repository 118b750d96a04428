"""MkDocs hooks: draw the tutorial's figures with symnet, and show docstring examples as code.

``mkdocs build`` runs ``on_pre_build`` before it gathers the files in ``docs/``, so PNGs written
here into ``docs/figures/`` are part of the site. Figures are only made when one is missing, which
keeps ``mkdocs serve`` from rebuilding in a loop; delete ``docs/figures/`` to regenerate them.

symnet's docstrings end with runnable ``>>>`` examples written as plain text (they are doctests).
Markdown would read ``[9, 7]`` in their output as a link, so ``on_config`` adds a small
Markdown extension that fences every ``>>>`` run outside a code block as ``pycon``; mkdocstrings
renders docstrings with the extensions of this config.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.plugins import event_priority

DOCS = Path(__file__).resolve().parent
FENCES = ("```", "~~~")
# the language switch: the i18n plugin links the home pages as "/" and "/zh/", which break under file://
ABSOLUTE_SWITCH = re.compile(r'href="/([^"]*)"(\s+hreflang=)')


class DoctestFence(Preprocessor):
    """Wrap each ``>>>`` example (prompt lines and their output, up to a blank line) in a pycon fence."""

    def run(self, lines):
        out, fenced, indent = [], False, None
        for line in lines:
            text = line.strip()
            if indent is not None and not text:
                out += ["```", ""]
                indent = None
            if indent is None and text.startswith(FENCES):
                fenced = not fenced
            elif indent is None and not fenced and text.startswith(">>>"):
                out += ["", "```pycon"]
                indent = len(line) - len(line.lstrip())
            out.append(line if indent is None else line[indent:])
        return out + (["```"] if indent is not None else [])


class DoctestExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(DoctestFence(md), "symnet_doctest_fence", 40)


@event_priority(100)  # before mkdocstrings reads the list of extensions
def on_config(config, **kwargs):
    config.markdown_extensions.append(DoctestExtension())
    return config


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


def relative_switch(html: str, url: str) -> str:
    """Rewrite the language switch's site-absolute links (``href="/zh/"``) relative to the page at ``url``."""
    up = "../" * url.count("/")
    return ABSOLUTE_SWITCH.sub(lambda m: f'href="{up + m.group(1) or "./"}"{m.group(2)}', html)


def on_post_page(output, page, config, **kwargs):
    return relative_switch(output, page.url)
