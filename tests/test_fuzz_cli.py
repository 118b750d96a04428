"""Fuzz every command: random option values, random formula text and random small files.

Whatever comes in, a command ends with exit code 0 (done), 1 (a failed check) or 2 (bad input,
one clear line) — never a traceback or another exit code. Kept small (a few examples per
command, tiny networks and data, no figures) so the whole file runs in well under a minute.
"""

from __future__ import annotations

import json
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
            "nope", "seed:wat", "mlp:", "layers:4-3-2:relu:softmax", "layers:0-1",
            "attention:T=3,d=4,dk=2,classes=2", "attention:T=3", "attention:T=2,d=x", "attention:T=3,d=4,heads=2")
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
LANG = st.sampled_from(("en", "zh", "fr", ""))
SYMBOLIC = {"--timeout": numbers(), "--format": st.sampled_from(("text", "unicode", "latex", "markdown", "json",
                                                                   "html")),
            "--ascii": FLAG, "--loss": st.sampled_from(("squared_error", "binary_cross_entropy", "hinge", "yhat")),
            "--activation": st.sampled_from(("tanh", "relu", "log(z)", "z/(1 + Abs(z))", "nope", "z*x", ""))}
MATRIX = {"--shapes": st.sampled_from(("X=N x 3, y=N, w=3", "w=3", "x=1, w=1", "X=0", "", "X=N x 3 x 4", "w=3, w=2")),
          "--steps": FLAG}
TRAIN_NETWORKS = ("layers:2-3-2:tanh:softmax", "layers:2-3-1:tanh:sigmoid", "layers:64-8-10:relu:softmax",
                  "layers:2-2-2:tanh:identity", "mlp:2-2-1", "attention:T=3,d=4,classes=2",
                  "attention:T=3,d=3,classes=2")
HOSTILE_JSON = (5, "x1", {"a": 1}, True, None, [], 1e-320, 1e308, -1, "9" * 3000, [1e308, -1e308], ["x1", "x1"])


def tables(command, out):
    """The options fuzzed for ``command`` (option -> strategy of its value; None for a flag)."""
    if command in ("show", "grad", "check", "codegen", "derive", "hessian"):
        matrix = {k: v for k, v in MATRIX.items() if command in ("grad", "codegen") or k == "--shapes"
                  or (command == "hessian" and k == "--steps")} \
            if command in ("grad", "codegen", "check", "derive", "hessian") else {}   # a typed matrix loss (issue 19)
        return dict(SYMBOLIC, **matrix, **{"--wrt": st.sampled_from(NAMES), "--at": points(), "--max-ops": numbers(),
                                 "--expanded": FLAG, "--seed": numbers(), "--batch": numbers(),
                                 "--lang": st.sampled_from(("en", "zh", "fr")), "--no-check": FLAG,
                                 "--abstract": FLAG, "-o": st.just(out),
                                 "--order": st.sampled_from(("1", "2", "3", "x")),
                                 **({"--dtype": st.sampled_from(("float32", "float64", "float16"))}
                                    if command == "check" else {})})
    if command == "graph":  # never a picture format: drawing is slow, and not what is fuzzed here
        return {"--wrt": st.sampled_from(NAMES), "--dpi": numbers(), "--timeout": numbers(),
                "--lang": st.sampled_from(("en", "zh", "de")), "--loss": SYMBOLIC["--loss"],
                "--activation": SYMBOLIC["--activation"]}
    if command == "train":
        return {"--target": st.sampled_from(("y", "x1", "z")), "--samples": numbers(), "--noise": numbers(),
                "--optimizer": st.sampled_from(("sgd", "adam", "rmsprop")), "--lr": numbers(),
                "--batch-size": numbers(), "--seed": numbers(), "--validation": numbers(), "--clip": numbers(),
                "--loss": SYMBOLIC["--loss"], "--timeout": numbers(), "--activation": SYMBOLIC["--activation"],
                "--backend": st.sampled_from(("numpy", "jax", "fused", "gpu")), "--devices": numbers(),
                "--dtype": st.sampled_from(("float32", "float64", "half")),
                "--format": st.sampled_from(("text", "json", "xml")), "--ascii": FLAG, "--lang": LANG,
                "--shapes": MATRIX["--shapes"]}
    if command == "descend":
        return {"--lr": st.sampled_from(("0.1", "0.1,0.5", "", "nan", "1,x", "-1")), "--steps": numbers(),
                "--var": st.sampled_from(NAMES), "--timeout": numbers(), "--format": SYMBOLIC["--format"],
                "--ascii": FLAG, "-o": st.just(out), "--newton": FLAG, "--lang": LANG}
    if command == "tower":
        return {"--bounds": st.sampled_from(("0,1,0,1", "1,0,0,1", "0,1", "a,b,c,d", "nan,1,0,1")),
                "--steepness": numbers(), "--sharpness": numbers(), "--threshold": numbers(),
                "--nested": FLAG, "--show-formula": FLAG, "--ascii": FLAG, "--timeout": numbers(),
                "-o": st.just(out), "--format": st.sampled_from(("text", "json", "csv")), "--lang": LANG}
    if command == "approx":
        return {"--domain": st.sampled_from(("-1,1,-1,1", "1,-1,0,1", "0,0,0,0", "x")),
                "--n": st.sampled_from(("1", "2", "1,2", "0", "33", "", "2,x")), "--threshold": numbers(),
                "--sharpness": numbers(), "--steepness": numbers(), "--timeout": numbers(),
                "--refine": FLAG, "--lr": numbers(), "--epochs": st.sampled_from(("1", "0", "x", "100001")),
                "--format": st.sampled_from(("text", "json", "csv")), "--ascii": FLAG, "--out": st.just(out),
                "--lang": LANG}
    if command == "predict":
        return {"--format": st.sampled_from(("csv", "json", "xml")), "-o": st.just(out), "--timeout": numbers(),
                "--lang": LANG}
    if command == "quiz":
        return {"--points": numbers(), "--seed": numbers(), "--timeout": numbers(), "--ascii": FLAG,
                "--format": st.sampled_from(("unicode", "text", "json", "latex")),
                "--lang": st.sampled_from(("en", "zh", "fr")), "--loss": st.sampled_from(("squared_error", "hinge")),
                "--activation": SYMBOLIC["--activation"]}
    return {"--lang": st.sampled_from(("fr", "", "EN")), "--timeout": numbers()}   # tour: never a whole tour


NETWORK_OPTIONS = ("--expr", "--inputs", "--params")   # network_args gives them
FIXED = {"train": ("--data", "--epochs", "--quiet", "--out", *NETWORK_OPTIONS), "descend": ("--x0",),
         "graph": ("-o", *NETWORK_OPTIONS), "predict": ("--data",), "tour": ("--out",),
         "quiz": ("--wrt", "--answer", *NETWORK_OPTIONS),
         **dict.fromkeys(("show", "grad", "check", "codegen", "derive", "hessian"), NETWORK_OPTIONS)}   # given on every call


@st.composite
def edited_model(draw, models, tmp_path):
    """A real model file (scalar or layers) with one field replaced by a hostile JSON value."""
    doc = json.loads(models[draw(st.sampled_from(sorted(models)))].read_text(encoding="utf-8"))
    where = doc if draw(st.booleans()) or not isinstance(doc.get("network"), dict) else doc["network"]
    where[draw(st.sampled_from(sorted(where)))] = draw(st.sampled_from(HOSTILE_JSON))
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


@st.composite
def invocations(draw, command, tmp_path, models=None):
    """The argument list of one random call of ``command``."""
    out = str(tmp_path / draw(st.sampled_from(("out.txt", "out.md", "out.jpg", "sub/out.txt", ""))))
    chosen = options(draw, tables(command, out))
    if command in ("show", "grad", "check", "codegen", "derive", "hessian"):
        return [command, *draw(network_args(tmp_path)), *chosen]
    if command == "graph":
        return [command, *draw(network_args(tmp_path)), "-o", out, *chosen]
    if command == "train":
        data = tmp_path / "data.csv"
        data.write_text(draw(csv_texts()), encoding="utf-8")
        spec = draw(st.sampled_from((str(data), "xor", "sine", "digits", "sequences", "function:" + draw(formulas()),
                                          "nope")))
        network = [draw(st.sampled_from(TRAIN_NETWORKS))] if draw(st.booleans()) else draw(network_args(tmp_path))
        epochs = draw(st.sampled_from(("1", "2", "0", "-5", "1000000", "x")))
        return [command, *network, "--data", spec, "--epochs", epochs, "--quiet", "--out", str(tmp_path / "run"),
                *chosen, "--timeout", "5"]   # last: a million epochs of the digits stop at the time limit
    if command == "descend":
        return [command, draw(formulas()), "--x0", draw(numbers()), *chosen]
    if command == "tower":
        return [command, *chosen]
    if command == "approx":
        return [command, draw(formulas()), "--n", "1,2", *chosen]
    if command == "quiz":
        wrt = draw(st.sampled_from(("w2_1", "b5", "h2", "z3", "yhat", "y", "L", "q") + NAMES))
        return [command, *draw(network_args(tmp_path)), "--wrt", wrt, "--answer", draw(formulas()), *chosen]
    if command == "predict":
        data = tmp_path / "rows.csv"
        data.write_text(draw(csv_texts()), encoding="utf-8")
        model = tmp_path / "model.json"
        model.write_text(draw(json_texts()), encoding="utf-8")
        spec = draw(st.sampled_from((str(model), "/dev/zero", str(tmp_path / "missing.json"), "seed",
                                     draw(edited_model(models, tmp_path)))))
        return [command, spec, "--data", draw(st.sampled_from((str(data), "/dev/zero", "xor"))), *chosen]
    return [command, "--lang", draw(st.sampled_from(("fr", "", "EN"))), "--out", out, *chosen]   # bad input only


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Two real model files (a scalar network's and a layer network's), for predict to be fed edited copies of."""
    folder = tmp_path_factory.mktemp("models")
    for name, network in (("scalar", "mlp:2-2-1"), ("layers", "layers:2-3-2:tanh:softmax")):
        result = CliRunner().invoke(main, ["train", network, "--data", "xor", "--epochs", "1", "--quiet",
                                           "--out", str(folder / name)])
        assert result.exit_code == 0, result.output
    return {name: folder / name / "model.json" for name in ("scalar", "layers")}


def test_the_fuzz_covers_every_option_of_every_command(tmp_path):
    import importlib

    missing = []
    for command, (module, attr) in COMMANDS.items():
        click_command = getattr(importlib.import_module(f"symnet.cli.{module}"), attr)
        fuzzed = set(tables(command, str(tmp_path / "out.txt"))) | set(FIXED.get(command, ()))
        missing += [f"symnet {command} {'/'.join(param.opts)}" for param in click_command.params
                    if param.opts[0].startswith("-") and not fuzzed & set(param.opts)]
    assert missing == [], f"not fuzzed: {', '.join(missing)}"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_exits_0_1_or_2_without_a_traceback(command, tmp_path, request):
    models = request.getfixturevalue("models") if command == "predict" else None

    @FUZZ
    @given(data=st.data())
    def check(data):
        args = data.draw(invocations(command, tmp_path, models), label="args")
        result = CliRunner().invoke(main, args)
        if os.environ.get("SYMNET_FUZZ_SHOW"):
            print(result.exit_code, args, result.output[-150:].replace("\n", " | "))
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert "Traceback" not in result.output, (args, result.output)

    check()
