"""The same gradient program in ``jax.numpy``, jitted: ``value_and_grad(loss, backend="jax")``.

SymPy's JAX printer prints it with the stable forms and generated identifiers of the NumPy code
(σ is ``jax.nn.sigmoid``); the SciPy special functions SymPy knows (``erf``…) map to
``jax.scipy.special`` where JAX has them. JAX is an optional extra, imported only here. This
backend computes in float64 like NumPy (results agree to ~1e-12) by tracing and calling its jitted
function inside JAX's scoped ``jax_enable_x64`` context (``float64``): the rest of the user's process
keeps JAX's own default (float32 unless the user turned x64 on). With ``dtype="float32"`` the same
context turns x64 off, so float32 arrays stay float32 under ``jit``.
The jitted function takes the columns, the targets and θ as arrays, so it runs on whatever device
JAX sees; with ``devices=D`` the batch is split over D devices by a ``NamedSharding`` over a 1-D
``Mesh`` (axis ``"batch"``), θ is replicated, and XLA reduces the batch means across devices
(an all-reduce), so every device gets the same loss and gradient. A program of matrix steps is printed
by the same printer, batch first (``jax_layers.matrix_jax``), with JAX's lowerings of σ, softmax and the losses.
"""

from __future__ import annotations

import importlib
from contextlib import nullcontext
from functools import cache
from numbers import Integral

import numpy as np
from sympy.printing.numpy import JaxPrinter, _known_functions_scipy_special

from symnet.numeric.batchfirst import BatchFirst
from symnet.numeric.generation import Target
from symnet.numeric.printer import StableForms


def _jax():
    try:
        jax = importlib.import_module("jax")
    except ImportError:
        raise ImportError("backend='jax' needs JAX: pip install 'jax[cpu]' (or the build for your GPU/TPU)") from None
    for module in ("jax.numpy", "jax.nn", "jax.scipy.special"):
        importlib.import_module(module)
    return jax


def float64(jax, dtype=np.float64):
    """A context in which JAX computes in float64 (``jax_enable_x64``), for this thread only; for float32
    (``dtype``) JAX's own default, x64 off (``jax.enable_x64(False)``), so float32 arrays stay float32.

    The flag is scoped, never switched on for the process: ``jax.enable_x64(True)`` (recent JAX) or
    ``jax.experimental.enable_x64()`` (older JAX); both restore the user's setting on exit.
    """
    wide = np.dtype(dtype) == np.float64
    if bool(jax.config.jax_enable_x64) is wide:   # already so (the user turned x64 on, or an outer scope did):
        return nullcontext()                      # left alone, where switching it costs a jitted call ~10 µs
    scoped = getattr(jax, "enable_x64", None)
    if callable(scoped):
        return scoped(wide)
    experimental = importlib.import_module("jax.experimental")
    return experimental.enable_x64() if wide else experimental.disable_x64()


class JaxCodePrinter(StableForms, BatchFirst, JaxPrinter):
    """SymPy's JAX printer with module paths, symnet's stable forms, SciPy's special functions and matrix steps
    batch first: the one JAX printer."""

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
    return Target(printer, {"jax": jax}, {"sigmoid": (jax.nn.sigmoid, "from jax.nn import sigmoid")}, "jax")


def jax_runner(function, devices: int | None = None, dtype=np.float64):
    """``run(columns, y, theta) -> (mean loss, gradient)``: the generated function under ``jax.jit``.

    With ``devices`` the batch (the columns' second axis, y's only axis) is split over that many devices.
    """
    jax = _jax()
    jnp = jax.numpy

    def packed(columns, y, theta):   # [L, ∂L/∂θ₁, …]: one array comes back
        return jnp.stack([jnp.asarray(v, dtype=dtype) for v in function(*columns, y, *theta)])

    return sharded_runner(jax, packed, mesh_devices(jax, devices), (1, 0), dtype)


def mesh_devices(jax, devices):
    """The first ``devices`` devices JAX sees (None: the default device); ``ValueError`` if there are fewer."""
    if devices is not None and (isinstance(devices, bool) or not isinstance(devices, Integral) or devices < 1):
        raise ValueError(f"devices must be a whole number ≥ 1 (how many devices to split the batch over); "
                         f"got {devices!r}")
    seen, count = jax.devices(), 1 if devices is None else int(devices)
    if count > len(seen):
        raise ValueError(f"devices={count}, but JAX sees {len(seen)} {seen[0].platform} device(s); on a CPU host, "
                         f"set XLA_FLAGS=--xla_force_host_platform_device_count={count} before starting Python")
    return seen[:count]


def jax_devices(devices: int | None = None) -> list:
    """The devices a batch is split over: JAX imported and ``devices`` checked (``ImportError``/``ValueError``)."""
    return mesh_devices(_jax(), devices)


def sharded_runner(jax, packed, devices, batch_axes, dtype=np.float64):
    """``run(*batch, theta) -> (float loss, NumPy gradient)``: ``packed`` jitted, the batch split over ``devices``.

    ``packed`` returns one flat array, the mean loss then the gradient: one array to bring back, where a loss and
    the gradient's pieces cost a device-to-host transfer each (at 64-32-10 they made the call 1.6× JAX by hand).
    ``batch_axes`` gives, per batch argument, the axis that runs over samples; θ is one array or a list of arrays
    (a pytree: a layer network's W¹, b¹, …).
    """
    if len(devices) == 1:  # JAX's default device: jit moves the arrays itself (a sharded put costs ~2 ms a call)
        jitted = jax.jit(packed)

        def run_one(*args):
            with float64(jax, dtype):   # traced and called in float64 (or float32); the user's default left alone
                return _unpack(jitted(*(a if isinstance(a, jax.Array) else host(a) for a in args)))

        run_one.jitted, run_one.split, run_one.mesh = jitted, None, None
        return run_one
    return _mesh_runner(jax, packed, devices, batch_axes, dtype)


def host(value):
    """An array, or a list of arrays (θ as a pytree), as NumPy; None stays None."""
    if value is None:
        return None
    return [np.asarray(v) for v in value] if isinstance(value, list) else np.asarray(value)


def _unpack(out) -> tuple:
    """(float loss, gradient) from the flat [L, ∂L/∂θ…] the jitted function returns (one transfer to NumPy)."""
    out = np.asarray(out)
    return float(out[0]), out[1:]


def _mesh_runner(jax, packed, devices, batch_axes, dtype=np.float64):
    """``sharded_runner`` over several devices: the batch split along ``batch_axes``, θ and results replicated."""
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    mesh = Mesh(np.array(devices), ("batch",))
    replicated = NamedSharding(mesh, PartitionSpec())
    split = [NamedSharding(mesh, PartitionSpec(*([None] * axis + ["batch"]))) for axis in batch_axes]
    jitted = jax.jit(packed, out_shardings=replicated)

    def run(*args):
        *batch, theta = args
        n = np.shape(batch[0])[batch_axes[0]]
        places = split if n % len(devices) == 0 else [replicated] * len(batch)
        with float64(jax, dtype):   # placed, traced and called in float64 or float32 (see ``float64``)
            placed = [jax.device_put(a if isinstance(a, jax.Array) else np.asarray(a), p)
                      for a, p in zip(batch, places)]
            return _unpack(jitted(*placed, jax.device_put(host(theta), replicated)))

    run.jitted, run.split, run.mesh = jitted, split, mesh  # for inspection (inside ``float64(jax)``): HLO, placements
    return run
