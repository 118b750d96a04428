"""Convolutional networks from a spec: ``conv:8x8:c3x3x8:relu:pool2:d10:softmax`` as one program of matrix steps.

The spec reads left to right, one stage per part (``->`` may join them instead of ``:``):

    8x8 or 8x8x3        the input image, H × W (× C channels; default 1), given as rows of C·H·W numbers
    c3x3x8[/s2][/same]  a convolution, 3 × 3 kernels, 8 filters (stride 2; 'same' pads (k−1)/2, odd k)
    relu, tanh, …       an elementwise activation
    pool2, avg2         2 × 2 max or average pooling
    flat                flatten (implied before the first dense layer)
    d10                 a dense layer of 10 units
    softmax, sigmoid, identity   the output (last; default softmax, sigmoid for one unit)

Layer l of the program is written in the notation of ``symnet.core.conv``: zˡ = Kˡ ⋆ aˡ⁻¹ + bˡ, aˡ = σ(zˡ),
pˡ = maxpool(aˡ), f = vec(p), zˡ = Wˡ f + bˡ. The network is a ``LayerNetwork`` (its loss, gradient, training
and checks are the layer network's), with the stages kept so that ``.spec`` reads back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sympy import MatAdd, MatMul, MatrixSymbol

from symnet.core.conv import PADDINGS, Conv2d, Geometry
from symnet.core.layers import LayerNetwork, _output
from symnet.core.matrix_rules import ELEMENTWISE, Apply, Softmax
from symnet.core.network import TrainDefaults
from symnet.core.pooling import AvgPool2d, MaxPool2d, PoolGeometry, Reshape, flatten
from symnet.core.program import Program
from symnet.limits import MAX_LAYER_PARAMS

MAX_SIDE = 512
MAX_IMAGE = 1_000_000        # numbers per sample in one step's output
_IMAGE = re.compile(r"([0-9]{1,4})x([0-9]{1,4})(?:x([0-9]{1,4}))?", re.ASCII)
_CONV = re.compile(r"c([0-9]{1,2})x([0-9]{1,2})x([0-9]{1,4})((?:/s[12]|/same|/valid)*)", re.ASCII)
_POOL = re.compile(r"(pool|avg)([0-9]{1,2})", re.ASCII)
_DENSE = re.compile(r"d([0-9]{1,6})", re.ASCII)
# ``symnet train conv:…`` and ``train(net, data, **net.train_defaults.arguments)``: the layer networks' schedule
# (Adam, η = 0.01 decaying linearly to 0, batch 32, 40 epochs) with a stronger weight decay, λ = 3·10⁻³: over
# seeds 0–5 it kept conv:8x8:c5x5x16/same:relu:pool2:d10 on digits at 98.6–98.9 % (λ = 10⁻³: 98.3–99.2 %)
CONV_DEFAULTS = TrainDefaults(40, 0.01, 32, 3e-3, "linear", 0.2)
GRAMMAR = ("conv:HxW[xC]:STAGE:…, each STAGE one of cKxKxF[/s2][/same] (convolution), an activation "
           f"({', '.join(ELEMENTWISE)}), poolK or avgK (pooling), flat, dN (dense), and last softmax, sigmoid "
           "or identity; e.g. conv:8x8:c3x3x8:relu:pool2:d10:softmax")


@dataclass(frozen=True)
class ConvNetwork(LayerNetwork):
    """A layer network whose first steps are convolutions and poolings; ``stages`` are the spec's parts.

    >>> net = convnet("conv:8x8:c3x3x8:relu:pool2:d10:softmax")
    >>> print(net.program)
    z1 = K1 ⋆ x + b1
    a1 = relu(z1)
    p1 = maxpool2(a1)
    f = flatten(p1)
    z2 = W2 @ f + b2
    a2 = softmax(z2)
    out = a2
    >>> net.n_params, net.spec
    (810, 'conv:8x8:c3x3x8:relu:pool2:d10:softmax')
    """

    train_defaults = CONV_DEFAULTS    # the layer networks' schedule, a stronger weight decay (see CONV_DEFAULTS)
    reads_every_input = False         # a stride past the kernel, or pooling that drops a row, leaves pixels unread

    stages: tuple[str, ...] = ()
    image: tuple[int, int, int] = (1, 1, 1)      # the input's C, H, W

    @property
    def spec(self) -> str:
        """The network's name on the command line, which ``convnet`` reads back."""
        return "conv:" + ":".join(self.stages)

    def describe(self) -> str:
        """The program, one step a line with the shape of each value (C×H×W for an image, n for a column)."""
        dims, lines = {self.inputs[0]: self.image}, []
        for lhs, rhs in self.program.assignments:
            dims[lhs] = step_dims(rhs, dims)
            note = rhs.floor_note() if isinstance(rhs, MaxPool2d) else ""
            lines.append((f"{lhs} = {rhs}".ljust(32) + "  " + "×".join(map(str, dims[lhs]))
                          + (f"   ({note}, as PyTorch's pooling does)" if note else "")).rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"convnet({self.spec!r})"


def step_dims(rhs, dims: dict) -> tuple[int, ...]:
    """A step's per-sample dims: (C, H, W) for an image, (n,) for a column; ``dims`` holds the earlier steps'."""
    if isinstance(rhs, Apply):
        return dims[rhs.args[1]]
    if isinstance(rhs, Reshape):
        return rhs.dims[1]
    geometry = rhs.geometry if isinstance(rhs, (Conv2d, MaxPool2d)) else None
    if isinstance(geometry, Geometry):
        return (geometry.F, *geometry.out)
    if isinstance(geometry, PoolGeometry):
        return (geometry.C, *geometry.out)
    return (int(rhs.shape[0]),)


def display_dims(program) -> dict[str, tuple[int, ...]]:
    """The shapes a learner reads, by name: C×H×W per sample for every image of the program (its input too) and
    F×C×kh×kw for every kernel; columns and dense matrices are left out (they print as they are). The program
    itself stores an image as C·H × W (``symnet.core.conv``), which is what ``.shape`` says.

    >>> dims = display_dims(convnet("conv:8x8:c3x3x8:relu:pool2:d10:softmax").program)
    >>> dims["x"], dims["K1"], dims["z1"], dims["p1"]
    ((1, 8, 8), (8, 1, 3, 3), (8, 6, 6), (8, 3, 3))
    """
    dims = {}
    for lhs, rhs in program.assignments:
        geometry = rhs.geometry if isinstance(rhs, (Conv2d, MaxPool2d)) else None
        if geometry is not None and geometry.column:
            dims[rhs.args[0].name] = (geometry.C, geometry.H, geometry.W)
        if isinstance(geometry, Geometry):
            dims[rhs.args[1].name] = (geometry.F, geometry.C, geometry.kh, geometry.kw)
        if geometry is not None or (isinstance(rhs, Reshape) and len(rhs.dims[1]) == 3):
            dims[lhs.name] = step_dims(rhs, {})
        elif isinstance(rhs, Apply) and getattr(rhs.args[1], "name", None) in dims:
            dims[lhs.name] = dims[rhs.args[1].name]
    return dims


def split_spec(spec: str) -> list[str]:
    """The parts of a spec: ``conv:8x8:c3x3x8:…`` or ``8x8 -> c3x3x8 -> …`` (the ``conv`` head optional)."""
    if not isinstance(spec, str):
        raise TypeError(f"a conv spec is text, e.g. conv:8x8:c3x3x8:relu:pool2:d10:softmax; got {type(spec).__name__}")
    parts = [p.strip() for p in re.split(r"->|:", spec)]
    parts = parts[1:] if parts and parts[0] == "conv" else parts
    if len(parts) < 2 or not all(parts):
        raise ValueError(f"expected {GRAMMAR}; got {spec!r}")
    return parts


def convnet(spec: str) -> ConvNetwork:
    """A convolutional network from its spec (see the module docstring for the grammar).

    Args:
        spec: e.g. ``"conv:8x8:c3x3x8:relu:pool2:d10:softmax"`` or ``"8x8 -> c3x3x8 -> relu -> pool2 -> d10"``.

    Returns:
        A ``ConvNetwork``; ``print(net.describe())`` shows its formula step by step with shapes.

    >>> convnet("8x8 -> c3x3x4/s2/same -> tanh -> avg2 -> d1").spec
    'conv:8x8:c3x3x4/s2/same:tanh:avg2:d1:sigmoid'
    """
    parts = split_spec(spec)
    match = _IMAGE.fullmatch(parts[0])
    if not match:
        raise ValueError(f"the first stage is the input image HxW or HxWxC (e.g. 8x8 or 28x28x1); got {parts[0]!r}")
    H, W, C = int(match[1]), int(match[2]), int(match[3] or 1)
    if not (1 <= H <= MAX_SIDE and 1 <= W <= MAX_SIDE and 1 <= C <= 64):
        raise ValueError(f"an input image is at most {MAX_SIDE}×{MAX_SIDE} with 1 to 64 channels; got {parts[0]!r}")
    builder = _Builder((C, H, W))
    for i, part in enumerate(parts[1:], start=2):
        builder.add(part, last=i == len(parts))
    return builder.network(parts[0])


class _Builder:
    """The program so far: the current value (an image of ``dims`` (C, H, W), or a column (n,))."""

    def __init__(self, dims):
        self.x = MatrixSymbol("x", dims[0] * dims[1] * dims[2], 1)
        self.value, self.dims, self.image = self.x, tuple(dims), tuple(dims)
        self.steps, self.params, self.stages, self.layer, self.output = [], [], [], 0, None

    def add(self, part: str, last: bool = False) -> None:
        if self.output is not None:
            raise ValueError(f"the output {self.output!r} ends a conv spec; {part!r} comes after it")
        for pattern, method in ((_CONV, self.conv), (_POOL, self.pool), (_DENSE, self.dense)):
            match = pattern.fullmatch(part)
            if match:
                return method(match)
        if part == "flat":
            return self.flatten(explicit=True)
        if part in ("softmax", "identity") or (part in ELEMENTWISE and last and self._dense_last()):
            self.output = part
            return None
        if part in ELEMENTWISE:
            return self.activate(part)
        raise ValueError(f"unknown stage {part!r}: expected {GRAMMAR}")

    def _dense_last(self) -> bool:
        return bool(self.stages) and _DENSE.fullmatch(self.stages[-1]) is not None

    def _emit(self, name, rhs):
        symbol = MatrixSymbol(name, *rhs.shape)
        self.steps.append((symbol, rhs))
        self.value = symbol

    def conv(self, match) -> None:
        if len(self.dims) != 3:
            raise ValueError(f"c{match[1]}x{match[2]}x{match[3]}: a convolution takes an image; this one comes after "
                             f"a flatten or dense layer")
        kh, kw, F = int(match[1]), int(match[2]), int(match[3])
        options = [o for o in match[4].split("/") if o]
        stride = int(next((o[1:] for o in options if o[1:].isdigit()), 1))
        padding = next((o for o in options if o in PADDINGS), "valid")
        C, H, W = self.dims
        if padding == "same" and (kh % 2 == 0 or kw % 2 == 0):
            raise ValueError(f"'same' padding pads (k−1)/2 on each side and needs an odd kernel; got {kh}×{kw}")
        pad = (kh - 1) // 2 if padding == "same" else 0
        if F < 1 or kh < 1 or kw < 1:
            raise ValueError(f"c{kh}x{kw}x{F}: a convolution needs a kernel of at least 1×1 and at least 1 filter")
        if kh > H + 2 * pad or kw > W + 2 * pad:
            raise ValueError(f"the kernel {kh}×{kw} is larger than the image {H}×{W} it slides over "
                             f"(padding {padding}); use a smaller kernel, or 'same' padding")
        self.layer += 1
        l, geometry = self.layer, Geometry(C, H, W, F, kh, kw, stride, pad, int(self.value == self.x))
        K, b = MatrixSymbol(f"K{l}", F, C * kh * kw), MatrixSymbol(f"b{l}", F, 1)
        self.params += [K, b]
        if F * geometry.out[0] * geometry.out[1] > MAX_IMAGE:
            raise ValueError(f"c{kh}x{kw}x{F} makes {F}×{geometry.out[0]}×{geometry.out[1]} numbers per sample; "
                             f"symnet takes at most {MAX_IMAGE:,}: use fewer filters or a stride")
        self._emit(f"z{l}", Conv2d(self.value, K, b, geometry))
        self.dims = (F, *geometry.out)
        self.stages.append(match[0])

    def pool(self, match) -> None:
        k, C = int(match[2]), self.dims[0]
        if len(self.dims) != 3 or not 1 <= k <= min(self.dims[1:]):
            raise ValueError(f"{match[0]}: pooling takes k × k windows of an image (k at most its side); "
                             f"the value here is {'×'.join(map(str, self.dims))}")
        # k that does not divide the side drops the last rows/columns, as PyTorch's MaxPool2d (floor) does
        geometry = PoolGeometry(C, *self.dims[1:], k, int(self.value == self.x))
        self._emit(f"p{self.layer}", (MaxPool2d if match[1] == "pool" else AvgPool2d)(self.value, geometry))
        self.dims = (C, *geometry.out)
        self.stages.append(match[0])

    def flatten(self, explicit=False) -> None:
        if len(self.dims) == 3 and self.value != self.x:
            self._emit("f", flatten(self.value, self.dims))
        self.dims = (self.dims[0] * self.dims[1] * self.dims[2],) if len(self.dims) == 3 else self.dims
        if explicit:
            self.stages.append("flat")

    def activate(self, name) -> None:
        used = {lhs.name for lhs, _ in self.steps}
        label = f"a{self.layer}" if f"a{self.layer}" not in used else f"a{self.layer}_{len(used)}"
        self._emit(label, Apply(name, self.value))
        self.stages.append(name)

    def dense(self, match) -> None:
        n = int(match[1])
        if n < 1:
            raise ValueError(f"{match[0]}: a dense layer has at least one unit")
        self.flatten()
        self.layer += 1
        l = self.layer
        W, b = MatrixSymbol(f"W{l}", n, self.dims[0]), MatrixSymbol(f"b{l}", n, 1)
        self.params += [W, b]
        self._emit(f"z{l}", MatAdd(MatMul(W, self.value), b))
        self.dims = (n,)
        self.stages.append(match[0])

    def network(self, head: str) -> ConvNetwork:
        if len(self.dims) != 1 or not self.params or not self.steps[-1][0].name.startswith("z") \
                or not _DENSE.fullmatch(self.stages[-1]):
            raise ValueError(f"a conv spec ends with a dense layer dN (then its output activation), e.g. "
                             f"…:pool2:d10:softmax; got …:{self.stages[-1] if self.stages else head}")
        n = self.dims[0]
        n_params = sum(int(p.shape[0] * p.shape[1]) for p in self.params)
        if n_params > MAX_LAYER_PARAMS:
            raise ValueError(f"the network has {n_params:,} parameters; symnet works with at most "
                             f"{MAX_LAYER_PARAMS:,}: use fewer filters, a pooling, or a narrower dense layer")
        output = _output(self.output, (0, n))
        if output != "identity":
            z = self.value
            self._emit(f"a{self.layer}", Softmax(z) if output == "softmax" else Apply(output, z))
        hidden = tuple(s for s in self.stages if s in ELEMENTWISE) or ("identity",)
        program = Program((self.x,), tuple(self.params), tuple(self.steps), (self.value,))
        stages = (head, *self.stages, output)
        return ConvNetwork((self.x.shape[0], n), hidden[0] if len(set(hidden)) == 1 else hidden, output, program,
                           (), stages, self.image)
