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


MANIFEST = ".symnet-tour"   # the entries a tour wrote into its folder, one a line, a folder's with a final "/"


def check_out_dir(out) -> Path:
    """Check that ``out`` is (or can become) a writable folder for a tour; ``ValueError`` says what is wrong.

    A folder that already holds entries is accepted only when a tour wrote every one of them (its
    ``MANIFEST`` lists them): the tour replaces its own files and never a user's (a MkDocs ``docs/``
    folder, the current folder).

    Args:
        out: the folder the tour writes into; created if missing.

    Returns:
        The folder as a ``Path``.

    >>> import tempfile
    >>> check_out_dir(tempfile.mkdtemp()).is_dir()
    True
    """
    if not str(out).strip():
        raise ValueError("--out is an empty name; give a folder for the tour, e.g. --out tour")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out must be a folder; {out} is a file. Give a folder path (it is created if missing)")
    tour_entries(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"cannot create the output folder {out}: {err.strerror}; choose a writable place") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write into {out} (permission denied); choose a writable folder")
    return out


def tour_entries(out: Path) -> frozenset[str]:
    """The entries of ``out`` an earlier tour wrote (names, a folder's with a final "/"); ``ValueError`` when
    ``out`` holds anything else, or something of the same name but another kind (a link, a folder for a file)."""
    if not out.is_dir():
        return frozenset()
    listed = _manifest(out)
    foreign = [e.name for e in sorted(out.iterdir()) if e.name != MANIFEST and _entry(e) not in listed]
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise ValueError(f"{out} holds files the tour did not write ({shown}); the tour replaces only its own "
                         f"files: give a new or empty folder, e.g. --out tour")
    return listed


def _manifest(out: Path) -> frozenset[str]:
    path = out / MANIFEST
    if path.is_symlink() or not path.is_file():
        return frozenset()
    names = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return frozenset(n for n in names if n.strip("/") and "/" not in n.rstrip("/") and n.strip("/") not in (".", ".."))


def _entry(path: Path) -> str:
    """``name/`` for a real folder, ``name`` for a regular file, and a name that matches nothing otherwise."""
    if path.is_symlink():
        return f"{path.name}\0link"
    return f"{path.name}/" if path.is_dir() else (path.name if path.is_file() else f"{path.name}\0other")


def write_manifest(out: Path) -> Path:
    """List what ``out`` holds as written by this tour, so a later tour may replace it (and nothing else)."""
    names = sorted(_entry(e) for e in out.iterdir() if e.name != MANIFEST)
    return write_text(out / MANIFEST, "".join(f"{n}\n" for n in names))


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
    write_manifest(context.out)
    skipped = tuple(note for section in sections for note in section.skipped)
    return TourResult(sections, html, md, skipped)
