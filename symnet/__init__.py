"""symnet: neural networks as SymPy expressions, with symbolic backprop you can read, print and check.

>>> from symnet import seed_network, squared_error, grad
>>> net = seed_network()
>>> print(net)
f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))
>>> grad(squared_error(net)).formula("w5_1")
delta_w5_1

Every name is imported on first use, so ``import symnet`` (and ``symnet --help``) stays instant and
loads neither SymPy, NumPy, matplotlib nor click until they are needed.
"""

import importlib

__version__ = "0.1.0"

# public name -> module that defines it (``compile`` is another name for ``value_and_grad``)
_EXPORTS = {
    "activations": ("sigmoid", "relu", "softplus"),
    "neuron": ("f", "NeuronModel"),
    "program": ("Program",),
    "network": ("Network", "seed_network", "mlp", "from_expr", "from_neurons"),
    "losses": ("Loss", "squared_error", "binary_cross_entropy", "loss"),
    "backprop": ("Gradient", "grad"),
    "errors": ("SymnetError", "ExpressionTooLarge", "MissingRuleError"),
    "codegen": ("value_and_grad", "compile", "compile_network", "params_vector", "CompiledLoss"),
    "numeric": ("finite_differences",),
    "testing": ("check_grads", "GradCheckReport"),
    "printing": ("latex", "pretty", "show"),
    "derivation": ("derive", "Derivation"),
    "towers": ("Tower", "tower", "tower_sum", "step", "bump"),
    "approximation": ("approximate", "approximate_1d", "error_study", "refine"),
    "data": ("Dataset",),
    "training": ("train", "TrainResult", "TrainingDiverged"),
    "descent": ("descend", "descend_many"),
}
_LAZY = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(set(_LAZY) - {"compile"})  # symnet.compile stays, but import * must not shadow the builtin


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        value = getattr(module, "value_and_grad" if name == "compile" else name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symnet' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
