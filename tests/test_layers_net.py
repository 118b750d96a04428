"""Layer networks: matrix steps, BP1–BP4 from the reverse sweep, and the bridge to the scalar engine."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from sympy import MatrixSymbol, simplify

from symnet.core.backprop import grad
from symnet.core.layers import entries, explicit, layers, lower
from symnet.core.matrix_rules import ActivationPrime, Apply, Softmax
from symnet.render.printing import latex as layer_latex
from symnet.render.printing import pretty as layer_text

CASES = [("2-3-2", "relu", "softmax", None), ("2-2-2", "tanh", "sigmoid", "squared_error"),
         ("3-2-1", "sigmoid", "sigmoid", None), ("2-2-2-2", "softplus", "identity", None)]


def matrix_closed_forms(gradient):
    """Every ∂C/∂P of the matrix gradient program, evaluated on explicit entries (W1_j_k, …)."""
    p = gradient.forward
    env = {m: entries(m) for m in p.inputs + p.params}
    for lhs, rhs in p.assignments + gradient.adjoints:
        env[lhs] = explicit(rhs, env)
    return [explicit(r, env) for r in gradient.results]


def test_the_program_has_one_matrix_step_per_layer_and_activation():
    net = layers("64-32-10", activation="relu", output="softmax")
    steps = dict(net.program.assignments)
    W1, x, b1 = MatrixSymbol("W1", 32, 64), MatrixSymbol("x", 64, 1), MatrixSymbol("b1", 32, 1)
    assert steps[MatrixSymbol("z1", 32, 1)] == W1 * x + b1
    assert steps[MatrixSymbol("a1", 32, 1)] == Apply("relu", MatrixSymbol("z1", 32, 1))
    assert steps[MatrixSymbol("a2", 10, 1)] == Softmax(MatrixSymbol("z2", 10, 1))
    assert net.n_params == 64 * 32 + 32 + 32 * 10 + 10
    assert [p.shape for p in net.params] == [(32, 64), (32, 1), (10, 32), (10, 1)]


def test_the_sweep_derives_bp1_to_bp4():
    g = grad(layers("64-32-10", activation="relu", output="softmax").loss())
    adj = {lhs.name: rhs for lhs, rhs in g.adjoints}
    d1, d2 = MatrixSymbol("delta_z1", 32, 1), MatrixSymbol("delta_z2", 10, 1)
    W2, z1 = MatrixSymbol("W2", 10, 32), MatrixSymbol("z1", 32, 1)
    assert adj["delta_z2"] == Softmax(MatrixSymbol("z2", 10, 1)) - MatrixSymbol("y", 10, 1)      # BP1, fused
    assert adj["delta_z1"].args == (W2.T * d2, ActivationPrime("relu", z1, MatrixSymbol("a1", 32, 1)))  # BP2
    assert g.formula(MatrixSymbol("b1", 32, 1)) == d1                                          # BP3
    assert adj["delta_W1"] == d1 * MatrixSymbol("x", 64, 1).T                                  # BP4


def test_bp1_is_the_output_gradient_times_sigma_prime_when_the_loss_is_not_fused():
    g = grad(layers("3-2-2", activation="sigmoid", output="sigmoid").loss("squared_error"))
    text = layer_text(g)
    assert "δ² = (2·a² − 2·y) ⊙ σ′(z²)" in text and "BP1" in text


def test_printed_program_shows_every_equation_and_shape():
    g = grad(layers("64-32-10").loss())
    text, unicode, tex = str(g), layer_text(g), layer_latex(g)
    for tag in ("BP1", "BP2", "BP3", "BP4"):
        assert tag in text and tag in unicode and tag in tex
    assert "delta_z1 = (W2.T @ delta_z2) * relu'(z1)" in text
    assert "∂C/∂W¹ = δ¹ xᵀ" in unicode and "(32×64)" in unicode
    assert r"\left(\left(W^{2}\right)^{\mathsf T} \delta^{2}\right) \odot" in tex
    assert "32 \\times 64" in tex


@pytest.mark.parametrize("spec, act, out, loss", CASES)
def test_lowered_scalar_gradient_equals_the_matrix_gradient_symbolically(spec, act, out, loss):
    target = layers(spec, act, out).loss(loss)
    matrix = matrix_closed_forms(grad(target))
    scalar = grad(lower(target))
    for param, value in zip(target.program.params, matrix):
        for symbol, entry in zip(entries(param), value):
            assert simplify(scalar.expanded(symbol, 10**6) - entry) == 0, symbol


def test_lowered_program_names_every_entry():
    low = lower(layers("2-3-2").loss())
    assert len(low.params) == 2 * 3 + 3 + 3 * 2 + 2
    assert low.params[:3] == tuple(entries(MatrixSymbol("W1", 3, 2)))[:3]
    assert [s.name for s in low.inputs] == ["x_1", "x_2", "y_1", "y_2"]


@pytest.mark.parametrize("bad, message", [("64", "two or more"), ("0-3", "positive"), ("a-b", "integers")])
def test_bad_sizes_get_one_clear_message(bad, message):
    with pytest.raises(ValueError, match=message):
        layers(bad)


def test_a_softmax_output_goes_with_cross_entropy():
    with pytest.raises(ValueError, match="softmax_cross_entropy"):
        layers("2-2").loss("squared_error")
    with pytest.raises(ValueError, match="sigmoid output"):
        layers("2-2", output="tanh").loss("bce")
    with pytest.raises(ValueError, match="a vector"):   # a bare program's output is aᴸ itself
        grad(layers("2-2").program)
    assert grad(layers("2-2")).forward == layers("2-2").loss().program   # a network means its default loss


def test_numbers_agree_too():
    target = layers("2-3-2", "tanh", "softmax").loss()
    rng = np.random.default_rng(0)
    low = lower(target)
    values = dict(zip(low.inputs + low.params, rng.normal(size=len(low.inputs + low.params))))
    scalar = grad(low)
    matrix = matrix_closed_forms(grad(target))
    got = np.array([float(e.xreplace(values)) for m in matrix for e in m])
    want = np.array([float(scalar.expanded(s, 10**6).xreplace(values)) for s in low.params])
    np.testing.assert_allclose(got, want, rtol=1e-12)


# ---- compiled with matrix products ------------------------------------------------------------------

from symnet.numeric.codegen import to_function, value_and_grad  # noqa: E402
from symnet.numeric.reverse import finite_differences  # noqa: E402


def lowered_value_and_grad(target, theta, X, Y):
    """Mean loss and gradient from the scalar engine on the lowered program (one column per entry)."""
    g = grad(lower(target))
    fn = to_function(g.program, g.program.inputs + g.program.params)
    values = fn(*X.T, *Y.T, *theta)
    n = X.shape[0]
    return float(np.mean(values[0])), np.array([np.mean(np.broadcast_to(v, (n,))) for v in values[1:]])


@pytest.mark.parametrize("spec, act, out, loss", CASES)
def test_compiled_layer_gradient_equals_lowered_scalar_gradient_and_finite_differences(spec, act, out, loss):
    target = layers(spec, act, out).loss(loss)
    fn = value_and_grad(target, backend="numpy")
    rng = np.random.default_rng(1)
    theta = rng.normal(size=fn.network.n_params)
    X = rng.normal(size=(7, fn.network.sizes[0]))
    k = fn.network.sizes[-1]
    y = rng.integers(0, k, size=7) if out == "softmax" else rng.uniform(size=(7, k))
    value, g = fn(theta, X, y)
    low_value, low_g = lowered_value_and_grad(target, theta, X, fn.targets(y, 7))
    fd = finite_differences(lambda t: fn(t, X, y)[0], theta)
    assert value == pytest.approx(low_value, rel=1e-12)
    np.testing.assert_allclose(g, low_g, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_generated_code_uses_matrix_products_and_batch_sums():
    src = value_and_grad(layers("64-32-10"), backend="numpy").source
    assert "z1 = (x @ W1.T) + b1" in src
    assert "delta_z1 = (delta_z2 @ W2) * d_relu(z1, a1)" in src
    assert "delta_W1 = delta_z1.T @ x" in src          # Σₓ δₓ xₓᵀ = Δᵀ X, never an N × P matrix
    assert "delta_z1.sum(axis=0)" in src


def test_softmax_loss_and_delta_share_one_exponent():
    # C and δᴸ = softmax(zᴸ) − y both need exp(z − max z): the compiled code takes it once, as backprop
    # written by hand does, while the derivation still states δᴸ = softmax(zᴸ) − y
    fn = value_and_grad(layers("64-32-10"), backend="numpy")
    src = fn.source
    assert src.count("exp(") == 1
    assert "exp_z2 = numpy.exp(z2 - max_z2)" in src
    assert "delta_z2 = (exp_z2 / sum_z2) - y" in src
    assert any(isinstance(rhs, Softmax) for _, step in fn.gradient.program.assignments for rhs in step.args)


def test_share_exponent_leaves_programs_without_softmax_alone():
    from symnet.numeric.passes import share_exponent

    program = grad(layers("3-2", output="sigmoid")).program
    assert share_exponent(program.assignments) == list(program.assignments)


def test_relu_derivative_is_the_step_with_half_at_zero():
    from symnet.numeric.lowerings import _step

    z = np.array([-3.0, -0.0, 0.0, 1e-300, 2.0, np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(_step(z), np.heaviside(z, 0.5))
    np.testing.assert_array_equal(_step(z, 0.0), np.heaviside(z, 0.0))
    assert _step(np.float64(0.0)) == 0.5


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    fn = value_and_grad(layers("2-3", output="softmax"), backend="numpy")
    theta = np.zeros(fn.network.n_params)
    theta[:6] = [1e4, 0, 0, 0, -1e4, 0]                # logits ±1e4: e^z overflows without log-sum-exp
    with np.errstate(all="raise"):
        value, g = fn(theta, np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([0, 1]))
    assert np.isfinite(g).all()
    assert value == pytest.approx((0.0 + 1e4) / 2)      # sample 1 right (C ≈ 0), sample 2 off by 1e4


def test_bad_batches_get_one_clear_message():
    fn = value_and_grad(layers("2-3"), backend="numpy")
    with pytest.raises(ValueError, match="theta must hold 9"):
        fn(np.zeros(3), np.ones((2, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        fn(np.zeros(9), np.ones((2, 5)), np.array([0, 1]))
    with pytest.raises(ValueError, match="class labels 0…2"):
        fn(np.zeros(9), np.ones((2, 2)), np.array([0, 7]))


@pytest.mark.parametrize("theta_bad, X_bad, y", [
    (True, False, [0, 1]), (False, True, [0, 1]),
    (False, False, [0, 3]), (False, False, [-1, 0]), (False, False, [0, 0.5]), (False, False, [0, np.nan])])
def test_a_shape_seen_before_is_still_checked_on_every_call(theta_bad, X_bad, y):
    # the hot path remembers shapes, not values: NaN, inf and wrong labels are refused on the 2nd call too
    fn = value_and_grad(layers("2-3"), backend="numpy")
    fn(np.zeros(9), np.ones((2, 2)), np.array([0, 1]))             # this shape is now known
    theta, X = np.zeros(9), np.ones((2, 2))
    if theta_bad:
        theta[4] = np.inf
    if X_bad:
        X[1, 0] = np.nan
    with pytest.raises(ValueError, match="theta must hold|X must be|y must hold"):
        fn(theta, X, np.array(y, dtype=float))


# ---- real data: digits --------------------------------------------------------------------------------

from symnet.learn.digits import digits  # noqa: E402
from symnet.learn.training import LAYER_DEFAULTS, train  # noqa: E402


def test_digits_split_is_fixed_and_standardised():
    d = digits()
    assert (len(d.train), len(d.test)) == (1437, 360)
    assert np.bincount(d.test.y.astype(int)).tolist() == [36] * 10 or min(np.bincount(d.test.y.astype(int))) >= 35
    np.testing.assert_allclose(d.train.X.mean(axis=0), 0, atol=1e-12)
    assert d.test_images.shape == (360, 8, 8)


def test_a_few_epochs_on_digits_reach_well_above_chance():
    d = digits()
    result = train(layers("64-32-10"), d.train, validation=d.test, **{**LAYER_DEFAULTS, "epochs": 3}, seed=0,
                   progress=False)
    assert result.accuracy(d.test) > 0.85            # chance is 10%
    assert result.history.val_accuracy[-1] == result.accuracy(d.test)
    assert result.confusion(d.test).sum() == 360
    again = train(layers("64-32-10"), d.train, validation=d.test, **{**LAYER_DEFAULTS, "epochs": 3}, seed=0,
                  progress=False)
    np.testing.assert_array_equal(result.theta, again.theta)   # same seed, same θ


# ---- the command line -------------------------------------------------------------------------------

import json  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from symnet.cli import main  # noqa: E402


def test_cli_trains_a_layer_network_on_digits(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["train", "layers:64-32-10:relu:softmax", "--data", "digits", "--epochs", "2",
                                    "--quiet", "--out", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["accuracy"]["test"] > 0.8 and summary["n_parameters"] == 2410
    assert summary["files"] == [str(out / name) for name in ("model.json", "history.csv", "confusion.png",
                                                               "curves.png", "misclassified.png")]
    for name in ("model.json", "history.csv", "confusion.png", "curves.png", "misclassified.png"):
        assert (out / name).is_file()


@pytest.mark.parametrize("spec, message", [("layers:64", "positive integers"), ("layers:4-2:cube", "unknown activation"),
                                           ("layers:4-2:relu:max", "unknown output activation")])
def test_cli_refuses_bad_layer_specs_with_exit_code_2(spec, message, tmp_path):
    res = CliRunner().invoke(main, ["train", spec, "--data", "digits", "--out", str(tmp_path)])
    assert res.exit_code == 2 and message in res.output and "Traceback" not in res.output


def test_cli_says_when_the_data_does_not_fit_the_network(tmp_path):
    res = CliRunner().invoke(main, ["train", "layers:2-4-10", "--data", "digits", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "has 64 inputs" in res.output


# ---- checked four ways ---------------------------------------------------------------------------------

from sympy import HadamardProduct  # noqa: E402

from symnet.core.matrix_rules import Apply as ApplyNode  # noqa: E402
from symnet.numeric.gradcheck import check_grads  # noqa: E402


@pytest.mark.parametrize("spec, act, out", [("3-4-2", "relu", "softmax"), ("2-3-1", "tanh", "sigmoid")])
def test_check_grads_agrees_four_ways_on_small_layer_networks(spec, act, out):
    report = check_grads(layers(spec, act, out))
    assert report.ok and report.methods == ("matrix", "lowered", "numeric", "finite_diff")
    assert all(None not in row.values for row in report.rows)
    assert len(report.rows) == layers(spec, act, out).n_params


def test_check_grads_samples_entries_of_a_large_network():
    report = check_grads(layers("64-32-10"))
    assert report.ok and 10 <= len(report.rows) <= 30
    assert {row.param.split("_")[0] for row in report.rows} == {"W1", "b1", "W2", "b2"}
    assert [m for m, _ in report.skipped] == ["lowered", "numeric"]


def test_check_fails_on_a_wrong_matrix_rule():
    target = layers("3-4-2", "tanh", "softmax").loss()
    forgot_sigma_prime = {ApplyNode: lambda delta, ans, name, z: (None, HadamardProduct(delta, delta))}
    wrong = value_and_grad(target, rules=forgot_sigma_prime, backend="numpy")
    report = check_grads(target, compiled=wrong)
    assert not report.ok
    assert {row.param[:2] for row in report.failures} == {"W1", "b1"}   # layer 2 does not go through σ′


def test_cli_check_handles_layer_networks():
    res = CliRunner().invoke(main, ["check", "layers:3-4-2:tanh:softmax"])
    assert res.exit_code == 0 and "all gradients agree" in res.output and "W1_1_1" in res.output


# ---- the matrix-form derivation --------------------------------------------------------------------------

from symnet.derivation.derive import derive as derive_layers  # noqa: E402
from symnet.render.document import document as layer_document  # noqa: E402


def test_derivation_tags_each_line_with_its_equation():
    d = derive_layers(layers("3-4-4-2", "sigmoid", "sigmoid").loss("squared_error"))
    assert [s.tag for s in d.backward] == ["BP1", "BP2", "BP2", "BP4", "BP4", "BP4", "BP3", "BP3", "BP3"]
    assert [s.shape for s in d.backward[3:6]] == [(4, 3), (4, 4), (2, 4)]


@pytest.mark.parametrize("lang, words", [("en", ("The reverse sweep", "Over a batch")), ("zh", ("反向扫描", "一批样本"))])
def test_documents_in_both_languages_show_bp1_to_bp4_and_the_batch_sum(lang, words):
    d = derive_layers(layers("4-3-2"), check=True)
    md, tex, text = (layer_document(d, fmt, lang) for fmt in ("markdown", "latex", "unicode"))
    for w in words:
        assert w in md and w in text
    assert r"\frac{1}{N} (\Delta^{l})^{\mathsf T} A^{l-1}" in md and "(1/N) (Δˡ)ᵀ Aˡ⁻¹" in text
    assert r"\frac{\partial C}{\partial W^{1}} &= \delta^{1} x^{\mathsf T}" in tex
    assert ("all gradients agree" if lang == "en" else "所有梯度一致") in text and tex.startswith("\\documentclass")
    assert ("finite differences" if lang == "en" else "有限差分") in text            # the check table's words, too


def test_the_english_check_table_is_ascii_for_pdflatex():
    tex = layer_document(derive_layers(layers("4-3-2"), check=True), "latex", "en")
    table = tex.split("\\begin{verbatim}")[1].split("\\end{verbatim}")[0]
    assert table.isascii() and "all gradients agree" in table and "max diff" in table


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk not installed (Debian: latexmk texlive-xetex)")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_derive_builds_the_matrix_form_as_a_pdf(tmp_path, lang):
    res = CliRunner().invoke(main, ["derive", "layers:4-3-2", "--lang", lang, "-o", str(tmp_path / "bp.pdf")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "bp.pdf").read_bytes().startswith(b"%PDF")


def test_cli_derive_writes_the_matrix_form(tmp_path):
    res = CliRunner().invoke(main, ["derive", "layers:4-3-2:tanh:softmax", "-o", str(tmp_path / "bp.md")])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "bp.md").read_text(encoding="utf-8")
    assert "BP1" in text and "BP4" in text and r"\delta^{1} x^{\mathsf T}" in text
    res = CliRunner().invoke(main, ["derive", "layers:4-3-2", "--at", "random"])
    assert res.exit_code == 2 and "matrix form" in res.output


@pytest.mark.parametrize("args, shown", [
    (["show", "layers:4-3-2"], "W1 (3×4)"),
    (["grad", "layers:4-3-2:tanh:softmax"], "δ¹ = (W²ᵀ δ²) ⊙ tanh′(z¹)"),
    (["codegen", "layers:4-3-2"], "delta_W1 = delta_z1.T @ x"),
])
def test_cli_show_grad_and_codegen_handle_layer_networks(args, shown):
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert shown in res.output


def test_cli_commands_for_scalar_networks_refuse_layer_networks_clearly(tmp_path):
    res = CliRunner().invoke(main, ["graph", "layers:4-3-2", "-o", str(tmp_path / "g.png")])
    assert res.exit_code == 2 and "is a network of matrix steps" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("spec", ["layers:2-8-2:tanh:softmax", "layers:2-8-1:tanh:sigmoid"])
def test_cli_trains_layer_networks_on_toy_sets(spec, tmp_path):
    res = CliRunner().invoke(main, ["train", spec, "--data", "moons", "--epochs", "30", "--quiet",
                                    "--out", str(tmp_path), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["accuracy"]["test"] > 0.75


def test_the_default_digits_run_reaches_97_percent():
    # the claim, at the CLI's defaults (40 epochs, ~1 s of CPU with one BLAS thread)
    d = digits()
    result = train(layers("64-32-10", activation="relu", output="softmax"), d.train, validation=d.test, seed=0,
                   progress=False, **LAYER_DEFAULTS)
    assert result.accuracy(d.test) >= 0.97


def test_parameters_can_be_named_by_text():
    g = grad(layers("4-3-2").loss(), wrt=["W1", "b2"])
    assert g.wrt == (MatrixSymbol("W1", 3, 4), MatrixSymbol("b2", 2, 1))
    assert g.formula("b2") == MatrixSymbol("delta_z2", 2, 1)
