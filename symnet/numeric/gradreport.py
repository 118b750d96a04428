"""The four-way gradient comparison as data: one row per parameter, and the report that prints them.

Two values a, b agree when |a − b| ≤ atol · max(1, |L|) + rtol · max(|a|, |b|) (``reverse.is_close``).
Shared by ``check_grads`` for scalar networks and ``layer_check`` for layer networks.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from symnet.numeric.reverse import is_close

RTOL = 1e-6
ATOL = 1e-8
METHODS = ("backprop", "sympy", "numeric", "finite_diff")


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

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def failures(self) -> tuple[GradCheckRow, ...]:
        return tuple(row for row in self.rows if not row.ok)

    def table(self) -> list[list[str]]:
        """Header and rows as strings (for text and Markdown tables)."""
        head = ["param", *self.methods, "max diff", "ok"]  # ASCII, no "|": the rows also make the Markdown table
        body = [[row.param, *(("—" if v is None else f"{v: .10e}") for v in row.values),
                 f"{row.max_error:.2e}", "yes" if row.ok else "NO"] for row in self.rows]
        return [head, *body]

    def __str__(self) -> str:
        rows = self.table()
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(cell.rjust(w) for cell, w in zip(r, widths)) for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        lines.append(f"mean loss L = {self.loss:.10g}; rtol = {RTOL:g}, atol = {ATOL:g}·max(1, |L|); "
                     + ("all gradients agree" if self.ok else f"{len(self.failures)} parameter(s) DISAGREE"))
        lines += [f"skipped {method}: {reason}" for method, reason in self.skipped]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        rows = self.table()
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines) + f"\n\n{'All gradients agree.' if self.ok else 'Some gradients disagree.'}\n"




def agreement_row(param: str, values: list, loss: float) -> GradCheckRow:
    """A row: the values of every method (None where skipped), the largest pairwise gap, the verdict."""
    present = [v for v in values if v is not None]
    pairs = list(combinations(present, 2))
    max_error = max((abs(a - b) for a, b in pairs), default=0.0)
    ok = all(is_close(a, b, abs(loss), RTOL, ATOL) for a, b in pairs)
    return GradCheckRow(param, tuple(values), max_error if np.isfinite(max_error) else float("inf"), ok)
