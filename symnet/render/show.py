"""``show``: one readable view of any symnet object, for the terminal, a notebook or a handout."""

from __future__ import annotations

from symnet.render.i18n import check_lang
from symnet.render.printing import print_as


def show(obj, fmt: str = "unicode", lang: str | None = None) -> str:
    """A readable view of a network, loss, program, gradient, derivation, report, … in ``fmt``.

    The same printers as ``latex``/``pretty``/``str`` (``symnet.render.printing``); a network also
    shows its program, and a derivation's words are in ``lang``.

    Args:
        obj: what to show (any symnet object or SymPy expression).
        fmt: ``text``, ``unicode``, ``latex`` or ``markdown``.
        lang: ``en`` or ``zh``, for the words of a derivation (default: its own, ``derive(..., lang=...)``).

    Returns:
        The text.

    >>> from symnet import seed_network
    >>> print(show(seed_network(), "text").splitlines()[0])
    f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))
    """
    return print_as(obj, fmt, lang=None if lang is None else check_lang(lang), program=True)
