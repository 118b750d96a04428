"""Which compiler and checker a loss takes: its ``layout``, read in one place.

Every kind of loss says how its data meet its program, as a class attribute (``symnet.core`` imports no
NumPy, so a word, not a function):

    ``"columns"``      a scalar program: X by columns, θ one number per symbol (``Loss``)
    ``"batch-first"``  matrix steps: rows of X are samples, θ as views W¹, b¹, … (``LayerLoss``, conv networks')
    ``"sequences"``    a batch of token sequences, one matrix per sample (``AttentionLoss``)
    ``"whole-data"``   a typed matrix loss over the whole data, no batch (``MatrixLoss``)

Each verb keeps one table from layout to its implementation (``codegen.COMPILERS``,
``gradcheck.CHECKERS``, ``learn.training.TRAINERS``), and ``dispatch`` is the one place such a table is read: a
new kind of model is one row per verb, not a new ``if`` in each verb. A network is resolved to its loss first
(``as_target``).
"""

from __future__ import annotations

from collections.abc import Mapping

from symnet.core.losses import as_loss
from symnet.core.program import Program

LAYOUTS = ("columns", "batch-first", "sequences", "whole-data")


def as_target(target):
    """The loss a verb works on: a loss itself, or a network's default loss (``network.loss()`` where the
    network names one, else squared error, as ``as_loss`` says)."""
    if getattr(target, "is_loss", False):
        return target
    default = getattr(target, "loss", None)
    if callable(default):
        return default()
    if isinstance(getattr(target, "program", None), Program) and hasattr(target, "network"):   # a loss
        return target
    return as_loss(target)


def dispatch(table: Mapping, target, verb: str):
    """``(loss, implementation)``: ``target`` resolved to its loss, and the row of ``verb``'s table for its layout."""
    loss = as_target(target)
    layout = getattr(loss, "layout", None)
    if layout not in table:
        raise TypeError(f"{verb} takes a loss whose layout is one of {', '.join(table)}; got "
                        f"{type(loss).__name__} with layout {layout!r}")
    return loss, table[layout]
