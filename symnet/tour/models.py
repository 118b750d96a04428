"""The tour's section after "From 11 parameters to 10,000": the same reverse sweep through a convolution and an
attention head, then a model typed as a formula.

For each model the section shows the forward steps and the backward steps symnet derives (one matrix rule per
step: ∂C/∂K = X ⋆ δ and ∂C/∂X = δ ∗full rot180(K) for a convolution, δ routed to the argmax for max pooling,
a ⊙ (g − rowsum(a ⊙ g)) for softmax by rows), the four-way gradient check of a small twin, a short training run
with a fixed seed and its figures (learned filters, feature maps, misclassified digits; the attention heat map).
Everything runs in a fraction of the tour's time: a few epochs, small twins for the checks.
"""

from __future__ import annotations

import numpy as np

from symnet.render.i18n import t
from symnet.tour.records import Artifact, Formula, Section, Table, TourContext

CONV_SPEC = "conv:8x8:c3x3x8:relu:pool2:d10:softmax"        # the digits CNN of docs/convolution.md
SWEEP_SPEC = "conv:8x8:c3x3x4:relu:c3x3x4:relu:pool2:d10"    # two convolutions: ∂C/∂K and ∂C/∂X both appear
CONV_TWIN = "conv:4x4:c2x2x1:relu:c2x2x2:relu:pool2:d2"      # the same steps, 21 parameters: checked four ways
CONV_EPOCHS, CONV_SEED = 12, 2
ATTENTION = (6, 9, 8, 4)             # T tokens, d features, d_k, classes: the match-the-query task
ATTENTION_TWIN = (3, 4, 2, 2)
ATTENTION_EPOCHS, ATTENTION_SEED = 5, 0
N_SEQUENCES = (3000, 1000)           # training and test sequences
HEAT_PANELS = 3
SMALLER = 0.7                        # \scriptsize: a phone's listings, so the widest row fits 420 px
RIDGE = ("norm2(X*w - y)^2/N + lam*norm2(w)^2", "X=N x 3, y=N, w=3")


def models_section(ctx: TourContext) -> Section:
    """A convolution and an attention head through the same sweep, checked, trained and drawn."""
    from symnet.core.attention_model import attention
    from symnet.core.convnet import convnet

    lang = ctx.lang
    cnn, head = convnet(CONV_SPEC), attention(*ATTENTION[:3], classes=ATTENTION[3])
    conv_fit, conv_files = _train_cnn(ctx, cnn)
    head_fit, head_files = _train_attention(ctx, head)
    formulas = (_sweep(convnet(SWEEP_SPEC), t("models_conv_sweep", lang, spec=SWEEP_SPEC)),
                _sweep(head, t("models_attention_sweep", lang, spec=head.spec)),
                _softmax_rows(lang), _typed(lang))
    paragraphs = (t("models_p1", lang), t("models_p2", lang),
                  t("models_p3", lang, **_run_words(conv_fit, cnn)), t("models_p4", lang, **_run_words(head_fit, head)),
                  t("models_p5", lang))
    tables = (_check_table(lang), _training_table((conv_fit, head_fit), lang))
    return Section("models", t("models_title", lang), paragraphs, formulas, tables, conv_files + head_files)


# ---- the derivations ------------------------------------------------------------------------------


def _sweep(network, caption: str) -> Formula:
    """The forward steps and the derived backward steps of ``network``, one matrix a line with its shape."""
    from symnet.core.backprop import grad
    from symnet.render.show import show

    gradient = grad(network)
    latex = show(gradient, "latex")
    return Formula(caption, show(gradient, "unicode"), latex, phone(latex))


def phone(latex: str) -> str:
    r"""A listing's setting for a phone: each row's shape or reason on a row of its own, a size smaller.

    >>> print(phone(r"\begin{aligned}a &= b && 2 \times 1\end{aligned}"))
    \scriptsize \begin{aligned}a &= b  \\ &\qquad 2 \times 1\end{aligned}
    """
    from symnet.tour.breaking import NARROW, narrow

    return "\\scriptsize " + narrow(latex, int(NARROW / SMALLER))


def _softmax_rows(lang: str) -> Formula:
    """softmax by rows: from its Jacobian diag(a) − aaᵀ to a ⊙ (g − rowsum(a ⊙ g)), step by step."""
    from symnet.render.attention import softmax_row_derivation

    latex = softmax_row_derivation("latex", lang)
    return Formula(t("models_softmax_rows", lang), softmax_row_derivation("text", lang), latex, phone(latex))


def _typed(lang: str) -> Formula:
    """Ridge regression typed as matrix text: its vectorized gradient (2/N)Xᵀ(Xw − y) + 2λw."""
    from symnet.io.text import loss
    from symnet.render.matrix_report import report

    text, shapes = RIDGE
    ridge = loss(text, shapes=shapes)
    gradient = ridge.gradient()
    lines = report(ridge, gradient, "latex", lang=lang).split(" \\\\\n")
    aligned = " \\\\\n".join(line if "&" in line else "& " + line for line in lines)   # the shapes: left, not right
    return Formula(t("models_typed", lang, expr=text, shapes=shapes), report(ridge, gradient, lang=lang), aligned)


def _check_table(lang: str) -> Table:
    """The four-way gradient check of the small twins: every parameter, the largest gap, the verdict."""
    from symnet.core.attention_model import attention
    from symnet.numeric.gradcheck import check_grads
    from symnet.core.convnet import convnet

    twins = (convnet(CONV_TWIN), attention(*ATTENTION_TWIN[:3], classes=ATTENTION_TWIN[3]))
    rows = []
    for net in twins:
        report = check_grads(net, seed=0)
        gap = max(row.max_error for row in report.rows)
        methods = ", ".join(t(f"method_{m}", lang) for m in report.methods)
        verdict = t("check_ok" if report.ok else "check_bad", lang)
        rows.append((f"`{net.spec}`", str(net.n_params), methods, f"{gap:.1e}", verdict))
    header = tuple(t(k, lang) for k in ("h_network", "h_params", "models_h_methods", "models_h_gap", "models_h_verdict"))
    return Table(t("models_check", lang), header, tuple(rows))


# ---- the training runs ------------------------------------------------------------------------------


def _train_cnn(ctx: TourContext, net):
    """The digits CNN trained for a few epochs; its filters, one image's feature maps, the digits it misses."""
    from symnet.learn.training import train
    from symnet.learn.digits import digits
    from symnet.plot.classifier import plot_misclassified
    from symnet.plot.conv import plot_feature_maps, plot_filters
    from symnet.tour.figures import save_figure

    split, lang = digits(), ctx.lang
    fit = train(net, split.train, validation=split.test, optimizer="adam", learning_rate=0.01,
                       schedule="linear", weight_decay=1e-3, epochs=CONV_EPOCHS, batch_size=32, seed=CONV_SEED,
                       progress=False)
    predicted = fit.classify(split.test.X)
    files = (save_figure(plot_filters(net, fit.theta), ctx, "conv_filters.png", t("models_filters", lang)),
             save_figure(plot_feature_maps(net, fit.theta, split.test.X[0], shown=split.test_images[0]), ctx,
                         "conv_feature_maps.png", t("models_feature_maps", lang)),
             save_figure(plot_misclassified(split.test_images, split.test.y, predicted), ctx,
                         "conv_misclassified.png", t("models_misclassified", lang)))
    return fit, files


def _train_attention(ctx: TourContext, net):
    """One attention head on the match-the-query task; the heat map of a few test sequences' weights."""
    from symnet.learn.training import train
    from symnet.learn.sequences import match_query
    from symnet.plot.attention import plot_attention
    from symnet.tour.figures import save_figure

    (X, y), (X_test, y_test) = (match_query(n, seed=seed) for seed, n in enumerate(N_SEQUENCES))
    fit = train(net, (X.reshape(len(X), -1), y), validation=(X_test.reshape(len(X_test), -1), y_test),
                       epochs=ATTENTION_EPOCHS, batch_size=64, learning_rate=0.02, seed=ATTENTION_SEED,
                       progress=False)
    shown = X_test[:HEAT_PANELS]
    weights = fit.compiled.layout.attention_weights(fit.compiled, fit.theta, shown)
    predicted = fit.compiled.predict(fit.theta, shown).argmax(axis=1)
    figure = plot_attention(weights, y_test[:HEAT_PANELS], predicted, matching_token(shown), lang=ctx.lang)
    return fit, (save_figure(figure, ctx, "attention_weights.png", t("models_heat_map", ctx.lang)),)


def matching_token(sequences, key_size: int = 4) -> np.ndarray:
    """The candidate (1 … T−1) whose key is most similar to the query's, in each sequence (n × T × d).

    >>> matching_token(np.array([[[1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 0, 0]]]))
    array([2])
    """
    keys = np.asarray(sequences, dtype=float)[:, :, :key_size]
    return 1 + np.einsum("nk,nmk->nm", keys[:, 0], keys[:, 1:]).argmax(axis=1)


def _run_words(fit, net) -> dict:
    s = fit.summary
    return {"spec": net.spec, "params": f"{net.n_params:,}", "epochs": s["epochs"], "n_train": s["n_train"],
            "n_test": s["n_validation"], "accuracy": f"{100 * s['test_accuracy']:.1f}",
            "seconds": f"{s['seconds']:.2f}"}


def _training_table(fits, lang: str) -> Table:
    header = tuple(t(k, lang) for k in ("h_network", "h_params", "h_epochs", "layers_h_train", "layers_h_test",
                                        "layers_h_seconds"))
    rows = tuple((f"`{s['network']}`", f"{s['parameters']:,}", str(s["epochs"]), f"{100 * s['train_accuracy']:.1f}%",
                  f"{100 * s['test_accuracy']:.1f}%", f"{s['seconds']:.2f}") for s in (f.summary for f in fits))
    return Table(t("models_table", lang), header, rows)
