"""The neuron f(θᵢ, u₁, …, u_k) and the neuron models that give it meaning.

A neuron is written as the article writes it: ``f(θ5, f(θ3, …), f(θ4, …))``. The first argument
θᵢ names the neuron's parameter group; the rest are its inputs. A ``NeuronModel`` turns it into
a formula: the default is the affine model hᵢ = σ(zᵢ), zᵢ = Σⱼ wᵢⱼ uⱼ + bᵢ, so θᵢ = (wᵢ₁…wᵢₖ, bᵢ);
the scalar model uses one number per neuron, hᵢ = act(θᵢ · Σⱼ uⱼ).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sympy import Add, Function, Symbol, tanh

from symnet.core.activations import relu, sigmoid, softplus

ACTIVATIONS = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "softplus": softplus,
    "identity": lambda z: z,
}

PARAMETERIZATIONS = ("affine", "scalar")

# Symbol names that may reach LaTeX or generated code: a letter (Latin or Greek), then letters,
# digits and single underscores. The safe parser uses the same pattern.
NAME_PATTERN = re.compile(r"^[A-Za-zα-ωΑ-Ω](?:[A-Za-z0-9α-ωΑ-Ω]|_(?=[A-Za-z0-9α-ωΑ-Ω]))*$")
MAX_NAME_LENGTH = 32


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

    >>> NeuronModel("tanh").activation
    'tanh'
    """

    activation: str = "sigmoid"
    parameterization: str = "affine"

    def __post_init__(self):
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}: expected one of {', '.join(ACTIVATIONS)}")
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
        return ACTIVATIONS[self.activation](z)
