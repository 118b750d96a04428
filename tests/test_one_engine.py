"""One engine: verbs do not ask what kind of network they hold.

Kind questions are allowed only where they are the point, and each is pinned here so the number cannot
grow unseen (issue 18's bar: at most six modules): turning a network into its loss (``symnet.core.losses``),
the one table lookup by a loss's ``layout`` word (``symnet.numeric.kinds.dispatch``, which every verb's table —
``COMPILERS``, ``CHECKERS``, ``TRAINERS`` — goes through), the derivation's form (``derive``: BP1–BP4, the typed
adjoint sweep or paths; the ``Derivation`` then says its ``section``), shape-aware printing (``has_matrix_steps``,
asked by the printers once, ``render.printing.shape_aware``, whose answer the CLI's views take), and the quiz and
the graph, which draw scalar steps only. The verbs take the answer from the object instead:
``network.train_defaults`` (train), one random point by the program's shapes (check).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "symnet"
PENDING = ()   # every module is counted

# module -> why it reads a loss's ``layout`` word; a table lookup in one module is one site
LAYOUT_QUESTIONS = {
    "numeric/kinds.py": "the one place the verbs' tables (COMPILERS, CHECKERS, TRAINERS) are read",
    "derivation/derive.py": "a typed matrix loss is derived as its adjoint sweep, VJP row by row (no BP1–BP4)",
}
# modules whose isinstance checks validate their own argument (an attention network or its loss): not dispatch
OWN_ARGUMENT = ("numeric/attention_check.py", "numeric/attention_compiled.py")

# module -> why it asks whether a program has matrix steps
MATRIX_QUESTIONS = {
    "derivation/derive.py": "the BP1–BP4 form of the derivation",
    "derivation/quiz.py": "the quiz asks about scalar derivatives only",
    "render/printing.py": "shape-aware printing (``shape_aware``): each step with its shape, superscripts as indices",
    "plot/graph.py": "the graph draws neurons and scalar steps",
}
# modules that take the printers' answer (``render.printing.shape_aware``) for their terminal view: not a question
# of their own — the same program is asked once, by the printers
SHAPE_AWARE_READERS = {
    "cli/common.py": "layer superscripts are indices, not powers, in ASCII (``notation``)",
    "cli/inspect.py": "show prints the printers' shape-aware view of a network of matrix steps",
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not relative.startswith(PENDING) and not relative.startswith("tour/static"):
            yield relative, path.read_text(encoding="utf-8")


def test_no_module_tests_the_matrix_network_classes():
    # a network turns into its loss by its own ``loss()``, and a loss says ``is_loss``: no verb asks the class
    pattern = re.compile(r"isinstance\([^)]*\b(LayerNetwork|LayerLoss|AttentionNetwork|AttentionLoss|ConvNetwork"
                         r"|MatrixLoss)\b")
    found = {name for name, text in _modules() if pattern.search(text) and name not in OWN_ARGUMENT}
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


def test_the_layout_questions_are_the_pinned_ones():
    pattern = re.compile(r"getattr\([^)]*[\"']layout[\"']|\.layout\s*(==|!=|\bin\b)|\[[^\]]*\.layout\]")
    found = {name for name, text in _modules() if pattern.search(text)}
    assert found == set(LAYOUT_QUESTIONS), sorted(found ^ set(LAYOUT_QUESTIONS))


def test_the_printers_answer_is_read_where_pinned():
    found = {name for name, text in _modules() if "shape_aware(" in text and name != "render/printing.py"}
    assert found == set(SHAPE_AWARE_READERS), sorted(found ^ set(SHAPE_AWARE_READERS))


def test_kind_questions_are_counted():
    # distinct modules that ask (derive.py asks both questions): issue 18's bar is six
    assert len(set(MATRIX_QUESTIONS) | set(LAYOUT_QUESTIONS)) <= 6


def test_a_derivation_says_its_section():
    import symnet
    from symnet.derivation.records import SECTIONS
    from symnet.io.matrix_build import matrix_loss

    made = {"paths": symnet.derive(symnet.seed_network(), wrt="b5"), "matrix": symnet.derive(symnet.layers("3-4-2")),
            "typed": symnet.derive(matrix_loss("norm2(X*w - y)^2/N", "X=N x 2, y=N, w=2"))}
    assert tuple(made) == SECTIONS
    for section, derivation in made.items():
        assert derivation.section == section
        assert (derivation.matrix, derivation.typed) == (section == "matrix", section == "typed")


def _losses():
    import symnet
    from symnet.core.attention_model import attention
    from symnet.core.convnet import convnet
    from symnet.io.matrix_build import matrix_loss

    return {"columns": symnet.seed_network(), "batch-first": symnet.layers("3-4-2"),
            "sequences": attention(3, 2, classes=2),
            "whole-data": matrix_loss("norm2(X*w - y)^2/N", "X=N x 2, y=N, w=2"),
            "conv": convnet(CONV_SPEC)}


CONV_SPEC = "conv:6x6:c3x3x2:relu:pool2:d2:softmax"


def test_every_table_has_one_row_per_layout():
    from symnet.numeric.codegen import COMPILERS
    from symnet.numeric.gradcheck import CHECKERS
    from symnet.learn.training import TRAINERS
    from symnet.numeric.kinds import LAYOUTS

    assert tuple(COMPILERS) == tuple(CHECKERS) == tuple(TRAINERS) == LAYOUTS


@pytest.mark.parametrize("kind", ["columns", "batch-first", "sequences", "whole-data", "conv"])
def test_a_network_resolves_to_its_loss_and_its_row(kind):
    from symnet.core.losses import as_loss
    from symnet.numeric.codegen import COMPILERS
    from symnet.numeric.gradcheck import CHECKERS
    from symnet.numeric.kinds import dispatch

    target = _losses()[kind]
    loss, compile_kind = dispatch(COMPILERS, target, "value_and_grad")
    assert loss == as_loss(target) and getattr(loss, "is_loss", False)
    assert loss.layout == ("batch-first" if kind == "conv" else kind)
    assert compile_kind is COMPILERS[loss.layout]
    assert dispatch(CHECKERS, target, "check_grads")[1] is CHECKERS[loss.layout]


def test_a_new_kind_is_one_row():
    import symnet
    from symnet.numeric.kinds import dispatch

    loss, row = dispatch({"columns": "compile by columns"}, symnet.seed_network(), "verb")
    assert (loss.name, row) == ("squared_error", "compile by columns")
    with pytest.raises(TypeError, match="layout is one of columns; got LayerLoss with layout 'batch-first'"):
        dispatch({"columns": "compile by columns"}, symnet.layers("3-4-2"), "verb")


def test_a_loss_of_no_known_layout_gets_one_message():
    import symnet

    class Odd:
        is_loss = True
        layout = "by-diagonals"

    for verb in (symnet.value_and_grad, symnet.check_grads):
        with pytest.raises(TypeError, match=r"takes a loss whose layout is one of columns, batch-first, sequences, "
                                            r"whole-data; got Odd with layout 'by-diagonals'"):
            verb(Odd())
    with pytest.raises(TypeError, match=r"train takes a loss whose layout is one of columns, batch-first, sequences, "
                                        r"whole-data; got Odd with layout 'by-diagonals'"):
        symnet.train(Odd(), ([[0.0]], [0.0]), progress=False)


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
