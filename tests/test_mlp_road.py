"""The matrix road (issue 23 item 2): a scalar MLP recognised as a dense stack (``core.dense``) runs through its
layer twin's matrix code, equal to the scalar code to 1e-12, in the scalar network's own parameter order, with
everything printed (source, gradient program, derivation) the scalar one; ``fn.backend``/``fn.why`` say so."""

import numpy as np
import pytest
from hypothesis import given, settings
from sympy import Symbol

import symnet
from symnet import NeuronModel, f, from_neurons, mlp, seed_network, squared_error, value_and_grad
from symnet.core.dense import dense_stack
from symnet.core.lowering import flat_params
from symnet.numeric.mlp_road import MIN_LAYER_WEIGHTS, matrix_road, prefer_matrix
from tests.strategies import examples, mlp_shapes


def point(fn, n, seed=0, inputs=None):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=len(fn.params))
    return theta, rng.normal(size=(n, inputs or len(fn.inputs))), rng.uniform(size=n)


def assert_same(a, b):
    """Loss and gradient equal to 1e-12 (relative to the larger of 1 and the numbers compared)."""
    (va, ga), (vb, gb) = a, b
    scale = max(1.0, abs(va), float(np.max(np.abs(ga), initial=0.0)))
    assert abs(va - vb) <= 1e-12 * scale
    np.testing.assert_allclose(ga, gb, rtol=1e-12, atol=1e-12 * scale)


@settings(max_examples=examples(40))
@given(mlp_shapes())
def test_the_matrix_road_equals_the_scalar_code_to_1e_12(shape):
    (sizes, activation, output, loss), seed = shape
    target = symnet.loss(mlp(sizes, activation, output), loss)
    matrix, scalar = value_and_grad(target, backend="matrix"), value_and_grad(target, backend="numpy")
    assert matrix.backend == "matrix" and matrix.params == scalar.params
    theta, X, y = point(scalar, 13, seed)
    with np.errstate(all="ignore"):
        assert_same(matrix(theta, X, y), scalar(theta, X, y))
        np.testing.assert_allclose(matrix.predict(theta, X), scalar.predict(theta, X), rtol=1e-12, atol=1e-12)
        assert matrix.value(theta, X, y) == pytest.approx(scalar.value(theta, X, y), rel=1e-12, abs=1e-12)


def test_what_is_printed_stays_the_scalar_network():
    loss = squared_error(mlp([2, 3, 2, 1], "tanh", "sigmoid"))
    matrix, scalar = value_and_grad(loss, backend="matrix"), value_and_grad(loss, backend="numpy")
    assert matrix.source == scalar.source and "@" not in matrix.source       # one line per neuron, as derived
    assert str(matrix.gradient.program) == str(scalar.gradient.program)
    assert "w3_1" in str(symnet.derive(loss, wrt="w3_1")) and "W" not in str(matrix.params)
    theta, X, y = point(scalar, 5)
    assert matrix.unflatten(theta) == scalar.unflatten(theta)                  # θ by the scalar names
    namespace: dict = {}
    exec(matrix.module, namespace)                                            # noqa: S102 (symnet's own module)
    assert_same(namespace["value_and_grad"](theta, X, y), scalar(theta, X, y))
    rows, grads = matrix(theta, X, y, per_sample=True)                        # rows: the scalar code's
    assert grads.shape == (5, len(scalar.params)) and rows.mean() == pytest.approx(scalar(theta, X, y)[0])


def test_the_parameter_order_puts_each_weight_where_the_twin_reads_it():
    stack, why = dense_stack(mlp([2, 3, 1]))
    assert why == "" and stack.sizes == (2, 3, 1)
    names = [str(stack.network.params[k]) for k in stack.param_order()]
    twin = [str(p) for p in flat_params(stack.twin().program)]
    assert names == ["w1_1", "w1_2", "w2_1", "w2_2", "w3_1", "w3_2", "b1", "b2", "b3", "w4_1", "w4_2", "w4_3", "b4"]
    assert twin[:3] == ["W1_1_1", "W1_1_2", "W1_2_1"] and twin[6:9] == ["b1_1", "b1_2", "b1_3"]
    assert sorted(stack.param_order()) == list(range(13))


@pytest.mark.parametrize("network, reason", [
    (seed_network, "do not read the same inputs"),
    (lambda: from_neurons(f(Symbol("θ3"), f(Symbol("θ1"), Symbol("x1")), f(Symbol("θ2"), Symbol("x1"))),
                  model=NeuronModel("tanh", "scalar")), "scalar parameterization"),
    (lambda: from_neurons(mlp([2, 2, 1]).nested, model=NeuronModel("tanh"),
                          overrides={Symbol("θ1"): NeuronModel("relu")}), "different activations"),
    (lambda: mlp([2, 2, 1], "tanh", lambda z: z / 2), "is a formula"),
    (lambda: from_neurons(f(Symbol("θ1"), Symbol("x2"), Symbol("x1")), inputs=[Symbol("x1"), Symbol("x2")]),
     "inputs in order"),
])
def test_a_network_that_is_not_a_dense_stack_is_refused_by_name(network, reason):
    net = network()
    assert dense_stack(net)[0] is None and reason in dense_stack(net)[1]
    with pytest.raises(ValueError, match=f"backend='matrix' runs a scalar network .*{reason}"):
        value_and_grad(net, backend="matrix")
    assert value_and_grad(net).backend in ("fused", "numpy")                # auto keeps the scalar roads


def test_rules_or_numpy_keep_the_scalar_code():
    from sympy import tanh

    rules = {tanh: lambda ans, z: (1 - ans**2,)}
    with pytest.raises(ValueError, match="rules= and numpy="):
        value_and_grad(mlp([2, 2, 1], "tanh"), rules=rules, backend="matrix")
    wide = squared_error(mlp([64, 64, 1], "tanh"))                           # auto keeps the scalar code
    assert matrix_road(wide, None, "auto", np.float64, None, None, rules=rules) is None


def test_auto_takes_the_matrix_road_from_the_measured_layer_size_and_says_why():
    wide, narrow = dense_stack(mlp([2, 32, 32, 1]))[0], dense_stack(mlp([2, 16, 16, 1]))[0]
    assert prefer_matrix(wide, np.float64)[0] and not prefer_matrix(narrow, np.float64)[0]
    assert 16 * 16 < MIN_LAYER_WEIGHTS <= 32 * 32           # the fused compile passes a few seconds (measured)
    long = dense_stack(mlp([4, 64, 1]))[0]                  # narrow layers, a long program: 581 steps
    assert prefer_matrix(long, np.float64, 581)[0] and "581 steps" in prefer_matrix(long, np.float64, 581)[1]
    assert not prefer_matrix(long, np.float64, 437)[0]
    assert value_and_grad(mlp([4, 64, 1])).backend == "matrix"
    fn = value_and_grad(mlp([32, 16, 1], "tanh"))
    assert fn.backend == "matrix" and "512 weights" in fn.why and "LLVM" in fn.why
    small = mlp([2, 8, 1], "tanh")
    assert value_and_grad(small).backend == "fused"
    asked = value_and_grad(small, backend="matrix")
    assert asked.backend == "matrix" and asked.why == "backend='matrix' asked for"
    theta, X, y = point(fn, 2)
    h, k = 1e-6, 123                                        # one entry by central differences: the order is right
    up, down = theta.copy(), theta.copy()
    up[k] += h
    down[k] -= h
    assert fn(theta, X, y)[1][k] == pytest.approx((fn.value(up, X, y) - fn.value(down, X, y)) / (2 * h), rel=1e-5,
                                                  abs=1e-8)


def test_float32_runs_the_twin_in_float32():
    net = mlp([2, 4, 1], "tanh", "sigmoid")
    fn = value_and_grad(net, dtype="float32")
    assert fn.backend == "matrix" and "float32" in fn.why
    theta, X, y = point(fn, 16)
    value, g = fn(theta.astype(np.float32), X.astype(np.float32), y)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, value_and_grad(net, backend="numpy")(theta, X, y)[1], rtol=1e-4, atol=1e-5)


def test_training_through_the_matrix_road_follows_the_scalar_code():
    from symnet.learn.data import make

    net, data = mlp([2, 4, 1], "tanh", "sigmoid"), make("xor")
    runs = {backend: symnet.train(net, data, epochs=40, seed=3, progress=False, backend=backend)
            for backend in ("matrix", "numpy")}
    assert runs["matrix"].settings.get("backend") == "matrix"
    np.testing.assert_allclose(runs["matrix"].theta, runs["numpy"].theta, rtol=1e-9, atol=1e-11)
    assert runs["matrix"].history.train_loss[-1] < runs["matrix"].history.train_loss[0]


def test_a_large_batch_runs_in_blocks_equal_to_the_scalar_code():
    from symnet.numeric.mlp_road import BLOCK

    loss = squared_error(mlp([3, 5, 2, 1], "softplus"))
    matrix, scalar = value_and_grad(loss, backend="matrix"), value_and_grad(loss, backend="numpy")
    theta, X, y = point(scalar, 2 * BLOCK + 123)                      # two whole blocks and a part
    assert_same(matrix(theta, X, y), scalar(theta, X, y))


def test_symnet_train_takes_backend_matrix_and_records_it(tmp_path):
    import json

    from click.testing import CliRunner

    from symnet.cli import main

    res = CliRunner().invoke(main, ["train", "mlp:2-3-1:tanh:sigmoid", "--data", "xor", "--epochs", "3", "--quiet",
                                    "--backend", "matrix", "--out", str(tmp_path / "run"), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "run" / "model.json").read_text())["settings"]["backend"] == "matrix"
    res = CliRunner().invoke(main, ["train", "seed", "--data", "xor", "--epochs", "1", "--quiet", "--backend",
                                    "matrix", "--out", str(tmp_path / "seed")])
    assert res.exit_code != 0 and "backend='matrix' runs a scalar network" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "seed" / "model.json").exists()


def test_the_twin_loss_follows_the_formula_not_its_name():
    from sympy import Rational

    from symnet.core.dense import twin_loss
    from symnet.core.losses import Loss, binary_cross_entropy

    net = mlp([2, 2, 1])
    y, yhat = Symbol("y"), Symbol("yhat")
    half = Loss.from_expr(net, Rational(1, 2) * (y - yhat) ** 2, name="squared_error")   # a name that is not it
    twin = dense_stack(net)[0].twin()
    assert twin_loss(half, twin).name == str(half.display.xreplace({half.target: y}))
    assert twin_loss(squared_error(net), twin).name == "squared_error"
    assert twin_loss(binary_cross_entropy(net), twin).name == "binary_cross_entropy"      # the stable step
    theta, X, target = point(value_and_grad(half, backend="numpy"), 6)
    assert_same(value_and_grad(half, backend="matrix")(theta, X, target),
                value_and_grad(half, backend="numpy")(theta, X, target))
