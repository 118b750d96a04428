"""What each symnet object says, before a printer formats it: the (lhs, rhs) pairs of a program and of a
gradient, and the one-line summaries of a gradient check, a layer network, a training result, a data set and
a tower. Plain data and words, no printer: the printers of ``symnet.render.printing`` lay these out as text,
Unicode, LaTeX or Markdown.
"""

from __future__ import annotations

from sympy import Derivative, Symbol


def program_lines(program) -> list:
    """A program's assignments, then ``out = …`` (``out1``, ``out2``… for several outputs)."""
    outputs = program.outputs
    names = ["out"] if len(outputs) == 1 else [f"out{i}" for i in range(1, len(outputs) + 1)]
    return list(program.assignments) + [(Symbol(name), e) for name, e in zip(names, outputs)]


def gradient_lines(gradient) -> list:
    """The forward assignments, the δ assignments, then ∂out/∂p = … for every p."""
    out = gradient.forward.outputs[0]
    return (list(gradient.forward.assignments) + list(gradient.adjoints)
            + [(Derivative(out, s), r) for s, r in zip(gradient.wrt, gradient.results)])


def report_notes(report) -> list[str]:
    """The verdict and tolerance line of a gradient check, then one line per skipped oracle (in English)."""
    from symnet.render.check_table import check_notes

    return check_notes(report, "en")


def layer_summary(net, lang: str = "en") -> str:
    """One line: the network's spec and its parameters with their shapes (a kernel's F×C×kh×kw), in ``lang``."""
    from symnet.derivation.matrix import display_dims, shape_of
    from symnet.render import i18n

    dims = display_dims(net.program)
    return i18n.t("layer_summary", lang, spec=net.spec, n=f"{net.n_params:,}", params=", ".join(
        f"{p.name} ({'×'.join(map(str, shape_of(p, dims)))})" for p in net.params))


def train_summary(result) -> str:
    """One line: optimiser, epochs and the loss before and after (and on the validation set)."""
    s, h = result.settings, result.history
    line = (f"trained {result.theta.size:,} parameters with {s.get('optimizer', '?')} "
            f"(learning rate {s.get('learning_rate', '?')}) for {h.epochs[-1] if h.epochs else 0} epochs: "
            f"loss {h.train_loss[0]:.6g} → {h.train_loss[-1]:.6g}")
    return line + (f", validation loss {h.val_loss[-1]:.6g}" if h.val_loss else "")


def scalar_values(result) -> list:
    """(name, value) of a trained network's scalar parameters; a layer network's matrices are too many to list."""
    return [(name, float(v)) for name, v in result.values().items() if getattr(v, "ndim", 0) == 0]


def dataset_summary(data) -> str:
    """One line: name, size, inputs and whether the targets are labels."""
    kind = "labels 0/1" if data.is_classification else "real targets"
    return f"data set {data.name}: {len(data)} samples, inputs {', '.join(data.inputs)}, {kind}"


def tower_summary(tower) -> str:
    """One line: how many towers, and the steepness, sharpness and threshold of its neurons."""
    count = len(tower.boxes)
    return (f"{count} tower{'s' if count != 1 else ''}: steepness {tower.steepness:g}, "
            f"sharpness {tower.sharpness:g}, threshold {tower.threshold:g}")
