"""A PDF built in the background (``start_pdf``): the same file as ``build_pdf``, and a build that is no
longer wanted stops its TeX processes and leaves nothing behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from symnet.render.latexbuild import LatexBuildError, start_pdf

from .processes import alive

needs_latex = pytest.mark.skipif(shutil.which("latexmk") is None or shutil.which("pdflatex") is None,
                                 reason="latexmk/pdflatex not installed")
DOCUMENT = "\\documentclass{article}\\begin{document}" + "x " * 200 + "\\end{document}"


@needs_latex
def test_a_background_build_writes_the_pdf_when_waited_for(tmp_path):
    build = start_pdf(DOCUMENT, tmp_path / "a.pdf")
    assert build.wait() == tmp_path / "a.pdf"
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"
    assert not Path(build._folder.name).exists()


@needs_latex
def test_a_cancelled_build_stops_latex_and_leaves_nothing(tmp_path):
    build = start_pdf(DOCUMENT, tmp_path / "b.pdf")
    folder, pid = Path(build._folder.name), build._process.pid
    build.cancel()
    assert not (tmp_path / "b.pdf").exists() and not folder.exists()
    assert not alive(pid)


@needs_latex
def test_a_failed_background_build_raises_when_waited_for(tmp_path):
    build = start_pdf("\\documentclass{article}\\begin{document}\\nosuchmacro\\end{document}", tmp_path / "c.pdf")
    with pytest.raises(LatexBuildError, match="Undefined control sequence"):
        build.wait()
    assert not (tmp_path / "c.pdf").exists()
