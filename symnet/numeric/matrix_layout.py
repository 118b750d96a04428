"""How a typed matrix loss's compiled function meets its data: θ flat, the data as whole arrays.

The generated function takes (data…, sizes…, constants…, parameters…) — X as the N × d array, a vector
as an N × 1 column. ``MatrixExprLayout`` binds each size (N) from the data's shapes, checks every
declared size, reshapes θ into the parameters and flattens their gradients back: the ``layout=`` of the
one ``CompiledLoss`` (see ``symnet.numeric.compiled``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from symnet.numeric.batch import real_array
from symnet.numeric.matrix_printer import module_source


@dataclass(frozen=True)
class MatrixExprLayout:
    """θ ↔ the parameters of ``loss`` (``params``, in order); ``constants`` {name: value}."""

    loss: object
    params: tuple
    constants: dict
    names_its_data = True            # data by name ({"X": X, "y": y}): CompiledLoss takes no separate y

    # ---- data -------------------------------------------------------------------------------------
    def as_mapping(self, X, y=None) -> dict:
        """The data as {name: array}: a mapping as given, or X (and y) in declared order."""
        if isinstance(X, Mapping):
            return dict(X)
        arrays = [a for a in (X, y) if a is not None]
        if len(arrays) != len(self.loss.data):
            raise ValueError(f"the loss reads {len(self.loss.data)} data arrays "
                             f"({', '.join(d.name for d in self.loss.data)}); got {len(arrays)}: pass a mapping "
                             f"{{name: array}}")
        return {d.name: a for d, a in zip(self.loss.data, arrays)}

    def bind(self, X, y=None) -> tuple[dict, list]:
        """({size name: value}, [data arrays as 2-D float arrays]) or ``ValueError`` saying what does not fit."""
        data = self.loss.data
        if isinstance(X, Mapping) and y is not None:
            raise ValueError("give the data either as a mapping {name: array} or as X, y, not both")
        mapping = self.as_mapping(X, y)
        missing = [d.name for d in data if d.name not in mapping]
        if missing:
            raise ValueError(f"no array for {', '.join(missing)}: the loss reads the data "
                             f"{', '.join(d.name for d in data)}")
        given = [mapping[d.name] for d in data]
        sizes: dict = {}
        return sizes, [self._array(d, a, sizes) for d, a in zip(data, given)]

    def _array(self, symbol, value, sizes) -> np.ndarray:
        a = real_array(value, symbol.name)
        a = a[:, None] if a.ndim == 1 else a
        if a.ndim != 2:
            raise ValueError(f"{symbol.name} must be a vector or a matrix; got shape {np.shape(value)}")
        for axis, (dim, n) in enumerate(zip(symbol.shape, a.shape)):
            want = sizes.setdefault(dim.name, n) if dim.is_Symbol else int(dim)
            if want != n:
                raise ValueError(f"{symbol.name} must be {self.shape_text(symbol, sizes)}; got shape {a.shape} "
                                 f"(axis {axis} has {n}, the declared size is {want})")
        return a

    def shape_text(self, symbol, sizes) -> str:
        """``N × 3`` and, once N is bound, ``N × 3 (N = 40)``."""
        bound = [f"{d} = {sizes[str(d)]}" for d in symbol.shape if d.is_Symbol and str(d) in sizes]
        return " × ".join(map(str, symbol.shape)) + (f" ({', '.join(bound)})" if bound else "")

    def param_shapes(self, sizes) -> tuple:
        shapes = []
        for p in self.params:
            dims = [sizes.get(str(d)) if d.is_Symbol else int(d) for d in p.shape]
            if None in dims:
                raise ValueError(f"the size of {p.name} ({self.shape_text(p, {})}) is not fixed by the data")
            shapes.append(tuple(dims))
        return tuple(shapes)

    def check_theta(self, theta, shapes) -> np.ndarray:
        theta = real_array(theta, "theta")
        n = sum(int(np.prod(s)) for s in shapes)
        if theta.shape != (n,) or not np.isfinite(theta).all():
            names = ", ".join(f"{p.name} ({' × '.join(map(str, s))})" for p, s in zip(self.params, shapes))
            raise ValueError(f"theta must hold {n} finite numbers: {names}, each row by row; got shape {theta.shape}")
        return theta

    def full_check(self, theta, X, y):
        sizes, arrays = self.bind(X, y)
        shapes = self.param_shapes(sizes)
        theta = None if theta is None else self.check_theta(theta, shapes)
        values = [sizes.get(s.name, 0) for s in self.loss.sizes]
        return theta, (arrays + values + [self.constants[c.name] for c in self.loss.constants], shapes), None

    # ---- the layout protocol of CompiledLoss ------------------------------------------------------
    def checker(self, compiled):
        return self.full_check

    def runner(self, compiled):
        function = compiled.generated.function

        def run(arguments, y, theta):
            values, shapes = arguments
            with np.errstate(all="ignore"):
                total, *grads = function(*values, *self.split(theta, shapes))
            flat = np.concatenate([np.asarray(g, dtype=float).ravel() for g in grads])
            if not (math.isfinite(total) and math.isfinite(np.vdot(flat, flat))):
                self.check_finite(values)           # NaN or inf in the data: say where (else the loss overflowed)
            return float(total), flat
        return run

    def check_finite(self, values) -> None:
        """``ValueError`` naming the first data array with a NaN or inf, and its row.

        Run only when a result is not finite: a NaN or inf in the data reaches the loss or the gradient
        (0·inf is NaN), so finite results need no look at the N × d data (which costs as much as a product).
        """
        for d, a in zip(self.loss.data, values):
            bad = ~np.isfinite(a)
            if bad.any():
                row = int(np.flatnonzero(bad.any(axis=1))[0]) + 1
                raise ValueError(f"{d.name} must be finite; row {row} holds a value that is not (NaN or inf)")

    def split(self, theta, shapes) -> list:
        out, start = [], 0
        for s in shapes:
            size = int(np.prod(s))
            out.append(theta[start:start + size].reshape(s))
            start += size
        return out

    def arguments(self, X):
        return X

    def shapes(self, compiled=None) -> tuple:
        return self.param_shapes({})

    def check(self, compiled, X, y) -> None:
        self.full_check(None, X, y)

    def unflatten(self, compiled, theta) -> dict:
        shapes = self.param_shapes({}) if all(d.is_Integer for p in self.params for d in p.shape) else None
        if shapes is None:
            raise ValueError("the parameters' sizes depend on the data: call with data first")
        return {p.name: a for p, a in zip(self.params, self.split(self.check_theta(theta, shapes), shapes))}

    def targets(self, compiled, y, n):
        return y

    def value(self, compiled, X, y, theta) -> float:
        return self.runner(compiled)(X, y, theta)[0]

    @property
    def params_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def module(self, compiled) -> str:
        return module_source(compiled)

    def predict(self, compiled, theta, X):
        raise ValueError("a typed loss is one number of its data and parameters; it has no prediction per row")

    def per_sample(self, compiled, X, y, theta):
        raise ValueError("a typed matrix loss is computed on the whole data at once; per_sample is for networks")
