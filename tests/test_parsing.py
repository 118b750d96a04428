"""The safe parser: exact round trips, hostile inputs rejected quickly with nothing run, one-line
errors with a caret under the column, the option parsers, and Hypothesis fuzzing."""

import ast
import pickle
import time
import unicodedata
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import E, Float, Function, Integer, Max, Mul, Pow, Rational, Symbol, cos, exp, pi, sin, symbols

import symnet.io.parsing as parsing
from symnet.core.activations import relu, sigmoid
from symnet.core.neuron import f
from symnet.io.options import parse_assignments, parse_name, parse_names, parse_number, parse_numbers
from symnet.io.parsing import CONSTANTS, FUNCTIONS, ParseError, parse_expr

from .strategies_parsing import expression_text, valid_expressions

x, y, z, x1, x2 = symbols("x y z x1 x2")
θ1, θ2, θ3, θ4, θ5 = symbols("θ1 θ2 θ3 θ4 θ5")
FUZZ = settings(deadline=None, derandomize=True, max_examples=200)


def parse_error(text, **kwargs) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_expr(text, **kwargs)
    return info.value


def caret_column(err: ParseError) -> int:
    source_line, caret_line = err.pointer().split("\n")
    return caret_line.index("^") - 2


# ----- round trips -----------------------------------------------------------------------------

def test_the_article_network_parses_to_the_object_built_directly():
    text = "f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))"
    expected = f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))
    parsed = parse_expr(text)
    assert parsed == expected
    assert sympy.srepr(parsed) == sympy.srepr(expected)
    assert parse_expr(text.encode("utf-8")) == expected


# The article's own formula (seed/000_…, §1), \theta_i and x_i typed as θi and xi: neuron 5's two
# inputs are grouped in parentheses.
ARTICLE = "f(θ5, (f(θ3, f(θ2, x2) + f(θ1, x1)), f(θ4, f(θ2, x2))))"


def test_the_article_formula_verbatim_is_the_same_network():
    from symnet import from_expr, seed_network

    plain = "f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))"
    assert sympy.srepr(parse_expr(ARTICLE)) == sympy.srepr(parse_expr(plain))
    grouped = from_expr(parse_expr(ARTICLE), inputs=[x1, x2])
    assert grouped.params == seed_network().params and len(grouped.params) == 11
    assert grouped.program == seed_network().program


def test_show_accepts_the_article_formula_verbatim():
    from click.testing import CliRunner

    from symnet.cli import main

    result = CliRunner().invoke(main, ["show", "--expr", ARTICLE, "--inputs", "x1,x2"])
    assert result.exit_code == 0, result.output
    assert "f(θ₅, f(θ₃, f(θ₁, x₁) + f(θ₂, x₂)), f(θ₄, f(θ₂, x₂)))" in result.output
    assert "parameters (11)" in result.output


@pytest.mark.parametrize("text, column", [
    ("(x1, x2)", 0),                      # a tuple outside a neuron
    ("sin((x1, x2))", 4),                 # … or as another function's argument
    ("f(θ5, ((x1, x2), x1))", 7),         # one level of grouping only
    ("f((θ5, θ6), x1)", 2),               # a neuron's θ is never a group
])
def test_tuples_are_only_a_neurons_grouped_inputs(text, column):
    err = parse_error(text)
    assert caret_column(err) == column and ("tuple" in str(err) or "parameter name" in str(err))


@pytest.mark.parametrize("text, expected", [
    ("sin(x)*cos(y)", sin(x) * cos(y)),
    ("x**2 - 2*x", x**2 - 2 * x),
    ("sigmoid(30*(z-1.1))", sigmoid(30 * (z - Float("1.1")))),
    ("Max(0, x)", Max(0, x)),
    ("-x", -x),
    ("2/x", 2 / x),
    ("x/2", x / 2),
    ("1/3", Rational(1, 3)),
    ("+x", x),
    ("θ1*x1 + α - Ω", θ1 * x1 + Symbol("α") - Symbol("Ω")),
    ("w3_1*x2", Symbol("w3_1") * x2),
    ("2*(x + y)", 2 * x + 2 * y),
    ("(x + y)*2*z", (x + y) * 2 * z),
    ("x**-1", 1 / x),
    ("x**y**2", x ** (y**2)),
    ("-x**2", -(x**2)),
    ("pi*E", pi * E),
    ("E**x", exp(x)),
    ("abs(x) + Abs(y)", sympy.Abs(x) + sympy.Abs(y)),
    ("relu(x) + Min(x, y, 1)", relu(x) + sympy.Min(x, y, 1)),
    ("sqrt(x)", sympy.sqrt(x)),
    ("0.1", Float("0.1")),
    ("1e-3 + 1_000 + 0x10", Float("0.001") + 1016),
    ("   x + 1   ", x + 1),
    ("f(θ1, x1, x2, 1)", f(θ1, x1, x2, Integer(1))),
])
def test_formulas_parse_to_what_sympy_operators_build(text, expected):
    assert parse_expr(text) == expected


def test_numbers_are_built_exactly():
    assert parse_expr("0.1") == Float("0.1") and str(parse_expr("0.1")) == "0.100000000000000"
    assert isinstance(parse_expr("7"), Integer)
    assert parse_expr("x/y") == Mul(x, Pow(y, -1))
    assert parse_expr("x - y") == sympy.Add(x, Mul(-1, y)) and parse_expr("-(x + y)") == -x - y


def test_symbols_carry_no_assumptions():
    (symbol,) = parse_expr("x1").free_symbols
    assert symbol == Symbol("x1") and symbol.assumptions0 == Symbol("x1").assumptions0


def test_a_long_run_of_sums_and_products_is_the_same_expression():
    names = [f"x{i}" for i in range(100)]
    assert parse_expr("+".join(names)) == sympy.Add(*symbols(names))
    assert parse_expr("*".join(names)) == Mul(*symbols(names))
    assert sympy.expand(parse_expr("/".join(names)) * Mul(*symbols(names[1:]))) == Symbol("x0")


def test_user_functions_extend_and_override_the_table_without_mutating_it():
    before = dict(FUNCTIONS)
    g = Function("g")
    assert parse_expr("g(x) + sin(y)", functions={"g": (g, 1, 1)}) == g(x) + sin(y)
    assert parse_expr("sin(x)", functions={"sin": (cos, 1, 1)}) == cos(x)
    assert FUNCTIONS == before and "g" not in FUNCTIONS
    assert parse_error("g(x)").reason == "unknown function 'g'"
    with pytest.raises(TypeError):
        parse_expr("g(x)", functions={"g": g})


def test_the_tables():
    assert CONSTANTS == {"pi": pi, "E": E}
    assert FUNCTIONS["f"] == (f, 2, None) and FUNCTIONS["abs"][0] is FUNCTIONS["Abs"][0]
    assert FUNCTIONS["Max"][1] == 2 and FUNCTIONS["sin"] == (sin, 1, 1)


# ----- hostile inputs ----------------------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('touch SENTINEL')",
    "open('SENTINEL', 'w')",
    "exec(\"open('SENTINEL', 'w')\")",
    "().__class__",
    "().__class__.__base__.__subclasses__()",
    "x.real",
    "x[0]",
    "lambda: 1",
    "[i for i in x]",
    "f(x=1)",
    "sin(*x)",
    "sin(**x)",
    "9**9**9",
    "2**100000",
    "(2**64)**64**2",
    "((x*10**29)**64)**64",
    "exp(exp(exp(100)))",
    "Max(exp(exp(exp(100))), exp(exp(exp(99))))",
    "x**exp(exp(exp(100)))",
    "+".join(["x"] * 100000),
    "(" * 10000 + "x" + ")" * 10000,
    "(" * 300 + "x" + ")" * 300,
    "-" * 1500 + "x",
    "sin(" * 60 + "x" + ")" * 60,
    "+".join(["x"] * 999),
    "1" * 31,
    "1e999",
    "\\input{/etc/passwd}",
    "x\\input",
    "хуz",
    "１２",
    "x\u200by",
    "\U0001d465",
    "x\n+1",
    "",
    "   ",
    b"\xff\xfe",
    "'a'",
    "b'a'",
    "f'{x}'",
    "True",
    "None",
    "...",
    "1j",
    "x if y else z",
    "x < y",
    "x and y",
    "not x",
    "x ^ 2",
    "x % 2",
    "x // 2",
    "x @ y",
    "(x := 1)",
    "x, y",
    "{x: y}",
    "open('f')",
    "eval('1')",
    "exec",
    "print",
    "import os",
    "x; y",
    "sin(x, y)",
    "Max(x)",
    "Max(a, b, c, d, e, g, h, i, j)",
    "+".join(f"Max(a, b, c{i})" for i in range(30)),
    "sin + 1",
    "foo(x)",
    "f(pi, x)",
    "f(x)",
    "2(x)",
    "_x",
    "x__y",
    "a" * 33,
    "Max(log(-1), 1)",
]


@pytest.mark.parametrize("payload", HOSTILE, ids=lambda p: repr(p)[:40])
def test_hostile_input_is_rejected_quickly_and_nothing_runs(payload, tmp_path):
    sentinel = tmp_path / "sentinel"
    if isinstance(payload, str):
        payload = payload.replace("SENTINEL", str(sentinel))
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        parse_expr(payload)
    assert time.perf_counter() - start < 1.0  # a safety bound, not a benchmark
    assert not sentinel.exists() and not Path("SENTINEL").exists()
    assert "\n" not in str(info.value)


def test_the_parser_never_calls_a_code_runner():
    tree = ast.parse(Path(parsing.__file__).read_text(encoding="utf-8"))
    calls = [node.func for node in ast.walk(tree) if isinstance(node, ast.Call)]
    names = {func.id for func in calls if isinstance(func, ast.Name)}
    methods = {func.attr for func in calls if isinstance(func, ast.Attribute)}
    assert not names & {"eval", "exec", "compile", "__import__", "sympify", "lambdify"}
    assert not methods & {"sympify", "lambdify", "parse_expr", "S", "eval", "exec", "literal_eval"}


@pytest.mark.parametrize("text, column, words", [
    ("x ^ 2", 2, "use ** for powers"),
    ("θ1 + x.real", 5, "attribute"),
    ("  sin(x, y)", 2, "sin takes 1 argument"),
    ("хуz", 0, "U+0445"),
    ("ab\u200bc", 2, "U+200B"),
    ("θθ + x\\input", 6, "backslash"),
    ("x + sin + 1", 4, "sin is a function at column 4: call it as sin(x)"),
    ("1 + foo(x)", 4, "known functions: Abs, Heaviside, Max, Min, abs, acos"),
    ("x; y", 1, "syntax error"),
    ("sin(x", 3, "never closed"),
    ("θ1 +", 4, "syntax error"),
    ("f(θ1, x=1)", 6, "keyword"),
    ("x**-100", 3, "at most 64"),
    ("'a' + x", 0, "string"),
])
def test_errors_are_one_line_with_the_column_and_a_caret_under_it(text, column, words):
    err = parse_error(text)
    message = str(err)
    assert "\n" not in message and f"at column {column}" in message and words in message
    assert err.column == column and err.text == text and err.reason in message
    assert caret_column(err) == column
    assert err.pointer().split("\n")[0] == "  " + "".join("?" if c in "ху\u200b" else c for c in text)


def test_unknown_function_lists_the_known_ones_sorted():
    err = parse_error("open(x)")
    assert err.allowed == "known functions: " + ", ".join(sorted(FUNCTIONS))


def test_a_long_source_is_cut_around_the_caret():
    text = "x + " * 100 + "y.real + " + "x + " * 100 + "x"
    err = parse_error(text)
    line, caret = err.pointer().split("\n")
    assert len(line) < 100 and line[caret.index("^"):].startswith("y.real")


def test_an_error_without_a_column_has_no_pointer():
    err = parse_error("  ")
    assert err.column is None and err.pointer() == "" and "column" not in str(err)


def test_parse_errors_pickle_and_are_value_errors():
    err = parse_error("x ^ 2")
    copy = pickle.loads(pickle.dumps(err))
    assert (str(copy), copy.column, copy.reason, copy.text) == (str(err), err.column, err.reason, err.text)
    assert isinstance(err, ValueError)


def test_bounds_are_arguments():
    assert parse_error("x + y", max_length=3).column == 3
    assert "more than 2 parts" in str(parse_error("x + y", max_nodes=2))
    assert "nested more than 2" in str(parse_error("sin(sin(x))", max_depth=2))
    assert parse_expr("x**100", max_exponent=100) == x**100
    assert parse_expr("+".join(["x"] * 60), max_depth=2) == 60 * x  # a run of + counts as one level


def test_not_utf8_and_not_text():
    err = parse_error(b"x + \xff")
    assert err.reason == "input is not valid UTF-8" and err.column == 4
    with pytest.raises(TypeError):
        parse_expr(42)


def test_allowed_characters_survive_nfkc_unchanged():
    greek = [*range(0x391, 0x3A2), *range(0x3A3, 0x3AA), *range(0x3B1, 0x3CA)]
    allowed = [chr(c) for c in range(0x20, 0x7F) if chr(c) != "\\"] + [chr(c) for c in greek]
    for char in allowed:
        assert unicodedata.normalize("NFKC", char) == char
        assert not parsing._BAD_CHAR.match(char)
    for char in "\\\t\n\x00\x7fµϐϑϕάΪ\u00a0\u2028\ufeff\u202e":
        assert parsing._BAD_CHAR.match(char)


# ----- option parsers ----------------------------------------------------------------------------

def test_parse_name():
    assert parse_name("x1") == x1 and parse_name(" θ2 ") == Symbol("θ2") and parse_name(b"w3_1") == Symbol("w3_1")


@pytest.mark.parametrize("text", ["", " ", "1x", "x-1", "x__1", "_x", "x_", "sin", "f", "pi", "E", "exec", "lambda",
                                  "a" * 33, "х", "x1,x2", "x 1", b"\xff"])
def test_parse_name_rejects(text):
    with pytest.raises(ParseError) as info:
        parse_name(text, what="input name")
    assert "\n" not in str(info.value)


def test_parse_names():
    assert parse_names("x1,x2") == (x1, x2)
    assert parse_names(" x1 , θ1 ") == (x1, θ1)
    assert parse_names("x1") == (x1,)


@pytest.mark.parametrize("text, column, words", [
    ("x1,,x2", 3, "empty item"),
    ("x1,", 3, "empty item"),
    (",x1", 0, "empty item"),
    ("x1, x1", 4, "duplicate"),
    ("x1,1x", 3, "invalid name"),
    ("x1,sin", 3, "sin is a function"),
])
def test_parse_names_rejects(text, column, words):
    with pytest.raises(ParseError) as info:
        parse_names(text)
    assert info.value.column == column and words in str(info.value)


def test_parse_assignments():
    assert parse_assignments("w1_1=0.5, b1=-1") == {Symbol("w1_1"): 0.5, Symbol("b1"): -1.0}
    assert parse_assignments(" a = 1e-3 ,θ1=+2") == {Symbol("a"): 0.001, θ1: 2.0}
    assert list(parse_assignments("b=1,a=2")) == [Symbol("b"), Symbol("a")]
    assert all(type(v) is float for v in parse_assignments("a=1,b=.5,c=5.").values())


@pytest.mark.parametrize("text, column", [
    ("a=b", 2), ("a=nan", 2), ("a=inf", 2), ("a=1e999", 2), ("a", 0), ("a=", 2), ("=1", 0), ("a=1,a=2", 4),
    ("a=1,,b=2", 4), ("a=--1", 2), ("a=1 2", 2), ("a=0x10", 2), ("a=1,b=sin(1)", 6), ("1a=1", 0),
    ("a = 2*3", 4), ("a=1;b=2", 2),
])
def test_parse_assignments_rejects(text, column):
    with pytest.raises(ParseError) as info:
        parse_assignments(text)
    assert info.value.column == column


def test_parse_numbers():
    assert parse_numbers("0.1,0.5,1.1") == (0.1, 0.5, 1.1)
    assert parse_numbers("-0.3, 0.7,-0.2 ,0.8") == (-0.3, 0.7, -0.2, 0.8)
    assert parse_numbers("1e-3") == (0.001,) and parse_numbers(b"2") == (2.0,)


@pytest.mark.parametrize("text", ["1,,2", "1,", "", "nan", "inf", "-inf", "1e999", "x", "1 2", "(1)", "1/2", "١"])
def test_parse_numbers_rejects(text):
    with pytest.raises(ParseError):
        parse_numbers(text, what="--x values")


def test_parse_number_is_the_one_finite_number_check():
    assert parse_number("-3e-4") == -0.0003 and parse_number(".5") == 0.5 and parse_number("+2.") == 2.0
    for text in ("nan", "inf", "0x10", "1_000", "1 2", "", "١", "1e"):
        with pytest.raises(ValueError, match="is not a number"):
            parse_number(text)
    with pytest.raises(OverflowError, match="too large for a float64"):
        parse_number("1e999")
    with pytest.raises(ParseError, match="--x values: '1e999' is not finite"):
        parse_numbers("1,1e999", what="--x values")


def test_option_parsers_bound_the_length_first():
    with pytest.raises(ParseError, match="characters long"):
        parse_numbers(",".join(["1"] * 5000))


# ----- fuzzing -----------------------------------------------------------------------------------

def check_outcome(text):
    """parse_expr returns a SymPy object or raises a well-formed ParseError, never anything else."""
    try:
        assert isinstance(parse_expr(text), sympy.Basic)
    except ParseError as err:
        assert "\n" not in str(err) and err.reason
        if err.column is not None and err.text is not None and len(err.text) <= 76:
            assert caret_column(err) == err.column


@FUZZ
@given(st.text())
def test_fuzz_any_text(text):
    check_outcome(text)


@FUZZ
@given(expression_text())
def test_fuzz_formula_like_text(text):
    check_outcome(text)


@FUZZ
@given(st.binary(max_size=40))
def test_fuzz_bytes(data):
    check_outcome(data)


@FUZZ
@given(valid_expressions())
def test_fuzz_valid_formulas_parse_to_the_expression_sympy_builds(pair):
    source, expected = pair
    assert parse_expr(source, max_depth=200) == expected


@pytest.mark.parametrize("source, build", [
    ("-(((1)/2)**x)", lambda x: -((sympy.Integer(1) / 2) ** x)),   # found by the fuzzer
    ("a - (1/2)**x", lambda x: sympy.Symbol("a") - (sympy.Integer(1) / 2) ** x),
    ("-x/3", lambda x: -x / 3),
])
def test_minus_and_division_build_what_python_operators_build(source, build):
    assert parse_expr(source) == build(sympy.Symbol("x"))


# ----- real, finite constants only (issue: complex and infinite constants were accepted) ----------

@pytest.mark.parametrize("source, shown, column", [
    ("sqrt(-1)", "'sqrt(-1)' gives the constant I", 0),
    ("x + sqrt(-1)*y", "'sqrt(-1)' gives the constant I", 4),
    ("sqrt(-1)*x*y", "'sqrt(-1)' gives the constant I", 0),
    ("x/0", "'x/0' gives the constant zoo", 0),
    ("sin(x) + 2*x/(3-3)", "'2*x/(3-3)' gives the constant zoo", 9),
    ("0*x/0", "gives the constant nan", 0),
    ("log(-1)", "'log(-1)' is the constant 'I*pi', which is not a real number", 0),
    ("x*asin(2)", "'asin(2)' is the constant 'asin(2)', which is not a real number", 2),
    ("(-8)**(1/3)", "is not a real number", 0),
    ("1e308*10", "'1e308*10' gives the constant 1.00e+309, too large for a float64", 0),
    ("x*1e308*10", "too large for a float64", 0),
    ("exp(1000)", "'exp(1000)' is the constant 1.97e+434, too large for a float64", 0),
    ("(10**30)**60", "too large for a float64", 0),
])
def test_non_real_or_infinite_constants_are_refused_where_they_arise(source, shown, column):
    with pytest.raises(ParseError) as info:
        parse_expr(source)
    assert shown in str(info.value)
    assert "real, finite numbers" in str(info.value)
    assert info.value.column == column


@pytest.mark.parametrize("name, meaning", [("I", "the imaginary unit"), ("oo", "infinity"),
                                           ("zoo", "complex infinity"), ("nan", "not-a-number")])
def test_sympy_names_of_non_real_constants_are_refused(name, meaning):
    with pytest.raises(ParseError, match=f"{name} means {meaning} in SymPy at column 2"):
        parse_expr(f"x*{name}")


def test_power_of_e_beyond_float64_is_refused():
    with pytest.raises(ParseError, match="exponent of size 1e\\+03 is too large"):
        parse_expr("E**1000")


@pytest.mark.parametrize("source", ["log(-x)", "1/x", "sqrt(x)", "E*x + pi", "Abs(-1)*x", "exp(700)"])
def test_real_formulas_with_symbols_still_parse(source):
    assert parse_expr(source) is not None
