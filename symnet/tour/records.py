"""The tour's records (sections, formulas, tables, files) and its fixed choices of numbers."""

from __future__ import annotations

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


# the student network's parameters and the points the tour evaluates it at
STUDENT = {"w1_1": 0.5, "b1": 0.0, "w2_1": -0.5, "b2": 0.0, "w3_1": 1.0, "b3": 0.0,
           "w4_1": 1.0, "b4": 0.0, "w5_1": 1.0, "w5_2": -1.0, "b5": 0.0}
AT = {**STUDENT, "x1": 1.0, "x2": 2.0, "y": 1.0}     # where §3's derivation puts numbers on each factor
POINTS = ((1.0, 2.0), (0.0, 0.0), (-1.0, 1.0), (2.0, -1.5), (-2.0, -2.0))
