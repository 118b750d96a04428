"""The softmax row's derivation, printed: each step of ``core.attention.softmax_row_steps`` as a line of text or
of a LaTeX ``aligned`` block, its reason in English or Chinese.

    a = softmax(s)  →  J = diag(a) − aaᵀ  →  s̄ = Jᵀg  →  a ⊙ g − a(aᵀg)  →  a ⊙ (g − (aᵀg)1)  →  A ⊙ (G − rowsum(A ⊙ G))
"""

from __future__ import annotations

from symnet.core.attention import softmax_row_steps
from symnet.render.notation import latex, pretty

REASONS = {
    "en": {"row": "one row of A", "jacobian": "∂aᵢ/∂sⱼ = aᵢ(δᵢⱼ − aⱼ): the Jacobian, symmetric",
           "vjp": "the adjoint of s: Jᵀg = Jg", "expand": "diag(a)g = a ⊙ g", "factor": "aᵀg is a number",
           "rows": "every row at once: the rule symnet uses"},
    "zh": {"row": "A 的一行", "jacobian": "∂aᵢ/∂sⱼ = aᵢ(δᵢⱼ − aⱼ)：雅可比矩阵，对称", "vjp": "s 的伴随：Jᵀg = Jg",
           "expand": "diag(a)g = a ⊙ g", "factor": "aᵀg 是一个数", "rows": "所有行一起：symnet 使用的规则"},
}
LATEX_REASONS = {
    "en": {"row": r"\text{one row of } A", "jacobian": r"\partial a_i/\partial s_j = a_i(\delta_{ij} - a_j)"
           r"\text{: the Jacobian, symmetric}", "vjp": r"\text{the adjoint of } s\text{: } J^{\mathsf T} g = J g",
           "expand": r"\operatorname{diag}(a)\, g = a \odot g", "factor": r"a^{\mathsf T} g \text{ is a number}",
           "rows": r"\text{every row at once: the rule symnet uses}"},
    "zh": {"row": r"A \text{ 的一行}", "jacobian": r"\partial a_i/\partial s_j = a_i(\delta_{ij} - a_j)"
           r"\text{：雅可比矩阵，对称}", "vjp": r"s \text{ 的伴随：} J^{\mathsf T} g = J g",
           "expand": r"\operatorname{diag}(a)\, g = a \odot g", "factor": r"a^{\mathsf T} g \text{ 是一个数}",
           "rows": r"\text{所有行一起：symnet 使用的规则}"},
}
LEFT = {"row": "a", "jacobian": "J", "vjp": "s̄", "expand": "s̄", "factor": "s̄", "rows": "Ḡ"}
LATEX_LEFT = {"row": "a", "jacobian": "J", "vjp": r"\bar s", "expand": r"\bar s", "factor": r"\bar s", "rows": r"\bar G"}


def softmax_row_derivation(fmt: str = "text", lang: str = "en") -> str:
    """The derivation of the softmax row's VJP, from the Jacobian diag(a) − aaᵀ to A ⊙ (G − rowsum(A ⊙ G)).

    Args:
        fmt: "text" (one line per step, its reason after it) or "latex" (an ``aligned`` block).
        lang: "en" or "zh", the language of the reasons.

    >>> print(softmax_row_derivation().splitlines()[1])
    J = diag(a) − (a aᵀ)    ∂aᵢ/∂sⱼ = aᵢ(δᵢⱼ − aⱼ): the Jacobian, symmetric
    """
    if fmt not in ("text", "latex") or lang not in REASONS:
        raise ValueError(f"fmt must be text or latex and lang en or zh; got fmt={fmt!r}, lang={lang!r}")
    steps, reasons = softmax_row_steps(), REASONS[lang]
    if fmt == "text":
        return "\n".join(f"{LEFT[s.what]} = {pretty(s.result)}    {reasons[s.what]}" for s in steps)
    lines = [rf"{LATEX_LEFT[s.what]} &= {latex(s.result)} && {LATEX_REASONS[lang][s.what]}" for s in steps]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
