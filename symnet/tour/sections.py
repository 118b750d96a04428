"""The tour's sections that need only the symbolic core: §0 the model, §1 the network, §3 the gradients.

Each function takes a ``TourContext``, does the work with symnet's public API and returns a
``Section`` record. ``SECTIONS`` lists every section of the tour in the article's order.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

import numpy as np
from sympy import Derivative, Symbol

from symnet.tour.breaking import NARROW, WIDE, broken
from symnet.tour.figures import approx_section, descent_section, towers_section, train_section
from symnet.tour.records import AT, POINTS, STUDENT, Artifact, Formula, Section, Table, TourContext
from symnet.render.i18n import t

# The "student" F of §0: parameters far from the teacher's, so F and G visibly differ.
EXPANDED_PARAM = "w5_1"
GRAPH_DPI = 100
DERIVED_PARAM = "w2_1"     # two paths: f(θ2, x2) feeds both θ3 and θ4


def wrap(formula: str, width: int = 96) -> str:
    """Break a long one-line formula after ``·`` or before `` + `` so it fits a page.

    >>> print(wrap("a·b + c", width=2))
    a·
      b
      + c
    """
    lines, line = [], ""
    for piece in re.split(r"(?<=·)|(?= \+ )", formula):
        if line.strip() and len(line) + len(piece) > width:
            lines.append(line.rstrip())
            line = "  " + piece.lstrip()
        else:
            line += piece
    return "\n".join(lines + [line.rstrip()])


def _number(value: float) -> str:
    return f"{value:.6f}"


def model_section(ctx: TourContext) -> Section:
    """§0: the network as a function — call it, print it, compare F with the ideal G."""
    from symnet.core.network import seed_network
    from symnet.learn.data import SEED_TEACHER
    from symnet.numeric.codegen import compile_network, params_vector
    from symnet.render.printing import latex

    net, lang = seed_network(), ctx.lang
    x1, x2 = POINTS[0]
    value = float(net(STUDENT, x1=x1, x2=x2))
    call = (f">>> F = seed_network()\n>>> print(F)\n{net}\n>>> F(theta, x1={x1:g}, x2={x2:g})\n{value:.10f}\n"
            f">>> F == seed_network()\n{net == seed_network()}")
    predict, X = compile_network(net), np.array(POINTS)
    F = predict(params_vector(net.params, STUDENT), X)
    G = predict(params_vector(net.params, SEED_TEACHER), X)
    rows = tuple((f"{a:g}", f"{b:g}", _number(f), _number(g), f"{(g - f) ** 2:.2e}")
                 for (a, b), f, g in zip(POINTS, F, G))
    at = f"F(Θ₀; x₁ = {x1:g}, x₂ = {x2:g}) = {value:.4f}"
    formulas = (Formula(t("model_value", lang), at,
                        f"F(\\Theta_0;\\ x_1 = {x1:g},\\ x_2 = {x2:g}) = {value:.4f}"),
                Formula(t("model_call", lang), call, f"F(\\Theta, x) = {latex(net.nested)}",
                        broken("F(\\Theta, x)", net.nested, NARROW)))
    return Section(
        "model", t("model_title", lang), (t("model_p1", lang), t("model_p2", lang)), formulas=formulas,
        tables=(_parameter_table(net, lang),
                Table(t("model_table", lang), ("x₁", "x₂", "F(x)", "G(x)", "(G − F)²"), rows)))


def _parameter_table(net, lang: str) -> Table:
    """Θ₀ (the student's parameters) beside Θ* (the teacher's), one row per parameter."""
    from symnet.learn.data import SEED_TEACHER
    from symnet.render.printing import pretty

    rows = tuple((pretty(p), f"{STUDENT[str(p)]:g}", f"{SEED_TEACHER[str(p)]:g}") for p in net.params)
    return Table(t("model_params", lang), ("θ", t("model_theta0", lang), t("model_theta_star", lang)), rows)


def network_section(ctx: TourContext) -> Section:
    """§1: the five-neuron network as a nested formula, a program, a closed form and a drawing."""
    from symnet.core.network import seed_network
    from symnet.render.printing import format_assignments, latex, pretty, program_pairs

    net, lang = seed_network(), ctx.lang
    pairs = program_pairs(net.program)
    formulas = (
        Formula(t("network_nested", lang), f"F(Θ, x) = {pretty(net.nested)}",
                f"F(\\Theta, x) = {latex(net.nested)}", broken("F(\\Theta, x)", net.nested, NARROW)),
        Formula(t("network_program", lang), format_assignments(pairs, "unicode"),
                format_assignments(pairs, "latex")),
        Formula(t("network_closed", lang), "ŷ = " + wrap(pretty(net.concrete())),
                broken("\\hat{y}", net.concrete(), WIDE), broken("\\hat{y}", net.concrete(), NARROW)),
    )
    files, skipped = _network_graph(ctx, net)
    paragraphs = (t("network_p1", lang, n_params=len(net.params)), t("network_p2", lang))
    return Section("network", t("network_title", lang), paragraphs, formulas, files=files, skipped=skipped)


def _network_graph(ctx: TourContext, net):
    """The network's graph from ``symnet.plot.graph``, with the two paths of ∂L/∂w₂,₁ highlighted."""
    from symnet.plot.graph import save_graph

    save_graph(net, ctx.path("network_graph.png"), wrt=DERIVED_PARAM, lang=ctx.lang, dpi=GRAPH_DPI)
    return (Artifact(t("network_graph", ctx.lang), "network_graph.png"),), ()


def check_section(ctx: TourContext) -> Section:
    """§3: the four-way gradient check of the seed network's squared-error loss."""
    from symnet.core.losses import squared_error
    from symnet.core.network import seed_network
    from symnet.numeric.gradcheck import check_grads
    from symnet.render.printing import pretty

    loss = squared_error(seed_network())
    report = check_grads(loss, seed=0)
    from symnet.tour.localize import translate

    header, *rows = report.table()
    header = [translate(cell, ctx.lang) for cell in header]
    rows = [(pretty(Symbol(row[0])), *row[1:-1], translate(row[-1], ctx.lang)) for row in rows]
    verdict = t("check_ok" if report.ok else "check_bad", ctx.lang)
    notes = tuple(f"{method}: {reason}" for method, reason in report.skipped)
    paragraphs = (t("check_p1", ctx.lang), _wrong_rule(loss, ctx.lang))
    return Section("check", t("check_title", ctx.lang), paragraphs,
                   tables=(Table(t("check_table", ctx.lang, verdict=verdict), tuple(header),
                                 tuple(tuple(r) for r in rows)),), skipped=notes)


def _wrong_rule(loss, lang: str) -> str:
    """Check a deliberately wrong rule, σ′ = σ instead of σ(1 − σ), and say how many parameters it breaks."""
    from symnet.core.activations import sigmoid
    from symnet.numeric.codegen import value_and_grad as compile
    from symnet.numeric.gradcheck import check_grads

    wrong = {sigmoid: lambda ans, z: (ans,)}
    broken = check_grads(loss, seed=0, compiled=compile(loss, rules=wrong))
    return t("check_wrong", lang, bad=len(broken.failures), total=len(broken.rows))


def gradients_section(ctx: TourContext) -> Section:
    """§3: the symbolic gradient of L = (y − ŷ)² by the reverse sweep, a chain-rule derivation, a document."""
    from symnet.core.backprop import grad
    from symnet.core.losses import squared_error
    from symnet.core.network import seed_network
    from symnet.derivation.derive import derive
    from symnet.render.printing import format_assignments, latex, pretty
    from symnet.tour.folds import derivation_fold

    lang, loss = ctx.lang, squared_error(seed_network())
    gradient = grad(loss)
    out = loss.program.outputs[0]
    pairs = list(gradient.adjoints) + [(Derivative(out, p), r) for p, r in zip(gradient.wrt, gradient.results)]
    expanded = gradient.expanded(EXPANDED_PARAM)
    formulas = (
        Formula(t("gradients_adjoints", lang), format_assignments(pairs, "unicode"),
                format_assignments(pairs, "latex")),
        Formula(t("gradients_expanded", lang, param=pretty(_symbol(EXPANDED_PARAM))),
                f"∂L/∂{pretty(_symbol(EXPANDED_PARAM))} = " + wrap(pretty(expanded)),
                broken(_partial(EXPANDED_PARAM), expanded, WIDE), broken(_partial(EXPANDED_PARAM), expanded, NARROW)),
    )
    fold = derivation_fold(derive(loss, wrt=[DERIVED_PARAM], at=AT),
                           t("fold_caption", lang, param=pretty(_symbol(DERIVED_PARAM))), lang)
    files, skipped, pdf = derivation_files(ctx, loss)
    from symnet.tour.checker import checker_widget
    from symnet.tour.exercises import gradient_exercises
    from symnet.tour.graphlive import graph_widget

    section = Section("gradients", t("gradients_title", lang), (t("gradients_p1", lang), t("gradients_p2", lang)),
                      formulas, files=files, skipped=skipped, folds=(fold,), widgets=(graph_widget(lang, AT), checker_widget(lang)),
                      exercises=gradient_exercises(lang))
    if pdf is None:
        return section
    from symnet.tour.parallel import Later   # LaTeX runs while the next sections do

    return Later(section, functools.partial(_with_pdf, build=pdf, lang=lang), pdf.cancel)


def derivation_files(ctx: TourContext, loss) -> tuple[tuple[Artifact, ...], tuple[str, ...], object]:
    """The derivation of every parameter as .md and .tex, and the start of its .pdf when LaTeX is installed.

    Returns:
        (the files written, notes on what was skipped and why, the PDF's build or None):
        ``_with_pdf`` waits for the build and adds the PDF, or the reason it is missing.
    """
    from symnet.derivation.derive import derive
    from symnet.io.files import write_text
    from symnet.render.document import document, latex_document
    from symnet.render.latexbuild import LatexNotInstalled, engine_for, start_pdf

    derivation, caption = derive(loss, check=True), t("gradients_doc", ctx.lang)
    tex = latex_document(derivation, ctx.lang)
    write_text(ctx.path("derivation.md"), document(derivation, "markdown", ctx.lang))
    write_text(ctx.path("derivation.tex"), tex)
    files = (Artifact(caption + " (Markdown)", "derivation.md"), Artifact(caption + " (LaTeX)", "derivation.tex"))
    try:
        return files, (), start_pdf(tex, ctx.path("derivation.pdf"), engine_for(ctx.lang))
    except LatexNotInstalled as err:
        return files, (t("no_tex", ctx.lang, reason=str(err)),), None


def _with_pdf(section: Section, build, lang: str) -> Section:
    """``section`` with the derivation's PDF once LaTeX is done, or with the reason it is not there."""
    from symnet.render.latexbuild import LatexBuildError

    try:
        build.wait()
    except LatexBuildError as err:
        return replace(section, skipped=section.skipped + (t("no_tex", lang, reason=str(err)),))
    return replace(section, files=section.files + (Artifact(t("gradients_doc", lang) + " (PDF)", "derivation.pdf"),))


def _symbol(name: str) -> Symbol:
    return Symbol(name)


def _partial(name: str) -> str:
    """∂L/∂``name`` in LaTeX, the left side of an expanded gradient."""
    from symnet.render.printing import latex

    return f"\\frac{{\\partial L}}{{\\partial {latex(_symbol(name))}}}"


def _sections():
    from symnet.tour.layers import layers_section
    from symnet.tour.models import models_section

    return (("model", model_section), ("network", network_section), ("towers", towers_section),
            ("approx", approx_section), ("descent", descent_section), ("gradients", gradients_section),
            ("train", train_section), ("check", check_section),
            ("layers", layers_section), ("models", models_section))


SECTIONS = _sections()
