"""Training figures hold the data they claim to show, and are written as real PNG files."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure
from sympy import Symbol

from symnet import mlp, seed_network
from symnet.learn.data import SEED_TEACHER, Dataset, make
from symnet.learn.descent import descend_many
from symnet.learn.training import History, train
from symnet.plot.training import (
    plot_decision_boundary,
    plot_descent,
    plot_fit,
    plot_fit_1d,
    plot_fit_surface,
    plot_loss,
    plot_seed_network,
    save_figure,
)

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def xor_result():
    data = make("xor", n=80)
    return train(mlp([2, 3, 1], "tanh", "sigmoid"), data, epochs=60, validation=0.25, progress=False), data


def test_loss_curves_hold_the_history(xor_result):
    result, _ = xor_result
    ax = plot_loss(result.history)
    train_line, val_line = ax.get_lines()
    assert train_line.get_xdata().tolist() == list(result.history.epochs)
    assert train_line.get_ydata().tolist() == list(result.history.train_loss)
    assert val_line.get_ydata().tolist() == list(result.history.val_loss)
    assert ax.get_yscale() == "log" and [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "validation"]


def test_loss_curve_without_validation_on_given_axes():
    ax = Figure().add_subplot()
    assert plot_loss(History((0, 1, 2), (1.0, 0.0, 0.0), (), 0.1), ax=ax) is ax
    assert len(ax.get_lines()) == 1 and ax.get_yscale() == "linear"


def test_decision_boundary(xor_result):
    result, data = xor_result
    ax = plot_decision_boundary(result, data, resolution=30)
    points = [c for c in ax.collections if c.get_offsets().shape[0] in ((data.y == 0).sum(), (data.y == 1).sum())]
    assert len(points) == 2
    shown = np.vstack([c.get_offsets() for c in points])
    assert sorted(map(tuple, shown)) == sorted(map(tuple, data.X))
    assert "decision boundary" in ax.get_title()


def test_fit_1d_draws_the_prediction():
    data = make("sine", n=40)
    result = train(mlp([1, 3, 1], "tanh", "identity"), data, epochs=5, progress=False)
    ax = plot_fit_1d(result, data, target=np.sin)
    target, fitted = ax.get_lines()
    assert np.allclose(target.get_ydata(), np.sin(target.get_xdata()))
    assert np.array_equal(fitted.get_ydata(), result.predict(fitted.get_xdata()[:, None]))


def test_fit_surface_beside_the_target():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (40, 2))
    data = Dataset(X, X[:, 0] * X[:, 1], ("x1", "x2"), "function:x1*x2")
    result = train(mlp([2, 3, 1], "tanh", "identity"), data, epochs=3, progress=False)
    left, right = plot_fit_surface(result, data, target=lambda a, b: a * b, resolution=10)
    assert left.name == right.name == "3d" and left.figure is right.figure
    assert left.get_title() == "target x1*x2" and "fitted" in right.get_title()
    assert left.get_zlim() == right.get_zlim()
    assert len(left.collections) == len(right.collections) == 1
    no_target, _ = plot_fit_surface(result, data)
    assert no_target.collections[0].get_offsets().shape[0] == 40  # the data as 3-D points


def test_plot_fit_dispatch(xor_result):
    result, data = xor_result
    assert "decision boundary" in plot_fit(result, data).axes[0].get_title()
    with pytest.raises(ValueError, match="needs 1 input"):
        plot_fit_1d(result, data)


def test_descent_paths_drawn_and_diverging_one_clipped():
    paths = descend_many(Symbol("x") ** 2 - 2 * Symbol("x"), 3.0, [0.1, 0.5, 1.1], steps=20)
    ax = plot_descent(paths)
    lines = ax.get_lines()
    curve, drawn = lines[0], lines[1:4]
    for line, path in zip(drawn, paths):
        assert line.get_xdata().tolist() == list(path.xs) and line.get_ydata().tolist() == list(path.hs)
    xs = curve.get_xdata()
    assert np.allclose(curve.get_ydata(), xs**2 - 2 * xs)
    low, high = ax.get_ylim()
    assert high < max(paths[2].hs) / 10  # the diverging path leaves the view instead of squashing the curve
    assert low < -1 < high
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "η = 1.1 (diverges)" in labels and "η = 0.5" in labels


def test_descent_legend_writes_every_power_one_way():
    x = Symbol("x")
    ax = plot_descent(descend_many(x**4 - 3 * x**2 + x, 1.0, [0.01], steps=5))
    assert ax.get_legend().get_texts()[0].get_text() == "h(x) = x⁴ - 3·x² + x"      # not x^4 beside x²


def test_descent_needs_paths():
    with pytest.raises(ValueError):
        plot_descent(())


def test_seed_network_diagram_shows_the_weights():
    ax = plot_seed_network(SEED_TEACHER)
    texts = [t.get_text() for t in ax.texts]
    assert "w₅,₂ = -3.5" in texts and "w₃,₁ = 4" in texts
    assert any(t.startswith("θ₃\nb=-3") for t in texts) and "x₁" in texts and "ŷ" in texts
    weighted = [line for line in ax.get_lines() if line.get_linewidth() > 1]
    assert len(weighted) == 6  # w1_1, w2_1, w3_1, w4_1, w5_1, w5_2
    widest = max(weighted, key=lambda line: line.get_linewidth())
    assert widest.get_xydata().tolist() == [[1.0, 0.0], [2.4, 0.0]]  # |w4_1| = 5 is the largest


def test_seed_network_diagram_from_a_result_and_bad_values():
    result = train(seed_network(), make("seed", n=30), epochs=2, progress=False)
    texts = [t.get_text() for t in plot_seed_network(result).texts]
    assert f"w₁,₁ = {result.values()['w1_1']:.3g}" in texts
    with pytest.raises(ValueError, match="missing b5"):
        plot_seed_network({k: v for k, v in SEED_TEACHER.items() if k != "b5"})


def test_save_figure_writes_png(tmp_path, xor_result):
    ax = plot_loss(xor_result[0].history)
    path = save_figure(ax.figure, tmp_path / "figs" / "loss.png")
    assert path.read_bytes()[:8] == PNG
    assert [p.name for p in (tmp_path / "figs").iterdir()] == ["loss.png"]
    svg = save_figure(ax.figure, tmp_path / "loss.svg")
    assert b"<svg" in svg.read_bytes()[:500]
    with pytest.raises(ValueError, match="cannot save a figure as .xyz"):
        save_figure(ax.figure, tmp_path / "loss.xyz")
    assert not (tmp_path / "loss.xyz").exists()


def test_a_fast_blow_up_does_not_flatten_the_descent_picture():
    from symnet.learn.descent import descend_many
    from symnet.plot.training import plot_descent

    paths = descend_many("x**4", 2.0, [0.01, 0.6], steps=10)
    assert paths[1].diverged and not paths[0].diverged
    lo, hi = plot_descent(paths).get_xlim()
    assert hi - lo < 20            # the settled path spans about 2; the blown-up one reaches ~1e4 at once


def test_descent_window_shows_every_minimum_within_reach():
    """Paths settling in the right valley of x⁴ − 3x² + x still show the global minimum at x ≈ −1.30."""
    paths = descend_many("x**4 - 3*x**2 + x", 2.0, [0.01, 0.05], steps=12)
    assert all(min(p.xs) > 0.9 for p in paths)
    low, high = plot_descent(paths).get_xlim()
    assert low < -1.30 and high > 2.0
