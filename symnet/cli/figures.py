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
    from symnet.tour.localize import font_context, localize

    lang = lang or current_lang()
    localize(figure, lang)
    return font_context(lang)
