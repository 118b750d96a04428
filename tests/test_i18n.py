"""One translation scheme: one lookup (``i18n.t``), one table per language, the same keys in both."""

import ast
import re
import string
from pathlib import Path

import pytest

from symnet.render import i18n
from symnet.render.lang_en import EN
from symnet.render.lang_zh import ZH

PACKAGE = Path(__file__).resolve().parent.parent / "symnet"
CJK = "\u4e00-\u9fff"


def fields(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages():
    assert set(EN) == set(ZH)
    assert i18n.TABLES == {"en": EN, "zh": ZH} and i18n.LANGUAGES == ("en", "zh")


@pytest.mark.parametrize("key", sorted(EN))
def test_both_languages_fill_the_same_fields(key):
    assert fields(EN[key]) == fields(ZH[key]), key


def test_chinese_prose_uses_chinese_punctuation():
    """ASCII , : ; next to a Chinese character, or ASCII brackets around Chinese words, read wrongly."""
    wrong = re.compile(f"[{CJK}][,:;]|[,:;][{CJK}]|[{CJK}]\\(|\\)[{CJK}]")
    assert [key for key, value in ZH.items() if wrong.search(value)] == []


def test_every_key_the_code_looks_up_exists():
    """Every literal key passed to ``t(…)`` anywhere in symnet is in the tables (a typo fails here)."""
    used = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "t"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                used.add(node.args[0].value)
    assert len(used) > 100
    assert sorted(used - set(EN)) == []


def test_lookup_fills_fields_and_refuses_unknown_keys_and_languages():
    assert i18n.t("path", "zh", k=3) == "路径 3"
    assert i18n.t("section_towers", "en") == "towers"
    assert i18n.rule("sum rule, product rule", "zh") == "加法法则、乘法法则"
    assert i18n.rule("σ′ = σ(1 − σ)", "zh") == "σ′ = σ(1 − σ)"     # formulas are not translated
    with pytest.raises(KeyError, match="no text named 'pth' in symnet.render.lang_en"):
        i18n.t("pth")
    with pytest.raises(ValueError, match="unknown language 'fr': expected one of en, zh"):
        i18n.t("path", "fr")
