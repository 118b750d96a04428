"""The one rule for symbol names, in the standard library alone (the safe parser's first pass reads it
before SymPy is imported).

Symbol names may reach LaTeX and generated code, so they are a letter (Latin or Greek), then letters,
digits and single underscores, at most ``MAX_NAME_LENGTH`` characters: ``x1``, ``θ2``, ``w3_1``.
"""

import re

NAME_PATTERN = re.compile(r"^[A-Za-zα-ωΑ-Ω](?:[A-Za-z0-9α-ωΑ-Ω]|_(?=[A-Za-z0-9α-ωΑ-Ω]))*$")
MAX_NAME_LENGTH = 32
