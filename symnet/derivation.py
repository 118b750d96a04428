"""Chain-rule derivations as data: every path from the loss to a parameter, and its local factors.

For a loss L computed by a straight-line program and a parameter p, the multivariable chain rule
sums over every path L = s₀ → s₁ → … → s_k = p through the program's DAG:

    ∂L/∂p = Σ_paths Π_j ∂s_j/∂s_{j+1},

each local factor ∂s_j/∂s_{j+1} (one per hop) taken from the SAME rule table the backprop uses
(so σ′ = σ(1 − σ) is written hᵢ(1 − hᵢ)). A ``Derivation`` records, per parameter, the paths,
their factors with the rules that produced each (named in ``symnet.derivation_rules``), the
products, their sum, the compact δ-form of ``symnet.grad`` and, on request, the expanded closed
form and the numbers at a point.
Renderings live in ``symnet.document``; this module builds data only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sympy import Basic, Derivative, Symbol

from .backprop import depends_on, grad
from .derivation_rules import Rule, resolve_wrt, rule_name, rules_used
from .errors import ExpressionTooLarge
from .losses import LOSS, Loss, squared_error
from .network import Network
from .program import MAX_EXPANDED_OPS
from .rules import differentiate, rule_table

MAX_PATHS = 256


@dataclass(frozen=True)
class OrderedProduct:
    """Factors multiplied in reading order (SymPy's Mul would sort them)."""

    factors: tuple


@dataclass(frozen=True)
class OrderedSum:
    """Terms added in reading order; each term an ``OrderedProduct`` or a SymPy expression."""

    terms: tuple


@dataclass(frozen=True)
class Factor:
    """One local partial ∂of/∂by: its formula (None when f is abstract), the rules used, and its value."""

    of: Symbol
    by: Symbol
    formula: Basic | None
    rules: tuple[Rule, ...]
    value: float | None = None

    @property
    def what(self) -> Derivative:
        return Derivative(self.of, self.by)

    @property
    def rule(self) -> str:
        """The rules as one English string, e.g. 'sum rule, product rule' or 'σ′ = σ(1 − σ)'."""
        return ", ".join(map(str, self.rules))


@dataclass(frozen=True)
class Path:
    """One path L → … → p: program symbols, local factors (one per hop), their product (and value)."""

    nodes: tuple[Symbol, ...]
    factors: tuple[Factor, ...]
    value: float | None = None

    @property
    def product(self) -> OrderedProduct:
        return OrderedProduct(tuple(f.formula if f.formula is not None else f.what for f in self.factors))


@dataclass(frozen=True)
class Step:
    """One line of a derivation: ``what`` = ``result`` by ``rule`` (rule names or a step's name)."""

    what: Basic
    rule: str | tuple     # a step's name, or the Rules used (derivation_rules)
    result: object
    value: float | None = None


@dataclass(frozen=True)
class ParamDerivation:
    """The derivation of ∂L/∂param: paths, their sum, the δ-form, and optional extras."""

    param: Symbol
    paths: tuple[Path, ...]
    compact: Basic | None = None
    adjoints: tuple[tuple[Symbol, Basic], ...] = ()
    expanded: Basic | None = None
    expanded_ops: int | None = None
    value: float | None = None
    finite_difference: float | None = None
    ok: bool | None = None
    outer: Step | None = None     # abstract mode: ∂L/∂ŷ = …

    @property
    def what(self) -> Derivative:
        return Derivative(LOSS, self.param)

    @property
    def total(self) -> OrderedSum:
        """Σ over paths of the product of local formulas."""
        return OrderedSum(tuple(p.product for p in self.paths))

    @property
    def chain(self) -> OrderedSum:
        """Σ over paths of the factors ∂a/∂b, one per hop (the chain rule written out)."""
        return OrderedSum(tuple(OrderedProduct(tuple(f.what for f in p.factors)) for p in self.paths))

    @property
    def steps(self) -> tuple[Step, ...]:
        """The derivation as (what, rule, result) records, top to bottom."""
        steps = [Step(self.what, "chain rule", self.chain)]
        for path in self.paths:
            steps += [Step(f.what, f.rule, f.formula, f.value) for f in path.factors]
        if not self.paths or self.paths[0].factors[0].formula is None:
            return tuple(steps + ([self.outer] if self.outer else []))
        steps.append(Step(self.what, "product along each path, summed", self.total, self.value))
        if self.compact is not None:
            steps.append(Step(self.what, "backprop (δ-form)", self.compact, self.value))
        if self.expanded is not None:
            steps.append(Step(self.what, "closed form", self.expanded, self.value))
        return tuple(steps)


@dataclass(frozen=True)
class Derivation:
    """Step-by-step chain-rule derivations of a loss for some parameters (see ``derive``)."""

    loss: Loss
    params: tuple[ParamDerivation, ...]
    abstract: bool = False
    point: tuple[tuple[Symbol, float], ...] = ()
    loss_value: float | None = None

    def __getitem__(self, name) -> ParamDerivation:
        name = str(name)
        for item in self.params:
            if item.param.name == name:
                return item
        raise KeyError(f"no derivation for {name}: this one covers {', '.join(p.param.name for p in self.params)}")

    def render(self, fmt: str = "unicode", lang: str = "en") -> str:
        """The derivation in ``text``, ``unicode``, ``latex`` (a fragment) or ``markdown``."""
        from .document import render

        return render(self, fmt, lang)

    def __str__(self) -> str:
        return self.render("unicode")

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_latex_(self) -> str:
        from .document import latex_display

        return latex_display(self)


def derive(loss: Loss | Network, wrt: Sequence | None = None, at: Mapping | None = None,
           abstract: bool = False, expanded: bool = False, rules: Mapping | None = None,
           max_expanded_ops: int = MAX_EXPANDED_OPS) -> Derivation:
    """Chain-rule derivations of ``loss`` for each parameter in ``wrt``.

    Args:
        loss: a ``Loss`` (a ``Network`` gets the squared-error loss).
        wrt: parameter names or symbols (default every parameter; in abstract mode every θᵢ); θN or
            thetaN means all parameters of neuron N; inputs may be named, the target may not
            (``symnet.derivation_rules.resolve_wrt``).
        at: numbers for every input, parameter and the target: values of each factor and a
            finite-difference check (concrete mode only).
        abstract: keep the neuron f undefined and write ∂fᵢ/∂… factors (scalar-θ view).
        expanded: also build the closed form of each derivative (skipped above ``max_expanded_ops``).
        rules: extra derivative rules, as for ``grad``.

    Returns:
        A ``Derivation``.

    >>> from symnet import seed_network
    >>> d = derive(seed_network(), wrt=["w2_1"])
    >>> [len(p.nodes) for p in d["w2_1"].paths]
    [9, 8]
    """
    loss = squared_error(loss) if isinstance(loss, Network) else loss
    if not isinstance(loss, Loss):
        raise TypeError(f"derive expects a Loss or a Network; got {type(loss).__name__}")
    if abstract:
        return _abstract(loss, wrt, at, expanded)
    gradient = grad(loss, resolve_wrt(loss, wrt), rules)
    table = rule_table(rules)
    items = tuple(_param_derivation(loss, gradient, p, table, expanded, max_expanded_ops) for p in gradient.wrt)
    derivation = Derivation(loss, items)
    if at is not None:
        from .derivation_numeric import evaluate_derivation

        derivation = evaluate_derivation(derivation, at)
    return derivation


def _abstract(loss, wrt, at, expanded) -> Derivation:
    if at is not None or expanded:
        raise ValueError("abstract derivations keep f undefined, so they have no numbers or closed form; "
                         "drop at=/expanded= or abstract=True")
    from .derivation_abstract import derive_abstract

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


def product_value(values) -> float | None:
    """The product of factor values, or None if any is missing."""
    out = 1.0
    for v in values:
        if v is None:
            return None
        out *= v
    return out


__all__ = ["Derivation", "ParamDerivation", "Path", "Factor", "Step", "OrderedSum", "OrderedProduct", "derive",
           "enumerate_paths", "needed_adjoints", "product_value", "rule_name", "MAX_EXPANDED_OPS", "MAX_PATHS"]
