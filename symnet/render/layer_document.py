"""The matrix-form derivation as a document: Unicode text, Markdown (``$$`` math) or standalone LaTeX,
in English or Chinese.

Sections: the layers and their shapes, the loss, the reverse sweep (each line tagged BP1–BP4 and
explained by the matrix rule that produced it), the four equations, the batch sum
∂C̄/∂Wˡ = (1/N) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ = (1/N) (Δˡ)ᵀ Aˡ⁻¹, and (optionally) the four-way check.
"""

from __future__ import annotations

from symnet.render.check_table import check_table
from symnet.render.layers import layer_expr
from symnet.render.tex import escape, preamble

TEXT = {
    "en": {
        "title": "Backpropagation in matrix form: the four equations BP1–BP4",
        "network": "The network",
        "network_text": "Layer l computes zˡ = Wˡ aˡ⁻¹ + bˡ and aˡ = σ(zˡ), with a⁰ = x. For {spec} ({params} "
                        "parameters) the program is, with the shape of every quantity:",
        "loss": "The loss",
        "loss_text": "The loss of one sample compares the output with the target y ({loss}):",
        "sweep": "The reverse sweep",
        "sweep_text": "symnet visits the steps backwards. The adjoint δˡ = ∂C/∂zˡ of each step is handed to the "
                      "step's arguments by one matrix rule of the rule table; nothing below was typed in:",
        "rule_bp1": "BP1: the loss's gradient ∇ₐC times σ′(zᴸ) entry by entry (elementwise rule)",
        "rule_fused": "BP1: the output activation and the loss are one stable step, so δᴸ = aᴸ − y",
        "rule_bp2": "BP2: the product rule gives (Wˡ⁺¹)ᵀ δˡ⁺¹, the elementwise rule multiplies by σ′(zˡ)",
        "rule_bp3": "BP3: a sum passes δ on unchanged, so the bias gets δˡ",
        "rule_bp4": "BP4: the product rule for Wˡ aˡ⁻¹ gives δˡ (aˡ⁻¹)ᵀ",
        "equations": "The four equations",
        "equations_text": "Read by layer, these lines are Nielsen's four equations of backpropagation:",
        "batch": "Over a batch",
        "batch_text": "The compiled code stacks the N samples of a batch as rows: X is N × n₀, and Zˡ, Aˡ, Δˡ are "
                      "N × nₗ. The per-sample products then sum over the samples by themselves, so no per-sample "
                      "gradient is ever stored:",
        "check": "Checked four ways",
        "check_text": "The matrix gradient, the lowered scalar program (entries w_{j,k}), the numeric reverse mode "
                      "and finite differences at a random point:",
    },
    "zh": {
        "title": "矩阵形式的反向传播：四个方程 BP1–BP4",
        "network": "网络",
        "network_text": "第 l 层计算 zˡ = Wˡ aˡ⁻¹ + bˡ 与 aˡ = σ(zˡ)，其中 a⁰ = x。{spec}（{params} 个参数）的程序如下，"
                        "每个量都标出形状：",
        "loss": "损失",
        "loss_text": "单个样本的损失比较输出与目标 y（{loss}）：",
        "sweep": "反向扫描",
        "sweep_text": "symnet 倒序访问每一步。每一步的伴随量 δˡ = ∂C/∂zˡ 由规则表中的一条矩阵规则传给这一步的参数；"
                      "下面没有一行是手写的：",
        "rule_bp1": "BP1：损失的梯度 ∇ₐC 与 σ′(zᴸ) 逐元素相乘（逐元素规则）",
        "rule_fused": "BP1：输出激活与损失合成一个数值稳定的步骤，所以 δᴸ = aᴸ − y",
        "rule_bp2": "BP2：乘积规则给出 (Wˡ⁺¹)ᵀ δˡ⁺¹，逐元素规则再乘以 σ′(zˡ)",
        "rule_bp3": "BP3：加法把 δ 原样传下去，所以偏置得到 δˡ",
        "rule_bp4": "BP4：Wˡ aˡ⁻¹ 的乘积规则给出 δˡ (aˡ⁻¹)ᵀ",
        "equations": "四个方程",
        "equations_text": "按层来读，这些行就是 Nielsen 的反向传播四方程：",
        "batch": "一批样本",
        "batch_text": "编译后的代码把一批 N 个样本按行堆叠：X 是 N × n₀，Zˡ、Aˡ、Δˡ 是 N × nₗ。"
                      "逐样本的乘积于是自动对样本求和，从不保存逐样本的梯度：",
        "check": "四种方法核对",
        "check_text": "在一个随机点上比较矩阵梯度、展开成标量的程序（元素 w_{j,k}）、数值反向模式与有限差分：",
    },
}
EQUATIONS = (("BP1", r"\delta^{L} = \nabla_a C \odot \sigma'(z^{L})", "δᴸ = ∇ₐC ⊙ σ′(zᴸ)"),
             ("BP2", r"\delta^{l} = \left((W^{l+1})^{\mathsf T} \delta^{l+1}\right) \odot \sigma'(z^{l})",
              "δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)"),
             ("BP3", r"\frac{\partial C}{\partial b^{l}} = \delta^{l}", "∂C/∂bˡ = δˡ"),
             ("BP4", r"\frac{\partial C}{\partial W^{l}} = \delta^{l} (a^{l-1})^{\mathsf T}", "∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ"))
BATCH = (r"\frac{\partial \bar C}{\partial W^{l}} = \frac{1}{N}\sum_x \delta^{l}_x (a^{l-1}_x)^{\mathsf T}"
         r" = \frac{1}{N} (\Delta^{l})^{\mathsf T} A^{l-1}, \qquad "
         r"\frac{\partial \bar C}{\partial b^{l}} = \frac{1}{N}\sum_x \delta^{l}_x",
         "∂C̄/∂Wˡ = (1/N) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ = (1/N) (Δˡ)ᵀ Aˡ⁻¹,   ∂C̄/∂bˡ = (1/N) Σₓ δˡₓ")


def layer_document(derivation, fmt: str = "markdown", lang: str | None = None) -> str:
    """The derivation as ``fmt`` (unicode, markdown or latex: a standalone document) in ``lang`` (en, zh;
    default the derivation's own, ``derive(..., lang=...)``)."""
    lang = lang or derivation.lang
    if fmt not in ("unicode", "text", "markdown", "latex") or lang not in TEXT:
        raise ValueError(f"expected fmt unicode, markdown or latex and lang en or zh; got {fmt!r}, {lang!r}")
    words = TEXT[lang]
    net = derivation.loss.network
    fields = {"spec": net.spec, "params": f"{net.n_params:,}", "loss": derivation.loss.name}
    sections = [
        (words["network"], words["network_text"].format(**fields), derivation.forward[:-1], False),
        (words["loss"], words["loss_text"].format(**fields), derivation.forward[-1:], False),
        (words["sweep"], words["sweep_text"], derivation.backward, True),
    ]
    writer = {"markdown": _markdown, "latex": _latex}.get(fmt, _unicode)
    return writer(derivation, words, sections, lang)


def _rows(steps, fmt):
    math_fmt = "latex" if fmt in ("markdown", "latex") else "unicode"
    return [(layer_expr(s.lhs, math_fmt), layer_expr(s.rhs, math_fmt), f"{s.shape[0]}×{s.shape[1]}", s.tag, s.rule)
            for s in steps]


def _unicode(derivation, words, sections, lang) -> str:
    out = [words["title"], "=" * 40]
    for heading, prose, steps, explain in sections:
        out += ["", heading, "-" * 20, prose]
        for lhs, rhs, shape, tag, rule in _rows(steps, "unicode"):
            out.append(f"  {lhs} = {rhs}   ({shape})" + (f"   — {words[rule]}" if explain and rule else ""))
    out += ["", words["equations"], "-" * 20, words["equations_text"]]
    out += [f"  {name}  {text}" for name, _, text in EQUATIONS]
    out += ["", words["batch"], "-" * 20, words["batch_text"], "  " + BATCH[1]]
    if derivation.check is not None:
        out += ["", words["check"], "-" * 20, words["check_text"], check_table(derivation.check, lang)]
    return "\n".join(out) + "\n"


def _markdown(derivation, words, sections, lang) -> str:
    out = [f"# {words['title']}"]
    for heading, prose, steps, explain in sections:
        out += ["", f"## {heading}", "", prose, "", "$$", "\\begin{aligned}"]
        rows = _rows(steps, "markdown")
        out.append(" \\\\\n".join(f"{lhs} &= {rhs} && {_tex_shape(shape)}" + (rf" \quad \text{{{tag[:3]}}}" if tag else "")
                                  for lhs, rhs, shape, tag, _ in rows))
        out += ["\\end{aligned}", "$$"]
        if explain:
            out += [""] + [f"- {words[rule]}" for rule in dict.fromkeys(r[4] for r in rows if r[4])]
    out += ["", f"## {words['equations']}", "", words["equations_text"], "", "$$", "\\begin{aligned}"]
    out.append(" \\\\\n".join(rf"&\text{{{name}}} && {tex}" for name, tex, _ in EQUATIONS))
    out += ["\\end{aligned}", "$$", "", f"## {words['batch']}", "", words["batch_text"], "", "$$", BATCH[0], "$$"]
    if derivation.check is not None:
        out += ["", f"## {words['check']}", "", words["check_text"], "", check_table(derivation.check, lang, "markdown")]
    return "\n".join(out).rstrip("\n") + "\n"


def _latex(derivation, words, sections, lang) -> str:
    out = []
    for heading, prose, steps, explain in sections:
        out += [f"\\section*{{{escape(heading)}}}", _latex_prose(prose), "", "\\begin{align*}"]
        rows = _rows(steps, "latex")
        out.append(" \\\\\n".join(f"{lhs} &= {rhs} && {_tex_shape(shape)}" + (rf" \quad \text{{{tag[:3]}}}" if tag else "")
                                  for lhs, rhs, shape, tag, _ in rows))
        out.append("\\end{align*}")
        if explain:
            out += ["\\begin{itemize}"] + [f"\\item {_latex_prose(words[rule])}"
                                           for rule in dict.fromkeys(r[4] for r in rows if r[4])] + ["\\end{itemize}"]
    out += [f"\\section*{{{escape(words['equations'])}}}", _latex_prose(words["equations_text"]), "\\begin{align*}"]
    out.append(" \\\\\n".join(rf"&\text{{{name}}} && {tex}" for name, tex, _ in EQUATIONS))
    out += ["\\end{align*}", f"\\section*{{{escape(words['batch'])}}}", _latex_prose(words["batch_text"]),
            "\\[", BATCH[0], "\\]"]
    if derivation.check is not None:
        out += [f"\\section*{{{escape(words['check'])}}}", _latex_prose(words["check_text"]),
                "\\begin{verbatim}", _ascii(check_table(derivation.check, lang)), "\\end{verbatim}"]
    return preamble(lang, words["title"]) + "\n".join(out) + "\n\n\\end{document}\n"


def _ascii(text: str) -> str:
    """The check table for ``verbatim``, which pdflatex can only set in ASCII."""
    return text.translate(str.maketrans({"—": "-", "·": "*", "−": "-"}))


def _tex_shape(shape: str) -> str:
    return shape.replace("×", r" \times ")


# Unicode math in prose, as LaTeX inline math (pdflatex cannot typeset these characters in text)
PROSE_MATH = {"zˡ": r"$z^l$", "Wˡ⁺¹": r"$W^{l+1}$", "Wˡ": r"$W^l$", "aˡ⁻¹": r"$a^{l-1}$", "aˡ": r"$a^l$",
              "bˡ": r"$b^l$", "σ′(zᴸ)": r"$\sigma'(z^L)$", "σ′(zˡ)": r"$\sigma'(z^l)$", "σ(zˡ)": r"$\sigma(z^l)$",
              "a⁰": r"$a^0$", "δˡ⁺¹": r"$\delta^{l+1}$", "δˡ": r"$\delta^l$", "δᴸ": r"$\delta^L$", "aᴸ": r"$a^L$",
              "∇ₐC": r"$\nabla_a C$", "∂C/∂zˡ": r"$\partial C/\partial z^l$", "Zˡ": r"$Z^l$", "Aˡ": r"$A^l$",
              "Δˡ": r"$\Delta^l$", "n₀": r"$n_0$", "nₗ": r"$n_l$", "×": r"$\times$", "ᵀ": r"$^{\mathsf T}$",
              "−": "$-$", "w_{j,k}": r"$w_{j,k}$"}


def _latex_prose(text: str) -> str:
    out, i = [], 0
    keys = sorted(PROSE_MATH, key=len, reverse=True)
    while i < len(text):
        key = next((k for k in keys if text.startswith(k, i)), None)
        if key:
            out.append(PROSE_MATH[key])
            i += len(key)
        else:
            out.append(escape(text[i]))
            i += 1
    return "".join(out)
