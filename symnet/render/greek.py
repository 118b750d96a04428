"""Greek letters and their names (θ ↔ theta): the one table symnet spells Greek with.

The LaTeX printer writes ``θ1`` as ``\\theta_{1}``; the CLI's ASCII fallback writes θ₁ as ``theta1``.
Plain data, no SymPy, so the CLI can load it at start-up.
"""

GREEK = dict(zip("αβγδεζηθικλμνξοπρστυφχψωΓΔΘΛΞΠΣΦΨΩ", (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon "
    "phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega").split()))
NOT_LATEX_COMMANDS = {"omicron": "o"}   # LaTeX has no \omicron: ο looks like o
