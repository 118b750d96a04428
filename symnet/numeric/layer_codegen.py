"""NumPy code for layer networks: the matrix gradient program printed with ``@`` on batch-first arrays.

The program is per sample (columns): zˡ = Wˡ aˡ⁻¹ + bˡ. The compiled code carries a batch of N samples
as rows, so a column v becomes an N × n array V, and the printer rewrites each product accordingly:

    Wˡ aˡ⁻¹   → A @ W.T            (Wˡ⁺¹)ᵀ δˡ⁺¹ → Δ @ W
    δˡ (aˡ⁻¹)ᵀ → Δ.T @ A = Σₓ δₓ aₓᵀ    (BP4: the batch sum of the per-sample outer products)
    ∂C/∂bˡ = δˡ → Δ.sum(axis=0)          (BP3, summed over the batch)

so no per-sample N × P gradient is ever formed. Softmax cross-entropy uses log-sum-exp, the sigmoid
is ``scipy.special.expit`` and binary cross-entropy ``logaddexp``: finite for any input. The lines are
given to ``lambdify`` as its ``cse`` (after the passes of ``symnet.numeric.passes``), so the source
reads like the derivation. ``MatrixLayout`` says how θ and the batch meet the generated function's
arguments: it is what a layer network's ``CompiledLoss`` (the one compiled type) holds.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from scipy.special import expit
from sympy import Basic, Lambda, MatrixSymbol, Transpose, lambdify, preorder_traversal
from sympy.printing.numpy import NumPyPrinter

from symnet.core.backprop import grad
from symnet.core.layers import LayerLoss, LayerNetwork
from symnet.core.matrix_rules import ELEMENTWISE, USER, ActivationPrime, Apply, Softmax, Z
from symnet.core.neuron import ACTIVATIONS as ACTIVATION_FORMULAS
from symnet.core.losses import target_range
from symnet.numeric.batch import BatchCheck, check_targets, real_array
from symnet.numeric.compiled import CompiledLoss
from symnet.numeric.generation import Generated, generate
from symnet.numeric.passes import BatchSum, share_exponent  # noqa: F401 (share_exponent: re-exported)
from symnet.numeric.printer import global_names


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _softmax_cross_entropy(Z, Y):
    # Σₓ (log Σₖ e^{zₖ} − yᵀz), with the maximum taken out of the exponent (log-sum-exp)
    m = Z.max(axis=1, keepdims=True)
    return float(np.sum(m[:, 0] + np.log(np.exp(Z - m).sum(axis=1))) - np.sum(Y * Z))


def _sigmoid_cross_entropy(Z, Y):
    return float(np.sum(np.logaddexp(0.0, Z)) - np.sum(Y * Z))


def _squared_error(A, Y):
    return float(np.sum((A - Y) ** 2))


def _relu(z):
    return np.maximum(z, 0.0)


def _softplus(z):
    return np.logaddexp(0.0, z)   # log(1 + eᶻ), finite for any z


ACTIVATIONS = {"sigmoid": expit, "tanh": np.tanh, "relu": _relu, "softplus": _softplus}
LOSSES = {"softmax_cross_entropy": _softmax_cross_entropy, "sigmoid_cross_entropy": _sigmoid_cross_entropy,
          "squared_error": _squared_error}


def _step(z, at_zero=0.5):
    """H(z), the step that is relu′, with H(0) = ``at_zero`` (½ as in SymPy).

    For H(0) = ½ it is ½·sign(z) + ½, worked in place: ``np.heaviside`` is a slow ufunc (about 2.5× the
    time of sign, a multiply and an add on 8,192 numbers) and relu′ is on the hot path of every step.
    """
    if at_zero != 0.5:
        return np.heaviside(z, at_zero)
    h = np.sign(z)
    h *= 0.5
    h += 0.5
    return h


def expression_function(expr, args):
    """One scalar formula as a NumPy function of ``args``, with symnet's stable forms (σ by expit, …)."""
    fn = generate(args, [expr], (), "activation").function
    return lambda *values: fn(*values)[0]


def _derivative(name):
    """σ′(z, σ(z)) in NumPy, from the scalar rule table (``ActivationPrime.scalar_rule``).

    Printed with the plain lambda printer, so that the step H (relu′) is one call (``_step``) rather
    than NumPy's three-way ``select``. ``name`` may also be your own activation's ``Lambda``.
    """
    rule: Lambda = ActivationPrime(name, MatrixSymbol("_", 1, 1)).scalar_rule()
    if isinstance(name, Lambda) or name not in ACTIVATIONS:   # your own φ′, or a composite's: symnet's NumPy forms
        return expression_function(rule.expr, list(rule.variables))
    names = {**ACTIVATIONS, "Heaviside": _step}
    return lambdify(rule.variables, rule.expr, modules=[names])


def _forward(name):
    """σ in NumPy: the hand-picked stable form of a table name, else the formula compiled by symnet."""
    if isinstance(name, str) and name in ACTIVATIONS:
        return ACTIVATIONS[name]
    fn = name if isinstance(name, Lambda) else Lambda(Z, ACTIVATION_FORMULAS[name](Z))
    return expression_function(fn.expr, list(fn.variables))


@lru_cache(maxsize=1)
def namespace() -> dict:
    """The names the generated code calls (table activations; your own are added per program)."""
    names = {"softmax": _softmax, **LOSSES}
    names.update({name: _forward(name) for name in ELEMENTWISE})
    names.update({f"d_{name}": _derivative(name) for name in ELEMENTWISE})
    return names


def user_functions(program) -> dict:
    """Identifiers for your own activations in ``program``: {Lambda: "phi"}, then "phi_2", … in order."""
    names: dict = {}
    for _, rhs in program.assignments:
        for node in preorder_traversal(rhs):
            if isinstance(node, (Apply, ActivationPrime)) and isinstance(node.args[0], Lambda):
                names.setdefault(node.args[0], USER if not names else f"{USER}_{len(names) + 1}")
    return names


def rule_functions(program, own: dict) -> dict:
    """Identifiers for the σ′ of your ``rules=`` in ``program``: {Lambda (t, s) ↦ σ′: "d_tanh_rule"}."""
    names: dict = {}
    for _, rhs in program.assignments:
        for node in preorder_traversal(rhs):
            if isinstance(node, ActivationPrime) and node.rule is not None:
                base = own[node.args[0]] if isinstance(node.args[0], Lambda) else node.name
                names.setdefault(node.rule, f"d_{base}_rule")
    return names


class BatchPrinter(NumPyPrinter):
    """Per-sample matrix expressions as batch-first NumPy; ``batch`` names the per-sample symbols."""

    def __init__(self, batch, settings=None, functions=None):
        super().__init__(settings or {})
        self.batch = set(batch)
        self.functions = dict(functions or {})     # your own activations: {Lambda: identifier}

    def _function_name(self, expr) -> str:
        return self.functions[expr.args[0]] if isinstance(expr.args[0], Lambda) else expr.name

    def is_batch(self, expr) -> bool:
        """True when ``expr`` has one row per sample in compiled form (an outer product sums them away)."""
        if isinstance(expr, MatrixSymbol):
            return expr.name in self.batch
        if _is_outer(expr, self):
            return False
        return any(self.is_batch(a) for a in expr.args if isinstance(a, Basic))

    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _print_MatAdd(self, expr):
        terms = sorted(expr.args, key=lambda t: t.could_extract_minus_sign())
        code = self._wrap(terms[0])
        for t in terms[1:]:
            code += f" - {self._wrap(-t)}" if t.could_extract_minus_sign() else f" + {self._wrap(t)}"
        return code

    def _print_MatMul(self, expr):
        coeff, factors = expr.as_coeff_matrices()
        if len(factors) == 1:
            return f"{self._print(coeff)}*{self._wrap(factors[0])}"
        if len(factors) != 2:
            raise NotImplementedError(f"symnet compiles products of two matrices; got {expr}")
        A, B = factors
        if _is_outer(expr, self):                                  # δ aᵀ summed over samples: Δᵀ A
            code = f"{self._wrap(A)}.T @ {self._wrap(B.arg)}"
        elif self.is_batch(B) and not self.is_batch(A):           # W v → V @ W.T, Wᵀ v → V @ W
            code = f"{self._wrap(B)} @ " + (self._wrap(A.arg) if isinstance(A, Transpose) else f"{self._wrap(A)}.T")
        else:
            raise NotImplementedError(f"no batch form for the product {expr}")
        return code if coeff == 1 else f"{self._print(coeff)}*({code})"

    def _print_Transpose(self, expr):
        return f"{self._wrap(expr.arg)}.T"

    def _print_HadamardProduct(self, expr):
        return " * ".join(self._wrap(a) for a in expr.args)

    def _print_Apply(self, expr):
        return f"{self._function_name(expr)}({self._print(expr.args[1])})"

    def _print_ActivationPrime(self, expr):
        name = self.functions[expr.rule] if expr.rule is not None else f"d_{self._function_name(expr)}"
        return f"{name}({self._print(expr.args[1])}, {self._print(expr.args[2])})"

    def _print_Softmax(self, expr):
        return f"softmax({self._print(expr.args[0])})"

    def _print_LossStep(self, expr):
        return f"{expr.label}({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    _print_SoftmaxCrossEntropy = _print_SigmoidCrossEntropy = _print_SquaredError = _print_LossStep

    def _print_RowMax(self, expr):
        return f"{self._wrap(expr.args[0])}.max(axis=1, keepdims=True)"

    def _print_ShiftedExp(self, expr):
        z, m = (self._print(a) for a in expr.args)
        return f"{self._module_format(self._module + '.exp')}({z} - {m})"

    def _print_RowSum(self, expr):
        return f"{self._wrap(expr.args[0])}.sum(axis=1, keepdims=True)"

    def _print_SharedSoftmax(self, expr):
        return f"{self._wrap(expr.args[0])} / {self._wrap(expr.args[1])}"

    def _print_LogSumExpLoss(self, expr):
        m, s, z, y = (self._print(a) for a in expr.args)
        return f"{m}.sum() + {self._module_format(self._module + '.log')}({s}).sum() - ({y} * {z}).sum()"

    def _print_BatchSum(self, expr):
        return f"{self._wrap(expr.args[0])}.sum(axis=0)"

    def _wrap(self, expr):
        code = self._print(expr)
        return code if isinstance(expr, (MatrixSymbol, Apply, ActivationPrime, Softmax)) else f"({code})"


def _is_outer(expr, printer) -> bool:
    factors = expr.as_coeff_matrices()[1] if expr.is_MatMul else ()
    return (len(factors) == 2 and isinstance(factors[1], Transpose) and printer.is_batch(factors[0])
            and printer.is_batch(factors[1].arg))


def batch_symbols(assignments, printer: BatchPrinter) -> None:
    """Mark every step whose value has one row per sample (it depends on x or y and is not a batch sum)."""
    for lhs, rhs in assignments:
        if isinstance(lhs, MatrixSymbol) and printer.is_batch(rhs):
            printer.batch.add(lhs.name)


def compile_program(program, results, name, sum_batch=True, printer_class=None, modules=None):
    """``program``'s steps and ``results`` (summed over the batch where per sample, if ``sum_batch``) as one function.

    ``printer_class`` and ``modules`` print it for another array library (``layer_jax``); NumPy by default.
    Your own activations get identifiers (``phi``, ``d_phi``) bound to their NumPy forms.
    """
    own = user_functions(program)
    rules = rule_functions(program, own)
    printer = (printer_class or BatchPrinter)({s.name for s in program.inputs})
    printer.functions = {**own, **rules}
    steps = share_exponent(program.assignments)
    batch_symbols(steps, printer)
    outputs = [BatchSum(r) if sum_batch and printer.is_batch(r) else r for r in results]
    if modules is None:
        names = dict(namespace())
        for formula, ident in own.items():
            names.update({ident: _forward(formula), f"d_{ident}": _derivative(formula)})
        names.update({ident: expression_function(rule.expr, list(rule.variables)) for rule, ident in rules.items()})
        modules = [names, "numpy"]
    elif own or rules:   # another array library (JAX): your φ, φ′ and σ′ printed for its modules
        modules = [library_functions(own, rules, modules), *modules]
    fn = lambdify(list(program.inputs + program.params), outputs, modules=modules, printer=printer,
                  cse=lambda exprs: (steps, exprs), docstring_limit=0)
    fn.__name__ = name
    return fn


def library_functions(own: dict, rules: dict, modules) -> dict:
    """Your activations φ (and φ′) and your σ′ rules as functions of another array library's ``modules``."""
    names = {}
    for formula, ident in own.items():
        prime = ActivationPrime(formula, MatrixSymbol("_", 1, 1)).scalar_rule()
        names[ident] = lambdify(formula.variables, formula.expr, modules=modules)
        names[f"d_{ident}"] = lambdify(prime.variables, prime.expr, modules=modules)
    names.update({ident: lambdify(rule.variables, rule.expr, modules=modules) for rule, ident in rules.items()})
    return names


def source(fn) -> str:
    """The generated Python source under the name it was compiled as."""
    return inspect.getsource(fn).replace("def _lambdifygenerated(", f"def {fn.__name__}(", 1)


@dataclass(frozen=True)
class MatrixLayout:
    """How a matrix program's generated function takes its data: X batch first, θ as views W¹, b¹, W², …

    ``slices`` says where each parameter array sits in θ (worked out once: the call is on the hot path);
    ``predictor`` computes aᴸ; ``numpy`` is the NumPy function (the written module's, whatever the backend).
    """

    network: LayerNetwork
    predictor: object
    numpy: object
    slices: tuple
    one_hot: np.ndarray = field(repr=False)

    @classmethod
    def of(cls, network: LayerNetwork, predictor, numpy) -> MatrixLayout:
        slices, offset = [], 0
        for p in network.params:
            shape = array_shape(p)
            size = int(np.prod(shape))
            slices.append((offset, offset + size, shape))
            offset += size
        return cls(network, predictor, numpy, tuple(slices), np.eye(network.sizes[-1]))

    def runner(self, compiled):
        return matrix_runner(compiled.generated.function, self)

    def checker(self, compiled) -> BatchCheck:
        """The hot-path check: shapes once per shape, finiteness by one dot product, labels by min and max."""
        full = lambda theta, X, y: check_layer_batch(compiled, theta, X, y)  # noqa: E731
        if self.network.output_activation != "softmax":
            return BatchCheck(full=full, targets=target_range(compiled.loss.name))
        k = self.network.sizes[-1]
        return BatchCheck(full=full, every=lambda y: labels_ok(y, k))

    def arguments(self, X):
        return X

    def shapes(self, compiled=None) -> tuple:
        return tuple(shape for _, _, shape in self.slices)

    def check(self, compiled, X, y) -> None:
        check_layer_batch(compiled, None, X, y)   # no θ: a network of millions of parameters allocates none

    def unflatten(self, compiled, theta) -> list[np.ndarray]:
        return [theta[start:stop].reshape(shape) for start, stop, shape in self.slices]

    def targets(self, compiled, y, n) -> np.ndarray:
        """y as an N × n_L array: labels one-hot for a softmax output, a column for one output."""
        y = np.asarray(y, dtype=float)
        if y.ndim == 1 and self.network.output_activation == "softmax":
            return self.one_hot.take(y.astype(np.intp), axis=0)
        return y.reshape(n, self.network.sizes[-1])

    def value(self, compiled, X, y, theta) -> float:
        """The mean loss from the forward steps alone (compiled on first use)."""
        if "value" not in compiled._cache:
            program = compiled.loss.program
            compiled._cache["value"] = compile_program(program, list(program.outputs), "value")
        with np.errstate(over="ignore", under="ignore"):
            total = compiled._cache["value"](X, self.targets(compiled, y, X.shape[0]), *self.unflatten(compiled, theta))
        return float(total[0]) / X.shape[0]

    def module(self, compiled) -> str:
        from symnet.numeric.standalone import layer_module_source

        numpy = compiled if compiled.function is self.numpy.function else replace(compiled, generated=self.numpy)
        return layer_module_source(numpy, called_functions(numpy))

    def predict(self, compiled, theta, X) -> np.ndarray:
        theta, X, _ = check_layer_batch(compiled, theta, X, None)
        with np.errstate(over="ignore", under="ignore"):
            return self.predictor(X, *self.unflatten(compiled, theta))[0]

    def per_sample(self, compiled, X, y, theta):
        raise ValueError("per_sample=True gives each row's gradient of a scalar network; a layer network's code "
                         "sums the batch inside its matrix products (∂C/∂Wˡ = Σₓ δₓ aₓᵀ): call it on one row "
                         "at a time for per-sample gradients")


def array_shape(p: MatrixSymbol) -> tuple[int, ...]:
    """A parameter's array shape: bˡ a vector (nₗ,), Wˡ a matrix (nₗ, nₗ₋₁) even when it is 1 × 1 (a layer of
    width one: by its name, not its shape, or W² of a 3-1-1 network would be read as a vector)."""
    return (int(p.shape[0]),) if p.name.startswith("b") else (int(p.shape[0]), int(p.shape[1]))


def matrix_runner(function, layout: MatrixLayout):
    """``run(X, y, theta) -> (mean loss, flat gradient)`` for a generated function that sums over the batch."""
    slices, targets = layout.slices, layout.targets

    def run(X, y, theta):
        n = X.shape[0]
        with np.errstate(over="ignore", under="ignore"):   # e^{z − max z} may underflow to 0, as it should
            total, *grads = function(X, targets(None, y, n), *[theta[a:b].reshape(s) for a, b, s in slices])
        flat = np.concatenate([g.ravel() for g in grads])
        flat /= n                                   # in place: no second P-long array per call
        return float(total) / n, flat

    return run


def called_functions(compiled) -> dict:
    """Each name the generated code calls, with what it stands for: a NumPy form chosen by hand (a Python
    function or a ufunc: softmax, the losses, σ, tanh, relu, softplus), or a formula (``Lambda``) for σ′,
    the other activations and your own."""
    functions = user_functions(compiled.gradient.program)
    own = {ident: formula for formula, ident in functions.items()}
    rules = {ident: rule for rule, ident in rule_functions(compiled.gradient.program, functions).items()}
    written = {"softmax": _softmax, **LOSSES, **ACTIVATIONS}
    out = {}
    for name in sorted(global_names(compiled.source) - {"numpy"}):
        base = name[2:] if name.startswith("d_") else name
        formula = own.get(base, base)
        if name in rules:
            out[name] = rules[name]
        elif name.startswith("d_"):
            out[name] = ActivationPrime(formula, MatrixSymbol("_", 1, 1)).scalar_rule()
        elif base in written:
            out[name] = written[base]
        else:
            out[name] = formula if isinstance(formula, Lambda) else Lambda(Z, ACTIVATION_FORMULAS[base](Z))
    return out


def labels_ok(y: np.ndarray, k: int) -> bool:
    """True unless y is a vector that is not class labels 0…k−1 (one-hot rows pass: their shape is checked)."""
    if y.ndim != 1:
        return True
    fraction = np.rint(y)
    fraction -= y
    return bool(0 <= y.min() and y.max() < k and not fraction.any())


def check_layer_batch(compiled, theta, X, y):
    """Validate a flat parameter vector (None: not given), a batch X (N × n₀) and targets; ``ValueError`` says
    what is wrong."""
    n_in, n_params = compiled.network.sizes[0], compiled.network.n_params
    if theta is not None:
        theta = real_array(theta, "theta")
        if theta.shape != (n_params,) or not np.isfinite(theta).all():
            raise ValueError(f"theta must hold {n_params} finite numbers (each Wˡ row by row, then bˡ); got shape "
                             f"{theta.shape}")
    X = real_array(X, "X")
    if X.ndim != 2 or X.shape[1] != n_in or X.shape[0] == 0:
        raise ValueError(f"X must be an array of shape (N, {n_in}) with N ≥ 1, one row per sample; got {X.shape}")
    if not np.isfinite(X).all():
        row = np.flatnonzero(~np.isfinite(X).all(axis=1))[0] + 1
        raise ValueError(f"X must be finite; row {row} holds a value that is not (NaN or inf)")
    if y is not None:
        y = real_array(y, "y")
        if y.shape[:1] != X.shape[:1] or not np.isfinite(y).all():
            raise ValueError(f"y must hold one finite target per row of X ({X.shape[0]}); got shape {y.shape}")
        check_target_shape(compiled.network, y)
        check_targets(y, target_range(compiled.loss.name))
    return theta, X, y


def check_target_shape(network: LayerNetwork, y: np.ndarray) -> None:
    """Refuse targets whose shape does not fit the outputs: labels 0…k−1 (or one-hot rows) for a softmax,
    one number per sample for one output, else k numbers per sample."""
    k, out = network.sizes[-1], network.output_activation
    if y.ndim == 1 and out == "softmax":
        if not labels_ok(y, k):
            i = int(np.flatnonzero((y < 0) | (y >= k) | (np.rint(y) != y))[0])
            raise ValueError(f"y must hold class labels 0…{k - 1} (or one-hot rows) for a softmax output; "
                             f"y[{i}] is {y[i]:g}")
    elif not (y.ndim == 1 and k == 1) and y.shape[1:] != (k,):
        labels = (f"; one label per sample goes with a softmax output (layers:…-{k}:…:softmax) or one sigmoid "
                  f"output (layers:…-1:…:sigmoid)" if y.ndim == 1 else "")
        raise ValueError(f"y must hold {k} targets per sample, shape (N, {k}), for the network's {k} {out} outputs; "
                         f"got shape {y.shape}{labels}")


def compile_layers(target, loss: str | None = None, rules=None) -> CompiledLoss:
    """Compile a layer network's loss and gradient to NumPy with matrix products.

    Args:
        target: a ``LayerLoss``, or a ``LayerNetwork`` (its default loss, or ``loss``).
        rules: extra or replacement derivative rules for this call (as in ``grad``).

    Returns:
        A ``CompiledLoss`` (its layout: ``MatrixLayout``).

    >>> from symnet.core.layers import layers
    >>> fn = compile_layers(layers("4-3-2"))
    >>> value, g = fn(np.zeros(fn.network.n_params), np.ones((5, 4)), np.array([0, 1, 1, 0, 1]))
    >>> round(value, 6), g.shape
    (0.693147, (23,))
    """
    target = target.loss(loss) if isinstance(target, LayerNetwork) else target
    if not isinstance(target, LayerLoss):
        raise TypeError(f"compile_layers expects a layer network or its loss; got {type(target).__name__}")
    gradient = grad(target, rules=rules)
    program = gradient.program
    fn = compile_program(program, list(program.outputs), "value_and_grad")
    generated = Generated(fn, source(fn), (), (), ())
    net = target.network.program
    predictor = compile_program(net, list(net.outputs), "predict", sum_batch=False)
    return CompiledLoss(target, gradient, generated, layout=MatrixLayout.of(target.network, predictor, generated))
