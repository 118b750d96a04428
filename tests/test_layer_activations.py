"""Layer networks with your own activation (a SymPy function class or a one-argument function), as ``mlp``
takes: φ′ comes from the scalar rule table's chain rule, the gradient is checked four ways, the compiled
code calls φ and φ′, and the model file keeps φ as its formula."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from sympy import Dummy, Lambda, MatrixSymbol, simplify

import symnet
from symnet.core.activations import sigmoid, softplus
from symnet.core.layers import layers
from symnet.core.matrix_rules import ActivationPrime, user_activation
from symnet.errors import MissingRuleError
from symnet.learn.data import make, split
from symnet.learn.training import LAYER_DEFAULTS
from symnet.learn.training import train as fit_network
from symnet.numeric.codegen import value_and_grad
from symnet.numeric.gradcheck import check_grads
from symnet.render.printing import latex as layer_latex
from symnet.render.printing import pretty as layer_text


def swish(z):
    return z * sigmoid(z)


def mish(z):
    return z * sympy.tanh(softplus(z))


@pytest.mark.parametrize("activation", [swish, mish, sympy.sin, lambda z: z / (1 + abs(z))],
                         ids=["swish", "mish", "sin", "softsign"])
def test_check_grads_passes_four_ways(activation):
    report = check_grads(layers("3-4-2", activation=activation, output="softmax"))
    assert report.ok, str(report)
    assert not report.skipped                          # the lowered program and the numeric reverse mode ran
    assert len(report.rows) == 3 * 4 + 4 + 4 * 2 + 2


def test_squared_error_and_sigmoid_outputs_too():
    for output in ("sigmoid", "identity"):
        report = check_grads(layers("2-3-2", activation=swish, output=output))
        assert report.ok, (output, str(report))


def test_the_derivative_is_the_tables_chain_rule_and_matches_sympy_diff():
    t, s = Dummy("t"), Dummy("s")
    rule = ActivationPrime(user_activation(swish), MatrixSymbol("z1", 3, 1)).scalar_rule()
    oracle = sympy.diff(swish(t).rewrite(sympy.exp), t)
    mine = rule(t, s).rewrite(sympy.exp)
    assert s not in mine.free_symbols
    assert simplify(mine - oracle) == 0


def test_the_compiled_code_calls_phi_and_its_derivative():
    compiled = value_and_grad(layers("3-4-2", activation=swish), backend="numpy")
    source = compiled.source
    assert source.startswith("def value_and_grad(")
    assert "a1 = phi(z1)" in source and "d_phi(z1, a1)" in source
    theta = np.random.default_rng(0).normal(size=compiled.network.n_params)
    with np.errstate(all="raise"):                      # stable: no overflow for large inputs
        value, g = compiled(theta, 300 * np.ones((2, 3)), np.array([0, 1]))
    assert np.isfinite(value) and np.isfinite(g).all()


def test_printed_with_phi_and_shapes():
    gradient = symnet.core.backprop.grad(layers("3-4-2", activation=swish).loss())
    assert "δ¹ = (W²ᵀ δ²) ⊙ φ′(z¹)" in layer_text(gradient)
    assert r"\varphi'\left(z^{1}\right)" in layer_latex(gradient)


def test_spec_names_the_formula_and_a_model_file_keeps_it(tmp_path):
    train, test = split(make("moons", n=80, seed=0), 0.25, 0)
    fit = fit_network(layers("2-6-2", activation=swish, output="softmax"), train, validation=test,
                      **{**LAYER_DEFAULTS, "epochs": 5}, progress=False)
    assert fit.network.spec == "layers:2-6-2:z*sigmoid(z):softmax"
    model = symnet.load(symnet.save(tmp_path / "model.json", fit))
    assert model.network.spec == fit.network.spec
    assert np.array_equal(model.predict(test.X), fit.predict(test.X))


def test_a_lambda_and_a_function_class_are_the_same_network():
    a, b = layers("2-3-1", activation=sympy.sin, output="sigmoid"), layers("2-3-1", activation=lambda z: sympy.sin(z),
                                                                           output="sigmoid")
    assert a.program == b.program and isinstance(a.activation, Lambda)


def test_bad_activations_say_what_is_wrong():
    with pytest.raises(ValueError, match="could not be applied"):
        layers("2-2-1", activation=lambda z: z[0])
    with pytest.raises(TypeError, match="must return a SymPy expression"):
        layers("2-2-1", activation=lambda z: 3)
    with pytest.raises(ValueError, match="formula in the one symbol z.*also uses k"):
        layers("2-2-1", activation=lambda z: z * sympy.Symbol("k"))
    class bump(sympy.Function):          # no fdiff, no rule
        pass

    with pytest.raises(MissingRuleError, match="no derivative rule for the function 'bump'"):
        layers("2-2-1", activation=bump)
    with pytest.raises(TypeError, match="an activation is a name"):
        layers("2-2-1", activation=3)
    with pytest.raises(ValueError, match="unknown activation 'swishy'"):
        layers("2-2-1", activation="swishy")
    with pytest.raises(TypeError, match="output must be a name"):
        layers("2-2-1", output=swish)


@pytest.mark.parametrize("name", ["swish", "softsign", "gelu"])
def test_named_composite_activations_are_differentiated_by_the_chain_rule(name):
    report = check_grads(layers("3-4-2", activation=name, output="softmax"))
    assert report.ok and not report.skipped, str(report)
    assert layers("3-4-2", activation=name).program == layers("3-4-2", activation=name).program
