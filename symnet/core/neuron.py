"""The neuron f(θᵢ, u₁, …, u_k) and the neuron models that give it meaning.

A neuron is written as the article writes it: ``f(θ5, f(θ3, …), f(θ4, …))``. The first argument
θᵢ names the neuron's parameter group; the rest are its inputs. A ``NeuronModel`` turns it into
a formula: the default is the affine model hᵢ = σ(zᵢ), zᵢ = Σⱼ wᵢⱼ uⱼ + bᵢ, so θᵢ = (wᵢ₁…wᵢₖ, bᵢ);
the scalar model uses one number per neuron, hᵢ = act(θᵢ · Σⱼ uⱼ).

The activation is a name from the activation table (``symnet.core.activations.ACTIVATIONS``:
sigmoid, tanh, relu, softplus, identity, swish, softsign, gelu) or your own: a SymPy function
class (``erf``), a one-argument function (``lambda z: z * sigmoid(z)``) or an expression in the
symbol ``z``. Your own is kept as its formula in z, so models compare, print and save by value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sympy import Add, Basic, Function, Symbol

from symnet.core.activations import ACTIVATIONS, Z
from symnet.core.namepattern import MAX_NAME_LENGTH, NAME_PATTERN  # noqa: F401  (the safe parser uses the same rule)
from symnet.core.program import postorder
from symnet.core.rules import DERIVATIVES, lookup

PARAMETERIZATIONS = ("affine", "scalar")



class f(Function):
    """A neuron: ``f(θ, u1, …, uk)`` applies the neuron with parameter group θ to inputs u.

    It stays unevaluated, so a network is written exactly as the article writes it, and an
    identical sub-network (``f(θ2, x2)`` used twice) is one SymPy object, hence one node.

    >>> from sympy import symbols
    >>> θ1, x1 = symbols("θ1 x1")
    >>> f(θ1, x1)
    f(θ1, x1)
    """

    @classmethod
    def eval(cls, *args):
        if len(args) < 2:
            raise TypeError(f"a neuron needs a parameter name and at least one input: f(θ, u1, …); got {len(args)} argument(s)")
        if not isinstance(args[0], Symbol):
            raise TypeError(f"a neuron's first argument names its parameters and must be a symbol like θ1; got {args[0]!r}")
        return None


def check_name(name: str, what: str = "name") -> str:
    """Return ``name`` if it is a valid symnet symbol name, else raise ``ValueError``.

    >>> check_name("w3_1")
    'w3_1'
    """
    if len(name) > MAX_NAME_LENGTH or not NAME_PATTERN.match(name):
        raise ValueError(
            f"invalid {what} {name!r}: expected a letter (Latin or Greek) followed by letters, digits "
            f"or single underscores, at most {MAX_NAME_LENGTH} characters (e.g. x1, θ2, w3_1)"
        )
    return name


def neuron_index(theta: Symbol) -> str:
    """The index that names a neuron's symbols: 'θ3' → '3', 'theta12' → '12', 'a' → 'a'.

    >>> neuron_index(Symbol("θ3")), neuron_index(Symbol("hidden")), neuron_index(Symbol("t2_1"))
    ('3', 'hidden', '2_1')
    """
    match = re.match(r"^(?:θ|theta|t)(\d+(?:_\d+)*)$", theta.name)
    return match.group(1) if match else theta.name


@dataclass(frozen=True)
class NeuronModel:
    """What a neuron computes: an activation and a parameterization ('affine' or 'scalar').

    ``activation`` is a table name, or your own (a SymPy function class, a one-argument function, an
    expression in ``z``), which is stored as its formula in ``z``.

    >>> NeuronModel("tanh").activation
    'tanh'
    >>> NeuronModel(lambda z: z / (1 + abs(z))).activation
    z/(Abs(z) + 1)
    """

    activation: str | Basic = "sigmoid"
    parameterization: str = "affine"

    def __post_init__(self):
        object.__setattr__(self, "activation", activation_formula(self.activation))
        if self.parameterization not in PARAMETERIZATIONS:
            raise ValueError(
                f"unknown parameterization {self.parameterization!r}: expected one of {', '.join(PARAMETERIZATIONS)}"
            )

    def params(self, theta: Symbol, fan_in: int) -> tuple[Symbol, ...]:
        """The scalar parameters of neuron θ with ``fan_in`` inputs: (w_i_1…w_i_k, b_i) or (θ,)."""
        if self.parameterization == "scalar":
            return (theta,)
        i = neuron_index(theta)
        return tuple(Symbol(f"w{i}_{j}") for j in range(1, fan_in + 1)) + (Symbol(f"b{i}"),)

    def pre_activation(self, theta: Symbol, inputs) -> object:
        """zᵢ = Σⱼ wᵢⱼ uⱼ + bᵢ (affine) or θᵢ · Σⱼ uⱼ (scalar)."""
        params = self.params(theta, len(inputs))
        if self.parameterization == "scalar":
            return params[0] * Add(*inputs)
        return Add(*(w * u for w, u in zip(params, inputs)), params[-1])  # one flatten, not n (O(n²))

    def activate(self, z):
        """hᵢ = act(zᵢ)."""
        if isinstance(self.activation, str):
            return ACTIVATIONS[self.activation](z)
        return self.activation.xreplace({Z: z})

    @property
    def activation_name(self) -> str:
        """The activation as text: its table name, or its formula in z (what files and the CLI read)."""
        return self.activation if isinstance(self.activation, str) else str(self.activation)


def activation_formula(activation) -> str | Basic:
    """A table name as it is, or your own activation as its formula in ``z``, checked.

    Args:
        activation: a name, a SymPy function class, a one-argument function, or an expression in z.

    Returns:
        The name, or the formula in the symbol ``z``.

    Raises:
        ValueError: an unknown name, a formula in other symbols or without z, or a function with no
            derivative rule (and no ``fdiff``). TypeError: anything else.

    >>> from sympy import erf
    >>> activation_formula(erf), activation_formula("gelu")
    (erf(z), 'gelu')
    """
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: expected one of {', '.join(ACTIVATIONS)}, a SymPy "
                             f"function class, a one-argument function, or a formula in z such as z/(1 + Abs(z))")
        return activation
    formula = activation if isinstance(activation, Basic) else _apply(activation)
    stray = sorted(s.name for s in formula.free_symbols if s != Z)
    if stray or not formula.has(Z):
        raise ValueError(f"an activation is a formula in the one symbol z; got {formula}"
                         + (f", which also uses {', '.join(stray)}" if stray else ", which does not use z"))
    for node in postorder(formula):
        if not (node.is_Atom or node.is_number):
            lookup(type(node), DERIVATIVES)   # MissingRuleError: the function has no rule and no fdiff
    return formula


def _apply(activation) -> Basic:
    if not callable(activation):
        raise TypeError(f"an activation is a name, a SymPy function class, a one-argument function or a formula "
                        f"in z; got {type(activation).__name__}")
    try:
        formula = activation(Z)
    except Exception as error:  # the user's function failed on a symbol: say which and why
        raise ValueError(f"the activation {getattr(activation, '__name__', activation)!r} could not be applied to "
                         f"the symbol z ({type(error).__name__}: {error}); write it with SymPy functions, e.g. "
                         f"lambda z: z * sigmoid(z)") from None
    if not isinstance(formula, Basic):
        raise TypeError(f"the activation returned {type(formula).__name__} for the symbol z; it must return a SymPy "
                        f"expression, e.g. lambda z: z * sigmoid(z)")
    return formula
