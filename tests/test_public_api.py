"""The public API is a fixed set of about 40 names, each documented in docs/api.md and by a docstring."""

from __future__ import annotations

import re
from pathlib import Path

import symnet

API_PAGE = Path(__file__).resolve().parent.parent / "docs" / "api.md"

# Changing this list is a decision: a new public name needs a row in docs/api.md's table too.
PUBLIC = (
    "Dataset", "Loss", "Network", "NeuronModel", "Program", "SymnetError", "approximate", "attention",
    "binary_cross_entropy", "bump", "check_grads", "compile_hessian", "convnet", "derive", "descend", "descend_many", "error_study", "f",
    "from_expr", "from_neurons", "grad", "hessian", "hvp", "latex", "layers", "load", "loss", "lower", "mlp",
    "pretty", "refine", "relu", "save", "seed_network", "show", "sigmoid", "softplus", "squared_error", "step",
    "tower", "train", "value_and_grad",
)
GONE = ("compile", "compile_layers", "train_layers", "derive_layers", "LayerNetwork", "LayerLoss", "compile_network")


def _table_names() -> set[str]:
    text = API_PAGE.read_text(encoding="utf-8")
    table = text.split("<!-- public names", 1)[1].split("\n\n", 1)[0]
    return {name for row in table.splitlines() if row.startswith("| ") for name in
            re.findall(r"`([A-Za-z_]\w*)`", row.split("|")[2])}


def test_the_public_names_are_pinned():
    assert tuple(symnet.__all__) == PUBLIC
    assert len(PUBLIC) <= 42      # about 40: the builders of each kind of model are public


def test_every_public_name_resolves_and_has_a_docstring():
    for name in PUBLIC:
        value = getattr(symnet, name)
        assert (value.__doc__ or "").strip(), f"symnet.{name} has no docstring"


def test_every_public_name_is_in_the_api_table_and_nothing_else_is():
    assert _table_names() == set(PUBLIC)


def test_removed_names_are_gone_from_the_facade_but_importable_where_they_live():
    for name in GONE:
        assert not hasattr(symnet, name), name
    from symnet.core.layers import LayerNetwork
    from symnet.numeric.compiled import CompiledLoss

    assert isinstance(symnet.value_and_grad(symnet.layers("2-3-2")), CompiledLoss)
    assert isinstance(symnet.layers("2-3-2"), LayerNetwork)
