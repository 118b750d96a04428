"""The tour's curvature numbers: why a learning rate diverges, for the 1-D descent and the seed network.

Near a minimum, one step of x ← x − η·h′(x) multiplies the error by 1 − η·h″(x*); for a network,
θ ← θ − η·∇L multiplies the error along the Hessian's k-th eigenvector by 1 − η·λₖ. Descent can
settle only while every |1 − η·λₖ| < 1: η < 2/λ_max, the stability limit. The 1-D numbers come from
``symnet.learn.descent.curvature``; the network's from ``symnet.numeric.hessian.compile_hessian``
(the mean Hessian of the squared-error loss, the loss the live trainer descends) and ``numpy.linalg.eigvalsh``.

Away from a minimum the limit is a local statement: the Hessian there has negative eigenvalues too,
and it changes as θ moves, so crossing 2/λ_max(θ₀) at the start need not make a run blow up.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=4)
def _compiled(key: str):
    """The compiled mean Hessian of the live trainer's network ``key`` (``seed`` or ``xor``), built once."""
    from symnet.core.network import mlp, seed_network
    from symnet.numeric.hessian import compile_hessian
    from symnet.tour.records import XOR_HIDDEN

    network = seed_network() if key == "seed" else mlp([2, XOR_HIDDEN, 1], "tanh", "sigmoid")
    return compile_hessian(network, backend="numpy")     # a few evaluations: LLVM's compile would cost more than it saves


def eigenvalues(key: str, theta, X, y) -> np.ndarray:
    """The eigenvalues of the mean Hessian of network ``key``'s squared error at θ on (X, y), ascending."""
    return np.linalg.eigvalsh(_compiled(key)(theta, X, y))


def stability_limit(values) -> float | None:
    """2/λ_max, the largest learning rate at which descent can settle near θ; None when no λ is positive."""
    top = float(np.max(values))
    return 2.0 / top if top > 0 else None


def descent_curvature(paths):
    """(x*, h″(x*), 2/h″(x*)) and the verdict per path, from ``symnet.learn.descent.curvature``."""
    from symnet.learn.descent import curvature

    found = curvature(paths)
    if found is None:
        return None, ()
    return found, tuple(found.verdict(p.learning_rate)[0] for p in paths)


def seed_curvature(seed_fit, data, lang: str):
    """The seed network's Hessian eigenvalues at Θ₀ and at the trained θ, as a table, and the paragraph that
    reads them: 2/λ_max at each, the live trainer's limit at Θ₀, and what one step at twice it does.

    Args:
        seed_fit: the tour's ``Fit`` of the seed network from Θ₀ (``STUDENT``); data: its training set.
        lang: the page's language.
    """
    from symnet.numeric.codegen import params_vector
    from symnet.render.i18n import t
    from symnet.tour.records import STUDENT, Table

    theta0 = params_vector(seed_fit.network.params, STUDENT)
    start, end = (eigenvalues("seed", th, data.X, data.y) for th in (theta0, np.asarray(seed_fit.theta)))
    limits = (stability_limit(start), stability_limit(end))
    rows = tuple((f"λ{_sub(k + 1)}", f"{a:.4g}", f"{b:.4g}") for k, (a, b) in enumerate(zip(start, end)))
    rows += (("2/λₘₐₓ", *(f"{v:.4g}" if v is not None else "—" for v in limits)),)
    header = ("k", t("h_at_theta0", lang), t("h_at_trained", lang, epochs=seed_fit.settings["epochs"]))
    before, after = _one_step(seed_fit.network, theta0, data, 2 * limits[0])
    paragraph = t("train_curvature_p", lang, limit0=f"{limits[0]:.4g}", limit1=f"{limits[1]:.4g}",
                  negative=int(np.sum(start < 0)), total=len(start), twice=f"{2 * limits[0]:.4g}",
                  before=f"{before:.4f}", after=f"{after:.4f}")
    return Table(t("train_hessian_table", lang), header, rows), paragraph


def _one_step(network, theta, data, eta) -> tuple[float, float]:
    """The mean loss at θ and after one step θ − η·∇L (the live trainer's own update)."""
    from symnet.numeric.codegen import value_and_grad

    compiled = value_and_grad(network, backend="numpy")
    loss, gradient = compiled(theta, data.X, data.y)
    return float(loss), float(compiled.value(theta - eta * gradient, data.X, data.y))


def _sub(n: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(d)] for d in str(n))
