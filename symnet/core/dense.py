"""The lowering bridge run the other way: a scalar network that is a stack of dense layers, as its layer twin.

``lower`` (``core.lowering``) writes a layer network entry by entry. Here a network of neurons that *is* a
dense stack — every neuron of layer l reads every output of layer l − 1, in the same order, with the
affine model zᵢ = Σₖ wᵢₖ uₖ + bᵢ and one activation per layer, as ``mlp`` builds it — is recognised from
its nested form and written as whole layers, zˡ = Wˡ aˡ⁻¹ + bˡ:

    neuron j of layer l, θᵢ = (wᵢ₁…wᵢₖ, bᵢ)   ↔   row j of Wˡ, entry j of bˡ

``param_order`` is that correspondence as indices into the scalar network's parameter vector, and
``twin_loss`` the scalar loss L(ŷ, y) written as the twin's loss step (the same formula). The scalar
network stays what is printed and derived; the twin is only a faster way to compute its numbers.
SymPy only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, Symbol, log

from symnet.core.activations import softplus
from symnet.core.layers import LayerLoss, LayerNetwork, OUTPUTS, formula_loss, layer_loss, layers
from symnet.core.losses import YHAT, Y, Loss
from symnet.core.network import Network
from symnet.core.neuron import f


@dataclass(frozen=True)
class DenseStack:
    """A scalar network read as dense layers: the θ of each layer's neurons and its activation."""

    network: Network
    thetas: tuple[tuple[Symbol, ...], ...]      # layer 1 … L, each neuron's θ in the order the next layer reads them
    activations: tuple                          # one per layer: a table name or a formula in z

    @property
    def sizes(self) -> tuple[int, ...]:
        return (len(self.network.inputs),) + tuple(len(layer) for layer in self.thetas)

    @property
    def spec(self) -> str:
        """``2-16-16-1`` (the widths)."""
        return "-".join(map(str, self.sizes))

    def twin(self) -> LayerNetwork:
        """The layer network computing the same ŷ: the same widths and activations, Wˡ row j = neuron j's w."""
        return layers(list(self.sizes), activation=list(self.activations[:-1]) or None,
                      output=self.activations[-1])

    def param_order(self) -> tuple[int, ...]:
        """For each entry of the twin's parameter vector (W¹ row by row, b¹, W², …), the index of the same
        number in the scalar network's ``params``: θ_layer = θ_scalar[order]."""
        where = {p: k for k, p in enumerate(self.network.params)}
        models = dict(self.network.models)
        order = []
        for layer in self.thetas:
            params = [models[theta].params(theta, _fan_in(self, layer)) for theta in layer]
            order += [where[p] for neuron in params for p in neuron[:-1]]    # Wˡ row by row
            order += [where[neuron[-1]] for neuron in params]                # bˡ
        return tuple(order)


def _fan_in(stack: DenseStack, layer) -> int:
    k = stack.thetas.index(layer)
    return len(stack.network.inputs) if k == 0 else len(stack.thetas[k - 1])


def dense_stack(network) -> tuple[DenseStack | None, str]:
    """``(stack, "")`` when ``network`` is a dense stack of affine neurons, else ``(None, why not)``."""
    if not isinstance(network, Network) or not isinstance(network.nested, f):
        return None, "not a network of neurons whose output is one neuron"
    layer, thetas = (network.nested,), []
    while True:
        args = layer[0].args[1:]
        if any(n.args[1:] != args for n in layer) or len(set(args)) != len(args):
            return None, "the neurons of one layer do not read the same inputs"
        thetas.append(tuple(n.args[0] for n in layer))
        if all(isinstance(a, f) for a in args):
            layer = args
            continue
        if tuple(args) != tuple(network.inputs):
            return None, "a neuron reads something other than a whole layer or the inputs in order"
        break
    return _with_models(network, tuple(reversed(thetas)))


def _with_models(network, thetas) -> tuple[DenseStack | None, str]:
    models, activations = dict(network.models), []
    for layer in thetas:
        found = {models[theta].activation for theta in layer}
        if any(models[theta].parameterization != "affine" for theta in layer):
            return None, "a neuron has the scalar parameterization θ·Σu, not a weight per input"
        if len(found) != 1:
            return None, "the neurons of one layer have different activations"
        activations.append(found.pop())
    if activations[-1] not in OUTPUTS:
        return None, f"its output activation {activations[-1]} is a formula (a layer network's output is a name)"
    return DenseStack(network, thetas, tuple(activations)), ""


def twin_loss(loss: Loss, twin: LayerNetwork) -> LayerLoss:
    """The scalar per-sample loss L(ŷ, y) as the twin's loss step: the same formula in ŷ and y.

    The squared error and the cross-entropy of a sigmoid output are the twin's own steps (the stable
    softplus(z) − y·z, as the scalar loss computes it); any other loss is the formula φ(ŷ, y)."""
    formula: Basic = loss.display.xreplace({loss.target: Y})     # by the formula, not the name a user may give
    if formula == (Y - YHAT) ** 2:
        return layer_loss(twin, "squared_error")
    if formula == BCE and loss.expr.has(softplus) and twin.output_activation == "sigmoid":
        return layer_loss(twin, "binary_cross_entropy")
    return formula_loss(twin, formula)


BCE = -Y * log(YHAT) - (1 - Y) * log(1 - YHAT)
