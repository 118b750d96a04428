"""symnet: neural networks as SymPy expressions, with symbolic backprop you can read, print and check.

>>> from symnet import seed_network, squared_error, grad
>>> net = seed_network()
>>> print(net)
f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))
>>> grad(squared_error(net)).formula("w5_1")
delta_w5_1
"""

from .activations import relu, sigmoid, softplus
from .backprop import Gradient, grad
from .errors import ExpressionTooLarge, MissingRuleError, SymnetError
from .losses import Loss, binary_cross_entropy, loss, squared_error
from .network import Network, from_expr, from_neurons, mlp, seed_network
from .neuron import NeuronModel, f
from .program import Program
from .towers import Tower, bump, step, tower, tower_sum

__version__ = "0.1.0"

_LAZY = {
    # numeric pieces live behind a lazy import so `import symnet` stays light
    "value_and_grad": "codegen", "compile": "codegen", "compile_network": "codegen", "params_vector": "codegen",
    "CompiledLoss": "codegen", "backprop": "numeric", "finite_differences": "numeric",
    "check_grads": "testing", "GradCheckReport": "testing",
    "approximate": "approximation", "approximate_1d": "approximation", "error_study": "approximation",
    "refine": "approximation",
    "latex": "printing", "pretty": "printing", "show": "printing",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, "value_and_grad" if name == "compile" else name)
    raise AttributeError(f"module 'symnet' has no attribute {name!r}")


__all__ = [
    "f", "NeuronModel", "Network", "Program", "Gradient", "Loss", "seed_network", "mlp", "from_expr",
    "from_neurons", "squared_error", "binary_cross_entropy", "loss", "grad", "sigmoid", "relu", "softplus",
    "SymnetError", "ExpressionTooLarge", "MissingRuleError", "Tower", "tower", "tower_sum", "step", "bump",
    *_LAZY,
]
