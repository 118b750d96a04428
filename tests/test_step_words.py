"""Derivations of convolutional and attention networks speak per step (``symnet.render.step_words``,
``symnet.derivation.matrix``): a convolution says Z = K ⋆ X + b and its rows, pooling and flatten say what they do
with δ, attention says softmax(QKᵀ/√d_k)V and the softmax row; shapes read F × H × W; a pooling that drops rows
says so."""

from __future__ import annotations

import re
import shutil

import pytest

import symnet
from symnet import derive
from symnet.core.convnet import convnet
from symnet.derivation.matrix import matrix_steps
from symnet.core.backprop import grad
from symnet.render.bp_section import bp_document
from tests.cli_helpers import run

CNN = "conv:8x8:c3x3x4:relu:c3x3x2/s2/same:relu:pool2:d3:softmax"     # ∂C/∂K and ∂C/∂X both appear
NO_LATEX = shutil.which("latexmk") is None or shutil.which("pdflatex") is None


def _lines(text: str) -> dict:
    """'lhs': the whole line, for every '  lhs = …' line of a Unicode derivation."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^  (\S+) = .*$", text, re.M)}


def test_a_conv_derivation_speaks_of_correlations_not_dense_layers():
    text = str(derive(convnet(CNN)))
    assert "Layer l computes" not in text and "Each step is one of: a convolution zˡ = Kˡ ⋆ aˡ⁻¹ + bˡ" in text
    lines = _lines(text)
    assert "∂C/∂K = X ⋆ δ: the kernel's gradient is the correlation of the layer's input with δ" in lines["∂C/∂K¹"]
    assert "full convolution with the flipped kernel" in lines["δ¹"] and "BP2:" not in lines["δ¹"]
    assert "∂C/∂b = Σ δ" in lines["∂C/∂b²"] and "BP3" not in lines["∂C/∂b²"]
    assert "goes back to the entry that was largest" in lines["δ²"] and "flatten only reshapes" in lines["δ²"]
    assert "stride 1, padding 0" in lines["z¹"] and "stride 2, padding 1" in lines["z²"]
    assert "flatten only reshapes" in lines["f"] and "largest entry of each 2 × 2 window" in lines["p²"]
    assert "BP4: the product rule for Wˡ aˡ⁻¹" in lines["∂C/∂W³"]            # the dense layer keeps BP1–BP4
    assert "∂C/∂K = X ⋆ δ where BP4 has δ aᵀ" in text


def test_average_pooling_says_it_spreads_delta():
    lines = _lines(str(derive(convnet("conv:6x6:c3x3x2:tanh:avg2:d3"))))
    assert "spread evenly over its k × k entries, δ/k² each" in lines["δ¹"]
    assert "the mean of each 2 × 2 window" in lines["p¹"]


def test_a_dense_derivation_keeps_bp1_to_bp4_words():
    text = str(derive(symnet.layers("4-3-2")))
    assert "Layer l computes zˡ = Wˡ aˡ⁻¹ + bˡ" in text
    assert all(" — BP" in line for lhs, line in _lines(text).items() if lhs.startswith(("δ", "∂C/")))


def test_an_attention_derivation_says_softmax_qk_v_and_reasons_by_product_rule():
    text = str(derive(symnet.attention(4, 5, 2, classes=3)))
    assert "Layer l computes" not in text and "softmax(QKᵀ/√d_k)V" in text
    lines = _lines(text)
    assert "the product rule: for Y = A B" in lines["∂C/∂W_Q"] and "BP4" not in lines["∂C/∂W_Q"]
    assert "a ⊙ (g − rowsum(a ⊙ g))" in lines["∂C/∂S"] and "BP4" in lines["∂C/∂W_o"]
    assert "softmax of each row" in lines["A"]
    backward = {str(s.lhs): s.tag for s in matrix_steps(grad(symnet.attention(4, 5, 2, classes=3)))[1]}
    assert backward["delta_W_Q"] == "" and backward["delta_W_o"] == "BP4"


def test_conv_words_in_chinese_markdown_and_latex():
    zh = str(derive(convnet(CNN), lang="zh"))
    assert "互相关" in zh and "第 l 层计算" not in zh and "；" in _lines(zh)["δ²"]
    result = run("derive", CNN, "--format", "markdown", "--no-check")
    assert result.exit_code == 0, result.output
    assert bp_document(derive(convnet(CNN)), "markdown").startswith("# Backpropagation through a convolutional network")
    assert "- $z^{1}$: cross-correlation of the 1 × 8 × 8 input" in result.output
    assert "- ∂C/∂X = δ ∗full rot180(K)" in result.output
    latex = run("derive", CNN, "--format", "latex", "--no-check")
    assert r"\item $\partial C/\partial K = X \star \delta$" in latex.output
    prose = [line for line in latex.output.splitlines() if line.startswith(r"\item")]
    assert prose and not any(c in line for line in prose for c in "⋆∗ΣḠ√⊙")   # pdflatex sets these in math only


def test_shapes_read_as_images_and_kernels():
    net = convnet("conv:8x8:c3x3x8:relu:pool2:d10:softmax")
    shown = run("show", net.spec)
    assert shown.exit_code == 0 and "K1 (8×1×3×3)" in shown.output and "(8×6×6)" in shown.output
    assert "(48×6)" not in shown.output and "(8×3×3)" in shown.output
    lines = _lines(str(derive(net)))
    assert "(8×6×6)" in lines["δ¹"] and "(8×1×3×3)" in lines["∂C/∂K¹"]
    latex = run("derive", net.spec, "--format", "latex", "--no-check").output
    assert r"&= K^{1} \star x + b^{1} && 8 \times 6 \times 6" in latex and r"48 \times 6" not in latex
    assert r"K1 (8$\times$1$\times$3$\times$3)" in run("show", net.spec, "--format", "latex").output


def test_a_pool_that_does_not_tile_the_image_says_what_it_drops():
    net = convnet("conv:7x7:c1x1x2:relu:pool2:d3:softmax")
    assert "pool2 on 7×7 uses 6×6 and drops the last row and column" in net.describe()
    assert "drops" not in convnet("conv:8x8:c1x1x2:relu:pool2:d3:softmax").describe()
    shown = run("show", net.spec)
    assert "pool2 on 7 × 7 uses 6 × 6 and drops the last row and column, as PyTorch's pooling does" in shown.output
    assert "pool3 on 7 × 8 uses 6 × 6 and drops the last row and 2 columns" in \
        run("show", "conv:7x8:pool3:d2").output
    assert "pool2 on 7 × 7 uses 6 × 6" in _lines(str(derive(net)))["p¹"]
    assert "舍去最后 1 行和 1 列" in str(derive(net, lang="zh"))


def test_show_with_lang_zh_says_the_parameters_and_the_pool_floor_in_chinese():
    shown = run("show", "conv:7x7:c1x1x2:relu:pool2:d3:softmax", "--lang", "zh")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "conv:7x7:c1x1x2:relu:pool2:d3:softmax：61 个参数，即 K1 (2×1×1×1), b1 (2×1), W2 (3×18), b2 (3×1)"
    assert "pool2 作用于 7 × 7 时只用 6 × 6，舍去最后 1 行和 1 列，与 PyTorch 的池化相同" in lines
    assert "parameters in" not in shown.output and "drops" not in shown.output
    assert "个参数" in symnet.show(convnet("conv:7x7:c1x1x2:relu:pool2:d3:softmax"), lang="zh")
    markdown = run("show", "conv:7x7:c1x1x2:relu:pool2:d3:softmax", "--format", "markdown", "--lang", "zh").output
    assert "61 个参数" in markdown and "舍去最后 1 行和 1 列" in markdown
    english = run("show", "conv:7x7:c1x1x2:relu:pool2:d3:softmax", "--format", "markdown").output
    assert "61 parameters in" in english and "drops the last row and column" in english


@pytest.mark.skipif(NO_LATEX, reason="latexmk not installed (Debian: latexmk texlive-latex-extra texlive-xetex)")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_conv_and_attention_pdfs_build(tmp_path, lang):
    for spec in ("conv:7x7:c3x3x2:relu:pool2:d3:softmax", "attention:T=3,d=4,dk=2,classes=2"):
        path = tmp_path / f"{spec.split(':')[0]}.pdf"
        result = run("--lang", lang, "derive", spec, "-o", path, "--no-check")
        assert result.exit_code == 0, result.output
        assert path.read_bytes().startswith(b"%PDF")


def test_ascii_spells_the_convolution_symbols():
    result = run("derive", CNN, "--ascii", "--no-check")
    assert result.exit_code == 0, result.output
    assert "z1 = K1 star x + b1" in result.output and "*full[s=2, p=1] rot180(K2)" in result.output
    assert "?" not in result.output and result.output.isascii()
