"""The same gradient program in ``jax.numpy``, jitted: ``value_and_grad(loss, backend="jax")``.

SymPy's JAX printer prints it with the stable forms and generated identifiers of the NumPy code
(σ is ``jax.nn.sigmoid``); the SciPy special functions SymPy knows (``erf``…) map to
``jax.scipy.special`` where JAX has them. JAX is an optional extra, imported only here, and this
backend turns on ``jax_enable_x64`` so it computes in float64 like NumPy (results agree to ~1e-12).
The jitted function takes the columns, the targets and θ as arrays, so it runs on whatever device
JAX sees.
"""

from __future__ import annotations

import importlib
from functools import cache

import numpy as np
from sympy.printing.numpy import JaxPrinter, _known_functions_scipy_special

from symnet.numeric.generation import Target
from symnet.numeric.printer import StableForms


def _jax():
    try:
        jax = importlib.import_module("jax")
    except ImportError:
        raise ImportError("backend='jax' needs JAX: pip install 'jax[cpu]' (or the build for your GPU/TPU)") from None
    for module in ("jax.numpy", "jax.nn", "jax.scipy.special"):
        importlib.import_module(module)
    jax.config.update("jax_enable_x64", True)  # float64, like the NumPy backend
    return jax


class JaxCodePrinter(StableForms, JaxPrinter):
    """SymPy's JAX printer with module paths, symnet's stable forms and SciPy's special functions."""

    specials: dict = {}  # SymPy function name -> jax.scipy.special path, filled by jax_target

    def _print_special(self, expr):
        path = self.specials[type(expr).__name__]
        if type(expr).__name__ in self.user:
            return self._print_Function(expr)
        return f"{self._module_format(path)}({', '.join(self._print(a) for a in expr.args)})"


@cache
def jax_target() -> Target:
    """The JAX target: ``jax.*`` paths, σ bound to ``jax.nn.sigmoid``."""
    jax = _jax()
    specials = {name: f"jax.scipy.special.{special}" for name, special in _known_functions_scipy_special.items()
                if hasattr(jax.scipy.special, special)}
    methods = {f"_print_{name}": JaxCodePrinter._print_special for name in specials}  # not math.erf
    printer = type("JaxCodePrinter", (JaxCodePrinter,), {"specials": specials, **methods})
    return Target(printer, {"jax": jax}, {"sigmoid": (jax.nn.sigmoid, "from jax.nn import sigmoid")})


def jax_runner(function):
    """``run(columns, y, theta) -> (mean loss, gradient)``: the generated function under ``jax.jit``."""
    jax = _jax()
    jnp = jax.numpy

    def packed(columns, y, theta):
        values = function(*columns, y, *theta)
        return values[0], jnp.stack([jnp.asarray(v, dtype=jnp.float64) for v in values[1:]])

    jitted = jax.jit(packed)

    def run(columns, y, theta):
        loss, grad = jitted(np.asarray(columns), y, theta)  # X.T stays a view: one transfer, inside jit
        return float(loss), np.asarray(grad)

    return run
