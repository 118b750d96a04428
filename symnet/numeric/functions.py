"""NumPy forms of functions, from the activation table and SymPy's own printers (no hand-written copies).

For each primitive of ``symnet.core.activations.ACTIVATIONS`` the forward value is its entry's
``numeric`` formula (σ(z) = exp(−logaddexp(0, −z)), softplus(z) = logaddexp(0, z), finite for any
float z), printed by SymPy's NumPy/SciPy printers; its vector-Jacobian product ḡ ↦ ḡ · h′ comes from
the entry's ``derivative`` in terms of the output h and the input z. Any other SymPy function that
knows its derivative (``erf``: ``fdiff``) gets both from SymPy: its value from the SciPy printer
(``scipy.special.erf``, never ``math.erf``), its partials from ``fdiff``.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from sympy import Dummy, lambdify

from symnet.core.activations import ACTIVATIONS, PRIMITIVES, H, ActivationBase, Z
from symnet.core.rules import knows_derivative

MODULES = ("scipy", "numpy")    # SciPy first: erf, expit… print as scipy.special.*, never math.*


def numpy_functions() -> dict:
    """{name: NumPy function} for the activation classes generated code calls by name (sigmoid, relu…).

    >>> import numpy as np
    >>> numpy_functions()["sigmoid"](np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    return {a.name: forward(a.function) for a in ACTIVATIONS.values()
            if a.function is not None and issubclass(a.function, ActivationBase)}


@lru_cache(maxsize=None)
def forward(cls: type):
    """A NumPy function computing ``cls`` (a table primitive or a SymPy function); None if there is none.

    >>> from sympy import erf
    >>> round(float(forward(erf)(1.0)), 6)
    0.842701
    """
    if cls in PRIMITIVES and PRIMITIVES[cls].numpy:
        return resolve(PRIMITIVES[cls].numpy)
    if cls in PRIMITIVES:
        a = PRIMITIVES[cls]
        formula = (a.numeric or a.closed)(Z)
        return lambdify([Z], formula, modules=_modules(formula))
    if knows_derivative(cls):
        args = _arguments(cls)
        return lambdify(args, cls(*args), modules=list(MODULES))
    return None


@lru_cache(maxsize=None)
def vjp(cls: type):
    """``(g, ans, *args) -> [ḡ per argument]`` for ``cls``; None if there is none.

    >>> from symnet.core.activations import sigmoid
    >>> vjp(sigmoid)(1.0, 0.5, 0.0)
    [0.25]
    """
    if cls in PRIMITIVES:
        derivative = PRIMITIVES[cls].derivative(H, Z)                # softplus′ = σ(z): σ is a table function
        local = lambdify([H, Z], derivative, modules=_modules(derivative))
        return lambda g, ans, z: [g * local(ans, z)]
    if knows_derivative(cls):
        args = _arguments(cls)
        node = cls(*args)
        partials = [lambdify(args, node.fdiff(i), modules=list(MODULES)) for i in range(1, len(args) + 1)]
        return lambda g, ans, *values: [g * p(*values) for p in partials]
    return None


def resolve(dotted: str):
    """The function a dotted name names, e.g. ``scipy.special.expit``."""
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _modules(formula) -> list:
    """SciPy and NumPy, and the NumPy forms of the table functions ``formula`` calls (σ in softplus′)."""
    own = {type(node).__name__: forward(type(node)) for node in formula.atoms(ActivationBase)}
    return [own, *MODULES]


def _arguments(cls: type) -> tuple:
    nargs = getattr(cls, "nargs", None)
    count = min(nargs) if nargs and hasattr(nargs, "__iter__") and min(nargs) > 0 else 1
    return tuple(Dummy(f"a{i}") for i in range(count))
