"""Check a learner's derivative: read it safely, decide equality, and name the missing chain-rule paths.

The question is ∂L/∂s for a parameter, an input or a node s of a scalar network (∂L/∂w₂,₁, or δ_s of
a node such as h₂). The truth is the chain rule written out, Σ_paths Π_hops ∂a/∂b, with the same
paths and local factors ``symnet.derivation.derive`` prints. The answer may name what symnet prints:
inputs, the target y, parameters, the nodes z₁, h₁, u₃,₁ (and yhat for the output), and the adjoints
δ_t = ∂L/∂t of the nodes t between s and the loss (delta_t or δ_t), so δ_{h₂} = δ_{u₃,₁} + δ_{z₄}·w₄,₁
is an answer too. Equality is decided two ways (``symnet.derivation.quiz_judge``): exactly at random
rational points to 40 digits, then by a symbolic proof. SymPy only.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sympy import Basic, Function, Symbol

from symnet.core.backprop import depends_on
from symnet.core.layers import has_matrix_steps
from symnet.core.losses import as_loss
from symnet.core.rules import DERIVATIVES
from symnet.derivation.derive import _path, enumerate_paths
from symnet.derivation.records import Path

DELTA_NAME = re.compile(r"^(?:delta_|δ_?)(\w+)$")
FUNCTION_NAMES = ("sigmoid (or σ)", "exp", "log", "tanh", "relu", "softplus", "sqrt", "sin", "cos", "Abs")
# The quiz's errors in English, by key; symnet.render.lang_en/lang_zh have the same keys (a test keeps them equal),
# so the command line prints them in the language in force (QuizError.render).
QUIZ_ERRORS = {
    "quiz_err_layers": "the quiz asks about scalar networks (seed, mlp:2-3-1, --expr); a layer network's derivative "
                       "is a matrix (see symnet derive … for BP1–BP4)",
    "quiz_err_cannot_ask": "--wrt: cannot ask for ∂L/∂{wrt}; {suggest}",
    "quiz_err_no_path": "--wrt: L does not depend on {wrt}, so ∂L/∂{wrt} = 0 has no chain-rule path to ask about",
    "quiz_err_second": "--wrt {a},{b}: the second name of a Hessian entry is a parameter or an input; {suggest}",
    "quiz_err_neuron": "the answer is a formula of the nodes (h2, z3, …), not of neurons f(θ, …)",
    "quiz_err_delta": "the answer names δ_{name}, but only the δ's of nodes between {wrt} and L may appear "
                      "(δ_t = ∂L/∂t): {deltas}",
    "quiz_err_unknown": "unknown name '{name}' in the answer; {suggest}. Functions: {functions}",
    "quiz_err_close": "did you mean {close}? ",
    "quiz_err_known": "expected one of: {known}",
}


class QuizError(ValueError):
    """A question or an answer the quiz cannot take: ``key`` of ``QUIZ_ERRORS`` and its fields."""

    def __init__(self, key: str, **fields):
        self.key, self.fields = key, fields
        super().__init__(self.render(lambda k, **f: QUIZ_ERRORS[k].format(**f)))

    def render(self, words) -> str:
        """The message with ``words(key, **fields)`` (e.g. ``symnet.render.i18n.t`` in some language)."""
        fields = dict(self.fields)
        if "known" in fields:
            close, known = fields.pop("close"), fields.pop("known")
            fields["suggest"] = (words("quiz_err_close", close=close) if close else "") + \
                words("quiz_err_known", known=known)
        return words(self.key, **fields)


@dataclass(frozen=True)
class Question:
    """∂L/∂``wrt`` of ``loss``: its chain-rule paths, their sum (in node symbols) and the names an answer may use."""

    loss: object
    wrt: Symbol
    paths: tuple[Path, ...]
    names: dict            # name -> Symbol of the program (or a δ symbol)
    deltas: dict           # δ symbol -> ∂L/∂t as a sum over paths, in node symbols
    second: Symbol | None = None    # b of ∂²L/∂wrt∂b (a Hessian entry), else None
    parts: tuple = ()               # its product-rule parts (symnet.derivation.quiz_hessian.Part)

    @property
    def truth(self) -> Basic:
        """Σ over paths of the product of local factors (or, for ∂²L/∂a∂b, Σ of the parts), in node symbols."""
        if self.second is not None:
            return sum((part.expr for part in self.parts), 0)
        return sum((path_product(p) for p in self.paths), 0)

    def allowed(self) -> str:
        """The names an answer may use, as one line."""
        return ", ".join(self.names)


def path_product(path: Path) -> Basic:
    """The product of a path's local factors ∂a/∂b (formulas in node symbols)."""
    product = 1
    for factor in path.factors:
        product = product * factor.formula
    return product


def question(loss, wrt: str) -> Question:
    """The question ∂L/∂``wrt`` for ``loss`` (a Loss or a Network, which stands for its squared error).

    Args:
        loss: a scalar network or loss.
        wrt: the name of a parameter (w2_1), an input (x1) or a node (h2, z3, u3_1, yhat).

    >>> from symnet import seed_network
    >>> q = question(seed_network(), "w2_1")
    >>> len(q.paths), "delta_z2" in q.names, "delta_z1" in q.names
    (2, True, False)
    """
    if "," in wrt:
        return _second_order(loss, *(name.strip() for name in wrt.split(",", 1)))
    loss = as_loss(loss)
    if has_matrix_steps(loss.program):
        raise QuizError("quiz_err_layers")
    program = loss.program
    nodes = _nameable(loss)
    symbol = nodes.get(wrt)
    if symbol is None or symbol in (loss.target, *program.outputs):
        raise QuizError("quiz_err_cannot_ask", wrt=wrt,
                        **_suggest(wrt, nodes, exclude=(loss.target.name, *(s.name for s in program.outputs))))
    table = DERIVATIVES
    paths = tuple(_path(program, p, table) for p in enumerate_paths(program, symbol))
    if not paths:
        raise QuizError("quiz_err_no_path", wrt=wrt)
    names, deltas = dict(nodes), {}
    output = program.outputs[0]
    for node in _downstream(program, symbol):
        delta = Symbol(f"delta_{node.name}")
        names[delta.name] = delta
        deltas[delta] = sum(path_product(_path(program, p, table)) for p in enumerate_paths(program, node))
    return Question(loss, symbol, paths, {k: v for k, v in names.items() if v != output}, deltas)


def _second_order(loss, a: str, b: str) -> Question:
    """∂²L/∂a∂b: the question ∂L/∂a, with b (a parameter or an input) and the product-rule parts."""
    from dataclasses import replace

    from symnet.derivation.quiz_hessian import hessian_parts

    first = question(loss, a)
    program = first.loss.program
    bases = {s.name: s for s in (*program.inputs, *program.params) if s != first.loss.target}
    if b not in bases:
        raise QuizError("quiz_err_second", a=a, b=b, **_suggest(b, bases))
    return replace(first, second=bases[b], parts=hessian_parts(program, first.paths, bases[b]))


def _nameable(loss) -> dict:
    """name -> symbol: inputs, target, parameters, every node (not L), and yhat for the network's output."""
    program = loss.program
    names = {s.name: s for s in (*program.inputs, *program.params)}
    names.update((lhs.name, lhs) for lhs, _ in program.assignments)
    names["yhat"] = loss.network.program.outputs[0]
    return names


def _downstream(program, symbol) -> list:
    """The nodes strictly between ``symbol`` and the loss (their δ's may appear in an answer), in program order."""
    needed = depends_on(program, (symbol,))
    return [lhs for lhs, _ in program.assignments if lhs in needed and lhs != symbol and lhs != program.outputs[0]]


def _suggest(name: str, names, exclude=()) -> dict:
    """The fields of a suggestion: the close names ('' when none) and every name one may use."""
    close = difflib.get_close_matches(name, [n for n in names if n not in exclude], n=3)
    return {"close": ", ".join(close), "known": ", ".join(n for n in names if n not in exclude)}


def read_answer(q: Question, text: str) -> Basic:
    """The learner's formula, read by the safe parser, in the program's symbols (δ's not yet substituted).

    σ(…) is sigmoid(…); delta_t, δ_t and δt all name δ_t. An unknown name is a ``ValueError`` that lists the
    names an answer may use.

    >>> from symnet import seed_network
    >>> read_answer(question(seed_network(), "b5"), "2*(yhat - y)*σ(z5)*(1 - h5)")
    (1 - h5)*(2*h5 - 2*y)*sigmoid(z5)
    """
    from symnet.io.parsing import FUNCTIONS, parse_expr

    expr = parse_expr(text, functions={"σ": FUNCTIONS["sigmoid"]})
    if any(type(node).__name__ == "f" for node in expr.atoms(Function)):
        raise QuizError("quiz_err_neuron")
    return expr.xreplace({s: _resolve_name(q, s.name) for s in expr.free_symbols})


def _resolve_name(q: Question, name: str) -> Symbol:
    if name in q.names:
        return q.names[name]
    match = DELTA_NAME.match(name)
    if match and f"delta_{match.group(1)}" in q.names:
        return q.names[f"delta_{match.group(1)}"]
    if match:
        raise QuizError("quiz_err_delta", name=match.group(1), wrt=q.wrt.name,
                        deltas=", ".join(n for n in q.names if n.startswith("delta_")))
    raise QuizError("quiz_err_unknown", name=name, functions=", ".join(FUNCTION_NAMES), **_suggest(name, q.names))


def in_nodes(q: Question, answer: Basic) -> Basic:
    """``answer`` with every δ replaced by its sum over paths, and σ(z_i) by h_i where the program says so."""
    answer = answer.xreplace(q.deltas)
    program = q.loss.program
    for lhs, rhs in program.assignments:       # sigmoid(b2 + w2_1*x2) -> sigmoid(z2) -> h2, in program order
        answer = answer.xreplace({rhs: lhs})
    return answer


def closed_form(q: Question, expr: Basic) -> Basic:
    """``expr`` with every node replaced by its formula in inputs, parameters and y."""
    for lhs, rhs in reversed(q.loss.program.assignments):
        expr = expr.xreplace({lhs: rhs})
    return expr


__all__ = ["QuizError", "QUIZ_ERRORS", "Question", "question", "read_answer", "in_nodes", "closed_form", "path_product",
           "FUNCTION_NAMES"]
