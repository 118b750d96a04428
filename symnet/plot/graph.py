"""The computational graph of a network: inputs, parameters, neurons and the loss; edges carry local derivatives.

Nodes are laid out in layers by depth (longest path from an input; a parameter or input sits just
before the neuron that uses it), left to right; within a layer a few barycentre sweeps order them
by the mean height of their neighbours, which keeps crossings few. The edge u → v carries ∂v/∂u,
written exactly as ``symnet.derive`` writes its factors (the same rule table, the output named ŷ):
for neurons, e.g. w₅,₁·ŷ·(1 - ŷ), the z-step's partial times the activation's derivative
σ′ = σ(1 − σ) in terms of the neuron's output; for a parameter, e.g. x₂·h₂·(1 - h₂) on the edge
w₂,₁ → f₂; for the loss, ∂L/∂ŷ. Because parameters are nodes, a parameter's derivative is the sum
over its highlighted paths to the loss of the products of the edge labels (see
``symnet.derivation.derive``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Symbol

from symnet.core.layers import has_matrix_steps
from symnet.core.losses import LOSS, YHAT, Loss, as_loss
from symnet.core.names import canonical, resolve_wrt
from symnet.core.network import Network
from symnet.core.neuron import neuron_index
from symnet.core.rules import differentiate
from symnet.derivation.derive import enumerate_paths
from symnet.plot.fonts import font_context
from symnet.render.i18n import t
from symnet.render.notation import SUBSCRIPT, factor, pretty

LABEL_AT = 0.5          # edge labels sit mid-edge: the edges converging on a neuron part most there
RADIUS = 0.48
LAYER_GAP = 4.2
ROW_GAP = 1.5
SWEEPS = 6
COLORS = {"input": "#dbe9f6", "neuron": "#fdf0d5", "loss": "#f6d5d5", "param": "#e4f2dc", "edge": "#8a8f98",
          "hot": "#d1495b", "text": "#1f2430"}


@dataclass(frozen=True)
class GraphData:
    """Nodes (symbol, label, kind, note), edges (tail, head, label) and the highlighted edges."""

    nodes: tuple[tuple[Symbol, str, str, str], ...]
    edges: tuple[tuple[Symbol, Symbol, str], ...]
    hot: tuple[tuple[Symbol, Symbol], ...] = ()
    owner: Symbol | None = None     # the node whose parameter is differentiated


def graph_data(target: Loss | Network, wrt=None) -> GraphData:
    """The graph of a loss (a network gets the squared error), with the paths of ``wrt`` marked.

    >>> from symnet import seed_network
    >>> g = graph_data(seed_network(), wrt="w2_1")
    >>> len(g.edges), len(g.hot)
    (19, 6)
    """
    loss = as_loss(target)
    build = _neuron_graph if loss.network.models else _step_graph
    _check_size(loss)
    nodes, edges = build(loss)
    hot, owner = _hot_edges(loss, nodes, resolve_wrt(loss, wrt)) if wrt is not None else ((), None)
    return GraphData(tuple(nodes), tuple(edges), hot, owner)


def _check_size(loss) -> None:
    """Refuse a graph too large to draw before drawing it: the figure grows with the widest layer
    (an MLP with 255 hidden neurons took 3.4 GB)."""
    from symnet.limits import MAX_GRAPH_NODES

    net = loss.network
    if has_matrix_steps(loss.program):
        raise ValueError(f"{net.spec} is a network of matrix steps: the graph draws neurons and scalar steps; draw its scalar "
                         f"form (symnet.lower(network)), or see its matrix program with symnet show and symnet derive")
    count = len(net.inputs) + len(net.params) + (len(net.models) if net.models else len(net.program.assignments))
    if count > MAX_GRAPH_NODES:
        raise ValueError(f"the graph would have {count} nodes; symnet draws at most {MAX_GRAPH_NODES} "
                         f"(a larger picture is slow to draw and unreadable): use a smaller network")


def data_network(target) -> Network:
    """The network of a Network or Loss."""
    return target if isinstance(target, Network) else target.network


def _neuron_graph(loss):
    """Inputs, parameters and neurons are nodes; the edge w → h carries ∂h/∂w = u·h(1 − h), so a
    parameter's derivative is the sum over its paths of the products of the edge labels."""
    net, program = loss.network, loss.network.program
    rhs, order = dict(program.assignments), program.order()
    names = {net.output: YHAT}
    nodes = [(x, pretty(x), "input", "") for x in net.inputs]
    edges = []
    for theta, _ in net.models:
        i = neuron_index(theta)
        h, z = Symbol(f"h{i}"), Symbol(f"z{i}")
        own = sorted((s for s in rhs[z].free_symbols if s in program.params), key=order.__getitem__)
        nodes += [(w, pretty(w), "param", "") for w in own]
        nodes.append((h, "f" + i.translate(SUBSCRIPT).replace("_", ","), "neuron", ""))
        flat = rhs[z].xreplace({s: rhs[s] for s in rhs[z].free_symbols if s in rhs and s.name.startswith("u")})
        prime = differentiate(rhs[h], z, ans=h).xreplace(names)      # the rule table's σ′ = h(1 − h)
        for tail in sorted(flat.free_symbols - set(own), key=order.__getitem__) + own:
            parts = (differentiate(flat, tail), prime)
            edges.append((tail, h, "·".join(factor(p, "unicode") for p in parts if p != 1) or "1"))
    nodes.append((LOSS, "L", "loss", ""))
    edges.append((net.output, LOSS, pretty(differentiate(loss.display, YHAT))))
    return nodes, edges


def _step_graph(loss):
    program, names = loss.program, {loss.network.output: YHAT}     # the output is ŷ, as derive writes it
    order = program.order()
    nodes = [(s, pretty(s), "input", "") for s in program.inputs]
    nodes += [(s, pretty(s), "param", "") for s in program.params]
    edges = []
    for lhs, rhs in program.assignments:
        kind = "loss" if lhs == LOSS else "neuron"
        nodes.append((lhs, pretty(lhs.xreplace(names)), kind, "" if kind == "loss" else pretty(rhs)))
        for tail in sorted(rhs.free_symbols, key=order.__getitem__):
            edges.append((tail, lhs, pretty(differentiate(rhs, tail, ans=lhs).xreplace(names))))
    return nodes, edges


def _hot_edges(loss, nodes, targets):
    """Edges on the paths from each of ``targets`` (one parameter, or a neuron's θ) to the loss.

    The owner is the parameter's own node, or for a θ the neuron all its parameters feed."""
    shown = {n[0] for n in nodes}
    hot, owners = [], []
    for wrt in targets:
        for path in enumerate_paths(loss.program, wrt):
            stops = [s for s in path if s in shown]
            owners.append(stops[-1] if len(targets) == 1 else stops[-2])
            for head, tail in zip(stops, stops[1:]):
                if (tail, head) not in hot:
                    hot.append((tail, head))
    return tuple(hot), owners[0] if owners else None


def layout(data: GraphData) -> dict:
    """x = depth (longest path from a source; a source just before its first use), y = row within the
    layer, ordered by a few barycentre sweeps (each node near the mean row of its neighbours)."""
    preds: dict = {n[0]: [] for n in data.nodes}
    succs: dict = {n[0]: [] for n in data.nodes}
    for tail, head, _ in data.edges:
        preds[head].append(tail)
        succs[tail].append(head)
    depth: dict = {}
    for symbol, *_ in data.nodes:   # nodes come in topological order
        depth[symbol] = 1 + max((depth[p] for p in preds[symbol]), default=-1)
    for symbol in depth:            # a source sits just before its first use (short edges)
        if not preds[symbol] and succs[symbol]:
            depth[symbol] = min(depth[head] for head in succs[symbol]) - 1
    columns = [[n for n in depth if depth[n] == level] for level in range(max(depth.values()) + 1)]
    row = {n: float(k) for column in columns for k, n in enumerate(column)}
    for _ in range(SWEEPS):
        for column in columns:
            column.sort(key=lambda n: _mean([row[m] for m in preds[n] + succs[n]], row[n]))
            row.update({n: k - (len(column) - 1) / 2 for k, n in enumerate(column)})
    return {n: (depth[n] * LAYER_GAP, -row[n] * ROW_GAP) for n in depth}


def _mean(values, default: float) -> float:
    return sum(values) / len(values) if values else default


def draw_graph(target, wrt=None, lang: str = "en", ax=None):
    """Draw the computational graph of ``target`` (a Network or Loss) on ``ax``; return ``ax``.

    Args:
        target: the network or loss.
        wrt: a parameter (or neuron θ) whose paths to the loss are highlighted.
        lang: ``en`` or ``zh`` for the title and legend.
        ax: matplotlib Axes (default a new figure).

    Returns:
        The Axes.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from symnet import seed_network
    >>> ax = draw_graph(seed_network(), wrt="w2_1")
    >>> ax.get_title()
    'Computational graph  —  paths of ∂L/∂w₂,₁ in red'
    >>> matplotlib.pyplot.close(ax.figure)
    """
    data = graph_data(target, wrt)
    pos = layout(data)
    with font_context(lang):
        ax = ax if ax is not None else _new_axes(pos)
        _draw_edges(ax, data, pos)
        _draw_nodes(ax, data, pos)
        shown = None if wrt is None else canonical(target, wrt)
        _decorate(ax, pos, shown, lang)
    return ax


def _decorate(ax, pos, shown, lang: str) -> None:
    """Title (naming the highlighted derivative), legend line, equal aspect and tight limits."""
    title = t("graph_title", lang)
    if shown is not None:
        title += "  —  " + t("graph_paths", lang, what=f"∂L/∂{pretty(shown)}")
    ax.set_title(title, fontsize=17, color=COLORS["text"])
    ax.text(0.5, 0.0, t("graph_legend", lang), transform=ax.transAxes, ha="center", va="top",
            fontsize=13, color="#555555", wrap=True)
    ax.set_aspect("equal")
    ax.axis("off")
    xs, ys = [x for x, _ in pos.values()], [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.95, max(ys) + 0.6)


def _new_axes(pos):
    """A figure sized to the layout (wide enough for the legend line)."""
    import matplotlib.pyplot as plt

    span_x = max(x for x, _ in pos.values()) / LAYER_GAP
    span_y = max(abs(y) for _, y in pos.values()) * 2 / 1.9
    _, ax = plt.subplots(figsize=(max(7.5, 2.8 + 2.4 * span_x), 1.6 + 1.25 * max(span_y, 1.0)), layout="constrained")
    return ax


def _draw_nodes(ax, data: GraphData, pos) -> None:
    from matplotlib.patches import Circle

    hot = {n for edge in data.hot for n in edge} | {data.owner}
    for symbol, label, kind, note in data.nodes:
        x, y = pos[symbol]
        edge = COLORS["hot"] if symbol in hot else "#4a4f58"
        ax.add_patch(Circle((x, y), RADIUS, facecolor=COLORS[kind], edgecolor=edge,
                            linewidth=2.2 if symbol in hot else 1.2, zorder=3))
        ax.text(x, y, label, ha="center", va="center", fontsize=16 if len(label) < 4 else 13,
                color=COLORS["text"], zorder=4)
        if note:   # below and to the right: incoming edges (and their labels, near the head) come from the left
            ax.text(x - 0.5 * RADIUS, y - RADIUS - 0.08, note, ha="left", va="top", fontsize=9, zorder=4,
                    color=COLORS["hot"] if symbol == data.owner else "#555555",
                    bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})


def _draw_edges(ax, data: GraphData, pos) -> None:
    from matplotlib.patches import FancyArrowPatch

    for tail, head, label in data.edges:
        hot = (tail, head) in data.hot
        color = COLORS["hot"] if hot else COLORS["edge"]
        (x0, y0), (x1, y1) = pos[tail], pos[head]
        length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
        ux, uy = (x1 - x0) / length * RADIUS, (y1 - y0) / length * RADIUS
        ax.add_patch(FancyArrowPatch((x0 + ux, y0 + uy), (x1 - ux, y1 - uy), arrowstyle="-|>", mutation_scale=16,
                                     shrinkA=0, shrinkB=1, color=color, linewidth=2.4 if hot else 1.2, zorder=1))
        lx, ly = x0 + LABEL_AT * (x1 - x0), y0 + LABEL_AT * (y1 - y0)
        ax.text(lx, ly, label, ha="center", va="center", fontsize=13, color=COLORS["hot"] if hot else "#333333",
                zorder=2, bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": color,
                                "linewidth": 0.6, "alpha": 0.95})


def save_graph(target, path, wrt=None, lang: str = "en", dpi: int = 150):
    """Draw the graph and save it (format from the suffix: png, svg, pdf) atomically; return the path.

    >>> import tempfile, pathlib
    >>> from symnet import mlp
    >>> path = save_graph(mlp([2, 2, 1]), pathlib.Path(tempfile.mkdtemp()) / "graph.png", wrt="w1_1", dpi=40)
    >>> path.stat().st_size > 1000
    True
    """
    from symnet.io.files import atomic_path

    data = graph_bytes(target, path, wrt, lang, dpi)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def graph_bytes(target, path, wrt=None, lang: str = "en", dpi: int = 150) -> bytes:
    """The graph drawn in the format of ``path``'s suffix (png, svg, pdf), as bytes to write later (a command
    draws under its time limit and writes after it)."""
    import io
    import warnings

    import matplotlib.pyplot as plt

    suffix = str(path).rsplit(".", 1)[-1].lower()
    if suffix not in ("png", "svg", "pdf"):
        raise ValueError(f"cannot tell the image format of {path}: expected a .png, .svg or .pdf file name")
    with font_context(lang), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        ax = draw_graph(target, wrt, lang)
        try:
            buffer = io.BytesIO()
            ax.figure.savefig(buffer, dpi=dpi, format=suffix, bbox_inches="tight", pad_inches=0.15)
        finally:
            plt.close(ax.figure)
    return buffer.getvalue()
