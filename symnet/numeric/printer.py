"""How programs become Python source: one printer per array library for scalar and matrix steps alike.

``NumPyCodePrinter`` (and ``jaxgen.JaxCodePrinter``, the same methods for ``jax.numpy``) is SymPy's
SciPy printer, fully qualified, with symnet's stable activations (``StableForms``) and batch-first
matrix steps (``BatchFirst``, in ``symnet.numeric.batchfirst``), and generated identifiers.

Two rules make a user's names impossible to confuse with anything in the generated code:

1. Every library call and constant is printed with its module path (``numpy.exp``, ``numpy.e``,
   ``scipy.special.erf``), so ``e``, ``exp`` or ``maximum`` in the source can only be variables;
   the only bare global names are the helpers the namespace binds (``sigmoid``) and user functions.
2. Every symbol gets a generated identifier (``identifiers``): an ASCII Python name derived from its
   own name, made unique, and never equal to a keyword, a builtin, a module or a function the
   generated code refers to. Which global names the code refers to is read back from the printed
   source (``global_names``), not from a list.

Activations are bound to stable one-ufunc forms: σ(z) = ``scipy.special.expit(z)`` (bound as
``sigmoid``), softplus(z) = log(1 + eᶻ) = ``numpy.logaddexp(0, z)``, relu(z) = ``numpy.maximum(z, 0)``,
H(z) = ``numpy.heaviside(z, ½)``; none overflows for any finite z.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable, Mapping

from sympy import Function, S, Symbol
from sympy.printing.numpy import SciPyPrinter

from symnet.core.activations import ACTIVATIONS, PRIMITIVES, relu, softplus
from symnet.numeric.batchfirst import BatchFirst
from symnet.numeric.functions import resolve

# helpers bound by name in the namespace: name -> (callable, the import line a standalone module needs)
HELPERS = {a.name: (resolve(a.numpy), "from {} import {} as {}".format(*a.numpy.rsplit(".", 1), a.name))
           for a in ACTIVATIONS.values() if a.numpy}   # σ: scipy.special.expit, from its table entry
RESERVED = frozenset(keyword.kwlist) | frozenset(dir(builtins))
LONG_SUM = 16   # terms beyond which a sum is printed in SymPy's stored order, not sorted


class batch_mean(Function):
    """The mean of a per-sample value over the batch: printed as one sum divided by the batch size."""

    nargs = 1


class StableForms:
    """Printer methods for symnet's activations, H, max, min and π, in ``self._module`` (numpy, jax.numpy).

    ``user`` names functions printed by name and bound in the namespace (they win over every form below);
    ``batch``, ``functions`` and ``batch_form`` (``"rows"``, ``"stacked"``) are for matrix steps (``BatchFirst``).
    """

    def __init__(self, user: Iterable[str] = (), batch: Iterable[str] = (), functions: Mapping | None = None,
                 batch_form: str | None = None):
        self.user = frozenset(user)
        super().__init__({"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": True,
                          "user_functions": {name: name for name in self.user}})
        self.batch, self.functions = set(batch), dict(functions or {})
        self.batch_form = batch_form or self.batch_form

    def _as_ordered_terms(self, expr, order=None):
        # SymPy sorts a sum's terms by monomial keys as long as the sum has generators: quadratic in its
        # length. A neuron's z = b + Σ wᵢxᵢ over a wide input keeps SymPy's own order of the terms instead
        # (short sums print as before).
        if len(expr.args) > LONG_SUM:
            return list(expr.args)
        return super()._as_ordered_terms(expr, order)

    def _call(self, name, *args) -> str:
        return f"{self._module_format(self._module + '.' + name)}({', '.join(self._print(a) for a in args)})"

    def _print_softplus(self, expr):
        if expr.func is not softplus or "softplus" in self.user:
            return self._print_Function(expr)
        return self._call("logaddexp", S.Zero, expr.args[0])  # log(e⁰ + eᶻ), exact for any z

    def _print_relu(self, expr):
        if expr.func is not relu or "relu" in self.user:
            return self._print_Function(expr)
        return self._call("maximum", expr.args[0], S.Zero)

    def _print_ActivationBase(self, expr):
        # another primitive of the activation table (SymPy dispatches a Function subclass by a name ending
        # in "Base"): its entry's stable (or closed) formula, inline
        if expr.func.__name__ in self.user:
            return self._print_Function(expr)
        entry = PRIMITIVES[expr.func]
        return self._print((entry.numeric or entry.closed)(expr.args[0]))

    def _print_Pi(self, expr):
        return self._module_format(self._module + ".pi")

    def _print_Heaviside(self, expr):
        return self._call("heaviside", expr.args[0], expr.args[1] if len(expr.args) > 1 else S.Half)

    def _print_Max(self, expr):
        return self._fold("maximum", expr.args)

    def _print_Min(self, expr):
        return self._fold("minimum", expr.args)

    def _fold(self, name, args) -> str:
        text = self._print(args[-1])
        for arg in reversed(args[:-1]):
            text = f"{self._module_format(self._module + '.' + name)}({self._print(arg)}, {text})"
        return text

    def _print_batch_mean(self, expr):
        return self._call("mean", expr.args[0])


class NumPyCodePrinter(StableForms, BatchFirst, SciPyPrinter):
    """SymPy's SciPy printer with module paths spelled out, symnet's activations in stable forms and matrix
    steps batch first (layer, conv and attention networks, typed matrix losses): the one NumPy printer."""

    def _print_batch_mean(self, expr):
        value = self._print(expr.args[0])
        if not expr.args[0].is_Symbol:
            return self._call("mean", expr.args[0])
        return f"{self._module_format('numpy.add')}.reduce({value})/{value}.size"  # a third of numpy.mean's cost


def identifiers(symbols: Iterable[Symbol], reserved: Iterable[str] = ()) -> dict[Symbol, str]:
    """A distinct ASCII Python identifier for each symbol, avoiding keywords, builtins and ``reserved``.

    >>> from sympy import symbols
    >>> identifiers(symbols("e E lambda θ2 x"), reserved={"numpy"})
    {e: 'e', E: 'E', lambda: 'lambda_1', θ2: 'theta2', x: 'x'}
    """
    used, names = set(RESERVED) | set(reserved), {}
    for symbol in symbols:
        base = _ascii_name(symbol.name)
        name, i = base, 0
        while name in used:
            i += 1
            name = f"{base}_{i}"
        used.add(name)
        names[symbol] = name
    return names


def _ascii_name(name: str) -> str:
    """θ2 → theta2, Θ → Theta, 中 → u4e2d; anything else outside [A-Za-z0-9_] becomes ``_``."""
    parts = []
    for char in unicodedata.normalize("NFKC", name):
        if char.isascii():
            parts.append(char if char.isalnum() or char == "_" else "_")
        elif unicodedata.name(char, "").startswith("GREEK ") and char.isalpha():
            word = unicodedata.name(char).split()[-1].lower()
            parts.append(word.capitalize() if char.isupper() else word)
        else:
            parts.append(f"u{ord(char):04x}")
    text = re.sub(r"^[^A-Za-z]+", "", "".join(parts))
    return text or "v"


def global_names(source: str) -> set[str]:
    """Names a generated function reads that it neither takes nor assigns: its globals."""
    local, read = set(), set()
    for node in ast.walk(ast.parse(source)):      # one walk: a 2-16-16-1 gradient is 10⁵ nodes
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else local).add(node.id)
        elif isinstance(node, ast.arguments):
            local.update(a.arg for a in node.args)
    return read - local


def user_functions(exprs, numpy: Mapping | None = None, helpers: Mapping = HELPERS) -> dict:
    """Functions bound by name: symnet's helpers, any class's ``_imp_`` (SymPy's ``implemented_function``
    convention), then the per-call ``numpy`` mapping {name: callable}."""
    names = {name: fn for name, (fn, _) in helpers.items()}
    for expr in exprs:
        for node in expr.atoms(Function):
            imp = getattr(type(node), "_imp_", None)
            if imp is not None:
                names[type(node).__name__] = imp
    names.update(numpy or {})
    return names


def function_names(exprs) -> set[str]:
    """The names of every applied function class in ``exprs`` (user functions print by these)."""
    return {type(node).__name__ for expr in exprs for node in expr.atoms(Function)}
