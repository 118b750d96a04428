"""Abstract derivations: the neuron f left undefined, as the article writes ∂L/∂θ = ∂L/∂ŷ · ∂ŷ/∂θ.

Each neuron is one node hᵢ = fᵢ(θᵢ, u…) with a single scalar θᵢ. A path runs from the loss L
through ŷ = h₅ → h₃ → … → θ₂; the local factors past ŷ are ∂fᵢ/∂(its argument) and finally
∂fⱼ/∂θⱼ; a composite input u = h₁ + h₂ adds ∂u/∂h only when that factor is not 1. Summing over
paths gives, for the article's network,

    ∂L/∂θ₂ = ∂L/∂ŷ · (∂f₅/∂h₃ · ∂f₃/∂u₃,₁ · ∂f₂/∂θ₂ + ∂f₅/∂h₄ · ∂f₄/∂h₂ · ∂f₂/∂θ₂).

The notation is built from plain symbols and ``Derivative`` records; nothing is differentiated
except the loss by ŷ (with the rule table).
"""

from __future__ import annotations

from sympy import Symbol

from symnet.core.backprop import depends_on
from symnet.core.losses import LOSS, YHAT, Loss
from symnet.core.names import resolve_wrt
from symnet.core.network import from_neurons
from symnet.core.neuron import NeuronModel, neuron_index
from symnet.core.rules import differentiate
from symnet.derivation.records import MAX_PATHS, Derivation, Factor, ParamDerivation, Path, Step
from symnet.derivation.rules import NEURON_INPUT, NEURON_PARAMETER, rules_used
from symnet.errors import ExpressionTooLarge

NEURON_FUNCTION = "f{}"


def derive_abstract(loss: Loss, wrt=None) -> Derivation:
    """The abstract derivation of ``loss`` for neuron parameters θᵢ (default all).

    >>> from symnet import seed_network
    >>> d = derive_abstract(__import__("symnet").squared_error(seed_network()), ["θ2"])
    >>> [[str(f.what) for f in p.factors] for p in d["θ2"].paths][1]
    ['Derivative(f5, h4)', 'Derivative(f4, h2)', 'Derivative(f2, θ2)']
    """
    net = loss.network
    if not net.models:
        raise ValueError("abstract derivations need a network of neurons f(θ, …); this network is a plain "
                         "formula. Drop abstract=True to see its concrete derivation")
    loss = scalar_view(loss)
    net = loss.network
    thetas = resolve_wrt(loss, wrt, abstract=True)
    outer = Step(YHAT, rules_used(loss.display, YHAT), differentiate(loss.display, YHAT))
    items = tuple(ParamDerivation(theta, tuple(_paths(net, theta)), outer=outer) for theta in thetas)
    return Derivation(loss, items, abstract=True)


def scalar_view(loss: Loss) -> Loss:
    """The same loss on the same neurons with one scalar θᵢ each (the article's view)."""
    net = loss.network
    if all(model.parameterization == "scalar" for _, model in net.models):
        return loss
    overrides = {theta: NeuronModel(model.activation, "scalar") for theta, model in net.models}
    scalar = from_neurons(net.nested, net.inputs, overrides=overrides)
    return loss.on(scalar)


def _neurons(net) -> dict:
    """hᵢ ↦ (θᵢ, fᵢ, zᵢ) for every neuron."""
    out = {}
    for theta in net.neurons:
        i = neuron_index(theta)
        out[Symbol(f"h{i}")] = (theta, Symbol(NEURON_FUNCTION.format(i)), Symbol(f"z{i}"))
    return out


def _paths(net, theta) -> list[Path]:
    program, neurons = net.program, _neurons(net)
    rhs = dict(program.assignments)
    params, order = set(program.params), program.order()
    reach = depends_on(program, (next(h for h, v in neurons.items() if v[0] == theta),))
    found: list[Path] = []

    def walk(node, nodes, factors):
        if node not in reach:
            return
        if len(found) > MAX_PATHS:
            raise ExpressionTooLarge(f"more than {MAX_PATHS} paths lead to {theta}; use the δ-form (symnet.grad)")
        if node in neurons:
            own, fn, z = neurons[node]
            if own == theta:
                found.append(_make(nodes + (theta,), factors + (Factor(fn, theta, None, (NEURON_PARAMETER,)),)))
                return
            args = sorted((s for s in rhs[z].free_symbols if s not in params), key=order.__getitem__)
            for arg in args:
                walk(arg, nodes + (arg,), factors + (Factor(fn, arg, None, (NEURON_INPUT,)),))
        elif node in rhs:
            for arg in sorted(rhs[node].free_symbols, key=order.__getitem__):
                local = differentiate(rhs[node], arg, ans=node)
                extra = () if local == 1 else (Factor(node, arg, None, rules_used(rhs[node], arg)),)
                walk(arg, nodes + (arg,), factors + extra)

    walk(net.output, (LOSS, net.output), ())
    return found


def _make(nodes, factors) -> Path:
    return Path(tuple(nodes), tuple(factors))
