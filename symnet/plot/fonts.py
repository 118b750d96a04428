"""CJK fonts for Chinese figure texts, found in matplotlib's one font list (and added to it if missing).

matplotlib keeps one ``FontManager``, read from a cache file written the first time it ran. If the
CJK fonts were installed after that (the usual order: pip install, then apt install fonts-noto-cjk),
the cache does not know them and every Chinese text is drawn as boxes. Rebuilding the manager and
rebinding ``font_manager.fontManager`` does not help: the Agg backend and ``font_manager.findfont``
hold the instance made at import. So the font files the system has and the list lacks are added
to that same instance (``fontManager.addfont``), the cache is saved for the next run, and a font is
used only if it really has the glyphs (``中`` and friends); otherwise ``cjk_font`` says how to fix it.
"""

from __future__ import annotations

import re
from functools import lru_cache

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")
CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
SAMPLE = "中文损失误差训练"            # glyphs a CJK font must have: the figures' commonest words
MISSING = ("no CJK font found for the Chinese figure texts (they would show as boxes): install one, "
           "e.g. Debian's fonts-noto-cjk, then run again")


@lru_cache(maxsize=None)
def cjk_font() -> tuple[str | None, str]:
    """(the first installed CJK font with the glyphs, "") or (None, a note that says how to fix it).

    >>> font, note = cjk_font()
    >>> (font is None) == bool(note)
    True
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager          # the one instance the backends use: never rebound
    found = _first_with_glyphs(manager)
    if found is None and add_system_fonts(manager):
        found = _first_with_glyphs(manager)
    return (found, "") if found else (None, MISSING)


def _first_with_glyphs(manager) -> str | None:
    """The first name of ``CJK_FONTS`` in the manager's list whose file has every glyph of ``SAMPLE``."""
    by_name = {}
    for entry in manager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    return next((name for name in CJK_FONTS if name in by_name and has_glyphs(by_name[name])), None)


@lru_cache(maxsize=None)
def has_glyphs(path: str, text: str = SAMPLE) -> bool:
    """Whether the font file at ``path`` draws every character of ``text`` (any face of a collection)."""
    from matplotlib import ft2font

    try:
        font = ft2font.FT2Font(path)
        faces = [font] + [ft2font.FT2Font(path, face_index=i) for i in range(1, font.num_faces)]
    except (OSError, RuntimeError, ValueError):
        return False
    return any(all(face.get_char_index(ord(c)) for c in text) for face in faces)


def add_system_fonts(manager) -> int:
    """Add the system's font files that ``manager`` does not list (a cache older than the fonts) to it,
    in place, and save its cache; return how many files were added."""
    from matplotlib import font_manager

    known = {entry.fname for entry in manager.ttflist}
    added = 0
    for path in sorted(font_manager.findSystemFonts(fontext="ttf")):
        if path not in known:
            try:
                manager.addfont(path)
                added += 1
            except (OSError, RuntimeError, ValueError):   # a file FreeType cannot read: skipped, as a rebuild would
                continue
    if added:
        _save_cache(manager)
    return added


def _save_cache(manager) -> None:
    """Write the manager to matplotlib's font cache, so the next run finds the fonts at once."""
    from pathlib import Path

    import matplotlib
    from matplotlib import font_manager

    path = Path(matplotlib.get_cachedir(), f"fontlist-v{font_manager.FontManager.__version__}.json")
    font_manager.json_dump(manager, path)      # matplotlib's own writer (locked; logs instead of raising)


def font_context(lang: str):
    """rcParams that draw Chinese with a CJK font (after DejaVu Sans, which keeps Latin and math)."""
    import matplotlib

    font = cjk_font()[0] if lang == "zh" else None
    return matplotlib.rc_context({"font.family": ["DejaVu Sans", font]} if font else {})
