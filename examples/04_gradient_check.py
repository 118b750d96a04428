"""§3, checked: four independent gradients of the loss must agree.

symnet's symbolic backprop (compiled to NumPy), sympy.diff of the closed form, a separate numeric
reverse mode and central finite differences are compared pairwise with
|a − b| ≤ atol + rtol·max(|a|, |b|). A deliberately wrong derivative rule is caught.

Run:  python examples/04_gradient_check.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

from symnet import check_grads, mlp, seed_network, sigmoid, squared_error, value_and_grad
from symnet.io.files import write_text


def main(out: Path) -> None:
    seed_report = check_grads(squared_error(seed_network()), seed=0)
    print("The seed network, L = (y − ŷ)², at a random point:\n")
    print(seed_report, "\n")

    mlp_report = check_grads(mlp([2, 3, 1], activation="tanh", output_activation="sigmoid"), seed=1)
    print("A 2-3-1 tanh MLP:", "all four agree" if mlp_report.ok else "DISAGREE")

    # a wrong rule, σ′ = σ instead of σ(1 − σ), must be caught by the other three methods
    wrong = {sigmoid: lambda ans, z: (ans,)}
    loss = squared_error(seed_network())
    broken = check_grads(loss, seed=0, compiled=value_and_grad(loss, rules=wrong))
    print("With the wrong rule σ′ = σ:", "caught:" if not broken.ok else "NOT caught!",
          ", ".join(row.param for row in broken.failures), "disagree")

    path = write_text(out / "gradient_check.md", "# Gradient check\n\n" + seed_report._repr_markdown_())
    print("wrote", path)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet_")))
