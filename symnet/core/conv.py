"""Convolution as a matrix step, with its vector–Jacobian rows.

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

Pooling and reshape, the steps around a convolution, are in ``symnet.core.pooling``; the rows of all of them
are ``symnet.core.conv_rules.CONV_DERIVATIVES``, part of the one matrix rule table.
"""

from __future__ import annotations

from typing import NamedTuple

from sympy import Add, Basic, Integer, Tuple
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
        options = _tex_options(self.geometry)        # one subscript: full, then s and p
        sub = r"\mathrm{full}" + (", " + options[2:-1] if options else "")
        return rf"{p(self.args[0])} \ast_{{{sub}}} \operatorname{{rot180}}({p(self.args[1])})"


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
