"""Printers for every object of every kind: ``str``, ``show``, ``latex`` and Jupyter's ``_repr_latex_`` agree.

For a scalar network (``mlp``), a layer network (``layers``) and a mixed program (layers with your own loss
formula), and for each object a user holds — the network, its loss, its gradient and its derivation — the four views print the same content through
symnet's printers: no dataclass dump, no SymPy class name (``HadamardProduct``), no ``\\mathtt`` box.
"""

from __future__ import annotations

import re

import pytest
import sympy

from symnet import derive, grad, latex, layers, loss, mlp, show, squared_error
from symnet.render.printing import pretty, text

DUMP = re.compile(r"\b[A-Z]\w*\(\w+=|HadamardProduct|\bApply\(|ActivationPrime|object at 0x|\\mathtt")


def _network(kind):
    if kind == "mixed":   # your own loss formula goes with an output other than softmax
        return layers("3-4-2", activation="tanh", output="identity")
    return mlp([2, 3, 1]) if kind == "mlp" else layers("3-4-2", activation="tanh")


def _loss(kind):
    net = _network(kind)
    return {"mlp": squared_error, "layers": lambda n: n.loss(),
            "mixed": lambda n: loss(n, "log(cosh(yhat - y))")}[kind](net)


def _objects(kind):
    target = _loss(kind)
    return {"network": target.network, "loss": target, "grad": grad(target), "derivation": derive(target)}


def _views(obj):
    return str(obj), show(obj, "text"), latex(obj), obj._repr_latex_()


@pytest.mark.parametrize("what", ["network", "loss", "grad", "derivation"])
def test_str_show_latex_and_jupyter_agree(kind, what):
    obj = _objects(kind)[what]
    plain, shown, tex, jupyter = _views(obj)
    assert jupyter in (f"$$\n{tex}\n$$", f"$\\displaystyle {tex}$")       # Jupyter shows exactly latex(obj)
    assert all(line in shown for line in plain.splitlines())              # show adds (the program), never changes
    for view in (plain, shown, tex, show(obj), show(obj, "markdown")):
        assert not DUMP.search(view), view[:300]
    assert plain == text(obj) and all(line in show(obj, "latex") for line in tex.splitlines())


@pytest.mark.parametrize("what", ["grad", "derivation"])
def test_every_parameter_appears_in_every_view(kind, what):
    obj = _objects(kind)[what]
    plain, shown, tex, _ = _views(obj)
    params = _network(kind).params if kind != "mlp" else _loss(kind).program.params
    for p in params:
        assert text(p) in plain or pretty(p) in plain, p
        assert latex(p) in tex, (p, latex(p))


def test_a_gradient_has_one_latex_line_per_printed_line(kind):
    g = _objects(kind)["grad"]
    lines = [line for line in str(g).splitlines() if " = " in line]
    assert len(lines) == latex(g).count("&=") == show(g).count(" = ")


def test_the_layer_gradient_prints_its_shapes_and_equations_in_every_view():
    g = _objects("layers")["grad"]
    for view in (str(g), show(g), show(g, "text")):
        assert "(4×3)" in view and all(tag in view for tag in ("BP1", "BP2", "BP3", "BP4"))
    assert "4 \\times 3" in latex(g) and "\\odot" in latex(g) and "⊙" in show(g) and " * " in str(g)


def test_the_layer_network_prints_as_its_formula_and_shows_its_program():
    net = _network("layers")
    assert str(net) == "softmax(W2 @ tanh(W1 @ x + b1) + b2)"
    assert latex(net) == (r"\operatorname{softmax}\left(W^{2} \tanh\left(W^{1} x + b^{1}\right) + b^{2}\right)")
    assert "W1 (4×3)" in show(net) and "z¹ = W¹ x + b¹" in show(net) and net.spec in show(net)


def test_a_layer_derivation_is_the_one_derivation_type():
    d = derive(_network("layers"))
    assert type(d) is type(derive(_network("mlp")))
    assert repr(d) == "<derivation of C by W1, b1, W2, b2>" and d.matrix and not derive(_network("mlp")).matrix
    assert d["W1"].compact.name == "delta_W1"
    assert "The reverse sweep" in str(d) and "\\text{BP4}" in latex(d)


def test_your_own_rule_prints_under_its_name():
    loss = layers("3-4-2", activation="tanh").loss()
    mine = grad(loss, rules={sympy.tanh: lambda ans, x: (2 - ans**2,)})   # not the table's rule
    assert "d_tanh_rule(z1)" in str(mine) and "d_tanh_rule(z¹)" in show(mine)
    assert r"\operatorname{d\_tanh\_rule}\left(z^{1}\right)" in latex(mine)
    assert "tanh'(z1)" in str(grad(loss)) and "d_tanh_rule" not in str(grad(loss))


def _other_kinds():
    """Networks the two-kind fixture leaves out: a plain expression, the article's seed network, neurons with
    a formula activation, layers with a sigmoid output (binary cross-entropy) and residual layers."""
    from symnet import from_expr, seed_network

    return {"expr": from_expr("tanh(w*x + b)", inputs="x"), "seed": seed_network(),
            "formula": mlp([2, 2, 1], activation="z/(1 + Abs(z))"), "sigmoid": layers("2-3-1"),
            "residual": layers("3-3-3-2", residual=True)}


@pytest.mark.parametrize("name", ["expr", "seed", "formula", "sigmoid", "residual"])
@pytest.mark.parametrize("what", ["network", "loss", "grad", "derivation"])
def test_every_other_kind_prints_alike_in_every_view(name, what):
    from symnet.core.losses import as_loss

    net = _other_kinds()[name]
    loss = as_loss(net)
    obj = {"network": net, "loss": loss, "grad": grad(loss), "derivation": derive(net)}[what]
    plain, shown, tex, jupyter = _views(obj)
    assert jupyter in (f"$$\n{tex}\n$$", f"$\\displaystyle {tex}$")
    assert plain == text(obj) and all(line in shown for line in plain.splitlines())
    for view in (plain, shown, tex, show(obj, "markdown")):
        assert not DUMP.search(view), view[:300]
    if what in ("grad", "derivation"):
        for p in loss.program.params:
            assert (text(p) in plain or pretty(p) in plain) and latex(p) in tex, p
