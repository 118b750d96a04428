"""Chain-rule derivations: paths, local factors, rule names, abstract mode, and numbers that match the truth."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Derivative, Symbol, symbols, tanh

from symnet import NeuronModel, from_expr, grad, mlp, seed_network, show, squared_error
from symnet.core.rules import differentiate
from symnet.errors import ExpressionTooLarge
from symnet.derivation.derive import Derivation, derive, enumerate_paths, rule_name
from symnet.core.names import resolve_wrt
from symnet.numeric.codegen import expression_function, value_and_grad
from symnet.numeric.reverse import finite_differences
from symnet.render.document import body_blocks, relabel, render
from symnet.render.layout import Line, Math
from symnet.render.printing import latex
from symnet.render.tex import math_lines

from .strategies import neuron_networks

W21 = Symbol("w2_1")


def seed_point(seed=0):
    loss = squared_error(seed_network())
    rng = np.random.default_rng(seed)
    names = loss.program.inputs + loss.program.params
    return {s.name: float(v) for s, v in zip(names, rng.uniform(-1, 1, len(names)))}


# ---- golden strings ------------------------------------------------------------------------------

def test_w21_has_the_two_paths_of_the_article():
    item = derive(seed_network(), wrt=["w2_1"])["w2_1"]
    assert [tuple(map(str, p.nodes)) for p in item.paths] == [
        ("L", "h5", "z5", "h3", "z3", "u3_1", "h2", "z2", "w2_1"),
        ("L", "h5", "z5", "h4", "z4", "h2", "z2", "w2_1"),
    ]
    for path in item.paths:                      # one factor per hop, in path order
        assert [(f.of, f.by) for f in path.factors] == list(zip(path.nodes, path.nodes[1:]))
    assert "path 2 = L → ŷ → z₅ → h₄ → z₄ → h₂ → z₂ → w₂,₁" in render(derive(seed_network(), wrt=["w2_1"]))


def test_w21_factor_latex_golden():
    item = derive(seed_network(), wrt=["w2_1"])["w2_1"]
    second = [(latex(f.what), latex(f.formula)) for f in item.paths[1].factors]
    assert second == [
        (r"\frac{\partial L}{\partial h_{5}}", "2 h_{5} - 2 y"),
        (r"\frac{\partial h_{5}}{\partial z_{5}}", r"h_{5} \left(1 - h_{5}\right)"),
        (r"\frac{\partial z_{5}}{\partial h_{4}}", "w_{5,2}"),
        (r"\frac{\partial h_{4}}{\partial z_{4}}", r"h_{4} \left(1 - h_{4}\right)"),
        (r"\frac{\partial z_{4}}{\partial h_{2}}", "w_{4,1}"),
        (r"\frac{\partial h_{2}}{\partial z_{2}}", r"h_{2} \left(1 - h_{2}\right)"),
        (r"\frac{\partial z_{2}}{\partial w_{2,1}}", "x_{2}"),
    ]
    first = [latex(f.formula) for f in item.paths[0].factors]
    assert first[4:6] == ["w_{3,1}", "1"]   # ∂z₃/∂u₃,₁ and the sum rule's ∂u₃,₁/∂h₂


def test_w21_chain_line_latex_golden():
    item = derive(seed_network(), wrt=["w2_1"])["w2_1"]
    chain = relabel(item.chain, {Symbol("h5"): Symbol("yhat")})       # the document writes the output ŷ
    (block,) = math_lines(Math((Line(item.what, chain),)), "latex")
    lines = block.split(" \\\\*\n")                   # rows of one formula: no page break between them
    d = lambda a, b: r"\frac{\partial %s}{\partial %s}" % (a, b)  # noqa: E731
    hops = [("L", r"\hat{y}"), (r"\hat{y}", "z_{5}"), ("z_{5}", "h_{4}"), ("h_{4}", "z_{4}"), ("z_{4}", "h_{2}"),
            ("h_{2}", "z_{2}"), ("z_{2}", "w_{2,1}")]
    assert lines[-1] == r"&\quad + " + r" \cdot ".join(d(a, b) for a, b in hops)   # path 2, per node like its factors
    assert lines[0].startswith(d("L", "w_{2,1}") + " &= " + d("L", r"\hat{y}") + r" \cdot " + d(r"\hat{y}", "z_{5}"))


def test_rule_names_tag_every_factor():
    item = derive(seed_network(), wrt=["w2_1"])["w2_1"]
    rules = {(str(f.of), str(f.by)): f.rule for p in item.paths for f in p.factors}
    assert rules[("h5", "z5")] == "σ′ = σ(1 − σ)"
    assert rules[("z5", "h3")] == "sum rule, product rule"
    assert rules[("u3_1", "h2")] == "sum rule"
    assert rules[("L", "h5")] == "power rule, sum rule, product rule"
    tanh_item = derive(seed_network(NeuronModel("tanh")), wrt=["b5"])["b5"]
    assert tanh_item.paths[0].factors[1].rule == "tanh′ = 1 − tanh²"
    assert rule_name(Symbol("a") * Symbol("b"), Symbol("b")) == "product rule"


def test_factors_come_from_the_backprop_rule_table():
    loss = squared_error(mlp([2, 2, 1], "tanh"))
    rhs = dict(loss.program.assignments)
    for item in derive(loss).params:
        for path in item.paths:
            for f in path.factors:
                assert f.formula == differentiate(rhs[f.of], f.by, ans=f.of)
        assert item.compact == grad(loss).formula(item.param)
        assert len(item.steps) >= 3 and item.steps[0].rule == "chain rule"


def test_abstract_seed_theta2_matches_the_article():
    d = derive(seed_network(), abstract=True, wrt=["θ2"])
    item = d["θ2"]
    assert [[(str(f.of), str(f.by)) for f in p.factors] for p in item.paths] == [
        [("f5", "h3"), ("f3", "u3_1"), ("f2", "θ2")], [("f5", "h4"), ("f4", "h2"), ("f2", "θ2")]]
    assert all(f.formula is None for p in item.paths for f in p.factors)
    assert d.loss.network.params == symbols("θ1:6")            # the scalar-θ view
    assert [str(n) for n in item.paths[1].nodes] == ["L", "h5", "h4", "h2", "θ2"]   # from the loss, as the text says
    assert derive(seed_network(), abstract=True, wrt=["theta2"]) == d          # thetaN is θN
    math = [b for b in body_blocks(d, "en") if isinstance(b, Math)][-1]
    lines = math_lines(math, "latex")
    assert lines[2] == (r"\frac{\partial L}{\partial \theta_{2}} &= \frac{\partial L}{\partial \hat{y}} \cdot "
                        r"\Biggl(\frac{\partial f_{5}}{\partial h_{3}} \cdot \frac{\partial f_{3}}{\partial u_{3,1}} "
                        r"\cdot \frac{\partial f_{2}}{\partial \theta_{2}} + \frac{\partial f_{5}}{\partial h_{4}} "
                        r"\cdot \frac{\partial f_{4}}{\partial h_{2}} \cdot \frac{\partial f_{2}}{\partial \theta_{2}}"
                        r"\Biggr)")
    assert "Subs" not in str(show(d, "text")) and "xi" not in str(show(d, "text"))
    assert item.outer.result == differentiate((Symbol("y") - Symbol("yhat")) ** 2, Symbol("yhat"))


def test_abstract_argument_errors():
    with pytest.raises(ValueError, match="abstract"):
        derive(seed_network(), abstract=True, at=seed_point())
    with pytest.raises(ValueError, match="θ"):
        derive(seed_network(), abstract=True, wrt=["w2_1"])
    x, w = symbols("x w")
    with pytest.raises(ValueError, match="neurons"):
        derive(from_expr(tanh(w * x), inputs=[x]), abstract=True)


def test_argument_errors():
    with pytest.raises(ValueError, match="cannot differentiate by q"):
        derive(seed_network(), wrt=["q"])
    with pytest.raises(ValueError, match="y: it is the target"):
        derive(seed_network(), wrt=["y"])
    with pytest.raises(ValueError, match="named twice"):
        derive(seed_network(), wrt=["b5", "θ5"])
    with pytest.raises(TypeError, match="Loss or a Network"):
        derive("seed")
    with pytest.raises(ValueError, match="missing"):
        derive(seed_network(), at={"x1": 1.0})
    point = seed_point()
    with pytest.raises(ValueError, match="unknown name"):
        derive(seed_network(), at={**point, "zz": 1.0})
    with pytest.raises(TypeError, match="real number"):
        derive(seed_network(), at={**point, "x1": "1"})
    with pytest.raises(ValueError, match="finite"):
        derive(seed_network(), at={**point, "x1": float("nan")})
    with pytest.raises(KeyError, match="covers"):
        derive(seed_network(), wrt=["b5"])["b4"]


def test_one_wrt_validator_for_every_mode():
    loss = squared_error(seed_network())
    assert resolve_wrt(loss, ["theta5", "x1"]) == symbols("w5_1 w5_2 b5 x1")   # θN: the neuron's parameters
    assert derive(loss, wrt=["θ2"]) == derive(loss, wrt=["w2_1", "b2"])
    assert resolve_wrt(loss, None) == loss.network.params                     # inputs only when named
    assert [p.param for p in derive(seed_network(), wrt=["x1"]).params] == [Symbol("x1")]
    scalar = squared_error(seed_network(NeuronModel(parameterization="scalar")))
    assert resolve_wrt(scalar, ["theta3"]) == (Symbol("θ3"),)


def test_path_limit():
    loss = squared_error(mlp([1, 3, 3, 1]))
    assert len(enumerate_paths(loss.program, Symbol("w1_1"))) == 3
    with pytest.raises(ExpressionTooLarge, match="paths"):
        enumerate_paths(loss.program, Symbol("w1_1"), limit=2)


def test_expanded_form_and_its_size_guard():
    point = seed_point(3)
    d = derive(seed_network(), wrt=["w2_1", "b5"], at=point, expanded=True)
    for item in d.params:
        value = float(item.expanded.xreplace({Symbol(k): v for k, v in point.items()}).evalf())
        assert value == pytest.approx(item.value, rel=1e-9, abs=1e-12)
    small = derive(seed_network(), wrt=["w2_1"], expanded=True, max_expanded_ops=10)["w2_1"]
    assert small.expanded is None and small.expanded_ops > 10


def test_numbers_at_a_point_agree_with_compiled_backprop():
    point = seed_point(1)
    d = derive(seed_network(), at=point)
    loss = d.loss
    fn = value_and_grad(loss)
    theta = np.array([point[p.name] for p in fn.params])
    X = np.array([[point[s.name] for s in loss.network.inputs]])
    value, gradient = fn(theta, X, np.array([point["y"]]))
    assert d.loss_value == pytest.approx(value, rel=1e-12)
    assert [item.value for item in d.params] == pytest.approx(list(gradient), rel=1e-9, abs=1e-14)
    assert all(item.ok for item in d.params)


def test_jupyter_reprs():
    d = derive(seed_network(), wrt=["b5"])
    assert isinstance(d, Derivation)
    assert d._repr_latex_().startswith("$$\n\\begin{aligned}") and r"\delta_{z_{5}}" in d._repr_latex_()
    assert "$$" in d._repr_markdown_() and "## Derivative by $b_{5}$" in d._repr_markdown_()


def test_expression_networks_show_every_step():
    x, w, b = symbols("x w b")
    item = derive(from_expr(tanh(w * x + b), inputs=[x]), wrt=["w"])["w"]
    (path,) = item.paths
    assert [str(n) for n in path.nodes] == ["L", "t3", "t2", "t1", "w"]
    assert "path 1 = L -> yhat -> t2 -> t1 -> w" in render(derive(from_expr(tanh(w * x + b), inputs=[x]), wrt=["w"]),
                                                            "text")   # the output is ŷ (yhat in plain text)
    assert path.factors[1].rule == "tanh′ = 1 − tanh²"


# ---- every step against finite differences (Hypothesis) -----------------------------------------

def _point(loss, seed):
    rng = np.random.default_rng(seed)
    names = loss.program.inputs + loss.program.params
    return {s: float(v) for s, v in zip(names, rng.uniform(-1, 1, len(names)))}


@settings(max_examples=20, deadline=None, derandomize=True)
@given(neuron_networks(max_neurons=4), st.integers(0, 2**16))
def test_every_step_matches_finite_differences(net, seed):
    loss = squared_error(net)
    point = _point(loss, seed)
    d = derive(loss, at=point)
    env = dict(point)
    for lhs, rhs in loss.program.assignments:
        env[lhs] = float(expression_function(rhs, sorted(rhs.free_symbols, key=str))(
            *(env[s] for s in sorted(rhs.free_symbols, key=str))))
    rhs_of = dict(loss.program.assignments)
    for item in d.params:
        assert item.ok, (item.param, item.value, item.finite_difference)
        assert sum(p.value for p in item.paths) == pytest.approx(item.finite_difference, rel=1e-5, abs=1e-7)
        for path in item.paths:
            for f in path.factors:
                assert f.value == pytest.approx(_local_fd(rhs_of[f.of], f.by, env), rel=1e-5, abs=1e-7)


def _local_fd(rhs, by, env):
    """∂rhs/∂by by central differences, the other symbols held at their values."""
    args = sorted(rhs.free_symbols, key=str)
    fn = expression_function(rhs, args)
    i = args.index(by)

    def at(theta):
        values = [env[s] for s in args]
        values[i] = float(theta[0])
        return float(fn(*values))

    return float(finite_differences(at, [env[by]])[0])


def test_derivative_records_are_hashable_data():
    item = derive(seed_network(), wrt=["b5"])["b5"]
    assert hash(item) == hash(derive(seed_network(), wrt=["b5"])["b5"])
    assert item.what == Derivative(Symbol("L"), Symbol("b5"))


def test_cross_entropy_paths_start_at_the_logit():
    from symnet import binary_cross_entropy

    loss = binary_cross_entropy(seed_network())
    item = derive(loss, wrt=["b5"], at=_named(_point(loss, 4)))["b5"]
    assert [str(n) for n in item.paths[0].nodes] == ["L", "z5", "b5"]
    assert "softplus′ = σ" in item.paths[0].factors[0].rule and item.ok


def _named(point):
    return {s.name: v for s, v in point.items()}
