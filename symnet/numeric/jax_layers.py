"""A layer network's gradient program jitted in JAX, with no more host work around the jitted call than a JAX
user writes by hand.

Three forms of θ, one program (``sums``):

    fn(theta, X, y)             θ a NumPy vector: it crosses to the device as one array, W¹, b¹, … are sliced
                                from it inside the jit, and one array comes back (mean loss, gradient, a check)
    fn(theta_on_device, X, y)   θ a JAX vector: sliced inside the jit; the gradient stays a JAX array there
    fn([W1, b1, W2, b2], X, y)  θ as its arrays (a pytree, ``fn.unflatten``'s shapes): the gradient comes back
                                as a list of JAX arrays in the same shapes, as ``jax.value_and_grad`` returns it

The loss is a float in every form; X and y may be NumPy arrays or JAX arrays already on the device, and neither is
copied to the host. Measured here (``benchmarks/bench_layers.py --jax``): one flat θ sliced inside the jit costs
less than four arrays crossing to the device (a transfer has a fixed cost of several µs), so the NumPy form passes
θ whole; the labels become one-hot rows inside the jit.

What must be known before the call is checked on the host: the shapes and dtypes (the full check, once per shape).
The values are read after the call, from one number the jit adds up: the loss, Σ Y (a loss formula of your own may
squash a target: tanh(∞) = 1) and Σ (∂C/∂θ + θ²) over every parameter array; a float32 loss narrows 64-bit
arrays first (JAX would wrap int64 labels to int32) and checks the data as float32. For a dense first layer a value of X that is not finite always makes ∂C/∂W¹ = Σₓ δₓ xᵀ not
finite (NaN·0 and ∞·0 are NaN), and a label or target outside its range becomes a NaN target inside the jit, so
the loss is NaN; θ needs its own term (an infinite bias before a sigmoid leaves the loss and the gradient
finite). A check that is not finite sends the call through the full check, which raises saying what is wrong
(for finite data whose numbers overflowed it passes, and the result comes back as NumPy's would). How it is added
up was measured: reading one number, not summing the gradient on the host, which would read it from the cache of
the core that wrote it (20 µs at 64-32-10); and θ² added to each gradient array's sum, a loop XLA fuses with the
one dividing that array by N, where four θ·θ of their own were four more kernels (+5–7% at 64-32-10).
A convolutional first layer can leave pixels unread (a stride past the kernel), so there X's values are checked
before the call, on the host.
"""

from __future__ import annotations

from dataclasses import replace
from math import isfinite

import numpy as np

from symnet.core.losses import target_range
from symnet.numeric.batch import real_array, remember, vdot
from symnet.numeric.bindings import compile_steps
from symnet.numeric.generation import Generated, source
from symnet.numeric.jaxgen import _jax, float64, host, jax_target, mesh_devices, sharded_runner


def traced_targets(jnp, network, bounds=None):
    """``targets(y, dtype)``, traced inside the jit: y as the N × n_L array the generated code takes, as
    ``MatrixLayout.targets`` makes it in NumPy. A softmax's class labels (a vector, integers or whole floats) become
    one-hot rows there, ``labels[:, None] == arange(k)``, so no N × k array is built or sent per call.

    A label outside 0…k−1 (or not whole), or a target outside ``bounds`` = (low, high), becomes NaN, so that the
    loss is not finite and the full check after the call says which row is wrong."""
    k, softmax = network.sizes[-1], network.output_activation == "softmax"

    def targets(y, dtype):
        if y.ndim == 1 and softmax:   # compared as floats: uint8 labels of 300 classes, bool labels, huge int64
            labels = y.astype(dtype)  # labels (exact below 2^24 in float32, 2^53 in float64) do not wrap around
            ok = (labels >= 0) & (labels < k) & (labels == jnp.floor(labels))
            return jnp.where(ok[:, None], labels[:, None] == jnp.arange(k, dtype=dtype), jnp.nan).astype(dtype)
        Y = jnp.reshape(y, (y.shape[0], k)).astype(dtype)
        return Y if bounds is None else jnp.where((Y >= bounds[0]) & (Y <= bounds[1]), Y, jnp.nan)

    return targets


def matrix_jax(compiled, devices: int | None = None):
    """``compiled`` (a program of matrix steps, compiled for NumPy) with its gradient program printed by the JAX
    printer and jitted, the batch split over ``devices`` devices by rows:

        ∂C/∂Wˡ = Σₓ δₓ aₓᵀ = Σ_d Σ_{x ∈ shard d} δₓ aₓᵀ

    XLA's partitioner turns each batch sum into per-device sums followed by an all-reduce. ``predict`` and the
    written module stay NumPy's. The call checks shapes before the jitted call and values after it
    (``CallCheck``). A NumPy θ comes back as a NumPy gradient; a θ that is a JAX array (on one device) is sliced
    inside the jit and its gradient stays a JAX array on the device (the loss is a float either way).
    """
    jax = _jax()
    chosen = mesh_devices(jax, devices)
    program = compiled.gradient.program
    function = compile_steps(program, list(program.outputs), "value_and_grad", target=jax_target())
    programs = Programs(jax.numpy, function, compiled)
    sharded = sharded_runner(jax, programs.one_array, chosen, (0, 0), compiled.dtype)
    on_device = {"flat": jax.jit(programs.on_the_device), "tree": jax.jit(programs.as_tree)} \
        if len(chosen) == 1 else None
    run = _runner(jax, compiled, sharded, on_device)
    generated = Generated(function, source(function), (), (), ())
    call_check = CallCheck(compiled, jax.Array, values_after=compiled.network.reads_every_input)
    return replace(compiled, generated=generated, backend="jax", run=run, devices=tuple(chosen),
                   call_check=call_check)


class Programs:
    """The jitted programs, one per form of θ, around the generated ``function`` (batch sums): each returns the
    mean loss, the gradient and the check (a number that is not finite when an input is not)."""

    def __init__(self, jnp, function, compiled):
        ranged = target_range(compiled.loss.name)
        self.jnp, self.function, self.dtype, self.slices = jnp, function, compiled.dtype, compiled.layout.slices
        self.targets = traced_targets(jnp, compiled.network, None if ranged is None else ranged[1])

    def sums(self, X, y, params):
        """(loss sum, gradient sums, check so far): the loss plus Σ Y (a loss of your own may squash a NaN or ∞
        target: tanh(∞) = 1). Each program adds its gradient's and θ's terms, where they cost least."""
        params = [p.astype(self.dtype) for p in params]   # arrays of another dtype are cast here, inside the jit
        Y = self.targets(y, self.dtype)
        total, *grads = self.function(X.astype(self.dtype), Y, *params)
        return total, grads, total + self.jnp.sum(Y)

    def params_of(self, theta):
        """W¹, b¹, … sliced from the flat θ inside the jit: one array crosses to the device."""
        return [theta[a:b].reshape(shape) for a, b, shape in self.slices]

    def one_array(self, X, y, theta):
        """A NumPy θ: one array back, [mean loss, gradient…, check] (θ·θ is taken on the host, where θ lies)."""
        jnp = self.jnp
        total, grads, check = self.sums(X, y, self.params_of(theta))
        check = check + sum(jnp.sum(g) for g in grads)
        return jnp.concatenate([jnp.reshape(total, (1,)), *(jnp.ravel(g) for g in grads),
                                jnp.reshape(check, (1,))]) / X.shape[0]

    def on_the_device(self, X, y, theta):
        """A JAX θ: [mean loss, check] back to the host, the flat gradient left on the device. θ·θ whole: θ² of
        the slices would be fused into them, slowing the products (2× at 784-128-10)."""
        jnp, n = self.jnp, X.shape[0]
        total, grads, check = self.sums(X, y, self.params_of(theta))
        check = check + sum(jnp.sum(g) for g in grads) + jnp.vdot(theta, theta)
        return jnp.stack([total, check]) / n, jnp.concatenate([jnp.ravel(g) for g in grads]) / n

    def as_tree(self, X, y, params):
        """θ as its arrays [W¹, b¹, …] (a pytree): the gradient comes back as one, in the same shapes. Σ (∂C/∂θ +
        θ²) per array is a loop XLA fuses with the one dividing that array by N (four θ·θ of their own: +5–7%)."""
        jnp, n = self.jnp, X.shape[0]
        total, grads, check = self.sums(X, y, params)
        grads = [jnp.reshape(g, p.shape) for g, p in zip(grads, params)]
        check = check + sum(jnp.sum(g + p * p) for g, p in zip(grads, params))
        return jnp.stack([total, check]) / n, [g / n for g in grads]


def _runner(jax, compiled, sharded, on_device):
    """``run(X, y, theta)``: the jitted program for θ's form, then the check it added up, read as one number (a
    sum on the host would read the gradient from another core's cache: 20 µs at 64-32-10)."""
    dtype, narrow = compiled.dtype, _narrowing(compiled.dtype)

    def refuse(theta, X, y):   # not finite: the full check says what in the data is wrong (it passes for finite
        compiled.checker.full(*checkable(dtype, flat_theta(theta), X, y))   # data that overflowed)

    def run(X, y, theta):   # the one compiled type: .function and .source are JAX's; predict stays NumPy
        form = "tree" if isinstance(theta, list) else "flat" if isinstance(theta, jax.Array) else None
        if form is not None and on_device is not None:
            with float64(jax, dtype):
                small, gradient = on_device[form](narrow(X), narrow(y), narrow(theta))
                value, finite = np.asarray(small).tolist()   # two numbers to the host; the gradient stays
            if not isfinite(finite):
                refuse(theta, X, y)
            return value, gradient
        flat = narrow(flat_theta(theta) if form is not None else theta)   # several devices: joined on the host
        if not isfinite(vdot(flat, flat)):   # here, not in the jit (see ``Programs.on_the_device``)
            refuse(flat, X, y)
        value, out = sharded(narrow(X), narrow(y), flat)
        if not isfinite(out[-1]):
            refuse(flat, X, y)
        return value, (list(compiled.unflatten(out[:-1])) if form == "tree" else out[:-1])

    run.jitted, run.split, run.mesh = sharded.jitted, sharded.split, sharded.mesh   # for inspection, as jax_runner's
    run.on_device = on_device
    return run


def _narrowing(dtype):
    """For a float32 loss, ``narrow(array)``: a 64-bit array (NumPy or JAX) as float32 before the call, which runs
    with x64 off, where JAX would turn int64 labels into int32 (2³² + 1 becoming class 1) and warn at float64
    arrays; class labels as float32 are exact below 2²⁴ and checked inside the jit. For float64: nothing."""
    if dtype == np.float64:
        return lambda a: a

    def narrow(a):
        if isinstance(a, list):
            return [narrow(v) for v in a]
        if a is None or a.dtype.itemsize < 8:
            return a
        with np.errstate(over="ignore"):   # a float64 beyond float32's range becomes ∞: the check refuses it
            return a.astype(np.float32)
    return narrow


def checkable(dtype, theta, X, y) -> tuple:
    """θ, X and y on the host in the loss's dtype, as the NumPy backend's check sees them (a value finite in float64
    may be ∞ in float32); integer labels stay integers."""
    theta, X, y = host(theta), host(X), host(y)
    y = y if y is None or y.dtype.kind in "iub" else real_array(y, "y", dtype)
    return real_array(theta, "theta", dtype), real_array(X, "X", dtype), y


def flat_theta(theta):
    """θ as one NumPy vector: a list of arrays [W¹, b¹, …] joined row by row (as ``CompiledLoss.unflatten`` splits
    it), a JAX array brought to the host."""
    if isinstance(theta, list):
        return np.concatenate([np.ravel(np.asarray(a)) for a in theta])
    return host(theta)


class CallCheck:
    """``check(theta, X, y) -> (theta, X, y)`` before a JAX layer network's jitted call: NumPy or JAX arrays passed
    on as they are (anything else as a float NumPy array), their shapes and dtypes checked; θ is one vector, or a
    list of arrays [W¹, b¹, …] in ``CompiledLoss.shapes``.

    A shape (and dtype) seen for the first time goes through the compiled loss's full check (``ValueError`` saying
    what is wrong). With ``values_after`` the values are left to the check after the call (the module's docstring
    says what it adds up and why that is complete for a dense first layer);
    without it X's and y's values are checked here, on the host, as NumPy's backend checks them.
    """

    def __init__(self, compiled, device_array, values_after: bool):
        self.compiled, self.device_array, self.values_after = compiled, device_array, values_after
        self.dtype, self.shapes = compiled.dtype, set()

    def __call__(self, theta, X, y):
        try:   # arrays seen before in these types, shapes and dtypes: passed on as they are
            key = (_key(theta), type(X), X.shape, X.dtype, type(y), y.shape, y.dtype)
        except AttributeError:   # a list of numbers, a scalar, or None
            key = None
        if key is not None and key in self.shapes:
            if not self.values_after:
                self.compiled.checker(flat_theta(theta), host(X), host(y))   # X's and y's values, on the host
            return theta, X, y
        return self._first(theta, X, y, key)

    def _first(self, theta, X, y, key):
        """The full check (``ValueError`` saying what is wrong) of arrays not seen before; their key remembered
        when they pass as they are (a list of numbers, or an object array, is converted and checked on each call)."""
        given = (theta, X, y)
        if _arrays(theta):
            theta = [self._array(a, "theta") for a in theta]
            shapes = tuple(self.compiled.shapes)
            if tuple(np.shape(a) for a in theta) != shapes:
                raise ValueError(f"theta as a list of arrays [W¹, b¹, …] must have the shapes {list(shapes)}; got "
                                 f"{[np.shape(a) for a in theta]}")
        else:
            theta = self._array(theta, "theta")
        X, y = self._array(X, "X"), self._array(y, "y")
        self.compiled.checker.full(*checkable(self.dtype, flat_theta(theta), X, y))   # in the loss's dtype
        if key is not None and X is given[1] and y is given[2] and _same(theta, given[0]):
            remember(self.shapes, key)
        return theta, X, y

    def _array(self, value, name):
        """A JAX array, or a NumPy array of real numbers, as it is; anything else as a float NumPy array."""
        if value is None or isinstance(value, self.device_array):
            return value
        if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
            return value
        return real_array(value, name, self.dtype)


def _arrays(theta) -> bool:
    """True for θ given as its arrays [W¹, b¹, …]: a list with an array of one axis or more (a list of numbers is
    the flat θ)."""
    return isinstance(theta, list) and any(np.ndim(a) >= 1 for a in theta)


def _key(theta):
    """θ's type, shape and dtype (each array's, for a list of arrays); AttributeError for anything else."""
    if isinstance(theta, list):
        return tuple((type(a), a.shape, a.dtype) for a in theta)
    return type(theta), theta.shape, theta.dtype


def _same(checked, given) -> bool:
    if isinstance(given, list):
        return all(a is b for a, b in zip(checked, given))
    return checked is given
