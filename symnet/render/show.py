"""``show``: one readable view of any symnet object, for the terminal, a notebook or a handout."""

from __future__ import annotations

from sympy import Derivative

from symnet.core.backprop import Gradient
from symnet.core.network import Network
from symnet.derivation.derive import Derivation
from symnet.render.document import render
from symnet.render.printing import check_format, format_assignments, format_expr, program_pairs


def show(obj, fmt: str = "unicode", lang: str = "en") -> str:
    """A readable view of a network, loss, program, gradient or derivation in ``fmt``.

    Args:
        obj: what to show.
        fmt: ``text``, ``unicode``, ``latex`` or ``markdown``.
        lang: ``en`` or ``zh``, for the words of a derivation.

    Returns:
        The text.

    >>> from symnet import seed_network
    >>> print(show(seed_network(), "text").splitlines()[0])
    f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))
    """
    if isinstance(obj, Network):
        return format_expr(obj.nested, fmt) + "\n\n" + format_assignments(program_pairs(obj.program), fmt)
    if isinstance(obj, Gradient):
        pairs = list(obj.forward.assignments) + list(obj.adjoints)
        pairs += [(Derivative(obj.forward.outputs[0], s), r) for s, r in zip(obj.wrt, obj.results)]
        return format_assignments(pairs, fmt)
    if hasattr(obj, "assignments"):
        return format_assignments(program_pairs(obj), fmt)
    if isinstance(obj, Derivation):
        return render(obj, check_format(fmt), lang)
    return format_expr(obj, fmt)
