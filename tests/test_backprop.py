"""Symbolic backprop: the seed network's exact formulas, the size guard, wrt inputs, errors."""

import pytest
from sympy import Symbol, symbols

from symnet import binary_cross_entropy, grad, mlp, seed_network, squared_error
from symnet.core.activations import sigmoid, softplus
from symnet.errors import ExpressionTooLarge

S = Symbol


def closed(name):
    return seed_network().program.substitutions()[S(name)]


def test_seed_adjoints_golden():
    g = grad(squared_error(seed_network()))
    assert [f"{lhs} = {rhs}" for lhs, rhs in g.adjoints[:6]] == [
        "delta_h5 = 2*h5 - 2*y",
        "delta_z5 = delta_h5*h5*(1 - h5)",
        "delta_h4 = delta_z5*w5_2",
        "delta_z4 = delta_h4*h4*(1 - h4)",
        "delta_h3 = delta_z5*w5_1",
        "delta_z3 = delta_h3*h3*(1 - h3)",
    ]


def test_shared_neuron_sums_its_two_paths():
    g = grad(squared_error(seed_network()))
    # h2 feeds neuron 3 (through u3_1 = h1 + h2) and neuron 4: δh₂ = δu₃ + δz₄·w₄,₁
    assert g.program.rhs(S("delta_h2")) == S("delta_u3_1") + S("delta_z4") * S("w4_1")


def test_dL_db5_in_closed_form():
    g = grad(squared_error(seed_network()))
    h5, y = closed("h5"), S("y")
    assert g.formula("b5") == S("delta_z5")
    assert g.expanded("b5") == (2 * h5 - 2 * y) * h5 * (1 - h5)


def test_dL_dw1_1_in_closed_form():
    g = grad(squared_error(seed_network()))
    h1, h3, h5 = closed("h1"), closed("h3"), closed("h5")
    expected = ((2 * h5 - 2 * S("y")) * h5 * (1 - h5) * S("w5_1") * h3 * (1 - h3) * S("w3_1")
                * h1 * (1 - h1) * S("x1"))
    assert g.expanded("w1_1") == expected


def test_gradient_of_the_network_output_with_respect_to_inputs():
    g = grad(seed_network().program, wrt=["x1", "x2"])     # ŷ itself: differentiate the network's program
    assert g.wrt == symbols("x1 x2")
    assert g.forward.outputs[0] == S("h5")
    assert S("x1") in g.expanded("x1").free_symbols


def test_a_bare_network_is_its_squared_error_loss_in_grad():
    net = seed_network()
    assert grad(net, wrt="b5").forward == squared_error(net).program
    assert grad(net, wrt="b5").results == grad(squared_error(net), wrt=["b5"]).results


def test_a_single_name_is_one_name_not_its_letters():
    g = grad(squared_error(seed_network()), wrt="b5")
    assert g.wrt == (S("b5"),)
    assert grad(seed_network(), wrt="theta5").wrt == symbols("w5_1 w5_2 b5")


def test_cross_entropy_on_a_sigmoid_output_is_stable_and_has_the_textbook_gradient():
    g = grad(binary_cross_entropy(seed_network()))
    assert g.forward.rhs(S("L")) == softplus(S("z5")) - S("y") * S("z5")
    # ∂L/∂z₅ = σ(z₅) − y
    assert g.expanded("b5") == sigmoid(closed("z5")) - S("y")


def test_expanded_form_is_refused_when_too_large_with_a_pointer_to_the_compact_form():
    g = grad(squared_error(mlp([2, 4, 4, 4, 4, 1])))
    with pytest.raises(ExpressionTooLarge, match="compact form"):
        g.expanded("w1_1", max_ops=2000)
    assert g.formula("w1_1") == S("delta_w1_1")


def test_gradient_ops_stay_a_small_multiple_of_the_forward_at_any_depth():
    for depth in (1, 4, 8):
        g = grad(squared_error(mlp([2] + [2] * depth + [1])))
        forward, backward = g.forward.count_ops(), g.program.count_ops() - g.forward.count_ops()
        assert backward <= 2.5 * forward


def test_wrt_errors():
    L = squared_error(seed_network())
    with pytest.raises(ValueError, match="cannot differentiate by q"):
        grad(L, wrt=["q"])
    with pytest.raises(ValueError, match="duplicate"):
        grad(L, wrt=["b5", "b5"])
    with pytest.raises(ValueError, match="no derivative with respect to b1"):
        grad(L, wrt=["b5"]).formula("b1")
    with pytest.raises(TypeError, match="expects a Loss"):
        grad("seed")


def test_printing_of_gradients_in_every_format():
    g = grad(squared_error(seed_network()), wrt=["b5"])
    assert g._repr_latex_().startswith("$$\n\\begin{aligned}")
    assert "\\frac{\\partial L}{\\partial b_{5}} &= \\delta_{z_{5}}" in g._repr_latex_()
    assert str(g).endswith("dL/db5 = delta_z5")   # str is the text printer: derivatives read dL/dw
