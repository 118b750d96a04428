"""Tests of the inspection commands (show, grad, check, codegen) and the shared CLI helpers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from symnet.cli import main
from symnet.cli.common import (
    ascii_fallback,
    echo_out,
    handle_errors,
    load_network,
    time_limit,
    write_output,
)

ROOT = Path(__file__).resolve().parents[1]


def run(*args, charset="utf-8"):
    return CliRunner(charset=charset).invoke(main, list(args))


def run_subprocess(*args, env=None):
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "symnet.cli", *args], capture_output=True, env=environ,
                          timeout=120)


# --- show -------------------------------------------------------------------------------------


def test_show_seed_unicode_has_all_four_views():
    result = run("show", "seed")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "f(θ₅, f(θ₃, f(θ₁, x₁) + f(θ₂, x₂)), f(θ₄, f(θ₂, x₂)))" in out
    assert "parameters (11):" in out and "w₅,₂" in out
    assert "z₁ = b₁ + w₁,₁·x₁" in out
    assert "ŷ = σ(b₅ + w₅,₁·σ(" in out


def test_show_text_latex_markdown():
    assert "f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))" in run("show", "seed", "--format", "text").output
    latex = run("show", "seed", "--format", "latex").output
    assert r"\sigma" in latex and r"\begin{aligned}" in latex and "% program" in latex
    markdown = run("show", "seed", "--format", "markdown").output
    assert "## Network" in markdown and "$$" in markdown


def test_show_json_is_the_network_file():
    from symnet import seed_network
    from symnet.io import netfile

    result = run("show", "seed", "--format", "json")
    assert result.exit_code == 0
    assert netfile.loads(result.output) == seed_network()


def test_show_network_variants():
    assert "θ₁, θ₂, θ₃, θ₄, θ₅" in run("show", "seed:scalar").output
    assert "tanh(z₁)" in run("show", "seed:tanh").output
    out = run("show", "mlp:2-3-1:tanh:sigmoid", "--format", "text").output
    assert "h1 = tanh(z1)" in out and "h4 = sigmoid(z4)" in out


def test_show_summarizes_a_huge_closed_form():
    result = run("show", "mlp:2-8-8-8-1")
    assert result.exit_code == 0
    assert "too large to print" in result.output and "shared neurons repeat" in result.output
    assert "z₂₅ = b₂₅ + h₁₇·w₂₅,₁" in result.output


def test_show_writes_a_file(tmp_path):
    target = tmp_path / "net.json"
    result = run("show", "mlp:2-2-1", "--format", "json", "-o", str(target))
    assert result.exit_code == 0
    assert load_network(str(target)) == load_network("mlp:2-2-1")


# --- grad -------------------------------------------------------------------------------------


def test_grad_compact_is_the_delta_program():
    result = run("grad", "seed")
    assert result.exit_code == 0, result.output
    assert "L = (y - ŷ)²" in result.output
    assert "δz₅ = δh₅·h₅·(1 - h₅)" in result.output
    assert "δw₅,₁ = δz₅·h₃" in result.output and "∂L/∂w₅,₁ = δw₅,₁" in result.output


def test_grad_wrt_limits_the_derivatives():
    out = run("grad", "seed", "--wrt", "b5,w5_1", "--format", "text").output
    assert "dL/db5" in out and "dL/dw5_1" in out and "dL/dw1_1" not in out


def test_grad_expanded_is_closed():
    result = run("grad", "seed:scalar", "--expanded", "--wrt", "θ5", "--format", "text")
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if "dL/dθ5" in l)
    assert "delta" not in line and "sigmoid(x1*θ1)" in line


def test_grad_expanded_too_large_is_a_clear_error():
    result = run("grad", "mlp:2-8-8-8-1", "--expanded")
    assert result.exit_code == 2
    assert "drop --expanded" in result.output and "Traceback" not in result.output


def test_grad_timeout_message():
    result = run("grad", "mlp:2-8-8-8-1", "--expanded", "--timeout", "0.001")
    assert result.exit_code == 2
    assert "time limit of 0.001 s" in result.output


def test_grad_timeout_in_a_subprocess():
    proc = run_subprocess("grad", "mlp:2-8-8-8-1", "--expanded", "--timeout", "0.001")
    assert proc.returncode == 2
    assert b"time limit" in proc.stderr and b"Traceback" not in proc.stderr


def _seed_point():
    params = {"w1_1": 0.5, "b1": -0.1, "w2_1": 0.3, "b2": 0.2, "w3_1": -0.7, "b3": 0.1, "w4_1": 0.9, "b4": -0.3,
              "w5_1": 0.4, "w5_2": -0.6, "b5": 0.05}
    return {"x1": 1.0, "x2": -2.0, "y": 1.0, **params}


def _sympy_oracle(point):
    """∂L/∂w by sympy.diff of the closed-form loss, activations rewritten into exp."""
    from sympy import Symbol, diff

    from symnet import seed_network
    from symnet.core.activations import rewrite_activations

    loss = rewrite_activations((Symbol("y") - seed_network().concrete()) ** 2)
    subs = {Symbol(k): v for k, v in point.items()}
    return {name: float(diff(loss, Symbol(name)).subs(subs).evalf()) for name in point if name[0] in "wb"}


def test_grad_at_matches_sympy_diff():
    point = _seed_point()
    at = ",".join(f"{k}={v}" for k, v in point.items())
    result = run("grad", "seed", "--at", at, "--format", "json")
    assert result.exit_code == 0, result.output
    values = json.loads(result.output)["values"]
    for name, expected in _sympy_oracle(point).items():
        assert values[name] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_grad_at_lists_missing_names():
    result = run("grad", "seed", "--at", "x1=1,x2=2,w1_1=0.5")
    assert result.exit_code == 2
    assert "missing" in result.output and "y" in result.output and "b5" in result.output


def test_grad_at_reports_unknown_names_first_with_a_suggestion():
    point = _seed_point()
    del point["b5"]
    at = ",".join(f"{k}={v}" for k, v in point.items()) + ",w11=3"
    result = run("grad", "seed", "--at", at)
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("Error: --at: unknown name w11 (did you mean w1_1")
    assert message.index("unknown name") < message.index("missing b5")


def test_theta_alias_in_wrt_and_at():
    at = "x1=1,x2=-2,y=1,theta1=0.5,theta2=0.3,θ3=-0.7,theta4=0.9,theta5=0.4"
    result = run("grad", "seed:scalar", "--wrt", "theta5", "--at", at, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["wrt"] == ["θ5"] and set(data["values"]) == {"L", "θ5"}
    twice = run("grad", "seed:scalar", "--at", at + ",θ1=0.5")
    assert twice.exit_code == 2 and "θ1 twice" in twice.output


def test_wrt_names_an_input_and_suggests():
    result = run("grad", "seed", "--wrt", "x1,w5")
    assert result.exit_code == 2
    assert "--wrt: cannot differentiate by w5 (did you mean w5_2 or w5_1?)" in result.output
    assert run("grad", "seed", "--wrt", "x1,theta5").exit_code == 0     # inputs and θN, as in derive


def test_expanded_total_is_refused_up_front():
    # 76 derivatives of ~800k operations each: refused from the size estimate, not by the time limit
    result = run("grad", "mlp:2-8-8-8-1", "--expanded", "--max-ops", "1000000")
    assert result.exit_code == 2
    assert "operations in all" in result.output and "drop --expanded" in result.output
    assert "time limit" not in result.output
    short = run("grad", "mlp:2-4-4-1", "--expanded", "--timeout", "0.5")  # 32646 operations: ~1 s to print
    assert short.exit_code == 2 and "operations in all" in short.output


def test_expanded_within_the_limits_is_built():
    result = run("grad", "mlp:2-2-1", "--expanded", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["expanded"]) == 9


# --- check and codegen ------------------------------------------------------------------------


def test_check_passes_on_seed():
    result = run("check", "seed", "--seed", "3", "--batch", "4")
    assert result.exit_code == 0, result.output
    assert "all gradients agree" in result.output


def test_check_fails_with_exit_1_at_a_relu_kink():
    # at w + x = 0 ReLU has no derivative: backprop takes one side, finite differences the average
    result = run("check", "--expr", "relu(w + x)", "--inputs", "x", "--at", "x=0,w=0,y=1")
    assert result.exit_code == 1, result.output
    assert "DISAGREE" in result.output


@pytest.mark.parametrize("args", [("--at", "x=-1,w=1,y=0"), ("--seed", "0")])
def test_check_where_the_loss_is_not_finite_is_a_usage_error(args):
    result = run("check", "--expr", "log(w*x)", "--inputs", "x", *args)
    assert result.exit_code == 2, result.output
    assert "Error: the loss is not finite at this point (L = nan)" in result.output
    assert "choose another point with --at or --seed" in result.output
    assert "RuntimeWarning" not in result.output and "DISAGREE" not in result.output


def test_check_where_only_the_gradient_is_infinite():
    result = run("check", "--expr", "sqrt(w*x)", "--inputs", "x", "--at", "x=0,w=1,y=0")
    assert result.exit_code == 2, result.output
    assert "its gradient is not finite at this point (∂L/∂w = " in result.output


def test_check_names_follow_the_output_format():
    def first_name(*args):
        out = run("check", "seed", "--batch", "2", *args).output
        return out.splitlines()[2].split()[0]

    assert first_name() == "w₁,₁"
    assert first_name("--format", "text") == "w1_1"
    assert first_name("--ascii") == "w1_1"
    assert "| w₁,₁ |" in run("check", "seed", "--format", "markdown").output


def test_check_seed_must_be_non_negative():
    result = run("check", "seed", "--seed", "-1")
    assert result.exit_code == 2 and "Invalid value for '--seed'" in result.output


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_timeout_must_be_a_positive_finite_number(value):
    result = run("grad", "seed", "--timeout", value)
    assert result.exit_code == 2 and "Invalid value for '--timeout'" in result.output


def test_codegen_prints_and_writes_source(tmp_path):
    from symnet import seed_network, squared_error, value_and_grad

    expected = value_and_grad(squared_error(seed_network())).module
    assert run("codegen", "seed").output.strip() == expected.strip()
    target = tmp_path / "sub" / "loss.py"
    assert run("codegen", "seed", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").strip() == expected.strip()


def test_failed_command_leaves_no_file(tmp_path):
    target = tmp_path / "out.txt"
    assert run("grad", "mlp:2-8-8-8-1", "--expanded", "-o", str(target)).exit_code == 2
    target.write_text("old", encoding="utf-8")
    assert run("codegen", "mlp:2-0-1", "-o", str(target)).exit_code == 2
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


# --- every command with bad arguments ---------------------------------------------------------

BAD = [
    ("show", "bogus"), ("show", "mlp:2-x-1"), ("show", "mlp:2-3-2"), ("show", "mlp:2-3-1:cubic"),
    ("show", "seed:bogus"), ("show",), ("show", "seed", "--expr", "w*x"), ("show", "--expr", "w*x"),
    ("show", "--expr", "__import__('os').system('true')", "--inputs", "x"), ("show", "--expr", "w*x +",
                                                                              "--inputs", "x"),
    ("show", "seed", "--inputs", "x1"), ("show", "seed", "--format", "pdf"), ("show", "mlp:2-300-300-1"),
    ("show", "/no/such/file.json"), ("grad", "seed", "--wrt", "y"), ("grad", "seed", "--wrt", "w1_1 +"),
    ("grad", "seed", "--at", "x1=1"), ("grad", "seed", "--at", "x1=oops"), ("grad", "seed", "--timeout", "-1"),
    ("grad", "seed", "--loss", "hinge"), ("check", "seed", "--batch", "0"), ("check", "seed", "--at", "y=1"),
    ("check", "seed", "--seed", "x"), ("codegen", "bogus"), ("codegen", "--expr", "w*x", "--inputs", "z"),
    ("grad", "--expr", "w*x", "--inputs", "x", "--params", "w,q"), ("codegen", "seed", "-o", "/proc/none/x.py"),
    ("show", "seed", "-o", "/"), ("show", "--expr", "x**100000", "--inputs", "x"), ("show", "mlp:2-3-1:tanh:relu:x"),
    ("grad", "seed", "--timeout", "nan"), ("grad", "seed", "--at", "x1=1,q=2"), ("grad", "seed", "--max-ops", "0"),
    ("check", "seed", "--seed", "-1"), ("check", "seed", "--format", "latex"), ("check", "seed", "--timeout", "inf"),
    ("check", "--expr", "log(w*x)", "--inputs", "x"), ("codegen", "seed", "--loss", "hinge"),
    ("hessian", "seed", "--wrt", "y"), ("hessian", "layers:2-3-1"), ("hessian", "seed", "--at", "x1=oops"),
    # the other commands: train, descend, derive, graph, tower, approx, tour
    ("train", "seed", "--data", "xor", "--out", "o", "--samples", "2"),
    ("train", "seed", "--data", "xor", "--out", "o", "--noise", "nan"),
    ("train", "seed", "--data", "xor", "--out", "o", "--learning-rate", "0"), ("train", "seed", "--data", "iris",
                                                                                "--out", "o"),
    ("descend", "x**2", "--x0", "1", "--steps", "0"), ("descend", "x**2", "--x0", "inf"),
    ("descend", "x**2", "--x0", "1", "--learning-rate", "0.1,abc"),
    ("derive", "bogus"), ("derive", "seed", "--wrt", "q"), ("derive", "seed", "--at", "x1=oops"),
    ("derive", "seed", "-o", "out.xyz"), ("derive", "seed", "--at", "random:x"),
    ("graph", "seed", "-o", "g.bmp"), ("graph", "seed"), ("graph", "seed", "--wrt", "q", "-o", "g.png"),
    ("graph", "seed", "--dpi", "5", "-o", "g.png"),
    ("tower", "--bounds", "1,0,0,1"), ("tower", "--bounds", "1,2"), ("tower", "--steepness", "nan"),
    ("approx", "sin(x", "--out", "d"), ("approx", "x*y", "--n", "0"), ("approx", "x*y", "--domain", "1,0"),
    ("tour",), ("tour", "--lang", "fr", "--out", "t"),
    ("predict", "seed", "--data", "d.csv"), ("predict", "/no/such/model.json", "--data", "d.csv"),
    ("predict", "model.json"), ("predict", "model.json", "--data", "d.csv", "--format", "xml"),
    ("quiz", "seed", "--wrt", "q", "--answer", "1"), ("quiz", "seed", "--wrt", "b5", "--answer", "x +"),
    ("quiz", "seed", "--wrt", "b5", "--answer", "foo"), ("quiz", "layers:4-3-2:relu:softmax", "--wrt", "b1",
                                                        "--answer", "1"),
]
COMMANDS_TESTED = {args[0] for args in BAD}


def test_every_command_is_tested_with_bad_arguments():
    from symnet.cli import COMMANDS

    assert COMMANDS_TESTED == set(COMMANDS)
    assert all(sum(args[0] == name for args in BAD) >= 2 for name in COMMANDS)


@pytest.mark.parametrize("args", BAD, ids=lambda a: " ".join(a)[:40])
def test_bad_arguments_exit_2_without_traceback(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, (result.output, result.exception)
    assert "Traceback" not in result.output
    assert "Error: " in result.output
    assert len(result.output.strip().splitlines()) <= 6
    assert list(tmp_path.iterdir()) == []


def test_bad_network_file_is_one_clear_line(tmp_path):
    path = tmp_path / "net.json"
    path.write_text('{"format": "symnet-network", "version": 7}', encoding="utf-8")
    result = run("show", str(path))
    assert result.exit_code == 2 and "version" in result.output
    proc = run_subprocess("grad", str(path))
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr and proc.stdout == b""


def test_parse_error_shows_the_caret():
    result = run("show", "--expr", "w*x + )", "--inputs", "x")
    assert result.exit_code == 2
    assert "^" in result.output


# --- expressions ------------------------------------------------------------------------------


def test_expr_network_and_params():
    result = run("show", "--expr", "tanh(w*x + b)", "--inputs", "x", "--format", "text")
    assert result.exit_code == 0, result.output
    assert "parameters (2):\n  b, w" in result.output
    result = run("grad", "--expr", "a*x**2 + c", "--inputs", "x", "--params", "a,c", "--format", "text")
    assert result.exit_code == 0 and "dL/da" in result.output


def test_expr_with_neurons_goes_through_from_neurons():
    net = load_network(None, expr="f(θ2, f(θ1, x1), x2)", inputs="x1,x2")
    assert net.neurons == load_network(None, expr="f(θ2, f(θ1, x1), x2)", inputs="x1,x2").neurons
    assert [str(t) for t in net.neurons] == ["θ1", "θ2"] and len(net.params) == 5


# --- ASCII fallback ---------------------------------------------------------------------------


def test_ascii_fallback_table():
    assert ascii_fallback("∂L/∂θ₁ = δz₅·w₃,₁ + σ(z)² − ŷ") == "dL/dtheta1 = delta_z5*w3_1 + sigmoid(z)**2 - yhat"
    assert ascii_fallback("x¹²·é—…").isascii()
    assert ascii_fallback("the δ-program of f(x₁, x₂), w₁₀,₁₂") == "the delta-program of f(x1, x2), w10_12"


def test_ascii_names_paste_back_into_the_commands():
    out = run("grad", "seed", "--ascii", "--format", "unicode").output
    assert "delta_z5 = delta_h5*h5*(1 - h5)" in out and "dL/dw1_1 = delta_w1_1" in out
    names = sorted({line.split(" = ")[0][len("  dL/d"):] for line in out.splitlines() if line.startswith("  dL/d")})
    assert names and run("grad", "seed", "--wrt", ",".join(names)).exit_code == 0
    scalar = run("grad", "seed:scalar", "--ascii").output
    assert "dL/dtheta5" in scalar and "sigmoid(z1)" in scalar
    assert run("grad", "seed:scalar", "--wrt", "theta5,theta1").exit_code == 0


@pytest.mark.parametrize("command", ["show", "grad", "check", "codegen"])
def test_ascii_flag_and_ascii_terminal(command):
    for result in (run(command, "seed:scalar", "--ascii"), run(command, "seed:scalar", charset="ascii")):
        assert result.exit_code == 0, result.output
        assert result.output.isascii()


def test_ascii_console_in_a_subprocess():
    for encoding in ("ascii", "gbk"):
        proc = run_subprocess("grad", "seed", env={"PYTHONIOENCODING": encoding})
        assert proc.returncode == 0, proc.stderr
        text = proc.stdout.decode(encoding)  # would raise if the bytes were not in the console's encoding
        assert "z5" in text or "z₅" in text
    assert run_subprocess("show", "seed", env={"PYTHONIOENCODING": "ascii"}).stdout.decode("ascii").count("theta5")


def test_echo_out_falls_back_on_an_ascii_stream(capsys):
    echo_out("θ₁", ascii=True)
    assert capsys.readouterr().out == "theta1\n"


# --- helpers ----------------------------------------------------------------------------------


def test_handle_errors_turns_interrupt_into_130():
    @handle_errors
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as stop:
        interrupted()
    assert stop.value.code == 130


def test_handle_errors_keeps_bugs_loud():
    with pytest.raises(AttributeError):
        with handle_errors():
            raise AttributeError("a bug, not a user error")


def test_time_limit_outside_the_main_thread_lets_the_work_finish_then_reports_it():
    results = []
    thread = threading.Thread(target=lambda: results.append(_limited(results)))
    thread.start()
    thread.join()
    assert results == [3, "this computation took longer than the time limit of 0.001 s of CPU time (--timeout); use "
                          "a smaller network or a larger --timeout"]


def _limited(results):
    try:
        with time_limit(0.001):  # no worker forks outside the main thread: nothing interrupts the work
            results.append(sum(range(10**6)) and 3)
    except Exception as error:
        return str(error)


def test_write_output_is_atomic_and_types(tmp_path):
    assert write_output(tmp_path / "a.bin", b"\x00\x01").read_bytes() == b"\x00\x01"
    with pytest.raises(TypeError):
        write_output(tmp_path / "b.txt", 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]


def test_help_does_not_import_numpy():
    code = ("import sys\nfrom symnet.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('numpy' in sys.modules, 'sympy' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    numpy_loaded, sympy_loaded = proc.stdout.split()[-2:]
    assert numpy_loaded == "False"


def test_help_does_not_import_sympy():
    code = ("import sys\nfrom symnet.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('sympy' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert proc.stdout.split()[-1] == "False"


@pytest.mark.parametrize("command", ["show", "grad", "check", "codegen", "train", "descend"])
def test_help_falls_back_to_ascii_and_documents_every_option(command):
    unicode_help = run(command, "--help").output
    assert "--ascii" in unicode_help
    result = run(command, "--help", charset="ascii")
    assert result.exit_code == 0 and result.output.isascii(), [c for c in result.output if not c.isascii()]
    ctx = click.Context(main.get_command(None, command))
    undocumented = [p.name for p in ctx.command.params if isinstance(p, click.Option) and not p.help]
    assert undocumented == []


def test_grad_help_writes_the_partial_derivative():
    assert "Print ∂L/∂w" in run("grad", "--help").output
    assert "Print dL/dw" in run("grad", "--help", charset="ascii").output


# --- the documentation's examples run -----------------------------------------------------------

DOCS = ROOT / "docs"
EXPECTED_EXIT = {"grad mlp:2-8-8-8-1 --expanded": 2, "check --expr \"relu": 1, 'show --expr "w*x + )"': 2,
                 'check --expr "log': 2, 'quiz seed --wrt w2_1 --answer "2*(yhat - y)*yhat*(1 - yhat)*w5_1*h3': 1}


def _console_examples(page: Path) -> list:
    """(command, expected output or None) for each ``$ symnet …`` line of the page's console blocks."""
    import re

    examples = []
    for block in re.findall(r"^```console\n(.*?)^```", page.read_text(encoding="utf-8"), re.S | re.M):
        for chunk in re.split(r"^(?=\$ symnet )", block, flags=re.M):
            command, _, output = chunk.partition("\n")
            if command.startswith("$ symnet "):
                examples.append((command[len("$ symnet "):], output.strip() or None))
    return examples


def test_cli_and_format_pages_console_examples_run(tmp_path, monkeypatch):
    import shlex

    monkeypatch.chdir(tmp_path)  # the examples write files like my-net.json
    examples = _console_examples(DOCS / "network-format.md") + _console_examples(DOCS / "cli.md")
    assert len(examples) >= 10 and sum(output is not None for _, output in examples) >= 3
    for command, output in examples:
        result = run(*shlex.split(command))
        expected = next((code for start, code in EXPECTED_EXIT.items() if command.startswith(start)), 0)
        assert result.exit_code == expected, (command, result.output)
        assert "Traceback" not in result.output
        if output is not None:
            assert result.output.strip() == output, command


def test_network_format_page_python_blocks_run(tmp_path):
    import re

    blocks = re.findall(r"^```python\n(.*?)^```", (DOCS / "network-format.md").read_text(encoding="utf-8"),
                        re.S | re.M)
    assert blocks
    code = "\n".join(blocks)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "seed.json").is_file()


def test_parse_error_caret_stays_aligned_in_ascii():
    result = run("show", "--expr", "θ1*x + )", "--inputs", "x", charset="ascii")
    assert result.exit_code == 2
    source, caret = result.output.splitlines()[-2:]
    assert source == "  theta1*x + )"
    assert source[caret.index("^")] == ")"


def test_json_output_is_escaped_not_transliterated(tmp_path):
    from symnet import seed_network
    from symnet.io import netfile

    for result in (run("show", "seed", "--format", "json", "--ascii"),
                   run("show", "seed", "--format", "json", charset="ascii")):
        assert result.exit_code == 0 and result.output.isascii() and "\\u03b8" in result.output
        assert netfile.loads(result.output) == seed_network()
    target = tmp_path / "seed.json"
    assert run("show", "seed", "--format", "json", "--ascii", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").isascii() and netfile.load(target) == seed_network()
    data = json.loads(run("grad", "seed:scalar", "--format", "json", "--ascii").output)
    assert data["derivatives"]["θ5"] == "delta_θ5"


@pytest.mark.parametrize("error, code", [(click.ClickException("bad θ"), 2), (click.BadParameter("bad"), 2),
                                          (OSError(2, "No such file or directory", "x.json"), 2)])
def test_handle_errors_exit_codes(error, code, capsys):
    with pytest.raises(SystemExit) as stop:
        with handle_errors():
            raise error
    assert stop.value.code == code
    assert "Error" in capsys.readouterr().err


def test_shell_completion_of_commands_options_and_networks():
    def complete(words, cword):
        env = {"_SYMNET_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        return CliRunner().invoke(main, [], env=env, prog_name="symnet").output.split()

    assert "plain,grad" in complete("symnet gr", 1)
    assert "plain,--expanded" in complete("symnet grad seed --exp", 3)
    assert "plain,seed:scalar" in complete("symnet show seed:", 2) and "file,seed:" in complete("symnet show seed:", 2)
