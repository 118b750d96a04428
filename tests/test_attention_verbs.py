"""Attention networks through the same verbs as every network: a spec that reads back, derive (with the
softmax-by-rows section), save/load, and the CLI's show/grad/check/train with --data sequences."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from symnet import derive, load, save, train
from symnet.cli import main
from symnet.core.attention_model import attention, parse_attention_spec
from symnet.learn.sequences import sequences_for

SPEC = "attention:T=4,d=6,dk=2,classes=3"


def test_the_spec_reads_back():
    net = attention(5, 7, 3, d_v=2, classes=3, readout="mean")
    assert parse_attention_spec(net.spec) == net
    assert parse_attention_spec(SPEC).spec == "attention:T=4,d=6,dk=2,dv=6,classes=3,readout=query"


@pytest.mark.parametrize("spec, message", [
    ("attention:T=4", "T (tokens) and d (features) are required"),
    ("attention:T=4,d=x", "d must be a whole number"),
    ("attention:T=4,d=3,heads=2", "unknown entry"),
    ("attention:T=4,d=3,T=5", "repeated entry"),
    ("attention:T=4,d=3,readout=last", "readout must be one of"),
])
def test_a_bad_spec_is_one_clear_message(spec, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_attention_spec(spec)
    result = CliRunner().invoke(main, ["show", spec])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_derive_has_the_sweep_and_the_softmax_rows():
    text = str(derive(attention(3, 4, 2, classes=2)))
    assert "BP4" in text and "softmax by rows" in text and "rowsum(A ⊙ G)" in text


def test_save_and_load_an_attention_model(tmp_path):
    net = attention(4, 6, 2, classes=3)
    result = train(net, sequences_for(net, n=40, seed=1), epochs=2, progress=False)
    back = load(save(tmp_path / "model.json", result))
    assert back.network == net and (back.theta == result.theta).all()


def test_sequences_are_shaped_for_the_network_or_refused():
    assert sequences_for(attention(4, 6, 2, classes=3), n=5).X.shape == (5, 24)
    with pytest.raises(ValueError, match=re.escape("d ≥ classes + 2")):
        sequences_for(attention(4, 3, 2, classes=3), n=5)
    with pytest.raises(ValueError, match="trains an attention network"):
        sequences_for(object(), n=5)


@pytest.mark.parametrize("verb, expected", [("show", "A = softmax(S)"), ("grad", "rowsum"),
                                            ("check", "finite_diff"), ("derive", "softmax by rows")])
def test_the_cli_verbs_take_an_attention_spec(verb, expected):
    result = CliRunner().invoke(main, [verb, SPEC])
    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_cli_train_on_sequences_writes_a_model_that_loads(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["train", SPEC, "--data", "sequences", "--epochs", "2", "--samples", "100",
                                       "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output and (out / "confusion.png").is_file()
    assert load(out / "model.json").network.spec.startswith(SPEC.split(",classes")[0])


def test_the_builder_reads_the_spec_it_prints():
    import symnet

    net = symnet.attention(4, 5, 3, classes=3, readout="mean")
    assert symnet.attention(net.spec).spec == net.spec
    with pytest.raises(TypeError, match="spec string alone"):
        symnet.attention(net.spec, 5)
    with pytest.raises(TypeError, match="needs T and d"):
        symnet.attention(4)
