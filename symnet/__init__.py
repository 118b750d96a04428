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

from symnet._version import __version__  # noqa: F401  (the package version)

# public name -> module that defines it (``compile`` is another name for ``value_and_grad``)
_EXPORTS = {
    "core.activations": ("sigmoid", "relu", "softplus"),
    "core.neuron": ("f", "NeuronModel"),
    "core.program": ("Program",),
    "core.network": ("Network", "seed_network", "from_neurons"),
    "io.text": ("from_expr", "loss", "mlp", "layers"),
    "core.losses": ("Loss", "squared_error", "binary_cross_entropy"),
    "core.backprop": ("Gradient", "grad"),
    "core.hessian": ("Hessian", "hessian"),
    "core.layers": ("LayerNetwork", "LayerLoss", "lower"),
    "core.convnet": ("convnet", "ConvNetwork"),
    "numeric.layer_codegen": ("compile_layers",),
    "errors": ("SymnetError", "ExpressionTooLarge", "MissingRuleError"),
    "numeric.codegen": ("value_and_grad", "compile", "compile_network", "params_vector"),
    "numeric.compiled": ("CompiledLoss",),
    "numeric.reverse": ("finite_differences",),
    "numeric.hessian": ("compile_hessian", "hvp", "CompiledHessian", "CompiledHVP"),
    "numeric.gradcheck": ("check_grads", "GradCheckReport"),
    "render.printing": ("latex", "pretty"),
    "render.show": ("show",),
    "derivation.derive": ("derive", "Derivation"),
    "towers.tower": ("Tower", "tower", "tower_sum", "step", "bump"),
    "towers.approximation": ("approximate", "approximate_1d"),
    "towers.study": ("error_study", "refine"),
    "learn.data": ("Dataset",),
    "learn.training": ("train", "TrainResult", "TrainingDiverged"),
    "learn.modelfile": ("save", "load"),
    "learn.descent": ("descend", "descend_many"),
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
