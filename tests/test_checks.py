"""The shared argument validators: Python and NumPy numbers alike, bools refused, "NAME must be …; got …"."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

from symnet.checks import figure_path, finite, fraction, integer, interval, non_negative, positive

REALS = [2, 2.0, np.float64(2.0), np.float32(2.0), np.int64(2), np.int8(2), Fraction(2), sympy.Integer(2),
         sympy.Float(2.0)]


@pytest.mark.parametrize("value", REALS)
def test_python_numpy_and_sympy_reals_pass_as_floats(value):
    for check in (finite, positive, non_negative):
        out = check(value, "v")
        assert out == 2.0 and type(out) is float


@pytest.mark.parametrize("value", [True, False, np.bool_(True), "2", None, [2], 2 + 0j])
def test_non_numbers_and_bools_are_type_errors(value):
    for check in (finite, positive, non_negative, lambda v, n: fraction(v, n)):
        with pytest.raises(TypeError, match=r"^v must be .*; got "):
            check(value, "v")


@pytest.mark.parametrize("check, value, message", [
    (finite, math.nan, "x0 must be a finite number; got nan"),
    (finite, -math.inf, "x0 must be a finite number; got -inf"),
    (positive, 0, r"x0 must be positive \(a finite number > 0\); got 0"),
    (positive, -0.5, "x0 must be positive"),
    (positive, math.inf, "x0 must be positive"),
    (non_negative, -1e-300, "x0 must be a finite number ≥ 0; got -1e-300"),
    (non_negative, math.nan, "x0 must be a finite number ≥ 0"),
])
def test_out_of_range_reals_are_value_errors(check, value, message):
    with pytest.raises(ValueError, match=message):
        check(value, "x0")


def test_integer_accepts_numpy_integers_and_refuses_floats_and_bools():
    assert integer(np.int64(7), "n") == 7 and type(integer(np.uint8(7), "n")) is int
    assert integer(sympy.Integer(3), "n", at_least=1, at_most=3) == 3
    with pytest.raises(ValueError, match="n must be an integer; got 2.0"):
        integer(2.0, "n")
    with pytest.raises(ValueError, match="n must be an integer"):
        integer(np.float64(2.5), "n")
    for value in (True, "3", None):
        with pytest.raises(TypeError, match="n must be an integer"):
            integer(value, "n")


@pytest.mark.parametrize("bounds, value, message", [
    (dict(at_least=1), 0, "n must be an integer ≥ 1; got 0"),
    (dict(at_least=0), -1, "n must be an integer ≥ 0; got -1"),
    (dict(at_least=1, at_most=10), 11, "n must be an integer from 1 to 10; got 11"),
    (dict(at_most=10), np.int64(11), "n must be an integer ≤ 10; got 11"),
])
def test_integer_bounds_are_inclusive_and_named(bounds, value, message):
    with pytest.raises(ValueError, match=message):
        integer(value, "n", **bounds)
    edge = bounds.get("at_least", bounds.get("at_most"))
    assert integer(edge, "n", **bounds) == edge


def test_fraction_open_or_half_open():
    assert fraction(0.2, "validation") == 0.2 and fraction(np.float32(0.5), "v") == 0.5
    assert fraction(0, "beta", include_zero=True) == 0.0
    for value in (0, 1, 1.5, -0.1, math.nan):
        with pytest.raises(ValueError, match=r"validation must be a fraction between 0 and 1 \(e.g. 0.2\)"):
            fraction(value, "validation")
    with pytest.raises(ValueError, match=r"beta must be a number in \[0, 1\); got 1"):
        fraction(1, "beta", include_zero=True)


def test_interval_names_each_bound():
    assert interval(np.int64(-1), np.float32(2), "domain x") == (-1.0, 2.0)
    with pytest.raises(ValueError, match="domain x must satisfy min < max; got min=2, max=2"):
        interval(2, 2, "domain x")
    with pytest.raises(ValueError, match="domain x maximum must be a finite number; got inf"):
        interval(0, math.inf, "domain x")
    with pytest.raises(TypeError, match="domain x minimum must be"):
        interval("0", 1, "domain x")


def test_figure_path_allows_png_svg_pdf_only():
    assert [figure_path(f"a.{s}").name for s in ("png", "SVG", "pdf")] == ["a.png", "a.SVG", "a.pdf"]
    for name in ("a.bmp", "a.jpg", "a", "a.png.txt"):
        with pytest.raises(ValueError, match="cannot save a figure as .*expected a file name ending .png, .svg, .pdf"):
            figure_path(name)


def test_checks_import_no_numpy():
    import subprocess
    import sys

    code = "import sys, symnet.checks; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
