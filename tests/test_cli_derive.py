"""The ``symnet derive`` and ``symnet graph`` commands, including every error path."""

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from symnet.cli import main

NO_LATEX = shutil.which("latexmk") is None
SEED_AT = ("x1=0.5,x2=-1,y=0.25,w1_1=0.3,b1=0.1,w2_1=-0.7,b2=0.2,w3_1=0.9,b3=-0.1,w4_1=0.4,b4=0.05,"
           "w5_1=-0.6,w5_2=0.8,b5=0.15")


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_derive_prints_the_paths():
    result = run("derive", "seed", "--wrt", "w2_1")
    assert result.exit_code == 0, result.output
    assert "2 paths lead from the loss L to w₂,₁" in result.output and "path 2" in result.output


def test_derive_formats_and_languages():
    latex = run("derive", "seed", "--wrt", "b5", "--format", "latex")
    assert latex.exit_code == 0 and "\\begin{align*}" in latex.output
    zh = run("derive", "seed", "--abstract", "--lang", "zh", "--wrt", "θ2")
    assert zh.exit_code == 0 and "对 θ₂ 求导" in zh.output and "∂f₅/∂h₃" in zh.output
    alias = run("derive", "seed", "--abstract", "--lang", "zh", "--wrt", "theta2")
    assert alias.exit_code == 0 and alias.output == zh.output
    neuron = run("derive", "seed", "--wrt", "theta5")
    assert neuron.exit_code == 0 and "Derivative by w₅,₂" in neuron.output and "Derivative by b₅" in neuron.output
    ascii = run("derive", "seed", "--wrt", "b5", "--ascii")
    assert ascii.exit_code == 0 and ascii.output.isascii()


def test_derive_at_a_point_checks_the_numbers():
    result = run("derive", "seed", "--wrt", "w2_1", "--at", SEED_AT)
    assert result.exit_code == 0, result.output
    assert "they agree" in result.output


def test_derive_at_a_random_point():
    result = run("derive", "mlp:2-2-1", "--wrt", "b3", "--at", "random:7")
    assert result.exit_code == 0, result.output
    assert "The numbers below are at the point" in result.output and "they agree" in result.output
    from symnet import mlp, squared_error
    from symnet.derivation.numbers import random_values
    from symnet.numeric.gradcheck import random_point

    loss = squared_error(mlp([2, 2, 1]))
    theta, X, y = random_point(loss, 7)                 # the same point as `symnet check --seed 7`
    assert list(random_values(loss, 7).values()) == [*theta, *X[0], y[0]]
    assert f"w₁,₁ = {theta[0]:.6g}" in result.output
    bad = run("derive", "seed", "--at", "random:x")
    assert bad.exit_code == 2 and "random:SEED" in bad.output


def test_derive_writes_documents(tmp_path):
    for suffix, marker in ((".md", "# How the network learns"), (".tex", "\\documentclass"), (".txt", "Summary")):
        path = tmp_path / f"d{suffix}"
        result = run("derive", "mlp:2-2-1", "-o", str(path), "--no-check")
        assert result.exit_code == 0, result.output
        assert marker in path.read_text(encoding="utf-8") and "wrote" in result.output


@pytest.mark.skipif(NO_LATEX, reason="latexmk not installed (Debian: latexmk texlive-latex-extra texlive-xetex)")
def test_derive_builds_a_pdf(tmp_path):
    path = tmp_path / "seed.pdf"
    result = run("derive", "seed", "--wrt", "w2_1", "--at", SEED_AT, "-o", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"%PDF")


def test_a_document_has_numbers_and_the_graph_by_default(tmp_path):
    path = tmp_path / "seed.md"
    result = run("derive", "seed", "--wrt", "w2_1", "-o", str(path), "--no-check")
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "The numbers below are at the point" in text          # --at defaults to random:0
    assert "](seed-graph.png)" in text and (tmp_path / "seed-graph.png").stat().st_size > 10_000
    at = run("derive", "seed", "--wrt", "w2_1", "--at", "random:0", "-o", str(tmp_path / "same.md"), "--no-check")
    assert at.exit_code == 0
    assert (tmp_path / "same.md").read_text(encoding="utf-8") == text.replace("seed-graph.png", "same-graph.png")


@pytest.mark.skipif(NO_LATEX, reason="latexmk not installed (Debian: latexmk texlive-latex-extra texlive-xetex)")
def test_the_seed_pdf_includes_its_graph(tmp_path):
    path = tmp_path / "seed.pdf"
    result = run("derive", "seed", "--wrt", "b5", "-o", str(path), "--no-check")
    assert result.exit_code == 0, result.output
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) >= 3                  # header, rule, the graph
    assert (tmp_path / "seed-graph.png").is_file()


def test_derive_without_tex_writes_the_tex_and_says_what_to_install(tmp_path):
    path = tmp_path / "seed.pdf"
    result = run("derive", "seed", "--wrt", "b5", "-o", str(path), "--no-check", env={"PATH": str(tmp_path)})
    assert result.exit_code == 2
    assert "texlive-lang-chinese" in result.output and "latexmk" in result.output
    assert (tmp_path / "seed.tex").is_file() and not path.exists()


@pytest.mark.parametrize("args, message", [
    (("derive", "seed", "--wrt", "q1"), "cannot differentiate by q1"),
    (("derive", "seed", "--at", "x1=1"), "missing"),
    (("derive", "seed", "--at", "x1=oops"), "x1"),
    (("derive", "seed", "--abstract", "--at", SEED_AT), "abstract"),
    (("derive", "seed", "-o", "out.docx"), ".tex"),
    (("derive", "nosuchnet"), "unknown network"),
    (("graph", "seed", "-o", "g.gif"), ".png"),
    (("graph", "seed", "--wrt", "q", "-o", "g.png"), "cannot differentiate by q"),
    (("derive", "seed", "--wrt", "y"), "y: it is the target"),
    (("graph", "seed", "--wrt", "y", "-o", "g.png"), "it is the target"),
    (("derive", "seed", "--abstract", "--wrt", "w2_1"), "abstract derivations are by a neuron's θ"),
    (("derive", "seed", "--lang", "zh", "--ascii"), "--lang zh needs UTF-8 output"),
    # a network of matrix steps: the library's own refusals, one line each (the CLI has none of its own)
    (("derive", "layers:3-4-2", "--format", "json"), "has no JSON form yet"),
    (("derive", "layers:3-4-2", "-o", "bp.json"), "has no JSON form yet"),
    (("derive", "layers:3-4-2", "--at", "random:1"), "derived in matrix form"),
    (("derive", "layers:3-4-2", "--abstract"), "derived in matrix form"),
    (("derive", "layers:3-4-2", "--expanded"), "derived in matrix form"),
    (("derive", "layers:3-4-2", "--order", "2", "-o", "h.md"), "not derived yet"),
])
def test_errors_exit_2_with_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []          # no half-written output


def test_graph_writes_a_png(tmp_path):
    path = tmp_path / "graph.png"
    result = run("graph", "seed", "--wrt", "w2_1", "--lang", "zh", "--dpi", "60", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"\x89PNG")


def test_chinese_needs_a_terminal_that_can_show_it():
    result = CliRunner(charset="ascii").invoke(main, ["derive", "seed", "--lang", "zh", "--wrt", "b5"])
    assert result.exit_code == 2 and "-o derivation.md" in result.output and "?" not in result.output
    english = CliRunner(charset="ascii").invoke(main, ["derive", "seed", "--wrt", "b5"])
    assert english.exit_code == 0 and "yhat = h5" in english.output      # English falls back to ASCII


def test_graph_accepts_theta_aliases(tmp_path):
    path = tmp_path / "graph.svg"
    result = run("graph", "seed", "--wrt", "theta2", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_expanded_mlp_renders_in_linear_time():
    result = run("derive", "mlp:2-4-4-1", "--wrt", "w1_1", "--expanded", "--timeout", "20")
    assert result.exit_code == 0, result.output
    assert "Written out in the parameters and inputs only" in result.output


def test_graph_needs_an_output():
    result = run("graph", "seed")
    assert result.exit_code == 2 and "-o" in result.output


def test_a_matrix_document_has_its_check_and_no_point(tmp_path):
    # documents default to a point only where the derivation takes one: the matrix form carries its check alone
    path = tmp_path / "bp.md"
    result = run("derive", "layers:3-4-2", "-o", str(path))
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "BP1" in text and "finite" in text.lower()
