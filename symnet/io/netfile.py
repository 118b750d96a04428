"""The JSON network file: a network saved as text and read back as the identical ``Network``.

A neuron network (the article's f(θ5, f(θ3, …), …), an MLP) is stored as its nested expression,
its inputs, the default neuron model and the neurons whose model differs::

    {
      "format": "symnet-network",
      "version": 1,
      "kind": "neurons",
      "nested": "f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))",
      "inputs": ["x1", "x2"],
      "model": {"activation": "sigmoid", "parameterization": "affine"},
      "overrides": {"θ5": {"activation": "identity", "parameterization": "affine"}}
    }

Any other expression network is stored as its formula, inputs and parameters::

    {"format": "symnet-network", "version": 1, "kind": "expression",
     "expr": "tanh(b + w*x)", "inputs": ["x"], "params": ["b", "w"]}

A trained model file (``"format": "symnet-model"``, written by ``symnet.save``) holds a network
file's object under its key "network": ``load`` and ``loads`` accept it too and return that network
(its trained θ is read by ``symnet.load``).

An optional "description" (a string) is kept for people and ignored by symnet. Reading goes only
through the safe parser ``symnet.io.parsing`` (never ``sympify``); a damaged file raises
``NetworkFileError`` (a ``ValueError``) naming the key at fault. Files over 1 MB are rejected.
See docs/network-format.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from sympy import Basic, Float
from sympy.printing.str import StrPrinter

from symnet.core.network import Network, from_expr, from_neurons
from symnet.core.neuron import NeuronModel
from symnet.errors import SymnetError
from symnet.io.files import regular_file, strict_json, write_text
from symnet.limits import MAX_MODEL_BYTES, MAX_NETWORK_FILE_BYTES, check_network_size, check_neurons_size

FORMAT = "symnet-network"
VERSION = 1
MAX_BYTES = MAX_NETWORK_FILE_BYTES
MODEL_FORMAT = "symnet-model"   # a trained model (symnet.learn.modelfile) wraps a network file's object
# A nested form repeats shared neurons (an MLP's str grows like the product of its widths), so
# file formulas get the parser's bounds scaled to the 1 MB file limit; depth stays modest.
MAX_NODES = 1_000_000
MAX_DEPTH = 100
KINDS = ("neurons", "expression")
KEYS = {
    "neurons": {"format", "version", "kind", "nested", "inputs", "model", "overrides", "description"},
    "expression": {"format", "version", "kind", "expr", "inputs", "params", "description"},
}
REQUIRED = {"neurons": ("nested", "inputs", "model"), "expression": ("expr", "inputs", "params")}


class NetworkFileError(SymnetError, ValueError):
    """A network file (or dict) that cannot be read: bad JSON, wrong version, missing or bad keys."""


class _ExactPrinter(StrPrinter):
    """SymPy's ``str``, but floats printed with Python's shortest round-trip ``repr``."""

    def _print_Float(self, expr):
        if expr._prec != 53:
            raise NetworkFileError(f"cannot save the number {expr} exactly: only double-precision floats are stored")
        return repr(float(expr))


def expression_text(expr: Basic) -> str:
    """The text stored for an expression: ``str(expr)``, with floats in round-trip form.

    >>> from sympy import Symbol
    >>> expression_text(0.1 * Symbol("w"))
    '0.1*w'
    """
    return _ExactPrinter().doprint(expr)


def printed_length(expr: Basic) -> int:
    """A lower bound on ``len(str(expr))``, computed once per distinct sub-expression, without printing.

    A nested form repeats shared neurons, so its text can be exponentially longer than its DAG.

    >>> from sympy import Symbol
    >>> printed_length(Symbol("x1") + Symbol("w")) <= len("w + x1")
    True
    """
    memo: dict = {}

    def length(node) -> int:  # names and calls always print; numbers and operators may not
        if node not in memo:
            if not node.args:
                memo[node] = len(node.name) if node.is_Symbol else 0
            else:
                call = len(type(node).__name__) + 2 * len(node.args) if node.is_Function else 0
                memo[node] = call + sum(length(a) for a in node.args)
        return memo[node]

    return length(expr)


def _check_size(expr: Basic) -> None:
    size = printed_length(expr)
    if size > MAX_BYTES:
        raise NetworkFileError(f"this network written out would take at least {size} bytes, more than the 1 MB "
                               f"limit of network files (its nested form repeats shared neurons); use a smaller "
                               f"network")


def network_to_dict(net: Network) -> dict:
    """The JSON-ready dict of a network (see the module docstring for the layout).

    Args:
        net: a network from seed_network, mlp, from_neurons or from_expr.

    Returns:
        A dict of str, int, list and dict values.

    >>> from symnet import mlp
    >>> d = network_to_dict(mlp([2, 1], "tanh"))
    >>> d["nested"], d["model"]
    ('f(θ1, x1, x2)', {'activation': 'tanh', 'parameterization': 'affine'})
    """
    if not isinstance(net, Network):
        raise TypeError(f"expected a symnet Network; got {type(net).__name__}")
    _check_size(net.nested)
    head = {"format": FORMAT, "version": VERSION}
    names = [s.name for s in net.inputs]
    if not net.models:
        return {**head, "kind": "expression", "expr": expression_text(net.nested), "inputs": names,
                "params": [s.name for s in net.params]}
    default = Counter(model for _, model in net.models).most_common(1)[0][0]
    overrides = {theta.name: _model_dict(m) for theta, m in net.models if m != default}
    return {**head, "kind": "neurons", "nested": expression_text(net.nested), "inputs": names,
            "model": _model_dict(default), "overrides": overrides}


def _model_dict(model: NeuronModel) -> dict:
    return {"activation": model.activation_name, "parameterization": model.parameterization}


def network_from_dict(d: dict) -> Network:
    """The network described by ``d`` (the inverse of ``network_to_dict``).

    Args:
        d: a dict as read from a network file.

    Returns:
        The network, equal (``==``) to the one that was saved.

    Raises:
        NetworkFileError: a missing, unknown or malformed key; the message names it.

    >>> net = network_from_dict({"format": "symnet-network", "version": 1, "kind": "expression",
    ...                          "expr": "tanh(b + w*x)", "inputs": ["x"], "params": ["b", "w"]})
    >>> net.params
    (b, w)
    """
    kind = _check_header(d)
    _check_keys(d, kind)
    if "description" in d and not isinstance(d["description"], str):
        raise _bad("description", "a string", d["description"])
    inputs = _names(d, "inputs")
    if kind == "expression":
        expr, params = _expression(d, "expr"), _names(d, "params")
        _check_expression_cost(expr, params)
        return _build("expr", lambda: from_expr(expr, inputs, params))
    return _neuron_network(d, inputs)


def _neuron_network(d: dict, inputs: tuple) -> Network:
    """A "neurons" network: the nested form with the default model and the per-neuron overrides."""
    nested, model = _expression(d, "nested"), _model(d["model"], "model")
    overrides = d.get("overrides", {})
    if not isinstance(overrides, dict):
        raise _bad("overrides", "an object mapping a neuron name to a model", overrides)
    models = {_name(k, "overrides"): _model(v, f"overrides.{k}") for k, v in overrides.items()}
    _check_cost(nested, model, models)
    net = _build("nested", lambda: from_neurons(nested, inputs, model, models))
    stray = [str(theta) for theta in models if theta not in net.neurons]
    if stray:
        raise NetworkFileError(f"network file: key 'overrides' names {', '.join(stray)}, which is not a neuron of "
                               f"the network (its neurons: {', '.join(map(str, net.neurons))})")
    return net


def _check_expression_cost(expr: Basic, params: tuple) -> None:
    """Refuse, before building, a formula over the limits of ``symnet.limits`` (one step per node, at most)."""
    from sympy import preorder_traversal

    try:
        check_network_size(len(params), sum(1 for _ in preorder_traversal(expr)), "the network of the file")
    except ValueError as error:
        raise NetworkFileError(f"network file: key 'expr': {error}") from None


def _check_cost(nested: Basic, model: NeuronModel, models: dict) -> None:
    """Refuse, before building, a network over the limits of ``symnet.limits`` (its neurons counted once each)."""
    from symnet.core.neuron import f

    neurons = {call.args[0]: len(call.args) - 1 for call in nested.atoms(f) if call.args}
    try:
        check_neurons_size(((k, models.get(theta, model).parameterization == "affine") for theta, k in neurons.items()),
                           "the network of the file")
    except ValueError as error:
        raise NetworkFileError(f"network file: key 'nested': {error}") from None


def _bad(key: str, expected: str, got) -> NetworkFileError:
    shown = repr(got)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return NetworkFileError(f"network file: key '{key}': expected {expected}; got {shown}")


def _check_header(d) -> str:
    if not isinstance(d, dict):
        raise NetworkFileError(f"network file: expected a JSON object with a 'format' key; got {type(d).__name__}")
    for key in ("format", "version", "kind"):
        if key not in d:
            raise NetworkFileError(f"network file: missing key '{key}' (a symnet network file starts with "
                                   f'"format": "{FORMAT}", "version": {VERSION}, "kind": ...)')
    if d["format"] != FORMAT:
        raise _bad("format", f'"{FORMAT}"', d["format"])
    if type(d["version"]) is not int or d["version"] != VERSION:
        raise NetworkFileError(f"network file: key 'version': this symnet reads version {VERSION}; got "
                               f"{d['version']!r}. Save the network again with this symnet")
    if d["kind"] not in KINDS:
        raise _bad("kind", " or ".join(f'"{k}"' for k in KINDS), d["kind"])
    return d["kind"]


def _check_keys(d: dict, kind: str) -> None:
    for key in REQUIRED[kind]:
        if key not in d:
            raise NetworkFileError(f"network file: missing key '{key}' (a {kind} network needs "
                                   f"{', '.join(REQUIRED[kind])})")
    unknown = [k for k in d if k not in KEYS[kind]]
    if unknown:
        raise NetworkFileError(f"network file: unknown key '{unknown[0]}' for kind {kind!r}; allowed keys: "
                               f"{', '.join(sorted(KEYS[kind]))}")


def _name(text, key: str):
    from symnet.io.options import parse_name

    if not isinstance(text, str):
        raise _bad(key, "a name (a string like x1)", text)
    try:
        return parse_name(text)
    except ValueError as error:
        raise NetworkFileError(f"network file: key '{key}': {error}") from None


def _names(d: dict, key: str) -> tuple:
    value = d[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(key, "a list of names (strings like \"x1\")", value)
    return tuple(_name(v, key) for v in value)


def _expression(d: dict, key: str) -> Basic:
    from symnet.io.parsing import parse_expr

    value = d[key]
    if not isinstance(value, str):
        raise _bad(key, "a formula as a string", value)
    try:
        expr = parse_expr(value, max_length=MAX_BYTES, max_nodes=MAX_NODES, max_depth=MAX_DEPTH)
    except ValueError as error:
        raise NetworkFileError(f"network file: key '{key}': {error}") from None
    return _as_doubles(expr)


def _as_doubles(expr: Basic) -> Basic:
    """Every float as the float64 its digits name (the parser keeps a 17-digit literal at ~57 bits).

    ``str`` of the parsed Float repeats the literal's digits, and ``float`` of those digits is the
    double that was saved, so a saved float reads back bit for bit.
    """
    floats = expr.atoms(Float)
    return expr.xreplace({a: Float(float(str(a))) for a in floats}) if floats else expr


def activation_from_text(text: str):
    """A table name as it is, or your own activation's formula in z read by the safe parser.

    >>> activation_from_text("tanh"), activation_from_text("z/(1 + Abs(z))")
    ('tanh', z/(Abs(z) + 1))
    """
    from symnet.core.activations import ACTIVATIONS
    from symnet.io.parsing import parse_expr

    if text in ACTIVATIONS or re.fullmatch(r"[A-Za-z_]\w*", text.strip()):   # a name: NeuronModel checks it
        return text.strip()
    return parse_expr(text)


def _model(value, key: str) -> NeuronModel:
    if not isinstance(value, dict):
        raise _bad(key, 'an object like {"activation": "sigmoid", "parameterization": "affine"}', value)
    unknown = [k for k in value if k not in ("activation", "parameterization")]
    if unknown:
        raise NetworkFileError(f"network file: key '{key}': unknown field '{unknown[0]}'; a model has "
                               f"activation and parameterization")
    for field_name in value:
        if not isinstance(value[field_name], str):
            raise _bad(f"{key}.{field_name}", "a string", value[field_name])
    try:
        return NeuronModel(**{**value, **({"activation": activation_from_text(value["activation"])}
                                          if "activation" in value else {})})
    except ValueError as error:
        raise NetworkFileError(f"network file: key '{key}': {error}") from None


def _build(key: str, make) -> Network:
    try:
        return make()
    except (ValueError, TypeError) as error:
        raise NetworkFileError(f"network file: key '{key}': {error}") from None


def dumps(net: Network) -> str:
    """The network file text of ``net`` (indented JSON, UTF-8 names kept readable).

    >>> from symnet import seed_network
    >>> loads(dumps(seed_network())) == seed_network()
    True
    """
    text = json.dumps(network_to_dict(net), ensure_ascii=False, indent=2) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise NetworkFileError(f"this network written out is {size} bytes, over the 1 MB limit of network files "
                               f"(its nested form repeats shared neurons); use a smaller network")
    return text


def loads(text: str | bytes) -> Network:
    """The network in a network file's text, or in a model file's text (its key "network").

    Raises:
        NetworkFileError: the text is too large (1 MB; 10 MB for a model file), not JSON, or not a
            valid network or model file.
    """
    if isinstance(text, bytes):
        if len(text) > MAX_MODEL_BYTES:
            raise NetworkFileError(f"network file is {len(text)} bytes; at most {MAX_BYTES} are accepted")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NetworkFileError(f"network file is not UTF-8 text: {error}") from None
    if not isinstance(text, str):
        raise TypeError(f"loads expects str or bytes; got {type(text).__name__}")
    size = len(text.encode("utf-8"))
    if size > MAX_MODEL_BYTES:
        raise NetworkFileError(f"network file is larger than {MAX_BYTES} bytes; at most 1 MB is accepted")
    try:
        data = strict_json(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise NetworkFileError(f"network file is not valid JSON: {error}") from None
    except ValueError as error:
        raise NetworkFileError(f"network file: {error}") from None
    if is_model(data):
        return _model_network(data)
    if size > MAX_BYTES:
        raise NetworkFileError(f"network file is larger than {MAX_BYTES} bytes; at most 1 MB is accepted")
    return network_from_dict(data)


def is_model(data) -> bool:
    """True when ``data`` (parsed JSON) is a trained model file rather than a network file.

    >>> is_model({"format": "symnet-model"}), is_model({"format": "symnet-network"})
    (True, False)
    """
    return isinstance(data, dict) and data.get("format") == MODEL_FORMAT


def _model_network(data: dict) -> Network:
    """The network of a model file, whose key "network" holds a network file's object."""
    network = data.get("network")
    if not isinstance(network, dict):
        raise NetworkFileError("model file: key 'network' is missing or not an object; save the model again "
                               "with symnet.save (or symnet train)")
    try:
        return network_from_dict(network)
    except NetworkFileError as error:
        raise NetworkFileError(f"model file: key 'network': {error}") from None


def save(path, net: Network) -> Path:
    """Write ``net`` to ``path`` atomically (the file is complete or untouched) and return the path."""
    return write_text(path, dumps(net))


def load(path) -> Network:
    """Read the network saved at ``path``: a network file, or a model file (then its network).

    Raises:
        NetworkFileError: a file over 1 MB (10 MB for a model file), or a damaged file (the message
            names the key).
        OSError: the file cannot be read.
    """
    path = regular_file(path, "network file")
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise NetworkFileError(f"network file {path} is {size} bytes; at most {MAX_BYTES} (1 MB) are accepted")
    with path.open("rb") as handle:
        return loads(handle.read(MAX_MODEL_BYTES + 1))
