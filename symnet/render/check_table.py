"""A gradient check's table in the reader's language: header, yes/no and the verdict line from the one table.

``GradCheckReport``'s own ``str`` is English ASCII (scripts and the CLI read it); documents in Chinese
(the layer handout) print the same numbers with the words of ``symnet.render.lang_zh``.
"""

from __future__ import annotations

from symnet.render.i18n import t


def check_rows(report, lang: str) -> list[list[str]]:
    """Header and rows as strings, the words in ``lang``, the numbers as ``GradCheckReport.table`` writes them."""
    head = [t("summary_param", lang), *(t(f"method_{m}", lang) for m in report.methods), t("check_max", lang),
            t("summary_ok", lang)]
    body = [[row.param, *(("—" if v is None else f"{v: .10e}") for v in row.values), f"{row.max_error:.2e}",
             t("yes" if row.ok else "check_no", lang)] for row in report.rows]
    return [head, *body]


def check_notes(report, lang: str) -> list[str]:
    """The verdict line (mean loss, tolerances, how many disagree) and one line per skipped method."""
    second = "2" if getattr(report, "order", 1) == 2 else ""     # rows are Hessian entries
    verdict = t("check_all_agree" + second, lang) if report.ok else t("check_n_disagree" + second, lang,
                                                                        n=len(report.failures))
    rtol, atol = (f"{v:.2g}" for v in report.tolerance)   # float64's, or float32's (check_grads(dtype=))
    return ([t("check_footer", lang, loss=f"{report.loss:.10g}", rtol=rtol, atol=atol, verdict=verdict)]
            + [t("check_skipped", lang, method=t(f"method_{m}", lang), reason=r) for m, r in report.skipped])


def check_table(report, lang: str = "en", fmt: str = "text") -> str:
    """The check as an aligned text table or a Markdown table, then its notes.

    >>> from symnet.numeric.gradreport import GradCheckReport, agreement_row
    >>> report = GradCheckReport((agreement_row("b1", [1.0, 1.0, 1.0, 1.0], 0.5),), 0.5, (),
    ...                          ("matrix", "lowered", "numeric", "finite_diff"))
    >>> check_table(report, "zh").splitlines()[-1]
    '平均损失 L = 0.5；rtol = 1e-06，atol = 1e-08·max(1, |L|)；所有梯度一致'
    """
    rows = check_rows(report, lang)
    if fmt == "markdown":
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(cell.strip() for cell in row) + " |" for row in rows[1:]]
        return "\n".join(lines) + "\n\n" + "  \n".join(check_notes(report, lang))
    return aligned(rows) + "\n" + "\n".join(check_notes(report, lang))


def aligned(rows: list, rule: bool = False) -> str:
    """Rows of cells right-aligned in columns, a CJK character two columns wide; ``rule``: dashes under the header.

    >>> print(aligned([["n", "最大误差"], ["12", "0.86"]], rule=True))
     n  最大误差
    --  --------
    12      0.86
    """
    widths = [max(_width(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(" " * (w - _width(cell)) + cell for cell, w in zip(row, widths)) for row in rows]
    if rule:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns on a terminal: a CJK character takes two."""
    return sum(2 if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


__all__ = ["check_table", "check_rows", "check_notes", "aligned"]
