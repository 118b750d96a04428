"""How a symnet object shows itself: ``str()`` and Jupyter's LaTeX, through symnet's printers.

The printers live in ``symnet.render``, above every layer that defines these objects, so the hooks
import them only when called: the one exception the layer rule allows (docs/architecture.md), written
once here instead of in every class that displays.
"""

from __future__ import annotations


class Displayed:
    """``__str__`` by ``symnet.render.printing.text`` and ``_repr_latex_`` by its ``latex``.

    ``latex_inline`` True shows the LaTeX as one inline ``$\\displaystyle …$`` (a single formula), False
    as a ``$$ … $$`` block (several aligned lines).
    """

    latex_inline = False

    def __str__(self) -> str:
        from symnet.render.printing import text

        return text(self)

    def _repr_latex_(self) -> str:
        from symnet.render.printing import latex

        body = latex(self)
        return f"$\\displaystyle {body}$" if self.latex_inline else f"$$\n{body}\n$$"
