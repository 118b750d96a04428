"""The live computational graph: every program step, input and parameter is a node, with its value and δ.

Parameters are nodes here, so the rule the page teaches holds on the picture itself: each edge
s → t carries the local derivative ∂t/∂s, and δ_s = ∂L/∂s = Σ over the edges leaving s of
δ_t·∂t/∂s; a parameter's δ is its gradient, the sum over paths of the products of edge labels.

The graph's numbers come from one generated JavaScript function, ``sn_graph``, of a program that
runs the forward steps, then one local derivative per edge (symnet's rule table, the same one
backprop uses), then δ for every node in reverse order, without the compaction backprop does (there a
single-term δ is inlined and gets no name; here every node keeps its own).
"""

from __future__ import annotations

from sympy import S, Symbol

from symnet.render.i18n import t

COLUMN_GAP, ROW_GAP, MARGIN = 96, 62, 40
SWEEPS, TALLEST_HINT = 6, 6


def graph_program(loss):
    """The forward program, one ``e_k`` per edge (∂head/∂tail), one ``D_s`` per node (δ_s), in reverse.

    Returns:
        (program, args, nodes, edges): ``nodes`` every symbol in forward order (inputs, target,
        parameters, steps), ``edges`` (tail, head, local-derivative symbol) per edge.
    """
    from symnet.core.program import Program
    from symnet.core.rules import differentiate

    program = loss.program
    args = program.inputs + program.params
    nodes = args + program.symbols
    if nodes[-1] != program.outputs[0]:
        raise ValueError(f"the loss program must end with its output; it ends with {nodes[-1]}")
    edges, locals_ = [], []
    for head, rhs in program.assignments:
        for tail in sorted(rhs.free_symbols, key=nodes.index):
            label = Symbol(f"e{len(edges)}")
            edges.append((tail, head, label))
            locals_.append((label, differentiate(rhs, tail, ans=head)))
    deltas = {program.outputs[0]: S.One}
    adjoint = [(Symbol(f"D_{program.outputs[0]}"), S.One)]
    for node in reversed(nodes[:-1]):
        terms = [Symbol(f"D_{head}") * label for tail, head, label in edges if tail == node]
        adjoint.append((Symbol(f"D_{node}"), sum(terms, S.Zero)))
        deltas[node] = adjoint[-1][0]
    full = Program(args, (), program.assignments + tuple(locals_) + tuple(adjoint), ())
    outputs = tuple(nodes[len(args):]) + tuple(label for _, _, label in edges) + tuple(
        Symbol(f"D_{n}") for n in nodes)
    return full, args, nodes, tuple(edges), outputs


def layout(nodes, edges, leaves) -> dict:
    """(column, row) per node: a step one column right of its deepest input; a leaf (input,
    parameter) one column left of its first consumer, so each parameter sits beside its neuron."""
    depth = {}
    for node in nodes:
        if node not in leaves:
            depth[node] = 1 + max((depth.get(t, 0) for t, h, _ in edges if h == node), default=0)
    for leaf in leaves:
        heads = [depth[h] for t, h, _ in edges if t == leaf]
        depth[leaf] = min(heads, default=1) - 1
    columns: dict[int, list] = {}
    for node in nodes:
        columns.setdefault(depth[node], []).append(node)
    row = {n: float(i) for column in columns.values() for i, n in enumerate(column)}
    for _ in range(SWEEPS):      # barycentre ordering: each node near the mean row of its neighbours
        for column in columns.values():
            column.sort(key=lambda n: _mean([row[t] for t, h, _ in edges if h == n] +
                                            [row[h] for t, h, _ in edges if t == n], row[n]))
            row.update({n: i + (TALLEST_HINT - len(column)) / 2 for i, n in enumerate(column)})
    low = min(row.values())
    return {n: (depth[n], row[n] - low) for n in nodes}


def _mean(values, default: float) -> float:
    return sum(values) / len(values) if values else default


def graph_widget(lang: str, at: dict):
    """The seed network's graph at the point ``at`` (inputs, target, parameters) with a step-backward button
    and a selector that lights every path from a chosen parameter to L.

    Each node carries its LaTeX name, each edge s → t the LaTeX of ∂t/∂s (symnet's rule table) and the names
    of the rules that gave it (σ′ = σ(1 − σ), sum rule, …), so the page can write each δ in symbols and in
    numbers; the numbers themselves come from ``sn_graph``.
    """
    from symnet.core.losses import squared_error
    from symnet.core.network import seed_network
    from symnet.numeric.jscode import to_javascript
    from symnet.render.printing import pretty
    from symnet.tour.records import Widget

    loss = squared_error(seed_network())
    program, args, nodes, edges, outputs = graph_program(loss)
    where = layout(nodes, edges, set(args))
    tallest = max(r for _, r in where.values()) + 1
    config = {
        "args": [at[str(a)] for a in args],
        "nodes": [{"name": pretty(n), "x": MARGIN + c * COLUMN_GAP, "y": MARGIN + r * ROW_GAP,
                   "kind": "param" if n in loss.program.params else "input" if n in args else "step"}
                  for n, (c, r) in ((n, where[n]) for n in nodes)],
        "edges": [[nodes.index(t), nodes.index(h)] for t, h, _ in edges],
        "n_args": len(args), "order": list(range(len(nodes) - 1, -1, -1)),
        "width": 2 * MARGIN + max(c for c, _ in where.values()) * COLUMN_GAP,
        "height": 2 * MARGIN + 20 + (tallest - 1) * ROW_GAP,
        **edge_notation(loss.program, nodes, edges, lang),
        "paths": parameter_paths(loss.program, nodes, edges),
    }
    keys = ("live_back", "live_reset", "live_graph_rule", "live_graph_choose", "live_graph_none", "live_graph_paths")
    labels = {key: t(key, lang) for key in keys}
    return Widget("graph", t("live_graph_title", lang), to_javascript(program, args, "sn_graph", outputs),
                  config, labels)


def edge_notation(program, nodes, edges, lang: str) -> dict:
    """The words of the graph: LaTeX names of the nodes; per edge s → t the LaTeX of ∂t/∂s as symnet's rule
    table gives it (with t's own name where the rule uses it, h(1 − h) for σ′) and the rules' names."""
    from symnet.core.rules import differentiate
    from symnet.derivation.rules import rules_used
    from symnet.render.printing import latex
    from symnet.render.tex import note_text

    rhs = dict(program.assignments)
    return {"tex": [latex(n) for n in nodes],
            "local_tex": [latex(differentiate(rhs[h], s, ans=h)) for s, h, _ in edges],
            "rules": [note_text(rules_used(rhs[h], s), "unicode", lang) for s, h, _ in edges]}


def parameter_paths(program, nodes, edges) -> list:
    """Per parameter, in the order of ``program.params``: [its node index, its paths to L as lists of edge
    indices, each from the parameter forward to L] (``symnet.derivation``'s path enumeration)."""
    from symnet.derivation.derive import enumerate_paths

    index = {(s, h): k for k, (s, h, _) in enumerate(edges)}
    found = []
    for param in program.params:
        paths = [[index[(path[j + 1], path[j])] for j in range(len(path) - 2, -1, -1)]
                 for path in enumerate_paths(program, param)]
        found.append([nodes.index(param), paths])
    return found
