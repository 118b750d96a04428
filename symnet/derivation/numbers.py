"""Numbers for a derivation at one point: every factor's value, and a finite-difference check.

At a point (every input, parameter and the target given), each program symbol gets its float value
by running the forward program; each local factor, path product and the δ-form are evaluated there,
and ∂L/∂p is compared with central finite differences of the loss (``symnet.numeric.reverse``) under the
tolerance rule of ``symnet.numeric.gradcheck``: |a − b| ≤ atol·max(1, |L|) + rtol·max(|a|, |b|).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
from sympy import Basic

from symnet.core.names import resolve_point
from symnet.derivation.records import Derivation, ParamDerivation, Path, product_value
from symnet.numeric.codegen import expression_function
from symnet.numeric.gradcheck import ATOL, RTOL, check_grads, random_point
from symnet.numeric.reverse import finite_differences, is_close


def random_values(loss, seed: int = 0) -> dict:
    """A reproducible point for ``derive(at=…)``: the first sample of ``symnet.numeric.gradcheck.random_point``.

    ``symnet check --seed S`` and ``symnet derive --at random:S`` therefore use the same parameters
    (normal), and the derivation's inputs and target are the check batch's first row.

    >>> from symnet import seed_network, squared_error
    >>> point = random_values(squared_error(seed_network()), seed=1)
    >>> len(point), sorted(point)[:3]
    (14, ['b1', 'b2', 'b3'])
    """
    theta, X, y = random_point(loss, seed)
    net = loss.network
    values = {p.name: float(v) for p, v in zip(net.params, theta)}
    values.update({x.name: float(v) for x, v in zip(net.inputs, X[0])})
    values[loss.target.name] = float(y[0])
    return values


def evaluate(expr: Basic, env: Mapping) -> float:
    """The float value of ``expr`` with its symbols from ``env`` (stable activations)."""
    args = sorted(expr.free_symbols, key=lambda s: s.name)
    with np.errstate(all="ignore"):
        return float(expression_function(expr, args)(*(env[s] for s in args)))


def forward_values(program, point: Mapping) -> dict:
    """Every symbol of ``program`` (assignments included) mapped to its float value."""
    env = dict(point)
    for lhs, rhs in program.assignments:
        env[lhs] = evaluate(rhs, env)
    return env


def loss_gradient_fd(loss, point: Mapping, params) -> dict:
    """Central finite differences of L by each of ``params`` at ``point``."""
    program = loss.program
    args = list(program.inputs + program.params)
    closed = program.closed_form()[0]
    fn = expression_function(closed, args)
    index = [args.index(p) for p in params]

    def at(theta):
        values = [point[s] for s in args]
        for i, t in zip(index, theta):
            values[i] = float(t)
        with np.errstate(all="ignore"):
            return float(fn(*values))

    return dict(zip(params, finite_differences(at, [point[p] for p in params])))


def evaluate_derivation(derivation: Derivation, at: Mapping) -> Derivation:
    """``derivation`` with the value of every factor, path and result at ``at``, and the FD check."""
    loss = derivation.loss
    point = resolve_point(loss, at)
    env = forward_values(loss.program, point)
    fd = loss_gradient_fd(loss, point, [item.param for item in derivation.params])
    items = tuple(_evaluate_item(item, env, fd[item.param], abs(env[loss.program.outputs[0]]))
                  for item in derivation.params)
    return replace(derivation, params=items, point=tuple(point.items()),
                   loss_value=env[loss.program.outputs[0]])


def _evaluate_item(item: ParamDerivation, env, fd: float, scale: float) -> ParamDerivation:
    paths = tuple(_evaluate_path(p, env) for p in item.paths)
    value = sum(p.value for p in paths)
    ok = is_close(value, float(fd), scale, RTOL, ATOL)
    return replace(item, paths=paths, value=value, finite_difference=float(fd), ok=ok)


def _evaluate_path(path: Path, env) -> Path:
    factors = tuple(replace(f, value=evaluate(f.formula, env)) for f in path.factors)
    return replace(path, factors=factors, value=product_value(f.value for f in factors))


def check_report(derivation: Derivation):
    """``check_grads`` at the derivation's point (a batch of one), or at a seeded random batch."""
    loss = derivation.loss
    if not derivation.point:
        return check_grads(loss, seed=0)
    point = dict(derivation.point)
    theta = np.array([point[p] for p in loss.network.params])
    X = np.array([[point[s] for s in loss.network.inputs]])
    return check_grads(loss, theta, X, np.array([point[loss.target]]))


def with_check(derivation: Derivation) -> Derivation:
    """The derivation carrying its four-way gradient check (abstract ones have nothing to check)."""
    return derivation if derivation.abstract else replace(derivation, check=check_report(derivation))
