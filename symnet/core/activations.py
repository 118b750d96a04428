"""The activation table: every activation symnet knows, one entry each.

    σ(z) = 1 / (1 + e^(−z)),  relu(z) = max(0, z),  softplus(z) = log(1 + e^z),  tanh,
    identity z,  swish z·σ(z),  softsign z / (1 + |z|),  GELU z·(1 + erf(z/√2)) / 2.

An entry (``Activation``) says everything symnet needs about one activation:

- ``closed``: the activation in SymPy's own functions (exp, log, Max, erf…), which the independent
  ``sympy.diff`` oracle of ``check_grads`` differentiates;
- for a *primitive* (a function of its own, like σ) its ``derivative`` in terms of its output h and
  input z (σ′ = h(1 − h)), the rule's ``notation`` (Unicode, LaTeX, text), and a ``numeric`` form
  that NumPy evaluates without overflow — or ``numpy``, one stable ufunc (σ: ``scipy.special.expit``)
  that generated code calls by the activation's name; the SymPy class is made from the entry when
  not given;
- a *composite* (swish, softsign, GELU) is just its formula: the rules of its parts differentiate it.

That one entry drives the rule table (``symnet.core.rules``), the derivation's rule names
(``symnet.derivation.rules``), the parser's function names (``symnet.io.parsing``), the NumPy code
(``symnet.numeric.codegen``) and the numeric reverse mode (``symnet.numeric.reverse``). Adding an
activation to symnet is adding one entry to ``ACTIVATIONS`` below. Symbolic only: no NumPy here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sympy import Abs, Function, Heaviside, Max, S, Symbol, Wild, erf, exp, log, sqrt, tanh
from sympy.codegen.numpy_nodes import logaddexp

Z, H = Symbol("z"), Symbol("h")    # an activation's input and output, as the rules write them


class ActivationBase(Function):
    """A one-argument activation whose derivative, closed form and value come from its table entry."""

    nargs = 1

    def fdiff(self, argindex=1):
        return entry(type(self)).derivative(self, self.args[0])

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return entry(type(self)).closed(z)

    def _eval_evalf(self, prec):
        return entry(type(self)).closed(self.args[0])._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real


class sigmoid(ActivationBase):
    """The logistic sigmoid σ(z) = 1 / (1 + e^(−z)).

    >>> sigmoid(0)
    1/2
    >>> sigmoid(Symbol("z")).rewrite("exp")
    1/(1 + exp(-z))
    """

    @classmethod
    def eval(cls, z):
        return S.Half if z is S.Zero else None


class relu(ActivationBase):
    """The rectifier relu(z) = max(0, z).

    >>> relu(-3), relu(2)
    (0, 2)
    """

    @classmethod
    def eval(cls, z):
        return Max(S.Zero, z) if z.is_number and z.is_real else None

    def _eval_rewrite_as_Max(self, z, **kwargs):
        return Max(S.Zero, z)


class softplus(ActivationBase):
    """The softplus softplus(z) = log(1 + e^z), a smooth ReLU whose derivative is σ(z).

    >>> softplus(0)
    log(2)
    """

    @classmethod
    def eval(cls, z):
        return log(2) if z is S.Zero else None


@dataclass(frozen=True)
class Activation:
    """One activation: its formula, and for a primitive its rule, notation and stable NumPy form.

    >>> ACTIVATIONS["softsign"](Symbol("z"))
    z/(Abs(z) + 1)
    >>> ACTIVATIONS["sigmoid"].derivative(H, Z)
    h*(1 - h)
    """

    name: str
    closed: Callable                                 # z -> the activation in SymPy's own functions
    derivative: Callable | None = None               # (h, z) -> dh/dz; None for a composite
    notation: tuple[str, str, str] | None = None     # the rule in Unicode, LaTeX and plain text
    numeric: Callable | None = None                  # z -> a form NumPy evaluates without overflow
    function: type | None = None                     # the SymPy class (made from ``name`` if absent)
    numpy: str | None = None                         # or one stable ufunc, bound by name in generated code

    def __post_init__(self):
        if self.derivative is not None and self.function is None:   # a new primitive gets its own class
            object.__setattr__(self, "function", type(self.name, (ActivationBase,), {
                "__doc__": f"The activation {self.name}(z) = {self.closed(Z)}.", "__module__": __name__}))

    @property
    def primitive(self) -> bool:
        return self.derivative is not None

    @property
    def rule(self) -> str:
        """The rule's name, as derivations cite it."""
        return f"{self.name} rule"

    def __call__(self, z):
        return self.function(z) if self.function is not None else self.closed(z)


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    # ---- primitives: a function of their own, with a rule ----------------------------------------------
    Activation("sigmoid", lambda z: 1 / (1 + exp(-z)), lambda h, z: h * (1 - h),     # σ′ = σ(1 − σ)
               ("σ′ = σ(1 − σ)", r"\sigma' = \sigma(1 - \sigma)", "sigmoid' = sigmoid*(1 - sigmoid)"),
               numeric=lambda z: exp(-logaddexp(0, -z)), function=sigmoid, numpy="scipy.special.expit"),
    Activation("tanh", tanh, lambda h, z: 1 - h**2,                                   # tanh′ = 1 − tanh²
               ("tanh′ = 1 − tanh²", r"\tanh' = 1 - \tanh^2", "tanh' = 1 - tanh^2"), function=tanh),
    Activation("relu", lambda z: Max(S.Zero, z), lambda h, z: Heaviside(z),           # relu′ = H(z) off the kink
               ("ReLU′ = H", r"\operatorname{ReLU}' = H", "relu' = H (step)"),
               numeric=lambda z: (z + Abs(z)) / 2, function=relu),
    Activation("softplus", lambda z: log(1 + exp(z)), lambda h, z: sigmoid(z),        # softplus′ = σ
               ("softplus′ = σ", r"\operatorname{softplus}' = \sigma", "softplus' = sigmoid"),
               numeric=lambda z: logaddexp(0, z), function=softplus),
    # ---- composites: a formula of known functions -----------------------------------------------------
    Activation("identity", lambda z: z),
    Activation("swish", lambda z: z * sigmoid(z)),
    Activation("softsign", lambda z: z / (1 + Abs(z))),
    Activation("gelu", lambda z: z * (1 + erf(z / sqrt(2))) / 2),
)}

PRIMITIVES: dict[type, Activation] = {a.function: a for a in ACTIVATIONS.values() if a.primitive}


def entry(cls: type) -> Activation:
    """The table entry of an activation class."""
    return PRIMITIVES[cls]


def rewrite_activations(expr):
    """Rewrite symnet's activations into SymPy's own exp, log and Max (their ``closed`` forms).

    Args:
        expr: any SymPy expression.

    Returns:
        The same expression with no ``sigmoid``, ``relu`` or ``softplus`` (or other table primitive) left.

    >>> rewrite_activations(softplus(Symbol("z")) + relu(Symbol("z")))
    log(exp(z) + 1) + Max(0, z)
    """
    return expr.replace(lambda e: isinstance(e, ActivationBase), lambda e: entry(type(e)).closed(e.args[0]))


def stabilize(expr):
    """Rewrite log-sigmoid patterns into equal forms that stay finite in floating point.

        log σ(u) = −softplus(−u),   log(1 − σ(u)) = −softplus(u),   log(1 + eᵘ) = softplus(u).

    Args:
        expr: any SymPy expression.

    Returns:
        An equal expression in which no ``log`` takes a value that can underflow to 0 or overflow.

    >>> u = Symbol("u")
    >>> stabilize(log(sigmoid(u))), stabilize(log(1 - sigmoid(u))), stabilize(log(1 + exp(u)))
    (-softplus(-u), -softplus(u), softplus(u))
    """
    u = Wild("u")
    for pattern, stable in ((log(sigmoid(u)), -softplus(-u)), (log(1 - sigmoid(u)), -softplus(u)),
                            (log(1 + exp(u)), softplus(u))):
        expr = expr.replace(pattern, stable)
    return expr
