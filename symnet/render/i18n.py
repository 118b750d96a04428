"""Translation: one lookup, ``t(key, lang, **fields)``, over one table per language.

Every prose string symnet shows — derivations, documents, figure labels and the tour — lives in
``symnet.render.lang_en`` (``EN``) and ``symnet.render.lang_zh`` (``ZH``) under the same keys (a test
checks that every key exists in both). Formulas are never translated (the printers write them);
only words are. An unknown key is a ``KeyError``: a typo never prints a key instead of a sentence.
"""

from __future__ import annotations

from symnet.render.lang_en import EN
from symnet.render.lang_zh import ZH

LANGUAGES = ("en", "zh")
TABLES = {"en": EN, "zh": ZH}


def check_lang(lang: str) -> str:
    """Return ``lang`` if symnet speaks it, else raise ``ValueError``.

    >>> check_lang("zh")
    'zh'
    """
    if lang not in TABLES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str = "en", **fields) -> str:
    """The prose string ``key`` in ``lang``, with ``fields`` filled in.

    >>> t("path", "zh", k=2)
    '路径 2'
    >>> t("section_towers", "zh")
    '高台'
    """
    table = TABLES[check_lang(lang)]
    if key not in table:
        raise KeyError(f"no text named {key!r} in symnet.render.lang_{lang}")
    return table[key].format(**fields) if fields else table[key]


def _own_rule(name: str, lang: str) -> str:
    """A function's own rule, named after it ("erf rule"), in ``lang``; anything else as it is."""
    if lang == "zh" and name.endswith(" rule"):
        return name[:-len(" rule")] + " 法则"
    return name


def rule(name: str, lang: str = "en") -> str:
    """A rule name ('sum rule, product rule' or 'σ′ = σ(1 − σ)') in ``lang``; formulas stay as they are.

    >>> rule("sum rule, product rule", "zh"), rule("erf rule", "zh")
    ('加法法则、乘法法则', 'erf 法则')
    """
    table = TABLES[check_lang(lang)]
    parts = [table.get(part, _own_rule(part, lang)) for part in name.split(", ")]   # a formula stays as it is
    return ("、" if lang == "zh" else ", ").join(parts)
