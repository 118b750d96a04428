"""The quiz's second-order questions: ∂²L/∂a∂b as the product rule over the chain rule's paths.

∂L/∂a = Σ_paths Π_j f_j (the local factors of ``symnet.derivation.derive``), so

    ∂²L/∂a∂b = Σ_paths Σ_j (Π_{i≠j} f_i) · d f_j/db,

one part per (path, factor) whose factor depends on b. d f/db is the total derivative through the
program, Σ_s ∂f/∂s · ṡ, with the tangents ṡ = ds/db of the engine's forward sweep
(``symnet.core.hessian.tangent_sweep`` seeded by ḃ = 1, ``jvp`` for each factor: the same
forward-over-reverse code that derives ``symnet.hessian``, every partial from the one rule table, never
``sympy.diff``). A wrong answer is then fitted over these parts, so the quiz can say "missing: d/db of
∂h₃/∂z₃ along path 1". SymPy only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, Dummy, S, Symbol

from symnet.core.hessian import jvp, tangent_sweep
from symnet.core.rules import DERIVATIVES
from symnet.derivation.records import Path


@dataclass(frozen=True)
class Part:
    """One term of ∂²L/∂a∂b: path ``path`` (from 0) with its factor ``factor`` differentiated by b."""

    path: int
    factor: object          # records.Factor
    expr: Basic
    b: Symbol


def tangents(program, b: Symbol) -> dict:
    """ds/db for every symbol of ``program`` that depends on ``b`` (b itself: 1), in the program's symbols.

    The engine's sweep names each compound tangent by a new step; the quiz compares formulas in node symbols,
    so those steps are substituted back (the last first, as each may read the ones before).
    """
    steps: list = []
    dots = tangent_sweep(program, {b: S.One}, lambda s: Dummy(f"d{s.name}_d{b.name}"), DERIVATIVES, steps)
    return {s: inline(dot, steps) for s, dot in dots.items()}


def inline(expr: Basic, steps) -> Basic:
    """``expr`` with the tangent steps ``(symbol, rhs)`` substituted back, last step first."""
    for symbol, rhs in reversed(steps):
        expr = expr.xreplace({symbol: rhs})
    return expr


def total_derivative(expr: Basic, dot: dict) -> Basic:
    """d expr/db through the program: Σ_s ∂expr/∂s · ds/db over the symbols of ``expr`` (``jvp``)."""
    return jvp(expr, dot, table=DERIVATIVES)


def hessian_parts(program, paths: tuple[Path, ...], b: Symbol) -> tuple[Part, ...]:
    """The nonzero parts (path, factor, Π_{i≠j} f_i · d f_j/db) of ∂²L/∂a∂b, paths of ∂L/∂a given."""
    dot, parts = tangents(program, b), []
    for k, path in enumerate(paths):
        for j, factor in enumerate(path.factors):
            d = total_derivative(factor.formula, dot)
            if d != 0:
                rest = S.One
                for i, other in enumerate(path.factors):
                    rest = rest if i == j else rest * other.formula
                parts.append(Part(k, factor, rest * d, b))
    return tuple(parts)


__all__ = ["Part", "hessian_parts", "inline", "tangents", "total_derivative"]
