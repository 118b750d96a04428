"""Checked fields of a model file's JSON: a required key of a given type, a list of finite numbers.

Model files of both kinds (``modelfile`` for scalar networks, ``layer_model`` for layer networks)
read their fields through these two functions, so a damaged file gets the same messages.
"""

from __future__ import annotations

import numpy as np


def required_key(doc: dict, key: str, kind):
    """``doc[key]``, which must be there and of type ``kind`` (a boolean is never a number)."""
    if key not in doc:
        raise ValueError(f"missing key {key!r}")
    if not isinstance(doc[key], kind) or isinstance(doc[key], bool):
        raise ValueError(f"key {key!r} has the wrong type {type(doc[key]).__name__}")
    return doc[key]


def finite_floats(values, key) -> np.ndarray:
    """A model file's list of numbers as a float array: a list, numbers only (no booleans), all finite."""
    if not isinstance(values, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise ValueError(f"key {key!r} must be a list of numbers only")
    array = np.array(values, dtype=float)
    if not np.isfinite(array).all():
        raise ValueError(f"key {key!r} holds a value that is not finite")
    return array
