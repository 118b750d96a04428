"""The tour's figures in the page's language: every text of a matplotlib figure translated, CJK fonts found.

``symnet.plot`` draws in English; for the Chinese tour each text artist (titles, axis labels, legend
entries, annotations) is translated with the ``fig_*`` texts of ``symnet.render.lang_en``/``lang_zh``
(the one translation table): whole texts whose word order changes first ("loss: {loss} after {epochs}
epochs"), then phrases as whole words, longest first, so "max error" wins over "error". The figure
is saved with the CJK font of ``symnet.plot.fonts`` (added to matplotlib's font list if its cache
predates the fonts); if no CJK font has the glyphs, ``cjk_font`` says so and how to fix it, instead
of saving boxes silently.
"""

from __future__ import annotations

import re
from functools import lru_cache

from symnet.plot.fonts import CJK, cjk_font, font_context  # noqa: F401  (the tour's names for them)

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
