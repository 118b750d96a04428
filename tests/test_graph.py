"""The computational-graph figure: nodes, edge labels (local derivatives), highlighted paths, layout, PNGs."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from sympy import Symbol, symbols, tanh  # noqa: E402

from symnet import from_expr, mlp, seed_network, squared_error  # noqa: E402
from symnet.plot.graph import LABEL_AT, LAYER_GAP, draw_graph, font_context, graph_data, layout, save_graph  # noqa: E402

H = {i: Symbol(f"h{i}") for i in range(1, 6)}


def test_seed_graph_nodes_and_edge_labels():
    data = graph_data(seed_network())
    assert [label for _, label, kind, _ in data.nodes if kind != "param"] == [
        "x₁", "x₂", "f₁", "f₂", "f₃", "f₄", "f₅", "L"]
    params = [label for _, label, kind, _ in data.nodes if kind == "param"]
    assert params == ["w₁,₁", "b₁", "w₂,₁", "b₂", "w₃,₁", "b₃", "w₄,₁", "b₄", "w₅,₁", "w₅,₂", "b₅"]
    labels = {(str(a), str(b)): label for a, b, label in data.edges}
    assert labels[("h3", "h5")] == "w₅,₁·ŷ·(1 - ŷ)"        # derive's notation: σ′ = h(1 − h), output ŷ
    assert labels[("h2", "h3")] == "w₃,₁·h₃·(1 - h₃)"      # through u₃,₁ = h₁ + h₂ (sum rule: 1)
    assert labels[("x2", "h2")] == "w₂,₁·h₂·(1 - h₂)"
    assert labels[("w2_1", "h2")] == "x₂·h₂·(1 - h₂)"      # the parameter's own edge: ∂h₂/∂w₂,₁
    assert labels[("w3_1", "h3")] == "(h₁ + h₂)·h₃·(1 - h₃)"
    assert labels[("b5", "h5")] == "ŷ·(1 - ŷ)"
    assert labels[("h5", "L")] == "-2·y + 2·ŷ"
    assert len(data.edges) == 8 + 11 and data.hot == ()
    assert not any(note for *_, note in data.nodes)        # parameters are nodes, not notes


def test_highlighted_paths_of_w21_are_the_two_article_paths():
    w21, b2 = Symbol("w2_1"), Symbol("b2")
    data = graph_data(seed_network(), wrt="w2_1")
    shared = {(w21, H[2]), (H[5], Symbol("L"))}
    assert set(data.hot) == shared | {(H[2], H[3]), (H[3], H[5]), (H[2], H[4]), (H[4], H[5])}
    assert data.owner == w21
    theta = graph_data(seed_network(), wrt="θ4")
    assert theta.owner == H[4] and (Symbol("w4_1"), H[4]) in theta.hot and (Symbol("b4"), H[4]) in theta.hot
    assert graph_data(seed_network(), wrt="theta4") == theta
    assert (b2, H[2]) in graph_data(seed_network(), wrt="theta2").hot
    with pytest.raises(ValueError, match="cannot differentiate by q"):
        graph_data(seed_network(), wrt="q")
    with pytest.raises(ValueError, match="target"):
        graph_data(seed_network(), wrt="y")


def test_each_derivative_is_the_sum_over_hot_paths_of_edge_label_products():
    """The caption's rule holds on the picture: ∂L/∂w₂,₁ is the sum over its highlighted paths of the
    products of the edge labels (each edge's ∂head/∂tail), checked against sympy.diff of the closed form."""
    from sympy import Mul, diff

    from symnet.core.losses import YHAT
    from symnet.core.rules import differentiate

    net = seed_network()
    loss, rhs, L = squared_error(net), dict(seed_network().program.assignments), Symbol("L")
    data = graph_data(net, wrt="w2_1")
    flat = {h: rhs[Symbol("z" + str(h)[1:])].xreplace({u: rhs[u] for u in rhs if str(u).startswith("u")})
            for h in H.values()}
    local = {(tail, head): differentiate(loss.display, YHAT).xreplace({YHAT: H[5]}) if head == L
             else differentiate(flat[head], tail) * head * (1 - head) for tail, head, _ in data.edges}
    paths = [[(Symbol("w2_1"), H[2]), (H[2], h), (h, H[5]), (H[5], L)] for h in (H[3], H[4])]
    assert {edge for path in paths for edge in path} == set(data.hot)
    total = sum(Mul(*(local[e] for e in path)) for path in paths)
    point = {**dict(zip(net.params, [0.1 * k - 0.5 for k in range(len(net.params))])),
             Symbol("x1"): 0.3, Symbol("x2"): -0.6, Symbol("y"): 0.25}
    for lhs, expr in net.program.assignments:          # the forward pass: every h at the point
        point[lhs] = expr.xreplace(point)
    oracle = diff((Symbol("y") - net.concrete()) ** 2, Symbol("w2_1")).xreplace(point)
    assert float(total.xreplace(point)) == pytest.approx(float(oracle), rel=1e-12)


def test_edge_labels_use_the_derivation_factors():
    from symnet import NeuronModel
    from symnet.derivation.derive import derive

    labels = {(str(a), str(b)): label for a, b, label in graph_data(seed_network(NeuronModel("tanh"))).edges}
    assert labels[("h2", "h4")] == "w₄,₁·(1 - h₄²)"
    factors = {(str(f.of), str(f.by)): f.formula for p in derive(seed_network(NeuronModel("tanh")), wrt=["w2_1"])[
        "w2_1"].paths for f in p.factors}
    assert factors[("h4", "z4")] == 1 - H[4] ** 2
    assert graph_data(seed_network(NeuronModel("identity"))).edges[0][2] == "w₁,₁"
    x, w = symbols("x w")
    step = graph_data(from_expr(tanh(w * x), inputs=[x]))
    assert [label for _, label, _, _ in step.nodes][-2:] == ["ŷ", "L"]          # the output is ŷ, as in derive
    assert ("1 - ŷ²" in [label for *_, label in step.edges])


def test_layout_is_layered_by_depth():
    data = graph_data(squared_error(mlp([2, 3, 1])))
    pos = layout(data)
    for tail, head, _ in data.edges:
        assert pos[tail][0] < pos[head][0]
    assert len(set(pos.values())) == len(pos)          # no two nodes on one spot
    x, w, b = symbols("x w b")
    step = layout(graph_data(from_expr(tanh(w * x + b), inputs=[x])))
    assert step[Symbol("y")][0] == step[Symbol("L")][0] - LAYER_GAP   # a source sits just before its use


def test_draw_on_given_axes_returns_them():
    fig, ax = plt.subplots()
    assert draw_graph(seed_network(), wrt="b5", ax=ax) is ax
    texts = [t.get_text() for t in ax.texts]
    assert "w₅,₂·ŷ·(1 - ŷ)" in texts and "∂L/∂b₅" in ax.get_title()
    plt.close(fig)
    fig, ax = plt.subplots()
    draw_graph(seed_network(), wrt="theta2", ax=ax)
    assert "∂L/∂θ₂" in ax.get_title()
    (label,) = [t for t in ax.texts if t.get_text() == "w₃,₁·h₃·(1 - h₃)" and t.get_color() != "#333333"]
    x, _ = label.get_position()
    assert x == pytest.approx(LAYER_GAP * (1 + LABEL_AT))      # 70% along the edge f₂ → f₃, near the head
    plt.close(fig)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_save_graph_png(tmp_path, lang):
    path = save_graph(seed_network(), tmp_path / f"seed_{lang}.png", wrt="w2_1", lang=lang, dpi=60)
    image = plt.imread(path)
    assert image.shape[0] > 100 and image.shape[1] > 300
    assert image[..., :3].std() > 0.05                       # not blank
    assert [p.name for p in tmp_path.iterdir()] == [f"seed_{lang}.png"]


def test_font_context_for_chinese_lists_a_cjk_font():
    with font_context("zh"):
        family = list(matplotlib.rcParams["font.family"])
    assert family[0] == "DejaVu Sans" or family == ["sans-serif"]
    with font_context("en"):
        assert "Noto Sans CJK SC" not in matplotlib.rcParams["font.family"]


def test_save_graph_rejects_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=".png"):
        save_graph(seed_network(), tmp_path / "graph.gif")
    assert list(tmp_path.iterdir()) == []
