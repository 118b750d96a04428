"""Checked fields of a model file's JSON: a required key of a given type, the version, a list of finite
numbers, a list of names, positive scales.

Model files of both kinds (``modelfile``: scalar networks and layer networks, old and new versions)
read their fields through these functions, so a damaged file gets the same messages, each naming
the key at fault and showing (at most ``SHOWN`` characters of) the value found.
"""

from __future__ import annotations

import json

import numpy as np

SHOWN = 60  # characters of a bad value echoed in a message
JSON_TYPES = {dict: "an object", list: "a list", str: "a string", int: "a whole number", float: "a number",
              bool: "true/false", type(None): "null"}


def shown(value) -> str:
    """``value`` as JSON, cut to ``SHOWN`` characters with an ellipsis.

    >>> shown(True), shown("x" * 100)[-5:]
    ('true', 'xxxx…')
    """
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _kind(value) -> str:
    return JSON_TYPES.get(type(value), type(value).__name__)


def required_key(doc: dict, key: str, kind):
    """``doc[key]``, which must be there and of type ``kind`` (a boolean is never a number)."""
    if key not in doc:
        raise ValueError(f"missing key {key!r}")
    if not isinstance(doc[key], kind) or isinstance(doc[key], bool):
        raise ValueError(f"key {key!r} has the wrong type: {_kind(doc[key])}, {shown(doc[key])}")
    return doc[key]


def check_version(doc: dict, expected: int) -> None:
    """Refuse a ``version`` that is not the whole number ``expected`` (``true`` is not 1)."""
    value = doc.get("version")
    if type(value) is not int or value != expected:
        raise ValueError(f"unsupported version {shown(value)} (key 'version'); this symnet reads version {expected}")


def finite_floats(values, key) -> np.ndarray:
    """A model file's list of numbers as a float array: a list, numbers only (no booleans), all finite."""
    if not isinstance(values, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise ValueError(f"key {key!r} must be a list of numbers only; got {shown(values)}")
    array = np.array(values, dtype=float)
    if not np.isfinite(array).all():
        raise ValueError(f"key {key!r} holds a value that is not finite")
    return array


def names(values, key: str, n: int) -> tuple[str, ...]:
    """A list of ``n`` distinct non-empty names (one per network input), as a tuple."""
    if (not isinstance(values, list) or len(values) != n or not all(isinstance(s, str) and s for s in values)
            or len(set(values)) != n):
        raise ValueError(f"key {key!r} must be a list of {n} distinct names (strings), one per network input; "
                         f"got {shown(values)}")
    return tuple(values)


def scales(values, key: str, n: int) -> np.ndarray:
    """``n`` standard deviations to divide by: finite, and at least the smallest normal float
    (2.2e-308), so that 1/scale is finite (a subnormal such as 1e-320 would turn every input into inf)."""
    array = finite_floats(values, key)
    tiny = np.finfo(float).tiny
    if array.shape != (n,) or not (array >= tiny).all():
        raise ValueError(f"key {key!r} must hold {n} numbers, each at least {tiny:.3g} (a standard deviation "
                         f"to divide by); got {shown(values)}")
    return array
