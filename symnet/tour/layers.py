"""The tour's last step, "from 11 parameters to 10,000": Nielsen's BP1–BP4, the seed network's scalar
sweep and the layer network's matrix sweep side by side, then a layer network trained on real digits.

Each row holds one equation of backpropagation as Nielsen writes it (per sample, any σ and cost C),
the seed network's lines that are an instance of it (``symnet.core.backprop.grad``: sigmoid neurons,
L = (y − ŷ)², one number per line) and the layer network's (the same sweep over matrix steps: ReLU,
softmax with the log-likelihood cost, one matrix per line). They are two networks obeying the same
equations, not entries of one matrix equation:

    BP1  δᴸ = ∇ₐC ⊙ σ′(zᴸ)            (seed: δh₅, δz₅; softmax + log-likelihood replaces it by δᴸ = aᴸ − y)
    BP2  δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)  (every other neuron: δh, δu, δz)
    BP3  ∂C/∂bˡ = δˡ                   (∂L/∂bᵢ = δzᵢ)
    BP4  ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ           (δwᵢ,ⱼ = δzᵢ · input j)

BP1 fails for softmax because its Jacobian ∂aⱼ/∂zₖ = aⱼ(δⱼₖ − aₖ) is not diagonal: δᴸ = Jᵀ∇ₐC = aᴸ − y.
Training minimises the batch mean C̄ = (1/N) Σₓ Cₓ, so ∂C̄/∂Wˡ = (1/N) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ.

Then ``DIGITS_SPEC`` (over 10,000 parameters) trains on scikit-learn's 8×8 digits with
``symnet.train`` with ``LAYER_DEFAULTS`` (Adam, η decaying linearly, weight decay; about a second here), and
its figures and model file are written.
"""

from __future__ import annotations

from sympy import Derivative, Symbol

from symnet.render.i18n import t
from symnet.tour.records import (  # noqa: F401 (DIGITS_SPEC: re-exported)
    DIGITS_SPEC,
    Artifact,
    Formula,
    Section,
    Table,
    TourContext,
)

DIGITS_EPOCHS = 20                             # ~1 s on 2 shared cores; the CLI default (40) gains nothing here
DIGITS_SEED = 0
EQUATIONS = ("BP1", "BP2", "BP3", "BP4")


def layers_section(ctx: TourContext) -> Section:
    """From the seed network's 11 scalar parameters to a digits classifier with 10,810."""
    from symnet.core.backprop import grad
    from symnet.core.layers import layers

    lang = ctx.lang
    net = layers(*DIGITS_SPEC)
    gradient = grad(net.loss())
    beside = _beside(_scalar_groups(), _matrix_groups(gradient), lang)
    fit, split = _train(net)
    formulas = (beside, _softmax_jacobian(lang), _batch_mean(lang),
                Formula(t("layers_code", lang), fit.compiled.source.rstrip()))
    paragraphs = (t("layers_p1", lang), t("layers_p2", lang), _training_text(net, fit.summary, split, lang))
    files = _figures(ctx, fit, split) + (_model_file(ctx, fit, split),)
    return Section("layers", t("layers_title", lang), paragraphs, formulas, (_table(fit, lang),), files)


# ---- BP1–BP4 beside the scalar sweep ------------------------------------------------------------


def equation_of(symbol, output) -> str:
    """Which BP equation the scalar adjoint of ``symbol`` instantiates (``output``: the output neuron's index).

    >>> equation_of(Symbol("z5"), "5"), equation_of(Symbol("h2"), "5"), equation_of(Symbol("w3_1"), "5")
    ('BP1', 'BP2', 'BP4')
    """
    name = symbol.name
    if name.startswith("b"):
        return "BP3"
    if name.startswith("w"):
        return "BP4"
    return "BP1" if name[1:] == output else "BP2"


def _scalar_groups() -> dict[str, list]:
    """The seed network's adjoint lines (squared-error loss) by equation; ∂L/∂w = δw lines are left out
    (they only rename), ∂L/∂b = δz lines are BP3."""
    from symnet.core.backprop import grad
    from symnet.core.losses import squared_error
    from symnet.core.network import seed_network

    loss = squared_error(seed_network())
    gradient = grad(loss)
    output = seed_network().program.outputs[0].name[1:]    # h5 → "5": the output neuron
    groups = {tag: [] for tag in EQUATIONS}
    for lhs, rhs in gradient.adjoints:
        groups[equation_of(_primal(lhs), output)].append((lhs, rhs))
    out = loss.program.outputs[0]
    for param, result in zip(gradient.wrt, gradient.results):
        if param.name.startswith("b"):
            groups["BP3"].append((Derivative(out, param), result))
    return groups


def _primal(adjoint: Symbol) -> Symbol:
    """δz5 → z5: the symbol an adjoint belongs to (adjoints are named ``delta_<name>``)."""
    return Symbol(adjoint.name.removeprefix("delta_"))


def _matrix_groups(gradient) -> dict[str, list]:
    """The layer gradient's lines (LaTeX and Unicode) by equation, with their shapes."""
    from symnet.render.matrix import matrix_rows
    from symnet.render.notation import latex as tex
    from symnet.render.notation import pretty

    rows = matrix_rows(gradient)
    latex = [(tex(lhs), tex(rhs), shape, tag) for lhs, rhs, shape, tag in rows]
    text = [(pretty(lhs), pretty(rhs), shape, tag) for lhs, rhs, shape, tag in rows]
    groups = {tag: [] for tag in EQUATIONS}
    for (lhs, rhs, shape, tag), (ulhs, urhs, _, _) in zip(latex, text):
        if tag in groups:
            groups[tag].append((lhs, rhs, ulhs, urhs, shape))
    return groups


def _beside(scalar: dict, matrix: dict, lang: str) -> Formula:
    """One display, a row per equation: Nielsen's general form, the seed network's scalar lines, the layer
    network's matrix lines (softmax + log-likelihood: its BP1 row is the equation that replaces BP1)."""
    from symnet.render.bp_section import EQUATIONS as GENERAL
    from symnet.render.printing import format_assignments

    rows, text = [], []
    for tag, (_, general, general_text) in zip(EQUATIONS, GENERAL):
        left = format_assignments(scalar[tag], "latex")
        lines = [rf"{lhs} &= {rhs} && {_times(shape)}" for lhs, rhs, _, _, shape in matrix[tag]]
        if tag == "BP1":            # inside the cell: a \\ between array cells would end the row
            lines.append(rf"&\text{{{t('layers_replaces_bp1', lang)}}}")
        right = "\\begin{aligned}" + " \\\\ ".join(lines) + "\\end{aligned}"
        first = _stack([rf"\text{{{tag}}}", rf"\displaystyle {general}"])
        rows.append((first, left, right))
        replaced = f"   {t('layers_replaces_bp1', lang)}" if tag == "BP1" else ""
        text.append(f"{tag}  {general_text}\n" + format_assignments(scalar[tag], "unicode") + "\n  ↔  "
                    + "\n  ↔  ".join(f"{lhs} = {rhs}   ({shape})" for _, _, lhs, rhs, shape in matrix[tag]) + replaced)
    heads = [t(key, lang).split("\n") for key in ("layers_general_head", "layers_scalar_head", "layers_matrix_head")]
    head = [_stack([rf"\text{{{line}}}" for line in words]) for words in heads]
    rule = " \\\\ \\\\[-8pt] \\hline \\\\[-6pt]\n"      # short empty rows around each line: tall cells clear it
    latex = "\\begin{array}{lll}\n" + rule.join(" & ".join(row) for row in [head] + rows) + "\n\\end{array}"
    narrow = "\\begin{array}{l}\n" + rule.join(" \\\\[4pt] ".join(row) for row in [head] + rows) + "\n\\end{array}"
    return Formula(t("layers_beside", lang), "\n\n".join(text), latex, narrow)   # a phone: the three cells stacked


def _stack(cells) -> str:
    """LaTeX lines stacked left-aligned in one table cell (KaTeX has no \\multicolumn or \\makecell)."""
    return "\\begin{array}{l}" + " \\\\ ".join(cells) + "\\end{array}"


def _softmax_jacobian(lang: str) -> Formula:
    """Why softmax with log-likelihood replaces BP1: its Jacobian is not diagonal, and Jᵀ∇ₐC = aᴸ − y."""
    latex = (r"\begin{aligned} C &= -\sum_j y_j \log a^{L}_j, \qquad \nabla_a C = -\frac{y}{a^{L}} \\"
             r" \frac{\partial a^{L}_j}{\partial z^{L}_k} &= a^{L}_j \left(\delta_{jk} - a^{L}_k\right),"
             r" \qquad J = \operatorname{diag}(a^{L}) - a^{L} (a^{L})^{\mathsf T} \\"
             r" \delta^{L} &= J^{\mathsf T} \nabla_a C = -y + a^{L} \sum_j y_j = a^{L} - y \end{aligned}")
    text = ("C = −Σⱼ yⱼ log aᴸⱼ,   ∇ₐC = −y/aᴸ\n∂aᴸⱼ/∂zᴸₖ = aᴸⱼ(δⱼₖ − aᴸₖ),   J = diag(aᴸ) − aᴸ(aᴸ)ᵀ\n"
            "δᴸ = Jᵀ∇ₐC = −y + aᴸ Σⱼ yⱼ = aᴸ − y")
    return Formula(t("layers_jacobian", lang), text, latex)


def _batch_mean(lang: str) -> Formula:
    """The one statement of what training minimises: the batch mean C̄ = (1/N) Σₓ Cₓ, and BP3/BP4 for it."""
    from symnet.render.bp_section import BATCH

    latex = r"\bar C = \frac{1}{N}\sum_x C_x,\qquad " + BATCH[0]
    return Formula(t("layers_batch", lang), "C̄ = (1/N) Σₓ Cₓ,   " + BATCH[1], latex)


def _training_text(net, summary: dict, split, lang: str) -> str:
    """The paragraph on the digits run, its optimiser, η schedule and weight decay read from the run."""
    return t("layers_p3", lang, spec=net.spec, params=f"{net.n_params:,}", n_train=len(split.train),
             n_test=len(split.test), epochs=summary["epochs"], accuracy=f"{100 * summary['test_accuracy']:.1f}",
             optimizer=t(f"optimizer_{summary['optimizer']}", lang), eta=f"{summary['learning_rate']:g}",
             batch=summary["batch_size"], decay=f"{summary['weight_decay']:g}")


def _times(shape: str) -> str:
    """``144×64`` → ``144 \\times 64``."""
    return shape.replace("×", r" \times ")


# ---- the digits classifier --------------------------------------------------------------------


def _train(net):
    from symnet.learn.digits import digits
    from symnet.learn.training import LAYER_DEFAULTS, train

    split = digits()
    settings = {**LAYER_DEFAULTS, "epochs": DIGITS_EPOCHS}
    return train(net, split.train, validation=split.test, seed=DIGITS_SEED, progress=False, **settings), split


def _table(fit, lang: str) -> Table:
    s = fit.summary
    header = tuple(t(k, lang) for k in ("h_network", "h_params", "h_epochs", "layers_h_train", "layers_h_test",
                                        "layers_h_seconds"))
    row = (s["network"], f"{s['parameters']:,}", str(s["epochs"]), f"{100 * s['train_accuracy']:.1f}%",
           f"{100 * s['test_accuracy']:.1f}%", f"{s['seconds']:.2f}")
    return Table(t("layers_table", lang), header, (row,))


def _figures(ctx: TourContext, fit, split) -> tuple[Artifact, ...]:
    """Loss and accuracy curves, the confusion matrix and the misclassified test digits."""
    from symnet.plot.classifier import plot_confusion, plot_curves, plot_misclassified
    from symnet.tour.figures import save_figure

    lang = ctx.lang
    predicted = fit.classify(split.test.X)
    return (save_figure(plot_curves(fit.history), ctx, "digits_curves.png", t("layers_curves", lang)),
            save_figure(plot_confusion(fit.confusion(split.test)).figure, ctx, "digits_confusion.png",
                        t("layers_confusion", lang)),
            save_figure(plot_misclassified(split.test_images, split.test.y, predicted), ctx,
                        "digits_misclassified.png", t("layers_misclassified", lang)))


def _model_file(ctx: TourContext, fit, split) -> Artifact:
    """The trained classifier as a ``symnet-layers`` model file that reads raw pixels (``symnet predict``)."""
    from symnet.learn.modelfile import save

    save(ctx.path("digits_model.json"), fit, inputs=split.train.inputs, mean=split.mean, scale=split.scale)
    return Artifact(t("layers_model", ctx.lang), "digits_model.json")
