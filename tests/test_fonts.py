"""CJK fonts for Chinese figures (symnet.plot.fonts): a matplotlib font cache written before the CJK
fonts were installed must not give boxes. Each case runs in a fresh process whose MPLCONFIGDIR holds
such a stale cache, because matplotlib reads its font list once, at import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from symnet.plot import fonts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CACHE = "fontlist-v*.json"

TOUR_FIGURE = """
import sys, types
import matplotlib; matplotlib.use("Agg")
from pathlib import Path
from symnet.learn.modelfile import History
from symnet.plot.training import plot_loss
from symnet.tour.figures import save_figure

out = Path(sys.argv[1])
ctx = types.SimpleNamespace(lang="zh", path=lambda name: out / name)
ax = plot_loss(History((0, 1, 2), (0.3, 0.2, 0.1), (0.35, 0.25, 0.2), 0.01))
save_figure(ax.figure, ctx, "loss.pdf", "loss")
"""


def _run(args, config: Path):
    env = {**os.environ, "MPLCONFIGDIR": str(config), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300)


def _cjk_entries(config: Path) -> int:
    (cache,) = config.glob(CACHE)
    return sum(fonts.CJK_FONTS.count(entry["name"]) for entry in json.loads(cache.read_text())["ttflist"])


@pytest.fixture()
def stale_config(tmp_path):
    """An MPLCONFIGDIR whose font cache lists every installed font but the CJK ones."""
    font, note = fonts.cjk_font()
    if font is None:
        pytest.skip(note)
    config = tmp_path / "mpl"
    config.mkdir()
    made = _run(["-c", "import matplotlib.font_manager"], config)
    assert made.returncode == 0, made.stderr
    (cache,) = config.glob(CACHE)
    data = json.loads(cache.read_text())
    cjk_files = {e["fname"] for e in data["ttflist"] if e["name"] in fonts.CJK_FONTS}
    data["ttflist"] = [e for e in data["ttflist"] if e["fname"] not in cjk_files]
    cache.write_text(json.dumps(data))
    assert _cjk_entries(config) == 0
    return config


def test_tour_figure_with_a_stale_font_cache_uses_the_cjk_font(stale_config, tmp_path):
    done = _run(["-c", TOUR_FIGURE, str(tmp_path)], stale_config)
    assert done.returncode == 0, done.stderr
    assert "findfont" not in done.stderr and "missing from" not in done.stderr
    pdf = (tmp_path / "loss.pdf").read_bytes()
    assert b"CJK" in pdf                       # the PDF embeds the Noto/Source Han CJK font …
    assert _cjk_entries(stale_config) > 0      # … and the cache now knows it for the next run


def test_graph_in_chinese_with_a_stale_font_cache_uses_the_cjk_font(stale_config, tmp_path):
    out = tmp_path / "graph.pdf"
    done = _run(["-m", "symnet", "graph", "seed", "--lang", "zh", "-o", str(out)], stale_config)
    assert done.returncode == 0, done.stderr
    assert "findfont" not in done.stderr and "warning" not in done.stderr
    assert b"CJK" in out.read_bytes()


def test_no_cjk_font_is_a_clear_note_and_a_cli_warning(monkeypatch):
    monkeypatch.setattr(fonts, "CJK_FONTS", ("No Such Font CJK",))
    added = []
    monkeypatch.setattr(fonts, "add_system_fonts", lambda manager: added.append(manager) or 0)
    fonts.cjk_font.cache_clear()
    try:
        font, note = fonts.cjk_font()
        assert font is None and "fonts-noto-cjk" in note and len(added) == 1   # looked for new files once
        from symnet.cli.derive import _font_note

        assert _font_note("zh") == note and _font_note("en") == ""
    finally:
        fonts.cjk_font.cache_clear()


def test_a_font_without_the_glyphs_is_not_used():
    from matplotlib import font_manager

    dejavu = font_manager.findfont("DejaVu Sans")
    assert not fonts.has_glyphs(dejavu) and fonts.has_glyphs(dejavu, "abc")
