"""Programs with matrix steps as one generated function: the calls the printer writes, bound per backend.

A matrix step prints as a call by name (``relu(z1)``, ``d_relu(z1, a1)``, ``softmax_cross_entropy(z2, y)``;
``symnet.numeric.batchfirst``). Each name is bound for the backend the code runs on:

    σ, softmax, the losses    its lowering (``symnet.numeric.lowerings``), or σ's formula compiled (a composite)
    σ′, as ``d_σ(z, σ(z))``    the scalar rule table's row (``ActivationPrime.scalar_rule``), printed with those forms
    your φ, φ′, your rules    their formulas, under identifiers ``phi``, ``d_phi``, ``d_tanh_rule`` per program

``compile_steps`` then hands the program to ``lambdify`` as its ``cse`` (after the passes of
``symnet.numeric.passes``), so the source reads like the derivation; results that are per sample are
summed over the batch (the runner divides by N).
"""

from __future__ import annotations

from sympy import Lambda, MatrixSymbol, lambdify, preorder_traversal

from symnet.core.loss_steps import FormulaLoss, LossPrime
from symnet.core.matrix_rules import ELEMENTWISE, USER, ActivationPrime, Apply, Z
from symnet.core.neuron import ACTIVATIONS as ACTIVATION_FORMULAS
from symnet.numeric.batchfirst import mark_batch
from symnet.numeric.generation import NUMPY, Target, generate
from symnet.numeric import conv_numpy  # noqa: F401  (registers conv2d, pooling, reshape: NumPy and JAX)
from symnet.numeric.lowerings import lowering, lowerings
from symnet.numeric.passes import BatchSum, share_exponent
from symnet.numeric.printer import global_names


def formula_function(variables, expr, target: Target = NUMPY):
    """One scalar formula as a function for ``target``'s library, printed by its printer (stable forms, SciPy's
    special functions where the library has them)."""
    fn = generate(list(variables), [expr], (), "formula", target=target).function
    if not expr.free_symbols:        # a constant (a rule of your own may be one): still one value per entry
        return lambda *values: fn(*values)[0] + 0 * values[0]
    return lambda *values: fn(*values)[0]


def forward(activation, target: Target = NUMPY):
    """σ for ``target``: its registered lowering, else its formula (a composite, or your ``Lambda``) compiled."""
    if isinstance(activation, str) and lowering(activation, target.backend, None) is not None:
        return lowering(activation, target.backend)
    fn = activation if isinstance(activation, Lambda) else Lambda(Z, ACTIVATION_FORMULAS[activation](Z))
    return formula_function(fn.variables, fn.expr, target)


def derivative(activation, target: Target = NUMPY):
    """σ′(z, σ(z)) for ``target``, from the scalar rule table (``ActivationPrime.scalar_rule``).

    A registered σ is printed with the plain lambda printer and the registered forms, so that the step H
    (relu′) is one call (NumPy's ``_step``) rather than NumPy's three-way ``select``.
    """
    rule: Lambda = prime_rule(activation)
    if isinstance(activation, Lambda) or lowering(activation, target.backend, None) is None:   # a formula's φ′
        return formula_function(rule.variables, rule.expr, target)
    return lambdify(rule.variables, rule.expr, modules=[lowerings(target.backend)])


def prime_rule(formula) -> Lambda:
    """σ′ as (z, σ(z)) ↦ σ′ for an activation; φ′ = ∂φ/∂ŷ as (ŷ, y) ↦ φ′ for your loss formula φ(ŷ, y)."""
    if isinstance(formula, Lambda) and len(formula.variables) == 2:
        return LossPrime(formula, MatrixSymbol("_", 1, 1), MatrixSymbol("_", 1, 1)).scalar_rule()
    return ActivationPrime(formula, MatrixSymbol("_", 1, 1)).scalar_rule()


_NAMESPACES: dict[str, dict] = {}


def namespace(target: Target = NUMPY) -> dict:
    """The names generated matrix code calls on ``target`` (your own activations are added per program);
    built once per backend."""
    if target.backend not in _NAMESPACES:
        names = dict(lowerings(target.backend))
        names.update({name: forward(name, target) for name in ELEMENTWISE})
        names.update({f"d_{name}": derivative(name, target) for name in ELEMENTWISE})
        _NAMESPACES[target.backend] = names
    return _NAMESPACES[target.backend]


def user_functions(program) -> dict:
    """Identifiers for your own activations in ``program``: {Lambda: "phi"}, then "phi_2", … in order; your
    loss formula φ(ŷ, y) is "ell"."""
    names: dict = {}
    for _, rhs in program.assignments:
        for node in preorder_traversal(rhs):
            if isinstance(node, (FormulaLoss, LossPrime)):
                names.setdefault(node.args[0], FormulaLoss.label)
            elif isinstance(node, (Apply, ActivationPrime)) and isinstance(node.args[0], Lambda):
                count = sum(1 for v in names.values() if v != FormulaLoss.label)
                names.setdefault(node.args[0], USER if not count else f"{USER}_{count + 1}")
    return names


def rule_functions(program, own: dict) -> dict:
    """Identifiers for the σ′ of your ``rules=`` in ``program``: {Lambda (t, s) ↦ σ′: "d_tanh_rule"}."""
    names: dict = {}
    for _, rhs in program.assignments:
        for node in preorder_traversal(rhs):
            if isinstance(node, (ActivationPrime, LossPrime)) and node.rule is not None:
                base = own[node.args[0]] if isinstance(node.args[0], Lambda) else node.name
                names.setdefault(node.rule, f"d_{base}_rule")
    return names


def bindings(own: dict, rules: dict, target: Target = NUMPY) -> dict:
    """Every name the code calls on ``target``: the namespace, your φ and φ′, the σ′ of your rules."""
    names = {**namespace(target), **lowerings(target.backend)}     # a primitive registered since is bound too
    for formula, ident in own.items():
        names.update({ident: forward(formula, target), f"d_{ident}": derivative(formula, target)})
    names.update({ident: formula_function(rule.variables, rule.expr, target) for rule, ident in rules.items()})
    return names


def compile_steps(program, results, name: str, sum_batch: bool = True, target: Target = NUMPY):
    """``program``'s steps and ``results`` (summed over the batch where per sample, if ``sum_batch``) as one
    function of the inputs, then the parameters, printed by ``target``'s printer (NumPy unless given)."""
    own = user_functions(program)
    rules = rule_functions(program, own)
    printer = target.printer(batch={s.name for s in program.inputs}, functions={**own, **rules})
    steps = share_exponent(program.assignments)
    mark_batch(steps, printer)
    outputs = [BatchSum(r) if sum_batch and printer.is_batch(r) else r for r in results]
    modules = [bindings(own, rules, target), target.modules]
    fn = lambdify(list(program.inputs + program.params), outputs, modules=modules, printer=printer,
                  cse=lambda exprs: (steps, exprs), docstring_limit=0)
    fn.__name__ = name
    return fn


def called_functions(program, source: str) -> dict:
    """Each name ``source`` (generated from ``program``) calls, with what it stands for: a NumPy lowering
    (a Python function or a ufunc: softmax, the losses, σ, tanh, relu, softplus), or a formula (``Lambda``)
    for σ′, the other activations and your own — what a standalone module defines."""
    functions = user_functions(program)
    own = {ident: formula for formula, ident in functions.items()}
    rules = {ident: rule for rule, ident in rule_functions(program, functions).items()}
    written = lowerings("numpy")
    out = {}
    for name in sorted(global_names(source) - {"numpy"}):
        base = name[2:] if name.startswith("d_") else name
        formula = own.get(base, base)
        if name in rules:
            out[name] = rules[name]
        elif name.startswith("d_"):
            out[name] = prime_rule(formula)
        elif base in written:
            out[name] = written[base]
        else:
            out[name] = formula if isinstance(formula, Lambda) else Lambda(Z, ACTIVATION_FORMULAS[base](Z))
    return out
