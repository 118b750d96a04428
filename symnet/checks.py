"""Argument checks shared by the numeric modules: one validator per kind of number, figure names, formula inputs.

Each validator returns the value converted (``float``, ``int`` or a pair) or raises ``ValueError``
(``TypeError`` when the value is not a number at all) with the message "NAME must be …; got …".
Python and NumPy numbers pass alike — ``np.int64`` is an integer, ``np.float32`` a real — because
NumPy registers its scalars with ``numbers.Integral`` / ``numbers.Real``; bools are rejected. No
NumPy import, so symbolic modules (``towers``) can use these too.
"""

from __future__ import annotations

import math
from numbers import Integral, Number, Real
from pathlib import Path

FIGURE_FORMATS = ("png", "svg", "pdf")
# the two spellings of a formula's inputs, in column order; a formula uses one of them, never both
INPUT_NAMES = (("x", "y"), ("x1", "x2"))


def _shown(value) -> str:
    """A number as the user wrote it (``11``, not NumPy's ``np.int64(11)``); anything else by ``repr``."""
    return str(value) if isinstance(value, Number) and not isinstance(value, bool) else repr(value)


def _real(value, name: str, requirement: str) -> float:
    """``value`` as a float, or TypeError when it is not a real number (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be {requirement}; got {_shown(value)} of type {type(value).__name__}")
    return float(value)


def finite(value, name: str) -> float:
    """A finite real number as a float.

    Args:
        value: the number to check.
        name: its name in the message.

    Returns:
        ``float(value)``.

    >>> finite(2, "x0")
    2.0
    >>> finite(float("nan"), "x0")
    Traceback (most recent call last):
    ...
    ValueError: x0 must be a finite number; got nan
    """
    number = _real(value, name, "a finite number")
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number; got {_shown(value)}")
    return number


def positive(value, name: str) -> float:
    """A finite number > 0 as a float.

    >>> positive(0.1, "learning_rate")
    0.1
    """
    number = _real(value, name, "positive (a finite number > 0)")
    if not (0 < number < math.inf):
        raise ValueError(f"{name} must be positive (a finite number > 0); got {_shown(value)}")
    return number


def non_negative(value, name: str) -> float:
    """A finite number ≥ 0 as a float.

    >>> non_negative(0, "noise")
    0.0
    """
    number = _real(value, name, "a finite number ≥ 0")
    if not (0 <= number < math.inf):
        raise ValueError(f"{name} must be a finite number ≥ 0; got {_shown(value)}")
    return number


def integer(value, name: str, at_least: int | None = None, at_most: int | None = None) -> int:
    """A whole number (``int`` or a NumPy integer, not a bool or a float) within the bounds, as an int.

    Args:
        value: the number to check.
        name: its name in the message.
        at_least, at_most: inclusive bounds; None for none.

    Returns:
        ``int(value)``.

    >>> import numpy as np
    >>> integer(np.int64(4), "n", at_least=1)
    4
    >>> integer(0, "epochs", at_least=1)
    Traceback (most recent call last):
    ...
    ValueError: epochs must be an integer ≥ 1; got 0
    """
    if at_least is not None and at_most is not None:
        requirement = f"an integer from {at_least} to {at_most}"
    elif at_least is not None:
        requirement = f"an integer ≥ {at_least}"
    else:
        requirement = "an integer" if at_most is None else f"an integer ≤ {at_most}"
    if isinstance(value, bool) or not isinstance(value, Integral):
        kind = ValueError if isinstance(value, Real) and not isinstance(value, bool) else TypeError
        raise kind(f"{name} must be {requirement}; got {_shown(value)}")
    if (at_least is not None and value < at_least) or (at_most is not None and value > at_most):
        raise ValueError(f"{name} must be {requirement}; got {_shown(value)}")
    return int(value)


def fraction(value, name: str, include_zero: bool = False) -> float:
    """A number strictly between 0 and 1 (or in [0, 1) with ``include_zero``) as a float.

    >>> fraction(0.2, "validation")
    0.2
    >>> fraction(0, "beta", include_zero=True)
    0.0
    """
    requirement = "a number in [0, 1)" if include_zero else "a fraction between 0 and 1 (e.g. 0.2)"
    number = _real(value, name, requirement)
    if not ((0 <= number if include_zero else 0 < number) and number < 1):
        raise ValueError(f"{name} must be {requirement}; got {_shown(value)}")
    return number


def interval(low, high, name: str) -> tuple[float, float]:
    """Finite bounds with low < high, as floats.

    >>> interval(-1, 2, "domain x")
    (-1.0, 2.0)
    >>> interval(1, 1, "bounds x")
    Traceback (most recent call last):
    ...
    ValueError: bounds x must satisfy min < max; got min=1, max=1
    """
    low, high = finite(low, f"{name} minimum"), finite(high, f"{name} maximum")
    if not low < high:
        raise ValueError(f"{name} must satisfy min < max; got min={low:g}, max={high:g}")
    return low, high


def formula_inputs(text: str, used, inputs=None, dims: int = 2) -> tuple[str, ...]:
    """The input names, in column order, of a formula whose symbols are ``used``.

    One rule for ``function:`` data and ``approx``: a formula is in x, y or in x1, x2 (x or x1 in
    1-D), decided by which occur; mixing them, or any other symbol, is an error. Given ``inputs``,
    the formula may use only those.

    Args:
        text: the formula (for messages).
        used: the names of its symbols.
        inputs: the allowed names, or None for the rule above (neither spelling used: x, y).
        dims: the number of inputs under the rule (1 or 2).

    Returns:
        The input names.

    >>> formula_inputs("sin(x1)*x2", {"x1", "x2"})
    ('x1', 'x2')
    >>> formula_inputs("x*x2", {"x", "x2"})
    Traceback (most recent call last):
    ...
    ValueError: the formula 'x*x2' mixes x with x2; write it in x, y or in x1, x2, not both
    """
    if inputs is not None:
        names, hint = tuple(str(name) for name in inputs), ""
    else:
        spellings = tuple(names[:integer(dims, "dims", 1, 2)] for names in INPUT_NAMES)
        found = [names for names in spellings if used & set(names)]
        if len(found) > 1:
            raise ValueError(f"the formula {text!r} mixes {' and '.join(sorted(used & set(found[0])))} with "
                             f"{' and '.join(sorted(used & set(found[1])))}; write it in "
                             f"{' or in '.join(', '.join(names) for names in spellings)}, not both")
        names = found[0] if found else spellings[0]
        hint = "".join(f" (or in {', '.join(n)})" for n in spellings if n != names)
    stray = sorted(used - set(names))
    if stray:
        raise ValueError(f"the formula {text!r} uses {', '.join(stray)}; expected a formula in "
                         f"{', '.join(names)} only{hint}")
    return names


def figure_path(path) -> Path:
    """A figure's file name, checked before any work: it must end .png, .svg or .pdf.

    >>> figure_path("tower.svg").suffix
    '.svg'
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"cannot save a figure as {path.suffix or 'a file without a suffix'} ({path.name}); "
                         f"expected a file name ending {', '.join('.' + f for f in FIGURE_FORMATS)}")
    return path


def jax_runtime_started() -> bool:
    """True once JAX has started its runtime in this process: its threads make a later ``os.fork`` unsafe
    (a child can deadlock on a lock one of them held), so symnet's forks (a time limit's worker, the
    tour's second process) run the work in this process instead."""
    import sys

    return bool(getattr(sys.modules.get("jax._src.xla_bridge"), "_at_fork_handler_installed", False))
