"""Your own activation and your own loss: softsign z/(1 + |z|) neurons trained with Nielsen's ½(y − ŷ)².

An activation is a name, a one-argument function of SymPy expressions or a formula in z; a loss is
a formula in ŷ (yhat) and y. symnet differentiates both through its rule table, compiles them to
NumPy, trains with them, and checks the gradient four independent ways. Without the ½, the first
adjoint δŷ = ∂L/∂ŷ would be 2(ŷ − y); with it, ŷ − y.

Run:  python examples/10_own_loss_and_activation.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

from sympy import Abs, erf, sqrt

import symnet
from symnet import check_grads, grad, mlp, sigmoid
from symnet.learn.data import make
from symnet.learn.training import save, train

ACTIVATIONS = {
    "swish z·σ(z)": lambda z: z * sigmoid(z),
    "softsign z/(1 + |z|)": lambda z: z / (1 + Abs(z)),
    "GELU z·(1 + erf(z/√2))/2": lambda z: z * (1 + erf(z / sqrt(2))) / 2,
}


def main(out: Path) -> None:
    net = mlp([2, 4, 1], activation=ACTIVATIONS["softsign z/(1 + |z|)"], output_activation="sigmoid")
    loss = symnet.loss(net, "(y - yhat)**2/2")          # Nielsen's quadratic cost, per sample
    print(f"hidden neuron: h1 = {net.program.rhs(net.program.assignments[1][0])}")
    print(f"loss: {loss}")
    print(f"first adjoint: {grad(loss, wrt='b5').adjoints[0]}")

    for name, activation in ACTIVATIONS.items():
        report = check_grads(mlp([2, 3, 1], activation=activation), seed=1)
        print(f"{name}: {'all four gradients agree' if report.ok else 'DISAGREE'}")

    result = train(loss, make("xor", n=200, noise=0.15, seed=0), epochs=300, learning_rate=0.05, progress=False)
    h = result.history
    print(f"trained: loss {h.train_loss[0]:.4f} -> {h.train_loss[-1]:.4f}")
    path = save(out / "softsign_model.json", result)
    print(f"wrote {path.name} (activation and loss saved as formulas)")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet-"))
    target.mkdir(parents=True, exist_ok=True)
    main(target)
