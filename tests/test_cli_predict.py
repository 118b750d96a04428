"""Model files as a feature: ``symnet.save``/``symnet.load``, ``symnet predict``, and a model file
given wherever a network is expected (its network is used)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import symnet
from symnet.cli import main
from symnet.learn.data import make
from symnet.learn.training import train


def run(*args, charset="utf-8"):
    return CliRunner(charset=charset).invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    """A small XOR classifier (binary cross-entropy), saved with ``symnet.save``."""
    data = make("xor", n=40, seed=1)
    result = train(symnet.mlp([2, 3, 1], "tanh", "sigmoid"), data, loss="binary_cross_entropy", epochs=60,
                   progress=False)
    path = symnet.save(tmp_path_factory.mktemp("clf") / "model.json", result)
    return result, data, path


@pytest.fixture(scope="module")
def regression(tmp_path_factory):
    data = make("sine", n=30, seed=2)
    result = train(symnet.mlp([1, 3, 1], "tanh", "identity"), data, epochs=20, progress=False)
    return result, data, symnet.save(tmp_path_factory.mktemp("reg") / "model.json", result)


def write_csv(path, header, rows):
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_save_and_load_are_exported_at_the_top_level(classifier):
    from symnet.learn import modelfile

    result, data, path = classifier
    assert symnet.save is modelfile.save and symnet.load is modelfile.load
    assert "save" in symnet.__all__ and "load" in symnet.__all__
    loaded = symnet.load(path)
    assert loaded.params == result.params and np.array_equal(loaded.theta, result.theta)
    assert np.array_equal(loaded.predict(data.X), result.predict(data.X))


def test_classifier_prints_label_and_probability_per_row(classifier, tmp_path):
    result, data, path = classifier
    csv = write_csv(tmp_path / "rows.csv", ["x1", "x2"], data.X.tolist())
    out = run("predict", path, "--data", csv)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "label,probability" and len(lines) == 1 + len(data.X)
    labels = np.array([int(line.split(",")[0]) for line in lines[1:]])
    probabilities = np.array([float(line.split(",")[1]) for line in lines[1:]])
    expected = result.predict(data.X)
    assert np.array_equal(probabilities, expected)  # repr round-trips: exactly the library's numbers
    assert np.array_equal(labels, (expected > 0.5).astype(int))
    assert 0 < labels.sum() < len(labels)  # both classes occur, so the labels are not a constant


def test_regression_prints_one_prediction_per_row(regression, tmp_path):
    result, data, path = regression
    csv = write_csv(tmp_path / "rows.csv", ["x1", "y"], np.column_stack([data.X[:, 0], data.y]).tolist())
    out = run("predict", path, "--data", csv)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "prediction"
    assert np.array_equal(np.array(lines[1:], dtype=float), result.predict(data.X))


def test_columns_are_matched_by_header_not_position(classifier, tmp_path):
    result, data, path = classifier
    rows = [["row-a", x2, "note", x1] for x1, x2 in data.X[:5].tolist()]
    csv = write_csv(tmp_path / "shuffled.csv", ["id", "x2", "comment", "x1"], rows)
    out = run("predict", path, "--data", csv, "--format", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["kind"] == "classifier" and doc["inputs"] == ["x1", "x2"] and doc["rows"] == 5
    assert doc["probability"] == result.predict(data.X[:5]).tolist()
    assert doc["label"] == (result.predict(data.X[:5]) > 0.5).astype(int).tolist()


def test_missing_column_is_one_clear_line_and_exit_2(classifier, tmp_path):
    _, _, path = classifier
    csv = write_csv(tmp_path / "bad.csv", ["x1", "z"], [[0.1, 0.2]])
    out = run("predict", path, "--data", csv)
    assert out.exit_code == 2
    assert out.output.count("\n") == 1 and "Traceback" not in out.output
    assert "no column x2" in out.output and "header has x1, z" in out.output


def test_output_file_is_written_and_only_named_on_stderr(classifier, tmp_path):
    result, data, path = classifier
    csv = write_csv(tmp_path / "rows.csv", ["x1", "x2"], data.X[:3].tolist())
    target = tmp_path / "predictions.csv"
    out = run("predict", path, "--data", csv, "-o", target)
    assert out.exit_code == 0 and out.output.strip() == f"wrote {target}"
    lines = target.read_text().splitlines()
    assert lines[0] == "label,probability" and [float(x.split(",")[1]) for x in lines[1:]] == \
        result.predict(data.X[:3]).tolist()


def test_predict_refuses_a_network_with_what_to_do(tmp_path):
    net_file = tmp_path / "net.json"
    assert run("show", "seed", "--format", "json", "-o", net_file).exit_code == 0
    csv = write_csv(tmp_path / "rows.csv", ["x1", "x2"], [[0, 1]])
    out = run("predict", net_file, "--data", csv)
    assert out.exit_code == 2 and "is a network file, not a trained model" in out.output
    assert "symnet train" in out.output
    out = run("predict", "mlp:2-3-1", "--data", csv)
    assert out.exit_code == 2 and "mlp:2-3-1 is a network, not a trained model" in out.output


def test_train_then_predict_on_its_data_csv_agrees_with_the_reported_accuracy(tmp_path):
    out_dir = tmp_path / "run"
    trained = run("train", "mlp:2-3-1:tanh:sigmoid", "--data", "moons", "--samples", "40", "--epochs", "30",
                  "--loss", "binary_cross_entropy", "--quiet", "--format", "json", "--out", out_dir)
    assert trained.exit_code == 0, trained.output
    summary = json.loads(trained.output)
    assert str(out_dir / "data.csv") in summary["files"]
    header = (out_dir / "data.csv").read_text().splitlines()[0]
    assert header == "x1,x2,y"
    predicted = run("predict", out_dir / "model.json", "--data", out_dir / "data.csv", "--format", "json")
    assert predicted.exit_code == 0, predicted.output
    labels = np.array(json.loads(predicted.output)["label"])
    y = np.loadtxt(out_dir / "data.csv", delimiter=",", skiprows=1)[:, 2]
    assert np.mean(labels == y) == summary["accuracy"]["train"]


# --- a model file wherever a network is expected -------------------------------------------------


def test_model_file_is_its_network_for_show_grad_check_derive_codegen(classifier, tmp_path):
    result, _, path = classifier
    net_file = tmp_path / "net.json"
    symnet_netfile_save(net_file, result.network)
    for command in (["show", "--format", "text"], ["grad", "--wrt", "b3"], ["check", "--format", "text"],
                    ["derive", "--wrt", "b3"], ["codegen"]):
        from_model, from_network = run(command[0], path, *command[1:]), run(command[0], net_file, *command[1:])
        assert from_model.exit_code == 0, (command, from_model.output)
        assert from_model.output == from_network.output, command
    assert "missing key" not in run("show", path).output


def symnet_netfile_save(path, net):
    from symnet.io import netfile

    return netfile.save(path, net)


def test_netfile_load_reads_a_model_file_as_its_network(classifier):
    from symnet.io import netfile

    result, _, path = classifier
    assert netfile.load(path) == result.network


def test_damaged_model_file_names_the_key(tmp_path):
    from symnet.io.netfile import NetworkFileError, loads

    with pytest.raises(NetworkFileError, match="model file: key 'network'"):
        loads(json.dumps({"format": "symnet-model", "version": 1, "network": [1]}))
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({"format": "symnet-model", "version": 1, "network": {"format": "symnet-network"}}))
    out = run("show", bad)
    assert out.exit_code == 2 and "model file: key 'network'" in out.output and "Traceback" not in out.output


def test_a_model_trained_on_a_csv_reads_the_same_columns_again(tmp_path):
    rows = [[i % 3, i % 5, (i % 3 + i % 5) % 2] for i in range(30)]
    csv = write_csv(tmp_path / "d.csv", ["a", "b", "label"], rows)
    assert run("train", "seed", "--data", csv, "--epochs", "5", "--quiet", "--out", tmp_path / "o").exit_code == 0
    model = symnet.load(tmp_path / "o" / "model.json")
    assert model.settings["data_inputs"] == ["a", "b"]
    out = run("predict", tmp_path / "o" / "model.json", "--data", csv)
    assert out.exit_code == 0, out.output
    X = np.array(rows, dtype=float)[:, :2]
    assert np.array(out.output.splitlines()[1:], dtype=float).tolist() == model.predict(X).tolist()
    bad = write_csv(tmp_path / "bad.csv", ["a", "c"], [[1, 2]])
    out = run("predict", tmp_path / "o" / "model.json", "--data", bad)
    assert out.exit_code == 2 and "(x1, x2) or as in the data it was trained on (a, b)" in out.output


def test_a_missing_column_message_names_a_few_columns_then_how_many_more(tmp_path):
    from symnet.learn.csvfile import few
    from tests.cli_helpers import refused

    assert few(["a", "b"]) == "a, b" and few([f"p{k}" for k in range(1, 65)]) == "p1, p2, p3, p4, p5 … and 59 more"
    data = make("xor", n=20, seed=1)
    X = np.hstack([data.X] * 4)
    wide = train(symnet.mlp([8, 2, 1]), (X, data.y), epochs=2, progress=False)
    path = symnet.save(tmp_path / "model.json", wide)
    (tmp_path / "lin.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("predict", path, "--data", tmp_path / "lin.csv")
    refused(result, "no column x1, x2, x3, x4, x5 … and 3 more", "the header has a, b")
    assert "x8" not in result.output and result.output.count("x1") == 1


def test_predict_refuses_built_in_rows_it_cannot_make_again_with_the_file_to_give(tmp_path, classifier):
    from tests.cli_helpers import refused

    _, _, path = classifier     # trained on xor made from seed 1, recorded as seed 0 (train's own), no data.csv
    refused(run("predict", path, "--data", "xor"), "--data xor: the rows", "cannot be made again",
            f"{path.parent / 'data.csv'}", "--data FILE.csv")
    refused(run("predict", path, "--data", "digits"), "takes 2 input(s) per row", "a CSV file")
    refused(run("predict", path, "--data", "nothere.csv"), "nothere.csv")    # a missing file: still its own message
