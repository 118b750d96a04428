"""``layers:`` networks on the command line: the spec ``layers:SIZES[:ACTIVATION[:OUTPUT]]``, and
``show``, ``grad`` and ``codegen`` for them (the matrix program with shapes, the gradient with its
BP1–BP4 tags, the generated NumPy source with ``@``).

Only the standard library and click are imported at module level.
"""

from __future__ import annotations

import click

MAX_LAYERS = 12


def parse_layers(spec: str, activation: str | None = None):
    """``layers:SIZES[:ACTIVATIONS[:OUTPUT]][:residual]``, read by the library's ``symnet.layers`` (one grammar:
    ``net.spec`` reads back); the CLI adds a limit on the number of layers. ``activation`` is ``--activation``:
    a name or a formula in z (or one per hidden layer, joined by commas), for a spec that names none."""
    from symnet.core.layers import parse_layer_spec
    from symnet.io.text import layers

    if not spec.startswith("layers:"):
        raise ValueError(f"expected layers:SIZES[:ACTIVATIONS[:OUTPUT]][:residual], e.g. layers:64-32-10:relu:softmax; "
                         f"got {spec!r}")
    parsed = parse_layer_spec(spec)
    if len(parsed.sizes.split("-")) > MAX_LAYERS:
        raise ValueError(f"layers:{parsed.sizes} has {len(parsed.sizes.split('-'))} layers; at most {MAX_LAYERS}")
    if activation is not None and parsed.activations is not None:
        raise ValueError(f"{spec} already names the activation {','.join(parsed.activations)}; give it either in "
                         f"NETWORK or with --activation, not both")
    return layers(spec, activation)


def with_layer_activation(net, text: str):
    """A layer network (from a model file) with its hidden activations replaced by ``--activation``."""
    from symnet.io.text import layers

    try:
        return layers(list(net.sizes), text, net.output_activation, residual=bool(net.residual))
    except ValueError as error:
        raise ValueError(f"--activation: {error}") from None


def _loss(net, loss_name):
    from click.core import ParameterSource

    default = click.get_current_context().get_parameter_source("loss_name") is ParameterSource.DEFAULT
    return net.loss(None if default else loss_name)


def _check_format(fmt: str) -> str:
    if fmt == "json":
        raise click.UsageError("a layers: network has no JSON network-file form; use --format text, unicode, "
                               "latex or markdown")
    return fmt


def show_layers(net, fmt: str) -> str:
    """The network's formula, name, parameter count and matrix program, every step with its shape
    (``symnet.show``, as for any object)."""
    from symnet.render.show import show

    return show(net, _check_format(fmt)) + "\n"


def grad_layers(net, loss_name, fmt: str, wrt, expanded, at, parse_wrt) -> str:
    """The gradient program of the layer network's loss, tagged BP1–BP4; ``--wrt W1,b2`` picks parameters
    (``parse_wrt`` is the CLI's ``naming.parse_wrt``: ``symnet.core.names.resolve_wrt``, as for scalar networks)."""
    from symnet.core.backprop import grad
    from symnet.render.show import show

    if expanded or at:
        raise click.UsageError("--expanded and --at go with scalar networks; a layers: network prints its matrix "
                               "gradient (symnet check evaluates it)")
    _check_format(fmt)
    loss = _loss(net, loss_name)
    return show(grad(loss, parse_wrt(wrt, loss)), fmt) + "\n"


def codegen_layers(net, loss_name) -> str:
    """A standalone module: the generated NumPy source (batch-first arrays, matrix products, batch sums), the
    helpers it calls, and ``value_and_grad(theta, X, y) -> (mean loss, gradient)``."""
    from symnet.numeric.codegen import value_and_grad

    return value_and_grad(_loss(net, loss_name), backend="numpy").module
