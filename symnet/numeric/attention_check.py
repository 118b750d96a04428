"""Four gradients of an attention loss that must agree: the compiled matrix program, the lowered scalar
program's backprop, the numeric reverse mode on the lowered closed form, and central finite differences.

The lowered columns write every entry of Q, K, V, S = QKᵀ/√d_k, A = softmax(S), … as its own scalar step
(``symnet.core.attention_model.lower_attention``), so they check the row softmax's matrix rule
A ⊙ (G − rowsum(A ⊙ G)) against the scalar table's quotient and exp rules; they run for tiny sizes only.
"""

from __future__ import annotations

import numpy as np

from symnet.core.attention_model import AttentionLoss, AttentionNetwork, lower_attention
from symnet.core.backprop import grad
from symnet.core.lowering import entry_names
from symnet.numeric.attention_compiled import compile_attention
from symnet.numeric.codegen import to_function
from symnet.numeric.gradreport import GradCheckReport, agreement_row
from symnet.numeric.reverse import backprop, finite_differences

METHODS = ("matrix", "lowered", "numeric", "finite_diff")
LOWER_MAX_PARAMS = 60


def random_attention_point(target, seed: int = 0, batch: int = 4):
    """A reproducible (theta, X, y): N(0, 1/fan-in) weights, normal tokens, random labels."""
    rng = np.random.default_rng(seed)
    net = target.network
    theta = np.concatenate([rng.normal(scale=1 / np.sqrt(int(p.shape[1])), size=int(p.shape[0] * p.shape[1]))
                            for p in net.params])
    return theta, rng.normal(size=(batch, net.tokens, net.features)), rng.integers(0, net.classes, size=batch)


def check_attention_grads(target, theta=None, X=None, y=None, *, seed: int = 0, compiled=None,
                          lower_max_params: int = LOWER_MAX_PARAMS) -> GradCheckReport:
    """Compare the four gradients of the mean loss at one point (random from ``seed`` where not given).

    >>> from symnet.core.attention_model import attention
    >>> check_attention_grads(attention(2, 2, classes=2)).ok
    True
    """
    target = target.loss() if isinstance(target, AttentionNetwork) else target
    if not isinstance(target, AttentionLoss):
        raise TypeError(f"expected an attention network or its loss; got {type(target).__name__}")
    default = random_attention_point(target, seed)
    theta, X, y = (default[i] if v is None else v for i, v in enumerate((theta, X, y)))
    compiled = compiled or compile_attention(target)
    theta, X, y = compiled.checker(theta, X, y)
    loss, gradient = compiled(theta, X, y)
    skipped: list = []
    columns = [gradient, None, None]
    if target.network.n_params > lower_max_params:
        skipped += [(m, f"{target.network.n_params} parameters (> {lower_max_params})") for m in METHODS[1:3]]
    else:
        columns[1:3] = _lowered_columns(target, compiled, theta, X, y)
    columns.append(finite_differences(lambda t: compiled.value(t, X, y), theta))
    names = entry_names(target.network.params, range(len(theta)))
    rows = tuple(agreement_row(names[k], [None if c is None else float(c[k]) for c in columns], loss)
                 for k in range(len(theta)))
    return GradCheckReport(rows, float(loss), tuple(skipped), METHODS)


def _lowered_columns(target, compiled, theta, X, y) -> list:
    """(scalar backprop, numeric reverse mode) of the lowered program, batch means."""
    low = lower_attention(target)
    X = compiled.layout.arguments(X)
    n = X.shape[0]
    Y = compiled.targets(y, n)[..., 0]
    data = list(X.reshape(n, -1).T) + list(Y.T)
    program = grad(low).program
    values = to_function(program, program.inputs + program.params)(*data, *theta)
    scalar = np.array([np.mean(np.broadcast_to(v, (n,))) for v in values[1:]])
    env = dict(zip(low.inputs, data))
    env.update({p: float(t) for p, t in zip(low.params, theta)})
    _, grads = backprop(low.closed_form()[0], env, low.params, {}, None)
    return [scalar, np.array([np.mean(np.broadcast_to(g, (n,))) for g in grads])]
