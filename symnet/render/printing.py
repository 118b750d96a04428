"""Printers of every symnet object: ``text``, ``pretty`` (one-line Unicode), ``latex`` and ``markdown``.

Networks, programs, losses, gradients, derivations, gradient-check reports, training results, data
sets and towers print through ``_print_<Class>`` methods on symnet's subclasses of SymPy's printers
(``StrPrinter`` and ``LatexPrinter``), exactly as SymPy prints its own classes: dispatch by class name,
sub-expressions through ``self._print``; the lines and words an object prints come from
``symnet.render.summaries``. Symbol names look the same everywhere (w₃,₁ / w_{3,1}, θ₅ / \\theta_{5}, σ),
expanded formulas included, because every formula goes through the printers of
``symnet.render.notation``. A class SymPy already prints (``sympy.vector``'s ``Gradient``) gets its
own method here, so symnet's object never reaches SymPy's.

``pretty`` is symnet's one-line Unicode form (a ``StrPrinter`` subclass, not SymPy's 2-D
``PrettyPrinter``: formulas of a network do not fit in two dimensions).
``str(obj)`` is ``text(obj)``; Jupyter's ``_repr_latex_`` and ``_repr_markdown_`` use ``latex`` and
``markdown``. The printers know the classes by name only, so this module imports nothing above it.
"""

from __future__ import annotations

from sympy import Symbol
from sympy.printing.printer import Printer

from symnet.core.losses import LOSS
from symnet.render.layout import Num, number
from symnet.render.matrix import has_matrix_steps, latex_rows, matrix_rows, nested
from symnet.render.notation import (  # noqa: F401  (the expression helpers are re-exported from here)
    FORMATS, GREEK, SUBSCRIPT, SymnetLatexPrinter, TextPrinter, UnicodePrinter, aligned, check_format, factor,
    format_assignments, format_expr, measure, printer, program_pairs)
from symnet.render.summaries import (
    dataset_summary, gradient_lines, layer_summary, program_lines, report_notes, scalar_values, train_summary,
    tower_summary)


def shape_aware(obj) -> bool:
    """Whether ``obj`` (a network, loss, program or gradient) prints shape-aware: each step with its shape, and
    superscripts that are layer indices (W¹, δ²), not powers. The one question symnet's printers ask of a program;
    the CLI's views take this answer (``cli.common.notation``, ``cli.inspect.render_network``)."""
    return has_matrix_steps(obj.forward if hasattr(obj, "forward") else getattr(obj, "program", obj))


class _ObjectPrinting:
    """``_print_<Class>`` for symnet's objects; each printer says how lines, tables, words and stacks look."""

    fmt = "text"
    # lang: the words of a derivation; program: a network shows its program too (``symnet.show``)
    OBJECT_SETTINGS = {"lang": None, "program": False}       # lang None: a derivation's own (derive(lang=))

    def _print_Network(self, net):
        if self._settings.get("program"):
            return self._stack([self._print(nested(net)), self._lines(program_pairs(net.program))], gap=True)
        return self._print(nested(net))

    def _print_LayerNetwork(self, net):
        """The nested formula (softmax(W² relu(W¹ x + b¹) + b²)); ``show`` adds the spec and parameters before
        it and the program after it."""
        if self._settings.get("program"):
            from symnet.render.step_words import floor_notes

            lang = self._settings.get("lang") or "en"
            notes = [self._words(note) for note in floor_notes(net.program, lang)]
            return self._stack([self._words(layer_summary(net, lang)), *notes, self._print(nested(net)),
                                self._shaped(matrix_rows(net.program))], gap=True)
        return self._print(nested(net))

    def _print_Program(self, program):
        return self._lines(program_lines(program))

    def _print_Loss(self, loss):
        return f"{self._print(LOSS)} = {self._print(loss.display)}"

    def _print_LayerLoss(self, loss):
        return f"{self._print(loss.program.outputs[0])} = {self._print(loss.program.rhs(loss.program.outputs[0]))}"

    def _print_Gradient(self, gradient):   # SymPy's printers have a _print_Gradient for sympy.vector
        if shape_aware(gradient):          # every line with its shape and BP1–BP4 tag
            return self._shaped(matrix_rows(gradient))
        return self._lines(gradient_lines(gradient))

    def _print_Hessian(self, hessian):
        return self._lines(hessian.pairs())

    def _print_Derivation(self, derivation):
        from symnet.render.document import render

        return render(derivation, self.fmt, self._settings.get("lang")).rstrip("\n")

    def _print_GradCheckReport(self, report):
        header, *cells = report.table()
        rows = [[self._print(report.label(row)), *self._cells(row, text[1:])] for row, text in zip(report.rows, cells)]
        return self._stack([self._table(header, rows), *map(self._words, report_notes(report))])

    def _print_TrainResult(self, result):
        values = [(Symbol(name), Num(v)) for name, v in scalar_values(result)]
        return self._stack([self._words(train_summary(result)), self._lines(values)])

    def _print_Dataset(self, data):
        return self._words(dataset_summary(data))

    def _print_Tower(self, tower):
        return self._stack([self._print(tower.network.nested), self._words(tower_summary(tower))])

    def _print_Num(self, num):
        return number(num.value)

    def _cells(self, row, cells):
        """The cells of a report row after the parameter: as ``GradCheckReport.table`` writes them."""
        return cells

    def _lines(self, pairs) -> str:
        return "\n".join(f"{self._print(lhs)} = {self._print(rhs)}" for lhs, rhs in pairs)

    def _shaped(self, rows) -> str:
        """``lhs = rhs   (3×1)   BP2`` lines, the shapes in one column."""
        lines = [(f"{self._print(lhs)} = {self._print(rhs)}", shape, tag) for lhs, rhs, shape, tag in rows]
        left = max(len(line) for line, _, _ in lines)
        return "\n".join((line.ljust(left) + f"   ({shape})" + (f"   {tag}" if tag else "")).rstrip()
                         for line, shape, tag in lines)

    def _table(self, header, rows) -> str:
        rows = [list(header)] + [list(r) for r in rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        lines = ["  ".join(cell.rjust(w) for cell, w in zip(r, widths)) for r in rows]
        return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])

    def _words(self, words: str) -> str:
        return words

    def _stack(self, parts, gap=False) -> str:
        return ("\n\n" if gap else "\n").join(parts)


class ObjectTextPrinter(_ObjectPrinting, TextPrinter):
    """Plain text of symnet's objects (``str``): SymPy's names, ``dL/dw`` derivatives."""

    _default_settings = {**TextPrinter._default_settings, **_ObjectPrinting.OBJECT_SETTINGS}


class ObjectUnicodePrinter(_ObjectPrinting, UnicodePrinter):
    """One-line Unicode of symnet's objects: θ₅, w₃,₁, σ, ∂L/∂w."""

    fmt = "unicode"
    _default_settings = {**UnicodePrinter._default_settings, **_ObjectPrinting.OBJECT_SETTINGS}


class ObjectLatexPrinter(_ObjectPrinting, SymnetLatexPrinter):
    """LaTeX (math mode, no ``$``) of symnet's objects: ``aligned`` blocks, ``array`` tables, ``\\text`` words."""

    fmt = "latex"
    _default_settings = {**SymnetLatexPrinter._default_settings, **_ObjectPrinting.OBJECT_SETTINGS}

    def _print_Derivation(self, derivation):
        from symnet.render.document import derivation_math

        return aligned(derivation_math(derivation))

    def _print_Num(self, num):
        return num.latex()

    def _cells(self, row, cells):
        values = [r"\text{---}" if v is None else Num(v).latex() for v in (*row.values, row.max_error)]
        return values + [self._words(cells[-1])]

    def _lines(self, pairs) -> str:
        return aligned([f"{self._print(lhs)} &= {self._print(rhs)}" for lhs, rhs in pairs])

    def _shaped(self, rows) -> str:
        return aligned(latex_rows(rows, self._print))

    def _table(self, header, rows) -> str:
        head = " & ".join(self._words(h) for h in header)
        body = " \\\\\n".join(" & ".join(row) for row in rows)
        spec = "l" + "r" * (len(header) - 2) + "c"
        return "\\begin{array}{%s}\n%s \\\\\n\\hline\n%s\n\\end{array}" % (spec, head, body)

    def _words(self, words: str) -> str:
        return r"\text{%s}" % "".join(LATEX_TEXT.get(c, c) for c in words)

    def _stack(self, parts, gap=False) -> str:
        return "\\begin{gathered}\n" + " \\\\\n".join(parts) + "\n\\end{gathered}"


# characters that \text{} must escape, and symbols that must leave text mode
LATEX_TEXT = {"_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$", "{": r"\{", "}": r"\}",
              "→": r"$\to$", "·": r"$\cdot$", "|": r"$|$", "θ": r"$\theta$", "σ": r"$\sigma$", "—": "---",
              "×": r"$\times$"}


class MarkdownPrinter(Printer):
    """Markdown: LaTeX in ``$…$`` or a ``$$`` display; tables as Markdown tables with Unicode names (w₁,₁)."""

    printmethod = "_symnet_markdown"
    _default_settings = dict(_ObjectPrinting.OBJECT_SETTINGS)

    def emptyPrinter(self, obj):
        return str(obj)

    def _print_Basic(self, expr):
        return f"${latex(expr)}$"

    def _display(self, obj):
        return f"$$\n{latex(obj)}\n$$"

    _print_Loss = _print_Basic
    _print_Program = _print_Gradient = _print_Hessian = _print_Tower = _display

    def _print_LayerLoss(self, loss):
        return f"${latex(loss)}$"

    def _print_LayerNetwork(self, net):
        """The spec and parameters, what a pooling drops (in the language asked), the formula, the program."""
        from symnet.render.step_words import floor_notes

        formula = f"${latex(nested(net))}$"
        if not self._settings["program"]:
            return formula
        lang = self._settings.get("lang") or "en"
        head = [layer_summary(net, lang), *floor_notes(net.program, lang)]
        return "\n\n".join([*head, formula, self._display(net.program)])

    def _print_Network(self, net):
        nested = f"${latex(net.nested)}$"
        return nested + "\n\n" + format_assignments(program_pairs(net.program), "markdown") \
            if self._settings["program"] else nested

    def _print_Derivation(self, derivation):
        from symnet.render.document import render

        return render(derivation, "markdown", self._settings["lang"]).rstrip("\n")

    def _print_GradCheckReport(self, report):
        header, *cells = report.table()
        rows = [[pretty(report.label(row)), *text[1:]] for row, text in zip(report.rows, cells)]
        return markdown_table(header, rows) + "\n\n" + "  \n".join(report_notes(report))

    def _print_TrainResult(self, result):
        rows = [[pretty(Symbol(n)), number(v)] for n, v in scalar_values(result)]
        return train_summary(result) + "\n\n" + markdown_table(["parameter", "value"], rows)

    def _print_Dataset(self, data):
        return dataset_summary(data)


def markdown_table(header, rows) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(map(str, r)) + " |" for r in rows])


def latex(obj) -> str:
    """LaTeX (math mode, no ``$``) for a SymPy expression or any symnet object.

    >>> from sympy import Symbol
    >>> latex(Symbol("w3_1") * Symbol("delta_z5"))
    '\\\\delta_{z_{5}} w_{3,1}'
    >>> from symnet import seed_network
    >>> print(latex(seed_network())[:36])
    f\\left(\\theta_{5}, f\\left(\\theta_{3}
    """
    return ObjectLatexPrinter().doprint(obj)


def pretty(obj) -> str:
    """One-line Unicode for a SymPy expression or any symnet object.

    >>> from sympy import Symbol
    >>> pretty(Symbol("delta_z5") * Symbol("w3_1"))
    'δz₅·w₃,₁'
    """
    return ObjectUnicodePrinter().doprint(obj)


def text(obj) -> str:
    """Plain text (SymPy's ``str`` names, ``dL/dw``) for a SymPy expression or any symnet object.

    >>> from sympy import Derivative, Symbol
    >>> text(Derivative(Symbol("L"), Symbol("w3_1")))
    'dL/dw3_1'
    """
    return ObjectTextPrinter().doprint(obj)


def markdown(obj) -> str:
    """Markdown for a SymPy expression (``$…$``) or any symnet object (displays and tables)."""
    return MarkdownPrinter().doprint(obj)


PRINTERS = {"text": ObjectTextPrinter, "unicode": ObjectUnicodePrinter, "latex": ObjectLatexPrinter,
            "markdown": MarkdownPrinter}


def print_as(obj, fmt: str, **settings) -> str:
    """``obj`` in one of ``FORMATS`` through that format's printer; ``settings``: ``lang``, ``program``."""
    return PRINTERS[check_format(fmt)](settings).doprint(obj)
