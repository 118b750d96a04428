"""The tour's figures in the page's language: every text of a matplotlib figure translated, CJK fonts found.

``symnet.plot`` draws in English; for the Chinese tour each text artist (titles, axis labels, legend
entries, annotations) has its English phrases replaced from ``PHRASES`` — longest first, so
"max error" wins over "error" — and the figure is saved with a CJK font found by name. If
matplotlib's font list predates the installed CJK fonts it is rebuilt once; if still no CJK font is
found, ``cjk_font`` says so and how to fix it, instead of saving boxes silently.
"""

from __future__ import annotations

import re

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")

# whole titles whose word order changes, first; then English phrases → Chinese (the article's words)
PATTERNS = (
    (re.compile(r"sum of (\d+) nested towers"), r"\1 个嵌套高台之和"),
    (re.compile(r"loss: (\S+) after (\d+) epochs"), r"训练 \2 轮后损失为 \1"),
    (re.compile(r"ŷ: (\d+) towers \(n = (\d+)\)"), r"ŷ：\1 个高台（n = \2）"),
    (re.compile(r"^tower (?=\[)"), "高台 "),
)
PHRASES = {
    "steepness": "陡度",
    "sharpness": "锐度", "threshold": "阈值", "error versus n": "误差随 n 的变化", "max error": "最大误差",
    "RMS error": "均方根误差", "error on the dense grid": "密集网格上的误差", "n (cells per axis)": "n（每边格数）",
    "gradient descent": "梯度下降", "(diverges)": "（发散）", "start": "起点", "epoch": "轮数",
    "mean loss L": "平均损失 L", "loss": "损失", "training": "训练", "validation": "验证",
    "decision boundary": "决策边界", "xor": "异或", "edge width ∝ |w|": "边宽 ∝ |w|", "red": "红", "blue": "蓝",
    "b: the neuron's bias": "b：神经元的偏置",
    # the gradient-check table (symnet.numeric.gradcheck's header and verdicts)
    "param": "参数", "backprop": "反向传播", "numeric": "数值反向模式", "finite_diff": "有限差分",
    "max diff": "最大差", "ok": "一致", "yes": "是", "no": "否", "max": "最大", "RMS": "均方根",
}
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_PATTERN = re.compile("|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)))
_WORD = re.compile(r"(?<![A-Za-z])(%s)(?![A-Za-z])" % _PATTERN.pattern)


def translate(sentence: str, lang: str) -> str:
    """``sentence`` with every known English phrase (as whole words) in ``lang``.

    >>> translate("η = 1.05 (diverges)", "zh")
    'η = 1.05 （发散）'
    >>> translate("loss: 0.0052 after 800 epochs", "zh")
    '训练 800 轮后损失为 0.0052'
    >>> translate("max error", "en")
    'max error'
    """
    if lang != "zh":
        return sentence
    for pattern, replacement in PATTERNS:
        sentence = pattern.sub(replacement, sentence)
    return _WORD.sub(lambda m: PHRASES[m.group(1)], sentence)


def localize(fig, lang: str) -> None:
    """Translate every text artist of ``fig`` in place (titles, labels, legends, ticks, annotations) and
    give the ones with Chinese characters a CJK font (after DejaVu Sans, which keeps Latin and math)."""
    from matplotlib.text import Text

    if lang != "zh":
        return
    font = cjk_font()[0]
    for artist in fig.findobj(Text):
        artist.set_text(translate(artist.get_text(), lang))
        if font and CJK.search(artist.get_text()):     # a text's font is fixed when it is made: set it here
            artist.set_fontfamily(["DejaVu Sans", font])


def cjk_font() -> tuple[str | None, str]:
    """(the first installed CJK font by name, "") or (None, a warning that says how to fix it).

    Looks the names up in matplotlib's font list; if none is there, rebuilds the list once (a cache
    made before the fonts were installed does not know them) and looks again.
    """
    from matplotlib import font_manager

    for attempt in range(2):
        names = {f.name for f in font_manager.fontManager.ttflist}
        found = next((name for name in CJK_FONTS if name in names), None)
        if found or attempt:
            break
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
    if found:
        return found, ""
    return None, ("no CJK font found for the Chinese figure texts (they would show as boxes): install one, "
                  "e.g. Debian's fonts-noto-cjk, then run the tour again")


def font_context(lang: str):
    """rcParams that draw Chinese with a CJK font (after DejaVu Sans for Latin and math)."""
    import matplotlib

    font = cjk_font()[0] if lang == "zh" else None
    return matplotlib.rc_context({"font.family": ["DejaVu Sans", font]} if font else {})
