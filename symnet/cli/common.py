"""Shared pieces of the ``symnet`` commands: naming a network, errors, output, time limits.

A network is named on the command line as ``seed`` (``seed:scalar``, ``seed:tanh``), ``mlp:2-3-1``
(``mlp:2-3-1:tanh``, ``mlp:2-3-1:tanh:sigmoid``), an expression (``--expr "…" --inputs x1,x2``, read
by the safe parser ``symnet.parsing``), or a JSON network file (``symnet.netfile``).

Every user error becomes one line on stderr and exit code 2 (1 is reserved for a failed check,
130 for Ctrl-C), never a traceback; set ``SYMNET_DEBUG=1`` to see the traceback anyway. Text that
the terminal cannot encode is transliterated to ASCII (θ → theta, δ → delta, ₁ → 1, ² → **2).
Only click and the standard library are imported here, so ``symnet --help`` stays fast.
"""

from __future__ import annotations

import functools
import os
import re
import signal
import sys
import threading
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import click

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
FORMATS = ("text", "unicode", "latex", "markdown")
LOSS_NAMES = ("squared_error", "binary_cross_entropy")
DEFAULT_TIMEOUT = 20.0
MAX_MLP_NEURONS = 256
MAX_MLP_LAYERS = 12

# --- ASCII fallback ---------------------------------------------------------------------------

GREEK_NAMES = dict(zip("αβγδεζηθικλμνξοπρστυφχψωΓΔΘΛΞΠΣΦΨΩ", (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho sigma tau upsilon "
    "phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega").split()))

ASCII_TABLE = {
    **GREEK_NAMES,
    "ŷ": "yhat", "ȳ": "ybar", "∂": "d", "∇": "grad", "·": "*", "×": "*", "∙": "*", "÷": "/",
    "−": "-", "–": "-", "—": "--", "→": "->", "←": "<-", "⇒": "=>", "↦": "|->", "≈": "~=", "≤": "<=",
    "≥": ">=", "≠": "!=", "±": "+-", "√": "sqrt", "∑": "sum", "∏": "prod", "∞": "oo", "∈": " in ",
    "…": "...", "⋯": "...", "‖": "||", "“": '"', "”": '"', "‘": "'", "’": "'", "✓": "ok", "✗": "x",
    "─": "-", "━": "-", "│": "|", "┃": "|", "┼": "+", "├": "+", "┤": "+", "┬": "+", "┴": "+",
    "┌": "+", "┐": "+", "└": "+", "┘": "+", "═": "=", "║": "|", "╪": "+", "°": " deg", "µ": "mu",
    "\u00a0": " ",
}
ASCII_TABLE.update(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", "0123456789+-=()"))
ASCII_TABLE.update({"ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₙ": "n", "ₓ": "x", "ₜ": "t"})
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿ", "0123456789-n"))
_SUPERSCRIPT_RUN = re.compile("[%s]+" % "".join(SUPERSCRIPTS))


def ascii_fallback(text: str) -> str:
    """``text`` with every non-ASCII character replaced by an ASCII spelling.

    Args:
        text: any text (formulas printed in Unicode, tables, messages).

    Returns:
        Pure ASCII text: θ₁ → theta1, σ → sigma, δz₅ → deltaz5, ∂ → d, ŷ → yhat, · → *, x² → x**2;
        anything unknown is decomposed (é → e) or becomes ``?``.

    >>> ascii_fallback("∂L/∂θ₁ = δz₅·w₃,₁ + σ(z)² − ŷ")
    'dL/dtheta1 = deltaz5*w3,1 + sigma(z)**2 - yhat'
    """
    text = _SUPERSCRIPT_RUN.sub(lambda m: "**" + "".join(SUPERSCRIPTS[c] for c in m.group()), text)
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
        elif char in ASCII_TABLE:
            out.append(ASCII_TABLE[char])
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def encodable(text: str, stream) -> bool:
    """True when ``stream`` (by its ``encoding``, default UTF-8) can write ``text``."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def echo_out(text: str, ascii: bool = False, err: bool = False) -> None:
    """Print ``text`` (and a newline) to stdout, in ASCII if asked or if the terminal cannot encode it.

    Args:
        text: what to print.
        ascii: force the ASCII transliteration (the commands' ``--ascii`` flag).
        err: print to stderr instead.

    >>> echo_out("θ₁", ascii=True)
    theta1
    """
    stream = sys.stderr if err else sys.stdout
    if ascii or not encodable(text, stream):
        text = ascii_fallback(text)
    click.echo(text, err=err)


def echo_err(text: str, ascii: bool = False) -> None:
    """Print ``text`` to stderr with the same ASCII fallback as ``echo_out``."""
    echo_out(text, ascii=ascii, err=True)


def write_output(path, data) -> Path:
    """Write ``data`` (str as UTF-8, or bytes) to ``path`` atomically: all of it or nothing.

    Args:
        path: the file to write; its folder is created if needed.
        data: text or bytes.

    Returns:
        The path written.

    >>> import tempfile, pathlib
    >>> p = write_output(pathlib.Path(tempfile.mkdtemp()) / "a.txt", "θ")
    >>> p.read_text(encoding="utf-8")
    'θ'
    """
    from symnet.files import write_bytes, write_text

    if isinstance(data, str):
        return write_text(path, data)
    if isinstance(data, (bytes, bytearray)):
        return write_bytes(path, bytes(data))
    raise TypeError(f"write_output expects str or bytes; got {type(data).__name__}")


# --- errors -----------------------------------------------------------------------------------


class TimeLimitExceeded(Exception):
    """Raised (from a SIGALRM handler) when heavy symbolic work runs past ``--timeout``.

    It is a user error (exit 2). It derives from Exception only after the alarm is switched off;
    while the work runs, the alarm raises ``_Alarm`` (a BaseException) so that no
    ``except Exception`` inside SymPy can swallow it.
    """


class _Alarm(BaseException):
    pass


def _user_error_types() -> tuple:
    types = [ValueError, TypeError, OSError, ArithmeticError, RecursionError, TimeLimitExceeded]
    for module, name in (("symnet.errors", "SymnetError"), ("symnet.parsing", "ParseError")):
        mod = sys.modules.get(module)
        if mod is not None and hasattr(mod, name):
            types.append(getattr(mod, name))
    return tuple(types)


def format_error(error: BaseException, ascii: bool = False) -> str:
    """The one-line message for a user error (plus the caret pointer of a ParseError).

    Args:
        error: the exception.
        ascii: transliterate to ASCII, keeping the caret under the right character.

    >>> format_error(ValueError("bad layer size"))
    'Error: bad layer size'
    """
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        message = f"{error.strerror}{where}"
    elif isinstance(error, RecursionError):
        message = "the expression is nested too deeply to process; use a smaller network or expression"
    else:
        message = str(error).strip() or type(error).__name__
    lines = [f"Error: {message}", _pointer(error, ascii)]
    text = "\n".join(line for line in lines if line)
    return ascii_fallback(text) if ascii else text


def _pointer(error, ascii: bool) -> str:
    """A ParseError's source and caret; under ASCII the caret moves with the transliteration."""
    text, column = getattr(error, "text", None), getattr(error, "column", None)
    if ascii and isinstance(text, str) and isinstance(column, int) and len(text) <= 76:
        shown = ascii_fallback(text).replace("\n", " ")
        return f"  {shown}\n  {' ' * len(ascii_fallback(text[:column]))}^"
    pointer = getattr(error, "pointer", None)
    try:
        return str(pointer()).rstrip("\n") if callable(pointer) else ""
    except Exception:  # a pointer is a nicety; never let it hide the message
        return ""


class _ErrorHandler:
    """Context manager: user errors -> one clear line on stderr and ``SystemExit(2)``."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if error is None or isinstance(error, (SystemExit, click.exceptions.Exit, click.Abort)):
            return False
        if os.environ.get("SYMNET_DEBUG"):
            return False
        if isinstance(error, KeyboardInterrupt):
            echo_err("interrupted")
            raise SystemExit(EXIT_INTERRUPTED) from None
        if isinstance(error, click.UsageError):
            error.show()
            raise SystemExit(error.exit_code) from None
        if isinstance(error, click.ClickException):  # a plain ClickException says 1; bad input is 2
            echo_err(f"Error: {error.format_message()}")
            raise SystemExit(EXIT_USAGE if error.exit_code == 1 else error.exit_code) from None
        if isinstance(error, _Alarm):
            error = TimeLimitExceeded("the time limit ran out")
        if isinstance(error, _user_error_types()):
            message = format_error(error)
            echo_err(message if encodable(message, sys.stderr) else format_error(error, ascii=True))
            raise SystemExit(EXIT_USAGE) from None
        return False


def handle_errors(func=None):
    """Turn user errors into one line on stderr and exit 2; Ctrl-C into exit 130. No traceback.

    Use as a decorator (``@handle_errors``, innermost, right above ``def``) or as a context manager
    (``with handle_errors(): …``). User errors: SymnetError, ParseError, ValueError, TypeError,
    OSError, ArithmeticError, RecursionError, TimeLimitExceeded and click exceptions. Other
    exceptions are bugs and keep their traceback.

    >>> try:
    ...     with handle_errors():
    ...         raise ValueError("no such layer")
    ... except SystemExit as stop:
    ...     stop.code
    2
    """
    if func is None:
        return _ErrorHandler()

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _ErrorHandler():
            return func(*args, **kwargs)

    return wrapper


# --- time limits ------------------------------------------------------------------------------


def _alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None, what: str = "this computation",
               hint: str = "use a smaller network or a larger --timeout"):
    """Raise ``TimeLimitExceeded`` if the body runs longer than ``seconds`` (None or 0: no limit).

    Uses SIGALRM (``signal.setitimer``), re-armed every 50 ms until the body stops, so a handler
    swallowed by some ``except`` inside SymPy fires again. Where SIGALRM is unavailable (Windows,
    or not the main thread) the body runs without a limit. Limits nest: an outer limit is re-armed
    with its remaining time. Import modules first (``preload``): the alarm may interrupt whatever
    runs, including an import.

    Args:
        seconds: the limit in seconds.
        what: named in the message, e.g. "the expanded gradient".
        hint: what the user can do, ending the message.

    >>> with time_limit(5):
    ...     1 + 1
    2
    """
    if seconds is not None and seconds < 0:
        raise ValueError(f"a time limit must be positive; got {seconds}")
    if not seconds or not _alarm_usable():
        yield
        return
    running, started = [True], time.monotonic()

    def on_alarm(signum, frame):
        if running[0]:
            raise _Alarm()

    outer_handler, outer_timer = signal.signal(signal.SIGALRM, on_alarm), signal.getitimer(signal.ITIMER_REAL)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
        yield
    except _Alarm:
        running[0] = False
        raise TimeLimitExceeded(f"{what} took longer than the time limit of {seconds:g} s; {hint}") from None
    finally:
        running[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if outer_handler is None else outer_handler)
        if outer_timer[0] > 0:  # an enclosing limit keeps counting
            left = max(outer_timer[0] - (time.monotonic() - started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_timer[1])


SYMBOLIC_MODULES = ("symnet", "symnet.parsing", "symnet.netfile", "symnet.printing", "symnet.losses",
                    "symnet.backprop")
NUMERIC_MODULES = ("numpy", "symnet.codegen", "symnet.numeric", "symnet.testing")


def preload(numeric: bool = False, extra: tuple = ()) -> None:
    """Import the modules a command needs before its ``time_limit`` starts.

    An alarm that lands in the middle of a first import can leave a half-initialised module
    (NumPy refuses to load twice), so heavy imports happen outside the limit.

    >>> preload()
    """
    import importlib

    for name in SYMBOLIC_MODULES + (NUMERIC_MODULES if numeric else ()) + tuple(extra):
        importlib.import_module(name)


def run_with_timeout(func, seconds: float | None, what: str = "this computation"):
    """``func()`` under ``time_limit(seconds, what)``; returns its result.

    >>> run_with_timeout(lambda: 6 * 7, 5)
    42
    """
    with time_limit(seconds, what):
        return func()


# --- naming a network -------------------------------------------------------------------------

NETWORK_HELP = ("NETWORK is seed, seed:scalar, seed:tanh, mlp:2-3-1, mlp:2-3-1:tanh, or a JSON network file; "
                "or give --expr instead.")


NETWORK_EXAMPLES = ("seed", "seed:scalar", "seed:tanh", "seed:relu", "mlp:2-3-1", "mlp:2-3-1:tanh",
                    "mlp:2-3-1:tanh:sigmoid")


def complete_network(ctx, param, incomplete: str) -> list:
    """Shell completion for NETWORK: the built-in names, then files."""
    from click.shell_completion import CompletionItem

    names = [CompletionItem(name) for name in NETWORK_EXAMPLES if name.startswith(incomplete)]
    return names + [CompletionItem(incomplete, type="file")]


def network_options(func):
    """Add the NETWORK argument (optional) and ``--expr``, ``--inputs``, ``--params`` to a command.

    The command receives ``network``, ``expr``, ``inputs`` and ``params`` and calls
    ``load_network(network, expr, inputs, params)``.
    """
    options = (
        click.argument("network", required=False, metavar="NETWORK", shell_complete=complete_network),
        click.option("--expr", metavar="EXPR", help='A formula, e.g. "tanh(w*x + b)"; neurons f(theta1, x) allowed.'),
        click.option("--inputs", metavar="NAMES", help="The inputs of --expr, comma-separated, e.g. x1,x2."),
        click.option("--params", metavar="NAMES",
                     help="The parameters of --expr (default: every symbol that is not an input)."),
    )
    for option in reversed(options):
        func = option(func)
    return func


def ascii_option(func):
    """Add ``--ascii`` (force ASCII output); the command receives ``ascii``."""
    return click.option("--ascii", "ascii", is_flag=True, help="Print ASCII only (theta1 instead of Greek letters and subscripts).")(func)


def loss_option(func):
    """Add ``--loss squared_error|binary_cross_entropy``; the command receives ``loss_name``."""
    return click.option("--loss", "loss_name", type=click.Choice(LOSS_NAMES), default="squared_error",
                        show_default=True, help="The per-sample loss.")(func)


def timeout_option(func):
    """Add ``--timeout SECONDS`` (default 20); the command receives ``timeout``."""
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT,
                        show_default=True, help="Time limit in seconds for heavy symbolic work.")(func)


def load_network(spec: str | None, expr: str | None = None, inputs: str | None = None, params: str | None = None):
    """The Network named on the command line.

    Args:
        spec: ``seed``, ``seed:scalar``, ``seed:tanh``, ``mlp:2-3-1[:tanh[:sigmoid]]``, or a JSON file path
            (built-in names win: a file called ``seed`` is ``./seed``).
        expr: instead of ``spec``, a formula (safe-parsed); neurons ``f(θ, …)`` go through from_neurons.
        inputs: the inputs of ``expr``, comma-separated (required with ``expr``).
        params: the parameters of ``expr``, comma-separated (default: every other symbol).

    Returns:
        A ``symnet.Network``.

    Raises:
        ValueError: an unknown or malformed name, a missing file, conflicting options.

    >>> print(load_network("mlp:2-2-1"))
    f(θ3, f(θ1, x1, x2), f(θ2, x1, x2))
    """
    if expr is not None:
        if spec:
            raise ValueError(f"give either NETWORK ({spec}) or --expr, not both")
        return _network_from_expr(expr, inputs, params)
    if inputs is not None or params is not None:
        raise ValueError("--inputs and --params go with --expr; a named network has its own inputs")
    if not spec or not spec.strip():
        raise ValueError(f"no network given: {NETWORK_HELP}")
    spec = spec.strip()
    head = spec.split(":")[0]
    if head == "seed":  # a file named seed is ./seed
        return _seed(spec)
    if head == "mlp":
        return _mlp(spec)
    return _network_from_file(spec)


def _seed(spec: str):
    from symnet import NeuronModel, seed_network
    from symnet.neuron import ACTIVATIONS

    activation, parameterization = "sigmoid", "affine"
    for part in spec.split(":")[1:]:
        if part in ("scalar", "affine"):
            parameterization = part
        elif part in ACTIVATIONS:
            activation = part
        else:
            raise ValueError(f"unknown option {part!r} in {spec!r}: expected scalar, affine or an activation "
                             f"({', '.join(ACTIVATIONS)}), e.g. seed:scalar or seed:tanh")
    return seed_network(NeuronModel(activation, parameterization))


def _mlp(spec: str):
    from symnet import mlp
    from symnet.neuron import ACTIVATIONS

    parts = spec.split(":")
    if len(parts) < 2 or len(parts) > 4:
        raise ValueError(f"expected mlp:SIZES[:ACTIVATION[:OUTPUT_ACTIVATION]], e.g. mlp:2-3-1:tanh; got {spec!r}")
    sizes = parts[1].split("-")
    if not all(re.fullmatch(r"[1-9]\d{0,3}", s) for s in sizes) or len(sizes) < 2:
        raise ValueError(f"layer sizes must be positive integers joined by '-', e.g. mlp:2-3-1; got {parts[1]!r}")
    sizes = [int(s) for s in sizes]
    if len(sizes) > MAX_MLP_LAYERS or sum(sizes[1:]) > MAX_MLP_NEURONS:
        raise ValueError(f"mlp {parts[1]} is too large for symbolic work: at most {MAX_MLP_LAYERS} layers and "
                         f"{MAX_MLP_NEURONS} neurons; use a smaller network")
    for name in parts[2:]:
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r} in {spec!r}: expected one of {', '.join(ACTIVATIONS)}")
    return mlp(sizes, *parts[2:])


def _network_from_expr(expr: str, inputs: str | None, params: str | None):
    from symnet import from_expr
    from symnet.parsing import parse_expr, parse_names

    if not inputs:
        raise ValueError("--expr needs --inputs, e.g. --expr \"tanh(w*x + b)\" --inputs x")
    parsed = parse_expr(expr)
    input_symbols = tuple(parse_names(inputs, "--inputs"))
    param_symbols = None if params is None else tuple(parse_names(params, "--params"))
    return from_expr(parsed, input_symbols, param_symbols)


def _network_from_file(spec: str):
    from symnet import netfile

    path = Path(spec)
    if not path.exists() and (path.suffix or os.sep in spec or "/" in spec):
        raise ValueError(f"no such network file: {spec}")
    if not path.exists():
        raise ValueError(f"unknown network {spec!r} (and no file of that name): {NETWORK_HELP}")
    if not path.is_file():
        raise ValueError(f"{spec} is not a file: {NETWORK_HELP}")
    return netfile.load(path)


def make_loss(network, loss_name: str = "squared_error"):
    """The ``symnet.Loss`` of ``network`` named by ``--loss``.

    >>> make_loss(load_network("seed")).name
    'squared_error'
    """
    from symnet import loss

    return loss(network, loss_name)
