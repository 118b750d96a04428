"""Networks: the article's formula verbatim, its program, models, builders and their errors."""

import pytest
from sympy import Abs, Function, Max, Symbol, exp, log, sin, symbols, tanh

from symnet import NeuronModel, f, from_expr, from_neurons, mlp, seed_network
from symnet.core.activations import relu, sigmoid
from symnet.errors import MissingRuleError
from symnet.render.printing import pretty
from symnet.render.show import show

θ1, θ2, θ3, θ4, θ5 = symbols("θ1:6")
x1, x2 = symbols("x1 x2")
ARTICLE = "f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))"


def test_seed_network_is_the_article_formula_verbatim():
    net = seed_network()
    assert net.nested == f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))
    assert str(net) == ARTICLE
    assert pretty(net.nested) == "f(θ₅, f(θ₃, f(θ₁, x₁) + f(θ₂, x₂)), f(θ₄, f(θ₂, x₂)))"


def test_seed_network_has_eleven_parameters_and_one_node_for_the_shared_neuron():
    net = seed_network()
    assert [str(p) for p in net.params] == ["w1_1", "b1", "w2_1", "b2", "w3_1", "b3", "w4_1", "b4", "w5_1", "w5_2", "b5"]
    lhs = [str(s) for s in net.program.symbols]
    assert lhs.count("h2") == 1 and lhs.count("z2") == 1
    # neuron 2 feeds both neuron 3 (through the sum u3_1) and neuron 4
    consumers = [str(s) for s, rhs in net.program.assignments if Symbol("h2") in rhs.free_symbols]
    assert consumers == ["u3_1", "z4"]


def test_program_listing_golden():
    assert str(seed_network().program) == "\n".join([
        "z1 = b1 + w1_1*x1", "h1 = sigmoid(z1)", "z2 = b2 + w2_1*x2", "h2 = sigmoid(z2)", "u3_1 = h1 + h2",
        "z3 = b3 + u3_1*w3_1", "h3 = sigmoid(z3)", "z4 = b4 + h2*w4_1", "h4 = sigmoid(z4)",
        "z5 = b5 + h3*w5_1 + h4*w5_2", "h5 = sigmoid(z5)", "out = h5"])


def test_concrete_closed_form():
    w11, b1, w21, b2, w31, b3, w41, b4, w51, w52, b5 = seed_network().params
    s1, s2 = sigmoid(w11 * x1 + b1), sigmoid(w21 * x2 + b2)
    expected = sigmoid(w51 * sigmoid(w31 * (s1 + s2) + b3) + w52 * sigmoid(w41 * s2 + b4) + b5)
    assert seed_network().concrete() == expected


def test_scalar_model_has_one_parameter_per_neuron():
    net = seed_network(NeuronModel(parameterization="scalar"))
    assert net.params == (θ1, θ2, θ3, θ4, θ5)
    assert net.program.rhs(Symbol("z3")) == θ3 * Symbol("u3_1")


@pytest.mark.parametrize("activation, fn", [("tanh", tanh), ("relu", relu), ("sigmoid", sigmoid)])
def test_activation_models(activation, fn):
    net = seed_network(NeuronModel(activation))
    assert net.program.rhs(Symbol("h1")) == fn(Symbol("z1"))


def test_identity_activation():
    assert seed_network(NeuronModel("identity")).program.rhs(Symbol("h1")) == Symbol("z1")


def test_network_can_be_called_like_the_article_F():
    net = seed_network(NeuronModel("identity", "scalar"))
    value = net({"θ1": 1, "θ2": 2, "θ3": 1, "θ4": 1, "θ5": 1}, x1=1, x2=1)
    assert value == 5  # θ5·(θ3·(θ1x1 + θ2x2) + θ4·θ2x2) = 1·(1·3 + 1·2)
    assert net(x1=0, x2=0) == 0
    with pytest.raises(ValueError, match="unknown names z9"):
        net(z9=1)


def test_networks_compare_by_value():
    assert seed_network() == seed_network()
    assert seed_network() != seed_network(NeuronModel("tanh"))


def test_mlp_structure_and_output_activation():
    net = mlp([2, 3, 1], activation="tanh", output_activation="sigmoid")
    assert str(net) == "f(θ4, f(θ1, x1, x2), f(θ2, x1, x2), f(θ3, x1, x2))"
    assert len(net.params) == 3 * 3 + 4
    assert net.program.rhs(Symbol("h1")) == tanh(Symbol("z1"))
    assert net.program.rhs(Symbol("h4")) == sigmoid(Symbol("z4"))


def test_mlp_reads_sizes_as_text_as_layers_does():
    assert str(mlp("2-3-1", activation="tanh")) == str(mlp([2, 3, 1], activation="tanh"))
    assert mlp("2-4-1").params == mlp([2, 4, 1]).params


@pytest.mark.parametrize("sizes, message", [([2], "two or more"), ([2, 0, 1], "positive"), ([2, 3, 2], "one output"),
                                            ("2", "two or more"), ("2-x-1", "positive"), ("2--1", "positive"),
                                            ("２-1", "positive"), ("2-3-2", "one output")])
def test_mlp_rejects_bad_sizes(sizes, message):
    with pytest.raises(ValueError, match=message):
        mlp(sizes)


def test_from_expr_breaks_an_expression_into_steps_and_shares_subexpressions():
    x, a = symbols("x a")
    net = from_expr(sin(a * x) * exp(a * x), inputs=[x])
    assert net.params == (a,)
    assert [str(rhs) for _, rhs in net.program.assignments] == ["a*x", "exp(t1)", "sin(t1)", "t2*t3"]


def test_from_expr_supports_max_as_relu_and_abs():
    x, a = symbols("x a")
    net = from_expr(Max(0, a * x) + Abs(x - a) + log(1 + a**2), inputs=[x])
    assert net.params == (a,)


def test_from_expr_with_neurons_uses_the_neuron_builder():
    assert from_expr(f(θ1, x1), inputs=[x1]).params == (Symbol("w1_1"), Symbol("b1"))


def test_unsupported_function_is_named_with_how_to_add_a_rule():
    x, a = symbols("x a")
    wobble = Function("wobble")
    with pytest.raises(MissingRuleError, match="'wobble'.*rules="):
        from_expr(wobble(a * x), inputs=[x])


@pytest.mark.parametrize("kwargs, message", [
    ({"inputs": [Symbol("q")]}, "input q does not occur"),
    ({"inputs": [Symbol("x")], "params": [Symbol("a"), Symbol("zz")]}, "parameter zz does not occur"),
    ({"inputs": [Symbol("x"), Symbol("x")]}, "duplicate symbol x"),
    ({"inputs": [Symbol("x")], "params": [Symbol("a"), Symbol("a")]}, "duplicate symbol a"),
    ({"inputs": [Symbol("x")], "params": [Symbol("x")]}, "both as an input and as a parameter"),
    ({"inputs": [Symbol("x")], "params": []}, "neither an input nor a parameter"),
])
def test_from_expr_bad_symbols(kwargs, message):
    x, a = symbols("x a")
    with pytest.raises(ValueError, match=message):
        from_expr(sin(a * x), **kwargs)


def test_neuron_errors():
    with pytest.raises(ValueError, match="θ1 names two different neurons"):
        from_neurons(f(θ1, x1) + f(θ1, x2))
    with pytest.raises(ValueError, match="not among the inputs"):
        from_neurons(f(θ1, x1, x2), inputs=[x1])
    with pytest.raises(ValueError, match="does not occur"):
        from_neurons(f(θ1, x1), inputs=[x1, x2])
    with pytest.raises(TypeError, match="first argument names its parameters"):
        f(x1 + 1, x2)
    with pytest.raises(ValueError, match="cannot also be one of its inputs"):
        from_neurons(f(θ1, f(θ2, θ1)))


def test_invalid_symbol_names_are_refused():
    with pytest.raises(ValueError, match="invalid symbol name"):
        from_expr(Symbol("a__b") * Symbol("x"), inputs=[Symbol("x")])


def test_show_formats():
    net = seed_network()
    assert show(net, "text").startswith(ARTICLE)
    assert "h₅ = σ(z₅)" in show(net, "unicode")
    assert r"h_{5} &= \sigma\left(z_{5}\right)" in show(net, "latex")
    assert show(net, "markdown").startswith("$f\\left(\\theta_{5}")
    with pytest.raises(ValueError, match="unknown format"):
        show(net, "rtf")


def test_generated_step_names_avoid_the_users_names():
    from symnet import check_grads

    x, t1, t2 = symbols("x t1 t2")
    net = from_expr(sin(t1 * x) + t1 * t2, inputs=[x])
    assert not {t1, t2} & set(net.program.symbols)
    assert check_grads(net).ok


@pytest.mark.parametrize("nested, inputs", [
    (lambda: f(Symbol("theta2"), f(Symbol("theta1"), Symbol("z1"), Symbol("h1"))), ("z1", "h1")),
    (lambda: f(Symbol("theta2"), f(Symbol("theta1"), Symbol("w2_1"), x1)), ("w2_1", "x1")),
    (lambda: f(θ1, x1) + f(Symbol("theta1"), x1), ("x1",)),
])
def test_names_that_clash_with_generated_ones_are_refused(nested, inputs):
    with pytest.raises(ValueError, match="is used twice"):
        from_neurons(nested(), inputs=symbols(",".join(inputs)))


def test_reserved_names_are_refused():
    for name in ("L", "yhat", "delta_w"):
        with pytest.raises(ValueError, match="reserved by symnet"):
            from_expr(Symbol(name) * Symbol("x"), inputs=[Symbol("x")])


def test_text_goes_through_the_safe_parser_never_sympify(tmp_path):
    from symnet.io.parsing import ParseError

    sentinel = tmp_path / "owned"
    with pytest.raises(ParseError):
        from_expr(f"__import__('os').system('touch {sentinel}')", inputs=[])
    with pytest.raises(TypeError, match="the core never parses strings"):
        seed_network()(x1=f"__import__('os').system('touch {sentinel}')")
    assert not sentinel.exists()
    assert from_expr("sin(a*x)", inputs=["x"]).params == (Symbol("a"),)
    with pytest.raises(TypeError, match="expected a SymPy expression"):
        from_expr(object(), inputs=[])


def test_the_target_gets_a_fresh_name_when_y_is_taken():
    from symnet import squared_error

    names = symbols("x y y_true target")
    net = from_expr(names[0] * names[1] + names[2] * names[3], inputs=[names[0]])
    assert squared_error(net).target == Symbol("y_1")
