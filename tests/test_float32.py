"""dtype="float32": float32 in, float32 out for every kind and backend; gradients equal float64's within float32's
tolerance; training in float32; a bad dtype refused with one message (value_and_grad, train, check_grads, CLI)."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

import symnet
from symnet import layers, mlp, seed_network
from symnet.numeric.gradcheck import ATOL, RTOL, tolerances

RNG = np.random.default_rng(7)
NETWORKS = {
    "seed": (seed_network, lambda n: RNG.uniform(size=n)),
    "mlp": (lambda: mlp([2, 4, 1], "tanh", "sigmoid"), lambda n: RNG.uniform(size=n)),
    "softmax layers": (lambda: layers("layers:5-6-3:relu:softmax"), lambda n: RNG.integers(0, 3, n).astype(float)),
    "sigmoid layers": (lambda: layers("layers:5-4-1:tanh:sigmoid"), lambda n: RNG.integers(0, 2, n).astype(float)),
}
BACKENDS = ("numpy", "auto", "jax")


def point(fn, n=32):
    width = 2 if fn.shapes[0] == () else fn.network.sizes[0]
    theta = RNG.normal(size=sum(int(np.prod(s)) for s in fn.shapes)) * 0.7
    return theta, RNG.normal(size=(n, width))


def raw_outputs(fn, theta, X, y):
    """What the generated function itself returns on float32 data (no cast by the runner)."""
    if fn.shapes[0] == ():
        return fn.function(*X.T, y, *theta.tolist())
    return fn.function(X, fn.targets(y, len(X)), *fn.unflatten(theta))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", NETWORKS)
def test_float32_in_float32_out_and_equal_to_float64(kind, backend):
    if backend == "jax":
        pytest.importorskip("jax")
    build, targets = NETWORKS[kind]
    net = build()
    f64 = symnet.value_and_grad(net, backend=backend)
    f32 = symnet.value_and_grad(net, backend=backend, dtype="float32")
    assert f32.dtype == np.float32 and f64.dtype == np.float64
    theta, X = point(f64)
    y = targets(len(X))
    theta, X = theta.astype(np.float32), X.astype(np.float32)
    loss32, grad32 = f32(theta, X, y)
    loss64, grad64 = f64(theta.astype(float), X.astype(float), y)
    assert grad32.dtype == np.float32 and grad64.dtype == np.float64
    rtol, atol = tolerances("float32")
    np.testing.assert_allclose(grad32, grad64, rtol=rtol, atol=atol * max(1.0, abs(loss64)))
    assert abs(loss32 - loss64) <= atol * max(1.0, abs(loss64))
    if f32.shapes[0] != ():     # a layer network's forward pass runs in float32 too
        assert f32.predict(theta, X).dtype == np.float32


@pytest.mark.parametrize("kind", NETWORKS)
def test_no_intermediate_array_is_upcast(kind):
    """The generated NumPy function, fed float32 data (θ as Python floats for a scalar program), returns float32
    arrays: no float64 constant, one-hot matrix or np.eye default slipped in. The loss total is a Python float."""
    build, targets = NETWORKS[kind]
    fn = symnet.value_and_grad(build(), backend="numpy", dtype="float32")
    theta, X = point(fn, 16)
    y = targets(16)
    theta, X = theta.astype(np.float32), X.astype(np.float32)
    values = raw_outputs(fn, theta, X, fn.targets(y, 16) if fn.shapes[0] == () else y)
    arrays = [v for v in values if isinstance(v, (np.ndarray, np.generic))]   # a NumPy float64 would count
    assert len(arrays) >= len(values) - 1 and {a.dtype for a in arrays} == {np.dtype(np.float32)}


def test_auto_picks_numpy_for_float32_and_fused_refuses():
    fn = symnet.value_and_grad(seed_network(), dtype="float32")
    assert fn.backend == "numpy" and "float64" in fn.why
    with pytest.raises(ValueError, match="backend='fused' computes in float64; use backend='numpy'"):
        symnet.value_and_grad(seed_network(), backend="fused", dtype="float32")


@pytest.mark.parametrize("bad", ["float16", "double precision", None, 32, True])
def test_a_bad_dtype_is_one_clear_message(bad):
    with pytest.raises(ValueError, match="dtype must be 'float64' \\(the default\\) or 'float32'"):
        symnet.value_and_grad(seed_network(), dtype=bad)
    with pytest.raises(ValueError, match="dtype must be"):
        symnet.check_grads(seed_network(), dtype=bad)


def test_float64_spellings_are_accepted():
    for spelling in ("float64", np.float64, np.dtype("float64"), float):
        assert symnet.value_and_grad(seed_network(), backend="numpy", dtype=spelling).dtype == np.float64


def test_tolerances_follow_the_dtype():
    assert tolerances("float64") == (RTOL, ATOL)
    rtol, atol = tolerances("float32")
    ratio = np.finfo(np.float32).eps / np.finfo(np.float64).eps
    assert rtol == pytest.approx(RTOL * ratio ** 0.375) and atol == pytest.approx(ATOL * ratio ** 0.5)
    assert 1e-3 < rtol < 1e-2 and 1e-4 < atol < 1e-3


@pytest.mark.parametrize("kind", NETWORKS)
def test_check_grads_in_float32_agrees_with_float64_oracles(kind):
    report = symnet.check_grads(NETWORKS[kind][0](), dtype="float32")
    assert report.ok and report.tolerance == tolerances("float32")
    assert max(row.max_error for row in report.rows) > 0       # column (a) really is float32's: not bit-equal


def test_check_grads_in_float32_still_fails_on_a_wrong_rule():
    from sympy import tanh

    net = mlp([2, 3, 1], "tanh")
    wrong = {tanh: lambda ans, z: (1 - ans,)}              # d tanh/dz is 1 − tanh², not 1 − tanh
    report = symnet.check_grads(net, rules=wrong, dtype="float32")
    assert not report.ok


@pytest.fixture(scope="module")
def digits_float32():
    from symnet.learn.digits import digits
    from symnet.learn.training import LAYER_DEFAULTS, train

    d = digits()
    result = train(layers("64-32-10"), d.train, validation=d.test, **{**LAYER_DEFAULTS, "epochs": 8}, seed=0,
                   progress=False, dtype="float32")
    return d, result


def test_digits_trains_to_96_percent_in_float32(digits_float32):
    d, result = digits_float32
    assert result.theta.dtype == np.float32 and result.settings["dtype"] == "float32"
    assert result.accuracy(d.test) >= 0.96


def test_training_keeps_float32_through_the_optimiser():
    seen = []
    net = mlp([2, 4, 1], "tanh", "sigmoid")
    data = (RNG.normal(size=(40, 2)), RNG.integers(0, 2, 40).astype(float))
    for optimizer in ("sgd", "momentum", "adam"):
        symnet.train(net, data, optimizer=optimizer, epochs=3, batch_size=8, progress=False, dtype="float32",
                     weight_decay=0.01, callback=lambda e, theta, *_: seen.append(theta.dtype) and False)
    assert set(seen) == {np.dtype(np.float32)}
    with pytest.raises(ValueError, match="dtype must be"):
        symnet.train(net, data, epochs=1, progress=False, dtype="float8")


def test_cli_dtype_on_check_and_train(tmp_path):
    from symnet.cli import main

    runner = CliRunner()
    res = runner.invoke(main, ["check", "seed", "--dtype", "float32", "--format", "json"])
    assert res.exit_code == 0, res.output
    record = json.loads(res.output)
    assert record["ok"] and record["rtol"] == pytest.approx(tolerances("float32")[0])
    res = runner.invoke(main, ["train", "mlp:2-3-1:tanh:sigmoid", "--data", "xor", "--epochs", "3", "--quiet",
                               "--out", str(tmp_path / "run"), "--dtype", "float32", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "run" / "model.json").read_text())["settings"]["dtype"] == "float32"
    loaded = symnet.load(tmp_path / "run" / "model.json")
    assert loaded.settings["dtype"] == "float32" and np.isfinite(loaded.theta).all()
    res = runner.invoke(main, ["train", "seed", "--data", "xor", "--epochs", "3", "--quiet", "--backend", "fused",
                               "--out", str(tmp_path / "fused"), "--dtype", "float32"])
    assert res.exit_code != 0 and "computes in float64" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "fused").exists()
    res = runner.invoke(main, ["check", "seed", "--dtype", "float16"])
    assert res.exit_code == 2 and "float16" in res.output and "Traceback" not in res.output
