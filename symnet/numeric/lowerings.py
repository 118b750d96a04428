"""The lowering registry: each primitive's form per backend, registered side by side, as JAX registers a
lowering beside a primitive.

    register(primitive, backend, fn)      lowering(primitive, backend)      lowerings(backend)

A primitive is named by a string or by its class (a SymPy function prints under its class name, a loss
step under its ``label``): ``"sigmoid"`` is σ as a scalar step and as an elementwise matrix step alike.
What ``fn`` is depends on the backend:

    numpy       a function on NumPy arrays, bound by the primitive's name in generated code
    jax         the same on ``jax.numpy`` arrays (traceable: no ``float``); JAX is imported when it runs
    javascript  a ``JsFunction``: the identifier generated code calls and its source in the page's prelude
    llvm        ``(writer, *values) -> value``, IR written with ``llvmir.Writer``'s builder

σ′ is not registered: it is derived from the rule table and printed with these forms (``bindings``).
The rows below are grouped by primitive, one table filled when this module is imported (no rows
registered as a side effect of importing some other module); a new primitive adds its rows here, one
``register`` per backend, and the printers print it as a call by its name. Forms are stable: σ by
``expit`` (one exponent of −|z| in JavaScript and LLVM), softplus(z) = max(z, 0) + log1p(e^{−|z|}),
softmax and softmax cross-entropy with the maximum taken out of the exponent (log-sum-exp).
"""

from __future__ import annotations

import importlib
import math
from typing import NamedTuple

import numpy as np
from sympy import Heaviside, tanh
from sympy.codegen.numpy_nodes import logaddexp

from symnet.core.activations import ACTIVATIONS, relu, sigmoid, softplus
from symnet.numeric.functions import resolve

NUMPY, JAX, JAVASCRIPT, LLVM = "numpy", "jax", "javascript", "llvm"
BACKENDS = (NUMPY, JAX, JAVASCRIPT, LLVM)
_REGISTRY: dict[tuple[str, str], object] = {}
_CLASSES: dict[str, type] = {}      # a primitive registered by its class: that class, and no other of its name
_MISSING = object()


class JsFunction(NamedTuple):
    """A JavaScript helper: the name generated code calls (``sn_…``: no symbol prints as one) and its source."""

    name: str
    source: str


def primitive_name(primitive) -> str:
    """The name a primitive is registered and printed under: a string itself, a loss step's ``label``, a
    class's name (``sigmoid``, ``Heaviside``)."""
    if isinstance(primitive, str):
        return primitive
    return getattr(primitive, "label", None) or primitive.__name__


def register(primitive, backend: str, fn) -> None:
    """Register ``fn`` as ``primitive``'s lowering for ``backend`` (one of ``BACKENDS``)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    name = primitive_name(primitive)
    if not isinstance(primitive, str):
        _CLASSES.setdefault(name, primitive)
    _REGISTRY[name, backend] = fn


def lowering(primitive, backend: str, default=_MISSING):
    """``primitive``'s lowering for ``backend``; ``default`` if given and there is none, else ``KeyError``.

    >>> lowering("relu", "numpy")(np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    name = primitive_name(primitive)
    if not isinstance(primitive, str) and _CLASSES.get(name, primitive) is not primitive:
        found = default          # your own function class that happens to be called ``relu``: not symnet's
    else:
        found = _REGISTRY.get((name, backend), default)
    if found is _MISSING:
        known = ", ".join(n for n, b in _REGISTRY if b == backend)
        raise KeyError(f"no {backend} lowering for {name}; registered: {known}")
    return found


def lowerings(backend: str) -> dict:
    """{primitive name: lowering} for one backend, in registration order."""
    return {name: fn for (name, b), fn in _REGISTRY.items() if b == backend}


def _jax(module: str = "jax"):
    return importlib.import_module(module)   # imported when the traced code runs, never by symnet's import


# ---- σ ---------------------------------------------------------------------------------------------
register(sigmoid, NUMPY, resolve(ACTIVATIONS["sigmoid"].numpy))       # scipy.special.expit, the entry's form
register(sigmoid, JAX, lambda z: _jax("jax.nn").sigmoid(z))
register(sigmoid, JAVASCRIPT, JsFunction("sn_sigmoid", """\
function sn_sigmoid(z) {
  if (z >= 0) { return 1 / (1 + Math.exp(-z)); }
  const e = Math.exp(z);
  return e / (1 + e);
}"""))


def _llvm_sigmoid(w, z):
    # σ(z) = 1/(1 + e^{−|z|}) for z ≥ 0 and e^{−|z|}/(1 + e^{−|z|}) below: one exponent, never overflows
    b = w.b
    e = w.intrinsic("exp", b.fneg(w.intrinsic("fabs", z)))
    s = b.fdiv(w.const(1), b.fadd(w.const(1), e))
    return b.select(b.fcmp_ordered(">=", z, w.const(0)), s, b.fmul(e, s))


register(sigmoid, LLVM, _llvm_sigmoid)

# ---- tanh (the C library's tanh in LLVM, SymPy's Math.tanh in JavaScript) -----------------------------
register(tanh, NUMPY, np.tanh)
register(tanh, JAX, lambda z: _jax("jax.numpy").tanh(z))


# ---- relu --------------------------------------------------------------------------------------------
def _relu(z):
    return np.maximum(z, 0.0)


register(relu, NUMPY, _relu)
register(relu, JAX, lambda z: _jax("jax.numpy").maximum(z, 0.0))
register(relu, JAVASCRIPT, JsFunction("sn_relu", "function sn_relu(z) { return Math.max(z, 0); }"))
register(relu, LLVM, lambda w, z: w.b.select(w.b.fcmp_unordered(">", z, w.const(0)), z, w.const(0)))  # NaN stays


# ---- softplus(z) = log(1 + eᶻ) -------------------------------------------------------------------------
def _softplus(z):
    return np.logaddexp(0.0, z)   # finite for any z


def _llvm_softplus(w, z):
    tail = w.call("log1p", w.intrinsic("exp", w.b.fneg(w.intrinsic("fabs", z))))
    return w.b.fadd(lowering("relu", LLVM)(w, z), tail)


register(softplus, NUMPY, _softplus)
register(softplus, JAX, lambda z: _jax("jax.numpy").logaddexp(0.0, z))
register(softplus, JAVASCRIPT, JsFunction(
    "sn_softplus", "function sn_softplus(z) { return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))); }"))
register(softplus, LLVM, _llvm_softplus)


# ---- H, the step that is relu′ (H(0) = ½ as in SymPy) ---------------------------------------------------
def _step(z, at_zero=0.5):
    """H(z) with H(0) = ``at_zero``: for ½ it is ½·sign(z) + ½, worked in place (``np.heaviside`` is a slow
    ufunc, about 2.5× the time of sign, a multiply and an add on 8,192 numbers, and relu′ is on the hot path)."""
    if at_zero != 0.5:
        return np.heaviside(z, at_zero)
    h = np.sign(z)
    h *= 0.5
    h += 0.5
    return h


def _llvm_step(w, z, h0=None):
    b = w.b
    h0 = w.const(0.5) if h0 is None else h0
    step = b.select(b.fcmp_ordered(">", z, w.const(0)), w.const(1),
                    b.select(b.fcmp_ordered("==", z, w.const(0)), h0, w.const(0)))
    return b.select(b.fcmp_unordered("uno", z, z), z, step)


register(Heaviside, NUMPY, _step)
register(Heaviside, JAX, lambda z, at_zero=0.5: _jax("jax.numpy").heaviside(z, at_zero))
register(Heaviside, LLVM, _llvm_step)


# ---- log(eᵃ + eᵇ) (SymPy's codegen node ``logaddexp``) ----------------------------------------------------
def _llvm_logaddexp(w, x, y):
    # max(a, b) + log1p(e^{−|a − b|}), NaN kept; a = b: a + log 2, so ±inf with ±inf stays ±inf
    b = w.b
    apart = b.fadd(w.maximum(x, y), w.call("log1p", w.intrinsic("exp", b.fneg(w.intrinsic("fabs", b.fsub(x, y))))))
    return b.select(b.fcmp_ordered("==", x, y), b.fadd(x, w.const(math.log(2))), apart)


register(logaddexp, LLVM, _llvm_logaddexp)


# ---- softmax over each row of a batch-first array ---------------------------------------------------------
def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


register("softmax", NUMPY, _softmax)
register("softmax", JAX, lambda Z: _jax("jax.nn").softmax(Z, axis=1))


# ---- losses, summed over the batch (the runner divides by N) -----------------------------------------------
def _softmax_cross_entropy(Z, Y):
    # Σₓ (log Σₖ e^{zₖ} − yᵀz), with the maximum taken out of the exponent (log-sum-exp)
    m = Z.max(axis=1, keepdims=True)
    return float(np.sum(m[:, 0] + np.log(np.exp(Z - m).sum(axis=1))) - np.sum(Y * Z))


def _sigmoid_cross_entropy(Z, Y):
    return float(np.sum(np.logaddexp(0.0, Z)) - np.sum(Y * Z))


def _squared_error(A, Y):
    return float(np.sum((A - Y) ** 2))


def _jax_softmax_cross_entropy(Z, Y):
    jnp = _jax("jax.numpy")
    return jnp.sum(_jax("jax.scipy.special").logsumexp(Z, axis=1)) - jnp.sum(Y * Z)


register("softmax_cross_entropy", NUMPY, _softmax_cross_entropy)
register("softmax_cross_entropy", JAX, _jax_softmax_cross_entropy)
register("sigmoid_cross_entropy", NUMPY, _sigmoid_cross_entropy)
register("sigmoid_cross_entropy", JAX, lambda Z, Y: _jax("jax.numpy").logaddexp(0.0, Z).sum() - (Y * Z).sum())
register("squared_error", NUMPY, _squared_error)
register("squared_error", JAX, lambda A, Y: _jax("jax.numpy").sum((A - Y) ** 2))
