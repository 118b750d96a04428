"""Convolutional networks as programs: the spec, the derived rows, the four gradients, JAX, the CLI, refusals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sympy import latex

import symnet
from symnet.core.backprop import grad
from symnet.core.conv import ConvInputGrad, ConvKernelGrad
from symnet.core.convnet import convnet

from .cli_helpers import refused, run
from .strategies import examples

DIGITS_CNN = "conv:8x8:c3x3x8:relu:pool2:d10:softmax"


def test_the_spec_builds_the_program_and_reads_back():
    net = convnet(DIGITS_CNN)
    assert net.spec == DIGITS_CNN and convnet(net.spec) == net
    assert net.n_params == 8 * 9 + 8 + 10 * 72 + 10
    assert [str(p) for p in net.params] == ["K1", "b1", "W2", "b2"]
    assert net.describe().splitlines()[0].split() == ["z1", "=", "K1", "⋆", "x", "+", "b1", "8×6×6"]
    arrows = convnet("8x8 -> c3x3x4/s2/same -> tanh -> avg2 -> d1")
    assert arrows.spec == "conv:8x8:c3x3x4/s2/same:tanh:avg2:d1:sigmoid" and convnet(arrows.spec) == arrows


def test_the_derivative_rows_state_the_course_formulas():
    g = grad(convnet("conv:6x6:c3x3x2:relu:c3x3x2:relu:d2"))
    rows = dict(g.adjoints)
    kernel = [r for r in rows.values() if isinstance(r, ConvKernelGrad)]
    assert {str(r) for r in kernel} == {"x ⋆ delta_z1", "a1 ⋆ delta_z2"}          # ∂C/∂K = X ⋆ δ
    full = [n for r in rows.values() for n in r.atoms(ConvInputGrad)]
    assert [str(n) for n in full] == ["delta_z2 ∗full rot180(K2)"]              # ∂C/∂X = δ ∗ rot180(K)
    assert latex(kernel[0]) in (r"x \star \delta_{z1}", r"a_{1} \star \delta_{z2}")
    assert r"\operatorname{rot180}" in latex(full[0])


@st.composite
def conv_specs(draw):
    """Small conv networks: one or two convolutions (stride 1 or 2, valid or same), a pooling or not."""
    side = draw(st.integers(4, 6))
    channels = draw(st.integers(1, 2))
    parts = [f"{side}x{side}x{channels}"]
    k = draw(st.sampled_from([2, 3]))
    options = draw(st.sampled_from(["", "/s2", "/same", "/s2/same"])) if k == 3 else draw(st.sampled_from(["", "/s2"]))
    parts += [f"c{k}x{k}x{draw(st.integers(1, 2))}{options}", draw(st.sampled_from(["relu", "tanh", "sigmoid"]))]
    parts += [draw(st.sampled_from(["pool2", "avg2", "flat"]))]
    parts += [f"d{draw(st.integers(1, 3))}"]
    return "conv:" + ":".join(parts)


@settings(max_examples=examples(8), deadline=None)
@given(conv_specs(), st.integers(0, 1000))
def test_four_gradients_agree_on_small_conv_networks(spec, seed):
    """The compiled matrix rows, the lowered scalar program's backprop, the numeric reverse mode on its closed
    form, and central differences (``check_grads``' four columns)."""
    try:
        net = convnet(spec)
    except ValueError:                   # e.g. a stride-2 convolution leaves no 2 × 2 block to pool: refused
        assume(False)                    # (the refusals have their own tests)
    assume(net.n_params <= 120)          # check_grads lowers to scalars up to 120 parameters (its default)
    report = symnet.check_grads(net, seed=seed)
    assert report.ok, (spec, report)
    assert report.methods == ("matrix", "lowered", "numeric", "finite_diff") and not report.skipped


def test_a_wrong_rule_is_caught():
    """A Conv2d row of your own (rules=) reaches the compiled code, and check_grads fails on a wrong one."""
    from symnet.core.conv import ChannelSum, Conv2d

    def wrong(delta, ans, x, kernel, bias, g):      # ∂C/∂K doubled
        return (ConvInputGrad(delta, kernel, g), 2 * ConvKernelGrad(x, delta, g), ChannelSum(delta, g), None)

    net = convnet("conv:4x4:c3x3x1:relu:d2")
    assert symnet.check_grads(net).ok
    report = symnet.check_grads(net, compiled=symnet.value_and_grad(net, rules={Conv2d: wrong}))
    assert not report.ok


def test_numpy_and_jax_backends_agree_on_a_network():
    pytest.importorskip("jax")
    net = convnet("conv:7x7x2:c3x3x3/s2/same:tanh:c2x2x2:relu:avg2:d3:softmax")
    rng = np.random.default_rng(0)
    theta, X, y = rng.normal(scale=0.5, size=net.n_params), rng.normal(size=(5, 98)), rng.integers(0, 3, 5)
    (v1, g1), (v2, g2) = symnet.value_and_grad(net)(theta, X, y), symnet.value_and_grad(net, backend="jax")(theta, X, y)
    assert abs(v1 - v2) < 1e-12 and np.allclose(g1, g2, rtol=1e-10, atol=1e-13)
    assert "conv_input_grad" in symnet.value_and_grad(net).source


@pytest.mark.parametrize("spec, words", [
    ("conv:8x8:c9x9x8:relu:d10", ["kernel 9×9 is larger than the image 8×8"]),
    ("conv:8x8:c3x3x0:relu:d10", ["at least 1 filter"]),
    ("conv:8x8:c4x4x8/same:relu:d10", ["odd kernel"]),
    ("conv:8x8:c3x3x8:relu:pool2", ["ends with a dense layer"]),
    ("conv:8x8:c3x3x8:bogus:d10", ["unknown stage 'bogus'"]),
    ("conv:8x8:d10:c3x3x2:d2", ["a convolution takes an image"]),
    ("conv:8x8:c3x3x2:pool9:d2", ["pooling takes k × k windows"]),
    ("conv:8x8:c3x3x2:d2:softmax:relu", ["ends a conv spec"]),
    ("conv:eight:c3x3x2:d2", ["the first stage is the input image"]),
    ("conv:", ["expected conv:HxW"]),
    ("conv:512x512x64:c3x3x64:d100000", ["c3x3x64 makes 64×510×510 numbers per sample"]),
    ("conv:256x256:c3x3x4/s2:d100000", ["parameters; symnet works with at most"]),
])
def test_bad_specs_are_refused_with_one_message(spec, words):
    with pytest.raises(ValueError) as error:
        convnet(spec)
    for word in words:
        assert word in str(error.value)
    refused(run("show", spec), *words)


def test_cli_show_grad_and_train(tmp_path):
    shown = run("show", DIGITS_CNN)
    assert shown.exit_code == 0 and "K¹ ⋆ x + b¹" in shown.output and "maxpool2(a¹)" in shown.output
    derived = run("grad", "conv:6x6:c3x3x2:relu:pool2:d3:softmax", "--format", "latex")
    assert derived.exit_code == 0 and r"x \star \delta^{1}" in derived.output
    trained = run("train", "conv:8x8:c3x3x2:relu:pool2:d10:softmax", "--data", "digits", "--epochs", "2",
                  "--learning-rate", "0.01", "--batch-size", "64", "--out", tmp_path)
    assert trained.exit_code == 0, trained.output
    assert "accuracy" in trained.output and (tmp_path / "model.json").exists()
    checked = run("check", "conv:5x5:c3x3x1:relu:d2")
    assert checked.exit_code == 0 and "all gradients agree" in checked.output
    module = run("codegen", DIGITS_CNN)          # a standalone module, the conv kernels written in (test_conv_codegen)
    assert module.exit_code == 0 and "def conv2d(" in module.output and "import symnet" not in module.output
    assert symnet.convnet(DIGITS_CNN) == convnet(DIGITS_CNN)


def test_the_benchmark_checks_its_peers_equal_and_reports_ratios(capsys):
    """benchmarks/bench_conv.py on a small batch: every peer's loss and gradient equal symnet's before timing."""
    pytest.importorskip("torch")
    pytest.importorskip("jax")
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_conv.py"
    spec = importlib.util.spec_from_file_location("bench_conv", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(rounds=1, batch=16)
    printed = capsys.readouterr().out
    ratios = [float(line.split()[-2].rstrip("×")) for line in printed.splitlines()[1:]]
    assert len(ratios) == 4 and all(r > 0 for r in ratios) and "peak memory" in printed


def test_filters_and_feature_maps_are_drawn():
    from symnet.plot.conv import plot_feature_maps, plot_filters

    net = convnet("conv:6x6:c3x3x3:relu:d2")
    theta = np.random.default_rng(0).normal(size=net.n_params)
    assert len(plot_filters(net, theta).axes) == 3
    maps = plot_feature_maps(net, theta, np.ones(36))
    assert len(maps.axes) == 4 and maps.axes[1].images[0].get_array().shape == (4, 4)
    with pytest.raises(ValueError, match="has no convolution"):
        plot_filters(symnet.layers("4-2"), np.zeros(10))


def test_latex_of_a_strided_padded_input_gradient_has_one_subscript():
    """LaTeX refuses a double subscript: \\ast_{full, s=2, p=1}, never \\ast_{full}_{s=2, p=1}."""
    from sympy import MatrixSymbol

    from symnet.core.conv import Geometry

    text = latex(ConvInputGrad(MatrixSymbol("d", 4, 2), MatrixSymbol("K", 2, 9), Geometry(2, 4, 4, 2, 3, 3, 2, 1, 0)))
    assert text == r"d \ast_{\mathrm{full}, s=2, p=1} \operatorname{rot180}(K)"



def test_check_names_kernel_entries_by_filter_channel_row_and_column():
    """A kernel stored F × C·kh·kw is checked entry by entry as the learner reads it, F × C × kh × kw: K2_f_c_i_j
    is the entry that multiplies channel c's pixel at offset (i, j) in filter f (core.conv: column (c·kh + i)·kw + j)."""
    net = convnet("conv:6x6:c2x2x2:relu:c2x2x3:relu:d2:softmax")      # K2: 3 filters × 2 channels × 2 × 2
    rng = np.random.default_rng(3)
    theta, X, y = rng.normal(size=net.n_params), rng.normal(size=(4, 36)), np.array([0, 1, 1, 0])
    report = symnet.check_grads(net, theta, X, y, wrt="K2", lower_max_params=0)
    names = [r.param for r in report.rows]
    assert names == [f"K2_{f}_{c}_{i}_{j}" for f in (1, 2, 3) for c in (1, 2) for i in (1, 2) for j in (1, 2)]
    fn = symnet.value_and_grad(net)
    K2 = fn.unflatten(fn(theta, X, y)[1])[2]                             # 3 × 8, as the program stores it
    for r in report.rows:
        f, c, i, j = (int(k) - 1 for k in r.param.split("_")[1:])
        assert r.values[0] == pytest.approx(K2[f, (c * 2 + i) * 2 + j], rel=1e-12)
    assert report.ok


def test_cli_check_names_kernel_entries_in_text_and_json():
    import json

    text = run("check", "conv:6x6:c2x2x2:relu:d2:softmax", "--wrt", "K1", "--format", "text")
    assert text.exit_code == 0 and "K1_2_1_2_2" in text.output and "K1_2_4 " not in text.output
    data = json.loads(run("check", "conv:6x6:c2x2x2:relu:d2:softmax", "--wrt", "K1", "--format", "json").output)
    assert list(data["gradients"]) == [f"K1_{f}_1_{i}_{j}" for f in (1, 2) for i in (1, 2) for j in (1, 2)]
