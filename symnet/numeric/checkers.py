"""The rows of ``check_grads``'s table (``gradcheck.CHECKERS``) for the kinds with checkers of their own: an
attention network's sequences and a typed matrix loss over the whole data.

Each row takes ``check_grads``'s arguments as every row does, and applies them to its kind:

    ``wrt``     the report keeps the entries of the named parameters (resolved as for ``grad``);
    ``batch``   the random point's batch: N sequences, or the typed loss's row size (the size that counts the rows
                of every data array, e.g. N in "X=N x 3, y=N"), as ``train``'s ``batch_size`` binds it;
    ``at``      a typed loss: one {name: array} for every data array and parameter (``{"X": …, "y": …, "w": …}``);
    ``rules``   a typed loss: your derivative rules reach its gradient, as in ``derive``.

What a kind cannot take is refused with the reason (an attention network's gradient is compiled from the rule
table's own rows, and its point is tokens, not named entries), never dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from symnet.core.names import resolve_wrt
from symnet.numeric.gradreport import GradCheckReport


def check_sequences(target, theta, X, y, options) -> GradCheckReport:
    """Sequences: the attention network's own columns (``numeric.attention_check``)."""
    from symnet.numeric.attention_check import check_attention_grads, random_attention_point

    for name, why in (("rules", "its gradient is compiled from the rule table's own rows"),
                      ("at", "its point is a batch of token sequences: give theta, X (N × T × d) and y")):
        if options[name] is not None and (name != "rules" or options[name]):   # rules={}: no rule of yours
            raise NotImplementedError(f"check_grads takes no {name}= for an attention network: {why}")
    wanted = _wanted(target.program, options["wrt"])
    if options["batch"] is not None:
        default = random_attention_point(target, options["seed"], options["batch"])
        theta, X, y = (d if v is None else v for d, v in zip(default, (theta, X, y)))
    report = check_attention_grads(target, theta, X, y, seed=options["seed"], compiled=options["compiled"],
                                   lower_max_params=options["lower_max_params"])
    return only(report, wanted)


def check_whole_data(target, theta, X, y, options) -> GradCheckReport:
    """A typed matrix loss: against its scalar lowering (``numeric.matrix_check``)."""
    from symnet.numeric.matrix_check import check_matrix_loss
    from symnet.numeric.matrix_code import compile_matrix_loss

    wanted = _wanted(target.program, options["wrt"])
    if options["at"] is not None:
        if any(v is not None for v in (theta, X, y)):
            raise ValueError("give either at= (one point) or theta, X and y, not both")
        theta, X = _typed_point(target, options["at"])
    sizes = None if options["batch"] is None else {row_size(target): options["batch"]}
    compiled = options["compiled"] or compile_matrix_loss(target, rules=options["rules"])
    report = check_matrix_loss(target, theta, X, y, compiled=compiled, sizes=sizes, seed=options["seed"],
                               order=options["order"], rules=options["rules"])
    return only(report, wanted)


def row_size(loss) -> str:
    """The name of the size that counts the rows of every data array of a typed loss (``ValueError`` if none)."""
    rows = {str(d.shape[0]) for d in loss.data}
    named = {s.name for s in loss.sizes}
    if len(rows) != 1 or not rows <= named:
        raise ValueError(f"batch= sets the number of rows every data array shares; the data of this loss "
                         f"({', '.join(f'{d.name}: {d.shape[0]} rows' for d in loss.data)}) share no size: drop "
                         f"batch= (each size is 4 in the random data), or give the data as X")
    return rows.pop()


def _typed_point(loss, at) -> tuple:
    """(theta, {data name: array}) from one {name: array} naming every data array and parameter."""
    params, data = [p.name for p in loss.program.params], [d.name for d in loss.data]
    missing = [n for n in data + params if n not in at]
    unknown = sorted(set(at) - set(data + params))
    if missing or unknown:
        raise ValueError(f"at= names every data array and parameter of the loss ({', '.join(data + params)}) once: "
                         + (f"missing {', '.join(missing)}" if missing else f"{', '.join(unknown)} is not in the loss"))
    theta = np.concatenate([np.ravel(np.asarray(at[n], dtype=float)) for n in params] or [np.zeros(0)])
    return theta, {n: at[n] for n in data}


def _wanted(program, wrt):
    """The parameter names ``wrt`` keeps (None: all), checked against the program."""
    if wrt is None:
        return None
    symbols = resolve_wrt(program, wrt)
    inputs = [s.name for s in symbols if s not in program.params]
    if inputs:
        raise ValueError(f"check_grads compares gradients by parameters; {', '.join(inputs)} is an input "
                         f"(use grad or derive to differentiate by an input)")
    return tuple(s.name for s in symbols)


def only(report: GradCheckReport, wanted) -> GradCheckReport:
    """The report's rows of the ``wanted`` parameters' entries (``W_Q_1_2`` is an entry of W_Q)."""
    if wanted is None:
        return report
    entry = re.compile("|".join(rf"{re.escape(name)}(_\d+)+" for name in wanted))
    rows = tuple(row for row in report.rows if entry.fullmatch(row.param))
    return replace(report, rows=rows)
