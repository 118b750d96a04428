"""Networks: the article's nested neurons, MLPs and arbitrary expressions, each as a program.

A neuron fᵢ = f(θᵢ, u₁…u_k) becomes two assignments, zᵢ = Σⱼ wᵢⱼ uⱼ + bᵢ and hᵢ = σ(zᵢ) (under the
default model). A plain expression becomes one assignment per operation, tₖ = op(…). Identical
sub-expressions are one SymPy object, hence one node: the program is a DAG in topological order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sympy import Basic, Symbol, symbols, sympify
from sympy.core.sympify import SympifyError

from symnet.core.activations import stabilize
from symnet.core.display import Displayed
from symnet.core.neuron import NeuronModel, check_name, f, neuron_index
from symnet.core.program import Program, count, postorder
from symnet.core.rules import check_supported, rule_table
from symnet.limits import check_mlp_size

OUTPUT = Symbol("yhat")


@dataclass(frozen=True)
class TrainDefaults:
    """What ``symnet train`` uses when not told otherwise: a property of the network, so the command asks no kind
    question. ``test_split`` > 0 holds that fraction out as a test set (accuracy, a confusion matrix, the
    classifier's figures): whole-array networks train on larger data sets, in mini-batches, with a schedule."""

    epochs: int
    learning_rate: float
    batch_size: int | None
    weight_decay: float
    schedule: str
    test_split: float

    @property
    def arguments(self) -> dict:
        """These defaults as ``symnet.train`` keywords, with the command line's optimiser (Adam):
        ``train(net, data, **net.train_defaults.arguments)`` is what ``symnet train`` runs."""
        return {"optimizer": "adam", "learning_rate": self.learning_rate, "epochs": self.epochs,
                "batch_size": self.batch_size, "weight_decay": self.weight_decay, "schedule": self.schedule}


NEURON_DEFAULTS = TrainDefaults(200, 0.05, None, 0.0, "constant", 0.0)
ARRAY_DEFAULTS = TrainDefaults(40, 0.01, 32, 1e-3, "linear", 0.2)


@dataclass(frozen=True)
class Network(Displayed):
    """A network: its nested (textbook) form, its program, and the models of its neurons.

    >>> net = seed_network()
    >>> print(net)
    f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))
    >>> len(net.params)
    11
    """

    latex_inline = True     # one formula: shown inline
    train_defaults = NEURON_DEFAULTS   # full batches of a small data set, no held-out test set

    nested: Basic
    program: Program
    models: tuple[tuple[Symbol, NeuronModel], ...] = field(default=())

    @property
    def inputs(self) -> tuple[Symbol, ...]:
        return self.program.inputs

    @property
    def params(self) -> tuple[Symbol, ...]:
        return self.program.params

    @property
    def output(self) -> Basic:
        """The symbol (or expression) holding ŷ."""
        return self.program.outputs[0]

    @property
    def neurons(self) -> tuple[Symbol, ...]:
        """The θ of every neuron, in program order (empty for a plain expression)."""
        return tuple(theta for theta, _ in self.models)

    def concrete(self) -> Basic:
        """The closed form: every neuron replaced by its formula, ŷ in inputs and params only."""
        return self.program.closed_form()[0]

    def __call__(self, values: Mapping | None = None, **named):
        """ŷ at a point, exactly or as a SymPy float: ``net({w1_1: 0.5, …}, x1=1, x2=2)``.

        Unassigned symbols stay symbolic, so ``net(x1=1)`` is a formula in the rest.
        """
        subs = {Symbol(k) if isinstance(k, str) else k: as_expr(v) for k, v in {**(values or {}), **named}.items()}
        unknown = set(subs) - set(self.inputs) - set(self.params)
        if unknown:
            raise ValueError(
                f"unknown names {', '.join(sorted(map(str, unknown)))}: this network has inputs "
                f"{', '.join(map(str, self.inputs))} and params {', '.join(map(str, self.params))}"
            )
        value = self.concrete().xreplace(subs)
        return value.evalf() if value.is_number and not value.is_Rational else value

    def __repr__(self) -> str:
        return f"<Network {short(self.nested)}: {count(self.inputs, 'input')}, {count(self.params, 'param')}>"


def seed_network(model: NeuronModel | None = None) -> Network:
    """The article's five-neuron network F(Θ, x) = f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2))).

    Args:
        model: what each neuron computes; default σ(Σ wⱼuⱼ + b), giving 11 scalar parameters.

    Returns:
        The network.

    >>> seed_network(NeuronModel(parameterization="scalar")).params
    (θ1, θ2, θ3, θ4, θ5)
    """
    θ1, θ2, θ3, θ4, θ5 = symbols("θ1:6")
    x1, x2 = symbols("x1 x2")
    nested = f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))
    return from_neurons(nested, inputs=(x1, x2), model=model)


def mlp(layer_sizes: Sequence[int] | str, activation="sigmoid", output_activation=None) -> Network:
    """A fully connected network, e.g. ``mlp([2, 3, 1])`` or ``mlp("2-3-1")``; neurons are numbered 1, 2, … layer
    by layer.

    Args:
        layer_sizes: inputs, hidden widths…, and 1 output (symnet networks have one output): a list, or the
            text ``"2-3-1"`` (ASCII digits joined by '-', as ``layers`` reads it).
        activation: the hidden activation: a name (sigmoid, tanh, relu, softplus, identity, swish,
            softsign, gelu), a SymPy function class (``erf``), a one-argument function
            (``lambda z: z / (1 + Abs(z))``) or a formula in the symbol ``z``.
        output_activation: the output neuron's activation (the same kinds); default ``activation``.

    Returns:
        The network.

    >>> print(mlp([2, 2, 1]))
    f(θ3, f(θ1, x1, x2), f(θ2, x1, x2))
    >>> mlp("2-4-1") == mlp([2, 4, 1])
    True
    """
    sizes = _sizes_from_text(layer_sizes) if isinstance(layer_sizes, str) else list(layer_sizes)
    if len(sizes) < 2 or any(not isinstance(n, int) or n < 1 for n in sizes):
        raise ValueError(f"layer_sizes must be two or more positive integers, e.g. [2, 3, 1] or \"2-3-1\"; "
                         f"got {layer_sizes!r}")
    if sizes[-1] != 1:
        raise ValueError(f"symnet networks have one output, so the last layer size must be 1; got {sizes[-1]}")
    check_mlp_size(sizes)
    hidden = NeuronModel(activation)
    overrides, layer, count = {}, list(symbols(f"x1:{sizes[0] + 1}")), 0
    for width in sizes[1:]:
        thetas = symbols(f"θ{count + 1}:{count + width + 1}")
        count += width
        layer = [f(theta, *layer) for theta in thetas]
    if output_activation not in (None, activation):
        overrides[layer[0].args[0]] = NeuronModel(output_activation)
    return from_neurons(layer[0], inputs=symbols(f"x1:{sizes[0] + 1}"), model=hidden, overrides=overrides)



def _sizes_from_text(text: str) -> list:
    """[2, 4, 1] from "2-4-1" (ASCII digits joined by '-'); a part that is not such a number stays as text, for
    ``mlp``'s one message about sizes."""
    return [int(p) if re.fullmatch(r"[0-9]{1,6}", p, re.ASCII) else p for p in text.split("-")]

def from_neurons(nested: Basic, inputs: Sequence[Symbol] | None = None, model: NeuronModel | None = None,
                 overrides: Mapping[Symbol, NeuronModel] | None = None) -> Network:
    """A network from a nested neuron expression: each f(θᵢ, …) becomes zᵢ and hᵢ.

    Args:
        nested: an expression of neurons ``f(θ, u…)``, inputs and numbers.
        inputs: the input symbols, in order; default every symbol that is not a θ, sorted by name.
        model: the neuron model for every neuron; ``overrides`` maps a θ to its own model.

    Returns:
        The network.
    """
    model, overrides = model or NeuronModel(), dict(overrides or {})
    neurons = _neurons_in_order(nested)
    thetas = [n.args[0] for n in neurons]
    _check_distinct_neurons(nested, neurons, thetas)
    inputs = _resolve_inputs(nested, inputs)
    steps, params, models, memo = [], [], [], {}
    for node in neurons:
        theta, m = node.args[0], overrides.get(node.args[0], model)
        i = neuron_index(theta)
        args = []
        for j, arg in enumerate(node.args[1:], start=1):
            arg = arg.xreplace(memo)
            if not arg.is_Atom:  # a composite input (the article's f(θ1, x1) + f(θ2, x2)) is its own step
                steps.append((Symbol(f"u{i}_{j}"), arg))
                arg = steps[-1][0]
            args.append(arg)
        z, h = Symbol(f"z{i}"), Symbol(f"h{i}")
        steps += [(z, m.pre_activation(theta, args)), (h, m.activate(z))]
        params += m.params(theta, len(args))
        models.append((theta, m))
        memo[node] = h
    root = nested.xreplace(memo)
    if not root.is_Symbol:
        steps.append((OUTPUT, root))
        root = OUTPUT
    program = Program(tuple(inputs), tuple(params), tuple(steps), (root,))
    _check_names(program)
    return Network(nested, program, tuple(models))


def from_expr(expr: Basic, inputs: Sequence[Symbol], params: Sequence[Symbol] | None = None,
              rules: Mapping | None = None) -> Network:
    """Any SymPy expression as a network: one program step per operation.

    Args:
        expr: built from Add, Mul, Pow, exp, log, sin, cos, tanh, sigmoid, relu, softplus, Abs, Max…
            (neurons ``f(θ, …)`` are allowed too and become z/h steps).
        inputs: the input symbols.
        params: the parameters; default every other symbol, sorted by name.
        rules: extra derivative rules, so functions symnet does not know can be used.

    Returns:
        The network. Log-sigmoid patterns are rewritten into stable softplus forms first
        (``activations.stabilize``), so log σ(u) is finite for any u.

    >>> from sympy import symbols, tanh
    >>> x, w, b = symbols("x w b")
    >>> print(from_expr(tanh(w * x + b), inputs=[x]).program)
    t1 = w*x
    t2 = b + t1
    t3 = tanh(t2)
    out = t3
    """
    expr = stabilize(as_expr(expr))
    inputs = _as_symbols(inputs)
    if expr.has(f):
        return from_neurons(expr, inputs) if params is None else _neurons_with_params(expr, inputs, params)
    params = _resolve_params(expr, inputs, params)
    check_supported(expr, rule_table(rules))
    steps, memo = [], {}
    fresh = fresh_names("t", {s.name for s in expr.free_symbols})
    for node in postorder(expr):
        if node.is_Atom or node.is_number or node in memo:
            continue
        t = next(fresh)
        steps.append((t, node.func(*[a.xreplace(memo) for a in node.args])))
        memo[node] = t
    root = expr.xreplace(memo)
    if not root.is_Symbol or root in inputs + params:
        steps.append((OUTPUT, root))
        root = OUTPUT
    program = Program(inputs, params, tuple(steps), (root,))
    _check_names(program)
    return Network(expr, program, ())


def _neurons_with_params(expr, inputs, params):
    net = from_neurons(expr, inputs)
    if tuple(params) != net.params:
        raise ValueError(f"a neuron network's parameters come from its model: {', '.join(map(str, net.params))}; "
                         f"got params={', '.join(map(str, params))}")
    return net


def _neurons_in_order(nested: Basic) -> list:
    if not nested.has(f):
        raise ValueError(f"expected an expression of neurons f(θ, u…); got {nested}. For a plain formula use from_expr")
    return [n for n in postorder(nested) if isinstance(n, f)]


def _check_distinct_neurons(nested, neurons, thetas) -> None:
    first: dict = {}
    for node, theta in zip(neurons, thetas):
        if theta in first:
            raise ValueError(f"{theta} names two different neurons ({first[theta]} and {node}); "
                             f"give each neuron its own θ, or reuse the identical sub-expression")
        first[theta] = node
    used = _input_symbols(nested)
    clash = [theta for theta in first if theta in used]
    if clash:
        raise ValueError(f"{clash[0]} names a neuron's parameters and cannot also be one of its inputs")


def _input_symbols(expr: Basic) -> set:
    """Symbols used as values (everything but the θ slot of each neuron), visiting each node once."""
    found, seen, stack = set(), set(), [expr]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.is_Symbol:
            found.add(node)
        stack.extend(node.args[1:] if isinstance(node, f) else node.args)
    return found


def _resolve_inputs(nested, inputs) -> tuple[Symbol, ...]:
    free = sorted(_input_symbols(nested), key=lambda s: s.name)
    if inputs is None:
        return tuple(free)
    inputs = _as_symbols(inputs)
    _check_unique(inputs, "inputs")
    missing = [s for s in free if s not in inputs]
    unused = [s for s in inputs if s not in free]
    if missing:
        raise ValueError(f"the network uses {', '.join(map(str, missing))}, which is not among the inputs "
                         f"{', '.join(map(str, inputs))}; add it to inputs")
    if unused:
        raise ValueError(f"input {', '.join(map(str, unused))} does not occur in the network {nested}")
    return inputs


def _resolve_params(expr, inputs, params) -> tuple[Symbol, ...]:
    _check_unique(inputs, "inputs")
    free = expr.free_symbols
    for s in inputs:
        if s not in free:
            raise ValueError(f"input {s} does not occur in the expression {expr}")
    if params is None:
        return tuple(sorted((s for s in free if s not in inputs), key=lambda s: s.name))
    params = tuple(params)
    _check_unique(params, "params")
    both = [s for s in params if s in inputs]
    if both:
        raise ValueError(f"{', '.join(map(str, both))} is listed both as an input and as a parameter")
    for s in params:
        if s not in free:
            raise ValueError(f"parameter {s} does not occur in the expression {expr}")
    stray = sorted((s for s in free if s not in inputs and s not in params), key=lambda s: s.name)
    if stray:
        raise ValueError(f"{', '.join(map(str, stray))} occurs in the expression but is neither an input nor a "
                         f"parameter; list it in inputs or params")
    return params


def _check_unique(names, what) -> None:
    dupes = sorted({str(s) for s in names if list(names).count(s) > 1})
    if dupes:
        raise ValueError(f"duplicate symbol {', '.join(dupes)} in {what}; each name may appear once")


RESERVED = ("L", "yhat")   # the loss and the output; adjoints are named delta_<symbol>


def as_expr(value) -> Basic:
    """A SymPy object from an expression or a number; text is refused (the core parses nothing).

    Text goes through symnet's safe parser first: ``symnet.from_expr`` accepts it, and
    ``symnet.io.parsing.parse_expr`` turns it into an expression.

    >>> as_expr(0.5)
    0.500000000000000
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"got text {value!r}: parse it with symnet.io.parsing.parse_expr "
                        "(symnet.from_expr accepts text); the core never parses strings")
    try:
        return sympify(value, strict=True)
    except SympifyError:
        raise TypeError(f"expected a SymPy expression, a number or a formula string; got {type(value).__name__}") from None


def _as_symbols(items) -> tuple[Symbol, ...]:
    """A tuple of symbols from symbols, names, or a single symbol."""
    items = (items,) if isinstance(items, (Basic, str)) else tuple(items)
    return tuple(Symbol(check_name(s, "input")) if isinstance(s, str) else s for s in items)


def short(obj, width: int = 60) -> str:
    """``str(obj)`` cut to ``width`` characters with an ellipsis (for ``repr``)."""
    text = str(obj)
    return text if len(text) <= width else text[: width - 1] + "…"


def fresh_names(prefix: str, used: set):
    """prefix1, prefix2, … skipping every name in ``used``."""
    i = 0
    while True:
        i += 1
        if f"{prefix}{i}" not in used:
            yield Symbol(f"{prefix}{i}")


def _check_names(program: Program) -> None:
    """Valid names; no user name that symnet also gives to a step, a parameter or the loss."""
    given = program.inputs + program.params
    for s in given + program.symbols:
        check_name(s.name, "symbol name")
    for s in given:
        if s.name in RESERVED or s.name.startswith("delta_"):
            raise ValueError(f"the name {s} is reserved by symnet (L is the loss, yhat the output, delta_… "
                             f"the adjoints); rename it")
    seen, inputs = set(), set(program.inputs)  # a set: n inputs × P names stays O(P), not O(nP)
    for s in program.params + program.symbols:
        if s in seen or s in inputs:
            raise ValueError(f"the name {s} is used twice: symnet names a neuron's parameters w<i>_<j>, b<i> and its "
                             f"steps z<i>, h<i>, u<i>_<j> after its θ, and {s} is already taken; rename the input or θ")
        seen.add(s)
