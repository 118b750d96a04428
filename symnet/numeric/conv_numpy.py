"""NumPy lowerings of convolution, pooling and reshape on batch-first (N, C, H, W) arrays.

No Python loop runs over pixels: each call makes strided windows of its input
(``sliding_window_view``, a view), copies them once into one row per output pixel (im2col) and contracts
them with one matrix product (``tensordot`` of the strided view itself is 30× slower: it falls off BLAS):

    conv2d         Z[n,f,i,j]  = Σ_{c,u,v} X[n,c,s·i+u,s·j+v] K[f,c,u,v] + b[f]     (X padded by p)
    kernel_grad    ∂C/∂K[f,c,u,v] = Σ_{n,i,j} δ[n,f,i,j] X[n,c,s·i+u,s·j+v]       (X ⋆ δ, batch summed)
    input_grad     ∂C/∂X = δ̃ ⋆ rot180(K)ᵀ, δ̃ = δ with s−1 zeros between entries and k−1 around  (the full
                   convolution of δ with the flipped kernel), then the padding cropped
    maxpool        the max of each k × k block, over the k² strided views X[:, :, u::k, v::k]; its gradient
                   puts δ at each block's (first) argmax
    avgpool        the mean of each block; its gradient spreads δ/k² over the block

An argument may arrive as a flat batch (N, C·H·W), the network's input rows; it is reshaped to images first
(a view). Outputs for an input of the column kind come back flat.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from symnet.core.conv import Geometry
from symnet.core.pooling import PoolGeometry
from symnet.numeric.lowerings import register


def _image(X, C, H, W):
    return X.reshape(X.shape[0], C, H, W)


def _windows(X, g: Geometry):
    """(N, C, H′, W′, kh, kw) windows of the padded image, a view (the padding costs one copy)."""
    X = _image(X, g.C, g.H, g.W)
    if g.pad:
        X = np.pad(X, ((0, 0), (0, 0), (g.pad, g.pad), (g.pad, g.pad)))
    view = sliding_window_view(X, (g.kh, g.kw), axis=(2, 3))
    return view[:, :, ::g.stride, ::g.stride] if g.stride != 1 else view


def _columns(view):
    """Windows (N, C, H′, W′, kh, kw) as one row per output pixel: (N·H′·W′, C·kh·kw), one copy (im2col)."""
    n, c, h, w, kh, kw = view.shape
    return np.ascontiguousarray(view.transpose(0, 2, 3, 1, 4, 5)).reshape(n * h * w, c * kh * kw)


def conv2d(X, K, b, geometry):
    """K ⋆ X + b for a batch of images: (N, F, H′, W′), one matrix product of the windows with the filters."""
    g = Geometry(*geometry)
    Z = _columns(_windows(X, g)) @ np.ascontiguousarray(K.reshape(g.F, -1).T)      # (N·H′·W′, F)
    Z += b
    return _nchw(Z.reshape(X.shape[0], *g.out, g.F))


def _nchw(Z):
    """(N, H, W, C) to a contiguous (N, C, H, W): one copy here saves a strided copy in every later step."""
    return np.ascontiguousarray(Z.transpose(0, 3, 1, 2))


def conv_kernel_grad(X, delta, geometry):
    """X ⋆ δ summed over the batch: ∂C/∂K as F × C·kh·kw, one matrix product of δ with the windows of X."""
    g = Geometry(*geometry)
    D = delta.reshape(delta.shape[0], g.F, -1).transpose(0, 2, 1).reshape(-1, g.F)   # (N·H′·W′, F)
    return D.T @ _columns(_windows(X, g))


def conv_input_grad(delta, K, geometry):
    """δ ∗ rot180(K): the full convolution of δ with the flipped kernel, cropped to the input (its kind)."""
    g = Geometry(*geometry)
    n, (Ho, Wo) = delta.shape[0], g.out
    Hp, Wp = g.H + 2 * g.pad, g.W + 2 * g.pad
    spread = np.zeros((n, g.F, Hp + g.kh - 1, Wp + g.kw - 1))
    spread[:, :, g.kh - 1:g.kh - 1 + (Ho - 1) * g.stride + 1:g.stride,
           g.kw - 1:g.kw - 1 + (Wo - 1) * g.stride + 1:g.stride] = delta.reshape(n, g.F, Ho, Wo)
    flipped = np.ascontiguousarray(K.reshape(g.F, g.C, g.kh, g.kw)[:, :, ::-1, ::-1].transpose(0, 2, 3, 1)).reshape(-1, g.C)
    view = sliding_window_view(spread, (g.kh, g.kw), axis=(2, 3))            # (N, F, Hp, Wp, kh, kw)
    dX = _nchw((_columns(view) @ flipped).reshape(n, Hp, Wp, g.C))
    dX = dX[:, :, g.pad:g.pad + g.H, g.pad:g.pad + g.W]
    return dX.reshape(n, -1) if g.column else dX


def channel_sum(delta, geometry):
    """∂C/∂b: δ summed over each filter's pixels and the batch, (F,)."""
    g = Geometry(*geometry)
    return delta.reshape(delta.shape[0], g.F, -1).sum(axis=2).sum(axis=0)


def _offsets(X, g: PoolGeometry):
    """The k² strided views X[:, :, u::k, v::k] (u, v < k) over the whole blocks: entry (u, v) of every window."""
    (Ho, Wo), k = g.out, g.k
    X = _image(X, g.C, g.H, g.W)
    return [X[:, :, u:u + Ho * k:k, v:v + Wo * k:k] for u in range(k) for v in range(k)]


def maxpool2d(X, geometry):
    """The largest entry of each k × k block: (N, C, H′, W′), k² elementwise maxima of strided views (a loop
    over the window's offsets, not over pixels; a reduction over two small strided axes is 5× slower)."""
    views = _offsets(X, PoolGeometry(*geometry))
    out = views[0].copy()
    for view in views[1:]:
        np.maximum(out, view, out=out)
    return out


def avgpool2d(X, geometry):
    """The mean of each k × k block: (N, C, H′, W′)."""
    g = PoolGeometry(*geometry)
    views = _offsets(X, g)
    out = views[0].copy()
    for view in views[1:]:
        out += view
    out /= g.k * g.k
    return out


def _spread(pieces, g: PoolGeometry, n: int):
    """The k² pieces (N, C, H′, W′), one per window offset, written back into the input's shape (zeros where
    rows or columns past the last whole block were dropped)."""
    (Ho, Wo), k = g.out, g.k
    G = np.zeros((n, g.C, g.H, g.W))
    for (u, v), piece in zip(((u, v) for u in range(k) for v in range(k)), pieces):
        G[:, :, u:u + Ho * k:k, v:v + Wo * k:k] = piece
    return G.reshape(n, -1) if g.column else G


def maxpool_grad(delta, X, geometry):
    """δ put at the argmax of each block (the first on a tie, as frameworks do), zeros elsewhere."""
    g = PoolGeometry(*geometry)
    n = X.shape[0]
    views, D = _offsets(X, g), delta.reshape(n, g.C, *g.out)
    top = maxpool2d(X, geometry)
    taken, pieces = np.zeros(top.shape, dtype=bool), []
    for view in views:
        hit = (view == top) & ~taken
        taken |= hit
        pieces.append(hit * D)
    return _spread(pieces, g, n)


def avgpool_grad(delta, geometry):
    """δ/k² on every entry of each block."""
    g = PoolGeometry(*geometry)
    n = delta.shape[0]
    share = delta.reshape(n, g.C, *g.out) / (g.k * g.k)
    return _spread([share] * (g.k * g.k), g, n)


def reshape(X, dims):
    """The batch in another per-sample shape (a view when X is contiguous)."""
    return X.reshape(X.shape[0], *dims)


NUMPY_CONV = {"conv2d": conv2d, "conv_kernel_grad": conv_kernel_grad, "conv_input_grad": conv_input_grad,
              "channel_sum": channel_sum, "maxpool2d": maxpool2d, "avgpool2d": avgpool2d,
              "maxpool_grad": maxpool_grad, "avgpool_grad": avgpool_grad, "reshape": reshape}


def _jax_conv(name):
    """``name``'s JAX lowering (``conv_jax``), looked up when the traced code first calls it: no JAX import here."""
    def call(*args):
        from symnet.numeric.conv_jax import jax_functions

        return jax_functions()[name](*args)
    return call


for _name, _fn in NUMPY_CONV.items():      # each conv node's lowering, per backend, in the one registry
    register(_name, "numpy", _fn)
    register(_name, "jax", _jax_conv(_name))
