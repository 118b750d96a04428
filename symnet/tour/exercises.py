"""Exercises with answers symnet computes: the page checks what the reader types.

Each answer comes from the same machinery the section shows (the compiled gradient, the path
enumeration of the derivation, the descent paths), never typed in by hand.
"""

from __future__ import annotations

from symnet.tour.records import AT, Exercise
from symnet.render.i18n import t

RELATIVE = 1e-3      # a typed answer within 0.1 % (or 1e-4 absolute) counts as right


def _tolerance(answer: float) -> float:
    return max(1e-4, RELATIVE * abs(answer))


def gradient_exercises(lang: str) -> tuple[Exercise, ...]:
    """∂L/∂b₄ at the section's point, and how many paths lead from L to w₂,₁."""
    import numpy as np

    from symnet.core.losses import squared_error
    from symnet.core.network import seed_network
    from symnet.derivation.derive import enumerate_paths
    from symnet.numeric.codegen import params_vector, value_and_grad

    loss = squared_error(seed_network())
    compiled = value_and_grad(loss)
    _, g = compiled(params_vector(compiled.params, {str(p): AT[str(p)] for p in compiled.params}),
                    np.array([[AT["x1"], AT["x2"]]]), np.array([AT["y"]]))
    b4 = float(g[[str(p) for p in compiled.params].index("b4")])
    paths = len(enumerate_paths(loss.program, _param(loss, "w2_1")))
    return (Exercise(t("ex_b4", lang), b4, _tolerance(b4), t("ex_b4_why", lang)),
            Exercise(t("ex_paths", lang), float(paths), 0.0, t("ex_paths_why", lang)))


def descent_exercise(paths, lang: str) -> tuple[Exercise, ...]:
    """Which of the section's learning rates makes the descent diverge."""
    diverging = [p.learning_rate for p in paths if p.diverged]
    if len(diverging) != 1:
        return ()
    rates = ", ".join(f"{p.learning_rate:g}" for p in paths)
    return (Exercise(t("ex_eta", lang, rates=rates), float(diverging[0]), 1e-9, t("ex_eta_why", lang)),)


def _param(loss, name: str):
    return next(p for p in loss.program.params if str(p) == name)
