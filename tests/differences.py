"""Central finite differences for the tests' oracles, with the design's step hᵢ = ε^(1/3)·max(1, |θᵢ|)."""

from __future__ import annotations

import numpy as np


def central_differences(fun, theta: np.ndarray) -> np.ndarray:
    """(fun(θ + hᵢeᵢ) − fun(θ − hᵢeᵢ)) / 2hᵢ for each i, stacked: shape (P,) for a scalar ``fun``,
    (P, …) for an array-valued one."""
    theta = np.asarray(theta, dtype=float)
    rows = []
    for i, t in enumerate(theta):
        h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(t))
        up, down = theta.copy(), theta.copy()
        up[i], down[i] = t + h, t - h
        rows.append((np.asarray(fun(up), dtype=float) - np.asarray(fun(down), dtype=float)) / (2 * h))
    return np.array(rows)
