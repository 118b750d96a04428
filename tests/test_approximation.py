"""Universal approximation by sums of towers: heights, shared steps, errors that fall as n doubles, refinement."""

import warnings

import numpy as np
import pytest

from symnet.io.parsing import ParseError
from symnet.learn.data import target_function
from symnet.towers.approximation import Approximation, approximate, approximate_1d, dense_grid
from symnet.towers.study import ErrorStudy, error_study, refine
from symnet.towers.tower import evaluate, tower

SMOOTH = "sin(x)*cos(y)"


def G(x, y):
    return np.sin(x) * np.cos(y)


@pytest.fixture(scope="module")
def study():
    return error_study(G, (-2, 2, -2, 2), ns=(2, 4, 8, 16))


def test_error_falls_by_about_half_each_time_n_doubles(study):
    # measured: max 0.862, 0.478, 0.237, 0.115; RMS 0.394, 0.205, 0.103, 0.052
    maxima = [row.max_error for row in study.rows]
    rms = [row.rms_error for row in study.rows]
    for coarse, fine in zip(maxima, maxima[1:]):
        assert coarse / fine > 1.6
    for coarse, fine in zip(rms, rms[1:]):
        assert coarse / fine > 1.8
    assert maxima[-1] < 0.13 and rms[-1] < 0.06


def test_study_counts_shared_steps_towers_and_params(study):
    for row in study.rows:
        n = row.n
        assert row.towers == n * n
        assert row.params == 2 * 2 * (n + 1) + 5 * n * n + n * n   # steps (w, b), towers (4 w, b), heights
    assert [a.n for a in study.approximations] == [2, 4, 8, 16]
    net = study.approximations[-1].model.network
    assert len(net.neurons) == 2 * 17 + 256


def test_study_tables(study):
    table = study.table()
    assert table.splitlines()[1].split() == ["n", "towers", "params", "max", "error", "rms", "error", "max", "ratio"]
    assert "1604" in table
    assert study.markdown().startswith("| n | towers | params | max error | rms error | max ratio |")
    lines = study.csv().splitlines()
    assert lines[0] == "n,towers,params,max_error,rms_error"
    assert [float(v) for v in lines[-1].split(",")[3:]] == [study.rows[-1].max_error, study.rows[-1].rms_error]


def test_heights_are_g_at_the_cell_centres():
    a = approximate(SMOOTH, (-2, 2, -2, 2), n=4)
    centres = [(-2 + 0.5 + i, -2 + 0.5 + j) for j in range(4) for i in range(4)]
    heights = [a.model.values[f"c{k}"] for k in range(1, 17)]
    np.testing.assert_allclose(heights, [G(px, py) for px, py in centres], rtol=1e-12)
    np.testing.assert_allclose(a.evaluate(np.array(centres)), heights, atol=1e-5)


def test_a_string_and_a_callable_give_the_same_approximation():
    from_string = approximate(SMOOTH, n=4)
    from_callable = approximate(G, n=4)
    assert from_string.target == SMOOTH
    assert from_string.max_error == pytest.approx(from_callable.max_error, rel=1e-12)
    assert from_string.model.values == from_callable.model.values


def test_threshold_one_and_a_half_makes_a_partition_of_unity_but_the_article_threshold_does_not():
    one = lambda x, y: np.ones_like(x)  # noqa: E731
    assert approximate(one, n=4).max_error < 1e-5          # neighbours meet at ½ + ½
    # the article's 1.1 leaves σ(−3) ≈ 0.047 from each of the 2(n − 1) towers in the same row and column
    skirts = [approximate(one, n=n, threshold=1.1).max_error for n in (4, 8)]
    assert skirts[0] == pytest.approx(6 * 0.0474, rel=0.02)
    assert skirts[1] == pytest.approx(14 * 0.0474, rel=0.02)


def test_article_threshold_error_grows_again_as_n_grows():
    rms = [approximate(G, n=n, threshold=1.1).rms_error for n in (8, 16)]
    assert rms[1] > 1.3 * rms[0]        # measured 0.152 → 0.243


def test_interior_corners_dip_the_documented_limit():
    a = approximate(np.vectorize(lambda x, y: 1.0), n=4)
    corner, near, domain_corner = a.evaluate(np.array([[0.0, 0.0], [0.01, 0.01], [-2.0, -2.0]]))
    assert corner < 1e-3                 # all four towers read ½ + ½ = 1 < 1.5 there
    assert near == pytest.approx(1.0, abs=1e-3)
    assert domain_corner == pytest.approx(1.0, abs=1e-3)  # outer edges sit MARGIN/steepness outside


def test_one_dimensional_bumps_halve_the_error():
    errors = [approximate_1d("sin(x)", (-2, 2), n).max_error for n in (4, 8, 16)]
    assert errors[0] / errors[1] > 1.8 and errors[1] / errors[2] > 1.8
    a = approximate_1d(np.cos, (0, 3), 6)
    assert len(a.model.network.neurons) == 7 and a.towers == 6
    assert approximate_1d(lambda x: 3 + 0 * x, (0, 1), 5).max_error < 1e-3


def test_steepness_1000_on_minus_five_to_five_gives_no_warning_and_no_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = approximate("x*y", (-5, 5, -5, 5), n=4)
        values = evaluate(tower(), np.array([[-5.0, -5.0], [5.0, 5.0], [0.0, 0.0]]))
    assert np.isfinite(a.max_error) and np.isfinite(values).all()


def test_dense_grid_is_sub_cell_centres():
    np.testing.assert_allclose(dense_grid((0, 1), 4)[0], [0.125, 0.375, 0.625, 0.875])
    X, Y = dense_grid((0, 2, 0, 1), 2)
    np.testing.assert_allclose(X, [[0.5, 1.5], [0.5, 1.5]])
    np.testing.assert_allclose(Y, [[0.25, 0.25], [0.75, 0.75]])


def test_error_samples_are_a_multiple_of_n():
    assert approximate(G, n=3, samples=10).samples == 12


@pytest.mark.parametrize("call, error, message", [
    (lambda: approximate(G, (1, 0, 0, 1)), ValueError, "min < max"),
    (lambda: approximate(G, (0, 1)), ValueError, "4 numbers"),
    (lambda: approximate(G, n=0), ValueError, "integer ≥ 1"),
    (lambda: approximate("sin(x", n=2), ParseError, "never closed"),
    (lambda: approximate("x*z", n=2), ValueError, "uses z"),
    (lambda: approximate("log(x)", (-1, 1, -1, 1), n=2), ValueError, "not finite"),
    (lambda: approximate(42, n=2), TypeError, "expression string"),
    (lambda: approximate(lambda x, y: np.ones(3), n=2), ValueError, "one number per point"),
    (lambda: approximate_1d("x", (0, 1), n=-1), ValueError, "integer ≥ 1"),
    (lambda: error_study(G, ns=()), ValueError, "at least one n"),
    (lambda: error_study(G, ns=(2, 0)), ValueError, "each n in ns must be an integer ≥ 1"),
    (lambda: target_function("__import__('os')", ("x",)), ParseError, "unknown function"),
])
def test_bad_input_is_refused_before_work(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_refinement_lowers_the_error():
    a = approximate(G, n=4)
    r = refine(a, epochs=60, learning_rate=0.01)
    assert r.trainable == tuple(f"c{k}" for k in range(1, 17))
    assert r.after.rms_error < r.before.rms_error       # measured 0.2048 → 0.2010
    assert r.losses[-1] < r.losses[0]
    assert r.before is a and a.model.values["c1"] == pytest.approx(G(-1.5, -1.5))
    assert "RMS error" in str(r)


def test_refinement_repairs_the_article_threshold_skirts():
    a = approximate(G, n=4, threshold=1.1)
    r = refine(a, epochs=150, learning_rate=0.02)
    assert r.after.rms_error < 0.97 * r.before.rms_error   # measured 0.2113 → 0.2010
    assert r.after.max_error < 0.9 * r.before.max_error    # measured 0.561 → 0.472


def test_refinement_can_train_the_edges_too():
    a = approximate_1d("x**2", (0, 1), n=3)
    r = refine(a, epochs=20, train_edges=True)
    assert r.trainable == ("c1", "c2", "c3", "b1", "b2", "b3", "b4")
    assert set(r.after.model.values) == set(a.model.values)
    assert r.after.model.values["w1_1"] == a.model.values["w1_1"]      # frozen weights stay
    with pytest.raises(ValueError, match="per_cell"):
        refine(a, per_cell=0)


def test_approximation_str_and_types():
    a = approximate_1d("x**2", (0, 1), n=4)
    assert isinstance(a, Approximation) and "4 bumps" in str(a)
    assert isinstance(error_study("x**2", (0, 1), ns=(2,)), ErrorStudy)


def test_formulas_in_x_y_or_x1_x2_give_the_same_towers():
    xy, numbered = approximate("sin(x)*cos(y)", n=4), approximate("sin(x1)*cos(x2)", n=4)
    assert [str(s) for s in xy.model.network.inputs] == ["x", "y"]
    assert [str(s) for s in numbered.model.network.inputs] == ["x1", "x2"]
    assert xy.model.theta == numbered.model.theta and xy.max_error == numbered.max_error
    assert [str(s) for s in approximate_1d("x1**2", (0, 1), n=2).model.network.inputs] == ["x1"]
    with pytest.raises(ValueError, match="mixes x with x2"):
        approximate("x*x2", n=2)
    with pytest.raises(ValueError, match="uses x, y; expected a formula in u, v only"):
        approximate("x*y", n=2, inputs=("u", "v"))


def test_numpy_integers_are_accepted():
    a = approximate(G, n=np.int64(2), samples=np.int32(8))
    assert a.n == 2 and a.samples == 8 and isinstance(a.n, int)
    assert [r.n for r in error_study(G, ns=np.array([2, 4])).rows] == [2, 4]
