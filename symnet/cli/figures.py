"""Figures of the commands in the language in force: every text through the ``fig_*`` table
(``symnet.tour.localize``, the one the tour uses) and a CJK font for Chinese, then the bytes or the file.

matplotlib is imported inside the functions.
"""

from __future__ import annotations

from .common import figure_bytes
from .lang import current_lang


def figure_bytes_in(figure, path, lang: str | None = None, dpi: int = 120) -> bytes:
    """``figure`` with its texts in ``lang`` (default: ``current_lang()``) through the ``fig_*`` table, a CJK font
    for Chinese, as the bytes of ``path``'s format."""
    with _localized(figure, lang):
        return figure_bytes(figure, path, dpi)


def save_figure_in(figure, path, lang: str | None = None):
    """``symnet.plot.training.save_figure`` with the figure's texts in ``lang`` (default: ``current_lang()``)."""
    from symnet.plot.training import save_figure

    with _localized(figure, lang):
        return save_figure(figure, path)


def _localized(figure, lang):
    from symnet.plot.fonts import cjk_font
    from symnet.tour.localize import font_context, localize

    lang = lang or current_lang()
    localize(figure, lang)
    if lang == "zh" and cjk_font()[1]:          # boxes instead of Chinese: say so once, as graph does
        _warn_once(cjk_font()[1])
    return font_context(lang)


_WARNED: set = set()


def _warn_once(note: str) -> None:
    from .common import echo_err

    if note not in _WARNED:
        _WARNED.add(note)
        echo_err(f"warning: {note}")
