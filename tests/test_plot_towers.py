"""The §2 figures: 3-D axes holding the tower surfaces, approximation beside target as signed heat maps, error map,
error vs n."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mpl_toolkits.mplot3d.art3d import Poly3DCollection  # noqa: E402

from symnet.plot.towers import (  # noqa: E402
    article_grid,
    dense_error,
    plot_approximation,
    plot_error_map,
    plot_error_study,
    plot_nested_towers,
    plot_surface,
    plot_tower,
    save_figure,
    tower_values,
)
from symnet.towers.approximation import approximate, approximate_1d  # noqa: E402
from symnet.towers.study import error_study  # noqa: E402
from symnet.towers.tower import nested_towers, tower  # noqa: E402


def surface(ax) -> Poly3DCollection:
    collections = [c for c in ax.collections if isinstance(c, Poly3DCollection)]
    assert len(collections) == 1
    return collections[0]


def stable_sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def test_tower_figure_is_the_article_first_figure():
    ax = plot_tower()
    assert ax.name == "3d"
    faces = surface(ax).get_array()            # one colour value (mean z) per grid quad
    assert faces.shape == (99 * 99,)           # np.arange(-5, 5, 0.1): 100 points per axis
    assert faces.max() > 0.99 and faces.min() < 1e-6
    X, Y = article_grid()
    assert X.shape == (100, 100) and X[0, 0] == -5.0 and X[0, -1] == pytest.approx(4.9)
    s = stable_sigmoid
    article = s(30 * (s(1000 * (X + 0.3)) - s(1000 * (X - 0.7)) + s(1000 * (Y + 0.2)) - s(1000 * (Y - 0.8)) - 1.1))
    np.testing.assert_allclose(tower_values(tower(), X, Y), article, atol=1e-12)
    assert "-0.3, 0.7" in ax.get_title()


def test_nested_towers_figure_is_the_article_second_figure():
    ax = plot_nested_towers()
    faces = surface(ax).get_array()
    assert faces.max() == pytest.approx(4 * stable_sigmoid(4 * 0.9), rel=1e-3)
    X, Y = article_grid()
    Z = tower_values(nested_towers(), X, Y)
    assert Z.max() == pytest.approx(4 * stable_sigmoid(3.6), rel=1e-9)
    assert "sharpness 4" in ax.get_title()


def test_approximation_figure_shows_target_beside_approximation_on_one_signed_scale():
    a = approximate("x*y", n=4)
    left, right = plot_approximation(a, samples=40)
    assert left.name == right.name == "rectilinear" and left.figure is right.figure
    G, yhat = left.images[0].get_array(), right.images[0].get_array()
    X, Y = np.meshgrid(*(np.linspace(-2, 2, 41)[:-1] + 0.05,) * 2)   # the 40 cell centres per axis, by hand
    np.testing.assert_allclose(G, X * Y, atol=1e-12)
    np.testing.assert_allclose(yhat, a.evaluate(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape), atol=1e-12)
    norms = [ax.images[0].norm for ax in (left, right)]
    top = max(np.abs(G).max(), np.abs(yhat).max())
    assert all((n.vmin, n.vmax) == (-top, top) for n in norms)           # one scale, symmetric about 0
    assert len(left.figure.axes) == 3                                    # the two maps and one colour bar
    assert "x*y" in left.get_title() and "16 towers" in right.get_title()


def test_negative_towers_are_drawn_in_another_colour_than_positive_ones():
    """The 3-D blocks stood on a floor, so a tower of −3 looked like one of +3; on the signed scale they differ."""
    a = approximate("x*y", n=4)
    _, right = plot_approximation(a, samples=40)
    image = right.images[0]
    values = image.get_array()
    low, high = np.unravel_index(values.argmin(), values.shape), np.unravel_index(values.argmax(), values.shape)
    assert values[low] < -2 and values[high] > 2
    blue, red = (image.cmap(image.norm(values[k])) for k in (low, high))
    assert blue[2] > blue[0] + 0.3 and red[0] > red[2] + 0.3
    white = image.cmap(image.norm(0.0))
    assert min(white[:3]) > 0.9
    edges = sorted({round(line.get_xdata()[0], 12) for line in right.lines if line.get_xdata()[0] == line.get_xdata()[1]})
    assert edges == [-1.0, 0.0, 1.0]                                     # the 4×4 cells outlined


def test_axes_take_the_formula_input_names():
    left, right = plot_approximation(approximate("x1*x2", n=2))
    assert (right.get_xlabel(), right.get_ylabel()) == ("x1", "x2") == (left.get_xlabel(), left.get_ylabel())


def test_approximation_in_one_dimension_draws_two_lines():
    a = approximate_1d("x**2", (0, 1), n=4)
    ax = plot_approximation(a)
    (x, g), (_, yhat) = (line.get_data() for line in ax.lines)
    np.testing.assert_allclose(g, x ** 2)
    for c in (0.125 ** 2, 0.375 ** 2, 0.625 ** 2, 0.875 ** 2):   # four flat bumps at g(centre)
        assert np.sum(np.abs(yhat - c) < 1e-4) > 0.2 * len(x)


def test_error_map_holds_the_error_on_the_grid():
    a = approximate("x*y", n=4)
    ax = plot_error_map(a, samples=50)
    image = ax.images[0].get_array()
    np.testing.assert_allclose(image, dense_error(a, 50))
    assert image.shape == (52, 52)                       # rounded up to a multiple of n
    assert f"{a.max_error:.3g}" in ax.get_title() or image.max() == pytest.approx(a.max_error, rel=0.3)


def test_error_study_figure_is_log_log_with_the_measured_errors():
    study = error_study("sin(x)", (-2, 2), ns=(2, 4, 8))
    ax = plot_error_study(study)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    max_line, rms_line, reference = ax.lines
    np.testing.assert_allclose(max_line.get_xdata(), [2, 4, 8])
    np.testing.assert_allclose(max_line.get_ydata(), [r.max_error for r in study.rows])
    np.testing.assert_allclose(rms_line.get_ydata(), [r.rms_error for r in study.rows])
    np.testing.assert_allclose(reference.get_ydata(), study.rows[0].max_error * np.array([1, 0.5, 0.25]))


def test_plot_functions_draw_on_given_axes_and_refuse_2d_axes_for_surfaces():
    fig = Figure()
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    X, Y = np.meshgrid(np.arange(3.0), np.arange(3.0))
    assert plot_surface(X, Y, X * Y, ax=ax3, title="t") is ax3
    ax2 = fig.add_subplot(1, 2, 2)
    with pytest.raises(ValueError, match="3-D axes"):
        plot_tower(ax=ax2)


def test_save_figure_writes_a_png(tmp_path):
    path = save_figure(plot_tower().figure, tmp_path / "tower.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tower.png"]
