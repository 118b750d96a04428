"""The records a derivation is made of: factors, paths, steps, one derivation per parameter.

Data only; ``symnet.derivation.derive`` builds them and ``symnet.render`` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Basic, Derivative, Symbol

from symnet.core.display import Displayed
from symnet.core.losses import LOSS, Loss
from symnet.derivation.rules import Rule

MAX_PATHS = 256
# a derivation's document section: the chain rule path by path (scalar steps, or abstract f), the matrix form
# (BP1–BP4, layer steps), or a typed matrix loss's adjoint sweep (symnet.derivation.typed)
SECTIONS = ("paths", "matrix", "typed")
LANGUAGES = ("en", "zh")   # the words of symnet.render.i18n (tests/test_derive_lang.py keeps them equal)


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
class Derivation(Displayed):
    """Step-by-step chain-rule derivations of a loss for some parameters (see ``derive``), for any network:
    a program with matrix steps also carries its lines (``forward``, ``backward``, tagged BP1–BP4)."""

    loss: Loss
    params: tuple[ParamDerivation, ...]
    abstract: bool = False
    point: tuple[tuple[Symbol, float], ...] = ()
    loss_value: float | None = None
    check: object | None = None   # a GradCheckReport, from derive(..., check=True)
    lang: str = "en"              # the language its words print in, from derive(..., lang=...)
    forward: tuple = ()           # matrix steps (symnet.derivation.matrix.MatrixStep): the program's lines
    backward: tuple = ()          # …and the reverse sweep's, each tagged BP1–BP4 (typed losses: derivation.typed)
    section: str = "paths"        # the document section it takes, said by whoever built it: one of SECTIONS

    @property
    def typed(self) -> bool:
        """Whether the loss is a typed matrix expression: its document is the adjoint-sweep section."""
        return self.section == "typed"

    @property
    def matrix(self) -> bool:
        """Whether the program has layer steps: its document then adds the BP1–BP4 section."""
        return self.section == "matrix"

    def __getitem__(self, name) -> ParamDerivation:
        name = str(name)
        for item in self.params:
            if item.param.name == name:
                return item
        raise KeyError(f"no derivation for {name}: this one covers {', '.join(p.param.name for p in self.params)}")

    def __repr__(self) -> str:
        kind = "abstract derivation" if self.abstract else "derivation"
        return f"<{kind} of {'C' if self.matrix else 'L'} by {', '.join(p.param.name for p in self.params)}>"

    def _repr_markdown_(self) -> str:
        from symnet.render.printing import markdown

        return markdown(self)


def product_value(values) -> float | None:
    """The product of factor values, or None if any is missing."""
    out = 1.0
    for v in values:
        if v is None:
            return None
        out *= v
    return out
