"""§1 and §3 of the article: the five-neuron network and its gradient, in every written form.

One network, many views of one straight-line program: the nested formula, the program (z and h per
neuron), the closed form, the backward sweep of δ's, and the NumPy code compiled from it.

Run:  python examples/02_seed_formulas.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

from sympy import Derivative

from symnet import grad, seed_network, squared_error, value_and_grad
from symnet.io.files import write_text
from symnet.render.printing import format_assignments
from symnet.render.show import show


def main(out: Path) -> None:
    net = seed_network()
    print("nested:  F(Θ, x) =", net)
    print("\nprogram, one step per line (z = weighted sum, h = activation):")
    print(show(net.program, "unicode"))
    print("\nclosed form:  ŷ =", show(net.concrete(), "unicode"))

    loss = squared_error(net)
    print("\nloss:", loss)
    gradient = grad(loss)
    print("\nbackward sweep (δs = ∂L/∂s), then ∂L/∂θ for every parameter:")
    print(format_assignments(gradient.adjoints, "unicode"))
    results = [(Derivative(loss.program.outputs[0], p), r) for p, r in zip(gradient.wrt, gradient.results)]
    print(format_assignments(results[:3], "unicode"), "\n…")
    print(f"\n{len(gradient.forward.assignments)} forward steps, {len(gradient.adjoints)} backward steps")

    compiled = value_and_grad(loss)
    print("\nNumPy code generated from the gradient program (first lines):")
    print("\n".join(compiled.source.splitlines()[:8]), "\n…")

    md = "\n\n".join(["# The seed network", show(net, "markdown"), "## Its gradient", show(gradient, "markdown")])
    print("\nwrote", write_text(out / "seed_formulas.md", md + "\n"))
    print("wrote", write_text(out / "seed_gradient.py", compiled.source))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet_")))
