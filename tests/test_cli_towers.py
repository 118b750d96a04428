"""The ``tower`` and ``approx`` commands: figures and tables written, and one clear line (exit 2) on bad input."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from symnet.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


def run(*args):
    return CliRunner().invoke(main, list(args))


def assert_usage_error(result, *words):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output


def test_tower_draws_the_article_tower(tmp_path):
    out = tmp_path / "tower.png"
    result = run("tower", "--bounds", "-0.3,0.7,-0.2,0.8", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == PNG
    assert "tower [-0.3, 0.7] × [-0.2, 0.8]: 5 sigmoid neurons, 13 params" in result.output
    assert "threshold 1.1" in result.output


def test_tower_show_formula_prints_network_formula_and_values():
    result = run("tower", "--show-formula", "--steepness", "500", "--sharpness", "20")
    assert result.exit_code == 0, result.output
    assert "f(θ₅, f(θ₁, x), f(θ₂, x), f(θ₃, y), f(θ₄, y))" in result.output
    assert "w₁,₁ = 500" in result.output and "b₅ = -22" in result.output     # named as in the formula
    assert "w₁,₁·x" in result.output and "20·σ(500·x + 150)" in result.output
    plain = run("tower", "--show-formula", "--ascii")
    assert plain.output.isascii() and "w1_1 = 1000" in plain.output and "w1_1*x" in plain.output


def test_tower_nested_draws_the_article_second_figure(tmp_path):
    out = tmp_path / "nested.png"
    result = run("tower", "--nested", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "4 nested towers" in result.output and "sharpness 4" in result.output
    assert out.read_bytes()[:8] == PNG


@pytest.mark.parametrize("args, words", [
    (("--bounds", "1,0,0,1"), ("--bounds", "x must satisfy min < max; got min=1, max=0")),
    (("--bounds", "0,1,0"), ("expected 4 numbers",)),
    (("--bounds", "0,1,a,2"), ("bounds",)),
    (("--steepness", "-5"), ("Invalid value for '--steepness': -5.0 is not in the range x>0",)),
    (("--sharpness", "nan"), ("Invalid value for '--sharpness': 'nan' is not a finite number",)),
    (("--sharpness", "0"), ("Invalid value for '--sharpness': 0.0 is not in the range x>0",)),  # was silently 30
    (("--threshold", "inf"), ("Invalid value for '--threshold': 'inf' is not a finite number",)),
])
def test_tower_bad_input_exits_2_with_one_clear_line(args, words, tmp_path):
    out = tmp_path / "t.png"
    result = run("tower", *args, "-o", str(out))
    assert_usage_error(result, *words)
    assert not out.exists()


def test_approx_prints_and_writes_the_error_table_and_figures(tmp_path):
    result = run("approx", "sin(x)*cos(y)", "--domain", "-2,2,-2,2", "--n", "2,4,8", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "sin(x)*cos(y) on [-2, 2] × [-2, 2]" in result.output
    rows = (tmp_path / "errors.csv").read_text().splitlines()
    assert rows[0] == "n,towers,params,max_error,rms_error"
    assert [row.split(",")[:3] for row in rows[1:]] == [["2", "4", "36"], ["4", "16", "116"], ["8", "64", "420"]]
    maxima = [float(row.split(",")[3]) for row in rows[1:]]
    assert maxima[0] > maxima[1] > maxima[2]
    assert "| n | towers |" in (tmp_path / "errors.md").read_text()
    for name in ("approximation.png", "error_map.png", "error_vs_n.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG


def test_approx_refine_reports_the_trained_errors(tmp_path):
    result = run("approx", "x*y", "--n", "2,4", "--refine", "--epochs", "30", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "n = 4: refined 16 parameters over 30 epochs" in result.output
    header = (tmp_path / "errors.csv").read_text().splitlines()[0]
    assert header.endswith("refined_max_error,refined_rms_error")


def test_approx_in_one_dimension_uses_bumps():
    result = run("approx", "x**2", "--domain", "0,1", "--n", "4,8")
    assert result.exit_code == 0, result.output
    assert "bumps" in result.output and "x**2 on [0, 1]" in result.output


@pytest.mark.parametrize("args, words", [
    (("sin(x",), ("never closed",)),
    (("__import__('os')",), ("unknown function",)),
    (("x*z",), ("uses z",)),
    (("x", "--n", "0"), ("--n", "whole numbers")),
    (("x", "--n", "-4"), ("--n",)),
    (("x", "--n", "2.5"), ("--n",)),
    (("x", "--n", "64"), ("from 1 to 32",)),
    (("x", "--n", "32", "--refine"), ("from 1 to 16",)),
    (("x", "--domain", "1,1,0,1"), ("--domain", "x must satisfy min < max")),
    (("x*x2",), ("mixes x with x2",)),
    (("x", "--domain", "0,1,2"), ("--domain", "expected 4 numbers")),
    (("log(x)", "--domain", "-1,1,-1,1", "--n", "2"), ("not finite",)),
    (("x", "--steepness", "0", "--n", "2"), ("steepness",)),
    (("x", "--epochs", "0", "--refine"), ("--epochs",)),
])
def test_approx_bad_input_exits_2_with_one_clear_line(args, words, tmp_path):
    result = run("approx", *args, "--out", str(tmp_path / "out"))
    assert_usage_error(result, *words)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["x.bmp", "x.jpg", "x"])
def test_tower_refuses_an_unknown_figure_suffix_before_any_work(tmp_path, name):
    out = tmp_path / name
    result = run("tower", "-o", str(out))
    assert_usage_error(result, "-o/--output", "expected a file name ending .png, .svg, .pdf")
    assert "sigmoid neurons" not in result.output        # nothing computed or printed first
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("suffix", ["svg", "pdf"])
def test_tower_writes_svg_and_pdf(tmp_path, suffix):
    out = tmp_path / f"tower.{suffix}"
    assert run("tower", "-o", str(out)).exit_code == 0
    assert out.stat().st_size > 1000


def test_approx_accepts_x1_x2_and_both_learning_rate_spellings(tmp_path):
    numbered = run("approx", "x1*x2", "--n", "2")
    assert numbered.exit_code == 0, numbered.output
    assert numbered.output.splitlines()[3].split() == run("approx", "x*y", "--n", "2").output.splitlines()[3].split()
    short = run("approx", "x*y", "--n", "2", "--refine", "--epochs", "5", "--lr", "0.05")
    long = run("approx", "x*y", "--n", "2", "--refine", "--epochs", "5", "--learning-rate", "0.05")
    assert short.exit_code == long.exit_code == 0, short.output
    assert short.output == long.output
    assert short.output != run("approx", "x*y", "--n", "2", "--refine", "--epochs", "5", "--lr", "0.001").output
