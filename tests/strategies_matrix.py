"""Named Hypothesis strategies for typed matrix losses: small shapes, one primitive applied to a parameter."""

from __future__ import annotations

from hypothesis import strategies as st

# One primitive each, applied to the parameter P (m × n), weighted by the data G where it is a matrix so that
# every entry of its adjoint matters: (loss text, the shape of G as a function of (m, n), or None).
PRIMITIVES = (
    ("sum(P)", None),
    ("mean(P)", None),
    ("norm2(P)", None),
    ("norm2(P)^2", None),
    ("norm1(P)", None),
    ("tr(P*P')", None),
    ("sum(G .* exp(P))", "m x n"),
    ("sum(G .* log(P .* P + vector(1)))", "m x n"),
    ("sum(G .* sqrt(P .* P + vector(2)))", "m x n"),
    ("sum(G .* abs(P))", "m x n"),
    ("sum(G .* P.^3)", "m x n"),
    ("sum(G ./ (P .* P + vector(1)))", "m x n"),
    ("sum(G .* (P' * P))", "n x n"),
    ("sum(G .* sigmoid(P))", "m x n"),
    ("sum(G .* tanh(P))", "m x n"),
    ("sum(G .* softplus(P))", "m x n"),
    ("sum(G .* relu(P))", "m x n"),
    ("sum(G .* swish(P))", "m x n"),
    ("norm2(P) * sum(G .* P)", "m x n"),
    ("sum(log(exp(G .* P) + vector(1)))", "m x n"),
)


@st.composite
def primitive_losses(draw):
    """(loss text, shapes text, seed): one primitive of ``PRIMITIVES`` on a random 1–3 × 1–3 parameter."""
    text, data_shape = draw(st.sampled_from(PRIMITIVES))
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shapes = f"P={m} x {n}"
    if data_shape is not None:
        rows, cols = (m if d == "m" else n for d in data_shape.split(" x "))
        shapes += f", G={rows} x {cols}"
    return text, shapes, draw(st.integers(0, 2**16))


def _entrywise(children, unary, *more):
    """The shared grammar: f(u) for f in ``unary``, u ± v, u ⊙ v, u.^2, and the strategies ``more`` builds."""
    return st.one_of(
        st.tuples(st.sampled_from(unary), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, st.sampled_from(("+", "-", ".*")), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda v: f"({v}).^2"),
        *(build(children) for build in more),
    )


def _vectors(children):
    return _entrywise(children, ("exp", "sigmoid", "tanh", "softplus", "swish"),
                      lambda c: c.map(lambda v: f"log(vector(1) + {v} .* {v})"),
                      lambda c: st.tuples(st.sampled_from(("0.5", "lam", "sum(w)")), c).map(lambda t: f"({t[0]}*{t[1]})"))


def smooth_matrix_losses():
    """Random smooth losses of w (3) and the data X (N × 3), y (N): composed entrywise functions, products,
    sums and squared norms, finite everywhere (no log or √ of a negative, no division)."""
    leaves = st.sampled_from(("w", "(X'*y)", "(X'*(X*w))", "(w .* w)", "(X'*tanh(X*w))"))
    vectors = st.recursive(leaves, _vectors, max_leaves=5)
    reduce = st.sampled_from(("sum({})", "norm2({})^2", "mean({})", "(w'*{})"))
    return st.tuples(reduce, vectors).map(lambda t: t[0].format(t[1]))


def _scores(children):
    return _entrywise(children, ("sigmoid", "tanh", "softplus", "softmax", "log_softmax"),
                      lambda c: c.map(lambda s: f"({s} .* Y)"))


@st.composite
def matrix_parameter_losses(draw):
    """(loss text, shapes text, seed): a smooth loss of a matrix parameter W (d × k, 1–3 × 2–3) through the scores
    X W (N × k): entrywise functions, softmax and log_softmax by rows, products with the data Y, a reduction,
    and sometimes a term of W alone (‖W‖², tr(Wᵀ A W))."""
    d, k = draw(st.integers(1, 3)), draw(st.integers(2, 3))
    leaves = st.sampled_from(("(X*W)", "(X*W - Y)", "tanh(X*W)", "log_softmax(X*W)"))
    scores = draw(st.recursive(leaves, _scores, max_leaves=4))
    text = draw(st.sampled_from(("sum({})", "norm2({})^2", "mean({})", "-sum(Y .* {})/N"))).format(scores)
    text += draw(st.sampled_from(("", " + 0.1*norm2(W)^2", " + tr(W'*A*W)")))
    shapes = f"X=N x {d}, Y=N x {k}, W={d} x {k}" + (f", A={d} x {d}" if "A" in text else "")
    return text, shapes, draw(st.integers(0, 2**16))
