"""The page's "Check my derivative": the learner's formula against symnet's chain-rule paths, in the browser.

The questions are those of ``symnet quiz`` (``symnet.derivation.quiz``): ∂L/∂w₂,₁ of the seed network and
δ_{h₂} = ∂L/∂h₂. For each, one generated function (``symnet.numeric.jscode``) of the loss program's
inputs, target and parameters returns, at a point, the value of every name an answer may use (inputs,
parameters, nodes, yhat and the δ's), then the product of each chain-rule path, then every local factor
of every path. The page (``static/checker.js``) parses the typed formula with the vendored jsep
(``static/vendor/jsep``, MIT) into a tree, refuses any node but numbers, names, + − × ÷ ^ and the listed
functions, evaluates it at random points and compares it with Σ paths, Σ paths − path k, path k alone, …
so a wrong answer is told which path or factor is missing or extra. No formula is typed by hand.
"""

from __future__ import annotations

from sympy import Derivative, Symbol

from symnet.render.i18n import t

CHECKED = ("w2_1", "h2")          # ∂L/∂w₂,₁ (two paths) and δ_{h₂} (the same two paths, one factor fewer each)
POINTS = 24                       # random points the page compares at
FUNCTIONS = ("sigmoid", "σ", "exp", "log", "tanh", "sqrt", "sin", "cos", "abs", "relu", "softplus")
LABEL_KEYS = ("ex_check", "tutor_placeholder", "tutor_right", "tutor_wrong", "tutor_missing", "tutor_only",
              "tutor_counted", "tutor_scaled", "tutor_all_missing_factor", "tutor_all_extra_factor",
              "tutor_path_missing_factor", "tutor_path_extra_factor", "tutor_witness", "tutor_unknown",
              "tutor_refused", "tutor_syntax", "tutor_names", "tutor_names_title", "tutor_paths", "tutor_not_real")


def checker_question(wrt: str, lang: str):
    """(config, code) of one question ∂L/∂``wrt`` of the seed network's squared error."""
    from symnet.core.network import seed_network
    from symnet.derivation.quiz import path_product, question
    from symnet.numeric.jscode import to_javascript

    q = question(seed_network(), wrt)
    program = q.loss.program
    args = program.inputs + program.params
    names = list(q.names)
    values = [q.deltas.get(q.names[n], q.names[n]) for n in names]
    products = [path_product(p) for p in q.paths]
    factors = [f.formula for p in q.paths for f in p.factors]
    name = f"sn_check_{wrt}"
    code = to_javascript(program, args, name, outputs=values + products + factors)
    shown = [[f"{_show(q, f.what)} = {_show(q, f.formula)}" for f in p.factors] for p in q.paths]
    what = _show(q, Derivative(Symbol("L"), q.wrt))
    config = {"fn": name, "wrt": wrt, "what": what, "args": [s.name for s in args],
              "target": q.loss.target.name, "names": names, "paths": [_path_text(q, p) for p in q.paths],
              "factors": shown, "trivial": [[f.formula == 1 for f in p.factors] for p in q.paths],
              "shared": _shared(q), "points": POINTS,
              "question": t(f"tutor_q_{wrt}", lang, what=what)}
    return config, code


def _show(q, expr) -> str:
    """``expr`` printed as ``symnet quiz`` prints it (Unicode), the network's output written ŷ."""
    from symnet.render.printing import format_expr

    return format_expr(expr.xreplace({q.loss.network.program.outputs[0]: Symbol("yhat")}), "unicode")


def _path_text(q, path) -> str:
    """A path from the parameter to the loss, w₂,₁ → z₂ → h₂ → … → L, as ``symnet quiz`` names it."""
    return " → ".join(_show(q, node) for node in reversed(path.nodes))


def _shared(q) -> list[list[int]]:
    """Indices (in path 0) of the local factors every path has (∂L/∂ŷ, σ′(z₅), the last hop)."""
    first = q.paths[0].factors
    return [j for j, f in enumerate(first) if f.formula != 1 and all(f in p.factors for p in q.paths[1:])]


def checker_widget(lang: str):
    """The "Check my derivative" widget: one answer box per question in ``CHECKED``."""
    from symnet.tour.records import Widget

    parts = [checker_question(wrt, lang) for wrt in CHECKED]
    config = {"questions": [c for c, _ in parts], "functions": list(FUNCTIONS)}
    labels = {key: t(key, lang) for key in LABEL_KEYS}
    return Widget("checker", t("tutor_title", lang), "\n".join(code for _, code in parts), config, labels)

