"""§3 of the article: ∂L/∂θ = ∂L/∂ŷ · ∂ŷ/∂θ — the chain rule, written out step by step.

For the parameter w₂,₁ of the seed network there are two paths from L back to w₂,₁, because
f(θ2, x2) feeds both θ3 and θ4: the derivative is the sum over both paths of the product of the
local derivatives along each. symnet lists the paths, the factors with their rules, and checks the
numbers at a point against finite differences.

Run:  python examples/03_chain_rule_derivation.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

from symnet import seed_network, show, squared_error
from symnet.derivation.derive import derive
from symnet.io.files import write_text
from symnet.render.document import document, latex_document
from symnet.render.latexbuild import LatexBuildError, LatexNotInstalled, build_pdf

POINT = {"x1": 1.0, "x2": 2.0, "y": 1.0, "w1_1": 0.5, "b1": 0.0, "w2_1": -0.5, "b2": 0.0, "w3_1": 1.0, "b3": 0.0,
         "w4_1": 1.0, "b4": 0.0, "w5_1": 1.0, "w5_2": -1.0, "b5": 0.0}


def main(out: Path) -> None:
    loss = squared_error(seed_network())
    derivation = derive(loss, wrt=["w2_1"], at=POINT)
    item = derivation["w2_1"]
    print(f"∂L/∂w2_1 has {len(item.paths)} paths:")
    for k, path in enumerate(item.paths, start=1):
        print(f"  path {k}:", " → ".join(map(str, path.nodes)))
    print()
    print(show(derivation, "unicode", "en"))
    print(f"\nvalue at the point: {item.value:.10f}   finite differences: {item.finite_difference:.10f}")

    full = derive(loss, check=True)   # every parameter, with the four-way check, for the document
    write_text(out / "derivation.md", document(full, "markdown", "en"))
    tex = latex_document(full, "en")
    write_text(out / "derivation.tex", tex)
    print("wrote", out / "derivation.md", "and", out / "derivation.tex")
    try:
        print("wrote", build_pdf(tex, out / "derivation.pdf"))
    except (LatexNotInstalled, LatexBuildError) as err:
        print("no PDF:", err)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet_")))
