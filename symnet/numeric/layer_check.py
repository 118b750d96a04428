"""Checking a layer network's gradient four ways, on sampled entries of its weight matrices.

(a) the matrix gradient program (BP1–BP4) compiled with ``@``; (b) the lowered scalar program
(entries w_{j,k}) differentiated by the scalar engine, compiled one column per entry; (c) the
independent numeric reverse mode of ``reverse`` on the lowered closed form; (d) central finite
differences of the compiled mean loss. (b) and (c) build one scalar step per entry, so they run
only for small networks (``LOWER_MAX_PARAMS``); (d) runs on a sample of entries of any network.
"""

from __future__ import annotations

import numpy as np

from symnet.core.backprop import grad
from symnet.core.layers import LayerLoss, LayerNetwork, entry_names, lower
from symnet.numeric.codegen import to_function
from symnet.numeric.gradreport import GradCheckReport, agreement_row
from symnet.numeric.layer_codegen import compile_layers
from symnet.numeric.reverse import backprop, finite_differences

METHODS = ("matrix", "lowered", "numeric", "finite_diff")
LOWER_MAX_PARAMS = 120     # more scalar parameters than this: skip the lowered program and the numeric reverse mode
SAMPLE = 24                # entries checked by finite differences on a larger network


def is_layer_target(target) -> bool:
    return isinstance(target, (LayerNetwork, LayerLoss))


def random_layer_point(target: LayerLoss, seed: int = 0, batch: int = 8):
    """A reproducible (theta, X, y): weights N(0, 1/nₗ₋₁), biases N(0, 0.5²), normal inputs, labels or
    targets in [0, 1]."""
    rng = np.random.default_rng(seed)
    net = target.network
    k = net.sizes[-1]
    theta = np.concatenate([rng.normal(scale=0.5 if p.shape[1] == 1 else 1 / np.sqrt(int(p.shape[1])),
                                       size=int(p.shape[0] * p.shape[1])) for p in net.params])
    y = rng.integers(0, k, size=batch) if net.output_activation == "softmax" else rng.uniform(size=(batch, k))
    return theta, rng.normal(size=(batch, net.sizes[0])), y


def check_layer_grads(target, theta=None, X=None, y=None, *, seed: int = 0, sample: int = SAMPLE,
                      lower_max_params: int = LOWER_MAX_PARAMS, compiled=None) -> GradCheckReport:
    """Compare the matrix gradient with the lowered scalar gradient, the numeric reverse mode and
    finite differences; every entry when the network is small, else ``sample`` entries (each
    parameter matrix represented). ``compiled`` checks an already compiled loss (e.g. a wrong rule's).

    >>> from symnet.core.layers import layers
    >>> check_layer_grads(layers("3-4-2")).ok
    True
    """
    target = target.loss() if isinstance(target, LayerNetwork) else target
    default = random_layer_point(target, seed)
    theta, X, y = (default[i] if v is None else v for i, v in enumerate((theta, X, y)))
    compiled = compiled or compile_layers(target)
    loss, matrix = compiled(theta, X, y)
    n_params = target.network.n_params
    picked = _pick(compiled, sample, seed) if n_params > lower_max_params else np.arange(n_params)
    names = entry_names(target.network.params, picked)   # the sampled ones only: no symbol per parameter
    skipped, columns = [], [matrix[picked], None, None]
    if n_params <= lower_max_params:
        Y = compiled.targets(y, X.shape[0])
        columns[1], columns[2] = _lowered(target, theta, X, Y)
    else:
        reason = f"{n_params} parameters (> {lower_max_params}): one scalar step per entry would be slow"
        skipped += [("lowered", reason), ("numeric", reason)]
    fd = _sampled_differences(lambda t: compiled.evaluate_value(X, y, t), theta, picked)   # the loss alone
    columns.append(fd)
    rows = tuple(agreement_row(names[k], [None if c is None else float(c[k]) for c in columns], loss)
                 for k in range(len(picked)))
    return GradCheckReport(rows, float(loss), tuple(skipped), METHODS)


def _pick(compiled, sample, seed) -> np.ndarray:
    """``sample`` entries, spread over every parameter array (at least one from each)."""
    rng, offsets, total = np.random.default_rng(seed), [], 0
    for shape in compiled.shapes:
        offsets.append((total, total + int(np.prod(shape))))
        total = offsets[-1][1]
    per = max(1, sample // len(offsets))
    return np.sort(np.concatenate([a + rng.choice(b - a, size=min(per, b - a), replace=False)   # no arange of P
                                   for a, b in offsets]))


def _lowered(target, theta, X, Y):
    """(scalar-engine gradient, numeric reverse-mode gradient) of the lowered program, batch means."""
    low = lower(target)
    g = grad(low)
    fn = to_function(g.program, g.program.inputs + g.program.params)
    n = X.shape[0]
    with np.errstate(over="ignore", under="ignore"):
        values = fn(*X.T, *Y.T, *theta)
    scalar = np.array([np.mean(np.broadcast_to(v, (n,))) for v in values[1:]])
    closed = low.closed_form()[0]
    env = dict(zip(low.inputs, list(X.T) + list(Y.T)))
    env.update({p: float(t) for p, t in zip(low.params, theta)})
    _, grads = backprop(closed, env, low.params)
    numeric = np.array([np.mean(np.broadcast_to(gr, (n,))) for gr in grads])
    return scalar, numeric


def _sampled_differences(mean_loss, theta, picked) -> np.ndarray:
    """Central differences in the ``picked`` coordinates only."""
    theta = np.asarray(theta, dtype=float)
    work = theta.copy()   # one copy, each coordinate moved and put back: no P-long copy per evaluation

    def along(i):
        def f(t):
            work[i] = t[0]
            return mean_loss(work)
        try:
            return finite_differences(f, theta[i:i + 1])[0]
        finally:
            work[i] = theta[i]

    return np.array([along(i) for i in picked])
