"""Shared pieces of the ``symnet`` commands: output with an ASCII fallback, errors, common options.

Every user error becomes one line on stderr starting ``Error:`` and exit code 2 (1 is reserved for
a failed check, 130 for Ctrl-C), never a traceback; set ``SYMNET_DEBUG=1`` to see the traceback
anyway. Text that the terminal cannot encode is transliterated to ASCII names that can be pasted
back into the commands (θ₁ → theta1, w₃,₁ → w3_1, δz₅ → delta_z5, σ → sigmoid, ² → **2).
Naming a network and its symbols (and ``ascii_fallback``) live in ``naming``, time limits in
``timelimit``; both are re-exported here. Only click and the standard library are imported, so ``symnet --help`` is fast.
"""

from __future__ import annotations

import functools
import math
import os
import re
import sys
import warnings
from pathlib import Path

import click

from symnet.limits import MAX_TIMEOUT

from .firstpass import refuse_bad_formula
from .lang import LANGS, current_lang, env_lang, error_prefix, refuse_ascii_chinese, remember_lang, wrote  # noqa: F401

from .naming import (  # noqa: F401  (re-exported: the commands import everything from common)
    ASCII_TABLE,
    MAX_MLP_LAYERS,
    MAX_MLP_NEURONS,
    NETWORK_EXAMPLES,
    NETWORK_HELP,
    SUPERSCRIPTS,
    ascii_fallback,
    complete_network,
    layer_ascii,
    load_network,
    loss_defaulted,
    make_loss,
    parse_point,
    parse_wrt,
)
from .timelimit import (  # noqa: F401
    DEFAULT_TIMEOUT,
    NUMERIC_MODULES,
    SYMBOLIC_MODULES,
    TimeLimitExceeded,
    _Alarm,
    check_deadline,
    command_scope,
    preload,
    remove_if_killed,
    run_with_timeout,
    time_limit,
)

EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
FORMATS = ("text", "unicode", "latex", "markdown")
LOSS_NAMES = ("squared_error", "binary_cross_entropy")


# --- output -----------------------------------------------------------------------------------


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
    if ascii:
        text = ascii_fallback(text)
    elif not encodable(text, stream):  # GBK writes Chinese: spell in ASCII only what it cannot write
        text = ascii_fallback(text, getattr(stream, "encoding", None) or "ascii")
    click.echo(text, err=err)


def layer_notation(text: str, ascii: bool, output=None) -> str:
    """A layer network's view for the terminal: with ``--ascii``, or printed where the terminal cannot
    encode it, its superscripts are layer indices (W¹ → W1), not powers (``naming.layer_ascii``)."""
    if ascii:
        return layer_ascii(text)
    if output is None and not encodable(text, sys.stdout):
        return layer_ascii(text, getattr(sys.stdout, "encoding", None) or "ascii")
    return text


def notation(text: str, shown, ascii: bool, output=None) -> str:
    """``text``, the view of ``shown``, for the terminal: where the printers print ``shown`` shape-aware, its
    superscripts are layer indices (``layer_notation``); any other text is left to ``emit``'s own fallback
    (x² → x**2). The printers answer (``symnet.render.printing.shape_aware``), not this module."""
    from symnet.render.printing import shape_aware

    return layer_notation(text, ascii, output) if shape_aware(shown) else text


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
    from symnet.io.files import write_bytes, write_text

    if isinstance(data, str):
        return write_text(path, data)
    if isinstance(data, (bytes, bytearray)):
        return write_bytes(path, bytes(data))
    raise TypeError(f"write_output expects str or bytes; got {type(data).__name__}")


def figure_bytes(figure, path, dpi: int = 120) -> bytes:
    """``figure`` drawn in the format of ``path``'s suffix (.png, .svg, .pdf), as bytes to write later.

    Commands draw under their time limit and write after it, so a limit never cuts a set of files short.
    """
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format=Path(path).suffix.lstrip(".").lower(), dpi=dpi)
    return buffer.getvalue()


def write_outputs(files) -> list:
    """Write ``(path, data)`` pairs atomically, each target checked before the first is written; the paths."""
    from symnet.io.files import writable_target

    for path, _ in files:
        writable_target(path)
    return [write_output(path, data) for path, data in files]


# --- errors -----------------------------------------------------------------------------------


def _user_error_types() -> tuple:
    # NotImplementedError: what the library does not do yet (a Hessian of matrix steps…); its message says what to do
    types = [ValueError, TypeError, OSError, ArithmeticError, RecursionError, NotImplementedError, TimeLimitExceeded]
    for module, name in (("symnet.errors", "SymnetError"), ("symnet.io.parsing", "ParseError")):
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
    lines = [f"{error_prefix()}{shorten(message)}", _pointer(error, ascii)]
    text = "\n".join(line for line in lines if line)
    return ascii_fallback(text) if ascii else text


LONG_RUN = re.compile(r"\S{121,}")      # a word this long is user text echoed back (a name, a path, digits)
MAX_MESSAGE = 600                       # characters of an error message; the end (what to do) is kept


def shorten(message: str) -> str:
    """``message`` fit for a terminal: symnet's hidden working names replaced by the user's paths
    (``symnet.io.files.user_path``), each word over 120 characters cut to its first 80 and last 20
    with an ellipsis, and a message over ``MAX_MESSAGE`` characters cut in the middle.

    >>> shorten("unknown loss '" + "a" * 2000 + "': expected one of …")[:30], len(shorten("x" * 2000))
    ("unknown loss 'aaaaaaaaaaaaaaaa", 101)
    """
    from symnet.io.files import user_path

    message = LONG_RUN.sub(lambda run: run.group()[:80] + "…" + run.group()[-20:], user_path(message))
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 200] + " … " + message[-197:]
    return message


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
    """Context manager: user errors -> one clear line on stderr and ``SystemExit(2)``; a warning that
    slipped through (NumPy's, matplotlib's) -> one ``Warning:`` line, once, without a source line."""

    def __enter__(self):
        self._warnings, self._seen = warnings.catch_warnings(), set()
        self._warnings.__enter__()
        warnings.showwarning = self._show_warning
        return self

    def _show_warning(self, message, category, filename, lineno, file=None, line=None):
        text = f"Warning: {shorten(str(message))}"
        if text not in self._seen:
            self._seen.add(text)
            echo_err(text)

    def __exit__(self, kind, error, tb):
        try:
            return self._handle(error)
        finally:
            self._warnings.__exit__(None, None, None)

    def _handle(self, error):
        if error is None or isinstance(error, (SystemExit, click.exceptions.Exit, click.Abort)):
            return False
        if os.environ.get("SYMNET_DEBUG"):
            return False
        if isinstance(error, KeyboardInterrupt):
            echo_err("Error: interrupted")
            raise SystemExit(EXIT_INTERRUPTED) from None
        if isinstance(error, click.UsageError):
            error.message = shorten(error.message)
            error.show()
            raise SystemExit(error.exit_code) from None
        if isinstance(error, click.ClickException):  # a plain ClickException says 1; bad input is 2
            echo_err(f"Error: {shorten(error.format_message())}")
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
    OSError, ArithmeticError, RecursionError, NotImplementedError, TimeLimitExceeded and click exceptions. Other
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
        with command_scope(), _ErrorHandler():  # a time limit's worker exits at the scope, with the handler's code
            refuse_ascii_chinese(kwargs.get("ascii", False))   # before any work
            return func(*args, **kwargs)

    return wrapper


# --- options shared by the commands -----------------------------------------------------------


class FiniteFloat(click.FloatRange):
    """A click float option that also refuses nan and ±inf, so the error names the option.

    >>> FiniteFloat(min=0).convert("0.5", None, None)
    0.5
    """

    name = "float range"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.min is None and self.max is None:
            self.name = "float"

    def _describe_range(self) -> str:  # click's help shows "[x<=None]" for a range without bounds
        return "" if self.min is None and self.max is None else super()._describe_range()

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def network_options(func):
    """Add the NETWORK argument (optional) and ``--expr``, ``--inputs``, ``--params``, ``--activation``.

    The command receives ``network``, ``expr``, ``inputs``, ``params`` and ``activation`` and calls
    ``load_network(network, expr, inputs, params, activation)``. A bad ``--expr`` (or ``--activation``
    formula) is refused first, before the command imports SymPy (``symnet.cli.firstpass``).
    """
    command = _first_pass(func, ("expr", None), ("activation", "--activation"))
    options = (
        click.argument("network", required=False, metavar="NETWORK", shell_complete=complete_network),
        click.option("--expr", metavar="EXPR", help='A formula, e.g. "tanh(w*x + b)"; neurons f(theta1, x) allowed.'),
        click.option("--inputs", metavar="NAMES", help="The inputs of --expr, comma-separated, e.g. x1,x2."),
        click.option("--params", metavar="NAMES",
                     help="The parameters of --expr (default: every symbol that is not an input)."),
        click.option("--activation", metavar="NAME|FORMULA",
                     help='Every neuron\'s activation: a name (sigmoid, tanh, relu, softplus, identity, swish, '
                          'softsign, gelu) or a formula in z, e.g. "z/(1 + Abs(z))".'),
    )
    for option in reversed(options):
        command = option(command)
    return command


def _first_pass(func, *options):
    """``func`` refusing a bad formula in its ``(keyword, option)`` arguments before anything else."""
    @functools.wraps(func)
    def command(*args, **kwargs):
        with handle_errors():
            for keyword, option in options:
                refuse_bad_formula(kwargs.get(keyword), option)
        return func(*args, **kwargs)

    return command


def ascii_option(func):
    """Add ``--ascii`` (force ASCII output); the command receives ``ascii``."""
    return click.option("--ascii", "ascii", is_flag=True,
                        help="Print ASCII only, with names you can paste back (theta1, w1_1, delta_z5).")(func)


def lang_option(func=None, *, what: str = "messages and figures", expose: bool = True):
    """Add ``--lang en|zh`` (default: ``zh`` when ``LANG=zh_*``, else ``en``), the one language option of every
    command; the command receives ``lang`` (unless ``expose=False``: then it asks ``current_lang()``).

    Use as ``@lang_option`` or ``@lang_option(what="labels", expose=False)``.
    """
    def add(command):
        return click.option("--lang", type=click.Choice(LANGS), default=current_lang, show_default="en; zh when LANG=zh_*",
                            is_eager=True, callback=remember_lang, expose_value=expose,
                            help=f"Language of the {what}: en (English) or zh (Chinese).")(command)

    return add if func is None else add(func)


def loss_option(func):
    """Add ``--loss NAME|FORMULA``; the command receives ``loss_name`` (checked by ``make_loss``; a bad formula
    is refused first, before any heavy import)."""
    command = _first_pass(func, ("loss_name", "--loss"))
    return click.option("--loss", "loss_name", metavar="NAME|FORMULA", default="squared_error", show_default=True,
                        help=f"The per-sample loss: {', '.join(LOSS_NAMES)}, or a formula in yhat and y, "
                             'e.g. "0.5*(y - yhat)**2".')(command)


def dtype_option(func):
    """Add ``--dtype float64|float32``: what the gradient computes in (``value_and_grad(..., dtype=)``)."""
    return click.option("--dtype", type=click.Choice(("float64", "float32")), default="float64", show_default=True,
                        help="What θ, the data and the gradients are computed in: float64, or float32 (1.8–4× "
                             "faster on wide layers; NumPy or JAX, not fused).")(func)


def timeout_option(func=None, *, default: float = DEFAULT_TIMEOUT, work: str = "heavy symbolic work"):
    """Add ``--timeout SECONDS`` (default 20 s of CPU time, see ``timelimit``); the command receives ``timeout``.

    Use as ``@timeout_option`` or, for a command whose work is longer, ``@timeout_option(default=120,
    work="training")``. Past the limit the command stops with one message and exit code 2.
    """
    def add(command):
        return click.option("--timeout", type=FiniteFloat(min=0, max=MAX_TIMEOUT, min_open=True), default=default,
                            show_default=True, metavar="SECONDS",
                            help=f"Limit in CPU seconds for {work} (a busy machine does not use it up); past it the "
                                 "command stops (exit 2).")(command)

    return add if func is None else add(func)


def output_option(func):
    """Add ``-o/--output FILE``; the command receives ``output`` (None: print)."""
    return click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
                        help="Write to FILE (atomically) instead of printing.")(func)


def format_option(*extra: str, choices: tuple = FORMATS, default: str = "unicode"):
    """Add ``--format`` with the printer formats plus ``extra``; the command receives ``fmt``."""
    meaning = {"unicode": "unicode (θ₁, w₃,₁, σ)", "text": "text (θ1, w1_1, sigmoid: names as typed)"}
    return click.option("--format", "fmt", type=click.Choice(choices + extra), default=default, show_default=True,
                        help="Output format: " + ", ".join(meaning.get(c, c) for c in choices + extra) + ".")


def emit(text: str, output: str | None, ascii: bool, fmt: str = "text") -> None:
    """Print ``text``, or write it to ``output`` (ASCII only when ``--ascii``).

    JSON is never transliterated (θ5 → theta5 would change the network): it is escaped (\\u03b8).
    """
    stream_ok = output is not None or encodable(text, sys.stdout)
    if fmt == "json" and (ascii or not stream_ok):
        import json

        text, ascii = json.dumps(json.loads(text), ensure_ascii=True, indent=2) + "\n", False
    if output is None:
        echo_out(text.rstrip("\n"), ascii=ascii)
        return
    write_output(output, (ascii_fallback(text) if ascii else text).rstrip("\n") + "\n")
    echo_err(wrote(output), ascii=ascii)


def render_sections(sections, fmt: str) -> str:
    """Titled blocks: ``## title`` in Markdown, ``% title`` in LaTeX, ``title:`` otherwise.

    >>> print(render_sections([("loss", "L = 1")], "text"), end="")
    loss:
      L = 1
    """
    blocks = []
    for title, body in sections:
        if fmt == "markdown":
            blocks.append(f"## {title.capitalize()}\n\n{body}")
        elif fmt == "latex":
            blocks.append(f"% {title}\n{body}")
        else:
            indented = "\n".join("  " + line if line else line for line in body.splitlines())
            colon = "：" if any("\u4e00" <= ch <= "\u9fff" for ch in title) else ":"   # Chinese titles take a full-width colon
            blocks.append(f"{title}{colon}\n{indented}")
    return "\n\n".join(blocks) + "\n"


class Command(click.Command):
    """A click command whose ``--help`` falls back to ASCII on a terminal that cannot print Unicode.

    Use as ``@click.command(cls=Command)``; help texts may then write ∂L/∂w, θ and σ.
    """

    def make_context(self, info_name, args, parent=None, **extra):
        """click's own usage errors (a bad option value) with long user text cut, as ``shorten`` does."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            error.message = shorten(error.message)
            raise

    def get_help(self, ctx) -> str:
        text = super().get_help(ctx)
        return text if encodable(text, sys.stdout) else ascii_fallback(text, getattr(sys.stdout, "encoding", None)
                                                                         or "ascii")


def examples(*commands: str) -> str:
    """The epilog that ends a command's ``--help``: runnable examples, one per line, kept as written.

    ``tests/test_cli_help.py`` runs every one of them, so each must work in an empty folder.

    >>> print(examples("symnet show seed"))
    \b
    Example:
      symnet show seed
    """
    word = "Example" if len(commands) == 1 else "Examples"
    return "\b\n" + f"{word}:\n" + "\n".join(f"  {command}" for command in commands)


def device_placement(backend, devices):
    """(backend, devices), refused before any work when they do not go together or JAX is missing."""
    if devices is not None and backend != "jax":
        raise click.UsageError("--devices splits batches over JAX devices; use it with --backend jax")
    if backend == "jax":
        from symnet.numeric.jaxgen import jax_devices

        try:
            jax_devices(devices)
        except ImportError as err:
            raise click.UsageError(str(err)) from None
    return backend, devices
