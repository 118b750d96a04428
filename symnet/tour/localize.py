"""The tour's figures in the page's language: every text of a matplotlib figure translated, CJK fonts found.

``symnet.plot`` draws in English; for the Chinese tour each text artist (titles, axis labels, legend
entries, annotations) is translated with the ``fig_*`` texts of ``symnet.render.lang_en``/``lang_zh``
(the one translation table): whole texts whose word order changes first ("loss: {loss} after {epochs}
epochs"), then phrases as whole words, longest first, so "max error" wins over "error". The figure
is saved with a CJK font found by name. If matplotlib's font list predates the installed CJK fonts
it is rebuilt once; if still no CJK font is found, ``cjk_font`` says so and how to fix it, instead
of saving boxes silently.
"""

from __future__ import annotations

import re
from functools import lru_cache

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")

CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
FIELD = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=None)
def _tables(lang: str):
    """(templates, phrases, phrase regex) from the ``fig_*`` texts of ``symnet.render.lang_*``."""
    from symnet.render.i18n import t
    from symnet.render.lang_en import EN

    keys = sorted(k for k in EN if k.startswith("fig_"))
    templates = tuple((_template(EN[k]), t(k, lang)) for k in keys if FIELD.search(EN[k]))
    phrases = {EN[k]: t(k, lang) for k in keys if not FIELD.search(EN[k])}
    pattern = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return templates, phrases, re.compile(r"(?<![A-Za-z])(%s)(?![A-Za-z])" % pattern)


def _template(english: str):
    """The regex of a text that starts with ``english``: each {field} one word, the last one the rest.

    >>> _template("loss: {loss} after {epochs} epochs").match("loss: 0.1 after 5 epochs").groupdict()
    {'loss': '0.1', 'epochs': '5'}
    """
    parts = FIELD.split(english)           # literal, field, literal, field, …, literal
    regex = "^"
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        else:
            last = i == len(parts) - 2 and parts[-1] == ""
            regex += f"(?P<{part}>.+)" if last else rf"(?P<{part}>\S+?)"
    return re.compile(regex)


def translate(sentence: str, lang: str) -> str:
    """``sentence`` with every known English phrase (as whole words) in ``lang``.

    >>> translate("η = 1.05 (diverges)", "zh")
    'η = 1.05 （发散）'
    >>> translate("loss: 0.0052 after 800 epochs", "zh")
    '训练 800 轮后损失为 0.0052'
    >>> translate("max error", "en")
    'max error'
    """
    if lang == "en":
        return sentence
    templates, phrases, words = _tables(lang)
    for pattern, translated in templates:
        sentence = pattern.sub(lambda m: translated.format(**m.groupdict()), sentence)
    return words.sub(lambda m: phrases[m.group(1)], sentence)


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
