"""§0 of the article: a model is a function F(perception) = output.

A symnet network is an object you can call like a function, print as a formula, and compare with
the ideal function G it should learn. Here F is the article's five-neuron network with made-up
parameters and G the same network with a "teacher's" parameters (the data set "seed").

Run:  python examples/01_model_as_function.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

import numpy as np

from symnet import seed_network
from symnet.io.files import write_text
from symnet.learn.data import SEED_TEACHER
from symnet.numeric.codegen import compile_network, params_vector
from symnet.render.printing import pretty

STUDENT = {"w1_1": 0.5, "b1": 0.0, "w2_1": -0.5, "b2": 0.0, "w3_1": 1.0, "b3": 0.0,
           "w4_1": 1.0, "b4": 0.0, "w5_1": 1.0, "w5_2": -1.0, "b5": 0.0}


def main(out: Path) -> None:
    F = seed_network()
    print("F(Θ, x) =", F)                       # print it: the article's formula, verbatim
    print("        =", pretty(F.nested))
    print("parameters Θ:", ", ".join(map(str, F.params)))

    # call it: exact substitution, then a number
    print("F(Θ, x1=1, x2=2) =", F(STUDENT, x1=1, x2=2))
    print("F(x1=1) keeps the rest symbolic:", pretty(F(x1=1)).replace(" ", "")[:70], "…")

    # compare F with the ideal G on a grid: the squared error is what training makes small
    predict = compile_network(F)
    X = np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 1.0], [2.0, -1.5]])
    f_values = predict(params_vector(F.params, STUDENT), X)
    g_values = predict(params_vector(F.params, SEED_TEACHER), X)
    lines = ["x1,x2,F,G,squared_error"]
    print(f"{'x1':>5} {'x2':>5} {'F(x)':>10} {'G(x)':>10} {'(G-F)^2':>10}")
    for (a, b), fv, gv in zip(X, f_values, g_values):
        print(f"{a:5g} {b:5g} {fv:10.6f} {gv:10.6f} {(gv - fv) ** 2:10.2e}")
        lines.append(f"{a},{b},{fv:.10f},{gv:.10f},{(gv - fv) ** 2:.3e}")
    print("mean squared error:", float(np.mean((g_values - f_values) ** 2)))
    print("F == seed_network():", F == seed_network())
    print("wrote", write_text(out / "model_vs_teacher.csv", "\n".join(lines) + "\n"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet_")))
