"""Convolution, pooling and reshape as matrix steps, with their vector–Jacobian rows.

**How an image lives in the program.** SymPy's matrix expressions are 2-D, and the reverse sweep, the rule
table and the batch printers all work on them, so a per-sample image of C channels, H rows and W columns is a
``MatrixSymbol`` of shape C·H × W (channel c's rows stacked at c·H … c·H + H − 1), and the network's input is
the flat column of C·H·W pixels, exactly as the data arrive (a digits row is 64 numbers). Every node that
needs to know the channels carries its geometry as integers (a ``Tuple``), so nothing is guessed from a 2-D
shape; compiled code holds a batch of images as (N, C, H, W) arrays and reshapes a column (N, C·H·W) to
that for free. A tensor-symbol class of our own would have needed its own sweep, printers and passes; this
way elementwise steps (relu, σ′, ⊙) and the dense layers after ``flatten`` work unchanged.

The rows (δ = ∂C/∂output, ``⋆`` cross-correlation as every framework computes it, stride s, padding p):

    Z = K ⋆ X + b        ∂C/∂K = X ⋆ δ            (the correlation of the input with δ)
                         ∂C/∂X = δ ∗ rot180(K)    (the full convolution of δ, s−1 zeros between its
                                                   entries, with the flipped kernel; p cropped)
                         ∂C/∂b = Σ over the pixels of δ, per filter
    P = maxpool_k(X)     ∂C/∂X = δ routed to the argmax of each k × k window (zero elsewhere)
    P = avgpool_k(X)     ∂C/∂X = δ spread over each window, δ/k² per pixel
    R = reshape(X)       ∂C/∂X = reshape(δ) back
"""

from __future__ import annotations

from typing import NamedTuple

from sympy import Add, Basic, Integer, Max, Tuple
from sympy.matrices.expressions import MatrixExpr

PADDINGS = ("valid", "same")


class Geometry(NamedTuple):
    """A convolution's sizes: input C × H × W, F filters of kh × kw, stride, padding p on every side, and
    whether the input is a flat column (the network's input) rather than a C·H × W image."""

    C: int
    H: int
    W: int
    F: int
    kh: int
    kw: int
    stride: int
    pad: int
    column: int

    @property
    def out(self) -> tuple[int, int]:
        """The output's rows and columns: ⌊(H + 2p − kh)/s⌋ + 1 and the same across."""
        s, p = self.stride, self.pad
        return (self.H + 2 * p - self.kh) // s + 1, (self.W + 2 * p - self.kw) // s + 1

    @property
    def in_shape(self) -> tuple[int, int]:
        """The input's 2-D shape in the program: (C·H·W, 1) for a column, (C·H, W) for an image."""
        return (self.C * self.H * self.W, 1) if self.column else (self.C * self.H, self.W)


class PoolGeometry(NamedTuple):
    """A pooling's sizes: input C × H × W, non-overlapping k × k windows (rows and columns past the last
    whole window are dropped, as frameworks do), and whether the input is a flat column."""

    C: int
    H: int
    W: int
    k: int
    column: int

    @property
    def out(self) -> tuple[int, int]:
        return self.H // self.k, self.W // self.k

    @property
    def in_shape(self) -> tuple[int, int]:
        return (self.C * self.H * self.W, 1) if self.column else (self.C * self.H, self.W)


def _ints(values) -> Tuple:
    return Tuple(*(Integer(int(v)) for v in values))


def _shape2d(dims) -> tuple[int, int]:
    """The program's 2-D shape of per-sample dims: (n,) is a column n × 1, (C, H, W) is C·H × W."""
    return (dims[0], 1) if len(dims) == 1 else (dims[0] * dims[1], dims[2])


class ConvNode(MatrixExpr):
    """A step of the convolution family; ``geometry`` reads its last argument as integers."""

    geometry_class = Geometry
    precedence = 50      # printed inside a product or ⊙ in brackets: (δ ∗full rot180(K)) ⊙ relu′(z)

    @property
    def geometry(self):
        return self.geometry_class(*(int(v) for v in self.args[-1]))

    def _sympystr(self, printer):
        return self.text(printer._print)

    _symnet_text = _sympystr        # symnet's text and Unicode printers read this method

    def _latex(self, printer):
        return self.tex(printer._print)


class Conv2d(ConvNode):
    """Z = K ⋆ X + b, filter f's output Z[f, i, j] = Σ_{c,u,v} K[f, c, u, v] X[c, s·i + u − p, s·j + v − p] + b[f].

    K is F × C·kh·kw (filter f's weights in one row, channel by channel), b is F × 1; the result is the
    image F·H′ × W′. Args: (X, K, b, geometry).
    """

    precedence = 40      # a sum: K ⋆ X + b
    def __new__(cls, x, kernel, bias, geometry: Geometry):
        return Basic.__new__(cls, x, kernel, bias, _ints(geometry))

    @property
    def shape(self):
        g = self.geometry
        return (g.F * g.out[0], g.out[1])

    def _entry(self, i, j, **kwargs):
        g = self.geometry
        x, kernel, bias = self.args[:3]
        f, row = divmod(int(i), g.out[0])
        terms = []
        for c in range(g.C):
            for u in range(g.kh):
                for v in range(g.kw):
                    r, q = g.stride * row + u - g.pad, g.stride * int(j) + v - g.pad
                    if 0 <= r < g.H and 0 <= q < g.W:
                        terms.append(kernel[f, (c * g.kh + u) * g.kw + v] * _pixel(x, g, c, r, q))
        return Add(*terms) + bias[f, 0]

    def text(self, p):
        return f"{p(self.args[1])} ⋆{_options(self.geometry)} {p(self.args[0])} + {p(self.args[2])}"

    def tex(self, p):
        return rf"{p(self.args[1])} \star{_tex_options(self.geometry)} {p(self.args[0])} + {p(self.args[2])}"


def _pixel(x, g, c, r, q):
    """Entry (c, r, q) of an image stored C·H × W, or as a column of C·H·W."""
    return x[(c * g.H + r) * g.W + q, 0] if g.column else x[c * g.H + r, q]


def _options(g: Geometry) -> str:
    parts = ([f"s={g.stride}"] if g.stride != 1 else []) + ([f"p={g.pad}"] if g.pad else [])
    return f"[{', '.join(parts)}]" if parts else ""


def _tex_options(g: Geometry) -> str:
    parts = ([f"s={g.stride}"] if g.stride != 1 else []) + ([f"p={g.pad}"] if g.pad else [])
    return f"_{{{', '.join(parts)}}}" if parts else ""


class ConvKernelGrad(ConvNode):
    """∂C/∂K = X ⋆ δ: the correlation of the input with δ (summed over the batch in compiled code), F × C·kh·kw.
    Args: (X, δ, geometry)."""

    def __new__(cls, x, delta, geometry):
        return Basic.__new__(cls, x, delta, _ints(geometry))

    @property
    def shape(self):
        g = self.geometry
        return (g.F, g.C * g.kh * g.kw)

    def text(self, p):
        return f"{p(self.args[0])} ⋆{_options(self.geometry)} {p(self.args[1])}"

    def tex(self, p):
        return rf"{p(self.args[0])} \star{_tex_options(self.geometry)} {p(self.args[1])}"


class ConvInputGrad(ConvNode):
    """∂C/∂X = δ ∗ rot180(K): the full convolution of δ (dilated by the stride) with the flipped kernel, the
    padding cropped; the input's shape. Args: (δ, K, geometry)."""

    def __new__(cls, delta, kernel, geometry):
        return Basic.__new__(cls, delta, kernel, _ints(geometry))

    @property
    def shape(self):
        return self.geometry.in_shape

    def text(self, p):
        return f"{p(self.args[0])} ∗full{_options(self.geometry)} rot180({p(self.args[1])})"

    def tex(self, p):
        return (rf"{p(self.args[0])} \ast_{{\mathrm{{full}}}}{_tex_options(self.geometry)} "
                rf"\operatorname{{rot180}}({p(self.args[1])})")


class ChannelSum(ConvNode):
    """∂C/∂b: δ summed over each filter's pixels (and the batch), F × 1. Args: (δ, geometry)."""

    precedence = 1000    # a function call

    def __new__(cls, delta, geometry):
        return Basic.__new__(cls, delta, _ints(geometry))

    @property
    def shape(self):
        return (self.geometry.F, 1)

    def text(self, p):
        return f"Σpixels({p(self.args[0])})"

    def tex(self, p):
        return rf"\textstyle\sum_{{i,j}} {p(self.args[0])}"


class MaxPool2d(ConvNode):
    """The largest entry of each k × k window, channel by channel. Args: (X, pool geometry)."""

    precedence = 1000    # a function call

    geometry_class = PoolGeometry

    def __new__(cls, x, geometry: PoolGeometry):
        return Basic.__new__(cls, x, _ints(geometry))

    @property
    def shape(self):
        g = self.geometry
        return (g.C * g.out[0], g.out[1])

    def _window(self, i, j):
        g = self.geometry
        c, row = divmod(int(i), g.out[0])
        return [_pixel(self.args[0], g, c, g.k * row + u, g.k * int(j) + v) for u in range(g.k) for v in range(g.k)]

    def _entry(self, i, j, **kwargs):
        return Max(*self._window(i, j))

    def text(self, p):
        return f"maxpool{self.geometry.k}({p(self.args[0])})"

    def tex(self, p):
        return rf"\operatorname{{maxpool}}_{{{self.geometry.k}}}({p(self.args[0])})"


class AvgPool2d(MaxPool2d):
    """The mean of each k × k window, channel by channel. Args: (X, pool geometry)."""

    def _entry(self, i, j, **kwargs):
        return Add(*self._window(i, j)) / self.geometry.k ** 2

    def text(self, p):
        return f"avgpool{self.geometry.k}({p(self.args[0])})"

    def tex(self, p):
        return rf"\operatorname{{avgpool}}_{{{self.geometry.k}}}({p(self.args[0])})"


class MaxPoolGrad(ConvNode):
    """δ routed to the argmax of each window of X (the first one on a tie); X's shape. Args: (δ, X, geometry)."""

    precedence = 1000    # a function call

    geometry_class = PoolGeometry

    def __new__(cls, delta, x, geometry):
        return Basic.__new__(cls, delta, x, _ints(geometry))

    @property
    def shape(self):
        return self.geometry.in_shape

    def text(self, p):
        return f"route_argmax({p(self.args[0])}, {p(self.args[1])})"

    def tex(self, p):
        return rf"\operatorname{{up}}_{{\arg\max {p(self.args[1])}}}({p(self.args[0])})"


class AvgPoolGrad(ConvNode):
    """δ/k² spread over each k × k window; the input's shape. Args: (δ, geometry)."""

    geometry_class = PoolGeometry

    def __new__(cls, delta, geometry):
        return Basic.__new__(cls, delta, _ints(geometry))

    @property
    def shape(self):
        return self.geometry.in_shape

    def text(self, p):
        return f"spread{self.geometry.k}({p(self.args[0])})/{self.geometry.k ** 2}"

    def tex(self, p):
        return rf"\tfrac{{1}}{{{self.geometry.k ** 2}}}\operatorname{{up}}_{{{self.geometry.k}}}({p(self.args[0])})"


class Reshape(MatrixExpr):
    """The same numbers in another per-sample shape: dims (n,) is a column, (C, H, W) an image.
    Args: (X, dims in, dims out); ``flatten`` is reshape to (C·H·W,)."""

    def __new__(cls, x, dims_in, dims_out):
        dims_in, dims_out = _ints(dims_in), _ints(dims_out)
        if _size(dims_in) != _size(dims_out):
            raise ValueError(f"reshape keeps the number of entries: {_dims_text(dims_in)} has {_size(dims_in)}, "
                             f"{_dims_text(dims_out)} has {_size(dims_out)}")
        return Basic.__new__(cls, x, dims_in, dims_out)

    @property
    def dims(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(int(v) for v in self.args[1]), tuple(int(v) for v in self.args[2])

    @property
    def shape(self):
        return _shape2d(self.dims[1])

    def _entry(self, i, j, **kwargs):
        n = int(i) * self.shape[1] + int(j)          # row-major position, the same in both shapes
        rows, cols = _shape2d(self.dims[0])
        return self.args[0][n // cols, n % cols]

    def _sympystr(self, printer):
        word = "flatten" if len(self.dims[1]) == 1 else f"reshape[{_dims_text(self.args[2])}]"
        return f"{word}({printer._print(self.args[0])})"

    _symnet_text = _sympystr

    def _latex(self, printer):
        word = r"\operatorname{vec}" if len(self.dims[1]) == 1 else \
            r"\operatorname{reshape}_{%s}" % _dims_text(self.args[2], r" \times ")
        return f"{word}({printer._print(self.args[0])})"


def _size(dims) -> int:
    out = 1
    for d in dims:
        out *= int(d)
    return out


def _dims_text(dims, times: str = "×") -> str:
    return times.join(str(int(d)) for d in dims)


def flatten(x, dims) -> Reshape:
    """The image ``x`` of per-sample ``dims`` (C, H, W) as one column of C·H·W entries."""
    return Reshape(x, dims, (_size(dims),))


CONV_DERIVATIVES: dict[type, object] = {
    # ---- convolution and pooling (vjp(delta, ans, *args)) ------------------------------------------------
    Conv2d: lambda delta, ans, x, kernel, bias, g: (ConvInputGrad(delta, kernel, g), ConvKernelGrad(x, delta, g),
                                                    ChannelSum(delta, g), None),   # δ∗rot180(K), X⋆δ, Σδ
    MaxPool2d: lambda delta, ans, x, g: (MaxPoolGrad(delta, x, g), None),          # δ to the argmax
    AvgPool2d: lambda delta, ans, x, g: (AvgPoolGrad(delta, g), None),             # δ/k² over the window
    Reshape: lambda delta, ans, x, dims_in, dims_out: (Reshape(delta, dims_out, dims_in), None, None),
}
