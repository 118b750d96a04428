"""Second derivatives put to work: Newton's method (training and 1-D descent), ``derive --order 2``,
``check --order 2`` and the Hessian benchmark's peers."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from symnet import from_expr, mlp, seed_network
from symnet.cli import main
from symnet.learn.data import make
from symnet.learn.descent import descend, descend_newton
from symnet.learn.optim import NEWTON_MAX_PARAMS, Newton, damped_newton, get_optimizer
from symnet.learn.training import train


def run(*args):
    return CliRunner().invoke(main, list(args))


# ---- Newton's method ------------------------------------------------------------------------------


def quadratic_data():
    """y = 3x − 1 exactly: the squared-error loss of w·x + b is a convex quadratic with minimum (b, w) = (−1, 3)."""
    X = np.linspace(-1.0, 2.0, 7)[:, None]
    return X, 3.0 * X[:, 0] - 1.0


def test_undamped_newton_solves_a_quadratic_in_exactly_one_step():
    net = from_expr("w*x + b", inputs="x")
    result = train(net, quadratic_data(), optimizer=Newton(damping=0.0), epochs=1,
                   theta0=[5.0, -4.0], progress=False)
    assert result.history.train_loss[0] > 1.0
    assert result.history.train_loss[1] < 1e-20
    np.testing.assert_allclose(result.theta, [-1.0, 3.0], atol=1e-12)


def test_damped_newton_converges_on_a_quadratic_in_few_steps():
    net = from_expr("w*x + b", inputs="x")
    result = train(net, quadratic_data(), optimizer="newton", epochs=6, theta0=[5.0, -4.0], progress=False)
    assert result.settings["optimizer"] == "newton"
    assert result.history.train_loss[-1] < 1e-10
    np.testing.assert_allclose(result.theta, [-1.0, 3.0], atol=1e-5)
    # gradient descent at a good rate is still far off after the same six steps
    gd = train(net, quadratic_data(), optimizer="sgd", learning_rate=0.1, epochs=6, theta0=[5.0, -4.0], progress=False)
    assert gd.history.train_loss[-1] > 1e3 * result.history.train_loss[-1]


def test_newton_beats_gradient_descent_on_the_seed_network_in_the_same_steps():
    data = make("seed", n=200, noise=0.05, seed=0)
    newton = train(seed_network(), data, optimizer="newton", epochs=40, seed=0, progress=False)
    losses = np.array(newton.history.train_loss)
    assert np.all(np.diff(losses) <= 1e-15)           # an accepted damped step never raises the loss
    for eta in (0.5, 2.0):
        gd = train(seed_network(), data, optimizer="sgd", learning_rate=eta, epochs=40, seed=0, progress=False)
        assert losses[-1] < 0.5 * gd.history.train_loss[-1]


def test_newton_trains_only_the_trainable_parameters():
    data = make("seed", n=60, noise=0.05, seed=1)
    result = train(seed_network(), data, optimizer="newton", epochs=5, trainable="theta5", seed=2, progress=False)
    start = train(seed_network(), data, optimizer="newton", epochs=1, trainable="theta5", seed=2, progress=False,
                  callback=lambda *a: True)
    names = [str(p) for p in seed_network().params]
    frozen = [i for i, n in enumerate(names) if not n.endswith("5") and "5_" not in n]
    assert result.history.train_loss[-1] < result.history.train_loss[0]
    np.testing.assert_array_equal(result.theta[frozen], start.theta[frozen])


def test_newton_is_refused_for_large_networks_and_mini_batches():
    big = mlp([2, 12, 8, 1])
    assert len(big.params) > NEWTON_MAX_PARAMS
    with pytest.raises(ValueError, match=f"at most {NEWTON_MAX_PARAMS} parameters"):
        train(big, make("xor", n=20), optimizer="newton", epochs=1, progress=False)
    with pytest.raises(ValueError, match="whole training set"):
        train(seed_network(), make("seed", n=40), optimizer="newton", batch_size=8, epochs=1, progress=False)


def test_an_unbound_newton_says_what_it_needs():
    with pytest.raises(ValueError, match="needs the loss's Hessian"):
        get_optimizer("newton").init(np.zeros(2))
    with pytest.raises(ValueError, match="damping"):
        Newton(damping=-1.0)
    with pytest.raises(ValueError, match="increase"):
        Newton(increase=1.0)


def test_damped_newton_goes_downhill_where_the_hessian_is_indefinite():
    # L = x² − y² + y⁴/4 at (1, 0.1): H = diag(2, −2 + 3y²) is indefinite; the step must still lower L
    def loss(t):
        return float(t[0] ** 2 - t[1] ** 2 + t[1] ** 4 / 4)
    theta = np.array([1.0, 0.1])
    g = np.array([2 * theta[0], -2 * theta[1] + theta[1] ** 3])
    H = np.diag([2.0, -2.0 + 3 * theta[1] ** 2])
    moved, lam = damped_newton(theta, g, H, loss(theta), loss, 0.0)
    assert loss(moved) < loss(theta)
    assert lam > 0


def test_descend_newton_lands_on_a_quadratics_minimum_in_one_step():
    path = descend_newton("x**2 - 2*x", 3.0, steps=4)
    assert path.method == "newton" and path.label == "Newton"
    assert path.xs == (3.0, 1.0, 1.0, 1.0, 1.0)
    gd = descend("x**2 - 2*x", 3.0, 0.1, steps=4)
    assert abs(gd.xs[-1] - 1.0) > 0.5


def test_descend_newton_is_damped_where_h_is_concave():
    # at x0 = 0.1, h″ = 12x² − 6 < 0: the raw step x − h′/h″ would climb; the damped one goes down
    path = descend_newton("x**4 - 3*x**2 + x", 0.1, steps=30)
    assert all(b <= a + 1e-12 for a, b in zip(path.hs, path.hs[1:]))
    assert abs(4 * path.xs[-1] ** 3 - 6 * path.xs[-1] + 1) < 1e-9


def test_cli_descend_newton_text_json_and_figure(tmp_path):
    result = run("descend", "x**2 - 2*x", "--x0", "3", "--lr", "0.1,1.1", "--steps", "5", "--newton")
    assert result.exit_code == 0, result.output
    assert "x (Newton)" in result.output
    assert "within 1e-8 of x* after 1 step(s)" in result.output
    record = json.loads(run("descend", "x**2 - 2*x", "--x0", "3", "--lr", "0.1", "--steps", "2", "--newton",
                            "--format", "json").output)
    assert record["newton"]["x"] == [3.0, 1.0, 1.0]
    assert len(record["paths"]) == 1
    out = tmp_path / "d.png"
    result = run("descend", "x**2 - 2*x", "--x0", "3", "--lr", "0.1", "--newton", "-o", str(out))
    assert result.exit_code == 0 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---- derive --order 2 and check --order 2 ---------------------------------------------------------


def test_derive_second_matches_the_compiled_hessian_and_its_differences():
    from symnet import squared_error
    from symnet.core.names import resolve_point
    from symnet.derivation.numbers import random_values
    from symnet.derivation.second import derive_second
    from symnet.numeric.hessian import compile_hessian

    loss = squared_error(seed_network())
    point = resolve_point(loss, random_values(loss, 3))
    second = derive_second(loss, wrt=["w5_1", "b5"], point=point, check=True)
    params = list(loss.network.params)
    theta = np.array([point[p] for p in params])
    H = compile_hessian(loss)(theta, np.array([[point[s] for s in loss.network.inputs]]), np.array([point[loss.target]]))
    index = [params.index(s) for s in second.hessian.wrt]
    np.testing.assert_allclose(second.values, H[np.ix_(index, index)], rtol=1e-10, atol=1e-14)
    assert second.ok is True and second.check.ok and second.check.order == 2
    assert [c.param.name for c in second.columns] == ["w5_1", "b5"]
    assert all(len(c.tangents) >= 3 for c in second.columns)      # ∂ŷ, ∂δh₅, ∂δz₅ … by each parameter
    np.testing.assert_allclose(second.eigenvalues, np.linalg.eigvalsh(second.values))


def test_cli_derive_order_2_prints_the_tangent_sweep():
    result = run("derive", "seed", "--order", "2", "--wrt", "b5", "--at", "random:0")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Second derivatives by b₅" in out
    assert "∂δz₅/∂b₅ =" in out and "∂²L/∂b₅² = ∂δz₅/∂b₅ =" in out
    assert out.index("Summary") < out.index("Second derivatives")


@pytest.mark.parametrize("lang, title, check", [("en", "Second derivatives", "Hessian-vector product"),
                                                 ("zh", "二阶导数", "Hessian 向量积")])
def test_cli_derive_order_2_documents(tmp_path, lang, title, check):
    md, tex = tmp_path / "h.md", tmp_path / "h.tex"
    for path in (md, tex):
        result = run("derive", "seed", "--order", "2", "--wrt", "b5", "--lang", lang, "-o", str(path))
        assert result.exit_code == 0, result.output
    text = md.read_text(encoding="utf-8")
    assert f"## {title}" in text and check in text
    assert "\\frac{\\partial^{2} L}{\\partial b_{5}^{2}}" in text
    latex = tex.read_text(encoding="utf-8")
    assert "\\section*{%s}" % title in latex and "\\subsection*{" in latex
    assert latex.rstrip().endswith("\\end{document}")


@pytest.mark.parametrize("args, message", [
    (["--abstract"], "leave out --abstract"),
    (["--format", "json"], "symnet hessian"),
])
def test_cli_derive_order_2_refusals(args, message):
    result = run("derive", "seed", "--order", "2", *args)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_cli_check_order_2_table_and_json():
    result = run("check", "seed", "--order", "2", "--wrt", "theta5")
    assert result.exit_code == 0, result.output
    assert "hvp" in result.output and "all second derivatives agree" in result.output
    assert result.output.count("yes") == 6
    record = json.loads(run("check", "seed", "--order", "2", "--wrt", "b5,w5_1", "--format", "json").output)
    assert record["order"] == 2 and record["methods"] == ["hessian", "hvp", "sympy", "finite_diff"]
    assert sorted(record["second_derivatives"]) == ["b5,b5", "w5_1,b5", "w5_1,w5_1"]
    assert record["ok"] is True
    first = json.loads(run("check", "seed", "--wrt", "b5", "--format", "json").output)
    assert first["order"] == 1 and list(first["gradients"]) == ["b5"] and first["methods"][0] == "backprop"


def test_cli_check_order_2_refuses_layers_and_inputs():
    result = run("check", "layers:2-3-1", "--order", "2")
    assert result.exit_code == 2 and "scalar networks" in result.output
    result = run("check", "seed", "--order", "2", "--wrt", "x1")
    assert result.exit_code == 2 and "x1 is an input" in result.output


def test_descent_figure_shows_newtons_path():
    import matplotlib

    matplotlib.use("Agg")
    from symnet.learn.descent import descend_many
    from symnet.plot.training import plot_descent

    paths = descend_many("x**2 - 2*x", 3.0, [0.1, 1.1], steps=4) + (descend_newton("x**2 - 2*x", 3.0, steps=4),)
    ax = plot_descent(paths)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Newton  x ← x − h′/h″" in labels and "η = 0.1" in labels
    assert "Newton" in ax.get_title()
    newton_line = next(line for line in ax.get_lines() if line.get_label().startswith("Newton"))
    assert list(newton_line.get_xdata()) == [3.0, 1.0, 1.0, 1.0, 1.0]
