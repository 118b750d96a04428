"""Exercises with answers symnet computes: the page checks what the reader types, then reveals symnet's answer.

Each answer comes from the same machinery the page's widgets run (the tower network, the descent rule,
the compiled gradient, the path enumeration of the derivation, the layer network's gradient), never
typed in by hand. The questions are predict-then-verify: the widget that can confirm an answer comes
after the question (the tower and sum-of-towers widgets, the descent widget, the training widget), and
no answer can be read off a widget above it.
"""

from __future__ import annotations

import numpy as np

from symnet.tour.records import AT, Exercise
from symnet.render.i18n import t

RELATIVE = 1e-3      # a typed answer within 0.1 % (or 1e-4 absolute) counts as right
SLIDER_T = 0.05      # the tower widget's threshold slider moves in steps of 0.05 …
SLIDER_ETA = 0.1     # … and the training widget's η in steps of 0.1
ARM = 0.05           # "no arms": nowhere outside the box does the tower exceed this
TOP = 0.95           # "the tower stands": at the box's centre it reaches at least this


def _tolerance(answer: float) -> float:
    return max(1e-4, RELATIVE * abs(answer))


def _exact(question: str, answer: float, why: str) -> Exercise:
    return Exercise(question, float(answer), 1e-9, why)


def gradient_exercises(lang: str) -> tuple[Exercise, ...]:
    """∂L/∂b₄ at the section's point but with y = 0 (the graph above shows y = 1), the paths to w₂,₁ and to b₂, the longest path's factors, the η from which
    the seed training's first step (the widget below) overshoots, and the size of ∂C/∂W² of the digits network."""
    from symnet.core.losses import squared_error
    from symnet.core.network import seed_network
    from symnet.derivation.quiz import question

    loss = squared_error(seed_network())
    b4 = _gradient_at(loss, "b4", y=0.0)
    paths = {name: question(loss, name).paths for name in ("w2_1", "b2")}
    longest = max(len(p.factors) for p in paths["w2_1"])
    rows, columns = _layer_gradient_shape("W2")
    eta = diverging_rate(loss)
    return (Exercise(t("ex_b4_y0", lang), b4, _tolerance(b4), t("ex_b4_y0_why", lang)),
            _exact(t("ex_paths", lang), len(paths["w2_1"]), t("ex_paths_why", lang)),
            _exact(t("ex_paths_b2", lang), len(paths["b2"]), t("ex_paths_b2_why", lang)),
            _exact(t("ex_factors", lang), longest, t("ex_factors_why", lang, n=longest)),
            _exact(t("ex_train_eta", lang), eta, t("ex_train_eta_why", lang)),
            _exact(t("ex_shape", lang), rows * columns, t("ex_shape_why", lang, rows=rows, columns=columns)))


def _gradient_at(loss, name: str, y: float) -> float:
    """∂L/∂``name`` at the derivation's point ``AT`` with the target ``y``, from the compiled gradient."""
    from symnet.numeric.codegen import params_vector, value_and_grad

    compiled = value_and_grad(loss, backend="numpy")
    _, g = compiled(params_vector(compiled.params, {str(p): AT[str(p)] for p in compiled.params}),
                    np.array([[AT["x1"], AT["x2"]]]), np.array([y]))
    return float(g[[str(p) for p in compiled.params].index(name)])


def _layer_gradient_shape(name: str) -> tuple[int, int]:
    """The shape of ∂C/∂``name`` of the tour's digits network, from symnet's matrix gradient."""
    from symnet.core.backprop import grad
    from symnet.core.layers import layers
    from symnet.tour.records import DIGITS_SPEC

    gradient = grad(layers(*DIGITS_SPEC).loss())
    result = next(r for w, r in zip(gradient.wrt, gradient.results) if str(w) == name)
    return tuple(int(n) for n in result.shape)


def diverging_rate(loss) -> float:
    """The smallest η on the training widget's 0.1 grid (up to its largest) at which the first step of plain gradient
    descent of the seed network from Θ₀, on the widget's data, already raises the mean loss: the step overshoots."""
    from symnet.learn.data import make
    from symnet.numeric.codegen import params_vector, value_and_grad
    from symnet.tour.live import TRAIN_ETA_MAX
    from symnet.tour.records import STUDENT

    compiled, data = value_and_grad(loss, backend="numpy"), make("seed", n=200, noise=0.05, seed=0)
    theta0 = params_vector(compiled.params, STUDENT)
    start, g = compiled(theta0, data.X, data.y)
    grid = (round(k * SLIDER_ETA, 1) for k in range(1, round(TRAIN_ETA_MAX / SLIDER_ETA) + 1))
    return next((eta for eta in grid if not compiled(theta0 - eta * g, data.X, data.y)[0] <= start), TRAIN_ETA_MAX)


def descent_exercise(paths, lang: str) -> tuple[Exercise, ...]:
    """On h(x) = x² − 2x from x = 3: which of the section's rates diverges, the smallest η that does not converge,
    the η that lands on the minimum in one step, and x after one step of η = 1/4 (all by symnet's descent)."""
    from sympy import Symbol

    from symnet.core.rules import differentiate
    from symnet.io.parsing import parse_expr
    from symnet.learn.descent import descend
    from symnet.tour.live import DESCENT_H, DESCENT_START

    x = Symbol("x")
    curvature = float(differentiate(differentiate(parse_expr(DESCENT_H), x), x))
    one_step = descend(DESCENT_H, DESCENT_START, 0.25, steps=1).xs[1]
    exercises = (_exact(t("ex_eta_limit", lang), 2 / curvature, t("ex_eta_limit_why", lang, c=f"{curvature:g}")),
                 _exact(t("ex_eta_newton", lang), 1 / curvature, t("ex_eta_newton_why", lang, c=f"{curvature:g}")),
                 Exercise(t("ex_one_step", lang), one_step, _tolerance(one_step), t("ex_one_step_why", lang)))
    diverging = [p.learning_rate for p in paths if p.diverged]
    if len(diverging) != 1:
        return exercises
    rates = ", ".join(f"{p.learning_rate:g}" for p in paths)
    return (_exact(t("ex_eta", lang, rates=rates), diverging[0], t("ex_eta_why", lang)),) + exercises


def tower_exercises(lang: str) -> tuple[Exercise, ...]:
    """The tower widget's questions: its height over [0, 1]² at the centre and at a corner, the smallest threshold
    t (slider grid) that leaves no arms, and the largest at which the tower still stands (symnet's tower network)."""
    from symnet.towers.tower import tower

    centre = float(tower(0, 1, 0, 1).evaluate(np.array([[0.5, 0.5]]))[0])
    corner = float(tower(0, 1, 0, 1).evaluate(np.array([[1.0, 1.0]]))[0])
    arms, stands = threshold_limits()
    return (Exercise(t("ex_cover", lang), centre, _tolerance(centre), t("ex_cover_why", lang)),
            Exercise(t("ex_corner", lang), corner, _tolerance(corner), t("ex_corner_why", lang)),
            _exact(t("ex_arms", lang, arm=ARM), arms, t("ex_arms_why", lang)),
            _exact(t("ex_stands", lang, top=TOP), stands, t("ex_stands_why", lang)))


def threshold_limits() -> tuple[float, float]:
    """(the smallest t with the article's tower nowhere above ``ARM`` outside its box, the largest t with its centre
    still at least ``TOP``), both on the widget's slider grid, the tower evaluated over the widget's view."""
    from symnet.numeric.codegen import compile_network
    from symnet.tour.live import TOWER_VIEW
    from symnet.towers.tower import ARTICLE_BOUNDS, tower

    a, b, c, d = ARTICLE_BOUNDS
    article = tower()
    run = compile_network(article.network)
    theta = np.array(article.theta, dtype=float)
    b5 = [str(p) for p in article.network.params].index("b5")

    def at(threshold: float, X) -> np.ndarray:     # the same tower with t = threshold: only b₅ = −s·t changes
        theta[b5] = -article.sharpness * threshold
        return run(theta, X)

    axis = np.linspace(*TOWER_VIEW, 121)
    grid = np.array([(x, y) for x in axis for y in axis])
    outside = grid[~((grid[:, 0] > a - 0.05) & (grid[:, 0] < b + 0.05) & (grid[:, 1] > c - 0.05) & (grid[:, 1] < d + 0.05))]
    centre = np.array([[(a + b) / 2, (c + d) / 2]])
    grid_t = [round(k * SLIDER_T, 2) for k in range(1, 51)]
    arms = next(v for v in grid_t if at(v, outside).max() <= ARM)
    stands = max(v for v in grid_t if at(v, centre)[0] >= TOP)
    return arms, stands
