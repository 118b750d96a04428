"""The `symnet train` and `symnet descend` commands: outputs, summaries and every error path (exit 2)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from symnet.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_train_seed_on_xor_writes_everything(tmp_path):
    out = tmp_path / "run"
    result = run("train", "seed", "--data", "xor", "--epochs", "40", "--validation", "0.2", "--quiet",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "final loss: train" in result.output and "validation" in result.output
    assert "accuracy: train" in result.output and "time:" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["data.csv", "fit.png", "loss.csv", "loss.png", "model.json",
                                                     "network.png"]
    assert (out / "data.csv").read_text().splitlines()[0] == "x1,x2,y"  # for symnet predict
    for png in ("fit.png", "loss.png", "network.png"):
        assert (out / png).read_bytes()[:8] == PNG
    rows = (out / "loss.csv").read_text().splitlines()
    assert rows[0] == "epoch,train_loss,val_loss" and len(rows) == 42 and rows[-1].startswith("40,")
    doc = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert doc["settings"]["epochs"] == 40 and doc["settings"]["data"] == "xor"


def test_train_model_file_loads_back(tmp_path):
    from symnet.learn.training import load

    result = run("train", "mlp:1-4-1:tanh:identity", "--data", "sine", "--epochs", "30", "--optimizer", "momentum",
                 "--lr", "0.02", "--batch-size", "50", "--seed", "3", "--quiet", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    model = load(tmp_path / "model.json")
    assert model.settings["optimizer"] == "momentum" and model.settings["batch_size"] == 50
    final = float((tmp_path / "loss.csv").read_text().splitlines()[-1].split(",")[1])
    assert final == model.history.train_loss[-1]  # repr in the CSV: exact
    assert "accuracy" not in result.output  # regression


def test_train_csv_data(tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,label\n" + "".join(f"{i % 3},{i % 5},{(i % 3 + i % 5) % 2}\n" for i in range(30)))
    result = run("train", "seed", "--data", str(csv), "--epochs", "5", "--quiet", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert "on d:" in result.output


def test_train_progress_lines_when_not_quiet(tmp_path):
    result = CliRunner().invoke(main, ["train", "seed", "--data", "moons", "--epochs", "20", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "epoch 20/20: loss" in result.output  # CliRunner mixes stderr into output


def test_train_function_data_fit(tmp_path):
    result = run("train", "mlp:2-4-1:tanh:identity", "--data", "function:x1*x2", "--epochs", "10", "--quiet",
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fit.png").read_bytes()[:8] == PNG


@pytest.mark.parametrize("args, message", [
    (["seed", "--data", "iris"], "unknown data set 'iris'"),
    (["seed", "--data", "missing.csv"], "No such file"),
    (["seed", "--data", "function:sin(x1"], "sin(x1"),
    (["seed", "--data", "sine"], "the network has 2 input"),
    (["mlp:2-x-1", "--data", "xor"], "layer sizes"),
    (["--data", "xor"], "no network given"),
    (["seed", "--data", "xor", "--optimizer", "rmsprop"], "rmsprop"),
    (["seed", "--data", "xor", "--lr", "-1"], "--lr"),
    (["seed", "--data", "xor", "--epochs", "0"], "--epochs"),
    (["seed", "--data", "xor", "--validation", "1.5"], "--validation"),
    (["seed", "--data", "xor", "--target", "y"], "--target goes with a CSV"),
    (["seed", "--data", "xor"], "Missing option '--out'"),
])
def test_train_errors_exit_2_without_traceback(tmp_path, args, message):
    extra = [] if "Missing option" in message else ["--out", str(tmp_path / "o")]
    result = run("train", *args, *extra, "--quiet")
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o" / "model.json").exists()


def test_train_bad_csv_names_row_and_column(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("x1,x2,y\n1,2,0\n3,oops,1\n")
    result = run("train", "seed", "--data", str(csv), "--quiet", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "row 3, column 'x2'" in result.output and "Traceback" not in result.output


def test_train_divergence_is_a_clean_error(tmp_path):
    result = run("train", "mlp:1-4-1:identity", "--data", "sine", "--optimizer", "sgd", "--lr", "1000",
                 "--quiet", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "training diverged at epoch" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_descend_prints_table_and_saves_figure(tmp_path):
    out = tmp_path / "descent.png"
    result = run("descend", "x**2 - 2*x", "--x0", "3", "--lr", "0.1,0.5,1.1", "--steps", "20", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "h(x) = x² - 2·x" and lines[1] == "dh/dx = 2·x - 2"
    assert "η=1.1 diverged after 20 steps" in result.output
    assert any(line.split()[:3] == ["1", "2.6", "1.56"] for line in lines)
    assert out.read_bytes()[:8] == PNG


def test_descend_ascii_and_variable():
    result = run("descend", "t**4 - t", "--x0", "-1", "--lr", "0.05", "--steps", "3", "--var", "t", "--ascii")
    assert result.exit_code == 0, result.output
    assert result.output.isascii() and "h(t) = t" in result.output and "dh/dt = 4*t" in result.output
    assert "x (eta=0.05)" in result.output


@pytest.mark.parametrize("args, message", [
    (["x**2", "--x0", "1", "--lr", "0.1,abc"], "'abc' is not a number"),
    (["x**2", "--x0", "nan"], "Invalid value for '--x0': 'nan' is not a finite number"),
    (["x**2", "--x0", "1", "--lr", "-0.5"], "learning_rate must be positive"),
    (["x*y", "--x0", "1"], "exactly one variable"),
    (["__import__('os').system('echo hi')", "--x0", "1"], "only functions called by name"),
    (["x**2", "--x0", "1", "-o", "{tmp}/out.xyz"], "cannot save a figure as .xyz"),
    (["x**2", "--x0", "1", "--steps", "0"], "--steps"),
    (["x**2"], "Missing option '--x0'"),
])
def test_descend_errors_exit_2(tmp_path, args, message):
    result = run("descend", *(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code == 2, result.output
    assert not list(tmp_path.iterdir())
    assert message in result.output and "Traceback" not in result.output


def test_learning_rate_has_both_names(tmp_path):
    short = run("descend", "x**2", "--x0", "1", "--lr", "0.25", "--steps", "2")
    long = run("descend", "x**2", "--x0", "1", "--learning-rate", "0.25", "--steps", "2")
    assert short.exit_code == long.exit_code == 0 and short.output == long.output
    assert "0.25" in long.output
    result = run("train", "mlp:2-2-1", "--data", "xor", "--epochs", "2", "--learning-rate", "0.125", "--quiet",
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "η = 0.125" in result.output


@pytest.mark.parametrize("option, value", [("--noise", "nan"), ("--learning-rate", "inf"), ("--clip", "nan"),
                                           ("--validation", "nan"), ("--seed", "-1"), ("--batch-size", "0")])
def test_train_options_name_themselves(tmp_path, option, value):
    result = run("train", "seed", "--data", "xor", option, value, "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "Invalid value for " in result.output and f"'{option}'" in result.output


@pytest.mark.parametrize("network, drawn", [("seed:scalar", True), ("seed:tanh", True), ("FILE", True),
                                            ("mlp:2-2-1", False), ("--expr", False)])
def test_seed_diagram_is_chosen_by_structure(tmp_path, network, drawn):
    from symnet import seed_network
    from symnet.io import netfile

    if network == "FILE":
        network = str(netfile.save(tmp_path / "my-seed.json", seed_network()))
    spec = ["--expr", "sigmoid(a*x1 + b*x2)", "--inputs", "x1,x2"] if network == "--expr" else [network]
    result = run("train", *spec, "--data", "xor", "--epochs", "2", "--quiet", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "network.png").exists() == drawn


def test_scalar_seed_diagram_values():
    from symnet.cli.common import load_network
    from symnet.cli.train import seed_diagram_values
    from symnet.learn.data import make
    from symnet.learn.training import train

    result = train(load_network("seed:scalar"), make("xor", n=8, seed=0), epochs=1, progress=False)
    values = seed_diagram_values(result)
    theta = dict(zip(result.params, result.theta))
    assert values["w5_1"] == values["w5_2"] == theta["θ5"] and values["w3_1"] == theta["θ3"]
    assert [values[f"b{k}"] for k in range(1, 6)] == [0.0] * 5


def test_train_runs_in_a_fresh_process(tmp_path):
    # in a fresh interpreter nothing has imported symnet.learn.training yet: the command must not depend on it
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "symnet.cli", "train", "mlp:2-2-1", "--data", "xor", "--epochs", "3",
                          "--quiet", "--out", str(tmp_path / "run")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "run" / "model.json").exists()


def test_symnet_train_is_the_function_whatever_was_imported_first():
    import symnet
    import symnet.learn.training  # noqa: F401
    from symnet import train
    assert callable(train) and train is symnet.learn.training.train


def test_descend_refuses_a_bad_figure_suffix_before_any_work(tmp_path):
    from click.testing import CliRunner

    from symnet.cli import main

    result = CliRunner().invoke(main, ["descend", "x**2", "--x0", "1", "--lr", "0.1", "-o", str(tmp_path / "d.bmp")])
    assert result.exit_code == 2 and "expected a file name ending .png" in result.output
    assert "dh/dx" not in result.output and not list(tmp_path.iterdir())


def test_a_wide_mlp_is_named_as_typed_in_the_summary_not_by_its_nested_form(tmp_path):
    result = run("train", "mlp:2-30-1", "--data", "xor", "--epochs", "1", "--quiet", "--out", str(tmp_path / "wide"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "trained mlp:2-30-1 on xor: 200 training samples"
    assert "f(θ" not in result.output
    seed = run("train", "seed", "--data", "xor", "--epochs", "1", "--quiet", "--out", str(tmp_path / "seed"))
    assert seed.output.startswith("trained f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2))) on xor")


def test_progress_and_summary_name_the_held_out_loss_alike(tmp_path):
    from tests.cli_helpers import run as cli_run

    layers = cli_run("train", "layers:2-3-1", "--data", "xor", "--epochs", "2", "--out", tmp_path / "layers")
    assert layers.exit_code == 0, layers.output
    assert "epoch 2/2: loss " in layers.output and ", test loss " in layers.output
    assert "final loss: train " in layers.output and ", test " in layers.output and "validation" not in layers.output
    scalar = cli_run("train", "seed", "--data", "xor", "--epochs", "2", "--validation", "0.2", "--out", tmp_path / "s")
    assert ", validation loss " in scalar.output and "final loss: train " in scalar.output
    assert ", validation " in scalar.output and "test loss" not in scalar.output and ", test " not in scalar.output


def test_train_json_names_a_long_network_as_typed_and_a_short_one_by_its_formula(tmp_path):
    from tests.cli_helpers import run as cli_run

    wide = cli_run("train", "mlp:2-30-1", "--data", "moons", "--epochs", "1", "--format", "json",
                   "--out", tmp_path / "wide")
    assert wide.exit_code == 0, wide.output
    data = json.loads(wide.output)
    assert data["network"] == "mlp:2-30-1" and "f(θ" not in wide.output and data["n_parameters"] == 121
    seed = json.loads(cli_run("train", "seed", "--data", "xor", "--epochs", "1", "--format", "json",
                              "--out", tmp_path / "seed").output)
    assert seed["network"] == "f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))"
