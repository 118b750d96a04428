"""The rows of the convolution family in the one matrix rule table (``matrix_rules.MATRIX_DERIVATIVES``).

Each row is ``vjp(delta, ans, *args)``: the adjoint each argument receives from the step's adjoint δ.
"""

from __future__ import annotations

from symnet.core.conv import ChannelSum, Conv2d, ConvInputGrad, ConvKernelGrad
from symnet.core.pooling import AvgPool2d, AvgPoolGrad, MaxPool2d, MaxPoolGrad, Reshape

CONV_DERIVATIVES: dict[type, object] = {
    # ---- convolution and pooling (vjp(delta, ans, *args)) ------------------------------------------------
    Conv2d: lambda delta, ans, x, kernel, bias, g: (ConvInputGrad(delta, kernel, g), ConvKernelGrad(x, delta, g),
                                                    ChannelSum(delta, g), None),   # δ∗rot180(K), X⋆δ, Σδ
    MaxPool2d: lambda delta, ans, x, g: (MaxPoolGrad(delta, x, g), None),          # δ to the argmax
    AvgPool2d: lambda delta, ans, x, g: (AvgPoolGrad(delta, g), None),             # δ/k² over the window
    Reshape: lambda delta, ans, x, dims_in, dims_out: (Reshape(delta, dims_out, dims_in), None, None),
}
