"""Property tests: on random networks and expressions, all four gradients agree."""

import warnings

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sympy import Abs, Max, symbols

from symnet import check_grads, from_expr, mlp, squared_error, value_and_grad
from symnet.core.activations import relu
from symnet.core.backprop import grad
from symnet.numeric.reverse import backprop

from .strategies import examples, expression_networks, neuron_networks, points


@settings(max_examples=examples(25))
@given(data=st.data())
def test_random_neuron_dags_four_gradients_agree(data):
    net = data.draw(neuron_networks())
    theta, X, y = data.draw(points(net))
    report = check_grads(net, theta, X, y)
    assert report.ok, str(report)


@settings(max_examples=examples(25))
@given(data=st.data())
def test_random_expressions_four_gradients_agree(data):
    net = data.draw(expression_networks())
    theta, X, y = data.draw(points(net))
    report = check_grads(net, theta, X, y)
    assert report.ok, str(report)


x, a, b = symbols("x a b")
KINKED = from_expr(relu(a * x + b) + Abs(a - x) + Max(b * x, a), inputs=[x])


@settings(max_examples=examples(25))
@given(data=st.data())
def test_kinked_functions_agree_away_from_the_kinks(data):
    theta, X, y = data.draw(points(KINKED, batch=3))
    av, bv = theta
    xs = X[:, 0]
    # stay at least 1e-3 away from every kink, farther than the finite-difference step
    assume(np.all(np.abs(av * xs + bv) > 1e-3) and np.all(np.abs(av - xs) > 1e-3)
           and np.all(np.abs(bv * xs - av) > 1e-3))
    report = check_grads(KINKED, theta, X, y)
    assert report.ok, str(report)


DEEP = mlp([2, 3, 3, 1])
DEEP_FN = value_and_grad(squared_error(DEEP))
DEEP_CLOSED = squared_error(DEEP).program.closed_form()[0]


@settings(max_examples=20)
@given(scale=st.floats(100, 5000), seed=st.integers(0, 2**16))
def test_large_weights_give_finite_gradients_and_no_warnings(scale, seed):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=len(DEEP.params)) * scale
    X, y = rng.uniform(-5, 5, size=(16, 2)), rng.uniform(size=16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, g = DEEP_FN(theta, X, y)
        env = {**{s: X[:, i] for i, s in enumerate(DEEP.inputs)}, **dict(zip(DEEP.params, theta)), symbols("y"): y}
        value, grads = backprop(DEEP_CLOSED, env, DEEP.params)
    assert np.isfinite(loss) and np.all(np.isfinite(g))
    assert np.all(np.isfinite(value)) and all(np.all(np.isfinite(v)) for v in grads)


@settings(max_examples=15)
@given(net=neuron_networks(max_neurons=6))
def test_gradient_program_is_a_small_multiple_of_the_forward(net):
    g = grad(squared_error(net))
    assert g.program.count_ops() - g.forward.count_ops() <= 2.5 * g.forward.count_ops() + 4
