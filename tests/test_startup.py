"""Answers in a blink: a refused formula imports no SymPy, NumPy or SciPy, and the first pass agrees
with the full parser.

Tests never time anything (the machines are shared); they check what is imported instead. Each CLI
run is a fresh interpreter, so ``sys.modules`` shows exactly what the command loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given

from symnet.io import syntax
from symnet.io.parsing import FUNCTIONS, ParseError, parse_expr

from .strategies_parsing import expression_text

HEAVY = ("sympy", "numpy", "scipy", "matplotlib")

# Run a command in-process (click's CliRunner) in a fresh interpreter, then report its exit code, its
# stderr and which heavy libraries it imported.
RUNNER = """
import json, sys
from click.testing import CliRunner
from symnet.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
print(json.dumps({"code": result.exit_code, "stderr": result.stderr,
                  "heavy": sorted(m for m in %r if m in sys.modules)}))
""" % (HEAVY,)


def run_fresh(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


REFUSED = [
    ("show", "--expr", "x[0]", "--inputs", "x"),
    ("grad", "--expr", "x[0]", "--inputs", "x"),
    ("check", "--expr", "x ^ 2", "--inputs", "x"),
    ("codegen", "--expr", "__import__('os')", "--inputs", "x"),
    ("derive", "--expr", "sin(x", "--inputs", "x"),
    ("graph", "--expr", "x.real", "--inputs", "x", "-o", "g.png"),
    ("train", "--expr", "Max(x, 1, 2, 3, 4, 5, 6, 7, 8)", "--inputs", "x", "--data", "xor", "--out", "run"),
    ("approx", "x[0]"),
    ("descend", "x[0]", "--x0", "1"),
]


@pytest.mark.parametrize("args", REFUSED, ids=lambda a: a[0])
def test_a_refused_formula_imports_no_heavy_library(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_fresh(*args)
    assert result["code"] == 2
    assert result["stderr"].startswith("Error: ") and "^" in result["stderr"], result["stderr"]
    assert result["heavy"] == [], f"symnet {args[0]} imported {result['heavy']} to refuse a formula"
    assert list(tmp_path.iterdir()) == []


def test_the_refusal_is_the_full_parsers_message():
    """The first pass says what parse_expr says: same line, same caret."""
    result = run_fresh("grad", "--expr", "2*x[0]", "--inputs", "x")
    with pytest.raises(ParseError) as full:
        parse_expr("2*x[0]")
    assert result["stderr"] == f"Error: {full.value}\n{full.value.pointer()}\n"


@pytest.mark.parametrize("option, text", [("--loss", "(y - yhat)[0]"), ("--activation", "z ^ 2"),
                                          ("--loss", "0.5*(y - yhat)**2 # note")])
def test_a_refused_loss_or_activation_formula_imports_nothing_heavy_and_says_what_the_command_says(option, text):
    from symnet.cli.naming import load_network, make_loss

    result = run_fresh("grad", "seed", option, text)
    with pytest.raises(ValueError) as full:   # the command's own path, which builds the network first
        make_loss(load_network("seed"), text) if option == "--loss" else load_network("seed", activation=text)
    assert result["code"] == 2 and result["heavy"] == []
    assert result["stderr"] == f"Error: {full.value}\n"


@pytest.mark.parametrize("option, name", [("--loss", "binary_cross_entropy"), ("--activation", "tanh")])
def test_a_name_for_loss_or_activation_goes_on_to_the_command(option, name):
    result = run_fresh("grad", "seed", option, name, "--wrt", "b5")
    assert result["code"] == 0 and "sympy" in result["heavy"]


def test_a_good_formula_still_goes_on_to_the_full_parser():
    result = run_fresh("show", "--expr", "tanh(w*x + b)", "--inputs", "x", "--format", "text")
    assert result["code"] == 0
    assert "sympy" in result["heavy"]


def test_show_imports_no_numeric_library():
    """``show`` prints formulas: SymPy only (NumPy, SciPy and the code generators stay unloaded)."""
    result = run_fresh("show", "seed")
    assert result["code"] == 0
    assert result["heavy"] == ["sympy"]


def test_the_first_pass_knows_every_function_of_the_parser():
    """syntax.FUNCTION_ARITY is the one table of callable names; parsing.FUNCTIONS adds the builders. A new
    activation with a SymPy class must be named there, or formulas calling it would be refused."""
    from symnet.core.activations import ACTIVATIONS

    assert syntax.FUNCTION_ARITY == {name: (low, high) for name, (_, low, high) in FUNCTIONS.items()}
    assert {a.name for a in ACTIVATIONS.values() if a.function is not None} <= set(syntax.FUNCTION_ARITY)
    assert all(callable(builder) for builder, _, _ in FUNCTIONS.values())


@given(expression_text())
def test_the_first_pass_refuses_exactly_as_the_full_parser_would(text):
    """Whatever the first pass refuses, parse_expr refuses with the same message and column; what it
    passes, parse_expr either builds or refuses for a reason only the built expression shows."""
    try:
        syntax.check_formula(text)
    except ParseError as early:
        with pytest.raises(ParseError) as full:
            parse_expr(text)
        assert (str(full.value), full.value.column) == (str(early), early.column)
        return
    try:
        parse_expr(text)
    except ParseError as late:
        assert late.column is None or late.reason.startswith(("exponent", "power", "exact", "numeric argument",
                                                              "cannot apply")) or "real" in str(late), late


@pytest.mark.parametrize("text", ["x # note", "f(2, x)", "Max(" + ", ".join(["x"] * 9) + ")", "sigmoid", "x" * 40,
                                  "a if b else c", "1" * 31, "1e999", "lambda: 0", " ", "(u1, u2)",
                                  "f((θ1, θ2), x)", "sin((x, y))"])
def test_the_first_pass_refuses_what_the_parser_refuses(text):
    with pytest.raises(ParseError) as full:
        parse_expr(text)
    with pytest.raises(ParseError) as early:
        syntax.check_formula(text)
    assert (str(early.value), early.value.column) == (str(full.value), full.value.column)


def test_the_first_pass_imports_no_sympy():
    code = ("import sys; from symnet.io.syntax import check_formula; check_formula('sin(x)'); "
            "print(sorted(m for m in ('sympy', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_first_pass_reads_a_neurons_grouped_inputs_as_the_parser_does():
    syntax.check_formula("f(θ5, (f(θ3, x1), f(θ4, x2)))")   # the article's grouping: no refusal
    assert parse_expr("f(θ5, (u1, u2))") == parse_expr("f(θ5, u1, u2)")


def test_the_first_pass_never_calls_a_code_runner():
    """As tests/test_parsing.py checks for the parser: the first pass reads text with ast.parse only."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(syntax.__file__).read_text(encoding="utf-8"))
    calls = [node.func for node in ast.walk(tree) if isinstance(node, ast.Call)]
    names = {func.id for func in calls if isinstance(func, ast.Name)}
    methods = {func.attr for func in calls if isinstance(func, ast.Attribute)}
    assert "parse" in methods   # ast.parse: reading, not running
    assert not names & {"eval", "exec", "compile", "__import__", "sympify", "lambdify"}
    assert not methods & {"sympify", "lambdify", "parse_expr", "S", "eval", "exec", "literal_eval"}
