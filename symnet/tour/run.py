"""The guided tour: the article run section by section, written as index.html and index.md.

Each section is a small function ``(TourContext) -> Section`` that does real work with symnet and
returns data: a title, short paragraphs, formulas (Unicode text, LaTeX source), tables and the
files it wrote. One HTML renderer and one Markdown renderer (``symnet.tour.render``) turn the
list of sections into pages; nothing in a section builds HTML. The sections live in
``symnet.tour.sections``; their English and Chinese words are looked up with ``symnet.render.i18n.t``
in the tables of ``symnet.render.lang_en`` and ``symnet.render.lang_zh``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from symnet.io.files import write_text
from symnet.tour.records import (  # noqa: F401  (part of this module's API)
    LANGUAGES,
    Artifact,
    Formula,
    Section,
    Table,
    TourContext,
    TourResult,
)
from symnet.tour.parallel import run_sections
from symnet.tour.render import render_html, render_markdown
from symnet.tour.sections import SECTIONS


def check_out_dir(out) -> Path:
    """Check that ``out`` is (or can become) a writable folder; ``ValueError`` says what is wrong.

    Args:
        out: the folder the tour writes into; created if missing.

    Returns:
        The folder as a ``Path``.

    >>> import tempfile
    >>> check_out_dir(tempfile.mkdtemp()).is_dir()
    True
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out must be a folder; {out} is a file. Give a folder path (it is created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"cannot create the output folder {out}: {err.strerror}; choose a writable place") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write into {out} (permission denied); choose a writable folder")
    return out


def run_tour(out, lang: str = "en", progress: Callable[[int, int, str], None] | None = None) -> TourResult:
    """Run every section of the article into ``out`` and write ``index.html`` and ``index.md``.

    Args:
        out: the output folder (created if missing).
        lang: ``"en"`` or ``"zh"``, the language of the pages.
        progress: called as ``progress(i, n, key)`` before section i of n starts.

    Returns:
        A ``TourResult`` with the sections and the paths of the two pages.
    """

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    context = TourContext(check_out_dir(out), lang)
    sections = run_sections(context, SECTIONS, progress)   # the longest ones in a second process
    html = write_text(context.path("index.html"), render_html(sections, lang))
    md = write_text(context.path("index.md"), render_markdown(sections, lang))
    skipped = tuple(note for section in sections for note in section.skipped)
    return TourResult(sections, html, md, skipped)
