"""Tests of the JSON network file: exact round trips over random networks, and damaged files."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Float, Integer, Symbol, exp, tanh

from symnet import NeuronModel, f, from_expr, from_neurons, mlp, seed_network
from symnet.io import netfile
from symnet.io.netfile import NetworkFileError

from .strategies import examples, expression_networks, neuron_networks, smooth_expressions

ALL_ACTIVATIONS = ("sigmoid", "tanh", "relu", "softplus", "identity")
MODELS = st.builds(NeuronModel, st.sampled_from(ALL_ACTIVATIONS), st.sampled_from(("affine", "scalar")))


def assert_round_trip(net):
    text = netfile.dumps(net)
    back = netfile.loads(text)
    assert back == net
    assert netfile.dumps(back) == text
    assert netfile.network_from_dict(json.loads(text)) == net


# --- round trips ------------------------------------------------------------------------------


def test_seed_round_trip_and_layout():
    net = seed_network()
    d = netfile.network_to_dict(net)
    assert d == {"format": "symnet-network", "version": 1, "kind": "neurons",
                 "nested": "f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))", "inputs": ["x1", "x2"],
                 "model": {"activation": "sigmoid", "parameterization": "affine"}, "overrides": {}}
    assert_round_trip(net)
    assert_round_trip(seed_network(NeuronModel("tanh", "scalar")))


def test_expression_layout():
    x, w, b = Symbol("x"), Symbol("w"), Symbol("b")
    d = netfile.network_to_dict(from_expr(tanh(w * x + b), [x]))
    assert (d["kind"], d["expr"], d["inputs"], d["params"]) == ("expression", "tanh(b + w*x)", ["x"], ["b", "w"])


@settings(deadline=None, derandomize=True, max_examples=25)
@given(hidden=st.lists(st.integers(1, 3), min_size=0, max_size=2), n_in=st.integers(1, 3),
       activation=st.sampled_from(ALL_ACTIVATIONS), output=st.sampled_from((None,) + ALL_ACTIVATIONS))
def test_mlp_round_trip(hidden, n_in, activation, output):
    assert_round_trip(mlp([n_in, *hidden, 1], activation, output))


@settings(deadline=None, derandomize=True, max_examples=30)
@given(net=neuron_networks(activations=ALL_ACTIVATIONS), data=st.data())
def test_neuron_dag_round_trip_with_overrides(net, data):
    thetas = data.draw(st.lists(st.sampled_from(net.neurons), unique=True, max_size=len(net.neurons)))
    overrides = {theta: data.draw(MODELS) for theta in thetas}
    default = dict(net.models)[net.neurons[0]]
    assert_round_trip(from_neurons(net.nested, net.inputs, default, overrides))


@settings(deadline=None, derandomize=True, max_examples=examples(30))
@given(net=expression_networks())
def test_expression_round_trip(net):
    assert_round_trip(net)


FLOATS = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).filter(lambda v: v not in (0.0, 1.0, -1.0))


@settings(deadline=None, derandomize=True, max_examples=30)
@given(expr=smooth_expressions(), c=FLOATS, d=FLOATS)
def test_expression_with_floats_round_trips_bit_for_bit(expr, c, d):
    x, k = Symbol("x"), Symbol("k_2")
    net = from_expr(Float(c) * expr + Float(d) * exp(k * x) + Integer(3), [x])
    assert_round_trip(net)


def test_expression_with_greek_names_and_given_param_order():
    x, a, b = Symbol("ξ"), Symbol("α1"), Symbol("beta_2")
    assert_round_trip(from_expr(a * x ** 2 + b, [x], [b, a]))


def test_save_and_load(tmp_path):
    path = netfile.save(tmp_path / "deep" / "net.json", seed_network())
    assert netfile.load(path) == seed_network()
    assert [p.name for p in path.parent.iterdir()] == ["net.json"]


# --- damaged files ----------------------------------------------------------------------------


def _seed_dict():
    return netfile.network_to_dict(seed_network())


def _expr_dict():
    return netfile.network_to_dict(from_expr(Symbol("w") * Symbol("x"), [Symbol("x")]))


def _without(d, key):
    return {k: v for k, v in d.items() if k != key}


DAMAGED = [
    ([], "JSON object"),
    ({**_seed_dict(), "format": "onnx"}, "'format'"),
    (_without(_seed_dict(), "format"), "'format'"),
    ({**_seed_dict(), "version": 2}, "'version'"),
    ({**_seed_dict(), "version": "1"}, "'version'"),
    ({**_seed_dict(), "version": True}, "'version'"),
    ({**_seed_dict(), "kind": "graph"}, "'kind'"),
    (_without(_seed_dict(), "nested"), "'nested'"),
    (_without(_seed_dict(), "inputs"), "'inputs'"),
    (_without(_seed_dict(), "model"), "'model'"),
    ({**_seed_dict(), "extra": 1}, "'extra'"),
    ({**_seed_dict(), "nested": 42}, "'nested'"),
    ({**_seed_dict(), "nested": "f(θ5, "}, "'nested'"),
    ({**_seed_dict(), "nested": "__import__('os').system('echo hi')"}, "'nested'"),
    ({**_seed_dict(), "nested": "x1 + x2"}, "'nested'"),
    ({**_seed_dict(), "inputs": "x1,x2"}, "'inputs'"),
    ({**_seed_dict(), "inputs": ["x1", 2]}, "'inputs'"),
    ({**_seed_dict(), "inputs": ["x1"]}, "'nested'"),
    ({**_seed_dict(), "inputs": ["x1", "x 2"]}, "'inputs'"),
    ({**_seed_dict(), "model": "sigmoid"}, "'model'"),
    ({**_seed_dict(), "model": {"activation": "cubic"}}, "'model'"),
    ({**_seed_dict(), "model": {"activation": 3}}, "'model.activation'"),
    ({**_seed_dict(), "model": {"activation": "tanh", "bias": True}}, "'model'"),
    ({**_seed_dict(), "overrides": []}, "'overrides'"),
    ({**_seed_dict(), "overrides": {"θ9": {"activation": "tanh"}}}, "'overrides'"),
    ({**_seed_dict(), "overrides": {"θ1": {"parameterization": "quadratic"}}}, "'overrides.θ1'"),
    ({**_seed_dict(), "description": 5}, "'description'"),
    (_without(_expr_dict(), "params"), "'params'"),
    ({**_expr_dict(), "params": ["w", "q"]}, "'expr'"),
    ({**_expr_dict(), "params": ["x"]}, "'expr'"),
    ({**_expr_dict(), "expr": "w*x + y"}, "'expr'"),
    ({**_expr_dict(), "expr": "lambda: 0"}, "'expr'"),
]


@pytest.mark.parametrize("data, key", DAMAGED, ids=[k + str(i) for i, (_, k) in enumerate(DAMAGED)])
def test_damaged_dict_names_the_key(data, key):
    with pytest.raises(NetworkFileError) as error:
        netfile.loads(json.dumps(data, ensure_ascii=False))
    assert key in str(error.value)
    assert isinstance(error.value, ValueError)


def test_description_is_allowed():
    assert netfile.network_from_dict({**_seed_dict(), "description": "the article's network"}) == seed_network()


@pytest.mark.parametrize("text", ["", "{", "{'format': 1}", "[1, 2", "\ufeff{}", "[" * 100_000])
def test_bad_json(text):
    with pytest.raises(NetworkFileError, match="network file"):
        netfile.loads(text)


def test_bad_bytes_and_types(tmp_path):
    with pytest.raises(NetworkFileError, match="UTF-8"):
        netfile.loads(b"\xff\xfe{}")
    with pytest.raises(TypeError):
        netfile.loads(42)
    with pytest.raises(TypeError):
        netfile.network_to_dict("seed")
    with pytest.raises(OSError):
        netfile.load(tmp_path / "missing.json")


def test_files_over_one_megabyte_are_refused(tmp_path):
    big = json.dumps({**_seed_dict(), "description": "x" * 1_000_001})
    path = tmp_path / "big.json"
    path.write_text(big, encoding="utf-8")
    with pytest.raises(NetworkFileError, match="1 MB"):
        netfile.load(path)
    with pytest.raises(NetworkFileError, match="1 MB"):
        netfile.loads(big)
    with pytest.raises(NetworkFileError, match="at most"):
        netfile.loads(big.encode())


def test_failed_save_leaves_no_file(tmp_path):
    with pytest.raises(TypeError):
        netfile.save(tmp_path / "net.json", "not a network")
    assert list(tmp_path.iterdir()) == []


def test_format_page_json_examples_load():
    import re
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "network-format.md"
    blocks = re.findall(r"^```json\n(.*?)^```", page.read_text(encoding="utf-8"), re.S | re.M)
    assert len(blocks) == 2
    assert netfile.loads(blocks[0]) == seed_network()
    assert netfile.loads(blocks[1]).params == (Symbol("b"), Symbol("w"))


@settings(deadline=None, derandomize=True, max_examples=20)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: abs(v) not in (0.0, 1.0)),
                min_size=1, max_size=12))
def test_any_double_reads_back_bit_for_bit(values):
    x = Symbol("x")
    net = from_expr(sum((Float(v) * Symbol(f"w{i}") for i, v in enumerate(values)), x), [x])
    assert_round_trip(net)


def test_large_mlp_round_trips_and_huge_one_is_refused():
    assert_round_trip(mlp([2, 8, 8, 8, 1]))  # its nested form is ~8 kB: repeated shared neurons
    node = f(Symbol("θ1"), Symbol("x1"))
    for i in range(2, 18):  # each neuron uses the previous one twice: the text doubles per level
        node = f(Symbol(f"θ{i}"), node, node)
    assert netfile.printed_length(node) > netfile.MAX_BYTES
    with pytest.raises(NetworkFileError, match="1 MB"):
        netfile.dumps(from_neurons(node))


@settings(deadline=None, derandomize=True, max_examples=30)
@given(net=st.one_of(neuron_networks(activations=ALL_ACTIVATIONS), expression_networks()))
def test_printed_length_is_a_lower_bound(net):
    assert netfile.printed_length(net.nested) <= len(str(net.nested))


def test_duplicate_keys_in_a_network_file_are_refused():
    text = json.dumps(netfile.network_to_dict(seed_network()))
    doubled = text.replace('"inputs":', '"inputs": ["x9"], "inputs":', 1)
    with pytest.raises(NetworkFileError, match="key 'inputs' appears twice in one object"):
        netfile.loads(doubled)


def test_network_file_from_a_device_is_refused_at_once():
    with pytest.raises(ValueError, match="network file /dev/zero is not a regular file"):
        netfile.load("/dev/zero")


def test_a_huge_integer_in_a_network_file_gets_a_plain_message():
    text = '{"format": "symnet-network", "version": ' + "9" * 5000 + "}"
    with pytest.raises(NetworkFileError, match="an integer of 5000 digits is too large") as info:
        netfile.loads(text)
    assert "set_int_max_str_digits" not in str(info.value)
