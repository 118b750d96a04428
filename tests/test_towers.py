"""Towers as networks: the article's five-neuron tower, steps, bumps, sums of towers with shared steps."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Symbol

from symnet import check_grads, sigmoid
from symnet.core.losses import squared_error
from symnet.numeric.codegen import value_and_grad
from symnet.towers.tower import Tower, bump, grid_boxes, nested_towers, step, tower, tower_sum

x, y = Symbol("x"), Symbol("y")


def article_tower(X, Y, x_min, x_max, y_min, y_max, sharpness=30):
    """The article's NumPy code, with a stable sigmoid (its 1/(1+exp(-x)) overflows)."""
    s = lambda z: np.exp(-np.logaddexp(0.0, -z))  # noqa: E731
    z = s(1000 * (X - x_min)) - s(1000 * (X - x_max)) + s(1000 * (Y - y_min)) - s(1000 * (Y - y_max))
    return s(sharpness * (z - 1.1))


def test_tower_is_the_article_network_of_five_neurons():
    t = tower()
    assert str(t.network) == "f(θ5, f(θ1, x), f(θ2, x), f(θ3, y), f(θ4, y))"
    assert [str(p) for p in t.network.params] == [
        "w1_1", "b1", "w2_1", "b2", "w3_1", "b3", "w4_1", "b4", "w5_1", "w5_2", "w5_3", "w5_4", "b5"]
    assert t.values["w1_1"] == 1000 and t.values["b1"] == pytest.approx(300)
    assert t.values["b4"] == pytest.approx(-800)
    assert (t.values["w5_1"], t.values["w5_2"], t.values["w5_3"], t.values["w5_4"]) == (30, -30, 30, -30)
    assert t.values["b5"] == pytest.approx(-33)
    assert t.theta == tuple(t.values[str(p)] for p in t.network.params)


def test_tower_formula_is_the_article_formula():
    t = tower(-0.3, 0.7, -0.2, 0.8)
    article = sigmoid(30 * (step(x, -0.3) - step(x, 0.7) + step(y, -0.2) - step(y, 0.8) - 1.1))
    for px, py in [(0.2, 0.3), (0.7004, 0.3), (-0.3, -0.2), (1.0, 0.1), (3.0, 3.0)]:
        point = {x: px, y: py}
        assert float(t.formula().xreplace(point)) == pytest.approx(float(article.xreplace(point).evalf()), abs=1e-12)


def test_compiled_tower_matches_sympy_and_the_article_numpy_code():
    t = tower()
    points = np.array([[0.2, 0.3], [-0.29, 0.79], [0.7, 0.3], [-0.3005, 0.0], [2.0, 0.3], [4.0, -4.0]])
    compiled = t.evaluate(points)
    exact = [float(t.network(t.values, x=px, y=py)) for px, py in points]
    np.testing.assert_allclose(compiled, exact, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(compiled, article_tower(points[:, 0], points[:, 1], -0.3, 0.7, -0.2, 0.8), atol=1e-12)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.floats(-4, 3), st.floats(0.2, 2), st.floats(-4, 3), st.floats(0.2, 2), st.floats(0.05, 0.95),
       st.floats(0.05, 0.95))
def test_tower_is_one_inside_its_box_and_about_zero_outside(x0, width, y0, height, u, v):
    t = tower(x0, x0 + width, y0, y0 + height)      # one compiled network serves every box
    (x0, x1), (y0, y1) = t.boxes[0]
    inside = [x0 + u * (x1 - x0), y0 + v * (y1 - y0)]
    band = [x1 + 0.1 + u, inside[1]]             # beside the box: the article's 0.047 skirt
    far = [x1 + 0.1 + u, y1 + 0.1 + v]
    value_in, value_band, value_far = t.evaluate(np.array([inside, band, far]))
    assert value_in > 1 - 1e-10
    assert 0.04 < value_band < 0.05                # σ(30·(1 − 1.1)) = σ(−3) ≈ 0.0474
    assert value_far < 1e-12


def test_tower_gradients_pass_check_grads_at_moderate_steepness():
    t = tower(-0.5, 0.5, -0.5, 0.5, steepness=5, sharpness=3)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.5, 1.5, (6, 2))
    report = check_grads(squared_error(t.network), np.array(t.theta), X, rng.uniform(0, 1, 6))
    assert report.ok, str(report)
    assert len(report.rows) == 13


def test_steepness_1000_gives_finite_values_and_gradients_without_warnings():
    t = tower()
    grid = np.linspace(-5, 5, 41)
    X = np.array([[a, b] for a in grid for b in grid])
    fn = value_and_grad(squared_error(t.network))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = t.evaluate(X)
        loss, gradient = fn(np.array(t.theta), X, np.zeros(len(X)))
        per_loss, per_grad = fn(np.array(t.theta), X, np.ones(len(X)), per_sample=True)
    assert np.isfinite(values).all() and np.isfinite(loss) and np.isfinite(gradient).all()
    assert np.isfinite(per_grad).all() and per_grad.shape == (len(X), 13)


def test_step_and_bump_are_sigmoid_expressions():
    assert str(step("x", 0.7)) == "sigmoid(1000*(x - 7/10))"      # exact, as the article writes it
    assert str(step(x, 2, steepness=5)) == "sigmoid(5*(x - 2))"
    b = bump("x", -1, 1)
    assert b == step(x, -1) - step(x, 1)
    assert float(b.xreplace({x: 0}).evalf()) == pytest.approx(1.0)
    assert float(b.xreplace({x: 3}).evalf()) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: tower(1, 0, 0, 1), "min < max"),
    (lambda: tower(0, 1, 0.5, 0.5), "min < max"),
    (lambda: tower(0, float("nan"), 0, 1), "finite"),
    (lambda: tower(steepness=0), "steepness must be positive"),
    (lambda: tower(sharpness=-1), "sharpness must be positive"),
    (lambda: tower(inputs=("x",)), "expected 2 input"),
    (lambda: tower(inputs=("x", "x")), "must differ"),
    (lambda: bump("x", 2, 1), "min < max"),
    (lambda: tower_sum([(0, 1, 0, 1)], heights=[1, 2]), "one height per box"),
    (lambda: tower_sum([]), "at least one box"),
    (lambda: tower_sum([(0, 1, 0)]), "needs 4 numbers"),
    (lambda: grid_boxes((0, 1, 0, 1), 0), "integer ≥ 1"),
    (lambda: grid_boxes((0, 1, 0, 1), 2.0), "integer ≥ 1"),
])
def test_bad_arguments_say_what_is_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_step_needs_a_symbol_or_a_name():
    with pytest.raises(TypeError, match="input symbol"):
        step(3, 0)


@pytest.mark.parametrize("call", [lambda: step("x", True), lambda: tower("0", 1, 0, 1), lambda: tower(threshold=None)])
def test_non_numbers_are_type_errors(call):
    with pytest.raises(TypeError, match="must be"):
        call()


def test_numpy_numbers_are_accepted():
    np_tower = tower(np.float32(-0.5), np.int64(1), np.float64(0), np.int32(1), steepness=np.int64(1000))
    assert np_tower.values == tower(-0.5, 1, 0, 1).values
    assert grid_boxes((0, 1), np.int64(2)) == ((0.0, 0.5), (0.5, 1.0))


def test_a_grid_of_towers_shares_its_edge_step_neurons():
    n = 3
    t = tower_sum(grid_boxes((0, 3, 0, 3), n), heights=range(1, n * n + 1), threshold=1.5)
    assert len(t.network.neurons) == 2 * (n + 1) + n * n
    assert len(t.network.params) == 2 * (n + 1) * 2 + 5 * n * n + n * n
    assert t.heights == tuple(f"c{k}" for k in range(1, 10))
    centres = np.array([[i + 0.5, j + 0.5] for j in range(n) for i in range(n)])
    np.testing.assert_allclose(t.evaluate(centres), np.arange(1, 10), atol=1e-5)
    assert str(t.network).count("f(θ1, x)") == n      # the left edge is read by the three towers beside it


def test_a_sum_of_bumps_in_one_dimension_telescopes_into_a_partition_of_unity():
    t = tower_sum(grid_boxes((0, 1), 4), inputs=("x",))
    assert len(t.network.neurons) == 5
    assert str(t.network).startswith("c1*(f(θ1, x) - f(θ2, x))")
    xs = np.linspace(0.01, 0.99, 57)[:, None]   # 10/steepness from the ends
    np.testing.assert_allclose(t.evaluate(xs), 1.0, atol=1e-4)    # Σ bumps = step(0) − step(1)


def test_nested_towers_are_the_article_second_figure():
    t = nested_towers()
    assert isinstance(t, Tower) and t.sharpness == 4 and len(t.boxes) == 4
    assert len(t.network.neurons) == 16 + 4
    centre, ring = t.evaluate(np.array([[0.0, 0.0], [3.0, 3.0]]))
    assert centre == pytest.approx(4 * 1 / (1 + np.exp(-4 * 0.9)), rel=1e-6)
    sigma = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    assert ring == pytest.approx(sigma(4 * 0.9) + 3 * sigma(4 * -1.1), rel=1e-6)  # sharpness 4 leaks: the skirts
