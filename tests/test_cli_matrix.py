"""``symnet grad/codegen --expr … --shapes …``: a loss typed as a matrix expression on the command line."""

from __future__ import annotations

import json
import runpy

import numpy as np
import pytest
from scipy.special import expit

from tests.cli_helpers import refused, run
from tests.processes import on_host_devices

SHAPES = "X=N x 3, y=N, w=3"
RIDGE = "norm2(X*w - y)^2/N + lam*norm2(w)^2"
LOGISTIC = "sum(log(exp(-y.*(X*w)) + vector(1)))"


def test_grad_prints_the_ridge_gradient_in_closed_form():
    result = run("grad", "--expr", RIDGE, "--shapes", SHAPES, "--wrt", "w")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "L = λ·‖w‖² + ‖X w − y‖²/N",
        "shapes: X: N × 3, y: N × 1, w: 3 × 1",
        "∂L/∂w = (2/N)·Xᵀ (X w − y) + 2·λ·w    (3 × 1)"]


def test_grad_prints_the_logistic_gradient_and_its_steps():
    result = run("grad", "--expr", LOGISTIC, "--shapes", SHAPES, "--steps", "--format", "text")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2] == "delta_w = -X.T @ (sigmoid(-(y * (X @ w))) * y)    (3 x 1)"
    assert "u2 = softplus(u1)" in lines and "L = sum(u2)" in lines


def test_grad_latex_and_json():
    latex = run("grad", "--expr", RIDGE, "--shapes", SHAPES, "--format", "latex").output
    assert r"\frac{\partial L}{\partial w} &= \frac{2}{N} X^{\mathsf T} \left(X w - y\right) + 2 \lambda w" in latex
    data = json.loads(run("grad", "--expr", RIDGE, "--shapes", SHAPES, "--format", "json").output)
    assert data["gradient"]["w"]["text"] == "(2/N)*X.T @ (X @ w - y) + 2*lam*w"
    assert data["shapes"] == {"X": ["N", "3"], "y": ["N", "1"], "w": ["3", "1"]}


def test_codegen_writes_a_module_that_runs_on_its_own(tmp_path):
    out = tmp_path / "logistic.py"
    result = run("codegen", "--expr", LOGISTIC, "--shapes", SHAPES, "-o", out)
    assert result.exit_code == 0, result.output
    module = runpy.run_path(str(out))
    rng = np.random.default_rng(0)
    X, y, w = rng.normal(size=(20, 3)), np.sign(rng.normal(size=(20, 1))), rng.normal(size=(3, 1))
    value, g = module["value_and_grad"](X, y, 20, w)
    assert np.isclose(value, np.logaddexp(0, -y * (X @ w)).sum())
    assert np.allclose(g, -X.T @ (y * expit(-y * (X @ w))))


def test_bad_matrix_input_is_one_line_and_exit_2():
    refused(run("grad", "--expr", "X*y", "--shapes", SHAPES), "shape mismatch in the product of X (N × 3) and y",
            "^")
    refused(run("grad", "--expr", "sum(X)", "--shapes", "X=N x"), "size")
    refused(run("grad", "--expr", "nope(w)", "--shapes", "w=3"), "unknown function 'nope'")
    refused(run("grad", "--expr", RIDGE, "--shapes", SHAPES, "--wrt", "q"), "cannot differentiate by 'q'")
    refused(run("codegen", "--expr", "norm2(numpy)", "--shapes", "numpy=3"), "'numpy' is taken")


def test_shapes_and_steps_go_with_the_right_options():
    refused(run("grad", "seed", "--shapes", SHAPES), "--shapes goes with --expr")
    refused(run("grad", "--expr", "sum(w)", "--shapes", "w=3", "--inputs", "x"), "--inputs does not go with --shapes")
    refused(run("grad", "seed", "--steps"), "--steps goes with --shapes")
    refused(run("grad", "--expr", "sum(w)", "--shapes", "w=3", "--expanded"), "--expanded")


def test_scalar_expressions_still_work_without_shapes():
    result = run("grad", "--expr", "w*x", "--inputs", "x")
    assert result.exit_code == 0 and "loss" in result.output


def test_check_compares_four_gradients_at_a_random_point():
    result = run("check", "--expr", RIDGE, "--shapes", SHAPES, "--seed", "1", "--batch", "5")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["param", "matrix", "lowered", "sympy", "finite_diff", "max",
                                                     "diff", "ok"]
    assert "all gradients agree" in result.output
    data = json.loads(run("check", "--expr", RIDGE, "--shapes", SHAPES, "--batch", "5", "--format", "json").output)
    assert data["ok"] and data["sizes"] == {"N": 5} and set(data["constants"]) == {"lam"}
    linear = run("check", "--expr", "sum(w)", "--shapes", "w=3", "--order", "2")      # a linear loss: H = 0
    assert linear.exit_code == 0 and "0.0000000000e+00" in linear.output and "second derivatives agree" in linear.output
    refused(run("check", "--expr", "sum(w)", "--shapes", "w=3", "--at", "w=1"), "--at does not go with --shapes")


def test_ascii_prints_the_matrix_language_and_chinese_words_with_lang_zh():
    ascii_out = run("grad", "--expr", RIDGE, "--shapes", SHAPES, "--ascii").output
    assert "delta_w = (2/N)*X.T @ (X @ w - y) + 2*lam*w    (3 x 1)" in ascii_out and ascii_out.isascii()
    zh = run("grad", "--expr", RIDGE, "--shapes", SHAPES, "--steps", "--lang", "zh").output
    assert "形状: X: N × 3" in zh and "程序（前向各步，然后伴随扫描）:" in zh


def test_latex_keeps_the_parentheses_of_a_product_of_sums():
    latex = run("grad", "--expr", LOGISTIC, "--shapes", SHAPES, "--format", "latex").output
    assert r"- X^{\mathsf T} \left(\sigma\left(- \left(y \odot \left(X w\right)\right)\right) \odot y\right)" in latex


def test_train_fits_a_typed_loss_to_a_csv_and_writes_fit_json(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = X @ np.array([2.0, -1.0]) + 0.01 * rng.normal(size=60)
    data = tmp_path / "d.csv"
    data.write_text("a,b,t\n" + "\n".join(f"{a},{b},{t}" for (a, b), t in zip(X, y)) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    result = run("train", "--expr", "norm2(X*w - y)^2/N", "--shapes", "X=N x 2, y=N, w=2", "--data", data,
                 "--target", "t", "--epochs", "300", "--lr", "0.1", "--out", out)
    assert result.exit_code == 0, result.output
    fit = json.loads((out / "fit.json").read_text(encoding="utf-8"))
    assert np.allclose(np.ravel(fit["theta"]["w"]), [2.0, -1.0], atol=0.05)
    assert fit["train_loss"][-1] < fit["train_loss"][0] and fit["rows"] == 60
    assert sorted(p.name for p in out.iterdir()) == ["fit.json"]


def test_train_refuses_options_of_networks_and_unset_constants(tmp_path):
    out = tmp_path / "run"
    refused(run("train", "--expr", "sum(w)", "--shapes", "w=2", "--data", "moons", "--out", out, "--loss", "bce"),
            "--loss does not go with --shapes")
    refused(run("train", "--expr", "sum(w)", "--shapes", "w=2", "--data", "moons", "--out", out, "--backend", "fused"),
            "--backend fused does not go with --shapes: a typed matrix loss runs its whole-data steps on NumPy")
    refused(run("train", "--expr", "sum(w)", "--shapes", "w=2", "--data", "moons", "--out", out, "--devices", "2"),
            "use it with --backend jax")
    refused(run("train", "--expr", "lam*sum(w)", "--shapes", "w=2", "--data", "moons", "--out", out),
            "constants (lam)")
    refused(run("train", "--expr", "sum(X*w)", "--shapes", "X=N x 5, w=5", "--data", "moons", "--out", out),
            "X must be N × 5")
    assert not out.exists()


TYPED = ("--expr", "norm2(X*w - y)^2/N", "--shapes", "X=N x 2, y=N, w=2", "--data", "moons", "--epochs", "30")


def test_train_runs_a_typed_loss_on_jax_as_python_does(tmp_path):
    pytest.importorskip("jax")
    fits = {}
    for name, extra in (("numpy", ()), ("jax", ("--backend", "jax", "--devices", "1"))):
        result = run("train", *TYPED, "--out", tmp_path / name, *extra)
        assert result.exit_code == 0, result.output
        fits[name] = json.loads((tmp_path / name / "fit.json").read_text(encoding="utf-8"))
    assert fits["jax"]["settings"]["backend"] == "jax" and fits["jax"]["settings"]["devices"] == 1
    assert "backend" not in fits["numpy"]["settings"]
    assert np.allclose(fits["jax"]["theta"]["w"], fits["numpy"]["theta"]["w"], rtol=1e-9)
    assert fits["jax"]["train_loss"][-1] < fits["jax"]["train_loss"][0]


def test_train_splits_a_typed_loss_over_two_jax_devices(tmp_path):
    pytest.importorskip("jax")
    script = (f"import json; from click.testing import CliRunner; from symnet.cli import main; "
              f"args = {list(TYPED)!r} + ['--out', {str(tmp_path / 'two')!r}, '--backend', 'jax', '--devices', '2']; "
              f"r = CliRunner().invoke(main, ['train'] + args); assert r.exit_code == 0, r.output; "
              f"print(json.dumps(json.load(open({str(tmp_path / 'two' / 'fit.json')!r}))))")
    two = on_host_devices(script, 2)
    one = run("train", *TYPED, "--out", tmp_path / "one")
    assert one.exit_code == 0, one.output
    fit = json.loads((tmp_path / "one" / "fit.json").read_text(encoding="utf-8"))
    assert two["settings"]["devices"] == 2 and np.allclose(two["theta"]["w"], fit["theta"]["w"], rtol=1e-9)


def test_a_loss_that_is_nan_at_the_check_point_says_so_once():
    result = run("check", "--expr", "sum(sqrt(X*w))", "--shapes", "X=N x 3, w=3")
    assert result.exit_code == 2 and "not finite at this random point" in result.output
    assert "Traceback" not in result.output and "DISAGREE" not in result.output
