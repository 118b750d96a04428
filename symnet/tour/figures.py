"""The tour's numeric sections: §2 towers and approximation, §3 descent in 1-D and training.

Each function takes a ``TourContext``, computes with symnet (towers, approximation, descent,
train, data) and draws with ``symnet.plot``; it returns a ``Section`` record listing what it wrote.
"""

from __future__ import annotations

import numpy as np
from sympy import Symbol

from symnet.tour.records import (POINTS, SEED_RATE, STUDENT, XOR_CORNERS, XOR_HIDDEN, XOR_RATE, Artifact, Formula,
                                 Section, Table, TourContext)
from symnet.render.i18n import t

APPROX_SIZES = (2, 4, 8, 16)
APPROX_SHOWN = 8
APPROX_TARGET = "sin(x)*cos(y)"
APPROX_DOMAIN = (-2.0, 2.0, -2.0, 2.0)
DESCENT_RATES = (0.1, 0.4, 0.8, 1.05)   # stable, stable, oscillating, diverging: 2/h″(x*) = 1
DESCENT_START = 3.0
DESCENT_STEPS = 12
SEED_EPOCHS = 800
XOR_EPOCHS = 300
FIGURE_DPI = 100


def save_figure(fig, ctx: TourContext, name: str, caption: str) -> Artifact:
    """Save a figure as ``name`` (PNG) in the tour folder, atomically, its texts in the tour's language;
    return it as an ``Artifact``."""
    import warnings

    from symnet.plot.training import save_figure as save
    from symnet.tour.localize import font_context, localize

    localize(fig, ctx.lang)
    with font_context(ctx.lang), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")   # cjk_font's note says how to fix it
        save(fig, ctx.path(name), dpi=FIGURE_DPI)
    return Artifact(caption, name)


def towers_section(ctx: TourContext) -> Section:
    """§2: the article's tower as a five-neuron network, its parameters, and its 3-D pictures."""
    from symnet.render.printing import format_assignments, latex, pretty, program_pairs
    from symnet.towers.tower import nested_towers, tower
    from symnet.tour.breaking import narrow

    lang, one = ctx.lang, tower()
    groups = _groups(one.network)
    values = "\n".join(f"{pretty(theta)}: " + ", ".join(f"{pretty(p)} = {one.values[str(p)]:g}" for p in group)
                       for theta, group in groups)
    numbers = " \\\\\n".join(f"{latex(theta)} &: " + ",\\ ".join(f"{latex(p)} = {one.values[str(p)]:g}" for p in group)
                            for theta, group in groups)   # the numbers beside the symbols
    pairs = program_pairs(one.network.program)
    program, numbers = format_assignments(pairs, "latex"), "\\begin{aligned}\n" + numbers + "\n\\end{aligned}"
    formulas = (Formula(t("towers_formula", lang), f"Tower(x, y) = {pretty(one.network.nested)}\n\n"
                        f"{format_assignments(pairs, 'unicode')}\n\n{values}", program + "\\qquad\n" + numbers,
                        "\\begin{gathered}" + narrow(program) + " \\\\[6pt] " + narrow(numbers) + "\\end{gathered}"),)
    files = _tower_figures(ctx, one, nested_towers())
    paragraph = t("towers_p1", lang, steepness=f"{one.steepness:g}", gain=f"{one.sharpness:g}")
    notes = _font_notes(lang)
    from symnet.tour.exercises import tower_exercises
    from symnet.tour.live import tower_widget

    return Section("towers", t("towers_title", lang), (paragraph,), formulas, files=files,
                   widgets=(tower_widget(lang),), skipped=notes, exercises=tower_exercises(lang))


def _font_notes(lang: str) -> tuple[str, ...]:
    """Why the Chinese figure texts would show as boxes, if no CJK font can be found."""
    from symnet.tour.localize import cjk_font

    return (cjk_font()[1],) if lang == "zh" and cjk_font()[0] is None else ()


def _groups(network):
    """(θᵢ, the parameters of neuron i) for every neuron, in order."""
    from symnet.core.neuron import neuron_index

    return tuple((theta, tuple(p for p in network.params if _owner(p) == neuron_index(theta)))
                 for theta in network.neurons)


def _owner(param) -> str:
    """The neuron index of a parameter named w{i}_{j} or b{i}."""
    return str(param)[1:].split("_")[0]


def _tower_figures(ctx: TourContext, one, nested) -> tuple[Artifact, ...]:
    """The article's two tower figures, drawn by ``symnet.plot.towers``."""
    from symnet.plot.towers import plot_nested_towers, plot_tower

    return (save_figure(plot_tower(one).figure, ctx, "tower.png", t("towers_figure", ctx.lang)),
            save_figure(plot_nested_towers(nested).figure, ctx, "towers_nested.png",
                        t("towers_sum_figure", ctx.lang)))


def approx_section(ctx: TourContext) -> Section:
    """§2: sums of towers approximate G(x, y) = sin x · cos y; the error falls as towers are added."""
    from symnet.towers.approximation import PARTITION_THRESHOLD
    from symnet.towers.study import error_study

    lang = ctx.lang
    study = error_study(APPROX_TARGET, APPROX_DOMAIN, ns=APPROX_SIZES)
    header = tuple(t(k, lang) for k in ("h_cells", "h_towers", "h_params", "h_max", "h_rms", "h_ratio"))
    table = Table(t("approx_table", lang), header, tuple(tuple(row) for row in study.cells()))
    formula = Formula(t("approx_target", lang), "G(x, y) = sin(x)·cos(y),  (x, y) ∈ [−2, 2]²\n"
                      f"ŷ(x, y) = Σₖ cₖ·Towerₖ(x, y),  cₖ = {t('approx_height', lang)}", r"G(x, y) = \sin x \cos y")
    files = _approx_figures(ctx, study)
    leak = f"{1 / (1 + np.exp(30 * 0.1)):.3f}"   # σ(−3): the article's tower, one step beside its box
    paragraphs = (t("approx_p1", lang), t("approx_p2", lang, threshold=f"{PARTITION_THRESHOLD:g}", leak=leak))
    from symnet.tour.live import approx_widget

    return Section("approx", t("approx_title", lang), paragraphs, (formula,), (table,), files,
                   widgets=(approx_widget(lang, study.approximations),))


def _approx_figures(ctx: TourContext, study) -> tuple[Artifact, ...]:
    """Target and approximation side by side, where its error is, and the error against the number of towers."""
    from symnet.plot.towers import plot_approximation, plot_error_map, plot_error_study

    shown = next(a for a in study.approximations if a.n == APPROX_SHOWN)
    left, _ = plot_approximation(shown)
    return (save_figure(left.figure, ctx, "approximation.png", t("approx_figure", ctx.lang, n=shown.n)),
            save_figure(plot_error_map(shown).figure, ctx, "approximation_error_map.png",
                        t("approx_error_map", ctx.lang, n=shown.n)),
            save_figure(plot_error_study(study).figure, ctx, "approximation_error.png",
                        t("approx_error_figure", ctx.lang)))


def descent_section(ctx: TourContext) -> Section:
    """§3: the loss L(ŷ, y) = (y − ŷ)² and gradient descent x ← x − η·h′(x) on a 1-D function."""
    from symnet.core.losses import squared_error
    from symnet.core.network import seed_network
    from symnet.learn.descent import descend_many, descend_newton
    from symnet.render.printing import latex, pretty
    from symnet.tour.curvature import descent_curvature

    lang, x = ctx.lang, Symbol("x")
    h = x**2 - 2 * x
    paths = descend_many(h, DESCENT_START, DESCENT_RATES, steps=DESCENT_STEPS)
    loss = squared_error(seed_network())
    formulas = (
        Formula(t("descent_loss", lang), f"L(ŷ, y) = {pretty(loss.display)}",
                f"L(\\hat{{y}}, y) = {latex(loss.display)}"),
        Formula(t("descent_rule", lang),
                f"x ← x − η·dh/dx\nh(x) = {pretty(h)},  dh/dx = {pretty(paths[0].derivative)}",
                r"x \leftarrow x - \eta \frac{dh}{dx}"),
    )
    found = descent_curvature(paths)[0]
    formulas += _curvature_formula(found, lang)
    newton = descend_newton(h, DESCENT_START, steps=DESCENT_STEPS)     # the step the curvature asks for
    files = _descent_figure(ctx, paths)
    outcomes = t("descent_p2", lang, outcomes=t("list_sep", lang).join(_outcome(p, lang) for p in paths))
    limit = () if found is None else (t("descent_p3", lang, h2=f"{found.value:g}", x_star=f"{found.minimum:g}",
                                        limit=f"{found.limit:g}"), _newton_text(newton, found, lang))
    from symnet.tour.exercises import descent_exercise
    from symnet.tour.live import descent_widget

    return Section("descent", t("descent_title", lang), (t("descent_p1", lang), outcomes, *limit), formulas,
                   (_descent_table(paths, newton, lang),), files, widgets=(descent_widget(lang),),
                   exercises=descent_exercise(paths, lang))


def _descent_table(paths, newton, lang: str) -> Table:
    """The first steps for each η and for Newton's method; under them, when h has a minimum, the factor
    1 − η·h″(x*) each step multiplies x − x* by and its verdict (stable, oscillating, diverging)."""
    from symnet.tour.curvature import descent_curvature

    found, verdicts = descent_curvature(paths)
    header = (t("h_step", lang), *(p.label for p in paths), t("h_newton_x", lang))     # the caption says: x
    rows = tuple((str(k), *(f"{p.xs[k]:.4f}" if k < len(p.xs) else "—" for p in (*paths, newton))) for k in range(6))
    if found is not None:
        rows += (("1 − η·h″(x*)", *(f"{1 - p.learning_rate * found.value:g}" for p in paths), "—"),
                 (t("h_verdict", lang), *(t(f"verdict_{v}", lang) for v in verdicts), "—"))
    return Table(t("descent_table_steps", lang), header, rows)


def _newton_text(newton, found, lang: str) -> str:
    """Where Newton's method x ← x − h′(x)/h″(x) reached x*, and after how many steps."""
    near = next((k for k, v in enumerate(newton.xs) if abs(v - found.minimum) <= 1e-12), newton.steps)
    return t("descent_newton", lang, steps=near, x_star=f"{found.minimum:g}", x0=f"{newton.xs[0]:g}")


def _curvature_formula(found, lang: str) -> tuple[Formula, ...]:
    """h″(x), the minimum x* and the stability limit 2/h″(x*), computed by ``learn.descent.curvature``."""
    from symnet.render.printing import latex, pretty

    if found is None:
        return ()
    d2 = found.second_derivative
    return (Formula(t("descent_curvature", lang),
                    f"d²h/dx² = {pretty(d2)},  x* = {found.minimum:g},  h″(x*) = {found.value:g}\n"
                    f"x − x* ← (1 − η·h″(x*))·(x − x*)  ⇒  η < 2/h″(x*) = {found.limit:g}",
                    f"\\frac{{d^2h}}{{dx^2}} = {latex(d2)},\\quad x^* = {found.minimum:g},\\quad "
                    f"\\eta < \\frac{{2}}{{h''(x^*)}} = {found.limit:g}"),)


def _outcome(path, lang: str) -> str:
    """What happened to one descent path, in words."""
    if path.diverged:
        return t("descent_diverged", lang, eta=f"{path.learning_rate:g}")
    return t("descent_settled", lang, eta=f"{path.learning_rate:g}", steps=path.steps, x=f"{path.xs[-1]:.4f}")


def _descent_figure(ctx: TourContext, paths) -> tuple[Artifact, ...]:
    from symnet.plot.training import plot_descent

    return (save_figure(plot_descent(paths).figure, ctx, "descent_1d.png", t("descent_figure", ctx.lang)),)


def train_section(ctx: TourContext) -> Section:
    """§3: train §0's F on its teacher's data (F approaches G), and a 2-4-1 MLP on XOR."""
    from symnet.core.network import mlp, seed_network
    from symnet.learn.data import make
    from symnet.learn.training import train

    lang = ctx.lang
    teacher = make("seed", n=200, noise=0.05, seed=0)
    # plain gradient descent, θ ← θ − η·∂L/∂θ on the whole set each epoch: the rule the section states
    seed_fit = train(seed_network(), teacher, optimizer="sgd", learning_rate=SEED_RATE, epochs=SEED_EPOCHS,
                     theta0=STUDENT, progress=False)
    xor = make("xor", n=200, seed=0)
    xor_fit = train(mlp([2, XOR_HIDDEN, 1], "tanh", "sigmoid"), xor, optimizer="sgd", learning_rate=XOR_RATE,
                    epochs=XOR_EPOCHS, progress=False)
    from symnet.tour.curvature import seed_curvature

    hessian_table, limit = seed_curvature(seed_fit, teacher, lang)   # 2/λ_max at Θ₀ and at the trained θ
    fits = ((t("h_seed_fit", lang), seed_fit), (t("h_xor_fit", lang, hidden=XOR_HIDDEN), xor_fit))
    rows = tuple((name, str(len(fit.params)), f"{fit.history.train_loss[0]:.4f}", f"{fit.history.train_loss[-1]:.4f}",
                  str(fit.settings["epochs"])) for name, fit in fits)
    header = tuple(t(k, lang) for k in ("h_network", "h_params", "h_before", "h_after", "h_epochs"))
    tables = (Table(t("train_table", lang), header, rows), _f_against_g(seed_fit, lang), hessian_table,
              _xor_table(xor_fit, lang))
    rule = Formula(t("train_rule", lang), "θ ← θ − η·∂L/∂θ,   L = (1/N) Σₙ (yₙ − F(Θ, xₙ))²",
                   r"\theta \leftarrow \theta - \eta \frac{\partial L}{\partial \theta}")
    code = Formula(t("train_code", lang), _compiled_source(seed_fit))
    paragraph = t("train_p1", lang, n_samples=len(teacher), hidden=XOR_HIDDEN, eta=f"{SEED_RATE:g}",
                     eta_xor=f"{XOR_RATE:g}")
    files = _training_figures(ctx, seed_fit, xor_fit, xor)
    from symnet.tour.live import train_widget

    return Section("train", t("train_title", lang), (paragraph, limit), (rule, code), tables, files,
                   widgets=(train_widget(lang),))


def _compiled_source(fit) -> str:
    """The generated NumPy source of a fit's loss and gradient, with lambdify's name made readable."""
    from symnet.numeric.codegen import value_and_grad as compile

    return compile(fit.loss).source.replace("_lambdifygenerated", "loss_and_gradient").rstrip()


def _f_against_g(seed_fit, lang: str) -> Table:
    """§0's comparison again: F before and after training, against the teacher G."""
    from symnet.learn.data import SEED_TEACHER
    from symnet.numeric.codegen import compile_network, params_vector

    predict, X = compile_network(seed_fit.network), np.array(POINTS)
    before = predict(params_vector(seed_fit.network.params, STUDENT), X)
    G = predict(params_vector(seed_fit.network.params, SEED_TEACHER), X)
    rows = tuple((f"{a:g}", f"{b:g}", f"{f0:.4f}", f"{f1:.4f}", f"{g:.4f}")
                 for (a, b), f0, f1, g in zip(POINTS, before, seed_fit.predict(X), G))
    header = ("x₁", "x₂", t("h_f_before", lang), t("h_f_after", lang), "G(x)")
    return Table(t("train_f_table", lang), header, rows)


def _xor_table(xor_fit, lang: str) -> Table:
    predictions = xor_fit.predict(np.array(XOR_CORNERS))
    rows = tuple((f"{a:g}", f"{b:g}", f"{float(a != b):g}", f"{p:.3f}") for (a, b), p in zip(XOR_CORNERS, predictions))
    return Table(t("train_xor_table", lang), ("x₁", "x₂", "y", "ŷ"), rows)


def _training_figures(ctx: TourContext, seed_fit, xor_fit, xor) -> tuple[Artifact, ...]:
    from symnet.plot.training import plot_decision_boundary, plot_loss, plot_seed_network

    lang = ctx.lang
    return (save_figure(plot_loss(seed_fit.history).figure, ctx, "train_seed_loss.png",
                        t("train_seed_figure", lang)),
            save_figure(plot_seed_network(seed_fit).figure, ctx, "train_seed_network.png",
                        t("train_seed_graph", lang)),
            save_figure(plot_loss(xor_fit.history).figure, ctx, "train_xor_loss.png", t("train_xor_figure", lang)),
            save_figure(plot_decision_boundary(xor_fit, xor).figure, ctx, "train_xor_boundary.png",
                        t("train_xor_boundary", lang)))
