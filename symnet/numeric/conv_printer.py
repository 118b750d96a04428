"""The conv steps printed as calls of their lowerings, mixed into the batch printers (NumPy's here, JAX's in
``conv_jax``): ``z1 = conv2d(x, K1, b1, (1, 8, 8, 8, 3, 3, 1, 0, 1))``, the geometry as a tuple of integers.

∂C/∂K and ∂C/∂b sum the batch inside their call (as δ aᵀ does for a dense layer), so they are not batch values.
"""

from __future__ import annotations

from symnet.core.conv import ChannelSum, ConvKernelGrad
from symnet.numeric.layer_codegen import BatchPrinter


def _geometry(expr) -> str:
    return repr(tuple(int(v) for v in expr.args[-1]))


class ConvPrinting:
    """The ``_print_`` methods of the conv nodes, mixed into a batch printer (NumPy's or JAX's)."""

    def is_batch(self, expr) -> bool:
        if isinstance(expr, (ConvKernelGrad, ChannelSum)):     # summed over the batch in the call
            return False
        return super().is_batch(expr)

    def _call(self, name, expr, count):
        args = ", ".join(self._print(a) for a in expr.args[:count])
        return f"{name}({args}, {_geometry(expr)})"

    def _print_Conv2d(self, expr):
        return self._call("conv2d", expr, 3)

    def _print_ConvKernelGrad(self, expr):
        return self._call("conv_kernel_grad", expr, 2)

    def _print_ConvInputGrad(self, expr):
        return self._call("conv_input_grad", expr, 2)

    def _print_ChannelSum(self, expr):
        return self._call("channel_sum", expr, 1)

    def _print_MaxPool2d(self, expr):
        return self._call("maxpool2d", expr, 1)

    def _print_AvgPool2d(self, expr):
        return self._call("avgpool2d", expr, 1)

    def _print_MaxPoolGrad(self, expr):
        return self._call("maxpool_grad", expr, 2)

    def _print_AvgPoolGrad(self, expr):
        return self._call("avgpool_grad", expr, 1)

    def _print_Reshape(self, expr):
        return f"reshape({self._print(expr.args[0])}, {repr(expr.dims[1])})"


class ConvBatchPrinter(ConvPrinting, BatchPrinter):
    """The layer printer with the conv nodes, for NumPy."""
