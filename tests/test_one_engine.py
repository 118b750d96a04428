"""One engine: verbs do not ask what kind of network they hold.

Kind questions are allowed only where they are the point, and each is pinned here so the number cannot
grow unseen: turning a network into its loss (``symnet.core.losses``), shape-aware printing and the
BP1–BP4 form (``has_matrix_steps``), and reading or writing a ``layers:`` spec. ``symnet/numeric`` is
being restructured on its own branch and is left out until it lands.
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "symnet"
PENDING = ("numeric",)   # its own restructuring (engine-numeric) removes its two sites

# module -> why it asks whether a program has matrix steps
MATRIX_QUESTIONS = {
    "derivation/derive.py": "the BP1–BP4 form of the derivation",
    "derivation/quiz.py": "the quiz asks about scalar derivatives only",
    "render/printing.py": "shape-aware printing of a gradient",
    "cli/common.py": "layer superscripts are indices, not powers, in ASCII",
    "cli/inspect.py": "shape-aware printing of a network",
    "cli/check.py": "a random point of whole arrays, a record without θ",
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
