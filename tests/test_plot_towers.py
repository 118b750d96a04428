"""The §2 figures: 3-D axes holding the tower surfaces, approximation beside target, error map, error vs n."""

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


def test_approximation_figure_shows_target_beside_approximation():
    a = approximate("x*y", n=4)
    left, right = plot_approximation(a, samples=40)
    assert left.name == right.name == "3d" and left.figure is right.figure
    g_faces = surface(left).get_array()
    assert g_faces.shape == (39 * 39,)
    assert g_faces.max() == pytest.approx(4 * 39 / 40 * 39 / 40, rel=0.1)
    assert left.get_zlim() == right.get_zlim()
    assert "x*y" in left.get_title() and "16 towers" in right.get_title()


def test_the_approximation_is_drawn_as_blocks_painted_back_to_front():
    # one block per cell (top and the two walls facing the camera), standing on the common floor;
    # blocks are painted in order of distance from the camera, so a near block covers a far one
    from symnet.plot.towers import AZIMUTH, tower_blocks

    a = approximate("x*y", n=4)
    left, right = plot_approximation(a)
    drawn = [c for c in right.collections if isinstance(c, Poly3DCollection)]
    assert len(drawn) == 16 and right.computed_zorder is False
    assert [c.get_zorder() for c in drawn] == list(range(1, 17))
    blocks = tower_blocks(a, low=-5.0)
    view = np.array([np.cos(np.radians(AZIMUTH)), np.sin(np.radians(AZIMUTH))])
    depth = [np.mean(np.array(faces[0])[:, :2], axis=0) @ view for faces, _ in blocks]
    assert depth == sorted(depth)                                                # far first, near last
    for faces, z in blocks:
        top, wall_x, wall_y = (np.array(f) for f in faces)
        assert (top[:, 2] == z).all() and wall_x[:, 2].min() == wall_y[:, 2].min() == -5.0
        assert np.ptp(wall_x[:, 0]) == 0 and np.ptp(wall_y[:, 1]) == 0        # vertical walls
    np.testing.assert_allclose(sorted(z for _, z in blocks), sorted(np.ravel(a.grid(4)[-1])))
    assert right.get_xlim() == left.get_xlim()


def test_soft_towers_are_drawn_on_the_plain_grid():
    a = approximate("x*y", n=4, steepness=5)
    right = plot_approximation(a, samples=40)[1]
    assert surface(right).get_array().shape == (39 * 39,)


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
