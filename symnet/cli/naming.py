"""Naming things on the command line: a network (NETWORK or ``--expr``), its parameters (``--wrt``)
and a point (``--at``).

A network is ``seed`` (``seed:scalar``, ``seed:tanh``), ``mlp:2-3-1`` (``mlp:2-3-1:tanh``,
``mlp:2-3-1:tanh:sigmoid``), a layer network ``layers:64-32-10:relu:softmax`` (matrix steps), an expression (``--expr "…" --inputs x1,x2``, read by the safe parser
``symnet.io.parsing``), or a JSON network file (``symnet.io.netfile``). Names are matched exactly, except
that ``thetaN`` (what ``--ascii`` prints) also names the neuron parameter ``θN``; an unknown name
gets the closest known names as a suggestion (``difflib``). Only click and the standard library are
imported at module level.

Names are also written back: ``ascii_fallback`` spells Unicode output (θ₁, w₃,₁, δz₅, σ) as the
names the commands read (theta1, w3_1, delta_z5, sigmoid).
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from pathlib import Path

from symnet.limits import MAX_MLP_LAYERS, MAX_MLP_NEURONS
from symnet.render.greek import GREEK

NETWORK_HELP = ("NETWORK is seed, seed:scalar, seed:tanh, mlp:2-3-1, mlp:2-3-1:tanh, layers:64-32-10:relu:softmax, "
                "or a JSON network file; or give --expr instead.")
NETWORK_EXAMPLES = ("seed", "seed:scalar", "seed:tanh", "seed:relu", "mlp:2-3-1", "mlp:2-3-1:tanh",
                    "mlp:2-3-1:tanh:sigmoid", "layers:64-32-10:relu:softmax")
_THETA_ALIAS = re.compile(r"theta(\d+)")


def complete_network(ctx, param, incomplete: str) -> list:
    """Shell completion for NETWORK: the built-in names, then files."""
    from click.shell_completion import CompletionItem

    names = [CompletionItem(name) for name in NETWORK_EXAMPLES if name.startswith(incomplete)]
    return names + [CompletionItem(incomplete, type="file")]


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
    _check_combination(spec, expr, inputs, params)
    if expr is not None:
        return _network_from_expr(expr, inputs, params)
    spec = spec.strip()
    head = spec.split(":")[0]
    if head == "seed":  # a file named seed is ./seed
        return _seed(spec)
    if head == "mlp":
        return _mlp(spec)
    if head == "layers":
        from .layer_views import parse_layers

        return parse_layers(spec)
    return _network_from_file(spec)


def _check_combination(spec, expr, inputs, params) -> None:
    """NETWORK or --expr (with --inputs), not both, not neither."""
    if expr is not None:
        if spec:
            raise ValueError(f"give either NETWORK ({spec}) or --expr, not both")
        if not inputs:
            raise ValueError("--expr needs --inputs, e.g. --expr \"tanh(w*x + b)\" --inputs x")
        return
    if inputs is not None or params is not None:
        raise ValueError("--inputs and --params go with --expr; a named network has its own inputs")
    if not spec or not spec.strip():
        raise ValueError(f"no network given: {NETWORK_HELP}")


def _seed(spec: str):
    from symnet.core.network import seed_network
    from symnet.core.neuron import ACTIVATIONS, NeuronModel

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
    from symnet.core.network import mlp
    from symnet.core.neuron import ACTIVATIONS

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


def is_layer_network(net) -> bool:
    """True for a ``layers:`` network (matrix steps), which some commands handle on their own path."""
    return type(net).__name__ == "LayerNetwork"


def _network_from_expr(expr: str, inputs: str, params: str | None):
    from symnet.core.network import from_expr
    from symnet.io.options import parse_names
    from symnet.io.parsing import parse_expr

    parsed = parse_expr(expr)
    input_symbols = tuple(parse_names(inputs, "--inputs"))
    param_symbols = None if params is None else tuple(parse_names(params, "--params"))
    return from_expr(parsed, input_symbols, param_symbols)


def _network_from_file(spec: str):
    from symnet.io import netfile

    path = Path(spec)
    if not path.exists() and (path.suffix or os.sep in spec or "/" in spec):
        raise ValueError(f"no such network file: {spec}")
    if not path.exists():
        raise ValueError(f"unknown network {spec!r} (and no file of that name): {NETWORK_HELP}")
    if not path.is_file():
        raise ValueError(f"{spec} is not a file: {NETWORK_HELP}")
    try:
        return netfile.load(path)
    except netfile.NetworkFileError:
        if not _is_layers_model(path):
            raise
    from symnet.learn.modelfile import load     # a layers: model (symnet train layers:…): its network

    return load(path).network


def _is_layers_model(path: Path) -> bool:
    """True when ``path`` holds a layer network's model file (format ``symnet-layers``)."""
    import json

    from symnet.learn.layer_model import LAYERS_FORMAT
    from symnet.limits import MAX_MODEL_BYTES

    try:
        if path.stat().st_size > MAX_MODEL_BYTES:
            return False
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and doc.get("format") == LAYERS_FORMAT


def make_loss(network, loss_name: str = "squared_error"):
    """The ``symnet.Loss`` of ``network`` named by ``--loss``.

    >>> make_loss(load_network("seed")).name
    'squared_error'
    """
    from symnet.core.losses import loss

    if is_layer_network(network):
        raise ValueError(f"{network.spec} is a layer network: this command takes scalar networks (seed, mlp:…, "
                         f"files, --expr); use symnet show, grad, codegen, check, derive or train with it")
    return loss(network, loss_name)


# --- names of parameters and points -------------------------------------------------------------


def resolve_name(name: str, known) -> str | None:
    """``name`` as one of the ``known`` names: itself, or ``θN`` for ``thetaN``; None if neither.

    >>> resolve_name("theta2", ["θ1", "θ2"]), resolve_name("w1_1", ["w1_1"]), resolve_name("q", ["w"])
    ('θ2', 'w1_1', None)
    """
    known = tuple(known)
    if name in known:
        return name
    alias = _THETA_ALIAS.fullmatch(name)
    if alias and f"θ{alias.group(1)}" in known:
        return f"θ{alias.group(1)}"
    return None


def unknown_message(names, known) -> str:
    """``unknown name q (did you mean w?)``, naming each unknown name with its closest known names.

    >>> unknown_message(["w11", "zz"], ["w1_1", "b1"])
    'unknown names w11 (did you mean w1_1?), zz'
    """
    parts = []
    for name in names:
        close = difflib.get_close_matches(name, list(known), n=2, cutoff=0.6)
        parts.append(f"{name} (did you mean {' or '.join(close)}?)" if close else name)
    return f"unknown name{'s' if len(parts) > 1 else ''} {', '.join(parts)}"


def parse_wrt(text: str | None, net) -> tuple:
    """The parameters named by ``--wrt`` (all when None), checked against the network.

    >>> parse_wrt("theta5, θ1", load_network("seed:scalar"))
    (θ5, θ1)
    """
    if text is None:
        return net.params
    from symnet.io.options import parse_names

    known = [p.name for p in net.params]
    names = [s.name for s in parse_names(text, "--wrt")]
    resolved = [resolve_name(n, known) for n in names]
    unknown = [n for n, r in zip(names, resolved) if r is None]
    if unknown:
        not_params = [n for n in unknown if n in {s.name for s in net.inputs} | {"y"}]
        others = [n for n in unknown if n not in not_params]
        problems = ([f"{', '.join(not_params)}: an input or the target, not a parameter"] if not_params else []) \
            + ([unknown_message(others, known)] if others else [])
        raise ValueError(f"--wrt: {'; '.join(problems)}; the parameters of this network are {', '.join(known)}")
    by_name = {p.name: p for p in net.params}
    return tuple(dict.fromkeys(by_name[r] for r in resolved))


def parse_point(text: str, target) -> dict:
    """``--at`` as {name: float}: every input, every parameter and the target, nothing else.

    Unknown names are reported first, with suggestions, then the missing ones.

    >>> loss = make_loss(load_network("seed:scalar"))
    >>> point = parse_point("x1=1, x2=0, y=1, theta1=1, θ2=2, θ3=3, θ4=4, theta5=5", loss)
    >>> point["θ5"], point["x1"]
    (5.0, 1.0)
    """
    from symnet.io.options import parse_assignments

    needed = [s.name for s in target.network.inputs + (target.target,) + target.network.params]
    values, unknown = {}, []
    for symbol, value in parse_assignments(text).items():
        name = resolve_name(symbol.name, needed)
        if name is None:
            unknown.append(symbol.name)
        elif name in values:
            raise ValueError(f"--at gives {name} twice (as {name} and as {symbol.name}); give it once")
        else:
            values[name] = float(value)
    missing = [n for n in needed if n not in values]
    problems = ([unknown_message(unknown, needed)] if unknown else []) + \
        ([f"missing {', '.join(missing)}"] if missing else [])
    if problems:
        raise ValueError(f"--at: {'; '.join(problems)}. Give every input, every parameter and the target "
                         f"{target.target} once, e.g. --at {','.join(f'{n}=0.5' for n in needed[:3])},...")
    return values


# --- ASCII fallback ---------------------------------------------------------------------------

ASCII_TABLE = {
    **GREEK, "ο": "o",   # omicron reads as o
    "ŷ": "yhat", "ȳ": "ybar", "∂": "d", "∇": "grad", "·": "*", "×": "*", "∙": "*", "÷": "/",
    "−": "-", "–": "-", "—": "--", "→": "->", "←": "<-", "⇒": "=>", "↦": "|->", "≈": "~=", "≤": "<=",
    "≥": ">=", "≠": "!=", "±": "+-", "√": "sqrt", "∑": "sum", "∏": "prod", "∞": "oo", "∈": " in ",
    "…": "...", "⋯": "...", "‖": "||", "“": '"', "”": '"', "‘": "'", "’": "'", "✓": "ok", "✗": "x",
    "─": "-", "━": "-", "│": "|", "┃": "|", "┼": "+", "├": "+", "┤": "+", "┬": "+", "┴": "+",
    "┌": "+", "┐": "+", "└": "+", "┘": "+", "═": "=", "║": "|", "╪": "+", "°": " deg", "µ": "mu",
    "′": "'", "″": "''", "\u00a0": " ",
    "σ": "sigmoid",  # the printer's σ(z) is the function sigmoid(z)
}
ASCII_TABLE.update(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", "0123456789+-=()"))
ASCII_TABLE.update({"ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₙ": "n", "ₓ": "x", "ₜ": "t"})
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿ", "0123456789-n"))
_SUPERSCRIPT_RUN = re.compile("[%s]+" % "".join(SUPERSCRIPTS))
_SUBSCRIPT_COMMA = re.compile("(?<=[₀-₉]),(?=[₀-₉])")    # w₃,₁ is the symbol w3_1
_DELTA_NAME = re.compile("δ(?=[A-Za-zα-ωΑ-Ωŷ])")       # δz₅ is the symbol delta_z5


def ascii_fallback(text: str, encoding: str = "ascii") -> str:
    """``text`` with every character that ``encoding`` cannot write replaced by an ASCII spelling.

    Args:
        text: any text (formulas printed in Unicode, tables, messages).
        encoding: the terminal's encoding; the default ASCII replaces every non-ASCII character,
            GBK keeps Chinese, θ and σ and spells only ₁, ², ∂ … in ASCII.

    Returns:
        Text ``encoding`` can write, whose names can be pasted back into the commands: θ₁ → theta1,
        w₃,₁ → w3_1, δz₅ → delta_z5, σ → sigmoid, ∂ → d, ŷ → yhat, · → *, x² → x**2; anything
        unknown is decomposed (é → e) or becomes ``?``.

    >>> ascii_fallback("∂L/∂θ₁ = δz₅·w₃,₁ + σ(z)² − ŷ")
    'dL/dtheta1 = delta_z5*w3_1 + sigmoid(z)**2 - yhat'
    >>> ascii_fallback("梯度 ∂L/∂θ₁ = σ(z)²", "gbk")
    '梯度 dL/dθ1 = σ(z)**2'
    """
    ok = _encodable_chars(encoding)
    if not ok("₁"):
        text = _SUBSCRIPT_COMMA.sub("_", text)
    if not ok("δ"):
        text = _DELTA_NAME.sub("delta_", text)
    text = _SUPERSCRIPT_RUN.sub(lambda m: m.group() if ok(m.group()) else
                                "**" + "".join(SUPERSCRIPTS[c] for c in m.group()), text)
    out = []
    for char in text:
        if char.isascii() or ok(char):
            out.append(char)
        elif char in ASCII_TABLE:
            out.append(ASCII_TABLE[char])
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def _encodable_chars(encoding: str):
    """A test: can ``encoding`` write this text? (An unknown encoding writes ASCII only.)"""
    def ok(chars: str) -> bool:
        try:
            chars.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            return False
        return True
    return ok
