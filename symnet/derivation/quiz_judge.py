"""Judge a learner's derivative: equal or not, decided by whom, and which chain-rule path or factor is off.

Numbers first: at random rational points (nonzero inputs and parameters in [−2.2, 2.2], y in (0, 1)) every node
is evaluated to 60 digits and the answer A is compared with the truth T = Σ_paths Π ∂a/∂b; one point
where they differ is a proof that A is wrong. When the numbers agree, a symbolic proof is tried: A − T
expanded in the node symbols (h₅(1 − h₅) for σ′), then, if a bound allows, simplified in closed form.
A wrong answer is explained by fitting A = Σ_k c_k·P_k over the path products P_k (c_k = 0: a missing
path; all c_k equal: a constant or sign off), else term by term: a term that is a path without one of
its local factors, or with an extra one. SymPy (and its mpmath) only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from fractions import Fraction

import mpmath
from sympy import Add, Basic, Rational, cancel, count_ops, exp, expand, factor, simplify

from symnet.derivation.quiz import Question, closed_form, in_nodes, path_product

DIGITS = 60            # digits of every node value
TOLERANCE = 1e-30      # relative: far above 60-digit rounding, far below any real difference
MAX_FIT_PATHS = 32     # beyond this many paths the answer is not fitted path by path
MAX_RATIO_OPS = 16     # a term's ratio to its nearest path is shown only when it is this short
MAX_COEFFICIENT = 1e15  # a chain-rule path's coefficient larger than this is no small rational


@dataclass(frozen=True)
class TermNote:
    """One term of a wrong answer: which path it follows (index from 0) and what is off in it."""

    term: Basic
    path: int | None
    kind: str              # "path", "scaled", "missing_factor", "extra_factor", "unknown"
    factor: object = None  # the Factor missing or extra (records.Factor), when one is named
    ratio: Basic | None = None


@dataclass(frozen=True)
class Verdict:
    """Whether the answer is ∂L/∂wrt, who decided, and for a wrong one what it has of the paths."""

    correct: bool
    decided_by: str                      # "symbolic" or "numeric"
    reason: str                          # "expanded", "simplified", "points", "witness", "not_real"
    points: int
    coefficients: tuple | None = None    # c_k per path when the answer is Σ c_k·P_k
    terms: tuple[TermNote, ...] = ()
    witness: dict | None = None          # a point where A ≠ T (name -> value)
    values: tuple | None = None          # (A, T) there, floats (A None when not real)
    shared: tuple | None = None          # ("missing_factor" or "extra_factor", Factor) common to every path


def sample_points(q: Question, count: int, seed: int = 0) -> list[dict]:
    """``count`` random points: base values as exact rationals, every node to ``DIGITS`` digits."""
    rng = random.Random(seed)
    program = q.loss.program
    points = []
    for _ in range(count):
        env = {s: Rational(rng.choice((-1, 1)) * rng.randint(1, 20), 9) for s in (*program.inputs, *program.params)}
        env[q.loss.target] = Rational(rng.randint(1, 8), 9)    # never 0: a zero factor would hide a path
        for lhs, rhs in program.assignments:
            env[lhs] = rhs.evalf(DIGITS, subs=env)
        points.append(env)
    return points


def value(expr: Basic, env: dict):
    """``expr`` at ``env`` as an mpmath number (None when not a finite real)."""
    number = expr.evalf(DIGITS - 10, subs=env)
    if not (number.is_real and number.is_finite) or number.is_Number is not True:
        return None
    return mpmath.mpf(str(number))


def close(a, b) -> bool:
    return a is not None and b is not None and abs(a - b) <= TOLERANCE * max(1, abs(a), abs(b))


def judge(q: Question, answer: Basic, points: int = 8, seed: int = 0, bounded=None) -> Verdict:
    """Decide whether ``answer`` (from ``read_answer``) is ∂L/∂``q.wrt``.

    Args:
        q: the question.
        answer: the learner's formula in the program's symbols.
        points: how many random points to compare at.
        seed: their seed.
        bounded: ``bounded(fn)`` runs ``fn()`` under a time limit and returns None when it ran out; the
            closed-form simplification is tried only when given.

    >>> from symnet import seed_network
    >>> from symnet.derivation.quiz import question, read_answer
    >>> q = question(seed_network(), "b5")
    >>> judge(q, read_answer(q, "2*(h5 - y)*h5*(1 - h5)")).decided_by
    'symbolic'
    """
    with mpmath.workdps(DIGITS):
        return _judge(q, answer, points, seed, bounded)


def _judge(q: Question, answer: Basic, points: int, seed: int, bounded) -> Verdict:
    nodes = in_nodes(q, answer)
    env = sample_points(q, points, seed)
    truth = [value(q.truth, e) for e in env]
    mine = [value(nodes, e) for e in env]
    wrong = next((i for i, (a, t) in enumerate(zip(mine, truth)) if not close(a, t)), None)
    if wrong is not None:
        reason = "not_real" if mine[wrong] is None else "witness"
        witness = {s.name: float(v) for s, v in env[wrong].items() if s in _base(q)}
        values = (None if mine[wrong] is None else float(mine[wrong]), float(truth[wrong]))
        return replace(explain(q, nodes, env, reason, witness), values=values)
    if expand(nodes - q.truth) == 0 or cancel(sigmoid_exps(q, nodes) - q.truth) == 0:
        return Verdict(True, "symbolic", "expanded", points)
    if bounded is not None:
        proved = bounded(lambda: simplify(closed_form(q, nodes - q.truth).rewrite(exp)) == 0)
        if proved:
            return Verdict(True, "symbolic", "simplified", points)
    return Verdict(True, "numeric", "points", points)


def sigmoid_exps(q: Question, expr: Basic) -> Basic:
    """``expr`` with exp(−zᵢ) = (1 − hᵢ)/hᵢ and exp(zᵢ) = hᵢ/(1 − hᵢ) wherever hᵢ = σ(zᵢ): σ′ written with exp."""
    mapping = {}
    for lhs, rhs in q.loss.program.assignments:
        if getattr(rhs.func, "__name__", "") == "sigmoid":
            mapping[exp(-rhs.args[0])], mapping[exp(rhs.args[0])] = (1 - lhs) / lhs, lhs / (1 - lhs)
    return expr.xreplace(mapping)


def _base(q: Question) -> set:
    program = q.loss.program
    return {*program.inputs, *program.params, q.loss.target}


def explain(q: Question, nodes: Basic, env: list, reason: str, witness: dict) -> Verdict:
    """A wrong answer's verdict: its path coefficients (a Hessian entry's: per product-rule part), or notes on each of
    its terms."""
    pieces = [part.expr for part in q.parts] if q.second is not None else [path_product(p) for p in q.paths]
    paths = [[value(piece, e) for e in env] for piece in pieces]
    mine = [value(nodes, e) for e in env]
    coefficients = fit(paths, mine) if None not in mine else None
    if coefficients is not None or q.second is not None:    # a Hessian entry is explained by its parts only
        return Verdict(False, "numeric", reason, len(env), coefficients, witness=witness)
    shared = shared_factor(q, paths, mine, env) if None not in mine else None
    if shared is not None:
        return Verdict(False, "numeric", reason, len(env), witness=witness, shared=shared)
    terms = tuple(note_term(q, term, paths, env) for term in Add.make_args(nodes))
    return Verdict(False, "numeric", reason, len(env), None, terms, witness)


def shared_factor(q: Question, paths: list, mine: list, env: list) -> tuple | None:
    """("missing_factor", f) when A·f is the truth, ("extra_factor", f) when A is the truth·f, for a local factor f
    that every path has (∂L/∂ŷ, σ′ of a shared neuron, the last hop to the parameter); else None."""
    truth = [sum(p[i] for p in paths) for i in range(len(mine))]
    common = [f for f in q.paths[0].factors if all(f in p.factors for p in q.paths[1:])]
    for local in common:
        values = [value(local.formula, e) for e in env]
        if _constant_ratio([a * f for a, f in zip(mine, values)], truth) == 1:
            return ("missing_factor", local)
        if _constant_ratio(mine, [t * f for t, f in zip(truth, values)]) == 1:
            return ("extra_factor", local)
    return None


def fit(paths: list, mine: list) -> tuple | None:
    """Small rationals c_k with Σ c_k·P_k = A at every point, or None."""
    n, m = len(paths), len(mine)
    if n == 0 or n > MAX_FIT_PATHS or m <= n or any(None in p for p in paths):
        return None
    matrix = mpmath.matrix([[paths[k][i] for k in range(n)] for i in range(m)])
    try:
        solution, _ = mpmath.qr_solve(matrix, mpmath.matrix(mine))
    except (ZeroDivisionError, ValueError):
        return None
    c = tuple(_small_rational(solution[k]) for k in range(n))
    if None in c:
        return None
    ok = all(close(sum(mpmath.mpf(c[k].numerator) / c[k].denominator * paths[k][i] for k in range(n)), mine[i])
             for i in range(m))
    return c if ok else None


def _small_rational(x) -> Fraction | None:
    """The fraction with denominator ≤ 24 nearest ``x``; None for a number too large to be a path's coefficient
    (its exact digits would cost more than the whole judgement: exp(exp(exp(x))) at x = 2 has 10⁶⁶ of them)."""
    if not mpmath.isfinite(x) or abs(x) > MAX_COEFFICIENT:
        return None
    return Fraction(str(mpmath.nstr(x, 40))).limit_denominator(24)


def note_term(q: Question, term: Basic, paths: list, env: list) -> TermNote:
    """Which path ``term`` follows and what it lacks or adds: a whole path, a path × c, a path ∓ one factor."""
    mine = [value(term, e) for e in env]
    if None in mine:
        return TermNote(term, None, "unknown")
    for k, path in enumerate(q.paths):
        ratio = _constant_ratio(mine, paths[k])
        if ratio is not None:
            return TermNote(term, k, "path" if ratio == 1 else "scaled", ratio=Rational(ratio.numerator,
                                                                                        ratio.denominator))
        for local in path.factors:
            values = [value(local.formula, e) for e in env]
            if _constant_ratio([a * f for a, f in zip(mine, values)], paths[k]) == 1:
                return TermNote(term, k, "missing_factor", local)
            if _constant_ratio(mine, [p * f for p, f in zip(paths[k], values)]) == 1:
                return TermNote(term, k, "extra_factor", local)
    k = _nearest_path(q, term)
    ratio = factor(cancel(term / path_product(q.paths[k])))
    return TermNote(term, k, "unknown", ratio=ratio if count_ops(ratio) <= MAX_RATIO_OPS else None)


def _constant_ratio(a: list, b: list) -> Fraction | None:
    if any(x is None or x == 0 for x in b) or None in a:
        return None
    ratio = _small_rational(a[0] / b[0])
    if ratio is None:
        return None
    r = mpmath.mpf(ratio.numerator) / ratio.denominator
    return ratio if ratio != 0 and all(close(x, r * y) for x, y in zip(a, b)) else None


def _nearest_path(q: Question, term: Basic) -> int:
    """The path whose symbols overlap the term's most (Jaccard), for the 'differs by' note."""
    names = term.free_symbols

    def score(k):
        theirs = path_product(q.paths[k]).free_symbols
        return len(names & theirs) / max(1, len(names | theirs))

    return max(range(len(q.paths)), key=score)


__all__ = ["Verdict", "TermNote", "judge", "sample_points", "fit", "DIGITS"]
