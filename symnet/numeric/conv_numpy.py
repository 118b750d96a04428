"""NumPy lowerings of convolution, pooling and reshape on batch-first (N, C, H, W) arrays.

No Python loop runs over pixels: each call makes strided windows of its input
(``sliding_window_view``, a view) and contracts them with one ``tensordot``:

    conv2d         Z[n,f,i,j]  = Σ_{c,u,v} X[n,c,s·i+u,s·j+v] K[f,c,u,v] + b[f]     (X padded by p)
    kernel_grad    ∂C/∂K[f,c,u,v] = Σ_{n,i,j} δ[n,f,i,j] X[n,c,s·i+u,s·j+v]       (X ⋆ δ, batch summed)
    input_grad     ∂C/∂X = δ̃ ⋆ rot180(K)ᵀ, δ̃ = δ with s−1 zeros between entries and k−1 around  (the full
                   convolution of δ with the flipped kernel), then the padding cropped
    maxpool        the max of each k × k block (a reshape); its gradient puts δ at each block's argmax
    avgpool        the mean of each block; its gradient spreads δ/k² over the block

An argument may arrive as a flat batch (N, C·H·W), the network's input rows; it is reshaped to images first
(a view). Outputs for an input of the column kind come back flat.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from symnet.core.conv import Geometry, PoolGeometry


def _image(X, C, H, W):
    return X.reshape(X.shape[0], C, H, W)


def _windows(X, g: Geometry):
    """(N, C, H′, W′, kh, kw) windows of the padded image, a view (the padding costs one copy)."""
    X = _image(X, g.C, g.H, g.W)
    if g.pad:
        X = np.pad(X, ((0, 0), (0, 0), (g.pad, g.pad), (g.pad, g.pad)))
    view = sliding_window_view(X, (g.kh, g.kw), axis=(2, 3))
    return view[:, :, ::g.stride, ::g.stride] if g.stride != 1 else view


def conv2d(X, K, b, geometry):
    """K ⋆ X + b for a batch of images: (N, F, H′, W′)."""
    g = Geometry(*geometry)
    Z = np.tensordot(_windows(X, g), K.reshape(g.F, g.C, g.kh, g.kw), axes=([1, 4, 5], [1, 2, 3]))
    Z += b                                         # (N, H′, W′, F): the bias broadcasts along the last axis
    return Z.transpose(0, 3, 1, 2)


def conv_kernel_grad(X, delta, geometry):
    """X ⋆ δ summed over the batch: ∂C/∂K as F × C·kh·kw."""
    g = Geometry(*geometry)
    D = delta.reshape(delta.shape[0], g.F, *g.out)
    return np.tensordot(D, _windows(X, g), axes=([0, 2, 3], [0, 2, 3])).reshape(g.F, -1)


def conv_input_grad(delta, K, geometry):
    """δ ∗ rot180(K): the full convolution of δ with the flipped kernel, cropped to the input (its kind)."""
    g = Geometry(*geometry)
    n, (Ho, Wo) = delta.shape[0], g.out
    Hp, Wp = g.H + 2 * g.pad, g.W + 2 * g.pad
    spread = np.zeros((n, g.F, Hp + g.kh - 1, Wp + g.kw - 1))
    spread[:, :, g.kh - 1:g.kh - 1 + (Ho - 1) * g.stride + 1:g.stride,
           g.kw - 1:g.kw - 1 + (Wo - 1) * g.stride + 1:g.stride] = delta.reshape(n, g.F, Ho, Wo)
    flipped = K.reshape(g.F, g.C, g.kh, g.kw)[:, :, ::-1, ::-1]
    view = sliding_window_view(spread, (g.kh, g.kw), axis=(2, 3))            # (N, F, Hp, Wp, kh, kw)
    dX = np.tensordot(view, flipped, axes=([1, 4, 5], [0, 2, 3])).transpose(0, 3, 1, 2)
    dX = dX[:, :, g.pad:g.pad + g.H, g.pad:g.pad + g.W]
    return dX.reshape(n, -1) if g.column else dX


def channel_sum(delta, geometry):
    """∂C/∂b: δ summed over each filter's pixels and the batch, (F,)."""
    g = Geometry(*geometry)
    return delta.reshape(delta.shape[0], g.F, -1).sum(axis=(0, 2))


def _blocks(X, g: PoolGeometry):
    """(N, C, H′, k, W′, k) blocks of X, the rows and columns past the last whole block dropped."""
    (Ho, Wo), k = g.out, g.k
    X = _image(X, g.C, g.H, g.W)[:, :, :Ho * k, :Wo * k]
    return X.reshape(X.shape[0], g.C, Ho, k, Wo, k)


def maxpool2d(X, geometry):
    """The largest entry of each k × k block: (N, C, H′, W′)."""
    return _blocks(X, PoolGeometry(*geometry)).max(axis=(3, 5))


def avgpool2d(X, geometry):
    """The mean of each k × k block: (N, C, H′, W′)."""
    return _blocks(X, PoolGeometry(*geometry)).mean(axis=(3, 5))


def _unblock(G, g: PoolGeometry):
    """Blocks (N, C, H′, W′, k, k) back to the input's shape, zeros where rows or columns were dropped."""
    (Ho, Wo), k, n = g.out, g.k, G.shape[0]
    G = G.transpose(0, 1, 2, 4, 3, 5).reshape(n, g.C, Ho * k, Wo * k)
    if (Ho * k, Wo * k) != (g.H, g.W):
        G = np.pad(G, ((0, 0), (0, 0), (0, g.H - Ho * k), (0, g.W - Wo * k)))
    return G.reshape(n, -1) if g.column else G


def maxpool_grad(delta, X, geometry):
    """δ put at the argmax of each block (the first on a tie, as frameworks do), zeros elsewhere."""
    g = PoolGeometry(*geometry)
    (Ho, Wo), k, n = g.out, g.k, X.shape[0]
    flat = _blocks(X, g).transpose(0, 1, 2, 4, 3, 5).reshape(n, g.C, Ho, Wo, k * k)
    G = np.zeros_like(flat)
    np.put_along_axis(G, flat.argmax(axis=-1)[..., None], delta.reshape(n, g.C, Ho, Wo)[..., None], axis=-1)
    return _unblock(G.reshape(n, g.C, Ho, Wo, k, k), g)


def avgpool_grad(delta, geometry):
    """δ/k² on every entry of each block."""
    g = PoolGeometry(*geometry)
    (Ho, Wo), k, n = g.out, g.k, delta.shape[0]
    D = delta.reshape(n, g.C, Ho, Wo, 1, 1) / (k * k)
    return _unblock(np.broadcast_to(D, (n, g.C, Ho, Wo, k, k)), g)


def reshape(X, dims):
    """The batch in another per-sample shape (a view when X is contiguous)."""
    return X.reshape(X.shape[0], *dims)


NUMPY_CONV = {"conv2d": conv2d, "conv_kernel_grad": conv_kernel_grad, "conv_input_grad": conv_input_grad,
              "channel_sum": channel_sum, "maxpool2d": maxpool2d, "avgpool2d": avgpool2d,
              "maxpool_grad": maxpool_grad, "avgpool_grad": avgpool_grad, "reshape": reshape}
