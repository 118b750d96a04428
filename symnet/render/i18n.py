"""Every prose string of symnet's derivations and documents, one table per language (en, zh).

Formulas are never translated (the printers write them); only words are. A key missing from a
language falls back to English, so a new string never breaks a rendering.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

EN = {
    "title": "How the network learns: the chain rule, step by step",
    "title_abstract": "How the network learns: the chain rule with abstract neurons",
    "network": "The network",
    "nested": "Nested form (as the article writes it)",
    "program": "Program (one assignment per step)",
    "concrete": "Concrete neurons (closed form)",
    "neuron_model": "Each neuron computes {model}.",
    "loss": "The loss",
    "loss_text": "The loss compares the prediction {yhat} with the target {y}:",
    "derivative_of": "Derivative by {param}",
    "paths_intro_one": "One path leads from the loss {L} to {param} through the network:",
    "paths_intro": "{count} paths lead from the loss {L} to {param} through the network:",
    "paths_intro_one_output": "One path leads from the loss {L} to {param} through the network ({output} is its output):",
    "paths_intro_output": "{count} paths lead from the loss {L} to {param} through the network ({output} is its output):",
    "path": "path {k}",
    "chain_intro": "By the chain rule, the derivative is a sum over the paths of products of local derivatives:",
    "factors_intro": "Each local derivative comes from one rule of the rule table (the same table backprop uses):",
    "products_intro": "Multiplying the factors along each path:",
    "sum_intro": "Adding the paths:",
    "compact_intro": "Backprop computes the same number with shared δ's ({delta}):",
    "expanded_intro": "Written out in the parameters and inputs only (closed form):",
    "expanded_too_large": "The closed form would have about {ops} operations, so it is not written out; "
                          "the δ-form above computes it.",
    "numbers_intro": "The numbers below are at the point {point}, where {L} = {loss}.",
    "check_line": "sum over paths = {value}; finite differences = {fd}; {verdict}",
    "agree": "they agree",
    "disagree": "they DISAGREE",
    "summary": "Summary",
    "summary_param": "parameter",
    "summary_paths": "paths",
    "summary_compact": "δ-form",
    "summary_value": "value",
    "summary_fd": "finite diff.",
    "summary_ok": "ok",
    "method_backprop": "backprop",
    "method_sympy": "sympy.diff",
    "method_numeric": "numeric",
    "method_finite_diff": "finite differences",
    "check_max": "max Δ",
    "yes": "yes",
    "no": "no",
    "check": "Numeric check",
    "check_intro": "Four independent gradients of the mean loss, compared (symnet.check_grads):",
    "abstract_intro": "Keep the neuron {f} undefined. Since the loss depends on {theta} only through the output "
                      "{yhat}, the chain rule gives {rule}, and {dyhat} is a sum over the paths through {yhat} "
                      "back to {theta}:",
    "abstract_program": "Program, each neuron an undefined function {f} of its parameter and inputs:",
    "abstract_loss": "For the loss {loss}:",
    "abstract_chain": "Each hop past {yhat} is a partial derivative of an undefined neuron; multiplying along "
                      "each path and adding the paths:",
    "rule": "rule",
    "where": "where",
    "point": "the point",
    "graph_title": "Computational graph",
    "graph_paths": "paths of {what} in red",
    "graph_legend": "Each arrow u → v is labelled with its local derivative ∂v/∂u; "
                    "a derivative is the sum over paths of the products of these labels.",
    # rule names (Rule.name in symnet.derivation.rules; rules with a formula show the formula)
    "chain rule": "chain rule",
    "sum rule": "sum rule",
    "product rule": "product rule",
    "power rule": "power rule",
    "identity": "identity",
    "neuron's own parameter": "neuron's own parameter",
    "neuron input": "neuron input",
}

ZH = {
    "title": "神经网络如何学习：一步一步看链式法则",
    "title_abstract": "神经网络如何学习：抽象神经元上的链式法则",
    "network": "网络",
    "nested": "嵌套形式（与原文写法一致）",
    "program": "计算程序（每步一个赋值）",
    "concrete": "具体的神经元（闭式表达）",
    "neuron_model": "每个神经元计算 {model}。",
    "loss": "损失函数",
    "loss_text": "损失函数衡量预测值 {yhat} 与真实值 {y} 之间的差距：",
    "derivative_of": "对 {param} 求导",
    "paths_intro_one": "从损失 {L} 出发，经过网络到达 {param} 的路径只有 1 条：",
    "paths_intro": "从损失 {L} 出发，经过网络到达 {param} 的路径共有 {count} 条：",
    "paths_intro_one_output": "从损失 {L} 出发，经过网络到达 {param} 的路径只有 1 条（{output} 是网络的输出）：",
    "paths_intro_output": "从损失 {L} 出发，经过网络到达 {param} 的路径共有 {count} 条（{output} 是网络的输出）：",
    "path": "路径 {k}",
    "chain_intro": "根据链式法则，导数等于各条路径上局部导数之积的总和：",
    "factors_intro": "每个局部导数都来自求导规则表中的一条规则（反向传播用的正是同一张表）：",
    "products_intro": "把每条路径上的因子相乘：",
    "sum_intro": "再把各条路径相加：",
    "compact_intro": "反向传播用共享的 δ（{delta}）算出同一个数：",
    "expanded_intro": "只用参数和输入写出来（闭式）：",
    "expanded_too_large": "闭式大约有 {ops} 个运算，太长了，这里不展开；上面的 δ 形式可以算出它。",
    "numbers_intro": "下面的数值都取在点 {point} 处，此时 {L} = {loss}。",
    "check_line": "各路径之和 = {value}；有限差分 = {fd}；{verdict}",
    "agree": "两者一致",
    "disagree": "两者不一致",
    "summary": "汇总",
    "summary_param": "参数",
    "summary_paths": "路径数",
    "summary_compact": "δ 形式",
    "summary_value": "数值",
    "summary_fd": "有限差分",
    "summary_ok": "一致",
    "method_backprop": "反向传播",
    "method_sympy": "sympy.diff",
    "method_numeric": "数值反向模式",
    "method_finite_diff": "有限差分",
    "check_max": "最大偏差",
    "yes": "是",
    "no": "否",
    "check": "数值检验",
    "check_intro": "平均损失的四种相互独立的梯度算法的比较（symnet.check_grads）：",
    "abstract_intro": "先不定义神经元 {f} 的具体形式。因为损失只通过模型输出 {yhat} 依赖于 {theta}，由链式法则"
                      "得到 {rule}，而 {dyhat} 是经过 {yhat} 回到 {theta} 的所有路径之和：",
    "abstract_program": "计算程序，每个神经元都是其参数与输入的未定义函数 {f}：",
    "abstract_loss": "对于损失函数 {loss}：",
    "abstract_chain": "经过 {yhat} 之后的每一步都是某个未定义神经元的偏导数；沿每条路径相乘，再把各条路径相加：",
    "rule": "规则",
    "where": "其中",
    "point": "该点",
    "graph_title": "计算图",
    "graph_paths": "红色为 {what} 的所有路径",
    "graph_legend": "每条箭头 u → v 上标注的是局部导数 ∂v/∂u；导数等于各条路径上标注之积的总和。",
    "chain rule": "链式法则",
    "sum rule": "加法法则",
    "product rule": "乘法法则",
    "power rule": "幂法则",
    "identity": "恒等",
    "neuron's own parameter": "神经元自身的参数",
    "neuron input": "神经元的输入",
}

TABLES = {"en": EN, "zh": ZH}


def check_lang(lang: str) -> str:
    """Return ``lang`` if symnet speaks it, else raise ``ValueError``.

    >>> check_lang("zh")
    'zh'
    """
    if lang not in TABLES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str = "en", **fields) -> str:
    """The prose string ``key`` in ``lang``, with ``fields`` filled in (English if untranslated).

    >>> t("path", "zh", k=2)
    '路径 2'
    """
    table = TABLES[check_lang(lang)]
    text = table.get(key, EN.get(key, key))
    return text.format(**fields) if fields else text


def rule(name: str, lang: str = "en") -> str:
    """A rule name ('sum rule, product rule' or 'σ′ = σ(1 − σ)') in ``lang``; formulas stay as they are.

    >>> rule("sum rule, product rule", "zh")
    '加法法则、乘法法则'
    """
    parts = [t(part, lang) for part in name.split(", ")]
    return ("、" if lang == "zh" else ", ").join(parts)
