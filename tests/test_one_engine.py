"""One engine: verbs do not ask what kind of network they hold.

Kind questions are allowed only where they are the point, and each is pinned here so the number cannot
grow unseen: turning a network into its loss (``symnet.core.losses``), shape-aware printing and the
BP1–BP4 form (``has_matrix_steps``, at most six modules), and reading or writing a one-line spec. The verbs
take the answer from the object instead: ``network.train_defaults`` (train), the library's own refusals
(derive), one random point by the program's shapes (check). ``symnet/numeric`` is
being restructured on its own branch and is left out until it lands.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "symnet"
PENDING = ("numeric",)   # its own restructuring (engine-numeric) removes its two sites

# module -> why it asks whether a program has matrix steps
MATRIX_QUESTIONS = {
    "derivation/derive.py": "the BP1–BP4 form of the derivation",
    "derivation/quiz.py": "the quiz asks about scalar derivatives only",
    "render/printing.py": "shape-aware printing of a gradient",
    "cli/common.py": "layer superscripts are indices, not powers, in ASCII",
    "cli/inspect.py": "shape-aware printing of a network",
    "plot/graph.py": "the graph draws neurons and scalar steps",
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not relative.startswith(PENDING) and not relative.startswith("tour/static"):
            yield relative, path.read_text(encoding="utf-8")


def test_no_module_tests_the_matrix_network_classes():
    # a network turns into its loss by its own ``loss()``, and a loss says ``is_loss``: no verb asks the class
    pattern = re.compile(r"isinstance\([^)]*\b(LayerNetwork|LayerLoss|AttentionNetwork|AttentionLoss)\b")
    found = {name for name, text in _modules() if pattern.search(text)}
    assert found == set(), found
    assert not any("is_layer_network" in text for _, text in _modules())


def test_the_matrix_questions_are_the_pinned_ones():
    found = {name for name, text in _modules() if "has_matrix_steps(" in text
             and not name.startswith("core/layers.py")}
    assert found == set(MATRIX_QUESTIONS), sorted(found ^ set(MATRIX_QUESTIONS))


KNOWN_LAYER_MODULES = ()   # the classifier figures are plot/classifier.py: they draw any classifier's results


def test_no_layer_module_outside_core_and_tour():
    twins = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("layer*.py"))
    stray = [t for t in twins if not t.startswith(("core/", "tour/") + PENDING) and t not in KNOWN_LAYER_MODULES]
    assert stray == [], stray


def test_at_most_six_modules_ask_about_matrix_steps():
    assert len(MATRIX_QUESTIONS) <= 6


@pytest.mark.parametrize("spec", ["seed", "mlp:2-3-1", "layers:3-4-2", "layers:3-4-1:tanh:sigmoid",
                                  "attention:T=3,d=4,dk=2,classes=2"])
def test_one_random_point_for_every_kind(spec):
    import numpy as np

    from symnet.cli.check import random_check_point
    from symnet.cli.naming import load_network, make_loss
    from symnet.numeric.gradcheck import check_grads, random_point

    target = make_loss(load_network(spec))
    theta, X, y = random_check_point(target, 3, 5)
    entries = sum(int(getattr(p, "shape", (1, 1))[0] * getattr(p, "shape", (1, 1))[1]) for p in target.program.params)
    assert len(X) == len(y) == 5 and theta.size == entries
    assert check_grads(target, theta, X, y).ok
    if not spec.startswith(("layers", "attention")):   # a scalar network's is random_point's, number for number
        assert all(np.array_equal(a, b) for a, b in zip((theta, X, y), random_point(target, 3, 5)))


def test_train_defaults_are_the_networks():
    from symnet.cli.naming import load_network

    assert load_network("seed").train_defaults.test_split == 0
    assert load_network("layers:3-4-2").train_defaults.test_split > 0
    assert load_network("attention:T=3,d=4,classes=2").train_defaults.batch_size == 32
