"""JavaScript code from programs: the same straight-line program the NumPy code runs, for the browser.

SymPy's ``JavascriptCodePrinter`` prints every right-hand side; this subclass calls symnet's
activations by their JavaScript lowerings (``symnet.numeric.lowerings``), in stable forms (σ(z) = 1/(1 + e^(−z)) for z ≥ 0 and e^z/(1 + e^z) for z < 0, so
neither branch overflows; softplus(z) = max(z, 0) + log1p(e^(−|z|)); relu(z) = max(z, 0)) and
gives every symbol a generated identifier (``v0``, ``v1``, …): a user symbol named ``e``,
``Math`` or ``return`` can never be read as a JavaScript constant, object or keyword.

    >>> from sympy import symbols
    >>> from symnet.core.activations import sigmoid
    >>> from symnet.core.program import Program
    >>> x, w, z = symbols("x w z")
    >>> program = Program((x,), (w,), ((z, w * x),), (sigmoid(z),))
    >>> print(to_javascript(program, (x, w), "neuron"))
    function neuron(v0, v1) {
      const v2 = v1*v0;  // z
      return [sn_sigmoid(v2)];
    }
"""

from __future__ import annotations

from collections.abc import Sequence

from sympy import Basic, Symbol
from sympy.printing.jscode import JavascriptCodePrinter

from symnet.core.program import Program
from symnet.numeric.lowerings import JAVASCRIPT, lowerings

# the helpers every generated function may call: each primitive's JavaScript lowering (``sn_…``: no symbol
# prints as one), from the one registry
JS_LOWERINGS = lowerings(JAVASCRIPT)
JS_PRELUDE = "".join(f"{form.source}\n" for form in JS_LOWERINGS.values())
JS_FUNCTIONS = {name: form.name for name, form in JS_LOWERINGS.items()}


class SymnetJavascriptPrinter(JavascriptCodePrinter):
    """SymPy's JavaScript printer with generated identifiers for symbols and symnet's stable activations."""

    def __init__(self, names: dict[Symbol, str]):
        super().__init__({"user_functions": dict(JS_FUNCTIONS), "precision": 17})
        self._names = names

    def _print_Symbol(self, expr):
        if expr not in self._names:
            raise ValueError(f"the symbol {expr} is neither an argument nor assigned before it is used; "
                             f"pass it in args (known: {', '.join(map(str, self._names))})")
        return self._names[expr]

    def _print_Function(self, expr):
        name = type(expr).__name__
        if name not in self.known_functions:
            raise NotImplementedError(f"no JavaScript form for {name}; symnet knows "
                                      f"{', '.join(sorted(self.known_functions))}")
        return super()._print_Function(expr)


def identifiers(symbols: Sequence[Symbol]) -> dict[Symbol, str]:
    """One generated identifier per symbol, in order: ``v0``, ``v1``, …

    >>> from sympy import symbols
    >>> identifiers(symbols("e Math"))
    {e: 'v0', Math: 'v1'}
    """
    return {s: f"v{i}" for i, s in enumerate(symbols)}


def to_javascript(program: Program, args: Sequence[Symbol], name: str, outputs: Sequence[Basic] | None = None) -> str:
    """A JavaScript function ``name(args…)`` running ``program`` and returning its outputs as an array.

    Args:
        program: the straight-line program (its assignments become ``const`` lines).
        args: the function's parameters, in order (inputs, params, …); every free symbol must be one.
        name: the function's name (a JavaScript identifier).
        outputs: what to return (default ``program.outputs``); e.g. every assigned symbol.

    Returns:
        The source text: one ``const`` per assignment, commented with the symbol's name.
    """
    if not name.isidentifier():
        raise ValueError(f"the function name must be an identifier; got {name!r}")
    names = identifiers(tuple(args) + program.symbols)
    if len(names) != len(args) + len(program.symbols):
        raise ValueError("an argument is also assigned in the program, or appears twice; each symbol once")
    printer = SymnetJavascriptPrinter(names)
    lines = [f"function {name}({', '.join(names[a] for a in args)}) {{"]
    lines += [f"  const {names[lhs]} = {printer.doprint(rhs)};  // {lhs}" for lhs, rhs in program.assignments]
    results = program.outputs if outputs is None else tuple(outputs)
    lines.append(f"  return [{', '.join(printer.doprint(e) for e in results)}];")
    return "\n".join(lines + ["}"])


def expression_to_javascript(expr: Basic, args: Sequence[Symbol], name: str) -> str:
    """One expression as a JavaScript function of ``args`` returning a number (not an array).

    >>> from sympy import Symbol
    >>> print(expression_to_javascript(Symbol("x")**2 - 2*Symbol("x"), [Symbol("x")], "h"))
    function h(v0) {
      return Math.pow(v0, 2) - 2*v0;
    }
    """
    printer = SymnetJavascriptPrinter(identifiers(tuple(args)))
    return f"function {name}({', '.join(printer.doprint(a) for a in args)}) {{\n  return {printer.doprint(expr)};\n}}"
