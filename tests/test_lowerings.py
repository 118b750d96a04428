"""The lowering registry (symnet.numeric.lowerings): one form per primitive per backend, and every backend
agreeing with NumPy; a new primitive is one ``register`` per backend; the numeric layer's layout."""

from __future__ import annotations

import inspect
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from sympy import Function, MatrixSymbol, Symbol
from sympy.matrices.expressions import MatrixExpr

import symnet.numeric
from symnet.core.activations import relu, sigmoid, softplus
from symnet.core.layers import layers
from symnet.core.program import Program
from symnet.numeric.batchfirst import BatchFirst
from symnet.numeric.bindings import compile_steps
from symnet.numeric.codegen import value_and_grad
from symnet.numeric.jscode import JS_PRELUDE
from symnet.numeric.lowerings import JsFunction, lowering, lowerings, register
from symnet.numeric.printer import HELPERS, NumPyCodePrinter

Z = np.array([-800.0, -30.0, -1.5, -0.0, 0.0, 1e-300, 2.5, 40.0, 800.0])
ROWS = np.array([[1000.0, -1000.0, 3.0], [0.5, 0.25, -2.0]])
ELEMENTWISE = ("sigmoid", "tanh", "relu", "softplus", "Heaviside")


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_numpy_lowerings_are_finite_and_right_far_out(name):
    value = lowering(name, "numpy")(Z)
    assert np.isfinite(value).all()
    exact = {"sigmoid": 1 / (1 + np.exp(-np.clip(Z, -700, 700))), "tanh": np.tanh(Z), "relu": np.maximum(Z, 0),
             "softplus": np.where(Z > 30, Z, np.log1p(np.exp(np.minimum(Z, 30)))), "Heaviside": np.heaviside(Z, 0.5)}
    np.testing.assert_allclose(value, exact[name], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax", "softmax_cross_entropy", "sigmoid_cross_entropy",
                                  "squared_error"])
def test_jax_lowerings_equal_numpy_to_1e_12(name):
    pytest.importorskip("jax")
    from symnet.numeric.jaxgen import _jax, float64

    jax = _jax()
    args = (ROWS, np.eye(3)[[0, 2]]) if "error" in name or "entropy" in name else (ROWS if name == "softmax" else Z,)
    with float64(jax):
        got = np.asarray(lowering(name, "jax")(*args))
    np.testing.assert_allclose(got, lowering(name, "numpy")(*args), rtol=1e-12, atol=1e-300)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the JavaScript")
def test_javascript_lowerings_equal_numpy_where_numpy_would_overflow(tmp_path: Path):
    forms = lowerings("javascript")
    calls = {name: f"[{', '.join(f'{form.name}({z!r})' for z in Z.tolist())}]" for name, form in forms.items()}
    script = JS_PRELUDE + f"console.log(JSON.stringify({{{', '.join(f'{n}: {c}' for n, c in calls.items())}}}));"
    (tmp_path / "lowerings.js").write_text(script, encoding="utf-8")
    result = subprocess.run(["node", str(tmp_path / "lowerings.js")], capture_output=True, text=True, timeout=60)
    values = json.loads(result.stdout)
    assert set(values) == {"sigmoid", "relu", "softplus"}
    for name, got in values.items():
        np.testing.assert_allclose(got, lowering(name, "numpy")(Z), rtol=1e-14, atol=1e-300)


def test_the_prelude_is_the_registered_javascript():
    for form in lowerings("javascript").values():
        assert isinstance(form, JsFunction) and form.source in JS_PRELUDE and form.name.startswith("sn_")


def test_classes_and_names_reach_the_same_lowering_but_not_a_namesake():
    assert lowering(sigmoid, "llvm") is lowering("sigmoid", "llvm")
    assert lowering(softplus, "numpy") is lowering("softplus", "numpy")
    namesake = Function("relu")          # your own function that happens to be called relu: not symnet's
    assert lowering(relu, "llvm", None) is not None and lowering(namesake, "llvm", None) is None
    with pytest.raises(KeyError, match="no numpy lowering for mystery; registered: sigmoid"):
        lowering("mystery", "numpy")
    with pytest.raises(ValueError, match="unknown backend 'fortran'"):
        register("sigmoid", "fortran", None)


class Cube(MatrixExpr):                 # a new matrix primitive with no printer method of its own
    label = "cube"

    @property
    def shape(self):
        return self.args[0].shape


def test_a_new_matrix_primitive_is_one_registration_per_backend():
    compile_steps(layers("2-3").program, [], "warm")        # the cached namespace is built before the registration
    register("cube", "numpy", lambda V: V ** 3)
    x, W, out = MatrixSymbol("x", 2, 1), MatrixSymbol("W", 3, 2), MatrixSymbol("a", 3, 1)
    program = Program((x,), (W,), ((out, Cube(W * x)),), (out,))
    fn = compile_steps(program, [out], "predict", sum_batch=False)
    X, weights = np.array([[1.0, 2.0], [0.5, -1.0]]), np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(fn(X, weights)[0], (X @ weights.T) ** 3)
    assert "a = cube(x @ W.T)" in inspect.getsource(fn)


def test_one_printer_prints_scalar_and_batch_first_matrix_steps():
    assert issubclass(NumPyCodePrinter, BatchFirst)
    compiled = value_and_grad(layers("3-4-2"), backend="numpy")
    assert "@" in compiled.source and "relu(z1)" in compiled.source
    printer = NumPyCodePrinter(HELPERS)
    assert printer.doprint(sigmoid(Symbol("z"))) == "sigmoid(z)"      # scalar steps: σ bound to expit
    assert printer.doprint(softplus(Symbol("z"))) == "numpy.logaddexp(0, z)"


def test_no_module_of_the_numeric_layer_is_named_for_layers():
    modules = sorted(p.stem for p in Path(symnet.numeric.__file__).parent.glob("*.py"))
    assert not [m for m in modules if m.startswith("layer")], modules
    assert {"lowerings", "layout", "batchfirst", "bindings", "printer", "jaxgen", "jscode", "fused"} <= set(modules)


@pytest.mark.parametrize("activation", ["swish", "gelu", "softsign", "z*tanh(z)"])
def test_composite_and_formula_activations_run_on_jax_as_on_numpy(activation):
    pytest.importorskip("jax")
    from symnet.io.text import layers as read_layers

    net = read_layers("3-4-2", activation=activation)
    rng = np.random.default_rng(0)
    theta, X, y = rng.normal(size=net.n_params), rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    (a, ga), (b, gb) = (value_and_grad(net, backend=backend)(theta, X, y) for backend in ("numpy", "jax"))
    assert abs(a - b) <= 1e-12 * max(1.0, abs(a))
    np.testing.assert_allclose(gb, ga, rtol=1e-12, atol=1e-12)
