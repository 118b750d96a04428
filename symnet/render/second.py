"""The order-2 section of a derivation document (``derive --order 2``), as blocks of ``symnet.render.layout``.

It follows the gradient's sections: the δ sweep that is differentiated, then one tangent sweep per
parameter θⱼ (each step ∂s/∂θⱼ with its value, then the column ∂²L/∂θᵢ∂θⱼ), a table of every entry
beside central differences of the compiled gradient, the eigenvalues with the largest stable learning
rate 2/λ_max, and the order-2 four-way check. The data comes from ``symnet.derivation.second``.
"""

from __future__ import annotations

from sympy import Derivative, Symbol

from symnet.core.losses import LOSS, YHAT
from symnet.derivation.second import SYMPY_MAX_ENTRIES
from symnet.render import i18n
from symnet.render.layout import Equation, Heading, Line, Math, Num, Prose, Table, number


def second_blocks(second, lang: str, names: dict, check: bool = True) -> list:
    """Heading, the tangent sweep column by column, the entries' table, eigenvalues and the check."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    theta, phi, s = Symbol("θ"), Symbol("φ"), Symbol("s")
    blocks = [Heading(1, t("second_title")),
              Prose(t("second_intro"), (("theta", theta), ("seed", Equation(Derivative(theta, theta), 1)),
                                        ("tangent", Derivative(s, theta)), ("grad", Derivative(LOSS, phi)),
                                        ("phi", phi), ("column", Derivative(LOSS, phi, theta)), ("s", s),
                                        ("u", Symbol("u")))),
              Prose(t("second_adjoints")),
              Math(tuple(Line(lhs, rhs.xreplace(names)) for lhs, rhs in second.adjoints))]
    for column in second.columns:
        p = column.param
        blocks += [Heading(2, t("second_column"), (("param", p),)),
                   Prose(t("second_seed"), (("seed", Equation(Derivative(p, p), 1)), ("param", p))),
                   Math(tuple(Line(lhs.xreplace(names), rhs.xreplace(names), None, value)
                              for lhs, rhs, value in column.tangents)),
                   Prose(t("second_entries")),
                   Math(tuple(Line(lhs, rhs.xreplace(names), None, value) for lhs, rhs, value, _ in column.entries))]
    if second.values is not None:
        blocks += _summary(second, lang)
    if check and second.check is not None:
        blocks += _check(second.check, lang)
    return blocks


def _summary(second, lang: str) -> list:
    """Every entry (i ≤ j) with its value and the central difference of the gradient; the eigenvalues."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    rows = []
    for j, column in enumerate(second.columns):
        for lhs, _, value, difference in column.entries[:j + 1]:
            rows.append((lhs, number(value), "—" if difference is None else number(difference)))
    blocks = [Prose(t("second_summary")),
              Table((t("second_entry"), t("summary_value"), t("summary_fd")), tuple(rows))]
    eigenvalues = second.eigenvalues
    if eigenvalues is None:
        return blocks
    shown = ("eigenvalues", tuple(Num(float(v)) for v in eigenvalues))
    if eigenvalues[-1] <= 0:
        return blocks + [Prose(t("second_eigen_flat"), (shown,))]
    limit = Equation(2 / Symbol("lambda_max"), Num(2 / float(eigenvalues[-1])))
    return blocks + [Prose(t("second_eigen"), (shown, ("eta", Symbol("eta")), ("limit", limit)))]


def _check(report, lang: str) -> list:
    """The order-2 four-way check: compiled Hessian, Hessian-vector products, sympy.diff twice, differences."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    header = (t("second_entry"), *(t("method_" + m) for m in report.methods), t("check_max"), t("summary_ok"))
    body = []
    for row in report.rows:
        a, b = (Symbol(name) for name in row.param.split(","))
        body.append((Derivative(LOSS, a, b), *("—" if v is None else f"{v:.9g}" for v in row.values),
                     f"{row.max_error:.1e}", t("yes") if row.ok else t("no")))
    blocks = [Prose(t("second_check_intro")), Table(header, tuple(body))]
    if any(method == "sympy" for method, _ in report.skipped):
        blocks.append(Prose(i18n.t("second_sympy_skipped", lang, n=SYMPY_MAX_ENTRIES)))
    return blocks


def output_names(loss) -> dict:
    """The network's output written ŷ, as in the gradient's sections."""
    return {loss.network.output: YHAT}


__all__ = ["second_blocks", "output_names"]
