"""The guided tour: the article run section by section, written as index.html and index.md.

Each section is a small function ``(TourContext) -> Section`` that does real work with symnet and
returns data: a title, short paragraphs, formulas (Unicode text, LaTeX source), tables and the
files it wrote. One HTML renderer and one Markdown renderer (``symnet.tour_render``) turn the
list of sections into pages; nothing in a section builds HTML. The sections live in
``symnet.tour_sections``; the English and Chinese texts in ``symnet.tour_text``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Formula:
    """A formula to show: a caption, its Unicode text, and (optionally) its LaTeX source."""

    caption: str
    text: str
    latex: str = ""


@dataclass(frozen=True)
class Table:
    """A small table: a caption, a header row and body rows, every cell a string."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Artifact:
    """A file the section wrote, relative to the tour folder; ``.png`` files are shown as images."""

    caption: str
    path: str

    @property
    def is_image(self) -> bool:
        return self.path.lower().endswith(".png")


@dataclass(frozen=True)
class Section:
    """What one section of the tour shows, as data."""

    key: str
    title: str
    text: tuple[str, ...]
    formulas: tuple[Formula, ...] = ()
    tables: tuple[Table, ...] = ()
    files: tuple[Artifact, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class TourContext:
    """Where the tour writes (``out``) and in which language (``lang``)."""

    out: Path
    lang: str = "en"

    def path(self, name: str) -> Path:
        """An output path inside the tour folder."""
        return self.out / name


@dataclass(frozen=True)
class TourResult:
    """The sections, the pages written and everything that was skipped (with the reason)."""

    sections: tuple[Section, ...]
    index_html: Path
    index_md: Path
    skipped: tuple[str, ...] = field(default=())


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
    from .files import write_text
    from .tour_render import render_html, render_markdown
    from .tour_sections import SECTIONS

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    context = TourContext(check_out_dir(out), lang)
    sections = []
    for i, (key, build) in enumerate(SECTIONS, start=1):
        if progress is not None:
            progress(i, len(SECTIONS), key)
        sections.append(build(context))
    sections = tuple(sections)
    html = write_text(context.path("index.html"), render_html(sections, lang))
    md = write_text(context.path("index.md"), render_markdown(sections, lang))
    skipped = tuple(note for section in sections for note in section.skipped)
    return TourResult(sections, html, md, skipped)
