"""A mixed program: a layer network's matrix steps, then your own per-sample loss formula φ in yhat and y,
C = Σₖ φ(aₖᴸ, yₖ), averaged over the batch. Every verb takes it: value_and_grad (NumPy, JAX, the standalone
module), check_grads (four columns; a wrong rule inside φ′ caught), derive and the printers, train, save/load
and the CLI. The Hypothesis property: mixed gradient = lowered scalar gradient = finite differences."""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit
from sympy import cosh, lambdify, tanh

import symnet
from symnet.numeric.gradcheck import ATOL, RTOL
from tests.differences import central_differences
from tests.strategies import examples

LOG_COSH = "log(cosh(yhat - y))"
FORMULAS = {LOG_COSH: lambda a, y: np.log(np.cosh(a - y)),
            "log(1 + (yhat - y)**2)": lambda a, y: np.log1p((a - y) ** 2),
            "0.5*(y - yhat)**2": lambda a, y: 0.5 * (y - a) ** 2,
            "yhat**2*y - sin(yhat)": lambda a, y: a**2 * y - np.sin(a)}
WRONG_COSH = {cosh: lambda ans, z: (-ans,)}        # cosh′ = sinh, not −cosh
WRONG_TANH = {tanh: lambda ans, z: (1 + ans**2,)}  # tanh′ = 1 − tanh², sign flipped
RIGHT_TANH = {tanh: lambda ans, z: (1 - ans**2,)}


def mixed(sizes="2-3-2", activation="tanh", output="identity", formula=LOG_COSH):
    return symnet.loss(symnet.layers(sizes, activation=activation, output=output), formula)


def point(net_sizes=(2, 3, 2), n=6, seed=0):
    rng = np.random.default_rng(seed)
    size = sum(b * (a + 1) for a, b in zip(net_sizes, net_sizes[1:]))
    return rng.normal(size=size), rng.normal(size=(n, net_sizes[0])), rng.normal(size=(n, net_sizes[-1]))


def forward(theta, X):
    """The 2-3-2 tanh/identity network in hand NumPy."""
    W1, b1, W2, b2 = theta[:6].reshape(3, 2), theta[6:9], theta[9:15].reshape(2, 3), theta[15:17]
    return np.tanh(X @ W1.T + b1) @ W2.T + b2


@pytest.mark.parametrize("formula", list(FORMULAS))
def test_the_value_is_the_batch_mean_of_the_per_sample_sum(formula):
    """Per sample, then the mean: (1/N) Σₙ Σₖ φ(aₙₖ, yₙₖ) — not φ of a batch sum."""
    theta, X, y = point()
    value, gradient = symnet.value_and_grad(mixed(formula=formula), backend="numpy")(theta, X, y)
    expected = np.mean(np.sum(FORMULAS[formula](forward(theta, X), y), axis=1))
    assert value == pytest.approx(expected, rel=1e-12)
    finite = central_differences(lambda t: np.mean(np.sum(FORMULAS[formula](forward(t, X), y), axis=1)), theta)
    np.testing.assert_allclose(gradient, finite, rtol=1e-6, atol=1e-8)


def test_jax_and_the_standalone_module_agree_with_numpy():
    theta, X, y = point(seed=3)
    fn = symnet.value_and_grad(mixed(), backend="numpy")
    value, gradient = fn(theta, X, y)
    assert "C = ell(z2, y).sum()" in fn.source and "delta_z2 = d_ell(z2, y)" in fn.source
    jax_value, jax_gradient = symnet.value_and_grad(mixed(), backend="jax")(theta, X, y)
    assert float(jax_value) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(np.asarray(jax_gradient), gradient, rtol=1e-10, atol=1e-14)
    namespace: dict = {}
    exec(compile(fn.module, "<module>", "exec"), namespace)   # noqa: S102 (our own generated module)
    written = namespace["value_and_grad"](theta, X, y)
    assert written[0] == pytest.approx(value, rel=1e-12) and np.allclose(written[1], gradient, rtol=1e-12)


def test_predict_and_unflatten_read_the_layers():
    theta, X, _ = point(seed=4)
    fn = symnet.value_and_grad(mixed())
    assert [a.shape for a in fn.unflatten(theta)] == [(3, 2), (3,), (2, 3), (2,)]
    np.testing.assert_allclose(fn.predict(theta, X), forward(theta, X), rtol=1e-12, atol=1e-14)


def test_loss_from_expr_takes_a_layer_network_too():
    from sympy import Symbol, log, cosh as cosh_

    net = symnet.layers("2-3-2", activation="tanh", output="identity")
    loss = symnet.Loss.from_expr(net, log(cosh_(Symbol("yhat") - Symbol("y"))))
    assert loss.program == mixed().program and loss.name == mixed().name


def test_check_grads_has_four_agreeing_columns():
    report = symnet.check_grads(mixed(), seed=2)
    assert report.ok and len(report.rows) == 17
    assert {"lowered", "finite_diff"} <= set(report.methods), report.methods


def test_your_rule_reaches_the_loss_derivative_and_the_layers():
    theta, X, y = point(seed=1)
    plain = symnet.value_and_grad(mixed())(theta, X, y)[1]
    wrong = symnet.value_and_grad(mixed(), rules=WRONG_COSH)
    assert "d_ell_rule(z2, y)" in wrong.source and np.abs(wrong(theta, X, y)[1] - plain).max() > 1e-3
    assert not symnet.check_grads(mixed(), rules=WRONG_COSH, seed=1).ok
    assert not symnet.check_grads(mixed(), rules=WRONG_TANH, seed=1).ok
    assert symnet.check_grads(mixed(), rules=RIGHT_TANH, seed=1).ok
    assert "d_ell_rule" not in symnet.value_and_grad(mixed(), rules=RIGHT_TANH).source


def test_derive_and_the_printers_show_the_formula_and_bp1():
    loss = mixed(output="tanh")
    assert str(loss).endswith("C = sum(log(cosh(a2 - y)))")
    gradient = symnet.grad(loss)
    assert "delta_z2 = ell'(a2, y) * tanh'(z2)" in str(gradient)
    assert r"\ell'\left(a^{2}, y\right)" in symnet.latex(gradient)
    assert r"\sum_k \log{\left(\cosh{\left(a^{2}_k - y_k \right)} \right)}" in symnet.latex(loss)
    text = str(symnet.derive(loss))
    assert "C = Σₖ log(cosh(a² - y))" in text and "δ² = ℓ′(a², y) ⊙ tanh′(z²)" in text


def test_a_loss_formula_is_refused_with_one_message():
    net = symnet.layers("2-3-2", activation="tanh", output="softmax")
    with pytest.raises(ValueError, match="softmax output goes with softmax_cross_entropy"):
        symnet.loss(net, LOG_COSH)
    with pytest.raises(ValueError, match="zz is neither"):
        mixed(formula="yhat + zz")
    with pytest.raises(ValueError, match="does not depend on yhat"):
        mixed(formula="y**2")


def test_train_save_and_load(tmp_path):
    loss = mixed("2-4-1")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = np.sin(X[:, 0]) + 0.25 * X[:, 1] ** 2
    result = symnet.train(loss, (X, y), epochs=60, progress=False)
    assert result.history.train_loss[-1] < 0.5 * result.history.train_loss[0]
    path = symnet.save(tmp_path / "model.json", result)
    assert json.loads(path.read_text(encoding="utf-8"))["loss"] == "log(cosh(y - yhat))"
    back = symnet.load(path)
    assert back.loss.name == result.loss.name and np.array_equal(back.theta, result.theta)
    fn = symnet.value_and_grad(back.loss)
    assert fn(back.theta, X, y)[0] == pytest.approx(symnet.value_and_grad(loss)(result.theta, X, y)[0], rel=1e-12)


def test_the_cli_trains_a_layer_network_on_your_loss(tmp_path):
    from click.testing import CliRunner

    from symnet.cli import main

    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    rows = "\n".join(f"{a},{b},{np.sin(a) + b / 4}" for a, b in X)
    (tmp_path / "d.csv").write_text("x1,x2,y\n" + rows + "\n", encoding="utf-8")
    args = ["train", "layers:2-4-1:tanh:identity", "--loss", LOG_COSH, "--data", str(tmp_path / "d.csv"),
            "--target", "y", "--epochs", "5", "--out", str(tmp_path / "run"), "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    bad = CliRunner().invoke(main, args[:3] + ["yhat + zz"] + args[4:-2] + [str(tmp_path / "bad")])
    assert bad.exit_code != 0 and "zz is neither" in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "bad").exists()
    doc = json.loads((tmp_path / "run" / "model.json").read_text(encoding="utf-8"))
    assert doc["loss"] == "log(cosh(y - yhat))" and doc["network"] == "layers:2-4-1:tanh:identity"


# ---- the property: mixed gradient = lowered scalar gradient = finite differences ---------------------------

@lru_cache(maxsize=None)
def compiled(sizes, activation, output, formula):
    loss = mixed("-".join(map(str, sizes)), activation, output, formula)
    program = symnet.grad(symnet.lower(loss)).program       # the scalar engine's gradient of the lowered program
    scalar = lambdify(program.inputs + program.params, list(program.outputs),
                      cse=lambda exprs: (list(program.assignments), exprs), modules=[{"sigmoid": expit}, "numpy"])
    return symnet.value_and_grad(loss, backend="numpy"), scalar


@settings(max_examples=examples(30))
@given(sizes=st.lists(st.integers(1, 3), min_size=2, max_size=3).map(tuple),
       activation=st.sampled_from(("tanh", "sigmoid", "z*sigmoid(z)")), output=st.sampled_from(("identity", "tanh")),
       formula=st.sampled_from(tuple(FORMULAS)), seed=st.integers(0, 2**16), n=st.integers(1, 4))
def test_mixed_gradient_equals_the_lowered_scalar_gradient_and_finite_differences(sizes, activation, output,
                                                                                  formula, seed, n):
    fn, scalar = compiled(sizes, activation, output, formula)
    theta, X, y = point(sizes, n, seed)
    value, gradient = fn(theta, X, y)
    means = [np.mean(np.broadcast_to(v, (n,))) for v in scalar(*X.T, *y.T, *theta)]
    scalar_value, scalar_gradient = means[0], np.array(means[1:])
    finite = central_differences(lambda t: fn(t, X, y)[0], theta)
    tolerance = ATOL * max(1.0, abs(value))
    assert value == pytest.approx(scalar_value, rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(gradient, scalar_gradient, rtol=RTOL, atol=tolerance)
    np.testing.assert_allclose(gradient, finite, rtol=RTOL, atol=tolerance)
