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
# the training-loop comparison is against a hand-written PyTorch loop, so it has a table only with PyTorch
SECTIONS = ("Operation counts", "Time per gradient", *(("Training loop",) if HAS_TORCH else ()),
            "Memory while training", "Build time vs parameters", "The public call", "Second derivatives")
MIN_RATIOS = 20 if HAS_TORCH else 14
LIBRARIES = {"HIPS autograd": "autograd", "PyTorch": "torch", "micrograd": "micrograd"}  # the bench extra
SYSTEMS = ("symnet numpy", "symnet jax", "symnet fused", "JAX jit (by hand)", "NumPy backprop (by hand)") + tuple(
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


def test_every_installed_system_is_measured(results):
    header, rows = next(v for t, v in tables(results).items() if t.startswith("Time per gradient"))
    systems = {r[header.index("system")] for r in rows}
    assert set(SYSTEMS) <= systems


def test_every_ratio_is_a_positive_finite_number(results):
    count = 0
    for title, (header, rows) in tables(results).items():
        for i, name in enumerate(header):
            if "×" not in name:
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
    assert len(rows) == 9
    for row in rows:
        assert row[2] in ("met", "**not met**", "—"), row
        assert (row[2] == "—") == (row[1] == "not measured in this run")


def test_a_target_missed_in_the_tables_is_marked_not_met():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import targets

    text = ("## Training loop\n\n| 2-8-8-1 | symnet train s | PyTorch loop s | symnet/PyTorch throughput × |\n"
            "|---|---:|---:|---:|\n| full batch | 2.0 | 1.0 | 0.50 |\n| batch 32 | 1.0 | 1.1 | 1.10 |\n")
    row = next(r for r in targets.targets_table(text) if "`train`" in r)
    assert "0.50–1.10" in row and "**not met**" in row
    assert all("not measured" in r for r in targets.targets_table(text)[2:] if "`train`" not in r)
