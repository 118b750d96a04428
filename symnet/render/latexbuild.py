"""Build a PDF from LaTeX source with latexmk: safely, in a temporary folder, output moved atomically.

English documents use ``latexmk -pdf`` (pdflatex); Chinese ones ``latexmk -xelatex`` (ctex/xeCJK).
Shell escape is off (``-no-shell-escape``) and TeX may read and write only below the build folder
(``openin_any=p``, ``openout_any=p``). When latexmk or the engine is missing, ``LatexNotInstalled``
says which Debian packages to install; a failed build raises ``LatexBuildError`` with the log's
first error and leaves no PDF behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from symnet.errors import SymnetError
from symnet.io.files import atomic_path

ENGINES = {"pdflatex": "-pdf", "xelatex": "-xelatex"}
DEBIAN_PACKAGES = ("latexmk texlive-latex-recommended texlive-latex-extra texlive-xetex "
                   "texlive-lang-chinese fonts-noto-cjk")
TIMEOUT = 300.0


class LatexNotInstalled(SymnetError):
    """latexmk or the TeX engine is not on PATH."""


class LatexBuildError(SymnetError):
    """LaTeX ran but did not produce a PDF."""


def engine_for(lang: str) -> str:
    """'xelatex' for Chinese (ctex needs it), 'pdflatex' otherwise.

    >>> engine_for("zh"), engine_for("en")
    ('xelatex', 'pdflatex')
    """
    return "xelatex" if lang == "zh" else "pdflatex"


def missing_tools(engine: str = "pdflatex") -> tuple[str, ...]:
    """The programs of the build that are not on PATH (empty when LaTeX is ready)."""
    return tuple(tool for tool in ("latexmk", engine) if shutil.which(tool) is None)


def build_pdf(tex: str, path, engine: str = "pdflatex", timeout: float = TIMEOUT, log=None, files=()) -> Path:
    """Compile ``tex`` to the PDF ``path``.

    Args:
        tex: a standalone LaTeX document.
        path: where the PDF goes (written atomically: a failed build leaves no file).
        engine: ``pdflatex`` or ``xelatex``.
        timeout: seconds before the build is stopped.
        log: optionally, where to copy LaTeX's log (to look for overfull boxes, say).
        files: pictures the document includes, copied beside it into the build folder (TeX may
            read only there).

    Returns:
        The PDF path.

    Raises:
        LatexNotInstalled: latexmk or the engine is missing (the message names the Debian packages).
        LatexBuildError: LaTeX failed or timed out.
    """
    return start_pdf(tex, path, engine, timeout, log, files).wait()


def start_pdf(tex: str, path, engine: str = "pdflatex", timeout: float = TIMEOUT, log=None, files=()) -> PdfBuild:
    """Start compiling ``tex`` to the PDF ``path`` in the background; ``wait()`` for it (as ``build_pdf``).

    The arguments are ``build_pdf``'s. ``LatexNotInstalled`` is raised at once; a failed build raises
    ``LatexBuildError`` from ``wait()``. ``cancel()`` stops a build that is no longer wanted.
    """
    _check_tools(engine)
    return PdfBuild(tex, Path(path), engine, timeout, log, files)


class PdfBuild:
    """latexmk running in a temporary folder; ``wait()`` moves the PDF into place, ``cancel()`` drops it."""

    def __init__(self, tex: str, path: Path, engine: str, timeout: float, log, files):
        self.path, self.engine, self.timeout, self.log = path, engine, timeout, log
        self._folder = tempfile.TemporaryDirectory(prefix="symnet-tex-")
        self._source = Path(self._folder.name) / "document.tex"
        self._source.write_text(tex, encoding="utf-8")
        for extra in files:
            shutil.copyfile(extra, Path(self._folder.name) / Path(extra).name)
        self._deadline = time.monotonic() + timeout
        self._process = _start_latexmk(self._source, engine)

    def wait(self) -> Path:
        """The PDF path once LaTeX is done; ``LatexBuildError`` if it failed or ran out of time."""
        try:
            try:
                code = self._process.wait(timeout=max(self._deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                raise LatexBuildError(f"LaTeX did not finish within {self.timeout:g} s") from None
            finally:
                self._copy_log()
            if code != 0:
                raise LatexBuildError(f"LaTeX failed ({self.engine}): {_first_error(self._source)}")
            pdf = self._source.with_suffix(".pdf")
            if not pdf.is_file():
                raise LatexBuildError(f"LaTeX produced no PDF: {_first_error(self._source)}")
            with atomic_path(self.path) as tmp:
                shutil.copyfile(pdf, tmp)
            return self.path
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop LaTeX if it still runs and remove the build folder (nothing is written to ``path``)."""
        if self._process.poll() is None:   # latexmk and the TeX runs it started: they share a session
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (AttributeError, ProcessLookupError):   # no process groups (Windows), or gone already
                self._process.kill()
        self._process.wait()
        self._folder.cleanup()

    def _copy_log(self) -> None:
        if self.log is not None and self._source.with_suffix(".log").is_file():
            shutil.copyfile(self._source.with_suffix(".log"), self.log)


def _check_tools(engine: str) -> None:
    """``engine`` is known and it and latexmk are installed (else the Debian packages to install)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown LaTeX engine {engine!r}: expected one of {', '.join(ENGINES)}")
    missing = missing_tools(engine)
    if missing:
        raise LatexNotInstalled(f"cannot build a PDF: {', '.join(missing)} not found. On Debian/Ubuntu install "
                                f"them with: sudo apt-get install {DEBIAN_PACKAGES}")


def _start_latexmk(source: Path, engine: str) -> subprocess.Popen:
    """latexmk on ``source`` (its output is not read: errors come from the log), TeX confined to its folder."""
    command = ["latexmk", ENGINES[engine], "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
               "-no-shell-escape", source.name]
    env = {**os.environ, "openin_any": "p", "openout_any": "p"}
    return subprocess.Popen(command, cwd=source.parent, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _first_error(source: Path) -> str:
    """The first '! …' or 'file:line: …' error of the log, with the next line."""
    log = source.with_suffix(".log")
    if not log.is_file():
        return "no log written"
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!") or ".tex:" in line and ": " in line:
            return " ".join(x.strip() for x in lines[i:i + 2])
    return "see the LaTeX log"
