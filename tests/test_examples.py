"""Every script in examples/ runs, writes its files and prints real formulas; the notebook executes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .forkrun import run_forked

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# script -> (files it must write, text its stdout must contain)
EXPECTED = {
    "01_model_as_function.py": (("model_vs_teacher.csv",), ("f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))",
                                                             "F(Θ, x1=1, x2=2) = 0.5355", "F == seed_network(): True")),
    "02_seed_formulas.py": (("seed_formulas.md", "seed_gradient.py"), ("δz₅ = δh₅·h₅·(1 - h₅)", "u₃,₁ = h₁ + h₂")),
    "03_chain_rule_derivation.py": (("derivation.md", "derivation.tex"),
                                    ("path 1: L → h5 → z5 → h3 → z3 → u3_1 → h2 → z2 → w2_1", "they agree",
                                     "value at the point: 0.0035698221")),
    "05_descent_1d.py": (("descent_1d.png",), ("dh/dx = x³ - 2·x + 1/2", "η = 0.2: ends at x = 1.2670")),
    "06_tower.py": (("tower.png", "towers_nested.png"),
                    ("Tower(x, y) = f(θ5, f(θ1, x), f(θ2, x), f(θ3, y), f(θ4, y))", "T(0.2, 0.3) = 1.000000",
                     "T(1, 0.3) = 0.047426")),
    "07_approximate_function.py": (("approximation.png", "error_map.png", "error_vs_n.png", "errors.csv"),
                                   ("sin(x)*cos(y) on [-2, 2] × [-2, 2]", "64 towers", "18 shared step neurons")),
    "08_train_xor.py": (("xor_loss.png", "xor_boundary.png"), ("2-4-1 MLP: loss", "accuracy 100%")),
    "09_class_handout.py": (("handout_en.md", "handout_en.tex", "handout_zh.md", "handout_zh.tex"),
                            ("f(θ3, f(θ1, x1, x2), f(θ2, x1, x2))", "finite differences", "[zh] wrote")),
    "04_gradient_check.py": (("gradient_check.md",), ("all gradients agree", "caught:", "A 2-3-1 tanh MLP: all four agree")),
    "10_own_loss_and_activation.py": (("softsign_model.json",),
                                      ("h1 = z1/(Abs(z1) + 1)", "first adjoint: (delta_h5, h5 - y)",
                                       "GELU z·(1 + erf(z/√2))/2: all four gradients agree")),
    "11_conv_digits.py": (("filters.png", "feature_maps.png"), ("∂C/∂K¹ = x ⋆[p=2] δ¹", "four gradients: all agree",
                                                                "test accuracy 98.9%")),
}


def _env() -> dict:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONIOENCODING="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def test_every_example_is_listed():
    scripts = sorted(p.name for p in EXAMPLES.glob("[0-9][0-9]_*.py"))
    assert scripts == sorted(EXPECTED)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every example, run once as ``python examples/SCRIPT OUT`` would, several at a time, each in a fork of one
    interpreter that has imported the heavy libraries already (tests/forkrun.py)."""
    outs = {script: tmp_path_factory.mktemp(script[:2]) for script in EXPECTED}
    jobs = [{"cwd": ROOT, "script": str(EXAMPLES / s), "argv": [str(EXAMPLES / s), str(outs[s])]} for s in outs]
    results = dict(zip(outs, run_forked(jobs, _env(), ROOT, timeout=600)))
    return {script: (results[script], outs[script]) for script in outs}


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs(script, runs):
    files, phrases = EXPECTED[script]
    result, tmp_path = runs[script]
    assert result.returncode == 0, result.stderr[-3000:]
    for name in files:
        path = tmp_path / name
        assert path.exists() and path.stat().st_size > 0, f"{script} did not write {name}"
        if name.endswith(".png"):
            assert path.read_bytes()[:8] == PNG_MAGIC
    for phrase in phrases:
        assert phrase in result.stdout, f"{script} did not print {phrase!r}"


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_is_short_and_documented(script):
    source = (EXAMPLES / script).read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 110
    assert source.startswith('"""') and "Run:" in source


def test_notebook_is_what_the_generator_writes(tmp_path):
    fresh = tmp_path / "fresh.ipynb"
    result = subprocess.run([sys.executable, str(EXAMPLES / "make_notebook.py"), str(fresh)], capture_output=True,
                            text=True, encoding="utf-8", env=_env(), timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert fresh.read_text(encoding="utf-8") == (EXAMPLES / "symnet_tour.ipynb").read_text(encoding="utf-8"), \
        "examples/symnet_tour.ipynb is stale: run python examples/make_notebook.py"


def _kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    if "python3" not in KernelSpecManager().find_kernel_specs():
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
                       check=True, capture_output=True)
    return "python3"


def test_notebook_executes_and_renders_math(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(EXAMPLES / "symnet_tour.ipynb", as_version=4)
    for key, value in _env().items():
        monkeypatch.setenv(key, value)
    nbclient.NotebookClient(notebook, kernel_name=_kernel_name(), timeout=180,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = {kind for o in outputs for kind in o.get("data", {})}
    assert {"text/latex", "text/markdown", "image/png"} <= kinds
    texts = "".join(o.get("text", "") for o in outputs)
    assert "all four agree: True" in texts and "accuracy 100%" in texts
