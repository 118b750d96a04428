"""A convolutional network's gradient program compiled to NumPy (or JAX): the layer printer plus the conv nodes.

The program is the layer network's, with steps of ``symnet.core.conv``; each of those prints as one call of
its lowering (``conv_numpy`` for NumPy, ``conv_jax`` for JAX), its geometry as a tuple of integers:

    z1 = K1 ⋆ x + b1                 →  z1 = conv2d(x, K1, b1, (1, 8, 8, 8, 3, 3, 1, 0, 1))
    δK1 = x ⋆ δz1                    →  delta_K1 = conv_kernel_grad(x, delta_z1, (…))   (summed over the batch)

∂C/∂K and ∂C/∂b sum the batch inside their call, as δ aᵀ does for a dense layer, so they are not summed
again. The rest (θ as views K¹, b¹, W², …, X rows of C·H·W pixels, the mean) is the layer network's
``MatrixLayout``: a ``CompiledLoss`` that ``value_and_grad``, ``check_grads`` and ``train`` take as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from symnet.core.backprop import grad
from symnet.core.layers import LayerLoss
from symnet.numeric.compiled import CompiledLoss
from symnet.numeric.conv_numpy import NUMPY_CONV
from symnet.numeric.conv_printer import ConvBatchPrinter
from symnet.numeric.generation import Generated
from symnet.numeric.layer_codegen import MatrixLayout, compile_program, namespace, source


def numpy_modules() -> list:
    return [{**namespace(), **NUMPY_CONV}, "numpy"]


@dataclass(frozen=True)
class ConvLayout(MatrixLayout):
    """``MatrixLayout`` whose forward-only function is printed with the conv nodes too."""

    def value(self, compiled, X, y, theta) -> float:
        if "value" not in compiled._cache:
            program = compiled.loss.program
            compiled._cache["value"] = compile_program(program, list(program.outputs), "value",
                                                       printer_class=ConvBatchPrinter, modules=numpy_modules())
        with np.errstate(over="ignore", under="ignore"):
            total = compiled._cache["value"](X, self.targets(compiled, y, X.shape[0]), *self.unflatten(compiled, theta))
        return float(total[0]) / X.shape[0]

    def module(self, compiled) -> str:
        raise ValueError("a standalone module is written for scalar and layer networks; a convolutional network's "
                         "code calls symnet's conv lowerings (symnet.numeric.conv_numpy): see "
                         "symnet.value_and_grad(network).source instead")


def compile_conv(target: LayerLoss, rules=None, backend: str = "numpy") -> CompiledLoss:
    """A convolutional network's loss and gradient compiled to NumPy (``backend="jax"``: jitted JAX).

    >>> from symnet.core.convnet import convnet
    >>> fn = compile_conv(convnet("conv:4x4:c3x3x2:relu:d2:softmax").loss())
    >>> value, g = fn(np.zeros(fn.network.n_params), np.ones((5, 16)), np.array([0, 1, 1, 0, 1]))
    >>> round(value, 6), g.shape
    (0.693147, (38,))
    """
    gradient = grad(target, rules=rules)
    program = gradient.program
    fn = compile_program(program, list(program.outputs), "value_and_grad", printer_class=ConvBatchPrinter,
                         modules=numpy_modules())
    generated = Generated(fn, source(fn), (), (), ())
    net = target.network.program
    predictor = compile_program(net, list(net.outputs), "predict", sum_batch=False, printer_class=ConvBatchPrinter,
                                modules=numpy_modules())
    compiled = CompiledLoss(target, gradient, generated, layout=ConvLayout.of(target.network, predictor, generated))
    if backend == "jax":
        from symnet.numeric.conv_jax import jax_conv

        return jax_conv(compiled)
    return compiled if backend == "numpy" else replace(compiled, backend=backend)
