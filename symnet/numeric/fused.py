"""``backend="fused"``: a scalar program as one machine-code loop over the batch, via LLVM.

The gradient program (``fused_loss``: the mean loss, then the mean gradient) and any other straight-line
scalar program whose outputs are averaged over the batch (``fused_means``: the Hessian's and the
Hessian-vector product's, ``numeric.hessian_runs``) compile the same way.

The NumPy backend runs one NumPy call per scalar step over the whole batch and pays for every
temporary array. Here the program runs per sample inside one compiled loop that keeps the batch
sums in registers: no temporaries, one pass over the data. The program is straight-line scalar
code, so it maps one to one onto LLVM's SSA form; this module writes that IR with ``llvmlite`` and
lets LLVM optimise (O2) and compile it for the host CPU:

    void fused(double* columns, double* y, double* theta, i64 n, double* out)
        θ loaded once;
        vector loop, 4 samples per step (AVX2): every step on <4 x double>, σ's exponent by libmvec;
        scalar loop for the n mod 4 left (or for all n where libmvec is missing);
        out = Σ / n  (the mean loss, then the mean gradient)

Writing the IR directly, rather than having numba compile generated Python or SymEngine compile
closed forms, is what makes it both fast to build and fast to run (benchmarks/README.md: 0.1–0.6 s
to compile the article's networks, against numba's 1.8–5.2 s; 0.06–0.3× the NumPy call at batch
1024). The activations' IR is their LLVM lowering (``symnet.numeric.lowerings``), stable as in the NumPy
printer: σ(z) from one exponent of −|z|, softplus(z) = max(z, 0) + log1p(e^{−|z|}), relu and H propagating
NaN; the other functions are the C library's (``tanh``, ``erf``…, 4-wide from glibc's libmvec). The
instructions of each node are written by ``symnet.numeric.llvmir.Writer``; a node it has no form for raises
``Unsupported``; ``fused_loss`` then says why and the caller falls back to NumPy.
"""

from __future__ import annotations

import ctypes
import functools

import numpy as np

from symnet.numeric.llvmir import WIDTH, Unsupported, Writer, _llvm, jit_engine  # noqa: F401 (Unsupported: re-exported)

def program_ir(program) -> str:
    """The IR of ``fused(columns, y, theta, n, out)`` for a scalar gradient program.

    ``columns`` is the batch column by column (d × n, contiguous), ``out`` receives the mean of each of
    the program's outputs (the loss, then the gradient). Samples go four at a time through a vector
    loop where libmvec is there, the rest (and everything elsewhere) through the scalar loop; each
    loop keeps its running sums in registers. Raises ``Unsupported`` for a node it has no form for.
    """
    llvm = _llvm()
    ir = llvm.ir
    module = ir.Module(name="symnet")
    double, i64 = ir.DoubleType(), ir.IntType(64)
    ptr = double.as_pointer()
    fn = ir.Function(module, ir.FunctionType(ir.VoidType(), [ptr, ptr, ptr, i64, ptr]), "fused")
    columns, y, theta, n, out = fn.args
    for arg, name in zip(fn.args, ("columns", "y", "theta", "n", "out")):
        arg.name = name
    for arg in (columns, y, theta, out):
        arg.add_attribute("noalias")
    width = WIDTH if llvm.vector else 1
    names = ("entry", "vector", "reduce", "scalar", "done") if width > 1 else ("entry", "reduce", "scalar", "done")
    blocks = {name: fn.append_basic_block(name) for name in names}
    b = ir.IRBuilder(blocks["entry"])
    thetas = {p: b.load(b.gep(theta, [i64(k)]), name=f"theta{k}") for k, p in enumerate(program.params)}
    whole = b.and_(n, i64(-width), name="whole") if width > 1 else i64(0)   # samples the vector loop takes
    b.cbranch(b.icmp_signed(">", whole, i64(0)), blocks.get("vector", blocks["reduce"]), blocks["reduce"])

    def loop(block, writer, start, initial, step):
        """One loop over samples ``start``…: the program's steps and running sums; returns (i, sums, new sums)."""
        writer.b.position_at_end(block)
        i = writer.b.phi(i64, name="i")
        sums = [writer.b.phi(writer.double, name=f"s{k}") for k in range(len(program.outputs))]
        writer.values = {p: writer.splat(v) for p, v in thetas.items()}
        *features, target = program.inputs
        for j, x in enumerate(features):
            writer.values[x] = load(writer, b.gep(columns, [b.add(b.mul(n, i64(j)), i)]), x)
        writer.values[target] = load(writer, b.gep(y, [i]), target)
        for lhs, rhs in program.assignments:
            writer.values[lhs] = writer.emit(rhs)
        new = [writer.b.fadd(s, writer.emit(o), flags=("reassoc",)) for s, o in zip(sums, program.outputs)]
        following = writer.b.add(i, i64(step), name="next")
        i.add_incoming(start, initial)
        i.add_incoming(following, block)
        return i, following, sums, new

    def load(writer, address, symbol):
        if writer.width == 1:
            return writer.b.load(address, name=symbol.name)
        return writer.b.load(writer.b.bitcast(address, writer.double.as_pointer()), name=symbol.name, align=8)

    vector_sums = []
    if width > 1:
        vec = Writer(llvm, module, b, width)
        _, following, sums, new = loop(blocks["vector"], vec, i64(0), blocks["entry"], width)
        for s, value in zip(sums, new):
            s.add_incoming(vec.const(0), blocks["entry"])
            s.add_incoming(value, blocks["vector"])
        b.cbranch(b.icmp_signed("<", following, whole), blocks["vector"], blocks["reduce"])
        vector_sums = new
    b.position_at_end(blocks["reduce"])      # the vector loop's lanes added up: where the scalar loop starts
    totals = []
    for value in vector_sums:        # every φ first, as LLVM wants them at the top of the block
        totals.append(b.phi(value.type))
        totals[-1].add_incoming(vec.const(0), blocks["entry"])
        totals[-1].add_incoming(value, blocks["vector"])
    started = [functools.reduce(b.fadd, [b.extract_element(t, ir.IntType(32)(lane)) for lane in range(width)])
               for t in totals]
    started = started or [double(0.0)] * len(program.outputs)
    b.cbranch(b.icmp_signed("<", whole, n), blocks["scalar"], blocks["done"])

    _, following, sums, new = loop(blocks["scalar"], Writer(llvm, module, b), whole, blocks["reduce"], 1)
    for s, value, first in zip(sums, new, started):
        s.add_incoming(first, blocks["reduce"])
        s.add_incoming(value, blocks["scalar"])
    b.cbranch(b.icmp_signed("<", following, n), blocks["scalar"], blocks["done"])

    b.position_at_end(blocks["done"])
    totals = [b.phi(double) for _ in new]
    for k, (total, first, value) in enumerate(zip(totals, started, new)):
        total.add_incoming(first, blocks["reduce"])
        total.add_incoming(value, blocks["scalar"])
    count = b.sitofp(n, double)
    for k, total in enumerate(totals):
        b.store(b.fdiv(total, count), b.gep(out, [i64(k)]))
    b.ret_void()
    return str(module)


def compile_ir(text: str):
    """Optimise (O2) and compile IR text; returns the engine (keep it alive) and ``fused``'s address."""
    engine = jit_engine(text)            # vectorised by hand: LLVM's vectorisers off
    return engine, engine.get_function_address("fused")


SIGNATURE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p)


def fused_loss(program, numpy=None):
    """``(run, source)`` for the gradient program compiled to one machine-code loop, or ``(None, why)``.

    ``run(columns, y, theta)`` returns (mean of the first output, means of the others): the mean loss and
    gradient for a gradient program, whatever its ``wrt``; ``source`` is the LLVM IR.
    """
    return _fused(program, numpy, split=True)


def fused_means(program, numpy=None):
    """``(run, source)`` for any scalar program compiled to one machine-code loop, or ``(None, why)``.

    ``run(columns, y, args)`` returns the batch mean of every output as one array, in the program's order
    (the second-derivative programs of ``numeric.hessian``: the loss and H's entries, or H v).
    """
    return _fused(program, numpy, split=False)


def _fused(program, numpy, split: bool):
    if numpy:
        return None, "functions given per call (numpy=…) are Python functions LLVM cannot compile"
    if isinstance(_llvm(), str):
        return None, _llvm()
    try:
        text = program_ir(program)
        engine, address = compile_ir(text)
    except Unsupported as err:
        return None, f"the fused backend has no machine form for {err}"
    except RuntimeError as err:      # LLVM's verifier or code generator
        return None, f"LLVM cannot compile it ({str(err).splitlines()[0][:160]})"
    function = SIGNATURE(address)
    p, d = len(program.params), len(program.inputs) - 1
    m = len(program.outputs)        # the machine code stores one mean per output: the loss, then ∂L/∂ each of wrt

    def run(columns, y, theta):  # columns: X.T (a view) or a sequence of columns; copied to d × n if need be
        y = np.ascontiguousarray(y, dtype=float)
        n = y.shape[0] if y.ndim == 1 else -1
        if not isinstance(columns, np.ndarray):
            columns = np.vstack(columns) if len(columns) else np.empty((0, max(n, 0)))
        cols = np.ascontiguousarray(columns, dtype=float)
        theta = np.ascontiguousarray(theta, dtype=float)
        if n < 1 or cols.shape != (d, n) or theta.shape != (p,):   # the machine code trusts these: check them
            raise ValueError(f"the fused loss takes {d} columns of N ≥ 1 samples, N targets and {p} parameters; "
                             f"got columns {cols.shape}, targets {y.shape}, parameters {theta.shape}")
        out = np.empty(m)           # sized from the program, never from θ: out[k] is written for every output k
        function(cols.ctypes.data, y.ctypes.data, theta.ctypes.data, n, out.ctypes.data)
        return (float(out[0]), out[1:]) if split else out

    run.engine = engine             # the compiled code lives as long as run does
    return run, text
