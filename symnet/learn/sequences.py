"""A sequence task that needs attention: find the candidate that matches the query, report its class.

Each sequence is T tokens of d = p + k + 1 features. Token 1 is the query: a random unit key u ∈ ℝᵖ, no class,
the query flag 1. Tokens 2…T are candidates: a unit key, the one-hot class (k classes), flag 0. One candidate,
at a random position, holds a noisy copy of u; the label is the class of the candidate whose key is most
similar to the query's (largest cosine). No fixed position holds the answer and the classes alone say
nothing: a model must compare the query with every candidate, which is what q Kᵀ does.
"""

from __future__ import annotations

import numpy as np

from symnet.learn.dataset import Dataset


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def match_query(n: int, tokens: int = 6, key_size: int = 4, classes: int = 4, noise: float = 0.3,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences (n × T × d) and their labels (n,), reproducible from ``seed``.

    >>> X, y = match_query(3, seed=1)
    >>> X.shape, y.shape, X[:, 0, -1].tolist()
    ((3, 6, 9), (3,), [1.0, 1.0, 1.0])
    """
    for value, name, low in ((n, "n", 1), (tokens, "tokens", 3), (key_size, "key_size", 1), (classes, "classes", 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be a whole number ≥ {low}; got {value!r}")
    rng = np.random.default_rng(seed)
    m = tokens - 1                                                   # candidates
    query = _unit(rng.normal(size=(n, key_size)))
    keys = _unit(rng.normal(size=(n, m, key_size)))
    match = rng.integers(0, m, size=n)
    keys[np.arange(n), match] = _unit(query + noise * rng.normal(size=(n, key_size)))
    kinds = rng.integers(0, classes, size=(n, m))
    X = np.zeros((n, tokens, key_size + classes + 1))
    X[:, 0, :key_size], X[:, 0, -1] = query, 1.0
    X[:, 1:, :key_size] = keys
    X[:, 1:, key_size:key_size + classes] = np.eye(classes)[kinds]
    nearest = np.einsum("nk,nmk->nm", query, keys).argmax(axis=1)   # most similar candidate (cosine: unit keys)
    return X, kinds[np.arange(n), nearest].astype(float)


def match_query_dataset(n: int, seed: int = 0, **options) -> Dataset:
    """``match_query`` as a ``Dataset`` with one flat row (T·d numbers) per sequence, as ``train`` takes it."""
    X, y = match_query(n, seed=seed, **options)
    return Dataset(X.reshape(n, -1), y, tuple(f"x{i + 1}" for i in range(X[0].size)), "match_query")


def sequences_for(network, n: int = 200, noise: float = 0.3, seed: int = 0) -> Dataset:
    """``match_query_dataset`` shaped for ``network``: its T tokens, its k classes, keys of d − k − 1 numbers.

    >>> from symnet.core.attention_model import attention
    >>> sequences_for(attention(6, 9, 4, classes=4), n=5).X.shape
    (5, 54)
    """
    tokens, features, classes = (getattr(network, a, None) for a in ("tokens", "features", "classes"))
    if tokens is None:
        raise ValueError("sequences trains an attention network, e.g. attention:T=6,d=9,classes=4 "
                         "(d = key size + classes + 1)")
    if features - classes - 1 < 1 or tokens < 3:
        raise ValueError(f"sequences needs T ≥ 3 tokens and d ≥ classes + 2 features (a key, the one-hot class, a "
                         f"query flag); the network has T={tokens}, d={features}, classes={classes}: e.g. "
                         f"attention:T={max(tokens, 3)},d={classes + 5},classes={classes}")
    return match_query_dataset(n, seed=seed, tokens=tokens, key_size=features - classes - 1, classes=classes,
                               noise=noise)
