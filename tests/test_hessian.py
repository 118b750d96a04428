"""Second derivatives: the symbolic Hessian (forward-over-reverse), its compiled forms and checks.

The oracle is ``sympy.diff`` twice of the closed form (activations rewritten into exp), used here
only; symnet's Hessian never calls it.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sympy import Derivative, Symbol, diff, lambdify

from symnet import check_grads, mlp, from_expr, hessian, seed_network, squared_error, value_and_grad
from symnet.core.activations import rewrite_activations
from symnet.numeric.hessian import compile_hessian, gradient_differences, hvp
from symnet.render.printing import latex, pretty

from .strategies import expression_networks, neuron_networks, points

S = Symbol


def sympy_hessian_at(target, point: dict) -> np.ndarray:
    """∂²L/∂θᵢ∂θⱼ by sympy.diff twice of the closed form, at one point {symbol: value}."""
    closed = rewrite_activations(target.program.closed_form()[0])
    params = target.network.params
    args = sorted(point, key=str)
    fn = lambdify(args, [[diff(closed, a, b) for b in params] for a in params], cse=True)
    return np.array(fn(*(point[a] for a in args)), dtype=float)


def symnet_hessian_at(h, point: dict) -> np.ndarray:
    """The symbolic Hessian's entries evaluated through its program (compiled by lambdify here)."""
    program = h.program
    args = program.inputs + program.params
    fn = lambdify(args, list(program.outputs[1:]), cse=lambda exprs: (list(program.assignments), exprs),
                  modules=[{"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "softplus": lambda z: np.logaddexp(0, z)},
                           "numpy"])
    values = fn(*(point[a] for a in args))
    n = len(h.wrt)
    return np.array(values, dtype=float).reshape(n, n)


def random_point(target, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    symbols = target.program.inputs + target.program.params
    return {s: float(v) for s, v in zip(symbols, rng.normal(size=len(symbols)))}


@pytest.mark.parametrize("network", [
    from_expr("sigmoid(w*x + b)", inputs="x"),
    from_expr("tanh(a*x) * exp(b*x) + c*x**3", inputs="x"),
    mlp([1, 1, 1]),
])
def test_symbolic_hessian_equals_sympy_diff_twice(network):
    target = squared_error(network)
    h, point = hessian(target), random_point(target)
    got, expected = symnet_hessian_at(h, point), sympy_hessian_at(target, point)
    assert np.allclose(got, expected, rtol=1e-10, atol=1e-12)
    assert np.allclose(got, got.T, rtol=1e-12, atol=1e-14)   # columns derived independently agree


def test_a_one_parameter_hessian_in_closed_form():
    h = hessian(from_expr("w*x", inputs="x"))          # L = (y − w·x)²: ∂²L/∂w² = 2x²
    assert h.expanded("w", "w") == 2 * S("x") ** 2
    assert h.entries == ((h.entry("w", "w"),),)


def test_the_seed_network_hessian_is_11_by_11_and_shares_the_gradient_program():
    h = hessian(squared_error(seed_network()))
    assert len(h.entries) == 11 and all(len(row) == 11 for row in h.entries)
    assert h.program.assignments[:len(h.gradient.program.assignments)] == h.gradient.program.assignments
    assert len(h.program.outputs) == 1 + 121


def test_wrt_restricts_both_indices():
    h = hessian(seed_network(), wrt=["b5", "w5_1"])
    assert h.wrt == (S("b5"), S("w5_1")) and len(h.entries) == 2


def test_the_hessian_prints_entry_by_entry_with_the_chain_rule_factors_named():
    h = hessian(from_expr("sigmoid(w*x + b)", inputs="x"))
    text, unicode, tex = str(h), pretty(h), latex(h)
    assert "d^2L/dbdw = " in text and "d^2L/dw^2 = " in text
    assert "∂²L/∂b∂w = ∂δt₂/∂w" in unicode and "∂t₃/∂b = t₃·(1 - t₃)" in unicode
    assert r"\frac{\partial^{2} L}{\partial w^{2}}" in tex
    assert "d^2L/dwdb" not in text       # the lower triangle is the same matrix: printed once


def test_pairs_name_every_tangent_as_a_derivative():
    h = hessian(from_expr("sigmoid(w*x + b)", inputs="x"))
    lhs = [a for a, _ in h.pairs(everything=True)]
    assert all(isinstance(a, (Symbol, Derivative)) for a in lhs)
    assert Derivative(S("L"), S("w"), S("b")) in lhs and Derivative(S("L"), S("b"), S("w")) in lhs


def test_layer_networks_are_refused_with_what_to_do():
    from symnet import layers

    with pytest.raises(NotImplementedError, match="lower"):
        hessian(layers([2, 3, 1]))


# --- compiled: the mean Hessian and the Hessian-vector product ------------------------------------

SEED_LOSS = squared_error(seed_network())
SEED_H = compile_hessian(SEED_LOSS)
SEED_HVP = hvp(SEED_LOSS)
SEED_GRAD = value_and_grad(SEED_LOSS)


def seed_batch(seed=0, n=16):
    rng = np.random.default_rng(seed)
    return rng.normal(size=11), rng.normal(size=(n, 2)), rng.uniform(size=n)


def test_the_compiled_hessian_is_the_batch_mean_of_the_symbolic_one():
    theta, X, y = seed_batch(n=3)
    h = SEED_H.hessian
    rows = [symnet_hessian_at(h, {**dict(zip(SEED_LOSS.program.inputs, (*x, t))), **dict(zip(h.wrt, theta))})
            for x, t in zip(X, y)]
    assert np.allclose(SEED_H(theta, X, y), np.mean(rows, axis=0), rtol=1e-12, atol=1e-15)


def test_the_compiled_hessian_equals_central_differences_of_the_compiled_gradient():
    theta, X, y = seed_batch(1)
    H = SEED_H(theta, X, y)
    differences = gradient_differences(lambda t: SEED_GRAD(t, X, y)[1], theta)
    assert H.shape == (11, 11)
    assert np.allclose(H, differences, rtol=1e-6, atol=1e-8)
    assert np.array_equal(H, SEED_H(theta, X, y))       # deterministic


def test_hvp_equals_H_times_v_without_forming_H():
    theta, X, y = seed_batch(2)
    v = np.random.default_rng(3).normal(size=11)
    assert np.allclose(SEED_HVP(theta, v, X, y), SEED_H(theta, X, y) @ v, rtol=1e-12, atol=1e-14)
    program = SEED_HVP.program   # one tangent per step of the gradient program, P outputs: no P × P anywhere
    gradient_steps = len(SEED_HVP.gradient.program.assignments)
    assert len(program.outputs) == 11
    assert len(program.assignments) <= 2 * gradient_steps
    assert program.count_ops() < 5 * SEED_HVP.gradient.program.count_ops()


def test_hvp_refuses_a_direction_of_the_wrong_length_with_the_parameter_names():
    theta, X, y = seed_batch()
    with pytest.raises(ValueError, match="v .*w1_1"):
        SEED_HVP(theta, np.ones(3), X, y)
    with pytest.raises(ValueError, match="v"):
        SEED_HVP(theta, np.full(11, np.nan), X, y)


def test_the_hessian_of_a_linear_model_is_two_times_the_mean_of_x_xT():
    H = compile_hessian(from_expr("w1*x1 + w2*x2 + b", inputs=["x1", "x2"]))    # params b, w1, w2
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    design = np.column_stack([np.ones(3), X])
    assert np.allclose(H(np.array([0.3, -0.2, 0.7]), X, np.zeros(3)), 2 * design.T @ design / 3)


# --- checked: check_grads(order=2) ---------------------------------------------------------------------


def test_check_grads_order_2_agrees_four_ways_and_prints_the_entries():
    report = check_grads(from_expr("sigmoid(w*x + b)", inputs="x"), order=2)
    assert report.ok and report.order == 2 and not report.skipped
    assert report.methods == ("hessian", "hvp", "sympy", "finite_diff")
    assert [row.param for row in report.rows] == ["b,b", "b,w", "w,w"]
    text = pretty(report)
    assert "∂²L/∂b∂w" in text and "all second derivatives agree" in text


def test_check_grads_order_1_is_unchanged():
    report = check_grads(seed_network())
    assert report.order == 1 and report.methods[0] == "backprop" and len(report.rows) == 11
    assert "all gradients agree" in pretty(report)


def test_check_grads_order_2_fails_on_a_wrong_second_derivative():
    from symnet.core.activations import sigmoid

    wrong = {sigmoid: lambda ans, z: (ans * (1 - ans) + z**2 / 1000,)}   # right at z = 0 only, to first order
    report = check_grads(from_expr("sigmoid(w*x + b)", inputs="x"), order=2, rules=wrong, sympy_max_ops=0)
    assert not report.ok and "DISAGREE" in pretty(report)
    assert any("sympy" in method for method, _ in report.skipped)


def test_check_grads_refuses_other_orders():
    with pytest.raises(ValueError, match="order must be 1"):
        check_grads(seed_network(), order=3)


@settings(max_examples=15)
@given(theta=arrays(np.float64, 11, elements=st.floats(-2, 2)), v=arrays(np.float64, 11, elements=st.floats(-1, 1)))
def test_seed_hessian_is_symmetric_and_hvp_is_H_v(theta, v):
    _, X, y = seed_batch(4, n=8)
    H = SEED_H(theta, X, y)
    assert np.allclose(H, H.T, rtol=1e-10, atol=1e-13)
    assert np.allclose(SEED_HVP(theta, v, X, y), H @ v, rtol=1e-9, atol=1e-12)


@settings(max_examples=6)
@given(data=st.data())
def test_random_neuron_dags_second_derivatives_agree(data):
    net = data.draw(neuron_networks(max_neurons=3))
    theta, X, y = data.draw(points(net, batch=3))
    report = check_grads(net, theta, X, y, order=2, sympy_max_ops=40)
    assert report.ok, str(report)


@settings(max_examples=6)
@given(data=st.data())
def test_random_expressions_second_derivatives_agree(data):
    net = data.draw(expression_networks())
    theta, X, y = data.draw(points(net, batch=3))
    report = check_grads(net, theta, X, y, order=2)
    assert report.ok, str(report)


# --- the lesson: h″ at the minimum bounds the learning rate of 1-D descent -----------------------------


def test_descend_finds_the_articles_limit_eta_1_and_the_verdicts():
    from symnet.learn.descent import curvature, descend_many

    paths = descend_many("x**2 - 2*x", 3.0, [0.1, 0.5, 0.9, 1.0, 1.1], steps=30)
    found = curvature(paths)
    assert (found.minimum, found.value, found.limit, found.found_by) == (1.0, 2.0, 1.0, "solve")
    verdicts = [found.verdict(p.learning_rate)[0] for p in paths]
    assert verdicts == ["stable", "stable", "oscillating", "oscillating", "diverging"]
    assert "> 1" in found.verdict(1.1)[1] and "still converges" in found.verdict(0.9)[1]
    # the verdicts are what the paths did: η = 0.9 crosses x* = 1 each step and closes in, η = 1.1 runs away
    crossing = paths[2].xs
    assert all((a - 1) * (b - 1) < 0 for a, b in zip(crossing, crossing[1:])) and abs(crossing[-1] - 1) < 0.01
    assert paths[4].diverged and not any(p.diverged for p in paths[:4])


def test_without_a_closed_form_the_minimum_is_the_best_paths_last_iterate():
    from symnet.learn.descent import curvature, descend_many

    paths = descend_many("cosh(x) + sin(x)", 1.0, [0.1, 3.0], steps=200)   # h′ = sinh x + cos x: no polynomial
    found = curvature(paths)
    assert found.found_by == "last_iterate" and found.learning_rate == 0.1
    x = found.minimum
    assert abs(np.sinh(x) + np.cos(x)) < 1e-8 and found.value == pytest.approx(np.cosh(x) - np.sin(x))
    assert found.verdict(3.0)[0] == "diverging"


@pytest.mark.parametrize("h", ["x**3", "exp(x)"])
def test_no_minimum_means_no_limit(h):
    from symnet.learn.descent import curvature, descend_many, format_curvature

    paths = descend_many(h, 1.0, [0.1], steps=10)
    assert curvature(paths) is None
    assert "no minimum found" in format_curvature(paths, None)


def test_symnet_descend_prints_the_limit_beside_each_rate():
    from click.testing import CliRunner

    from symnet.cli import main

    result = CliRunner().invoke(main, ["descend", "x**2 - 2*x", "--x0", "3", "--lr", "0.1,1.1", "--steps", "5"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == ["h(x) = x² - 2·x", "dh/dx = 2·x - 2", "d²h/dx² = 2"]
    assert "h''(x*) = 2; stability limit η < 2/h''(x*) = 1" in result.output
    assert any(line.startswith("η=1.1: diverging: |1 - η·h''(x*)| = 1.2 > 1") for line in lines)
    assert any(line.startswith("η=0.1: stable") for line in lines)


def test_symnet_descend_json_has_the_minimum_and_each_verdict():
    import json

    from click.testing import CliRunner

    from symnet.cli import main

    result = CliRunner().invoke(main, ["descend", "x**2 - 2*x", "--x0", "3", "--lr", "0.9,1.1", "--steps", "5",
                                       "--format", "json"])
    doc = json.loads(result.output)
    assert doc["second_derivative"] == "2"
    assert doc["minimum"] == {"x": 1.0, "found_by": "solve", "learning_rate": None, "second_derivative": 2.0,
                              "stability_limit": 1.0}
    assert [p["stability"]["verdict"] for p in doc["paths"]] == ["oscillating", "diverging"]
    assert doc["paths"][1]["stability"]["factor"] == pytest.approx(-1.2)


# --- symnet hessian ----------------------------------------------------------------------------------

SEED_AT = "x1=1,x2=2,y=1,w1_1=0.5,b1=0,w2_1=-0.5,b2=0.2,w3_1=1,b3=0,w4_1=1.5,b4=0,w5_1=1,w5_2=-1,b5=0.1"


def run_cli(*args):
    from click.testing import CliRunner

    from symnet.cli import main

    return CliRunner().invoke(main, list(args))


def seed_point_arrays():
    values = dict(item.split("=") for item in SEED_AT.split(","))
    theta = np.array([float(values[p.name]) for p in SEED_LOSS.network.params])
    return theta, np.array([[float(values["x1"]), float(values["x2"])]]), np.array([float(values["y"])])


def test_cli_hessian_prints_entries_values_and_the_largest_stable_learning_rate():
    result = run_cli("hessian", "seed", "--wrt", "theta5", "--at", SEED_AT)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "∂²L/∂w₅,₁∂b₅ = ∂δw₅,₁/∂b₅" in out and "∂²L/∂b₅² = ∂δz₅/∂b₅" in out
    full = SEED_H(*seed_point_arrays())
    block = full[8:, 8:]                            # w5_1, w5_2, b5 are the last three parameters
    assert f"∂²L/∂b₅² = {block[2, 2]:.12g}" in out
    eigenvalues = np.linalg.eigvalsh(block)
    assert f"2/λ_max = {2 / eigenvalues[-1]:.6g}" in out


def test_cli_hessian_json_is_the_compiled_hessian_at_the_point():
    import json

    result = run_cli("hessian", "seed", "--at", SEED_AT, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    full = SEED_H(*seed_point_arrays())
    assert doc["wrt"] == [p.name for p in SEED_LOSS.network.params] and len(doc["entries"]) == 66
    assert np.allclose(doc["values"], full, rtol=1e-12, atol=1e-15)
    assert np.allclose(doc["eigenvalues"], np.linalg.eigvalsh(full))
    assert doc["largest_stable_learning_rate"] == pytest.approx(2 / np.linalg.eigvalsh(full)[-1])
    assert doc["entries"]["b5,b5"] and "ddelta_z5/db5" in doc["tangents"]


def test_cli_hessian_of_an_expression_in_latex():
    result = run_cli("hessian", "--expr", "sigmoid(w*x + b)", "--inputs", "x", "--format", "latex")
    assert result.exit_code == 0, result.output
    assert r"\frac{\partial^{2} L}{\partial b \partial w}" in result.output


@pytest.mark.parametrize("args, message", [
    (["layers:2-3-1"], "layer (matrix) networks"),   # the library's own message (symnet.core.hessian)
    (["seed", "--wrt", "q"], "cannot differentiate by q"),
    (["seed", "--at", "x1=1"], "x2"),
    (["--expr", "x**2", "--inputs", "x"], "no parameters"),
])
def test_cli_hessian_refuses_bad_input_in_one_line(args, message):
    result = run_cli("hessian", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


# --- JAX: the same programs, jitted -------------------------------------------------------------------


def test_jax_hessian_and_hvp_equal_numpy():
    pytest.importorskip("jax")
    theta, X, y = seed_batch(5, n=32)
    v = np.random.default_rng(6).normal(size=11)
    H, Hv = compile_hessian(SEED_LOSS, backend="jax"), hvp(SEED_LOSS, backend="jax")
    assert H.backend == Hv.backend == "jax" and "jax" in Hv.source
    assert np.allclose(H(theta, X, y), SEED_H(theta, X, y), rtol=1e-12, atol=1e-14)
    assert np.allclose(Hv(theta, v, X, y), SEED_HVP(theta, v, X, y), rtol=1e-12, atol=1e-14)


def test_an_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown backend 'llvm'.*auto, numpy, jax, fused"):
        hvp(SEED_LOSS, backend="llvm")


@pytest.mark.parametrize("spec", ["layers:2-3-2", "conv:6x6:c3x3x2:relu:d2:softmax", "attention:T=3,d=2,classes=2"])
def test_hvp_and_compile_hessian_refuse_a_matrix_network_by_name_not_by_a_missing_rule(spec):
    from symnet.cli.common import load_network

    net = load_network(spec, None, None, None, None)
    for compile_second in (hvp, compile_hessian):
        with pytest.raises(NotImplementedError, match="Hessians of layer \\(matrix\\) networks are not derived yet"):
            compile_second(net)
