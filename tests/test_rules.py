"""Every rule in the table agrees with sympy.diff of the rewritten function, numerically."""

import pytest
from sympy import (
    Abs,
    Add,
    Function,
    Heaviside,
    Max,
    Min,
    Mul,
    Pow,
    Symbol,
    acos,
    asin,
    atan,
    cos,
    cosh,
    diff,
    exp,
    log,
    sign,
    sin,
    sinh,
    symbols,
    tan,
    tanh,
)

from symnet.core.activations import relu, rewrite_activations, sigmoid, softplus
from symnet.core.rules import DERIVATIVES, differentiate, lookup, partials, rule_table
from symnet.errors import MissingRuleError

a, b, c = symbols("a b c")
POINT = {a: 0.37, b: 1.3, c: -0.45}  # away from every kink and tie

SAMPLES = {
    Add: a + b + c, Mul: a * b * c, Pow: a**b, exp: exp(a), log: log(b), sin: sin(a), cos: cos(a),
    tan: tan(a), sinh: sinh(a), cosh: cosh(a), asin: asin(a), acos: acos(a), atan: atan(a),
    sigmoid: sigmoid(a), tanh: tanh(a), softplus: softplus(a), relu: relu(a), Abs: Abs(c),
    Max: Max(a, b, c), Min: Min(a, b, c), Heaviside: Heaviside(a), sign: sign(c),
}


def test_every_rule_has_a_sample():
    assert set(SAMPLES) == set(DERIVATIVES)


@pytest.mark.parametrize("cls", list(SAMPLES), ids=lambda k: k.__name__)
def test_rule_matches_sympy_diff(cls):
    expr = SAMPLES[cls]
    assert isinstance(expr, cls)
    real = {s: Symbol(s.name, real=True) for s in (a, b, c)}  # so that d|c|/dc is sign(c)
    reference = rewrite_activations(expr).xreplace(real)
    at = {real[s]: v for s, v in POINT.items()}
    for arg, local in zip(expr.args, partials(expr)):
        if arg.is_number:  # Heaviside(a) carries H(0) = 1/2 as a second argument
            continue
        expected = diff(reference, real[arg]).evalf(subs=at)
        assert float(local.evalf(subs=POINT)) == pytest.approx(float(expected), rel=1e-12, abs=1e-14)


def test_rules_written_with_ans_agree_with_the_node_itself():
    z, h = Symbol("z"), Symbol("h")
    for fn in (sigmoid, tanh, exp, tan):
        with_ans = partials(fn(z), ans=h)[0].subs(h, fn(z))
        assert float((with_ans - partials(fn(z))[0]).evalf(subs={z: 0.3})) == pytest.approx(0.0, abs=1e-15)


def test_differentiate_uses_the_chain_rule():
    w, u, bias = symbols("w u bias")
    expr = sigmoid(w * u + bias)
    got = differentiate(expr, w)
    assert got == u * sigmoid(w * u + bias) * (1 - sigmoid(w * u + bias))


def test_missing_rule_names_the_function_and_how_to_add_one():
    class wobble(Function):
        pass

    with pytest.raises(MissingRuleError, match=r"'wobble'.*rules=\{wobble: lambda ans, z"):
        differentiate(wobble(a), a)


def test_user_rules_extend_per_call_without_touching_the_table():
    class cube(Function):
        pass

    table = rule_table({cube: lambda ans, z: (3 * z**2,)})
    assert differentiate(cube(a * b), a, table=table) == 3 * b * (a * b) ** 2
    assert cube not in DERIVATIVES
    with pytest.raises(MissingRuleError):
        lookup(cube, DERIVATIVES)
