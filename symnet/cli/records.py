"""What the commands print with ``--format json``: their results as JSON-ready dicts, one function each.

Formulas are SymPy ``str`` text with the names the commands read back (``w1_1``, ``θ5``,
``sigmoid``); numbers are floats, and a value that is not finite (a path that blew up) is ``null``,
so the output is strict JSON. The schema of each record is documented in docs/cli.md; the tests
check its numbers against the library's. Only the standard library is imported at module level.
"""

from __future__ import annotations

import json
import math


def dumps(record: dict) -> str:
    """``record`` as indented strict JSON (Unicode kept readable) and a final newline.

    >>> print(dumps({"θ1": 0.5}), end="")
    {
      "θ1": 0.5
    }
    """
    return json.dumps(record, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def number(value) -> float | None:
    """``value`` as a float, or None when it is missing or not finite (JSON has no nan or inf).

    >>> number(1), number(float("nan")), number(None)
    (1.0, None, None)
    """
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# --- check ------------------------------------------------------------------------------------


def check_record(report, target, theta, X) -> dict:
    """``symnet check``: the point, the mean loss, and the four gradients of each parameter.

    ``gradients[name]`` maps each method (backprop, sympy, numeric, finite_diff) to its value, null
    when that method was skipped (``skipped`` says why); ``theta`` is null for a network of whole arrays (its
    rows name their entries: ``W1_2_1``). With ``order`` 2 the rows are
    ``second_derivatives["a,b"]`` (i ≤ j), by hessian, hvp, sympy and finite_diff.
    """
    from symnet.numeric.gradcheck import METHODS

    net = target.network
    methods, order = report.methods, report.order   # order 2: hessian, hvp, sympy, finite_diff
    rows = {row.param: {"values": dict(zip(methods, map(number, row.values))), "max_error": number(row.max_error),
                        "ok": row.ok} for row in report.rows}
    return {"network": getattr(net, "spec", None) or str(net), "loss": str(target.display), "loss_name": target.name,
            "ok": report.ok, "mean_loss": number(report.loss), "order": order,
            "rtol": report.tolerance[0], "atol": report.tolerance[1], "methods": list(methods), "batch": len(X),
            "theta": _theta_record(net.params, theta),
            "gradients" if order == 1 else "second_derivatives": rows,
            "skipped": [{"method": m, "reason": r} for m, r in report.skipped]}


def _theta_record(params, theta) -> dict | None:
    """θ by parameter name when each parameter is one number; None for whole arrays (their entries are the bulk:
    a 784-128-10 network's 101,770)."""
    if len(theta) != len(params):
        return None
    return {p.name: float(t) for p, t in zip(params, theta)}


# --- derive -----------------------------------------------------------------------------------


def derivation_record(derivation) -> dict:
    """``symnet derive``: for each parameter its paths (nodes, local factors with their rules),
    the δ-form, the optional closed form, and the values at the point when one was given."""
    if derivation.matrix:
        raise NotImplementedError("the matrix form of a derivation (BP1–BP4) has no JSON form yet; write it as "
                                  "text, Markdown, LaTeX or PDF")
    return {"loss": str(derivation.loss.display), "loss_name": derivation.loss.name,
            "abstract": derivation.abstract,
            "point": {s.name: float(v) for s, v in derivation.point} or None,
            "loss_value": number(derivation.loss_value),
            "derivatives": {p.param.name: _param_record(p) for p in derivation.params}}


def _param_record(item) -> dict:
    return {"paths": [{"nodes": [s.name for s in path.nodes], "value": number(path.value),
                       "factors": [_factor_record(f) for f in path.factors]} for path in item.paths],
            "delta_form": _text(item.compact), "adjoints": {str(a): str(b) for a, b in item.adjoints},
            "expanded": _text(item.expanded), "value": number(item.value),
            "finite_difference": number(item.finite_difference), "ok": item.ok}


def _factor_record(factor) -> dict:
    return {"of": factor.of.name, "by": factor.by.name, "formula": _text(factor.formula), "rule": factor.rule,
            "value": number(factor.value)}


def _text(expr) -> str | None:
    return None if expr is None else str(expr)


# --- approx -----------------------------------------------------------------------------------


def approx_record(study, refined) -> dict:
    """``symnet approx``: the error of each n (and after ``--refine``, the errors after training)."""
    after = {r.before.n: r.after for r in refined}
    rows = []
    for row in study.rows:
        item = {"n": row.n, "towers": row.towers, "params": row.params, "max_error": number(row.max_error),
                "rms_error": number(row.rms_error)}
        if row.n in after:
            item["refined"] = {"max_error": number(after[row.n].max_error), "rms_error": number(after[row.n].rms_error)}
        rows.append(item)
    return {"target": study.target, "domain": [float(v) for v in study.domain], "rows": rows}


def tower_record(model, nested: bool) -> dict:
    """``symnet tower``: the boxes, the constants, the network, its formula and parameter values."""
    return {"kind": "nested" if nested else "tower",
            "boxes": [[[float(a), float(b)], [float(c), float(d)]] for (a, b), (c, d) in model.boxes],
            "steepness": float(model.steepness), "sharpness": float(model.sharpness),
            "threshold": float(model.threshold), "neurons": len(model.network.neurons),
            "network": str(model.network.nested), "formula": str(model.network.concrete()),
            "values": {name: float(v) for name, v in model.values.items()}}


# --- descend ----------------------------------------------------------------------------------


def descent_record(paths, found=None) -> dict:
    """``symnet descend``: h, dh/dx and, for each learning rate, the points xₖ and values h(xₖ); with
    ``found`` (``descent.curvature``) also d²h/dx², the minimum x*, h″(x*), the stability limit 2/h″(x*)
    and each path's factor 1 − η·h″(x*) with its verdict (null where no minimum was found)."""
    first = paths[0]
    minimum = None if found is None else {
        "x": number(found.minimum), "found_by": found.found_by, "learning_rate": found.learning_rate,
        "second_derivative": number(found.value), "stability_limit": number(found.limit)}

    def stability(p):
        if found is None:
            return None
        verdict, reason = found.verdict(p.learning_rate)
        return {"factor": number(1 - p.learning_rate * found.value), "verdict": verdict, "reason": reason}

    return {"function": str(first.function), "variable": first.symbol.name, "derivative": str(first.derivative),
            "second_derivative": None if found is None else str(found.second_derivative),
            "x0": float(first.xs[0]), "minimum": minimum,
            "paths": [{"learning_rate": p.learning_rate, "steps": p.steps, "x": [number(v) for v in p.xs],
                       "h": [number(v) for v in p.hs], "diverged": p.diverged, "blew_up_at": p.blew_up_at,
                       "stability": stability(p)}
                      for p in paths]}


# --- train ------------------------------------------------------------------------------------


TRAIN_KEYS = ("network", "data", "loss", "loss_name", "optimizer", "learning_rate", "epochs", "batch_size",
              "weight_decay", "seed", "n_parameters", "n_train", "n_validation", "n_test", "final_loss",
              "accuracy", "parameters", "seconds", "files")


def train_record(result, data, validation, seed, written) -> dict:
    """``symnet train``: settings, final losses, accuracy (classification data; else null), the
    trained parameters and the files written; the keys of ``TRAIN_KEYS``, as for a layer network."""
    from symnet.learn.data import split

    s, h = result.settings, result.history
    accuracy = None
    if data.is_classification:
        train_set, val_set = split(data, validation, seed) if validation else (data, None)
        accuracy = {"train": result.accuracy(train_set),
                    "validation": None if val_set is None else result.accuracy(val_set), "test": None}
    values = result.values()
    return {"network": str(result.network), "data": data.name, "loss": str(result.loss.display),
            "loss_name": s["loss"], "optimizer": s["optimizer"],
            "learning_rate": s["learning_rate"], "epochs": h.epochs[-1], "batch_size": s["batch_size"],
            "weight_decay": None, "seed": s["seed"], "n_parameters": len(values),
            "n_train": s["n_train"], "n_validation": s["n_validation"], "n_test": 0,
            "final_loss": {"train": number(h.train_loss[-1]),
                           "validation": number(h.val_loss[-1]) if h.val_loss else None, "test": None},
            "accuracy": accuracy, "parameters": values, "seconds": h.seconds,
            "files": [str(p) for p in written]}


def layer_train_record(result, written) -> dict:
    """``symnet train layers:…``: the same keys as ``train_record``. The held-out set is the test split
    (``n_test``, ``final_loss.test``, ``accuracy.test``); ``parameters`` is null (θ is in model.json)."""
    s = result.summary
    return {"network": s["network"], "data": s["data"], "loss": str(result.loss), "loss_name": s["loss"],
            "optimizer": s["optimizer"], "learning_rate": s["learning_rate"], "epochs": s["epochs"],
            "batch_size": s["batch_size"], "weight_decay": s["weight_decay"], "seed": s["seed"],
            "n_parameters": s["parameters"], "n_train": s["n_train"], "n_validation": 0, "n_test": s["n_test"],
            "final_loss": {"train": number(s["train_loss"]), "validation": None, "test": number(s["test_loss"])},
            "accuracy": None if s["train_accuracy"] is None else {   # null for a regression, as for a scalar run
                "train": number(s["train_accuracy"]), "validation": None, "test": number(s["test_accuracy"])},
            "parameters": None, "seconds": s["seconds"], "files": [str(p) for p in written]}
