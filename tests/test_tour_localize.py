"""The tour's figures in Chinese: every English phrase of symnet.plot translated, a CJK font found by name
(symnet.plot.fonts; a stale font cache is tested in test_fonts.py)."""

from __future__ import annotations

import re

import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib.text import Text  # noqa: E402

from symnet.learn.descent import descend_many  # noqa: E402
from symnet.learn.modelfile import History  # noqa: E402
from symnet.plot.training import plot_descent, plot_loss  # noqa: E402
from symnet.tour import localize as L  # noqa: E402

ENGLISH = re.compile(r"[A-Za-z]{4,}")     # a word of four letters or more: English left over


def _texts(fig):
    return [t for t in fig.findobj(Text) if t.get_text().strip()]


def test_translate_keeps_whole_words_and_reorders_whole_titles():
    assert L.translate("loss: 0.1 after 5 epochs", "zh") == "训练 5 轮后损失为 0.1"
    assert L.translate("max error", "zh") == "最大误差" and L.translate("error versus n: G", "zh") == "误差随 n 的变化: G"
    assert L.translate("restart", "zh") == "restart"          # "start" only as a whole word
    assert L.translate("max error", "en") == "max error"


def test_chinese_figures_have_no_english_words_and_a_cjk_font():
    font, note = L.cjk_font()
    if font is None:
        pytest.skip(note)
    history = History((0, 1, 2), (0.3, 0.2, 0.1), (0.35, 0.25, 0.2), 0.01)
    for ax in (plot_descent(descend_many("x**2 - 2*x", 3.0, [0.1, 1.05], steps=6)), plot_loss(history)):
        L.localize(ax.figure, "zh")
        texts = _texts(ax.figure)
        leftovers = [t.get_text() for t in texts if ENGLISH.search(t.get_text().replace("mathdefault", ""))]
        assert leftovers == []
        chinese = [t for t in texts if L.CJK.search(t.get_text())]
        assert chinese and all(font in t.get_fontfamily() for t in chinese)


def test_missing_cjk_font_is_a_clear_note_in_the_tour(monkeypatch):
    from symnet.plot import fonts
    from symnet.tour.figures import _font_notes

    monkeypatch.setattr(fonts, "CJK_FONTS", ("No Such Font CJK",))
    monkeypatch.setattr(fonts, "add_system_fonts", lambda manager: 0)
    fonts.cjk_font.cache_clear()
    try:
        (note,) = _font_notes("zh")
        assert "fonts-noto-cjk" in note and _font_notes("en") == ()
    finally:
        fonts.cjk_font.cache_clear()


def test_the_readme_names_the_chinese_tour_in_its_first_lines():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    head = readme[:readme.index("pip install -e '.[test")]           # before the second command
    assert "symnet tour --lang zh" in head and head.count("```bash") == 2
