"""A derivation folded into steps: each sentence of ``symnet.render.document`` with its formulas.

The derivation's blocks (prose, then the math it introduces) become ``FoldStep`` records: the
sentence with inline ``$…$`` math and one ``aligned`` display, numbers at the given point beside
each factor. The page shows them as ``<details>`` the reader opens one at a time; a sentence with no
display of its own (the point the numbers are taken at, the check at the end) is a plain paragraph there,
never a step that opens to nothing, and headings are left out (the fold's caption names the derivative).
"""

from __future__ import annotations

from symnet.tour.records import Fold, FoldStep


def derivation_fold(derivation, caption: str, lang: str) -> Fold:
    """The steps of ``derivation`` (one parameter or more) as a ``Fold``.

    >>> from symnet import seed_network
    >>> from symnet.derivation.derive import derive
    >>> fold = derivation_fold(derive(seed_network(), wrt=["b5"]), "b5", "en")
    >>> fold.steps[0].summary.startswith("One path leads")
    True
    """
    from symnet.render.document import body_blocks
    from symnet.render.layout import Heading, Math, Prose
    from symnet.render.tex import math_lines, prose

    steps, pending = [], None
    for block in body_blocks(derivation, lang):
        if isinstance(block, Heading):        # the fold's caption names the derivative already
            continue
        if isinstance(block, Prose):
            if pending is not None:
                steps.append(FoldStep(pending))
            pending = prose(block, "markdown")
        elif isinstance(block, Math):
            display = "\\begin{aligned}\n" + " \\\\\n".join(math_lines(block, "markdown", lang)) + "\n\\end{aligned}"
            steps.append(FoldStep(pending or "", display))
            pending = None
    if pending is not None:
        steps.append(FoldStep(pending))
    return Fold(caption, tuple(steps))
