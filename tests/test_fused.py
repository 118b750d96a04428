"""The fused backend: the program as one LLVM-compiled loop over the batch (four samples per step where
glibc's libmvec is there), equal to NumPy; a clear fallback where it cannot compile."""

import dataclasses

import numpy as np
import pytest
from sympy import (Abs, Heaviside, Max, Min, Rational, Symbol, atan, cos, erf, exp, gamma, log, pi, polygamma,
                   sign, sin, sinh, sqrt, tanh)

from symnet import from_expr, mlp, squared_error, value_and_grad
from sympy.codegen.numpy_nodes import logaddexp

from symnet.core.activations import ACTIVATIONS, relu, sigmoid, softplus
from symnet.core.backprop import grad
from symnet.numeric import fused


def assert_same(numpy_fn, fused_fn, theta, X, y):
    (a, ga), (b, gb) = numpy_fn(theta, X, y), fused_fn(theta, X, y)
    assert abs(a - b) <= 1e-12 * max(1.0, abs(a))
    np.testing.assert_allclose(gb, ga, rtol=1e-12, atol=1e-12)


def test_fused_equals_numpy_with_relu_softplus_and_a_max():
    w, b, x = (Symbol(n) for n in "wbx")
    net = from_expr(relu(w * x + b) + softplus(w - x) + sigmoid(1000 * (x - b)) + Max(w * x, b), inputs=[x])
    loss = squared_error(net)
    numpy_fn, fused_fn = value_and_grad(loss, backend="numpy"), value_and_grad(loss, backend="fused")
    assert fused_fn.backend == "fused"
    rng = np.random.default_rng(5)
    theta, X, y = rng.normal(size=2), np.linspace(-5, 5, 41)[:, None], rng.uniform(size=41)
    assert_same(numpy_fn, fused_fn, theta, X, y)
    _, grads = fused_fn(theta, X, y, per_sample=True)   # rows come from the NumPy code
    np.testing.assert_allclose(grads.mean(axis=0), fused_fn(theta, X, y)[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [1, 3, 4, 5, 8, 1027])
def test_every_batch_size_goes_through_the_vector_loop_and_the_rest(n):
    # four samples per step, the remaining n mod 4 one at a time: every split adds up to NumPy's mean
    loss = squared_error(mlp([2, 3, 1]))
    numpy_fn, fused_fn = value_and_grad(loss, backend="numpy"), value_and_grad(loss, backend="fused")
    rng = np.random.default_rng(n)
    assert_same(numpy_fn, fused_fn, rng.normal(size=len(numpy_fn.params)), rng.normal(size=(n, 2)), rng.uniform(size=n))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_activation_of_the_table_runs_fused_like_numpy(activation):
    loss = squared_error(mlp([2, 3, 1], activation=activation))
    numpy_fn, fused_fn = value_and_grad(loss, backend="numpy"), value_and_grad(loss, backend="fused")
    assert fused_fn.backend == "fused"
    rng = np.random.default_rng(7)
    theta, X = rng.normal(size=len(numpy_fn.params)), 3 * rng.normal(size=(11, 2))
    assert_same(numpy_fn, fused_fn, theta, X, rng.uniform(size=11))


def test_logaddexp_is_stable_and_exact_in_machine_code():
    w, x = Symbol("w"), Symbol("x")
    loss = squared_error(from_expr(logaddexp(w * x, -w * x) - logaddexp(0, 30 * w * x), inputs=[x]))
    numpy_fn, fused_fn = value_and_grad(loss, backend="numpy"), value_and_grad(loss, backend="fused")
    assert fused_fn.backend == "fused"
    X = np.array([[-3.0], [-1.0], [0.0], [0.5], [2.0]])
    assert_same(numpy_fn, fused_fn, np.array([0.6]), X, np.zeros(5))


def test_every_function_it_knows_equals_numpy():
    w, b, x = (Symbol(n) for n in "wbx")
    z = w * x + b
    formula = (tanh(z) + atan(z) + sinh(z / 4) + sin(z) * cos(w) + erf(z) + exp(-z**2) + log(1 + z**2)
               + Abs(z) * sign(x) + Heaviside(x) * z + Min(z, x) + Max(z, 0, w) + sqrt(1 + z**2) + z**3
               + (2 + z**2)**Rational(-1, 2) + (1 + w**2)**Rational(5, 2) + z**-2 + pi * z)
    rules = {erf: lambda ans, u: (2 / sqrt(pi) * exp(-u**2),)}
    loss = squared_error(from_expr(formula, inputs=[x], rules=rules))
    numpy_fn, fused_fn = value_and_grad(loss, rules=rules), value_and_grad(loss, rules=rules, backend="fused")
    assert fused_fn.backend == "fused"
    X = np.array([[-2.0], [-0.5], [0.25], [0.0], [1.5], [3.0], [0.75]])   # x = 0: H(0) = ½, sign(0) = 0
    assert_same(numpy_fn, fused_fn, np.array([0.7, -0.3]), X, np.linspace(0, 1, 7))


def test_without_a_vector_library_the_scalar_loop_does_it_all(monkeypatch):
    real = fused._llvm()
    if isinstance(real, str):
        pytest.skip(f"no fused backend here: {real}")
    monkeypatch.setattr(fused, "_llvm", lambda: dataclasses.replace(real, vector=frozenset()))
    program = grad(squared_error(mlp([2, 4, 1]))).program
    text = fused.program_ir(program)
    assert "<4 x double>" not in text and "_ZGV" not in text
    run, _ = fused.fused_loss(program)
    numpy_fn = value_and_grad(squared_error(mlp([2, 4, 1])), backend="numpy")
    rng = np.random.default_rng(3)
    theta, X, y = rng.normal(size=17), rng.normal(size=(9, 2)), rng.uniform(size=9)
    value, g = run(X.T, y, theta)
    expected_value, expected_g = numpy_fn(theta, X, y)
    assert value == pytest.approx(expected_value, rel=1e-12)
    np.testing.assert_allclose(g, expected_g, rtol=1e-12, atol=1e-12)


def test_the_vector_loop_calls_libmvec_where_it_is_there():
    real = fused._llvm()
    if isinstance(real, str) or not real.vector:
        pytest.skip("no llvmlite, or no AVX2 glibc libmvec on this machine: the scalar loop runs alone")
    text = fused.program_ir(grad(squared_error(mlp([2, 2, 1]))).program)
    assert '@"_ZGVdN4v_exp"(<4 x double>' in text          # σ on four samples at once


def test_fused_runs_an_mlp_like_numpy_and_accepts_columns_from_a_training_loop():
    loss = squared_error(mlp([2, 3, 1]))
    numpy_fn, fused_fn = value_and_grad(loss, backend="numpy"), value_and_grad(loss, backend="fused")
    rng = np.random.default_rng(2)
    theta, X, y = rng.normal(size=len(numpy_fn.params)), rng.normal(size=(33, 2)), rng.uniform(size=33)
    np.testing.assert_allclose(fused_fn.evaluate_columns(tuple(X.T), y, theta)[1], numpy_fn(theta, X, y)[1],
                               rtol=1e-12, atol=1e-12)


def test_a_function_it_has_no_machine_form_for_falls_back_to_numpy_with_the_reason():
    rules = {gamma: lambda ans, u: (ans * polygamma(0, u),)}
    w, x = Symbol("w"), Symbol("x")
    loss = squared_error(from_expr(gamma(w * x), inputs=[x], rules=rules))
    with pytest.warns(UserWarning, match=r"backend='fused' is not available for this loss: the fused backend "
                                         r"has no machine form for gamma"):
        fn = value_and_grad(loss, rules=rules, backend="fused")
    assert fn.backend == "numpy"
    assert fn(np.array([0.5]), np.array([[1.0]]), np.array([0.0]))[0] == pytest.approx(np.pi, rel=1e-9)  # Γ(½)² = π


def test_a_loss_without_inputs_runs_fused_from_an_array_or_no_columns():
    w = Symbol("w")
    fn = value_and_grad(squared_error(from_expr(w**2, inputs=[])), backend="fused")
    assert fn.backend == "fused"
    expected = ((0.0 - 0.25) ** 2, [2 * (0.25 - 0.0) * 2 * 0.5])    # L = (y − w²)², y = 0, w = ½
    for value, g in (fn(np.array([0.5]), np.zeros((3, 0)), np.zeros(3)),
                     fn.evaluate_columns((), np.zeros(3), np.array([0.5]))):
        assert value == pytest.approx(expected[0]) and g == pytest.approx(expected[1])


@pytest.mark.parametrize("change", ["short y", "long theta", "short theta", "X not X.T", "one column", "2-D y"])
def test_the_machine_code_is_never_handed_arrays_of_the_wrong_shape(change):
    # evaluate_columns skips the public call's batch check (a training loop's entry): the fused run checks
    # the shapes the loop will read by pointer, and refuses like the NumPy backend instead of reading past
    fn = value_and_grad(squared_error(mlp([2, 3, 1])), backend="fused")
    rng = np.random.default_rng(4)
    theta, X, y = rng.normal(size=13), rng.normal(size=(10, 2)), rng.uniform(size=10)
    columns = {"X not X.T": X, "one column": X.T[:1]}.get(change, X.T)
    theta = {"long theta": np.append(theta, 1.0), "short theta": theta[:3]}.get(change, theta)
    y = {"short y": y[:6], "2-D y": y[:, None]}.get(change, y)
    with pytest.raises(ValueError, match="the fused loss takes 2 columns of N ≥ 1 samples, N targets and 13"):
        fn.evaluate_columns(columns, y, theta)


@pytest.mark.parametrize("sign", [1, -1])
def test_logaddexp_of_equal_infinities_is_that_infinity_as_in_numpy(sign):
    # e^1000 overflows to inf; NumPy's logaddexp(±inf, ±inf) is ±inf, so the loss is inf, not NaN
    w, x = Symbol("w"), Symbol("x")
    loss = squared_error(from_expr(logaddexp(sign * w * exp(x), sign * w * exp(x)), inputs=[x]))
    run, _ = fused.fused_loss(grad(loss).program)
    with np.errstate(all="ignore"):
        expected, _ = value_and_grad(loss, backend="numpy")(np.array([1.0]), np.array([[1000.0]]), np.zeros(1))
    value, _ = run(np.array([[1000.0]]), np.zeros(1), np.array([1.0]))
    assert expected == np.inf and value == np.inf
    finite, _ = run(np.array([[0.0]]), np.zeros(1), np.array([1.0]))       # a = b = ±1: ±1 + log 2
    assert finite == pytest.approx((sign + np.log(2)) ** 2, rel=1e-14)


def test_without_a_c_math_library_the_fused_backend_falls_back_with_the_reason(monkeypatch):
    monkeypatch.setattr(fused, "_llvm", lambda: "the C math library it calls was not found (test)")
    with pytest.warns(UserWarning, match="the C math library it calls was not found"):
        fn = value_and_grad(squared_error(mlp([1, 1])), backend="fused")
    assert fn.backend == "numpy"


def test_functions_given_per_call_are_refused_by_the_fused_backend_with_the_reason():
    program = grad(squared_error(mlp([1, 1]))).program
    run, why = fused.fused_loss(program, numpy={"f": np.sin})
    assert run is None and "Python functions" in why


# --- the output buffer: one double per output of the program, under a memory checker -------------------------
# Every output shape the fused backend produces. The machine code is called with its ``out`` ending exactly
# at a PROT_NONE guard page, so a store past the last output is a SIGSEGV, not silent heap corruption; and
# ``run`` (which allocates ``out`` itself) runs under glibc's malloc checker (libc_malloc_debug with
# MALLOC_CHECK_=3, where installed) and PYTHONMALLOC=debug. The control case writes one double too few.
GUARDED = r'''
import ctypes, json, mmap, sys
import numpy as np
from sympy import Symbol, sin
from symnet import from_expr, mlp, squared_error, value_and_grad
from symnet.core.backprop import grad
from symnet.numeric import fused
from symnet.numeric.codegen import to_function

x, w = Symbol("x"), Symbol("w")
wide = squared_error(mlp([2, 40, 1]))               # 161 parameters: `out` is > 1 KiB, freed through malloc
PROGRAMS = {
    "loss and gradient": grad(squared_error(mlp([2, 3, 1]))).program,
    "loss without params": grad(squared_error(from_expr(sin(x), inputs=[x]))).program,
    "one param": grad(squared_error(from_expr(sin(w * x), inputs=[x]))).program,
    "many params": grad(wide).program,
    "by inputs and params": grad(wide, wrt=list(wide.network.inputs) + list(wide.network.params)).program,
    "loss alone, params kept": squared_error(mlp([2, 3, 1])).program,
}
libc = ctypes.CDLL(None, use_errno=True)
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
page = mmap.PAGESIZE
region = mmap.mmap(-1, 2 * page)
base = ctypes.addressof(ctypes.c_char.from_buffer(region))
assert libc.mprotect(base + page, page, 0) == 0        # PROT_NONE: the page after `out` cannot be touched
short = int(sys.argv[1])                               # 1: the control, one double too few

report = {}
for name, program in PROGRAMS.items():
    m, d = len(program.outputs), len(program.inputs) - 1
    rng = np.random.default_rng(m)
    columns, y, theta = rng.normal(size=(d, 5)), rng.uniform(size=5), rng.normal(size=len(program.params))
    engine, address = fused.compile_ir(fused.program_ir(program))
    out = base + page - 8 * (m - short)                # the last output's double ends at the guard page
    fused.SIGNATURE(address)(columns.ctypes.data, y.ctypes.data, theta.ctypes.data, 5, out)
    raw = np.array((ctypes.c_double * (m - short)).from_address(out))
    run, _ = fused.fused_loss(program)
    value, rest = run(columns, y, theta)
    args = program.inputs + program.params
    expected = [np.mean(np.broadcast_to(v, (5,))) for v in to_function(program, args)(*columns, y, *theta)]
    report[name] = {"outputs": m, "params": len(program.params), "rest": len(rest),
                    "raw": bool(np.allclose(raw, expected, rtol=1e-12, atol=1e-12)),
                    "run": bool(np.allclose([value, *rest], expected, rtol=1e-12, atol=1e-12))}
fn = value_and_grad(squared_error(mlp([2, 3, 1])), backend="fused")   # the public call, means and rows
X, y, theta = np.random.default_rng(1).normal(size=(7, 2)), np.zeros(7), np.full(13, 0.3)
(value, g), (losses, rows) = fn(theta, X, y), fn(theta, X, y, per_sample=True)
report["per-sample rows"] = {"outputs": 14, "params": 13, "rest": len(g), "raw": rows.shape == (7, 13),
                             "run": bool(np.allclose(rows.mean(axis=0), g, rtol=1e-12, atol=1e-12)
                                         and np.isclose(losses.mean(), value, rtol=1e-12))}
print(json.dumps(report))
'''


def run_guarded(short: int):
    import os
    import pathlib
    import subprocess
    import sys

    if isinstance(fused._llvm(), str):
        pytest.skip(f"no fused backend here: {fused._llvm()}")
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(__file__).resolve().parents[1]), "PYTHONMALLOC": "debug",
           "MALLOC_CHECK_": "3"}
    checker = next((p for p in ("/lib/x86_64-linux-gnu/libc_malloc_debug.so.0", "/usr/lib64/libc_malloc_debug.so.0",
                                "/lib/aarch64-linux-gnu/libc_malloc_debug.so.0") if os.path.exists(p)), None)
    if checker:                                  # glibc ≥ 2.34 checks MALLOC_CHECK_ only with this library loaded
        env["LD_PRELOAD"] = checker
    return subprocess.run([sys.executable, "-c", GUARDED, str(short)], env=env, capture_output=True, text=True,
                          timeout=600)


def test_every_output_shape_fits_its_buffer_exactly_under_a_memory_checker():
    import json

    done = run_guarded(short=0)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["by inputs and params"]["outputs"] > report["by inputs and params"]["params"] + 1   # the old bug
    assert report["loss alone, params kept"]["outputs"] == 1 < report["loss alone, params kept"]["params"]
    assert len(report) == 7
    for name, row in report.items():
        assert row["raw"] and row["run"], name
        assert row["rest"] == row["outputs"] - 1, name


def test_the_guard_page_catches_a_store_past_the_buffer():
    # the control: with a buffer one double short, the machine code's last store hits the guard page
    done = run_guarded(short=1)
    assert done.returncode == -11, (done.returncode, done.stderr[-2000:])     # SIGSEGV
