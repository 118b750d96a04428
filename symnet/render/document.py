"""Renderings of a ``Derivation``: plain text, Unicode, a LaTeX fragment or document, Markdown.

The content (which steps, in which order) is built here as blocks of ``symnet.render.layout``;
words come from ``symnet.render.i18n`` (``lang="en"`` or ``"zh"``), formulas from ``symnet.render.printing``.
A document adds a title, the network (nested form, program, closed form), the loss, a summary
table and the four-way numeric check (``symnet.check_grads``) to the per-parameter sections. When the
program has matrix steps (a layer network), the document is its BP1–BP4 section instead
(``symnet.render.bp_section``): the same entry points, the same language files, every format.
"""

from __future__ import annotations

from sympy import Basic, Derivative, Function, Symbol

from symnet.core.losses import LOSS, YHAT
from symnet.core.neuron import neuron_index
from symnet.derivation.abstract import NEURON_FUNCTION
from symnet.derivation.derive import Derivation, OrderedProduct, OrderedSum, ParamDerivation
from symnet.render import i18n
from symnet.render.bp_section import bp_document
from symnet.render.typed_second import typed_more
from symnet.render.typed_section import typed_document, typed_math
from symnet.render.layout import Arrows, Equation, Figure, Heading, Label, Line, Math, Num, Prose, Table, number
from symnet.render.matrix import latex_rows, step_rows
from symnet.render.notation import aligned, check_format, latex, program_pairs
from symnet.render.tex import emit_latex, emit_markdown, emit_text, math_lines, preamble

MAX_CLOSED_FORM_OPS = 400


def render(derivation: Derivation, fmt: str = "unicode", lang: str | None = None, second=None) -> str:
    """The per-parameter sections and the summary of ``derivation`` in ``fmt`` (then, with ``second``
    from ``symnet.derivation.second.derive_second``, the second derivatives).

    >>> from symnet import seed_network
    >>> from symnet.derivation.derive import derive
    >>> print(render(derive(seed_network(), wrt=["b5"]), "text").splitlines()[0])
    Derivative by b5
    """
    check_format(fmt)
    lang = lang or derivation.lang
    if derivation.typed:
        more = typed_more(second, fmt, lang or derivation.lang, False)
        return typed_document(derivation, fmt, lang, title=False, more=more)
    if derivation.matrix:
        return bp_document(derivation, fmt, lang, title=False)
    return emit(body_blocks(derivation, lang) + _second(derivation, second, lang, False), fmt, lang)


def document(derivation: Derivation, fmt: str = "markdown", lang: str | None = None, check: bool = True,
             figure: str | None = None, second=None) -> str:
    """The whole document in ``fmt``: title, network, loss, one section per parameter, summary, check.

    Args:
        derivation: from ``symnet.derivation.derive``.
        fmt: text, unicode, latex (a standalone file, see ``latex_document``) or markdown.
        lang: ``en`` or ``zh`` (default: the derivation's own, ``derive(..., lang=...)``).
        check: include the four-way numeric check table, when the derivation carries one
            (``derive(..., check=True)`` runs ``symnet.check_grads`` at its point).
        figure: the file name of the network's graph (``symnet.plot.graph.save_graph``), relative
            to the document, shown after the network; None for no picture.
        second: the second derivatives (``symnet.derivation.second.derive_second``), a section after
            the check (``derive --order 2``); None for none.

    Returns:
        The document text.

    >>> from symnet import seed_network
    >>> from symnet.derivation.derive import derive
    >>> document(derive(seed_network(), wrt=["b5"]), "markdown", "zh", check=False).splitlines()[0]
    '# 神经网络如何学习：一步一步看链式法则'
    """
    check_format(fmt)
    lang = lang or derivation.lang
    if derivation.typed:
        more = typed_more(second, fmt, lang or derivation.lang, check)
        return typed_document(derivation, fmt, lang, check, more=more)
    if derivation.matrix:
        return bp_document(derivation, fmt, lang, check)
    if fmt == "latex":
        return latex_document(derivation, lang, check, figure, second)
    return emit(document_blocks(derivation, lang, check, figure) + _second(derivation, second, lang, check), fmt, lang)


def latex_document(derivation: Derivation, lang: str | None = None, check: bool = True,
                   figure: str | None = None, second=None) -> str:
    """A standalone LaTeX document (pdflatex for English, xelatex + ctex for Chinese).

    >>> from symnet import seed_network
    >>> from symnet.derivation.derive import derive
    >>> print(latex_document(derive(seed_network(), wrt=["b5"]), "zh", check=False).splitlines()[0])
    \\documentclass[11pt,UTF8]{ctexart}
    """
    lang = lang or derivation.lang
    if derivation.typed:
        more = typed_more(second, "latex", lang or derivation.lang, check)
        return typed_document(derivation, "latex", lang, check, more=more)
    if derivation.matrix:
        return bp_document(derivation, "latex", lang, check)
    blocks = document_blocks(derivation, lang, check, figure) + _second(derivation, second, lang, check)
    title = blocks[0].text
    return preamble(lang, title) + emit(blocks[1:], "latex", lang) + "\n\\end{document}\n"


def derivation_math(derivation: Derivation) -> list[str]:
    """Every math line of the derivation's sections (``lhs &= rhs``), for one ``aligned`` block."""
    if derivation.typed:
        return typed_math(derivation)
    if derivation.matrix:
        return latex_rows(step_rows(derivation.forward + derivation.backward), latex)
    return [line for block in body_blocks(derivation, "en") if isinstance(block, Math)
            for line in math_lines(block, "markdown", "en")]


def latex_display(derivation: Derivation) -> str:
    """For Jupyter's ``_repr_latex_``: every math block, one ``aligned`` display."""
    return aligned(derivation_math(derivation), display=True)


def _second(derivation: Derivation, second, lang: str, check: bool) -> list:
    """The order-2 section's blocks (``symnet.render.second``), or none."""
    if second is None:
        return []
    from symnet.render.second import output_names, second_blocks

    return second_blocks(second, lang, output_names(derivation.loss), check)


def emit(blocks, fmt: str, lang: str) -> str:
    """Render blocks in ``fmt``."""
    writer = {"latex": emit_latex, "markdown": emit_markdown}.get(fmt, emit_text)
    return writer(blocks, fmt, lang)


# ---- content ------------------------------------------------------------------------------------

def document_blocks(derivation: Derivation, lang: str, check: bool = True, figure: str | None = None) -> list:
    """Title, the network (and its graph), the loss, the per-parameter sections, summary and the check."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    loss, net = derivation.loss, derivation.loss.network
    blocks = [Heading(0, t("title_abstract" if derivation.abstract else "title")), Heading(1, t("network")),
              Prose(t("nested" if is_article_network(net) else "nested_plain")), Math((Line(YHAT, net.nested),))]
    blocks += _abstract_network(net, lang) if derivation.abstract else _concrete_network(net, lang)
    if figure is not None:
        blocks.append(Figure(figure, t("graph_figure")))
    blocks += [Heading(1, t("loss")), Prose(t("loss_text"), (("yhat", YHAT), ("y", loss.target))),
               Math((Line(LOSS, loss.display),))]
    blocks += body_blocks(derivation, lang)
    if check and derivation.check is not None:
        blocks += check_blocks(derivation, lang)
    return blocks


def is_article_network(net) -> bool:
    """Whether ``net`` is the article's five-neuron network (any neuron model): only it is "as the article writes it".

    >>> from symnet import mlp, seed_network
    >>> is_article_network(seed_network()), is_article_network(mlp([2, 2, 1]))
    (True, False)
    """
    from symnet.core.network import seed_network

    article = seed_network()
    return net.nested == article.nested and tuple(net.inputs) == tuple(article.inputs)


def _concrete_network(net, lang: str) -> list:
    blocks = [Prose(i18n.t("program", lang)), Math(tuple(Line(lhs, rhs) for lhs, rhs in program_pairs(net.program)))]
    if net.program.tree_size(net.output) <= MAX_CLOSED_FORM_OPS:
        blocks += [Prose(i18n.t("concrete", lang)), Math((Line(YHAT, net.concrete()),))]
    return blocks


def _abstract_network(net, lang: str) -> list:
    """The programme with undefined neurons: hᵢ = fᵢ(θᵢ, …), composite inputs u = h + h, ŷ = output."""
    program, lines = net.program, []
    neurons = {Symbol(f"z{neuron_index(theta)}"): theta for theta in net.neurons}
    for lhs, rhs in program.assignments:
        if lhs in neurons:
            theta = neurons[lhs]
            args = sorted(rhs.free_symbols - set(program.params), key=program.order().__getitem__)
            function = Function(NEURON_FUNCTION.format(neuron_index(theta)))
            lines.append(Line(Symbol(f"h{neuron_index(theta)}"), function(theta, *args)))
        elif lhs.name.startswith("u"):
            lines.append(Line(lhs, rhs))
    lines.append(Line(YHAT, net.output))
    return [Prose(i18n.t("abstract_program", lang), (("f", Symbol("f")),)), Math(tuple(lines))]


def body_blocks(derivation: Derivation, lang: str) -> list:
    """The per-parameter sections and the summary (what ``render`` prints)."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    blocks = []
    if derivation.abstract:
        theta = Symbol("θ")
        chain = OrderedProduct((Derivative(LOSS, YHAT), Derivative(YHAT, theta)))
        blocks.append(Prose(t("abstract_intro"), (("rule", Equation(Derivative(LOSS, theta), chain)),
                                                 ("f", Symbol("f")), ("yhat", YHAT), ("theta", theta),
                                                 ("dyhat", Derivative(YHAT, theta)))))
    if derivation.point:
        point = tuple(Equation(s, Num(v)) for s, v in derivation.point)
        blocks.append(Prose(t("numbers_intro"), (("point", point), ("loss", Num(derivation.loss_value)),
                                                 ("L", LOSS))))
    names = {derivation.loss.network.output: YHAT}
    shared = not derivation.abstract and len(derivation.params) > 1
    if shared:      # one table of local derivatives for every parameter, not one copy per parameter
        blocks += [Heading(1, t("factors_title")), Prose(t("factors_shared")),
                   factor_table(derivation.params, names)]
    for item in derivation.params:
        blocks.append(Heading(1, t("derivative_of"), (("param", item.param),)))
        if derivation.abstract:
            blocks += _abstract_section(item, lang, names)
        else:
            blocks += _concrete_section(item, lang, names, shared)
    blocks += [Heading(1, t("summary")), summary_table(derivation, lang)]
    return blocks


def relabel(obj, names: dict):
    """``obj`` (formula, ordered sum/product, tuple) with the output symbol written ŷ."""
    if isinstance(obj, OrderedSum):
        return OrderedSum(tuple(relabel(term, names) for term in obj.terms))
    if isinstance(obj, OrderedProduct):
        return OrderedProduct(tuple(relabel(item, names) for item in obj.factors))
    if isinstance(obj, tuple):
        return tuple(relabel(item, names) for item in obj)
    return obj.xreplace(names) if isinstance(obj, Basic) else obj


def _paths_blocks(item, lang, names):
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    key = "paths_intro_one" if len(item.paths) == 1 else "paths_intro"
    fields = (("param", item.param), ("L", LOSS), ("count", str(len(item.paths))))
    (output,) = names
    if any(output in p.nodes for p in item.paths) and output != YHAT:
        fields += (("output", Equation(YHAT, output)),)
        key += "_output"
    return [Prose(t(key), fields),
            Math(tuple(Line(Label(t("path", k=k)), Arrows(relabel(p.nodes, names)))
                       for k, p in enumerate(item.paths, 1)))]


def factor_table(items, names: dict) -> Math:
    """Every distinct local derivative on the paths of ``items``, once, with its rule and value."""
    seen = {}
    for f in (f for item in items for path in item.paths for f in path.factors):
        seen.setdefault((f.of, f.by), f)
    return Math(tuple(Line(relabel(f.what, names), relabel(f.formula, names), f.rules,
                           None if f.formula.is_number else f.value) for f in seen.values()))


def _concrete_section(item: ParamDerivation, lang: str, names: dict, shared: bool = False) -> list:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    what = item.what
    blocks = _paths_blocks(item, lang, names)
    blocks += [Prose(t("chain_intro")), Math((Line(what, relabel(item.chain, names)),))]
    blocks += [Prose(t("factors_see"))] if shared else [Prose(t("factors_intro")), factor_table((item,), names)]
    blocks += [Prose(t("products_intro")), Math(tuple(Line(Label(t("path", k=k)), relabel(p.product, names), None,
                                                           p.value) for k, p in enumerate(item.paths, 1)))]
    if len(item.paths) > 1:
        blocks += [Prose(t("sum_intro")), Math((Line(what, relabel(item.total, names), None, item.value),))]
    return blocks + _compact_blocks(item, lang)


def _compact_blocks(item: ParamDerivation, lang: str) -> list:
    """The δ-form, the closed form (or why it is left out) and the finite-difference verdict."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    delta = Equation(Symbol("delta_s"), Derivative(LOSS, Symbol("s")))
    blocks = [Prose(t("compact_intro"), (("delta", delta),)),
              Math((Line(item.what, item.compact),) + tuple(Line(lhs, rhs) for lhs, rhs in item.adjoints))]
    if item.expanded is not None:
        blocks += [Prose(t("expanded_intro")), Math((Line(item.what, item.expanded),))]
    elif item.expanded_ops is not None:
        blocks.append(Prose(t("expanded_too_large", ops=item.expanded_ops)))
    if item.value is not None:
        verdict = t("agree") if item.ok else t("disagree")
        blocks.append(Prose(t("check_line", value="{value}", fd="{fd}", verdict=verdict),
                            (("value", Num(item.value)), ("fd", Num(item.finite_difference)))))
    return blocks


def _abstract_section(item: ParamDerivation, lang: str, names: dict) -> list:
    blocks = _paths_blocks(item, lang, names)
    total = OrderedSum(tuple(OrderedProduct(tuple(f.what for f in p.factors)) for p in item.paths))
    lines = (Line(item.what, OrderedProduct((Derivative(LOSS, YHAT), Derivative(YHAT, item.param))), "chain rule"),
             Line(Derivative(YHAT, item.param), total),
             Line(item.what, OrderedProduct((Derivative(LOSS, YHAT), total))))
    if item.outer is not None:
        lines += (Line(Derivative(LOSS, YHAT), item.outer.result, item.outer.rule),)
    return blocks + [Prose(i18n.t("abstract_chain", lang), (("yhat", YHAT),)), Math(lines)]


def summary_table(derivation: Derivation, lang: str) -> Table:
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    numeric = any(item.value is not None for item in derivation.params)
    header = [t("summary_param"), t("summary_paths")] + ([] if derivation.abstract else [t("summary_compact")])
    header += [t("summary_value"), t("summary_fd"), t("summary_ok")] if numeric else []
    rows = []
    for item in derivation.params:
        row = [item.param, str(len(item.paths))] + ([] if derivation.abstract else [item.compact])
        if numeric:
            row += [number(item.value), number(item.finite_difference), t("yes") if item.ok else t("no")]
        rows.append(tuple(row))
    return Table(tuple(header), tuple(rows))


def check_blocks(derivation: Derivation, lang: str) -> list:
    """The four-way gradient check at the derivation's point (or a seeded random batch)."""
    from symnet.numeric.gradcheck import METHODS

    t = lambda key: i18n.t(key, lang)  # noqa: E731
    report = derivation.check
    header = (t("summary_param"), *(t("method_" + m) for m in METHODS), t("check_max"), t("summary_ok"))
    body = tuple((Symbol(row.param), *("—" if v is None else f"{v:.9g}" for v in row.values), f"{row.max_error:.1e}",
                  t("yes") if row.ok else t("no")) for row in report.rows)
    return [Heading(1, t("check")), Prose(t("check_intro")), Table(header, body)]


__all__ = ["render", "document", "latex_document", "latex_display", "derivation_math"]
