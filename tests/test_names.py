"""One validator of what a gradient is taken by (resolve_wrt) and of a point (resolve_point), used everywhere.

The same good names give the same symbols, and the same bad names the same message, in ``grad``,
``derive``, ``check_grads`` and the CLI (which only prefixes the option's name).
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sympy import Integer, Symbol, symbols

from symnet import NeuronModel, check_grads, derive, grad, mlp, seed_network, squared_error
from symnet.cli import main
from symnet.core.names import canonical, neuron_params, resolve_point, resolve_wrt
from symnet.numeric.codegen import params_vector

SEED = seed_network()
LOSS = squared_error(SEED)


def run(*args):
    return CliRunner().invoke(main, list(args))


def seed_point(**extra):
    return {"x1": 1.0, "x2": -0.5, "y": 1.0, **{p.name: 0.1 * i for i, p in enumerate(SEED.params)}, **extra}


def at_text(point):
    return ",".join(f"{k}={v}" for k, v in point.items())


# --- good names ---------------------------------------------------------------------------------


def test_a_single_name_is_one_name():
    assert resolve_wrt(LOSS, "b5") == (Symbol("b5"),)
    assert grad(LOSS, wrt="b5").wrt == (Symbol("b5"),)
    assert [p.param for p in derive(LOSS, wrt="b5").params] == [Symbol("b5")]
    assert [r.param for r in check_grads(LOSS, wrt="b5").rows] == ["b5"]


def test_a_neuron_names_all_its_parameters_in_both_spellings():
    expected = symbols("w5_1 w5_2 b5")
    assert resolve_wrt(LOSS, "θ5") == resolve_wrt(LOSS, "theta5") == neuron_params(SEED, Symbol("θ5")) == expected
    assert grad(LOSS, wrt=["theta5"]).wrt == expected
    assert [r.param for r in check_grads(LOSS, wrt="θ5").rows] == ["w5_1", "w5_2", "b5"]


def test_inputs_are_allowed_when_named_and_the_default_is_every_parameter():
    assert resolve_wrt(LOSS, ["x1", "b1"]) == symbols("x1 b1")
    assert resolve_wrt(LOSS) == SEED.params
    assert grad(LOSS, wrt="x2").wrt == (Symbol("x2"),)


def test_scalar_neurons_are_their_own_parameter():
    scalar = seed_network(NeuronModel(parameterization="scalar"))
    assert resolve_wrt(scalar, ["theta3", "θ1"]) == symbols("θ3 θ1")


def test_a_symbol_literally_named_theta_is_not_an_alias():
    from symnet import from_expr

    net = from_expr("theta1*x", inputs="x")
    assert canonical(net, "theta1") == Symbol("theta1")
    assert resolve_wrt(net, "theta1") == (Symbol("theta1"),)


@given(st.lists(st.sampled_from([p.name for p in SEED.params]), min_size=1, max_size=11, unique=True))
def test_any_list_of_parameter_names_resolves_in_the_order_given(names):
    assert resolve_wrt(LOSS, names) == tuple(Symbol(n) for n in names)
    assert resolve_wrt(LOSS, [Symbol(n) for n in names]) == tuple(Symbol(n) for n in names)


# --- bad names: one message everywhere ----------------------------------------------------------

BAD_WRT = [
    ("w11", ValueError, "cannot differentiate by w11 (did you mean w1_1?)"),
    ("y", ValueError, "cannot differentiate by y: it is the target (data), not a parameter"),
    ("q", ValueError, "cannot differentiate by q: expected a parameter"),
]


@pytest.mark.parametrize("name, kind, message", BAD_WRT)
def test_the_same_bad_wrt_gets_the_same_message_in_every_verb_and_command(name, kind, message):
    texts = []
    for verb in (lambda: grad(LOSS, wrt=name), lambda: derive(LOSS, wrt=name), lambda: check_grads(LOSS, wrt=name),
                 lambda: resolve_wrt(SEED, [name])):
        with pytest.raises(kind) as caught:
            verb()
        texts.append(str(caught.value))
    assert len(set(texts)) == 1 and message in texts[0]
    for command in ("grad", "derive"):
        result = run(command, "seed", "--wrt", name)
        assert result.exit_code == 2 and f"Error: --wrt: {texts[0]}" in result.output


def test_other_wrt_mistakes():
    with pytest.raises(ValueError, match="duplicate name in wrt: b5"):
        grad(LOSS, wrt=["b5", "θ5"])
    with pytest.raises(ValueError, match="wrt is empty"):
        derive(LOSS, wrt=[])
    with pytest.raises(TypeError, match="names or symbols"):
        grad(LOSS, wrt=[3])
    with pytest.raises(TypeError, match="a name, a symbol or a list"):
        grad(LOSS, wrt=5)
    with pytest.raises(ValueError, match="check_grads compares gradients by parameters; x1 is an input"):
        check_grads(LOSS, wrt="x1")
    with pytest.raises(ValueError, match="abstract derivations are by a neuron's θ; got b2"):
        derive(LOSS, wrt="b2", abstract=True)


def test_the_cli_accepts_what_the_library_accepts():
    result = run("grad", "seed", "--wrt", "x1,theta5", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"wrt": [\n    "x1",\n    "w5_1",\n    "w5_2",\n    "b5"\n  ]' in result.output
    assert run("derive", "seed", "--wrt", "x1,theta5").exit_code == 0


def test_the_graph_highlights_the_same_names():
    from symnet.plot.graph import graph_data

    theta, weight = graph_data(SEED, wrt="theta2"), graph_data(SEED, wrt="w2_1")
    assert theta == graph_data(SEED, wrt="θ2")
    # θ2 names neuron 2's parameters: the paths of w2_1 and the edge b2 → f2 (parameters are nodes)
    assert set(theta.hot) == set(weight.hot) | {(Symbol("b2"), Symbol("h2"))}
    with pytest.raises(ValueError, match="it is the target"):
        graph_data(SEED, wrt="y")


# --- points ---------------------------------------------------------------------------------------


def test_a_point_in_names_symbols_and_aliases():
    point = resolve_point(LOSS, seed_point())
    assert list(point) == list(SEED.inputs + SEED.params) + [Symbol("y")]
    scalar = squared_error(seed_network(NeuronModel(parameterization="scalar")))
    values = {"x1": 1, "x2": 2, "y": Integer(1), "theta1": np.float64(0.5), "θ2": 1, "θ3": 1, "θ4": 1, "theta5": 1}
    assert resolve_point(scalar, values)[Symbol("θ1")] == 0.5


def test_a_point_of_parameters_alone_orders_a_vector():
    values = {p.name: float(i) for i, p in enumerate(SEED.params)}
    assert params_vector(SEED.params, values).tolist() == list(range(11))


BAD_POINTS = [
    (seed_point(zz=1.0), ValueError, "unknown name zz"),
    (seed_point(w11=1.0), ValueError, "unknown name w11 (did you mean w1_1?)"),
    ({k: v for k, v in seed_point().items() if k != "b5"}, ValueError, "missing b5"),
    (seed_point(x1=float("nan")), ValueError, "the value of x1 must be finite"),
]


@pytest.mark.parametrize("point, kind, message", BAD_POINTS)
def test_the_same_bad_point_gets_the_same_message_in_every_verb_and_command(point, kind, message):
    texts = []
    for verb in (lambda: derive(LOSS, at=point), lambda: check_grads(LOSS, at=point), lambda: resolve_point(LOSS, point)):
        with pytest.raises(kind) as caught:
            verb()
        texts.append(str(caught.value))
    assert len(set(texts)) == 1 and message in texts[0]
    if "nan" not in at_text(point):
        for command in ("grad", "check", "derive"):
            result = run(command, "seed", "--at", at_text(point))
            assert result.exit_code == 2 and f"Error: --at: {texts[0]}" in result.output, (command, result.output)


def test_other_point_mistakes():
    with pytest.raises(TypeError, match="must be a real number"):
        resolve_point(LOSS, seed_point(x1="1"))
    with pytest.raises(TypeError, match="must be a real number"):
        resolve_point(LOSS, seed_point(x1=True))
    with pytest.raises(TypeError, match="a point must be a mapping"):
        resolve_point(LOSS, [1, 2])
    with pytest.raises(ValueError, match="gives θ1 twice"):
        resolve_point(squared_error(seed_network(NeuronModel(parameterization="scalar"))),
                      {"θ1": 1, "theta1": 1})
    with pytest.raises(ValueError, match="either at="):
        check_grads(LOSS, np.zeros(11), at=seed_point())


def test_a_good_point_gives_the_same_numbers_in_check_grads_and_derive():
    point = seed_point()
    report = check_grads(LOSS, at=point, wrt="b5")
    item = derive(LOSS, wrt="b5", at=point)["b5"]
    assert report.ok and item.ok
    assert report.rows[0].values[0] == pytest.approx(item.value, rel=1e-9)


def test_an_mlp_point_needs_exactly_its_names():
    net = mlp([1, 1])
    assert resolve_point(net, {"x1": 1, "w1_1": 2, "b1": 3}) == {Symbol("x1"): 1.0, Symbol("w1_1"): 2.0,
                                                               Symbol("b1"): 3.0}
    with pytest.raises(ValueError, match="unknown name y"):   # a Network's point has no target
        resolve_point(net, {"x1": 1, "w1_1": 2, "b1": 3, "y": 1})


def test_training_names_its_trainable_parameters_the_same_way():
    from symnet import train

    data = (np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([1.0, 0.0]))
    result = train(SEED, data, epochs=2, trainable="theta5", progress=False)
    assert result.settings["trainable"] == ["w5_1", "w5_2", "b5"]
    with pytest.raises(ValueError, match=r"trainable must name parameters of the network: cannot differentiate by "
                                         r"w11 \(did you mean w1_1\?\)"):
        train(SEED, data, epochs=1, trainable=["w11"], progress=False)
