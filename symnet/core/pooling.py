"""Pooling and reshape as matrix steps beside the convolution (``symnet.core.conv``, which says how an image
lives in the program), with the rows of their vector–Jacobian products:

    P = maxpool_k(X)     ∂C/∂X = δ routed to the argmax of each k × k window (zero elsewhere)
    P = avgpool_k(X)     ∂C/∂X = δ spread over each window, δ/k² per pixel
    R = reshape(X)       ∂C/∂X = reshape(δ) back
"""

from __future__ import annotations

from typing import NamedTuple

from sympy import Add, Basic, Max
from sympy.matrices.expressions import MatrixExpr

from symnet.core.conv import ConvNode, _ints, _pixel, _shape2d


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
    def dropped(self) -> tuple[int, int]:
        """The rows and columns past the last whole window, which the pooling never reads (H mod k, W mod k)."""
        return self.H % self.k, self.W % self.k

    def floor_note(self, stage: str) -> str:   # stage: the spec's word, pool2 or avg2
        """'' when k divides both sides; else, e.g., 'pool2 on 7×7 uses 6×6 and drops the last row and column'."""
        rows, cols = self.dropped
        if not rows and not cols:
            return ""
        used = f"{self.k * self.out[0]}×{self.k * self.out[1]}"
        return f"{stage} on {self.H}×{self.W} uses {used} and drops the last {dropped_words(rows, cols)}"

    @property
    def in_shape(self) -> tuple[int, int]:
        return (self.C * self.H * self.W, 1) if self.column else (self.C * self.H, self.W)


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

    stage = "pool"

    def floor_note(self) -> str:
        """'' when the windows tile the image; else what is dropped, e.g. 'pool2 on 7×7 uses 6×6 and drops the last
        row and column' (the window count is floored, as PyTorch's pooling does)."""
        return self.geometry.floor_note(f"{self.stage}{self.geometry.k}")

    def text(self, p):
        return f"maxpool{self.geometry.k}({p(self.args[0])})"

    def tex(self, p):
        return rf"\operatorname{{maxpool}}_{{{self.geometry.k}}}({p(self.args[0])})"


class AvgPool2d(MaxPool2d):
    """The mean of each k × k window, channel by channel. Args: (X, pool geometry)."""

    stage = "avg"

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


def dropped_words(rows: int, cols: int) -> str:
    """'row and column', '2 rows', 'column', … (English; the documents' words are in the language files)."""
    def part(n, word):
        return "" if not n else (word if n == 1 else f"{n} {word}s")
    return " and ".join(p for p in (part(rows, "row"), part(cols, "column")) if p)


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
