"""The four-way gradient comparison as data: one row per parameter, and the report that prints them.

Two values a, b agree when |a − b| ≤ atol · max(1, |L|) + rtol · max(|a|, |b|) (``reverse.is_close``).
Shared by ``check_grads`` for every network, scalar or layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from sympy import Derivative, Symbol

from symnet.numeric.reverse import is_close

RTOL = 1e-6
ATOL = 1e-8
METHODS = ("backprop", "sympy", "numeric", "finite_diff")
# order 2: the Hessian (tangent sweeps over the gradient program), H·eⱼ by the Hessian-vector product,
# sympy.diff twice, central differences of the compiled gradient; one row per entry ∂²L/∂θᵢ∂θⱼ, i ≤ j
SECOND_ORDER_METHODS = ("hessian", "hvp", "sympy", "finite_diff")


@dataclass(frozen=True)
class GradCheckRow:
    """One parameter: its four gradients (None where skipped), the largest gap, and the verdict."""

    param: str
    values: tuple[float | None, ...]
    max_error: float
    ok: bool


@dataclass(frozen=True)
class GradCheckReport:
    """The four-way agreement table; ``ok`` is True when every pair agrees for every parameter."""

    rows: tuple[GradCheckRow, ...]
    loss: float
    skipped: tuple[tuple[str, str], ...]   # (method, reason)
    methods: tuple[str, ...] = METHODS     # the column names, in the order of each row's values
    order: int = 1                         # 2: rows are Hessian entries, param "a,b" for ∂²L/∂a∂b
    tolerance: tuple[float, float] = (RTOL, ATOL)   # (rtol, atol): float64's, or float32's (gradcheck.tolerances)

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def failures(self) -> tuple[GradCheckRow, ...]:
        return tuple(row for row in self.rows if not row.ok)

    def label(self, row: GradCheckRow):
        """What a row is about, as a SymPy object to print: the parameter w, or ∂²L/∂a∂b (order 2)."""
        if self.order == 1:
            return Symbol(row.param)
        return Derivative(Symbol("L"), *(Symbol(name) for name in row.param.split(",")))

    def table(self) -> list[list[str]]:
        """Header and rows as strings (the printers' text tables, the tour's table)."""
        head = ["param" if self.order == 1 else "entry", *self.methods, "max diff", "ok"]  # ASCII, no "|": the rows also make the Markdown table
        body = [[row.param, *(("—" if v is None else f"{v: .10e}") for v in row.values),
                 f"{row.max_error:.2e}", "yes" if row.ok else "NO"] for row in self.rows]
        return [head, *body]

    def __repr__(self) -> str:
        verdict = "all agree" if self.ok else f"{len(self.failures)} DISAGREE"
        return f"<GradCheckReport: {len(self.rows)} {'params' if self.order == 1 else 'entries'}, {verdict}, L = {self.loss:.6g}>"

    def __str__(self) -> str:
        from symnet.render.printing import text

        return text(self)

    def _repr_markdown_(self) -> str:
        from symnet.render.printing import markdown

        return markdown(self)


def agreement_row(param: str, values: list, loss: float, tolerance=(RTOL, ATOL)) -> GradCheckRow:
    """A row: the values of every method (None where skipped), the largest pairwise gap, the verdict
    (``tolerance``: (rtol, atol), float64's unless ``gradcheck.tolerances`` gives another dtype's)."""
    present = [v for v in values if v is not None]
    pairs = list(combinations(present, 2))
    max_error = max((abs(a - b) for a, b in pairs), default=0.0)
    ok = all(is_close(a, b, abs(loss), *tolerance) for a, b in pairs)
    return GradCheckRow(param, tuple(values), max_error if np.isfinite(max_error) else float("inf"), ok)
