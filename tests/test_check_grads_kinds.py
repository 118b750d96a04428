"""``check_grads`` honours ``batch=``, ``rules=``, ``wrt=`` and ``at=`` for every kind it takes: a scalar network,
a layer network, a mixed program (layers + your own loss formula), a conv network, an attention network and a
typed matrix loss — or refuses the argument with its reason, never drops it."""

from __future__ import annotations

import numpy as np
import pytest
from sympy import tanh

import symnet
from symnet.core.attention_model import attention
from symnet.core.conv import ChannelSum, Conv2d, ConvInputGrad, ConvKernelGrad
from symnet.core.convnet import convnet
from symnet.core.layers import entries, flat, flat_params
from symnet.core.losses import as_loss
from symnet.core.matrix_rules import ActivationPrime
from symnet.io.matrix_build import matrix_loss
from symnet.numeric.attention_check import random_attention_point
from symnet.numeric.gradcheck import random_layer_point, random_point
from symnet.numeric.matrix_check import random_data

KINDS = ("scalar", "layer", "mixed", "conv", "attention", "typed")
WRONG_TANH = {tanh: lambda ans, z: (1 + ans**2,)}      # tanh′ = 1 − tanh², sign flipped
FAST = {"lower_max_params": 0}                          # matrix gradient against finite differences only


def build(kind):
    return {"scalar": lambda: symnet.mlp([2, 3, 1], activation="tanh"),
            "layer": lambda: symnet.layers("3-4-2", "tanh", "softmax"),
            "mixed": lambda: symnet.loss(symnet.layers("2-3-2", activation="tanh", output="identity"),
                                         "log(cosh(yhat - y))"),
            "conv": lambda: convnet("conv:4x4:c3x3x1:relu:d2"),
            "attention": lambda: attention(3, 2, classes=2),
            "typed": lambda: matrix_loss("norm2(tanh(X*w) - y)^2/N", "X=N x 3, y=N, w=3")}[kind]()


def random_batch(kind, loss, seed, batch):
    """The kind's own random point of ``batch`` samples, as check_grads draws it (theta, X, y)."""
    if kind == "scalar":
        return random_point(loss, seed, batch)
    if kind == "attention":
        return random_attention_point(loss, seed, batch)
    if kind == "typed":
        theta = np.random.default_rng(seed + 1).normal(size=3)
        return theta, random_data(loss, {"N": batch}, seed), None
    return random_layer_point(loss, seed, batch)


# ---- batch= ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_batch_sizes_the_random_point_of_every_kind(kind):
    target = build(kind)
    loss = as_loss(target)
    options = FAST if kind in ("layer", "mixed", "conv") else {}
    report = symnet.check_grads(target, seed=3, batch=11, **options)
    theta, X, y = random_batch(kind, loss, 3, 11)
    assert len(next(iter(X.values())) if isinstance(X, dict) else X) == 11
    expected = symnet.value_and_grad(target)(theta, X, y)[0]
    assert report.ok and report.loss == pytest.approx(expected, rel=1e-12)
    assert report.loss != pytest.approx(symnet.check_grads(target, seed=3, **options).loss, rel=1e-9)


@pytest.mark.parametrize("batch, message", [(0, "batch"), (2.5, "batch"), (True, "batch")])
def test_a_bad_batch_gets_one_message(batch, message):
    with pytest.raises((ValueError, TypeError), match=message):
        symnet.check_grads(build("scalar"), batch=batch)


def test_batch_and_a_given_point_are_not_both_taken():
    theta, X, y = random_point(as_loss(build("scalar")), 0, 4)
    with pytest.raises(ValueError, match="batch= sizes the random batch; X \\(or at=\\) was given too"):
        symnet.check_grads(build("scalar"), theta, X, y, batch=4)


def test_a_typed_loss_whose_data_share_no_row_size_refuses_batch():
    loss = matrix_loss("norm2(A*w)^2 + norm2(B*w)^2", "A=N x 2, B=M x 2, w=2")
    assert symnet.check_grads(loss).ok
    with pytest.raises(ValueError, match=r"\(A: N rows, B: M rows\) share no size: drop batch="):
        symnet.check_grads(loss, batch=3)


# ---- wrt= ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, wrt, expected", [
    ("mixed", "b2", ["b2_1", "b2_2"]),
    ("conv", "b2", ["b2_1", "b2_2"]),
    ("attention", "b_o", ["b_o_1", "b_o_2"]),
    ("attention", ["W_o", "b_o"], ["W_o_1_1", "W_o_1_2", "W_o_2_1", "W_o_2_2", "b_o_1", "b_o_2"]),
    ("typed", "w", ["w_1_1", "w_2_1", "w_3_1"]),
])
def test_wrt_keeps_the_named_parameters_of_every_kind(kind, wrt, expected):
    report = symnet.check_grads(build(kind), wrt=wrt)
    assert report.ok and [row.param for row in report.rows] == expected


@pytest.mark.parametrize("kind, name", [("attention", "X"), ("typed", "X")])
def test_wrt_refuses_an_input_and_an_unknown_name(kind, name):
    with pytest.raises(ValueError, match="is an input"):
        symnet.check_grads(build(kind), wrt=name)
    with pytest.raises(ValueError, match="W_Z|nope"):
        symnet.check_grads(build(kind), wrt="nope")


# ---- rules= -------------------------------------------------------------------------------------------------

def test_a_wrong_conv_rule_is_caught_through_rules():
    def wrong(delta, ans, x, kernel, bias, g):      # ∂C/∂K doubled
        return (ConvInputGrad(delta, kernel, g), 2 * ConvKernelGrad(x, delta, g), ChannelSum(delta, g), None)

    net = build("conv")
    assert symnet.check_grads(net).ok
    report = symnet.check_grads(net, rules={Conv2d: wrong})
    assert not report.ok and all(row.param.startswith("K1") for row in report.failures)


def test_rules_and_at_for_an_attention_network_are_refused_with_the_reason():
    with pytest.raises(NotImplementedError, match="no rules= for an attention network: its gradient is compiled"):
        symnet.check_grads(build("attention"), rules=WRONG_TANH)
    with pytest.raises(NotImplementedError, match="no at= for an attention network: .* give theta, X"):
        symnet.check_grads(build("attention"), at={"x_1": 1.0})


def test_value_and_grad_refuses_rules_for_an_attention_network_and_passes_them_on_for_a_typed_loss():
    with pytest.raises(NotImplementedError, match="drop rules="):
        symnet.value_and_grad(build("attention"), rules=WRONG_TANH)
    compiled = symnet.value_and_grad(build("typed"), rules=WRONG_TANH)
    primes = [prime for _, rhs in compiled.gradient.adjoints for prime in rhs.find(ActivationPrime)]
    assert primes and all(prime.rule is not None for prime in primes)


def test_rules_reach_the_gradient_of_a_typed_loss():
    loss = build("typed")
    primes = [prime for _, rhs in loss.gradient(None, WRONG_TANH).adjoints for prime in rhs.find(ActivationPrime)]
    assert primes and all(prime.rule is not None for prime in primes)
    assert symnet.check_grads(loss, rules={tanh: lambda ans, z: (1 - ans**2,)}).ok


def test_a_wrong_rule_in_a_typed_loss_is_caught():
    assert not symnet.check_grads(build("typed"), rules=WRONG_TANH).ok


# ---- at= ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["mixed", "conv"])
def test_at_names_one_point_by_entries_for_matrix_programs(kind):
    target = build(kind)
    program = as_loss(target).program
    x, y = (flat([entries(m)]) for m in program.inputs)
    params = flat_params(program)
    point = {s.name: 0.1 * (i % 7 - 3) for i, s in enumerate([*x, *y, *params])}
    report = symnet.check_grads(target, at=point, **FAST)
    theta = np.array([point[p.name] for p in params])
    expected = symnet.value_and_grad(target)(theta, np.array([[point[s.name] for s in x]]),
                                             np.array([[point[s.name] for s in y]]))[0]
    assert report.ok and report.loss == pytest.approx(expected, rel=1e-12)


def test_at_gives_a_typed_loss_its_data_and_parameters_by_name():
    X, y, w = np.eye(3), np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.0, 1.0])
    report = symnet.check_grads(build("typed"), at={"X": X, "y": y, "w": w})
    assert report.ok and report.loss == pytest.approx(np.mean((np.tanh(X @ w) - y) ** 2), rel=1e-12)
    with pytest.raises(ValueError, match="missing w"):
        symnet.check_grads(build("typed"), at={"X": X, "y": y})
    with pytest.raises(ValueError, match="v is not in the loss"):
        symnet.check_grads(build("typed"), at={"X": X, "y": y, "w": w, "v": w})
    with pytest.raises(ValueError, match="give either at= \\(one point\\) or theta, X and y, not both"):
        symnet.check_grads(build("typed"), w, at={"X": X, "y": y, "w": w})


def test_an_attention_network_takes_the_size_limit_of_its_lowered_columns():
    report = symnet.check_grads(build("attention"), lower_max_params=5)
    assert report.ok and [method for method, _ in report.skipped] == ["lowered", "numeric"]


# ---- compiled= ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["attention", "typed"])
def test_the_compiled_loss_given_is_the_one_checked(kind):
    """A compiled loss whose gradient is doubled (its value kept) fails the check: check_grads ran it."""
    from dataclasses import replace

    target = build(kind)
    compiled = symnet.value_and_grad(target)

    def doubled(arguments, y, theta):
        value, gradient = compiled.run(arguments, y, theta)
        return value, 2 * np.asarray(gradient)

    assert symnet.check_grads(target, compiled=compiled).ok
    report = symnet.check_grads(target, compiled=replace(compiled, run=doubled))
    assert not report.ok and len(report.failures) == len(report.rows)


def test_the_cli_refuses_batch_with_at_as_check_grads_does():
    from tests.cli_helpers import run

    result = run("check", "seed", "--batch", "4", "--at", "x1=1,x2=2,y=0")
    assert result.exit_code == 2 and "--batch does not go with --at" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["typed", "attention"])
@pytest.mark.parametrize("backend", ["fused", "matrix"])
def test_a_whole_program_kind_refuses_a_backend_it_has_not(kind, backend):
    with pytest.raises(ValueError, match=f"backend={backend!r}"):
        symnet.value_and_grad(build(kind), backend=backend)


def test_training_a_typed_loss_in_float32_is_refused_not_ignored():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="computes in float64"):
        symnet.train(build("typed"), (rng.normal(size=(6, 3)), rng.normal(size=6)), dtype="float32", epochs=1)
