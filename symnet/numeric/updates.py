"""Optimiser updates as one machine-code loop over θ (LLVM): the training loop's step in place, in one pass.

For each entry i of θ (P of them) the loop reads gᵢ, θᵢ and the optimiser's state once and writes them back:

    g ← (gᵢ + λᵢ·θᵢ)·s                                    (L2 weight decay λ, clipping scale s)
    SGD       θ ← θ − η·g
    Momentum  u ← β·u + g;                 θ ← θ − η·u
    Adam      m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g·g;   θ ← θ − η·(m / c₁) / (√(v / c₂) + ε)

(c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ), with the operations in the order ``symnet.learn.optim`` writes them in NumPy, so
both give the same θ; NumPy's version makes about ten P-long temporaries per Adam step. The loop also counts
the entries with |θ| > limit or not finite, the training loop's divergence test, so θ is not read again.
Compiled once per (optimiser, float type, decay or not); ``None`` where llvmlite is missing (NumPy then).
"""

from __future__ import annotations

import ctypes
import functools

import numpy as np

from symnet.numeric.llvmir import _llvm, jit_engine

KINDS = {"sgd": 0, "momentum": 1, "adam": 2}         # how many state arrays each keeps
COEFFICIENTS = {"sgd": ("eta",), "momentum": ("eta", "beta"),
                "adam": ("eta", "beta1", "one_beta1", "beta2", "one_beta2", "c1", "c2", "eps")}


def update_ir(kind: str, single: bool, decay: bool) -> str:
    """The IR of ``update(theta, grad, decay, s1, s2, coefficients, scale, limit, n) -> bad`` for one optimiser."""
    ir = _llvm().ir
    module = ir.Module(name="symnet_update")
    real, i64 = (ir.FloatType() if single else ir.DoubleType()), ir.IntType(64)
    ptr = real.as_pointer()
    fn = ir.Function(module, ir.FunctionType(i64, [ptr] * 6 + [real, real, i64]), "update")
    theta, grad, lam, s1, s2, coef, scale, limit, n = fn.args
    for arg in (theta, grad, lam, s1, s2, coef):
        arg.add_attribute("noalias")
    entry, loop, done = fn.append_basic_block("entry"), fn.append_basic_block("loop"), fn.append_basic_block("done")
    b = ir.IRBuilder(entry)
    c = {name: b.load(b.gep(coef, [i64(k)])) for k, name in enumerate(COEFFICIENTS[kind])}
    b.cbranch(b.icmp_signed(">", n, i64(0)), loop, done)
    b.position_at_end(loop)
    i, bad = b.phi(i64), b.phi(i64)
    at = lambda array: b.gep(array, [i])  # noqa: E731
    t, g = b.load(at(theta)), b.load(at(grad))
    if decay:
        g = b.fadd(g, b.fmul(b.load(at(lam)), t))
    g = b.fmul(g, scale)
    t = b.fsub(t, _step(b, ir, kind, c, g, at, s1, s2, real))
    b.store(t, at(theta))
    size = b.call(module.declare_intrinsic("llvm.fabs", [real]), [t])
    bad_next = b.add(bad, b.zext(b.fcmp_unordered(">", size, limit), i64))
    following = b.add(i, i64(1))
    i.add_incoming(i64(0), entry)
    i.add_incoming(following, loop)
    bad.add_incoming(i64(0), entry)
    bad.add_incoming(bad_next, loop)
    b.cbranch(b.icmp_signed("<", following, n), loop, done)
    b.position_at_end(done)
    result = b.phi(i64)
    result.add_incoming(i64(0), entry)
    result.add_incoming(bad_next, loop)
    b.ret(result)
    return str(module)


def _step(b, ir, kind, c, g, at, s1, s2, real):
    """The change of θ (θ ← θ − it), the state written back on the way."""
    if kind == "sgd":
        return b.fmul(c["eta"], g)
    if kind == "momentum":
        u = b.fadd(b.fmul(c["beta"], b.load(at(s1))), g)
        b.store(u, at(s1))
        return b.fmul(c["eta"], u)
    m = b.fadd(b.fmul(c["beta1"], b.load(at(s1))), b.fmul(c["one_beta1"], g))
    v = b.fadd(b.fmul(c["beta2"], b.load(at(s2))), b.fmul(b.fmul(c["one_beta2"], g), g))
    b.store(m, at(s1))
    b.store(v, at(s2))
    sqrt = b.call(b.module.declare_intrinsic("llvm.sqrt", [real]), [b.fdiv(v, c["c2"])])
    return b.fdiv(b.fmul(c["eta"], b.fdiv(m, c["c1"])), b.fadd(sqrt, c["eps"]))


@functools.cache
def compiled_update(kind: str, dtype: str, decay: bool):
    """``update(theta, grad, decay, s1, s2, coefficients, scale, limit) -> bad`` in machine code, or None.

    Arrays are contiguous of ``dtype`` and the same length (the caller checks; the machine code trusts them);
    θ, s1 and s2 are updated in place; the result counts the entries of the new θ with |θ| > limit or NaN.
    """
    llvm = _llvm()
    if isinstance(llvm, str) or kind not in KINDS or dtype not in ("float64", "float32"):
        return None
    try:
        engine = jit_engine(update_ir(kind, dtype == "float32", decay), vectorize=True)   # vectorised: one pass over θ
    except RuntimeError:        # LLVM's verifier or code generator refused it here: NumPy's step then
        return None
    single = dtype == "float32"
    scalar = ctypes.c_float if single else ctypes.c_double
    function = ctypes.CFUNCTYPE(ctypes.c_int64, *[ctypes.c_void_p] * 6, scalar, scalar, ctypes.c_int64)(
        engine.get_function_address("update"))
    real = np.dtype(dtype)

    def update(theta, grad, lam, s1, s2, coefficients, scale, limit) -> int:
        address = lambda a: None if a is None else a.ctypes.data  # noqa: E731
        coef = np.asarray(coefficients, dtype=real)
        return function(theta.ctypes.data, grad.ctypes.data, address(lam), address(s1), address(s2),
                        coef.ctypes.data, scale, limit, theta.shape[0])

    update.engine = engine      # the machine code lives as long as the function does
    return update
