"""benchmarks/bench_matexpr.py runs at a tiny size: its peers agree and it reports its ratios (times are never asserted)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_logistic_benchmark_checks_its_peers_and_reports_ratios(capsys):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_matexpr
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    result = bench_matexpr.main(["--rounds", "2", "--n", "300", "--d", "4"])
    assert {"ratio", "public_ratio", "build_seconds", "hand_ms", "symnet_ms", "public_ms"} <= set(result)
    assert all(math.isfinite(result[k]) and result[k] > 0 for k in ("ratio", "public_ratio", "build_seconds"))
    assert "ratio symnet/hand" in capsys.readouterr().out
