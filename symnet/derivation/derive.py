"""Chain-rule derivations as data: every path from the loss to a parameter, and its local factors.

For a loss L computed by a straight-line program and a parameter p, the multivariable chain rule
sums over every path L = s₀ → s₁ → … → s_k = p through the program's DAG:

    ∂L/∂p = Σ_paths Π_j ∂s_j/∂s_{j+1},

each local factor ∂s_j/∂s_{j+1} (one per hop) taken from the SAME rule table the backprop uses
(so σ′ = σ(1 − σ) is written hᵢ(1 − hᵢ)). A ``Derivation`` records, per parameter, the paths,
their factors with the rules that produced each (named in ``symnet.derivation.rules``), the
products, their sum, the compact δ-form of ``symnet.grad`` and, on request, the expanded closed
form and the numbers at a point.
Renderings live in ``symnet.render.document``; this module builds data only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sympy import Basic, Symbol

from symnet.core.backprop import depends_on, grad
from symnet.core.layers import has_matrix_steps
from symnet.core.losses import Loss, as_loss
from symnet.core.names import resolve_wrt
from symnet.core.network import Network
from symnet.core.program import MAX_EXPANDED_OPS
from symnet.core.rules import differentiate, rule_table
from symnet.derivation.abstract import derive_abstract
from symnet.derivation.matrix import matrix_steps
from symnet.derivation.records import (  # noqa: F401  (the records are part of this module's API)
    LANGUAGES,
    MAX_PATHS,
    Derivation,
    Factor,
    OrderedProduct,
    OrderedSum,
    ParamDerivation,
    Path,
    Step,
    product_value,
)
from symnet.derivation.rules import rule_name, rules_used
from symnet.errors import ExpressionTooLarge


def derive(loss: Loss | Network, wrt: Sequence | None = None, at: Mapping | None = None,
           abstract: bool = False, expanded: bool = False, rules: Mapping | None = None,
           max_expanded_ops: int = MAX_EXPANDED_OPS, check: bool = False, lang: str = "en") -> Derivation:
    """Chain-rule derivations of ``loss`` for each parameter in ``wrt``.

    Args:
        loss: a ``Loss``; a ``Network`` stands for its squared-error loss (y − ŷ)², as in every verb; a
            layer network (its default loss) or layer loss gets the matrix form: its lines tagged BP1–BP4
            (``wrt``, ``rules`` and ``check`` apply as for any network).
        wrt: one name or symbol, or a list (default every parameter; in abstract mode every θᵢ); θN or
            thetaN means all parameters of neuron N; inputs may be named, the target may not
            (``symnet.core.names.resolve_wrt``).
        at: numbers for every input, parameter and the target (``symnet.core.names.resolve_point``):
            values of each factor and a finite-difference check (concrete mode only).
        abstract: keep the neuron f undefined and write ∂fᵢ/∂… factors (scalar-θ view).
        expanded: also build the closed form of each derivative (skipped above ``max_expanded_ops``).
        rules: extra derivative rules, as for ``grad``.
        check: also run the four-way gradient check at ``at`` (or a seeded random batch), for the
            documents' check table.
        lang: ``en`` or ``zh``: the language its words print in (``str``, Jupyter, ``symnet.show``,
            the documents), unless a printer is given another.

    Returns:
        A ``Derivation``, for every kind of network.

    >>> from symnet import seed_network
    >>> d = derive(seed_network(), wrt=["w2_1"])
    >>> [len(p.nodes) for p in d["w2_1"].paths]
    [9, 8]
    >>> str(derive(seed_network(), wrt=["b5"], lang="zh")).splitlines()[0]
    '对 b5 求导'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return replace(_derive(loss, wrt, at, abstract, expanded, rules, max_expanded_ops, check), lang=lang)


def _derive(loss, wrt, at, abstract, expanded, rules, max_expanded_ops, check):
    """``derive`` in English: the scalar, abstract or matrix-form derivation."""
    loss = as_loss(loss)
    if getattr(loss, "layout", None) == "whole-data":   # a typed matrix loss: its adjoint sweep, VJP row by row
        if at is not None or abstract or expanded:
            raise ValueError("a typed matrix loss is derived as its adjoint sweep and closed form: at=, abstract= and "
                             "expanded= go with networks of neurons; check=True checks its gradient at a random point")
        from symnet.derivation.typed import derive_typed

        return derive_typed(loss, wrt, rules, check)
    if has_matrix_steps(loss.program):   # whole layers: the matrix form, BP1–BP4
        if at is not None or abstract or expanded:
            raise ValueError("a network of matrix steps is derived in matrix form (BP1–BP4): at=, abstract= and "
                             "expanded= go with networks of neurons; check_grads evaluates its gradient")
        return _matrix(loss, wrt, rules, check)
    if abstract:
        return _abstract(loss, wrt, at, expanded)
    gradient = grad(loss, resolve_wrt(loss, wrt), rules)
    table = rule_table(rules)
    items = tuple(_param_derivation(loss, gradient, p, table, expanded, max_expanded_ops) for p in gradient.wrt)
    derivation = Derivation(loss, items)
    if at is None and not check:
        return derivation
    from symnet.derivation.numbers import evaluate_derivation, with_check  # NumPy: only for numbers

    if at is not None:
        derivation = evaluate_derivation(derivation, at)
    return with_check(derivation) if check else derivation


def _matrix(loss, wrt, rules, check) -> Derivation:
    """The matrix-form derivation: the lines of the reverse sweep, each tagged BP1–BP4, and ∂C/∂p per parameter."""
    wanted = resolve_wrt(loss, wrt)
    gradient = grad(loss, loss.program.params + tuple(s for s in wanted if s not in loss.program.params), rules)
    forward, backward = matrix_steps(gradient, None if wrt is None else wanted)
    items = tuple(ParamDerivation(p, (), r) for p, r in zip(gradient.wrt, gradient.results) if p in wanted)
    report = None
    if check:
        from symnet.numeric.gradcheck import check_grads

        report = check_grads(loss, rules=rules)
    return Derivation(loss, items, check=report, forward=forward, backward=backward, section="matrix")


def _abstract(loss, wrt, at, expanded) -> Derivation:
    if at is not None or expanded:
        raise ValueError("abstract derivations keep f undefined, so they have no numbers or closed form; "
                         "drop at=/expanded= or abstract=True")
    return derive_abstract(loss, wrt)


def _param_derivation(loss, gradient, param, table, expanded, max_ops) -> ParamDerivation:
    program = loss.program
    paths = tuple(_path(program, nodes, table) for nodes in enumerate_paths(program, param))
    compact = gradient.formula(param)
    item = ParamDerivation(param, paths, compact, needed_adjoints(gradient, compact))
    if expanded:
        size = gradient.program.tree_size(compact)
        closed = gradient.program.expand(compact, max_ops) if size <= max_ops else None
        item = ParamDerivation(**{**item.__dict__, "expanded": closed, "expanded_ops": size})
    return item


def enumerate_paths(program, param: Symbol, limit: int = MAX_PATHS) -> list[tuple[Symbol, ...]]:
    """Every path from the program's output to ``param``, each a tuple of symbols, in program order.

    >>> from symnet import seed_network, squared_error
    >>> [p[-3:] for p in enumerate_paths(squared_error(seed_network()).program, Symbol("w4_1"))]
    [(h4, z4, w4_1)]
    """
    rhs, order = dict(program.assignments), program.order()
    needed = depends_on(program, (param,))
    paths: list = []

    def walk(node, trail):
        if node == param:
            paths.append(trail)
            if len(paths) > limit:
                raise ExpressionTooLarge(f"more than {limit} paths lead from the loss to {param}; the δ-form "
                                         f"(symnet.grad) handles such networks, a path-by-path derivation does not")
            return
        for child in sorted(rhs[node].free_symbols & needed, key=order.__getitem__):
            walk(child, trail + (child,))

    out = program.outputs[0]
    if out in needed:
        walk(out, (out,))
    return paths


def _path(program, nodes, table) -> Path:
    rhs = dict(program.assignments)
    factors = tuple(Factor(a, b, differentiate(rhs[a], b, ans=a, table=table), rules_used(rhs[a], b))
                    for a, b in zip(nodes, nodes[1:]))
    return Path(tuple(nodes), factors)


def needed_adjoints(gradient, compact: Basic) -> tuple[tuple[Symbol, Basic], ...]:
    """The δ assignments ``compact`` depends on, in sweep order."""
    adjoints = dict(gradient.adjoints)
    wanted, stack = set(), [s for s in compact.free_symbols if s in adjoints]
    while stack:
        s = stack.pop()
        if s not in wanted:
            wanted.add(s)
            stack.extend(t for t in adjoints[s].free_symbols if t in adjoints)
    return tuple((lhs, rhs) for lhs, rhs in gradient.adjoints if lhs in wanted)


__all__ = ["Derivation", "ParamDerivation", "Path", "Factor", "Step", "OrderedSum", "OrderedProduct", "derive",
           "enumerate_paths", "needed_adjoints", "product_value", "rule_name", "MAX_EXPANDED_OPS", "MAX_PATHS"]
