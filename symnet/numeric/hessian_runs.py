"""How a second-derivative program runs: its batch means printed for NumPy or JAX, or one LLVM loop.

``compile_program`` takes a scalar program (the Hessian's, or the Hessian-vector product's) and returns
the generated function with a runner ``run(columns, y, args) -> every output's batch mean`` for the
backend asked for. ``"auto"`` runs it fused (``symnet.numeric.fused``: the straight-line program as one
machine-code loop over the samples, its sums in registers) where LLVM can, and NumPy where a step has no
machine form, llvmlite is missing, or the program is too long for LLVM to compile quickly; ``fn.why``
says which.
"""

from __future__ import annotations

import numpy as np

from symnet.core.program import Program
from symnet.numeric.codegen import AUTO_FUSED, call_generated
from symnet.numeric.generation import generate, mean_outputs

BACKENDS = ("auto", "numpy", "jax", "fused")
# "auto" sends a program of at most this many steps + outputs to LLVM. Its compile time grows faster than
# the program (the 11-parameter seed Hessian's ~310: 0.4 s; 2-4-1's ~600: 1.5 s; 2-8-1's ~2600: 6 s), while
# a Hessian program grows as P × the gradient's: NumPy compiles the large ones sooner.
FUSED_MAX_STEPS = 800


def compile_program(program: Program, name: str, numpy, backend: str, fused=None):
    """(the generated function, its runner or None for NumPy's, the backend that runs it, why): the program
    with its batch means. ``fused`` is (a program, the index spreading its means to ``program``'s outputs)
    for the LLVM loop to run instead (default: ``program`` itself)."""
    assignments, outputs = mean_outputs(program)
    args = program.inputs + program.params
    if backend == "jax":
        from symnet.numeric.jaxgen import jax_target

        generated = generate(args, outputs, assignments, name, numpy, jax_target())
        return generated, jax_outputs(generated.function), "jax", "backend='jax' asked for"
    generated = generate(args, outputs, assignments, name, numpy)
    if backend == "numpy":
        return generated, None, "numpy", "backend='numpy' asked for"
    run, why = fused_outputs(*(fused or (program, None)), numpy, auto=backend == "auto")
    return generated, run, "numpy" if run is None else "fused", why


def fused_outputs(program: Program, gather, numpy, auto: bool):
    """(run, why): ``program`` as one LLVM loop over the batch (``numeric.fused``), its means spread by the
    index ``gather``; or, for ``auto``, (None, why NumPy runs it). ``backend="fused"`` that LLVM cannot run
    is refused (``NotImplementedError``) with the reason."""
    from symnet.numeric.fused import fused_means

    size = len(program.assignments) + len(program.outputs)
    if auto and size > FUSED_MAX_STEPS:
        return None, (f"a program of {size} steps and outputs: NumPy (LLVM's compile time grows fast beyond "
                      f"{FUSED_MAX_STEPS}; backend='fused' compiles it anyway)")
    run, why = fused_means(program, numpy)
    if run is None:
        if not auto:
            raise NotImplementedError(f"backend='fused' cannot compile this second derivative: {why}; use "
                                      f"backend='auto' (NumPy where LLVM cannot run it) or 'numpy'")
        return None, f"{why}: NumPy"
    return spread(run, gather), AUTO_FUSED if auto else "backend='fused' asked for"


def spread(run, gather):
    """``run`` with its outputs picked by the index ``gather`` (None: as they are); the engine kept alive."""
    if gather is None:
        return run

    def full(columns, y, args):
        return run(columns, y, args)[gather]

    full.engine = run.engine
    return full


def numpy_outputs(function):
    """``run(columns, y, args) -> outputs``: the generated NumPy function's outputs as one float array."""
    def run(columns, y, args):
        return np.array([float(v) for v in call_generated(function, columns, y, args)])
    return run


def jax_outputs(function):
    """``run(columns, y, args) -> outputs``: the generated ``jax.numpy`` function under ``jax.jit``, its
    outputs stacked in float64, traced and called inside ``jaxgen.float64`` (the user's JAX default is
    left alone)."""
    import jax

    from symnet.numeric.jaxgen import float64

    def stacked(columns, y, args):
        return jax.numpy.stack([jax.numpy.asarray(v, dtype=jax.numpy.float64) for v in function(*columns, y, *args)])

    jitted = jax.jit(stacked)

    def run(columns, y, args):
        with float64(jax):
            return np.asarray(jitted(np.asarray(columns), np.asarray(y), np.asarray(args)))

    return run
