"""Scalar SymPy expressions as LLVM IR: the instruction writer of ``backend="fused"`` (``symnet.numeric.fused``).

``Writer`` emits one value per node into a function being built with ``llvmlite``, as a printer prints
one string per node: sums, products and integer powers as instructions; exp, log, sin, cos, |·| and √
as LLVM intrinsics; the other functions of one argument from the C library (``tanh``, ``erf``…, 4-wide
from glibc's libmvec where it has them); symnet's activations, H and logaddexp by their LLVM lowering
(``symnet.numeric.lowerings``). With ``width`` 4 the same nodes are written on ``<4 x double>``. A node
with no form raises ``Unsupported``, and the caller falls back to NumPy.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import importlib
from dataclasses import dataclass

from sympy import (Abs, Add, Max, Min, Mul, Number, NumberSymbol, Pow, Symbol, acos, acosh, asin, asinh, atan, atanh,
                   cos, cosh, erf, erfc, exp, log, sign, sin, sinh, tan, tanh)

from symnet.core.activations import PRIMITIVES
from symnet.numeric.lowerings import lowering

# SymPy functions of one argument with a C library function of the same name; exp, log, sin, cos and
# |·| are LLVM intrinsics in scalar code. glibc's libmvec (2.35 and later) has a 4-wide AVX2 form of each
# (``_ZGVdN4v_exp``…, the x86-64 vector function ABI), which the 4-wide loop calls directly; one an older
# libmvec lacks is called lane by lane.
UNARY = {f: f.__name__ for f in (tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, erf, erfc)}
INTRINSICS = {exp: "exp", log: "log", sin: "sin", cos: "cos", Abs: "fabs"}
LIBM = ("exp", "log", "log1p", "pow", "sqrt", "sin", "cos", *UNARY.values())
WIDTH = 4                                    # samples per step of the vector loop (AVX2: 4 doubles)


class Unsupported(Exception):
    """A node of the program the IR writer has no form for (the caller falls back to NumPy)."""


@dataclass(frozen=True)
class LLVM:
    binding: object
    ir: object
    vector: frozenset           # libm names with a 4-wide libmvec form; empty: no vector loop here


@functools.cache
def _llvm() -> LLVM | str:
    """llvmlite, the native target initialised and libm's (and libmvec's) symbols added, once; or why not."""
    try:
        binding = importlib.import_module("llvmlite.binding")
        ir = importlib.import_module("llvmlite.ir")
    except ImportError:
        return "llvmlite (a dependency of symnet) cannot be imported (pip install llvmlite)"
    binding.initialize_native_target()
    binding.initialize_native_asmprinter()
    try:
        libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        for name in LIBM:
            binding.add_symbol(name, ctypes.cast(getattr(libm, name), ctypes.c_void_p).value)
    except (OSError, AttributeError) as err:       # no C math library with these names (not glibc/musl)
        return f"the C math library it calls was not found ({err})"
    vector = frozenset()
    found = ctypes.util.find_library("mvec")
    if found and "+avx2" in binding.get_host_cpu_features().flatten().split(","):
        mvec = ctypes.CDLL(found)
        for name in LIBM:
            symbol = _vector_name(name)
            if hasattr(mvec, symbol):
                binding.add_symbol(symbol, ctypes.cast(getattr(mvec, symbol), ctypes.c_void_p).value)
                vector |= {name}
    return LLVM(binding, ir, vector)


def jit_engine(text: str, vectorize: bool = False):
    """IR text verified, optimised (O2) and compiled for this CPU; the engine (keep it alive while its code runs).

    ``vectorize`` leaves LLVM's loop and SLP vectorisers and unrolling on (a plain loop over an array, as the
    optimiser update); off, for code vectorised by hand (the fused loss)."""
    binding = _llvm().binding
    machine = binding.Target.from_default_triple().create_target_machine(    # the engine takes it over: one each
        cpu=binding.get_host_cpu_name(), features=binding.get_host_cpu_features().flatten(), opt=2, jit=True)
    module = binding.parse_assembly(text)
    module.verify()
    tuning = binding.create_pipeline_tuning_options(speed_level=2)
    if not vectorize:
        tuning.loop_vectorization = tuning.slp_vectorization = tuning.loop_unrolling = False
    builder = binding.create_pass_builder(machine, tuning)
    builder.getModulePassManager().run(module, builder)
    engine = binding.create_mcjit_compiler(module, machine)
    engine.finalize_object()
    return engine


def _vector_name(name: str) -> str:
    return f"_ZGVdN{WIDTH}{'vv' if name == 'pow' else 'v'}_{name}"     # AVX2, unmasked, 4 lanes


class Writer:
    """Emits the IR of SymPy scalar expressions into one function, a value per symbol.

    ``width`` 1 writes scalar code; ``WIDTH`` writes the same steps on vectors of that many samples.
    """

    def __init__(self, llvm: LLVM, module, builder, width: int = 1):
        self.llvm, self.ir, self.module, self.b = llvm, llvm.ir, module, builder
        self.width = width
        scalar = self.ir.DoubleType()
        self.double = scalar if width == 1 else self.ir.VectorType(scalar, width)
        self.values: dict = {}

    def const(self, value: float):
        value = float(value)
        return self.ir.Constant(self.double, value if self.width == 1 else [value] * self.width)

    def splat(self, value):
        """A scalar repeated in every lane (θ in the vector loop)."""
        if self.width == 1:
            return value
        b, i32 = self.b, self.ir.IntType(32)
        one = b.insert_element(self.ir.Constant(self.double, None), value, i32(0))
        return b.shuffle_vector(one, self.ir.Constant(self.double, None),
                                self.ir.Constant(self.ir.VectorType(i32, self.width), [0] * self.width))

    def _declare(self, name: str, arity: int, kind=None):
        """The function ``name`` of ``arity`` values of ``kind`` (this writer's type unless given)."""
        kind = kind or self.double
        fn = self.module.globals.get(name)
        if fn is None:
            fn = self.ir.Function(self.module, self.ir.FunctionType(kind, [kind] * arity), name)
        return fn

    def call(self, name: str, *args):
        """The C library's ``name``: libmvec's 4-wide form on vectors where it has one, else lane by lane."""
        if self.width == 1:
            return self.b.call(self._declare(name, len(args)), list(args))
        if name in self.llvm.vector:
            return self.b.call(self._declare(_vector_name(name), len(args)), list(args))
        fn = self._declare(name, len(args), self.ir.DoubleType())
        out = self.ir.Constant(self.double, None)
        for lane in range(self.width):
            index = self.ir.IntType(32)(lane)
            value = self.b.call(fn, [self.b.extract_element(a, index) for a in args])
            out = self.b.insert_element(out, value, index)
        return out

    def intrinsic(self, name: str, *args):
        """``llvm.<name>`` (sqrt and fabs are instructions on vectors too); exp, log, sin, cos from libm."""
        if self.width > 1 and name not in ("sqrt", "fabs"):
            return self.call(name, *args)
        suffix = "f64" if self.width == 1 else f"v{self.width}f64"
        return self.b.call(self._declare(f"llvm.{name}.{suffix}", len(args)), list(args))

    def emit(self, expr):
        if expr in self.values:
            return self.values[expr]
        value = self._emit(expr)
        if not expr.is_Number:
            self.values[expr] = value
        return value

    def _emit(self, expr):  # one case per node type, as a printer has
        b = self.b
        if isinstance(expr, (Number, NumberSymbol)):
            if not expr.is_finite or not expr.is_real:
                raise Unsupported(f"the constant {expr}")
            return self.const(float(expr))
        if isinstance(expr, Symbol):
            raise Unsupported(f"the symbol {expr} has no value before it is used")
        if isinstance(expr, Add):
            return self._fold(b.fadd, expr.args)
        if isinstance(expr, Mul):
            coeff, rest = expr.as_coeff_Mul()
            value = self._fold(b.fmul, Mul.make_args(rest))
            if coeff == -1:
                return b.fneg(value)
            return value if coeff == 1 else b.fmul(self.const(coeff), value)
        if isinstance(expr, Pow):
            return self._pow(*expr.args)
        arg = lambda: self.emit(expr.args[0])
        if expr.func in INTRINSICS and len(expr.args) == 1:
            return self.intrinsic(INTRINSICS[expr.func], arg())
        if expr.func in UNARY:
            return self.call(UNARY[expr.func], arg())
        if isinstance(expr, sign):
            z = arg()
            inner = b.select(b.fcmp_ordered("<", z, self.const(0)), self.const(-1), z)   # 0 and NaN stay
            return b.select(b.fcmp_ordered(">", z, self.const(0)), self.const(1), inner)
        lowered = lowering(type(expr), "llvm", None)    # σ, softplus, relu, H, logaddexp: the registry's IR
        if lowered is not None:
            return lowered(self, *(self.emit(a) for a in expr.args))
        if isinstance(expr, (Max, Min)):
            op = ">" if isinstance(expr, Max) else "<"
            values = [self.emit(a) for a in expr.args]
            return functools.reduce(lambda out, v: self.maximum(out, v, op), values)
        if type(expr) in PRIMITIVES:
            entry = PRIMITIVES[type(expr)]
            return self.emit((entry.numeric or entry.closed)(expr.args[0]))
        raise Unsupported(f"{type(expr).__name__} ({expr})")

    def maximum(self, x, y, op=">"):
        """max (``op`` ">") or min ("<") of two values; NaN in, NaN out, as NumPy's maximum."""
        b = self.b
        pick = b.select(b.fcmp_ordered(op, x, y), x, y)
        return b.select(b.fcmp_unordered("uno", x, y), b.fadd(x, y), pick)

    def _fold(self, op, args):
        values = [self.emit(a) for a in args]
        out = values[0]
        for v in values[1:]:
            out = op(out, v)
        return out

    def _pow(self, base, exponent):
        b = self.b
        x = self.emit(base)
        if exponent.is_Integer and abs(int(exponent)) <= 64:
            n = abs(int(exponent))
            out, square = None, x
            while n:                      # square and multiply: x⁵ = x⁴·x
                if n & 1:
                    out = square if out is None else b.fmul(out, square)
                n >>= 1
                if n:
                    square = b.fmul(square, square)
            out = out if out is not None else self.const(1)
            return b.fdiv(self.const(1), out) if exponent < 0 else out
        if exponent == Number(1) / 2:
            return self.intrinsic("sqrt", x)
        if exponent == -Number(1) / 2:
            return b.fdiv(self.const(1), self.intrinsic("sqrt", x))
        return self.intrinsic("pow", x, self.emit(exponent))
