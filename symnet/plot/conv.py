"""Figures of a convolutional network: its learned first-layer filters and the feature maps they make.

The filters are the rows of K¹ (F × C·kh·kw), each drawn as a kh × kw image (channel 0) on one colour scale
centred at zero, so that positive and negative weights read alike; the feature maps are relu(K¹ ⋆ x + b¹) of
one input image, computed by the network's own compiled lowering (``symnet.numeric.conv_numpy``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from symnet.core.conv import Conv2d


def first_convolution(network):
    """The first ``Conv2d`` step of ``network`` and the index of its kernel in ``network.params``."""
    for _, rhs in network.program.assignments:
        if isinstance(rhs, Conv2d):
            return rhs, network.params.index(rhs.args[1])
    raise ValueError(f"{network.spec} has no convolution: its filters cannot be drawn")


def _kernel(network, theta):
    step, index = first_convolution(network)
    sizes = [int(p.shape[0] * p.shape[1]) for p in network.params]
    start = sum(sizes[:index])
    g = step.geometry
    return step, theta[start:start + sizes[index]].reshape(g.F, g.C, g.kh, g.kw)


def plot_filters(network, theta, fig=None) -> Figure:
    """The first convolution's F filters (channel 0), one small image each, on one symmetric colour scale.

    >>> from symnet.core.convnet import convnet
    >>> net = convnet("conv:8x8:c3x3x4:relu:pool2:d10:softmax")
    >>> len(plot_filters(net, np.zeros(net.n_params)).axes)
    4
    """
    _, K = _kernel(network, np.asarray(theta, dtype=float))
    fig = fig or Figure(figsize=(1.2 * len(K), 1.6), layout="constrained")
    scale = max(float(np.abs(K).max()), 1e-12)
    for f, ax in enumerate(fig.subplots(1, len(K), squeeze=False)[0]):
        ax.imshow(K[f, 0], cmap="RdBu_r", vmin=-scale, vmax=scale)
        ax.set_title(f"filter {f + 1}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def plot_feature_maps(network, theta, image, fig=None, shown=None) -> Figure:
    """relu(K¹ ⋆ x + b¹) of one input ``image`` (its C·H·W pixels, as the network reads them), one map per filter,
    beside the image; ``shown``: the image as a person sees it (raw pixels), drawn instead of the standardised one,
    where a 7 is hard to see."""
    from symnet.numeric.conv_numpy import conv2d

    step, K = _kernel(network, np.asarray(theta, dtype=float))
    g, index = step.geometry, network.params.index(step.args[1])
    sizes = np.cumsum([0] + [int(p.shape[0] * p.shape[1]) for p in network.params])
    bias = np.asarray(theta, dtype=float)[sizes[index + 1]:sizes[index + 2]]
    maps = np.maximum(conv2d(np.asarray(image, dtype=float).reshape(1, -1), K, bias, tuple(g))[0], 0.0)
    fig = fig or Figure(figsize=(1.2 * (len(maps) + 1), 1.6), layout="constrained")
    axes = fig.subplots(1, len(maps) + 1, squeeze=False)[0]
    picture = np.asarray(image if shown is None else shown, dtype=float).reshape(g.C, g.H, g.W)[0]
    axes[0].imshow(picture, cmap="gray_r")
    axes[0].set_title("input (standardised)" if shown is None else "input", fontsize=8)
    for f, ax in enumerate(axes[1:]):
        ax.imshow(maps[f], cmap="viridis")
        ax.set_title(f"map {f + 1}", fontsize=8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
