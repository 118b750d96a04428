"""The activation table: one entry per activation drives every consumer; your own activations work everywhere."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from click.testing import CliRunner
from sympy import Abs, Function, Symbol, erf, sqrt

from symnet import NeuronModel, check_grads, derive, grad, mlp, seed_network, squared_error
from symnet.cli import main
from symnet.core.activations import ACTIVATIONS, PRIMITIVES, H, Z, rewrite_activations, sigmoid
from symnet.core.rules import DERIVATIVES
from symnet.derivation.rules import RULES, rule_for
from symnet.errors import MissingRuleError
from symnet.io.netfile import loads as load_network_text
from symnet.io.netfile import dumps
from symnet.io.parsing import FUNCTIONS, parse_expr
from symnet.numeric import reverse
from symnet.numeric.functions import numpy_functions

NUMPY_FUNCTIONS = numpy_functions()
SWISH = lambda z: z * sigmoid(z)              # noqa: E731  (the one-argument function a user writes)
SOFTSIGN = lambda z: z / (1 + Abs(z))         # noqa: E731
GELU = lambda z: z * (1 + erf(z / sqrt(2))) / 2   # noqa: E731


def run(*args):
    return CliRunner().invoke(main, list(args))


# --- one entry drives everything -----------------------------------------------------------------


@pytest.mark.parametrize("name", [a.name for a in ACTIVATIONS.values() if a.primitive])
def test_each_primitive_entry_reaches_every_consumer(name):
    entry = ACTIVATIONS[name]
    cls = entry.function
    assert DERIVATIVES[cls](H, Z) == (entry.derivative(H, Z),)                 # the rule table
    assert RULES[cls].name == f"{name} rule" and RULES[cls].unicode == entry.notation[0]   # derivations
    assert FUNCTIONS[name][0] is cls                                            # the parser
    assert cls in reverse.FORWARD and cls in reverse.VJP                       # the numeric reverse mode
    z = np.linspace(-30, 30, 13)
    numpy_value = (NUMPY_FUNCTIONS[name] if name in NUMPY_FUNCTIONS else reverse.FORWARD[cls])(z)
    exact = [float(entry.closed(sympy.Float(v, 60)).evalf(60)) for v in z]   # 60 digits: no cancellation
    np.testing.assert_allclose(numpy_value, exact, rtol=1e-12, atol=1e-300)
    # the rule agrees with SymPy's own derivative of the closed form (the oracle of check_grads)
    rule = entry.derivative(entry.closed(Z), Z)
    reference = sympy.diff(entry.closed(Z), Z)
    for v in (-1.3, 0.4, 2.2):
        assert float(rule.subs(Z, v).evalf()) == pytest.approx(float(reference.subs(Z, v).evalf()), rel=1e-12)


def test_every_column_runs_for_a_cross_entropy_on_a_softplus_form():
    from symnet import binary_cross_entropy

    report = check_grads(binary_cross_entropy(mlp([2, 3, 1], "softplus", "sigmoid")), seed=2)
    assert report.ok and not report.skipped, str(report)


def test_stable_forms_stay_finite_where_the_naive_ones_overflow():
    z = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # underflow to 0 is the right answer
        assert NUMPY_FUNCTIONS["sigmoid"](z).tolist() == [0.0, 1.0]
        assert NUMPY_FUNCTIONS["softplus"](z).tolist() == [0.0, 1000.0]


def test_a_new_primitive_entry_makes_its_own_sympy_class():
    from symnet.core.activations import Activation, ActivationBase

    mish = Activation("mish", lambda z: z * sympy.tanh(sympy.log(1 + sympy.exp(z))),
                      lambda h, z: sympy.diff(z * sympy.tanh(sympy.log(1 + sympy.exp(z))), z),
                      ("mish′", "mish'", "mish'"))
    assert issubclass(mish.function, ActivationBase) and mish.function.__name__ == "mish"
    assert str(mish(Symbol("u"))) == "mish(u)"
    assert mish not in PRIMITIVES.values()       # defining an entry changes no table until it is listed


def test_rewrite_uses_the_closed_forms():
    assert rewrite_activations(sigmoid(Z)) == 1 / (1 + sympy.exp(-Z))


# --- your own activation ----------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus", "swish", "softsign", "gelu", SWISH, SOFTSIGN, GELU, erf,
                                        parse_expr("z/(1 + Abs(z))")])
def test_custom_activations_pass_the_four_way_check(activation):
    net = mlp([2, 3, 1], activation=activation, output_activation="sigmoid")
    report = check_grads(net, seed=1)
    assert report.ok and not report.skipped, str(report)


def test_names_lambdas_and_formulas_mean_the_same_activation():
    assert NeuronModel(SOFTSIGN).activation == NeuronModel(parse_expr("z/(1 + Abs(z))")).activation
    named, own = mlp([2, 2, 1], "softsign"), mlp([2, 2, 1], SOFTSIGN)
    assert named.concrete() == own.concrete()
    assert grad(named).results == grad(own).results


def test_a_sympy_function_that_knows_its_derivative_gets_an_honest_rule_name():
    assert rule_for(erf).name == "erf rule"
    net = mlp([1, 1], activation=erf)
    derivation = derive(net, wrt="w1_1")
    names = {r.name for p in derivation["w1_1"].paths for f in p.factors for r in f.rules}
    assert "erf rule" in names


def test_the_seed_network_with_a_custom_activation_in_every_verb():
    net = seed_network(NeuronModel(GELU))
    assert check_grads(net).ok
    assert len(derive(net, wrt="θ5").params) == 3
    assert grad(squared_error(net), wrt="b5").wrt == (Symbol("b5"),)


def test_bad_activations_say_what_an_activation_is():
    with pytest.raises(ValueError, match="unknown activation 'mish'"):
        NeuronModel("mish")
    with pytest.raises(ValueError, match="also uses w"):
        NeuronModel(lambda z: Symbol("w") * z)
    with pytest.raises(ValueError, match="does not use z"):
        NeuronModel(lambda z: sympy.Integer(1))
    with pytest.raises(TypeError, match="must return a SymPy expression"):
        NeuronModel(lambda z: 1.0)
    with pytest.raises(ValueError, match="could not be applied"):
        NeuronModel(lambda z: np.tanh(np.array([z], dtype=float)))
    with pytest.raises(MissingRuleError, match="no derivative rule for the function 'g'"):
        NeuronModel(Function("g"))
    with pytest.raises(TypeError, match="a name, a SymPy function class"):
        NeuronModel(3)


def test_a_network_file_keeps_a_custom_activation():
    net = mlp([2, 2, 1], SOFTSIGN)
    again = load_network_text(dumps(net))
    assert again.concrete() == net.concrete()


# --- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize("command, expected", [
    (("show", "--format", "text"), "h1 = z1/(Abs(z1) + 1)"),
    (("grad", "--wrt", "b3", "--format", "text"), "h3 = z3/(Abs(z3) + 1)"),
    (("check",), "all gradients agree"),
    (("derive", "--wrt", "b3", "--format", "text"), "Abs rule"),
    (("codegen",), "h1 = z1/(abs(z1) + 1)"),
])
def test_cli_activation_on_every_network_command(command, expected):
    result = run(command[0], "mlp:2-2-1", "--activation", "z/(1 + Abs(z))", *command[1:])
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_cli_train_with_a_custom_activation(tmp_path):
    result = run("train", "mlp:2-4-1", "--activation", "z/(1 + Abs(z))", "--data", "xor", "--samples", "40",
                 "--epochs", "3", "--quiet", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert '"activation": "z/(Abs(z) + 1)"' in (tmp_path / "model.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (("seed:tanh", "--activation", "gelu"), "already names the activation tanh"),
    (("seed", "--activation", "w*z"), "--activation: an activation is a formula in the one symbol z"),
    (("seed", "--activation", "mish"), "--activation: unknown activation 'mish'"),
    (("--expr", "w*x", "--inputs", "x", "--activation", "tanh"), "applies to networks of neurons"),
])
def test_cli_bad_activation_is_one_line_exit_2(args, message):
    result = run("check", *args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
