"""``show``, ``grad`` and ``codegen`` for ``layers:`` networks: the matrix program with shapes, the
gradient with its BP1–BP4 tags, and the generated NumPy source with ``@``.

Only the standard library and click are imported at module level.
"""

from __future__ import annotations

import click


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
    """The network's name, parameter count and matrix program, every step with its shape."""
    from symnet.render.layers import layer_text

    _check_format(fmt)
    head = f"{net.spec}: {net.n_params:,} parameters in " + ", ".join(
        f"{p.name} ({p.shape[0]}×{p.shape[1]})" for p in net.params)
    if fmt in ("latex", "markdown"):
        from symnet.render.layers import layer_expr

        rows = " \\\\\n".join(f"{layer_expr(lhs, 'latex')} &= {layer_expr(rhs, 'latex')}"
                              for lhs, rhs in net.program.assignments)
        return f"{head}\n\n$$\n\\begin{{aligned}}\n{rows}\n\\end{{aligned}}\n$$\n"
    return head + "\n" + layer_text(net.program, "text" if fmt == "text" else "unicode") + "\n"


def grad_layers(net, loss_name, fmt: str, wrt, expanded, at) -> str:
    """The gradient program of the layer network's loss, tagged BP1–BP4."""
    from symnet.core.backprop import grad
    from symnet.render.layers import layer_latex, layer_text

    if wrt or expanded or at:
        raise click.UsageError("--wrt, --expanded and --at go with scalar networks; a layers: network prints its "
                               "whole matrix gradient (symnet check evaluates it)")
    _check_format(fmt)
    gradient = grad(_loss(net, loss_name))
    if fmt in ("latex", "markdown"):
        return f"$$\n{layer_latex(gradient)}\n$$\n"
    return layer_text(gradient, "text" if fmt == "text" else "unicode") + "\n"


def codegen_layers(net, loss_name) -> str:
    """The generated NumPy source: batch-first arrays, matrix products, batch sums."""
    from symnet.numeric.layer_codegen import compile_layers

    return compile_layers(_loss(net, loss_name)).source
