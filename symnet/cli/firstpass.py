"""The safe parser's first pass on the command line: a formula that the text alone shows to be bad is
refused before a command imports SymPy, NumPy or SciPy.

``symnet.io.syntax.check_formula`` reads the text with ``ast`` and checks the whitelist and bounds, and
raises what the full parser (``symnet.io.parsing.parse_expr``) would; ``refuse_bad_formula`` adds what
the commands add (``--loss: …``). Only the standard library and the first pass are imported here.
"""

from __future__ import annotations

import re

# --loss and --activation take a name or a formula; a name is what this matches (as symnet.io.text.loss
# and symnet.io.netfile.activation_from_text tell them apart), anything else is read as a formula
NAME_NOT_FORMULA = re.compile(r"\s*[A-Za-z_]\w*\s*")


def refuse_bad_formula(text: str | None, option: str | None = None) -> None:
    """Raise the error the command's own parse of ``text`` would raise, when the text alone shows it.

    Args:
        text: a formula (``None``: nothing to check).
        option: for an option that takes a name or a formula (``--loss``, ``--activation``): a name is
            left to the command, and the message starts with the option, as the command's own does.

    >>> refuse_bad_formula("tanh(w*x + b)"); refuse_bad_formula("binary_cross_entropy", "--loss")
    >>> refuse_bad_formula("yhat ^ 2", "--loss")
    Traceback (most recent call last):
    ...
    ValueError: --loss: '^' is not a power at column 5: use ** for powers, e.g. x**2
    """
    if text is None:
        return
    pieces = top_level_pieces(text) if option == "--activation" else [text]   # one activation per hidden layer
    for piece in pieces:
        if option is not None and NAME_NOT_FORMULA.fullmatch(piece):
            continue
        from symnet.io.syntax import ParseError, check_formula

        try:
            check_formula(piece)
        except ParseError as error:
            if option is None:
                raise
            raise ValueError(f"{option}: {error}") from None


def top_level_pieces(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses: ``tanh,Max(z, 0)`` is two activations.

    >>> top_level_pieces("tanh,Max(z, 0)")
    ['tanh', 'Max(z, 0)']
    """
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    return pieces + [text[start:]]
