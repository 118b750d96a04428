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

# public name -> module that defines it: about 40 names (42), one verb per job (``value_and_grad`` is the one
# compile verb). Result types (``Gradient``, ``CompiledLoss``, ``Derivation``, ``TrainResult`` …), the
# layer network's classes (a layer network is a network like any other) and the narrower errors stay
# importable from their modules; tests/test_public_api.py pins this list and checks each is documented.
_EXPORTS = {
    "core.activations": ("sigmoid", "relu", "softplus"),
    "core.neuron": ("f", "NeuronModel"),
    "core.program": ("Program",),
    "core.network": ("Network", "seed_network", "from_neurons"),
    "io.text": ("from_expr", "loss", "mlp", "layers"),
    "core.losses": ("Loss", "squared_error", "binary_cross_entropy"),
    "core.lowering": ("lower",),
    "core.convnet": ("convnet",),
    "core.attention_model": ("attention",),
    "core.backprop": ("grad",),
    "core.hessian": ("hessian",),
    "errors": ("SymnetError",),
    "numeric.codegen": ("value_and_grad",),
    "numeric.hessian": ("compile_hessian", "hvp"),
    "numeric.gradcheck": ("check_grads",),
    "render.printing": ("latex", "pretty"),
    "render.show": ("show",),
    "derivation.derive": ("derive",),
    "towers.tower": ("tower", "step", "bump"),
    "towers.approximation": ("approximate",),
    "towers.study": ("error_study", "refine"),
    "learn.data": ("Dataset",),
    "learn.training": ("train",),
    "learn.modelfile": ("save", "load"),
    "learn.descent": ("descend", "descend_many"),
}
_LAZY = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symnet' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
