"""Naming things on the command line: a network (NETWORK or ``--expr``), its parameters (``--wrt``)
and a point (``--at``).

A network is ``seed`` (``seed:scalar``, ``seed:tanh``), ``mlp:2-3-1`` (``mlp:2-3-1:tanh``,
``mlp:2-3-1:tanh:sigmoid``), a layer network ``layers:64-32-10:relu:softmax`` (matrix steps), an expression (``--expr "…" --inputs x1,x2``, read by the safe parser
``symnet.io.parsing``), or a JSON network file (``symnet.io.netfile``). Names are matched exactly, except
that ``thetaN`` (what ``--ascii`` prints) also names the neuron parameter ``θN``. Names of
parameters and points are checked by the library's one validators (``symnet.core.names``), so the
commands accept and refuse exactly what ``grad``, ``derive`` and ``check_grads`` do. Only click and the standard library are
imported at module level.

Names are also written back: ``ascii_fallback`` spells Unicode output (θ₁, w₃,₁, δz₅, σ) as the
names the commands read (theta1, w3_1, delta_z5, sigmoid).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from symnet.limits import MAX_MLP_LAYERS, MAX_MLP_NEURONS
from symnet.render.greek import GREEK

MAX_LAYERS = 12   # of a layers: spec on the command line
NETWORK_HELP = ("NETWORK is seed, seed:scalar, seed:tanh, mlp:2-3-1, mlp:2-3-1:tanh, layers:64-32-10:relu:softmax "
                "(one activation per hidden layer: layers:5-8-8-3:tanh,relu:softmax; skip adds: …:residual), "
                "attention:T=6,d=9,dk=4,classes=4 (one attention head and a softmax readout), "
                "conv:8x8:c3x3x8:relu:pool2:d10:softmax (a convolutional network), "
                "or a JSON network file; or give --expr instead.")
NETWORK_EXAMPLES = ("seed", "seed:scalar", "seed:tanh", "seed:relu", "mlp:2-3-1", "mlp:2-3-1:tanh",
                    "mlp:2-3-1:tanh:sigmoid", "layers:64-32-10:relu:softmax", "layers:5-8-8-3:tanh,relu:softmax:residual", "attention:T=6,d=9,dk=4,classes=4")


def complete_network(ctx, param, incomplete: str) -> list:
    """Shell completion for NETWORK: the built-in names, then files."""
    from click.shell_completion import CompletionItem

    names = [CompletionItem(name) for name in NETWORK_EXAMPLES if name.startswith(incomplete)]
    return names + [CompletionItem(incomplete, type="file")]


def load_network(spec: str | None, expr: str | None = None, inputs: str | None = None, params: str | None = None,
                 activation: str | None = None):
    """The Network named on the command line, with every neuron's activation replaced by ``activation``.

    Args:
        spec: ``seed``, ``seed:scalar``, ``seed:tanh``, ``mlp:2-3-1[:tanh[:sigmoid]]``, or a JSON file path
            (built-in names win: a file called ``seed`` is ``./seed``).
        expr: instead of ``spec``, a formula (safe-parsed); neurons ``f(θ, …)`` go through from_neurons.
        inputs: the inputs of ``expr``, comma-separated (required with ``expr``).
        params: the parameters of ``expr``, comma-separated (default: every other symbol).
        activation: ``--activation``: a name of the activation table, or a formula in z read by the
            safe parser (``"z/(1 + Abs(z))"``); for networks of neurons whose NETWORK names no activation.

    Returns:
        A ``symnet.Network``.

    Raises:
        ValueError: an unknown or malformed name, a missing file, conflicting options.

    >>> print(load_network("mlp:2-2-1"))
    f(θ3, f(θ1, x1, x2), f(θ2, x1, x2))
    >>> load_network("seed", activation="z/(1 + Abs(z))").models[0][1].activation
    z/(Abs(z) + 1)
    """
    _check_combination(spec, expr, inputs, params)
    if expr is not None:
        net = _network_from_expr(expr, inputs, params)
    else:
        spec = spec.strip()
        head = spec.split(":")[0]
        if head in ("seed", "mlp") and activation is not None:
            _one_activation(spec)
        if head == "seed":  # a file named seed is ./seed
            net = _seed(spec)
        elif head == "mlp":
            net = _mlp(spec)
        elif head == "layers":
            return parse_layers(spec, activation)
        elif head == "attention":
            return _attention(spec, activation)
        elif head == "conv":   # conv:8x8:c3x3x8:relu:pool2:d10:softmax (symnet.core.convnet)
            from symnet.core.convnet import convnet

            return convnet(spec)
        else:
            net = _network_from_file(spec)
    return net if activation is None else with_activation(net, activation)


def _one_activation(spec: str) -> None:
    from symnet.core.activations import ACTIVATIONS

    named = [part for part in spec.split(":")[1:] if part in ACTIVATIONS]
    if named:
        raise ValueError(f"{spec} already names the activation {named[0]}; give it either in NETWORK or with "
                         f"--activation, not both")


def with_activation(net, text: str):
    """``net`` with every neuron's activation given by ``--activation`` (a name or a formula in z).

    >>> print(with_activation(load_network("mlp:1-1"), "swish").models[0][1].activation)
    swish
    """
    from symnet.core.network import from_neurons
    from symnet.core.neuron import NeuronModel
    from symnet.io.netfile import activation_from_text

    if getattr(net, "spec", None) is not None:   # written as one line (a layers: model file): rebuilt from it
        return _spec_with_activation(net, text)
    if not getattr(net, "models", None):
        raise ValueError("--activation applies to networks of neurons (seed, mlp:…, f(θ, …) in --expr); this "
                         "network is a plain formula: write the activation into the formula instead")
    try:
        overrides = {theta: NeuronModel(activation_from_text(text), model.parameterization)
                     for theta, model in net.models}
    except ValueError as error:
        raise ValueError(f"--activation: {error}") from None
    return from_neurons(net.nested, net.inputs, overrides=overrides)


def parse_layers(spec: str, activation: str | None = None):
    """``layers:SIZES[:ACTIVATIONS[:OUTPUT]][:residual]``, read by the library's ``symnet.layers`` (one grammar:
    ``net.spec`` reads back); the CLI adds a limit on the number of layers. ``activation`` is ``--activation``:
    a name or a formula in z (or one per hidden layer, joined by commas), for a spec that names none."""
    from symnet.core.layers import parse_layer_spec
    from symnet.io.text import layers

    parsed = parse_layer_spec(spec)
    if len(parsed.sizes.split("-")) > MAX_LAYERS:
        raise ValueError(f"layers:{parsed.sizes} has {len(parsed.sizes.split('-'))} layers; at most {MAX_LAYERS}")
    if activation is not None and parsed.activations is not None:
        raise ValueError(f"{spec} already names the activation {','.join(parsed.activations)}; give it either in "
                         f"NETWORK or with --activation, not both")
    return layers(spec, activation)


def _attention(spec: str, activation: str | None):
    """``attention:T=6,d=9,dk=4,classes=4`` (what ``network.spec`` prints), read by the library's parser."""
    from symnet.core.attention_model import parse_attention_spec

    if activation is not None:
        raise ValueError("--activation applies to networks of neurons and layers; an attention network has no "
                         "hidden activation (its steps are QKᵀ/√d_k, softmax by rows, AV)")
    return parse_attention_spec(spec)


def _spec_with_activation(net, text: str):
    """A layer network (from a model file) with its hidden activations replaced by ``--activation``."""
    from symnet.io.text import layers

    try:
        return layers(list(net.sizes), text, net.output_activation, residual=bool(net.residual))
    except ValueError as error:
        raise ValueError(f"--activation: {error}") from None


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


def _network_from_expr(expr: str, inputs: str, params: str | None):
    from symnet.core.network import from_expr
    from symnet.io.options import parse_names
    from symnet.io.parsing import parse_expr

    parsed = parse_expr(expr)
    input_symbols = tuple(parse_names(inputs, "--inputs"))
    param_symbols = None if params is None else tuple(parse_names(params, "--params"))
    _refuse_target(parsed)
    return from_expr(parsed, input_symbols, param_symbols)


def _refuse_target(parsed) -> None:
    """An --expr is the network's output ŷ; the target y in it would be squared a second time by the loss."""
    if any(s.name == "y" for s in parsed.free_symbols):
        raise ValueError("--expr contains y, the target: --expr is the network's output ŷ, and the loss compares it "
                         "with y on top, so (y - ...)**2 would be squared a second time. Give the network alone "
                         "(e.g. --expr \"w*x + b\" --inputs x) and choose the loss with --loss, e.g. "
                         "--loss \"0.5*(y - yhat)**2\"; or rename an input called y (e.g. x2)")


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
    """True when ``path`` holds a layer network's model file (kind ``layers``, or the old ``symnet-layers``)."""
    import json

    from symnet.learn.modelfile import model_kind
    from symnet.limits import MAX_MODEL_BYTES

    try:
        if path.stat().st_size > MAX_MODEL_BYTES:
            return False
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return False
    try:
        return model_kind(doc) == "layers"
    except ValueError:
        return False


def make_loss(network, loss_name: str | None = None):
    """The loss of ``network`` named by ``--loss`` (a name or a formula in yhat and y), or the network's own
    default when ``--loss`` was left at its default: the squared error for neurons, ``network.loss()`` for
    layers (cross-entropy after softmax or sigmoid). Any network, one path.

    >>> make_loss(load_network("seed")).name
    'squared_error'
    >>> print(make_loss(load_network("seed"), "0.5*(y - yhat)**2"))
    L = 0.5*(y - yhat)**2
    >>> make_loss(load_network("layers:2-3-2")).name
    'softmax_cross_entropy'
    """
    from symnet.core.losses import as_loss
    from symnet.io.text import loss

    if loss_name is None or loss_defaulted():
        return as_loss(network)
    try:
        return loss(network, loss_name)
    except ValueError as error:
        raise ValueError(f"--loss: {error}") from None


def loss_defaulted() -> bool:
    """True when the running command's ``--loss`` was not given (its default stands for the network's own)."""
    import click
    from click.core import ParameterSource

    context = click.get_current_context(silent=True)
    return context is not None and context.get_parameter_source("loss_name") is ParameterSource.DEFAULT


# --- names of parameters and points: the library's validators, with the option named --------------


def parse_wrt(text: str | None, target, abstract: bool = False) -> tuple:
    """The symbols named by ``--wrt`` (all parameters when None), checked by ``symnet.core.names.resolve_wrt``.

    The CLI adds no rules of its own: the names are split by the safe parser and handed to the
    library's one validator (θN/thetaN for a neuron, inputs when named, never the target).

    >>> parse_wrt("theta5, θ1", load_network("seed:scalar"))
    (θ5, θ1)
    """
    from symnet.core.names import resolve_wrt
    from symnet.io.options import parse_names

    names = None if text is None else [s.name for s in parse_names(text, "--wrt")]
    try:
        return resolve_wrt(target, names, abstract=abstract)
    except ValueError as error:
        raise ValueError(f"--wrt: {error}") from None


def parse_point(text: str, target) -> dict:
    """``--at`` as {name: float}, checked by ``symnet.core.names.resolve_point``: every input, every
    parameter and the target, nothing else (unknown names get suggestions).

    >>> loss = make_loss(load_network("seed:scalar"))
    >>> point = parse_point("x1=1, x2=0, y=1, theta1=1, θ2=2, θ3=3, θ4=4, theta5=5", loss)
    >>> point["θ5"], point["x1"]
    (5.0, 1.0)
    """
    from symnet.core.names import resolve_point
    from symnet.io.options import parse_assignments

    try:
        point = resolve_point(target, parse_assignments(text))
    except ValueError as error:
        raise ValueError(f"--at: {error}") from None
    return {symbol.name: value for symbol, value in point.items()}


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


LAYER_SUPERSCRIPTS = {**SUPERSCRIPTS, "ˡ": "l", "⁺": "+"}
_LAYER_INDEX = re.compile("(?<=[^‖)\\]])([%s]+)" % "".join(LAYER_SUPERSCRIPTS))
LAYER_ASCII = {"ᵀ": "^T", "⊙": "*", "\u0304": "bar",   # C̄ (the mean cost) -> Cbar
               "⋆": "star", "∗": "*"}                  # a convolution's K ⋆ X and δ ∗full rot180(K)


def layer_ascii(text: str, encoding: str = "ascii") -> str:
    """Layer notation (Nielsen's: W¹, δ², aˡ⁻¹, (Wˡ⁺¹)ᵀ, ⊙) as ``ascii_fallback`` would write it for
    ``encoding``, except that a superscript after a name is the layer's index (W¹ → W1, aˡ⁻¹ → a^(l-1))
    where ``ascii_fallback`` would make it a power; one after ‖…‖ or (…) is a power (‖u‖² → ||u||**2).

    >>> layer_ascii("δ¹ = ((W²)ᵀ δ²) ⊙ σ′(z¹) ; δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ; ‖a² − y‖²")
    "delta1 = ((W2)^T delta2) * sigmoid'(z1) ; delta_l = (W^(l+1))^T delta^(l+1) ; ||a2 - y||**2"
    """
    def index(match):
        plain = "".join(LAYER_SUPERSCRIPTS[c] for c in match.group())
        return plain if plain.isdigit() or plain == "l" else f"^({plain})"

    ok = _encodable_chars(encoding)
    if not ok("".join(LAYER_SUPERSCRIPTS)):
        text = _LAYER_INDEX.sub(index, text)
    return ascii_fallback("".join(c if ok(c) else LAYER_ASCII.get(c, c) for c in text), encoding)


def _encodable_chars(encoding: str):
    """A test: can ``encoding`` write this text? (An unknown encoding writes ASCII only.)"""
    def ok(chars: str) -> bool:
        try:
            chars.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            return False
        return True
    return ok
