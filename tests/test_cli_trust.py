"""Regressions of the "trust" issue through the command line: no silent wrong answer, bounded work,
files that survive, output in the terminal's encoding. One test per example of the issue (the
library-level ones live beside their modules: test_parsing, test_data, test_modelfile,
test_netfile, test_files, test_cli_towers)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from symnet.cli import COMMANDS, main

from .cli_helpers import refused, run

ROOT = Path(__file__).resolve().parents[1]


# ----- silent wrong answers -------------------------------------------------------------------

def test_csv_columns_are_taken_by_header_name(tmp_path):
    rows = ["x2,x1,y"] + [f"{b},{a},{3 * a}" for a, b in ((1, 0.5), (-1, 2), (0.5, -1), (2, 1), (-2, -0.5))]
    data = tmp_path / "swap.csv"
    data.write_text("\n".join(rows) + "\n")
    result = run("train", "--expr", "a*x1 + c*x2", "--inputs", "x1,x2", "--data", data, "--epochs", 400, "--lr", 0.1,
                 "--quiet", "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    theta = dict(zip(*(json.loads((tmp_path / "run" / "model.json").read_text())[k] for k in ("params", "theta"))))
    assert theta["a"] == pytest.approx(3.0, abs=1e-3) and theta["c"] == pytest.approx(0.0, abs=1e-3)


def test_csv_columns_by_position_are_announced(tmp_path):
    data = tmp_path / "p.csv"
    data.write_text("p,q,r\n1,2,3\n2,1,3\n0,1,1\n1,1,2\n")
    result = run("train", "--expr", "a*x1 + c*x2", "--inputs", "x1,x2", "--data", data, "--epochs", 2, "--quiet",
                 "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "columns were taken by position: p -> x1, q -> x2; target r" in result.output


@pytest.mark.parametrize("args, words", [
    (("approx", "sqrt(-1)*x*y"), ("'sqrt(-1)' gives the constant I", "real, finite numbers")),
    (("grad", "--expr", "w*x/0", "--inputs", "x"), ("'w*x/0' gives the constant zoo",)),
    (("show", "--expr", "w*x + oo", "--inputs", "x"), ("oo means infinity in SymPy at column 6",)),
    (("show", "--expr", "w*x*nan", "--inputs", "x"), ("nan means not-a-number in SymPy",)),
    (("show", "--expr", "I*w*x", "--inputs", "x"), ("I means the imaginary unit in SymPy at column 0",)),
    (("grad", "--expr", "w*x*1e308*10", "--inputs", "x"), ("too large for a float64",)),
    (("grad", "--expr", "w*x*E**1000", "--inputs", "x"), ("exponent of size 1e+03 is too large",)),
])
def test_complex_and_infinite_constants_are_refused_with_their_position(args, words):
    refused(run(*args), *words)


def test_train_refuses_a_complex_constant_instead_of_dropping_it(tmp_path):
    result = run("train", "--expr", "w*x*sqrt(-1)", "--inputs", "x", "--data", "sine", "--epochs", 1, "--quiet",
                 "--out", tmp_path / "run")
    refused(result, "'sqrt(-1)' gives the constant I")
    assert not (tmp_path / "run").exists()


def test_tower_sharpness_zero_is_refused_not_replaced_by_30():
    refused(run("tower", "--sharpness", 0), "Invalid value for '--sharpness': 0.0 is not in the range x>0")


def test_csv_cell_with_an_underscore_is_not_a_number(tmp_path):
    data = tmp_path / "u.csv"
    data.write_text("x1,x2,y\n1_000,1,2\n")
    refused(run("train", "seed", "--data", data, "--out", tmp_path / "run"), "row 2, column 'x1': '1_000' is not a number")


def test_duplicate_keys_in_a_network_file_are_refused(tmp_path):
    path = tmp_path / "net.json"
    path.write_text('{"format": "symnet-network", "version": 1, "kind": "expression", "expr": "w*x", '
                    '"inputs": ["x"], "params": ["w"], "expr": "w*x + 1"}')
    refused(run("show", path), "key 'expr' appears twice in one object")


# ----- unbounded work -------------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (("train", "mlp:9999-1", "--data", "xor"), ("would take about 1,000 s to build symbolically",)),
    (("train", "mlp:2-64-1", "--data", "xor", "--samples", 1_000_000, "--epochs", 1), ("about 3.6 GB at once",)),
    (("train", "seed", "--data", "xor", "--epochs", 1_000_000), ("training would do about",)),
    (("approx", "x*y", "--n", ",".join(map(str, range(1, 33)))), ("build 11,440 towers in all; at most 1,400",)),
])
def test_too_much_work_is_refused_before_it_starts(args, words, tmp_path):
    out = ("--out", tmp_path / "run") if args[0] == "train" else ()
    refused(run(*args, *out), *words)
    assert not (tmp_path / "run").exists()


def test_a_large_graph_is_refused_before_drawing(tmp_path):
    refused(run("graph", "mlp:2-255-1", "-o", tmp_path / "g.png"), "the graph would have 1279 nodes; symnet draws at most 120")


def test_library_mlp_is_sized_before_it_is_built():
    from symnet import mlp

    with pytest.raises(ValueError, match="4,000,001 parameters; symnet works with at most 20,000"):
        mlp([2, 10**6, 1])
    with pytest.raises(ValueError, match="would take about 40 s to build"):
        mlp([2000, 1])


def test_a_tiny_timeout_exits_2_with_a_message_not_an_alarm_clock():
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    for value in ("1e-6", "1e-300"):
        done = subprocess.run([sys.executable, "-m", "symnet.cli", "grad", "seed", "--timeout", value],
                              capture_output=True, env=environ, timeout=120, check=False)
        assert done.returncode == 2, done
        assert b"took longer than the time limit" in done.stderr


@pytest.mark.parametrize("command", [("check",), ("train", "--data", "sine", "--epochs", "1")])
def test_a_network_without_parameters_gets_a_plain_message(command, tmp_path):
    out = ("--out", tmp_path / "run") if command[0] == "train" else ()
    result = run(*command, "--expr", "2*x", "--inputs", "x", *out)
    refused(result, "the network 2*x has no parameters")
    assert "concatenate" not in result.output


def test_grad_at_a_point_of_a_network_without_parameters_prints_the_loss():
    result = run("grad", "--expr", "2*x", "--inputs", "x", "--at", "x=1,y=0")
    assert result.exit_code == 0, result.output
    assert "L = 4" in result.output


def test_a_huge_integer_in_a_json_file_gets_a_plain_message(tmp_path):
    path = tmp_path / "net.json"
    path.write_text('{"format": "symnet-network", "version": ' + "9" * 5000 + "}")
    result = run("show", path)
    refused(result, "an integer of 5000 digits is too large")
    assert "int_max_str_digits" not in result.output


# ----- files ----------------------------------------------------------------------------------

def test_output_to_a_symlink_or_a_device_is_refused(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("keep")
    (tmp_path / "link.txt").symlink_to(real)
    refused(run("show", "seed", "-o", tmp_path / "link.txt"), "is a symbolic link")
    refused(run("show", "seed", "-o", "/dev/null"), "/dev/null is a device, FIFO or socket")
    assert real.read_text() == "keep"


def test_output_keeps_a_private_mode_and_refuses_a_read_only_file(tmp_path):
    private, locked = tmp_path / "private.txt", tmp_path / "locked.txt"
    private.write_text("old")
    private.chmod(0o600)
    assert run("show", "seed", "-o", private).exit_code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and "θ" in private.read_text(encoding="utf-8")
    locked.write_text("old")
    locked.chmod(0o444)
    refused(run("show", "seed", "-o", locked), "is read-only")
    assert locked.read_text() == "old"


def test_a_failed_training_leaves_the_old_run_whole(tmp_path):
    out = tmp_path / "run"
    assert run("train", "seed", "--data", "xor", "--epochs", 2, "--quiet", "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    huge = tmp_path / "huge.csv"
    huge.write_text("x1,x2,y\n1,2,1e308\n3,4,-1e308\n")
    refused(run("train", "seed", "--data", huge, "--epochs", 50, "--quiet", "--out", out), "diverged")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.csv", "run"]  # no temporary folder or .tmp file


def test_a_folder_holding_other_files_is_refused_before_training(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    refused(run("train", "seed", "--data", "xor", "--out", tmp_path), "holds other files (notes.txt)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


# ----- encodings ------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_chinese_output_on_a_gbk_terminal(encoding):
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": encoding}
    done = subprocess.run([sys.executable, "-m", "symnet.cli", "derive", "seed", "--lang", "zh", "--wrt", "w1_1",
                           "--no-check"], capture_output=True, env=environ, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode(encoding)
    assert "链式法则" in text and "?" not in text


def test_a_greek_letter_inside_a_name_is_typeset_by_latex():
    from sympy import Symbol

    from symnet.render.printing import latex

    assert latex(Symbol("w_θ")) == r"\mathrm{w\_}\theta"
    assert latex(Symbol("Αb")) == r"\mathrm{A}\mathrm{b}"


# ----- time limits, cost estimates (second pass) ----------------------------------------------

def test_euler_e_and_numpy_names_are_the_user_s_parameters():
    result = run("grad", "--expr", "E*x + e*w", "--inputs", "x", "--at", "x=1,e=0,w=0,y=0")
    assert result.exit_code == 0, result.output
    assert "L = 7.389056" in result.output  # (E·1 + 0·0 - 0)² = e², not 0
    result = run("grad", "--expr", "maximum*x", "--inputs", "x", "--at", "x=1,maximum=2,y=0")
    assert result.exit_code == 0, result.output
    assert "L = 4" in result.output


def test_every_command_takes_a_timeout():
    for command in COMMANDS:
        result = run(command, "--help")
        assert result.exit_code == 0, (command, result.output)
        assert "--timeout SECONDS" in result.output, command


def _tiny_timeout_calls(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0,1\n1,0\n")
    return {
        "train": ("train", "seed", "--data", "xor", "--epochs", 5, "--quiet", "--out", tmp_path / "run"),
        "descend": ("descend", "x**2 - 2*x", "--x0", 3, "-o", tmp_path / "d.png"),
        "tower": ("tower", "--show-formula", "-o", tmp_path / "t.png"),
        "approx": ("approx", "x*y", "--n", "2,4", "--out", tmp_path / "towers"),
        "graph": ("graph", "seed", "-o", tmp_path / "g.png"),
        "predict": ("predict", tmp_path / "model" / "model.json", "--data", rows, "-o", tmp_path / "p.csv"),
        "tour": ("tour", "--out", tmp_path / "tour"),
        "quiz": ("quiz", "seed", "--wrt", "w2_1", "--answer", "delta_z2*x2"),
    }


@pytest.mark.parametrize("command", ["train", "descend", "tower", "approx", "graph", "predict", "tour", "quiz"])
@pytest.mark.parametrize("seconds", ["1e-6", "1e-300"])
def test_a_tiny_timeout_stops_every_command_with_one_message_and_no_files(command, seconds, tmp_path):
    if command == "predict":
        assert run("train", "seed", "--data", "xor", "--epochs", 2, "--quiet", "--out", tmp_path / "model").exit_code == 0
    call = _tiny_timeout_calls(tmp_path)[command]
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run(*call, "--timeout", seconds)
    refused(result, f"took longer than the time limit of {float(seconds):g} s")
    assert result.output.count("Error:") == 1 and "wrote" not in result.output, result.output
    after = sorted(p.name for p in tmp_path.iterdir())
    assert after in (before, sorted(before + ["tour"]))  # no file, no hidden folder (tour: OUT made empty up front)
    if command == "tour":
        assert not any((tmp_path / "tour").iterdir())


def _spin_after(mark, real=None):
    """A stand-in for a step of the work that marks that it started (with its process id) and never ends."""
    def spin(*args, **kwargs):
        mark.write_text(str(os.getpid()))
        if real is not None:
            real(*args, **kwargs)
        while True:
            pass
    return spin


@pytest.mark.forks     # the worker killed at the deadline: in a fresh process where JAX's threads run in this one
@pytest.mark.parametrize("where", ["training", "writing the run"])
def test_an_interrupted_training_leaves_the_old_run_whole(where, tmp_path, tmp_path_factory, monkeypatch):
    import symnet.cli.train as command
    from symnet.learn import training

    out, mark = tmp_path / "run", tmp_path_factory.mktemp("marks") / "started"
    assert run("train", "seed", "--data", "xor", "--epochs", 2, "--quiet", "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    if where == "training":  # the deadline falls inside the work, which never ends on its own
        monkeypatch.setattr(training, "train", _spin_after(mark))
    else:                    # ... or while the new run's hidden folder is half written
        monkeypatch.setattr(command, "write_training_outputs", _spin_after(mark, command.write_training_outputs))
    result = run("train", "seed", "--data", "xor", "--epochs", 20, "--quiet", "--out", out, "--timeout", 0.5)
    assert mark.exists() and int(mark.read_text()) != os.getpid()  # the work ran, in the worker, and was stopped
    refused(result, "training took longer than the time limit of 0.5 s of CPU time (--timeout)")
    assert result.output.count("Error:") == 1 and "Exception ignored" not in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no half-built run beside it


def test_a_long_training_stops_at_an_epoch_and_leaves_the_old_run_whole(tmp_path):
    out = tmp_path / "run"
    assert run("train", "seed", "--data", "xor", "--epochs", 2, "--quiet", "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run("train", "seed", "--data", "xor", "--epochs", 20_000, "--quiet", "--out", out, "--timeout", 0.5)
    refused(result, "training took longer than the time limit of 0.5 s")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_deadline_is_checked_where_no_worker_can_fork():
    from symnet.cli.timelimit import TimeLimitExceeded, check_deadline, command_scope, time_limit

    outcome = []

    def loop():
        try:
            with command_scope(), time_limit(0.01, "a loop"):
                while True:
                    check_deadline()
        except TimeLimitExceeded as error:
            outcome.append(str(error))

    thread = threading.Thread(target=loop)  # only the main thread forks a worker
    thread.start()
    thread.join(60)
    assert outcome == ["a loop took longer than the time limit of 0.01 s of CPU time (--timeout); use a smaller "
                       "network or a larger --timeout"]


def test_a_history_too_long_to_save_is_refused_before_training(tmp_path):
    result = run("train", "--expr", "w*x", "--inputs", "x", "--data", "sine", "--samples", 4, "--epochs", 200_000,
                 "--validation", 0.5, "--quiet", "--out", tmp_path / "run")
    refused(result, "the model file of 200,000 epochs would be up to", "train for fewer epochs")
    assert not (tmp_path / "run").exists()


def test_a_network_file_too_large_to_build_is_refused_before_building(tmp_path):
    inputs = [f"x{i}" for i in range(1, 3001)]
    path = tmp_path / "wide.json"
    path.write_text(json.dumps({"format": "symnet-network", "version": 1, "kind": "neurons",
                                "nested": "f(θ1, " + ", ".join(inputs) + ")", "inputs": inputs,
                                "model": {"activation": "sigmoid", "parameterization": "affine"}}))
    refused(run("show", path), "would take about 90 s to build symbolically (a neuron with 3,000 inputs)")
    path.write_text(json.dumps({"format": "symnet-network", "version": 1, "kind": "expression",
                                "expr": "w*(" + "+".join(f"sin(x{i % 50})" for i in range(30_000)) + ")",
                                "inputs": [f"x{i}" for i in range(50)], "params": ["w"]}))
    result = run("show", path)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output


def test_a_model_from_a_device_is_refused_at_once(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0,1\n")
    refused(run("predict", "/dev/zero", "--data", rows), "/dev/zero is not a regular file")
