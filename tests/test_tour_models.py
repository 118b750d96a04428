"""The tour's section "Convolution and attention: the same sweep" (after "From 11 parameters to 10,000").

The page checks read the Chinese tour built once per session (``tour_zh_without_tex`` of tests/conftest.py);
tests/test_tour.py checks the section in both languages on its own English tour. The rest needs no tour: the
numbers are recomputed with symnet (training is deterministic for a seed), the figures' texts translated.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

import symnet
from symnet import grad, show
from symnet.render.i18n import t
from symnet.tour import models
from symnet.tour.parallel import BACKGROUND
from symnet.tour.sections import SECTIONS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIGURES = ("conv_filters.png", "conv_feature_maps.png", "conv_misclassified.png", "attention_weights.png")


def section_of(page: str, lang: str) -> str:
    """The Markdown of the models section: from its heading to the next one (or the end)."""
    start = page.index(f"## {t('models_title', lang)}\n")
    end = page.find("\n## ", start + 1)
    return page[start:] if end < 0 else page[start:end]


def table_rows(md: str, caption: str) -> list[dict]:
    """The rows of the Markdown table under ``caption`` as {header: cell}."""
    lines = md[md.index(caption):].splitlines()[1:]
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = [line for line in itertools.takewhile(lambda line: line.startswith("|"), lines[first:])]
    header = [c.strip() for c in table[0].strip("|").split("|")]
    return [dict(zip(header, (c.strip().strip("`") for c in row.strip("|").split("|")))) for row in table[2:]]


@pytest.fixture(scope="module")
def zh_section(tour_zh_without_tex):
    out, _ = tour_zh_without_tex
    return out, section_of((out / "index.md").read_text(encoding="utf-8"), "zh")


def test_the_section_follows_the_layers_section_and_runs_in_the_worker():
    keys = [key for key, _ in SECTIONS]
    assert keys.index("models") == keys.index("layers") + 1 and "models" in BACKGROUND
    for lang in ("en", "zh"):
        assert t("section_models", lang) and t("models_title", lang) != t("layers_title", lang)


def test_the_chinese_page_shows_both_sweeps_as_symnet_derives_them(zh_section):
    _, md = zh_section
    for network in (symnet.convnet(models.SWEEP_SPEC), symnet.attention(*models.ATTENTION[:3],
                                                                       classes=models.ATTENTION[3])):
        assert show(grad(network), "unicode") in md
    assert "δ¹ = (δ² ∗full rot180(K²)) ⊙ relu′(z¹)" in md and "∂C/∂K¹ = x ⋆ δ¹" in md      # ∂C/∂X and ∂C/∂K
    assert "p² = maxpool2(a²)" in md and "route_argmax(" in md                           # the pooling rows
    assert "∂C/∂S = A ⊙ (∂C/∂O Vᵀ − rowsum(A ⊙ (∂C/∂O Vᵀ)))" in md
    assert "J = diag(a) − (a aᵀ)" in md and "Ḡ = A ⊙ (G − rowsum(A ⊙ G))" in md         # softmax by rows
    assert "∂L/∂w = (2/N)·Xᵀ (X w − y) + 2·λ·w    (3 × 1)" in md and "形状: X: N × 3" in md  # the typed ridge
    assert re.search(r"[\u4e00-\u9fff]", t("models_p4", "zh")) and "卷积" in md and "注意力" in md


def test_the_four_way_checks_agree_in_the_page(zh_section):
    _, md = zh_section
    rows = table_rows(md, t("models_check", "zh"))
    assert [r[t("h_network", "zh")] for r in rows] == [models.CONV_TWIN + ":softmax",
                                                        symnet.attention(*models.ATTENTION_TWIN[:3],
                                                                         classes=models.ATTENTION_TWIN[3]).spec]
    for row in rows:
        assert row[t("models_h_verdict", "zh")] == t("check_ok", "zh") and float(row[t("models_h_gap", "zh")]) < 1e-6
        assert row[t("models_h_methods", "zh")].split(", ") == [t(f"method_{m}", "zh") for m in
                                                              ("matrix", "lowered", "numeric", "finite_diff")]


def test_the_accuracies_are_the_runs_symnet_repeats(zh_section):
    """The same seeds give the same θ: retrain both models and find their test accuracies in the table and text."""
    from symnet.learn.digits import digits
    from symnet.learn.sequences import match_query

    _, md = zh_section
    split, cnn = digits(), symnet.convnet(models.CONV_SPEC)
    fit = symnet.train(cnn, split.train, optimizer="adam", learning_rate=0.01, schedule="linear", weight_decay=1e-3,
                       epochs=models.CONV_EPOCHS, batch_size=32, seed=models.CONV_SEED, progress=False)
    conv = 100 * np.mean(fit.classify(split.test.X) == split.test.y)
    head = symnet.attention(*models.ATTENTION[:3], classes=models.ATTENTION[3])
    (X, y), (X_test, y_test) = (match_query(n, seed=seed) for seed, n in enumerate(models.N_SEQUENCES))
    run = symnet.train(head, (X.reshape(len(X), -1), y), epochs=models.ATTENTION_EPOCHS, batch_size=64,
                       learning_rate=0.02, seed=models.ATTENTION_SEED, progress=False)
    attention = 100 * np.mean(run.compiled.predict(run.theta, X_test).argmax(axis=1) == y_test)
    rows = table_rows(md, t("models_table", "zh"))
    assert [r[t("layers_h_test", "zh")] for r in rows] == [f"{conv:.1f}%", f"{attention:.1f}%"]
    assert [r[t("h_params", "zh")] for r in rows] == [str(cnn.n_params), str(head.n_params)]
    assert f"{conv:.1f}%" in md and f"{attention:.1f}%" in md and conv >= 90 and attention >= 90


def test_the_figures_are_written_and_shown(zh_section):
    out, md = zh_section
    assert re.findall(r"\]\(([\w.-]+\.png)\)", md) == list(FIGURES)
    for name in FIGURES:
        assert (out / name).read_bytes()[:8] == PNG_MAGIC
    html = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'<img src="{name}"' in html for name in FIGURES)
    assert f"<code>{models.CONV_SPEC}</code>" in html and f"<td class=\"word\"><code>{models.CONV_TWIN}" in html


def test_the_listings_have_a_phone_setting_a_size_smaller_with_shapes_on_rows_of_their_own():
    sweep = models._sweep(symnet.convnet(models.SWEEP_SPEC), "caption")
    assert sweep.narrow.startswith("\\scriptsize \\begin{aligned}") and "&& " not in sweep.narrow
    assert sweep.narrow.count("&\\qquad") >= sweep.latex.count("&&") and "&&" in sweep.latex


def test_the_conv_figures_have_no_english_words_left_in_chinese():
    from matplotlib.text import Text

    from symnet.plot.conv import plot_feature_maps, plot_filters
    from symnet.tour.localize import localize

    net = symnet.convnet("conv:8x8:c3x3x2:relu:pool2:d10:softmax")
    theta = np.random.default_rng(0).normal(size=net.n_params)
    for fig, title in ((plot_filters(net, theta), "滤波器 2"), (plot_feature_maps(net, theta, np.arange(64.0)), "特征图 2")):
        localize(fig, "zh")
        texts = [a.get_text() for a in fig.findobj(Text) if a.get_text()]
        assert title in texts and not [s for s in texts if re.search(r"[A-Za-z]{2,}", s)], texts


def test_the_matching_candidate_is_the_most_similar_key():
    from symnet.learn.sequences import match_query

    X, y = match_query(50, seed=3)
    found = models.matching_token(X)
    assert found.min() >= 1 and found.max() <= X.shape[1] - 1 and len(set(found)) > 1
    assert np.array_equal(X[np.arange(50), found, 4:8].argmax(axis=1), y)     # the boxed token carries the label


@pytest.mark.parametrize("network, output, hidden", [
    (lambda: symnet.convnet("conv:8x8:c3x3x4:relu:c3x3x4:relu:pool2:d10"), "δ³", "δ¹"),
    (lambda: symnet.layers("4-5-3", "relu", "softmax"), "δ²", "δ¹"),
    (lambda: symnet.attention(4, 3, 2, classes=2), "δ", None),
])
def test_the_output_delta_is_bp1_and_a_hidden_one_bp2(network, output, hidden):
    tags = {line.split(" = ")[0]: line.split()[-1] for line in show(grad(network()), "unicode").splitlines()
            if line.startswith("δ")}
    assert tags[output] == "BP1"
    if hidden is not None:
        assert tags[hidden] == "BP2"


def test_the_feature_maps_show_the_digit_as_a_person_sees_it():
    from symnet.learn.digits import digits
    from symnet.plot.conv import plot_feature_maps

    split, net = digits(), symnet.convnet("conv:8x8:c3x3x2:relu:pool2:d10:softmax")
    theta = np.random.default_rng(1).normal(size=net.n_params)
    raw = plot_feature_maps(net, theta, split.test.X[0], shown=split.test_images[0])
    plain = plot_feature_maps(net, theta, split.test.X[0])
    assert np.array_equal(raw.axes[0].images[0].get_array(), split.test_images[0])
    assert raw.axes[0].get_title() == "input" and plain.axes[0].get_title() == "input (standardised)"
    for k in (1, 2):                     # the maps are the network's, whatever picture stands beside them
        assert np.array_equal(raw.axes[k].images[0].get_array(), plain.axes[k].images[0].get_array())
