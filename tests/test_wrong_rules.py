"""A wrong derivative rule passed to ``check_grads`` is caught, for every kind of network: a scalar network, a
layer network and a mixed program (matrix layers, then scalar steps of a loss formula). Only the gradients that
pass through the wrong rule disagree; the right rule passes. Public API only."""

from __future__ import annotations

import pytest
from sympy import cosh, tanh

import symnet

WRONG_TANH = {tanh: lambda ans, z: (1 + ans**2,)}              # tanh′ = 1 − tanh², sign flipped
RIGHT_TANH = {tanh: lambda ans, z: (1 - ans**2,)}
WRONG_SIGMOID = {symnet.sigmoid: lambda ans, z: (ans * (1 - ans) * (1 + z**2 / 10),)}   # right at z = 0 only
RIGHT_SIGMOID = {symnet.sigmoid: lambda ans, z: (ans * (1 - ans),)}
WRONG_COSH = {cosh: lambda ans, z: (-ans,)}                      # cosh′ = sinh, not −cosh

def layer_params(sizes: str, layer: int) -> set[str]:
    """The scalar names of layer ``layer``'s weights and biases (W1_2_3, b1_2), as check_grads reports them."""
    widths = [int(n) for n in sizes.split("-")]
    rows, cols = widths[layer], widths[layer - 1]
    return ({f"W{layer}_{i}_{j}" for i in range(1, rows + 1) for j in range(1, cols + 1)}
            | {f"b{layer}_{i}" for i in range(1, rows + 1)})


# kind, network, wrong rules, right rules (or None), the parameters whose gradient does not pass through the rule
CASES = [
    pytest.param("scalar", lambda: symnet.from_expr("tanh(w*x + b) + c*x", inputs="x"), WRONG_TANH, RIGHT_TANH,
                 {"c"}, id="scalar-tanh"),
    pytest.param("scalar", symnet.seed_network, WRONG_SIGMOID, RIGHT_SIGMOID, set(), id="scalar-seed-sigmoid"),
    pytest.param("layer", lambda: symnet.layers("3-2-2", activation="tanh", output="softmax"), WRONG_TANH,
                 RIGHT_TANH, layer_params("3-2-2", 2), id="layer-tanh"),
    pytest.param("layer", lambda: symnet.layers("2-3-2-1", activation=["z*sigmoid(z)", "tanh"], output="identity"),
                 WRONG_SIGMOID, RIGHT_SIGMOID, layer_params("2-3-2-1", 2) | layer_params("2-3-2-1", 3),
                 id="layer-sigmoid-inside-a-formula"),
    pytest.param("mixed", lambda: symnet.loss(symnet.layers("2-3-1", activation="tanh", output="identity"),
                                              "log(cosh(yhat - y))"),
                 WRONG_TANH, RIGHT_TANH, layer_params("2-3-1", 2), id="mixed-tanh-in-a-layer"),
    pytest.param("mixed", lambda: symnet.loss(symnet.layers("2-3-1", activation="tanh", output="identity"),
                                              "log(cosh(yhat - y))"),
                 WRONG_COSH, None, set(), id="mixed-cosh-in-the-loss"),
]


@pytest.mark.parametrize("kind, build, wrong, right, untouched", CASES)
def test_check_grads_catches_a_wrong_rule(kind, build, wrong, right, untouched):
    report = check(build(), wrong)
    rows = {row.param for row in report.rows}
    failed = {row.param for row in report.failures}
    assert not report.ok and "DISAGREE" in symnet.pretty(report)
    assert untouched < rows and failed == rows - untouched, (kind, sorted(failed))
    if right is not None:
        assert check(build(), right).ok


def check(target, rules):
    """check_grads at its seeded point, with every method it has (the sympy column included)."""
    return symnet.check_grads(target, rules=rules, seed=1)


@pytest.mark.parametrize("kind, build, wrong, right, untouched", [CASES[0], CASES[2], CASES[4]])
def test_the_compiled_loss_check_grads_is_given_is_checked(kind, build, wrong, right, untouched):
    """check_grads(compiled=value_and_grad(..., rules=wrong)) catches the wrong gradient as well."""
    wrong_fn = symnet.value_and_grad(build(), rules=wrong, backend="numpy")
    report = symnet.check_grads(build(), compiled=wrong_fn, seed=1)
    assert not report.ok and {row.param for row in report.failures} == {row.param for row in report.rows} - untouched
