"""Printers of every symnet object: golden text, Unicode and LaTeX, method dispatch, LaTeX that compiles."""

import re
import shutil
import subprocess

import pytest
from sympy.printing.latex import LatexPrinter

import symnet
from symnet import check_grads, derive, grad, mlp, seed_network, show, squared_error, tower, train
from symnet.learn.data import make
from symnet.render.printing import (
    PRINTERS,
    MarkdownPrinter,
    ObjectLatexPrinter,
    ObjectTextPrinter,
    ObjectUnicodePrinter,
    latex,
    markdown,
    pretty,
    text,
)

NET = mlp([1, 1])                       # f(θ1, x1) = σ(w1_1·x1 + b1)
LOSS = squared_error(NET)
GRAD = grad(LOSS)
CLASSES = ("Network", "Program", "Loss", "Gradient", "Derivation", "GradCheckReport", "TrainResult", "Dataset",
           "Tower")


@pytest.fixture(scope="module")
def objects():
    """One small object of every printable class."""
    return {"Network": NET, "Program": NET.program, "Loss": LOSS, "Gradient": GRAD,
            "Derivation": derive(LOSS, wrt=["b1"]), "GradCheckReport": check_grads(LOSS, seed=0),
            "TrainResult": train(NET, make("sine", n=16), epochs=3, progress=False),
            "Dataset": make("xor", n=8), "Tower": tower(0, 1, 0, 1)}


# ---- golden strings ------------------------------------------------------------------------------

GOLDEN = {
    (NET, "text"): "f(θ1, x1)",
    (NET, "unicode"): "f(θ₁, x₁)",
    (NET, "latex"): r"f\left(\theta_{1}, x_{1}\right)",
    (NET.program, "text"): "z1 = b1 + w1_1*x1\nh1 = sigmoid(z1)\nout = h1",
    (NET.program, "unicode"): "z₁ = b₁ + w₁,₁·x₁\nh₁ = σ(z₁)\nout = h₁",
    (NET.program, "latex"): "\\begin{aligned}\nz_{1} &= b_{1} + w_{1,1} x_{1} \\\\\n"
                            "h_{1} &= \\sigma\\left(z_{1}\\right) \\\\\n\\mathrm{out} &= h_{1}\n\\end{aligned}",
    (LOSS, "text"): "L = (y - yhat)**2",
    (LOSS, "unicode"): "L = (y - ŷ)²",
    (LOSS, "latex"): r"L = \left(y - \hat{y}\right)^{2}",
    (GRAD, "text"): "z1 = b1 + w1_1*x1\nh1 = sigmoid(z1)\nL = (-h1 + y)**2\ndelta_h1 = 2*h1 - 2*y\n"
                    "delta_z1 = delta_h1*h1*(1 - h1)\ndelta_w1_1 = delta_z1*x1\ndL/dw1_1 = delta_w1_1\n"
                    "dL/db1 = delta_z1",
    (GRAD, "unicode"): "z₁ = b₁ + w₁,₁·x₁\nh₁ = σ(z₁)\nL = (-h₁ + y)²\nδh₁ = 2·h₁ - 2·y\nδz₁ = δh₁·h₁·(1 - h₁)\n"
                       "δw₁,₁ = δz₁·x₁\n∂L/∂w₁,₁ = δw₁,₁\n∂L/∂b₁ = δz₁",
    (GRAD, "latex"): "\\begin{aligned}\nz_{1} &= b_{1} + w_{1,1} x_{1} \\\\\nh_{1} &= \\sigma\\left(z_{1}\\right) \\\\\n"
                     "L &= \\left(- h_{1} + y\\right)^{2} \\\\\n\\delta_{h_{1}} &= 2 h_{1} - 2 y \\\\\n"
                     "\\delta_{z_{1}} &= \\delta_{h_{1}} h_{1} \\left(1 - h_{1}\\right) \\\\\n"
                     "\\delta_{w_{1,1}} &= \\delta_{z_{1}} x_{1} \\\\\n"
                     "\\frac{\\partial L}{\\partial w_{1,1}} &= \\delta_{w_{1,1}} \\\\\n"
                     "\\frac{\\partial L}{\\partial b_{1}} &= \\delta_{z_{1}}\n\\end{aligned}",
    (GRAD.expanded("w1_1"), "text"): "x1*(1 - sigmoid(b1 + w1_1*x1))*(-2*y + 2*sigmoid(b1 + w1_1*x1))*sigmoid(b1 + w1_1*x1)",
    (GRAD.expanded("w1_1"), "unicode"): "x₁·(1 - σ(b₁ + w₁,₁·x₁))·(-2·y + 2·σ(b₁ + w₁,₁·x₁))·σ(b₁ + w₁,₁·x₁)",
    (GRAD.expanded("w1_1"), "latex"): r"x_{1} \left(1 - \sigma\left(b_{1} + w_{1,1} x_{1}\right)\right) "
                                      r"\left(- 2 y + 2 \sigma\left(b_{1} + w_{1,1} x_{1}\right)\right) "
                                      r"\sigma\left(b_{1} + w_{1,1} x_{1}\right)",
}
PRINT = {"text": text, "unicode": pretty, "latex": latex}


@pytest.mark.parametrize("obj, fmt", list(GOLDEN), ids=lambda v: v if isinstance(v, str) else type(v).__name__)
def test_golden_strings(obj, fmt):
    assert PRINT[fmt](obj) == GOLDEN[obj, fmt]


def test_str_is_the_text_printer_and_show_the_same_printers(objects):
    for name, obj in objects.items():
        assert str(obj) == text(obj), name
        if name != "Network":   # show adds a network's program
            assert show(obj, "latex") == latex(obj) and show(obj, "unicode") == pretty(obj), name


def test_the_seed_network_in_real_latex_and_its_expanded_gradient_in_symnet_names():
    net = seed_network()
    assert latex(net) == (r"f\left(\theta_{5}, f\left(\theta_{3}, f\left(\theta_{1}, x_{1}\right) + f\left(\theta_{2}, "
                          r"x_{2}\right)\right), f\left(\theta_{4}, f\left(\theta_{2}, x_{2}\right)\right)\right)")
    expanded = grad(squared_error(net)).expanded("w2_1")
    assert {"w_{2,1}", "w_{5,2}", r"\sigma"} <= set(re.findall(r"w_\{\d,\d\}|\\sigma", latex(expanded)))
    assert "w₂,₁" in pretty(expanded) and "σ(" in pretty(expanded) and "sigmoid" not in pretty(expanded)


def test_gradient_latex_does_not_reach_sympy_vector_printer():
    """SymPy's LatexPrinter has _print_Gradient for sympy.vector; symnet's printer must shadow it."""
    assert ObjectLatexPrinter._print_Gradient is not LatexPrinter._print_Gradient
    out = latex(grad(squared_error(seed_network())))
    assert r"\frac{\partial L}{\partial w_{5,1}} &= \delta_{w_{5,1}}" in out
    assert pretty(GRAD) != text(GRAD) and "∂L/∂b₁ = δz₁" in pretty(GRAD)


@pytest.mark.parametrize("name", CLASSES)
def test_every_class_prints_through_its_own_method(name):
    for printer in (ObjectTextPrinter, ObjectUnicodePrinter, ObjectLatexPrinter, MarkdownPrinter):
        method = getattr(printer, f"_print_{name}", None)
        assert method is not None and method.__module__ == "symnet.render.printing", (printer, name)


def test_other_objects_golden(objects):
    derivation, report = objects["Derivation"], objects["GradCheckReport"]
    assert text(derivation).splitlines()[:2] == ["Derivative by b1", "================"]
    assert pretty(derivation).splitlines()[0] == "Derivative by b₁"
    assert latex(derivation).startswith("\\begin{aligned}\n\\text{path 1} &= L \\to \\hat{y} \\to z_{1} \\to b_{1} \\\\")
    assert text(report).splitlines()[0].split() == ["param", "backprop", "sympy", "numeric", "finite_diff", "max",
                                                    "diff", "ok"]
    assert re.fullmatch(r"w₁,₁(\s+-?\d\.\d{10}e[+-]\d\d){4}\s+\d\.\d\de-\d\d\s+yes", pretty(report).splitlines()[2].strip())
    assert latex(report).startswith("\\begin{gathered}\n\\begin{array}{lrrrrrc}\n\\text{param} & \\text{backprop}")
    assert text(objects["Dataset"]) == "data set xor: 8 samples, inputs x1, x2, labels 0/1"
    assert latex(objects["Dataset"]) == r"\text{data set xor: 8 samples, inputs x1, x2, labels 0/1}"
    assert text(objects["Tower"]) == ("f(θ5, f(θ1, x), f(θ2, x), f(θ3, y), f(θ4, y))\n"
                                      "1 tower: steepness 1000, sharpness 30, threshold 1.1")
    assert pretty(objects["Tower"]).startswith("f(θ₅, f(θ₁, x), f(θ₂, x)")
    lines = text(objects["TrainResult"]).splitlines()
    assert re.fullmatch(r"trained 2 parameters with adam \(learning rate 0\.05\) for 3 epochs: loss \S+ → \S+", lines[0])
    assert [line.split(" = ")[0] for line in lines[1:]] == ["w1_1", "b1"]
    assert re.search(r"w_\{1,1\} &= -?\d", latex(objects["TrainResult"]))


# ---- LaTeX that compiles --------------------------------------------------------------------------

def balanced(tex: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", tex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_latex_of_every_object_is_balanced_and_real(objects):
    for name, obj in objects.items():
        out = latex(obj)
        assert balanced(out), name
        assert r"\mathtt{\text" not in out and "<symnet" not in out and "object at 0x" not in out, name
        assert out.count(r"\begin{") == out.count(r"\end{"), name


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex (TeX Live)")
def test_latex_of_every_object_compiles(objects, tmp_path):
    body = "\n".join(f"\\[\n{latex(obj)}\n\\]" for obj in [*objects.values(), GRAD.expanded("w1_1")])
    source = "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n" + body + "\n\\end{document}\n"
    (tmp_path / "objects.tex").write_text(source, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "objects.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "objects.pdf").stat().st_size > 1000


# ---- Jupyter and repr -------------------------------------------------------------------------------

def test_short_reprs_instead_of_dataclass_dumps(objects):
    for name, obj in objects.items():
        out = repr(obj)
        assert out.startswith("<") and len(out) < 160 and "=(" not in out and "network=" not in out, (name, out)
    assert repr(NET) == "<Network f(θ1, x1): 1 input, 2 params>"
    assert repr(LOSS) == "<Loss squared_error: L = (y - yhat)**2, of f(θ1, x1)>"
    assert repr(NET.program) == "<Program: 1 input, 2 params, 2 steps, 1 output>"


def test_jupyter_hooks(objects):
    assert objects["Network"]._repr_latex_() == r"$\displaystyle f\left(\theta_{1}, x_{1}\right)$"
    assert objects["Loss"]._repr_latex_() == r"$\displaystyle L = \left(y - \hat{y}\right)^{2}$"
    for name in ("Program", "Gradient", "Derivation", "Tower"):
        shown = objects[name]._repr_latex_()
        assert shown.startswith("$$\n\\begin{") and shown.endswith("\n$$"), name
    assert objects["GradCheckReport"]._repr_markdown_().startswith("| param | backprop |")
    assert "| w₁,₁ |" in objects["TrainResult"]._repr_markdown_()
    assert "| w₁,₁ |" in objects["GradCheckReport"]._repr_markdown_()
    assert markdown(objects["Derivation"]).startswith("## Derivative by $b_{1}$")
    assert markdown(LOSS) == r"$L = \left(y - \hat{y}\right)^{2}$"


def test_a_tower_draws_itself_as_png(objects):
    png = objects["Tower"]._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_unknown_format_is_one_clear_error():
    with pytest.raises(ValueError, match="unknown format 'rtf': expected one of text, unicode, latex, markdown"):
        show(NET, "rtf")
    assert set(PRINTERS) == {"text", "unicode", "latex", "markdown"}
    assert symnet.latex is latex and symnet.pretty is pretty
