"""Write examples/symnet_tour.ipynb from the cells below, so the notebook is reproducible.

The notebook shows networks, gradients and derivations as rendered math (their ``_repr_latex_``
and ``_repr_markdown_``), a four-way gradient check table and a small training run.

Run:  python examples/make_notebook.py [NOTEBOOK_PATH]
"""

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from symnet.io.files import write_text

CELLS = [
    ("md", "# symnet in a notebook\n\nThe article *神经网络如何工作* (how neural networks work), cell by cell: "
           "a network is a formula, its gradient is a program, and four independent methods agree on it."),
    ("code", "%matplotlib inline\nimport numpy as np\nimport symnet\n"
             "from symnet import seed_network, mlp, squared_error, grad, check_grads, show"),
    ("md", "## §1 The five-neuron network\n\nWritten exactly as the article writes it; Jupyter shows it as math."),
    ("code", "net = seed_network()\nnet"),
    ("md", "The same network as a straight-line program: z is a weighted sum, h an activation."),
    ("code", "from IPython.display import Markdown\nMarkdown(show(net.program, 'markdown'))"),
    ("md", "## §3 The gradient of L = (y − ŷ)², by the chain rule run backwards\n\n"
           "Each δ is ∂L/∂(a step of the program)."),
    ("code", "L = squared_error(net)\ng = grad(L)\ng"),
    ("md", "## A chain-rule derivation\n\nEvery path from L to the parameter w₂,₁, each local factor with its rule, "
           "and the sum over paths (f(θ2, x2) feeds two neurons, so there are two paths)."),
    ("code", "from symnet.derivation.derive import derive\nd = derive(L, wrt=['w2_1'])\nd"),
    ("md", "## Four gradients that agree\n\nCompiled backprop, `sympy.diff`, a numeric reverse mode and finite "
           "differences."),
    ("code", "report = check_grads(L, seed=0)\nreport"),
    ("code", "assert report.ok\nprint('all four agree:', report.ok)"),
    ("md", "## Training: θ ← θ − η·∂L/∂θ\n\nA 2-4-1 MLP learns XOR."),
    ("code", "from symnet.learn.data import make\nfrom symnet.learn.training import train\n"
             "xor = make('xor', n=200)\n"
             "result = train(mlp([2, 4, 1], 'tanh', 'sigmoid'), xor, epochs=300, progress=False)\n"
             "print(f\"loss {result.history.train_loss[0]:.4f} -> {result.history.train_loss[-1]:.4f}, \"\n"
             "      f\"accuracy {result.accuracy(xor):.0%}\")"),
    ("code", "from symnet.plot.training import plot_loss\nax = plot_loss(result.history)\nax.figure"),
    ("code", "corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])\n"
             "result.predict(corners).round(3)"),
]


def build() -> nbformat.NotebookNode:
    """The notebook object, one cell per entry of ``CELLS``."""
    cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in CELLS]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(notebook.cells):  # stable ids keep the file identical from run to run
        cell["id"] = f"cell-{i:02d}"
    return notebook


def main(path: Path) -> None:
    notebook = build()
    nbformat.validate(notebook)
    write_text(path, nbformat.writes(notebook))
    print("wrote", path, f"({len(notebook.cells)} cells)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("symnet_tour.ipynb"))
