"""Model files: a trained model saved and loaded back bit for bit; damaged files named precisely."""

import json

import pytest

from symnet import mlp
from symnet.learn.data import make
from symnet.learn.modelfile import MODEL_FORMAT, load, save
from symnet.learn.training import TrainResult, train

XOR = make("xor", n=200, noise=0.1, seed=0)


@pytest.fixture(scope="module")
def trained():
    return train(mlp([2, 3, 1], "tanh", "sigmoid"), XOR, epochs=30, validation=0.2, optimizer="momentum",
                 progress=False)


def test_save_load_round_trip_bit_for_bit(tmp_path, trained):
    path = save(tmp_path / "sub" / "model.json", trained)
    back = load(path)
    assert isinstance(back, TrainResult)
    assert back.theta.tobytes() == trained.theta.tobytes()
    assert back.predict(XOR.X).tobytes() == trained.predict(XOR.X).tobytes()
    assert back.history == trained.history and back.params == trained.params
    assert back.settings == trained.settings and back.loss.name == trained.loss.name
    assert str(back.network) == str(trained.network)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == MODEL_FORMAT == "symnet-model" and doc["settings"]["optimizer"] == "momentum"
    assert list(tmp_path.joinpath("sub").iterdir()) == [path]  # atomic: no temporary file left


def edit(doc, change):
    doc = json.loads(json.dumps(doc))
    change(doc)
    return doc


@pytest.mark.parametrize("damage, match", [
    (lambda text, doc: text[: len(text) // 2], "not valid JSON"),
    (lambda text, doc: "", "not valid JSON"),
    (lambda text, doc: b"\xff\xfe".decode("latin-1"), "not valid JSON"),
    (lambda text, doc: json.dumps([1, 2]), "not a symnet model"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d.update(version=9))), "unsupported version 9"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d.pop("theta"))), "missing key 'theta'"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d["theta"].pop())), "'theta' has 12 values; expected 13"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d["theta"].__setitem__(0, "x"))), "numbers only"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d["theta"].__setitem__(0, float("nan")))), "NaN is not a JSON number"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d["params"].reverse())), "does not match"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d.update(loss="hinge"))), "unknown loss"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d["network"].update(nested="f(θ1, x1"))), "network"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d["history"]["epochs"].pop())), "same length"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d.update(history=[]))), "'history' has the wrong type"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d["history"]["epochs"].__setitem__(0, True))), "same length"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d["settings"].update(epochs=True))),
     "'settings.epochs' must be a whole number >= 0; got true"),
    (lambda text, doc: json.dumps(edit(doc, lambda d: d["settings"].update(learning_rate="fast"))),
     "'settings.learning_rate' must be a positive number"),
    (lambda text, doc: text.replace('"loss":', '"loss": "squared_error", "loss":', 1), "key 'loss' appears twice"),
])
def test_damaged_model_file(tmp_path, trained, damage, match):
    path = save(tmp_path / "model.json", trained)
    text = path.read_text(encoding="utf-8")
    path.write_text(damage(text, json.loads(text)), encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        load(path)


def test_save_needs_a_result(tmp_path):
    with pytest.raises(TypeError, match="TrainResult"):
        save(tmp_path / "m.json", {"theta": [1.0]})
    with pytest.raises(OSError):
        load(tmp_path / "missing.json")


def test_model_file_from_a_device_is_refused_at_once():
    with pytest.raises(ValueError, match="model file /dev/zero is not a regular file"):
        load("/dev/zero")


def test_a_network_that_cannot_be_saved_is_refused_before_training():
    from sympy import Symbol

    from symnet import f, from_neurons
    from symnet.io.netfile import NetworkFileError
    from symnet.learn.modelfile import check_savable

    node = f(Symbol("θ1"), Symbol("x1"))
    for i in range(2, 18):  # each neuron uses the previous one twice: the saved text doubles per level
        node = f(Symbol(f"θ{i}"), node, node)
    with pytest.raises(NetworkFileError, match="more than the 1 MB limit of network files"):
        check_savable(from_neurons(node))
