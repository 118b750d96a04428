"""Fuzz every command: random option values, random formula text and random small files.

Whatever comes in, a command ends with exit code 0 (done), 1 (a failed check) or 2 (bad input,
one clear line) — never a traceback or another exit code. Kept small (a few examples per
command, tiny networks and data, no figures) so the whole file runs in well under a minute.
"""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symnet.cli import COMMANDS, main

FUZZ = settings(max_examples=int(os.environ.get("SYMNET_FUZZ_EXAMPLES", "6")), deadline=None, derandomize=not os.environ.get("SYMNET_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

NUMBERS = ("0", "-1", "1", "2", "3", "0.5", "1e-6", "1e308", "1e309", "nan", "inf", "-inf", "abc", "1_000", "",
           "9" * 40, "0x10", "1e-300")
NETWORKS = ("seed", "seed:tanh", "mlp:2-2-1", "mlp:1-1", "mlp:2-0-1", "mlp:9999-1", "mlp:2-3-1:relu:sigmoid",
            "nope", "seed:wat", "mlp:", "layers:4-3-2:relu:softmax", "layers:0-1")
NAMES = ("x1", "w1_1", "θ1", "theta1", "b5", "q", "x", "w", "", "x1,x1", "1x")


def formulas():
    """Text made of what formulas are made of, with the constants symnet must refuse mixed in."""
    pieces = st.sampled_from(("x", "y", "w", "b", "+", "-", "*", "/", "**", "(", ")", "2", "0", "1e308", "sqrt(",
                              "log(", "exp(", "I", "oo", "nan", "E", "pi", "sigmoid(", "f(θ1,", ",", " ", "^", "1_0"))
    return st.lists(pieces, min_size=1, max_size=12).map("".join)


def numbers():
    return st.sampled_from(NUMBERS)


def points():
    pair = st.tuples(st.sampled_from(("x", "x1", "x2", "w", "b", "y", "w1_1", "q")), numbers())
    return st.lists(pair, max_size=4).map(lambda ps: ",".join(f"{k}={v}" for k, v in ps))


def csv_texts():
    cell = st.sampled_from(("1", "-2.5", "0", "1e308", "nan", "", "abc", "1_000", "x1", "x2", "y", "3e-1"))
    row = st.lists(cell, min_size=1, max_size=4).map(",".join)
    header = st.sampled_from(("x1,x2,y", "x2,x1,y", "x,y", "a,b,c", "y", "", "x1,x1,y"))
    return st.tuples(header, st.lists(row, max_size=6)).map(lambda t: "\n".join([t[0], *t[1]]) + "\n")


def json_texts():
    return st.sampled_from((('{"format": "symnet-network", "version": 1, "kind": "expression", "expr": "w*x", '
                             '"inputs": ["x"], "params": ["w"]}'),
                            '{"format": "symnet-network", "format": "symnet-network"}', "[1, 2", "", "null",
                            '{"version": ' + "9" * 400 + "}", '{"format": "symnet-network", "version": NaN}'))


@st.composite
def network_args(draw, tmp_path):
    """NETWORK, --expr/--inputs/--params, or a random JSON network file."""
    kind = draw(st.sampled_from(("name", "expr", "file")))
    if kind == "name":
        return [draw(st.sampled_from(NETWORKS))]
    if kind == "expr":
        args = ["--expr", draw(formulas()), "--inputs", draw(st.sampled_from(("x", "x,y", "y", "q", "")))]
        return args + (["--params", draw(st.sampled_from(NAMES))] if draw(st.booleans()) else [])
    path = tmp_path / "net.json"
    path.write_text(draw(json_texts()), encoding="utf-8")
    return [str(path)]


def options(draw, table):
    """A random subset of ``table`` (option -> strategy), each with a drawn value ('' for a flag)."""
    chosen = draw(st.lists(st.sampled_from(sorted(table)), max_size=4, unique=True))
    args = []
    for name in chosen:
        value = draw(table[name])
        args += [name] if value is None else [name, value]
    return args


FLAG = st.none()
SYMBOLIC = {"--timeout": numbers(), "--format": st.sampled_from(("text", "unicode", "latex", "markdown", "json",
                                                                   "html")),
            "--ascii": FLAG, "--loss": st.sampled_from(("squared_error", "binary_cross_entropy", "hinge"))}


@st.composite
def invocations(draw, command, tmp_path):
    """The argument list of one random call of ``command``."""
    out = str(tmp_path / draw(st.sampled_from(("out.txt", "out.md", "out.jpg", "sub/out.txt", ""))))
    if command in ("show", "grad", "check", "codegen", "derive"):
        table = dict(SYMBOLIC, **{"--wrt": st.sampled_from(NAMES), "--at": points(), "--max-ops": numbers(),
                                  "--expanded": FLAG, "--seed": numbers(), "--batch": numbers(),
                                  "--lang": st.sampled_from(("en", "zh", "fr")), "--no-check": FLAG,
                                  "-o": st.just(out)})
        return [command, *draw(network_args(tmp_path)), *options(draw, table)]
    if command == "graph":  # never a picture format: drawing is slow, and not what is fuzzed here
        table = {"--wrt": st.sampled_from(NAMES), "--dpi": numbers(), "--timeout": numbers(),
                 "--lang": st.sampled_from(("en", "zh", "de"))}
        return [command, *draw(network_args(tmp_path)), "-o", out, *options(draw, table)]
    if command == "train":
        data = tmp_path / "data.csv"
        data.write_text(draw(csv_texts()), encoding="utf-8")
        table = {"--target": st.sampled_from(("y", "x1", "z")), "--samples": numbers(), "--noise": numbers(),
                 "--optimizer": st.sampled_from(("sgd", "adam", "rmsprop")), "--lr": numbers(),
                 "--batch-size": numbers(), "--seed": numbers(), "--validation": numbers(), "--clip": numbers(),
                 "--loss": SYMBOLIC["--loss"], "--timeout": numbers()}
        spec = draw(st.sampled_from((str(data), "xor", "sine", "function:" + draw(formulas()), "nope")))
        epochs = draw(st.sampled_from(("1", "2", "0", "-5", "1000000", "x")))
        return [command, *draw(network_args(tmp_path)), "--data", spec, "--epochs", epochs, "--quiet",
                "--out", str(tmp_path / "run"), *options(draw, table)]
    if command == "descend":
        table = {"--lr": st.sampled_from(("0.1", "0.1,0.5", "", "nan", "1,x", "-1")), "--steps": numbers(),
                 "--var": st.sampled_from(NAMES), "--timeout": numbers()}
        return [command, draw(formulas()), "--x0", draw(numbers()), *options(draw, table)]
    if command == "tower":
        table = {"--bounds": st.sampled_from(("0,1,0,1", "1,0,0,1", "0,1", "a,b,c,d", "nan,1,0,1")),
                 "--steepness": numbers(), "--sharpness": numbers(), "--threshold": numbers(),
                 "--nested": FLAG, "--show-formula": FLAG, "--ascii": FLAG, "--timeout": numbers()}
        return [command, *options(draw, table)]
    if command == "approx":
        table = {"--domain": st.sampled_from(("-1,1,-1,1", "1,-1,0,1", "0,0,0,0", "x")),
                 "--n": st.sampled_from(("1", "2", "1,2", "0", "33", "", "2,x")), "--threshold": numbers(),
                 "--sharpness": numbers(), "--steepness": numbers(), "--timeout": numbers()}
        return [command, draw(formulas()), "--n", "1,2", *options(draw, table)]
    if command == "quiz":
        table = {"--points": numbers(), "--seed": numbers(), "--timeout": numbers(), "--ascii": FLAG,
                 "--format": st.sampled_from(("unicode", "text", "json", "latex")),
                 "--lang": st.sampled_from(("en", "zh", "fr")), "--loss": st.sampled_from(("squared_error", "hinge"))}
        wrt = draw(st.sampled_from(("w2_1", "b5", "h2", "z3", "yhat", "y", "L", "q") + NAMES))
        return [command, *draw(network_args(tmp_path)), "--wrt", wrt, "--answer", draw(formulas()),
                *options(draw, table)]
    if command == "predict":
        model, data = tmp_path / "model.json", tmp_path / "rows.csv"
        model.write_text(draw(json_texts()), encoding="utf-8")
        data.write_text(draw(csv_texts()), encoding="utf-8")
        table = {"--format": st.sampled_from(("csv", "json", "xml")), "-o": st.just(out), "--timeout": numbers()}
        spec = draw(st.sampled_from((str(model), "/dev/zero", str(tmp_path / "missing.json"), "seed")))
        return [command, spec, "--data", draw(st.sampled_from((str(data), "/dev/zero", "xor"))),
                *options(draw, table)]
    return [command, "--lang", draw(st.sampled_from(("fr", "", "EN"))), "--out", out,  # tour: bad input only
            "--timeout", draw(numbers())]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_exits_0_1_or_2_without_a_traceback(command, tmp_path):
    @FUZZ
    @given(data=st.data())
    def check(data):
        args = data.draw(invocations(command, tmp_path), label="args")
        result = CliRunner().invoke(main, args)
        if os.environ.get("SYMNET_FUZZ_SHOW"):
            print(result.exit_code, args, result.output[-150:].replace("\n", " | "))
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert "Traceback" not in result.output, (args, result.output)

    check()
