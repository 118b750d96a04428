"""``derive(..., lang="zh")`` from Python: the derivation carries its language into str(), Jupyter,
``symnet.show`` and the documents (scalar and matrix form); a printer given a language still wins."""

from __future__ import annotations

import pytest

from symnet import derive, seed_network, show
from symnet.core.layers import layers
from symnet.derivation.records import LANGUAGES
from symnet.render.document import document
from symnet.render.i18n import LANGUAGES as SPOKEN
from symnet.render.i18n import t
from symnet.render.document import document as layer_document


def test_a_chinese_derivation_prints_in_chinese_everywhere():
    d = derive(seed_network(), wrt=["b5"], lang="zh")
    assert d.lang == "zh"
    assert str(d).startswith("对 b5 求导") and "## 对 $b_{5}$ 求导" in d._repr_markdown_()
    assert show(d).startswith("对 b₅ 求导") and show(d, lang="en").startswith("Derivative by b₅")
    assert document(d, check=False).splitlines()[0] == "# " + t("title", "zh")
    assert str(derive(seed_network(), wrt=["b5"])).startswith("Derivative by b5")     # English by default


def test_numbers_and_checks_keep_the_language():
    net = seed_network()
    point = {**{str(p): 0.5 for p in net.params}, "x1": 1, "x2": 2, "y": 1}
    d = derive(net, wrt=["b5"], at=point, check=True, lang="zh")
    assert d.lang == "zh" and d.check is not None and d.point and "对 b5 求导" in str(d) and "有限差分" in str(d)


def test_a_layer_derivation_keeps_the_language():
    d = derive(layers("4-3-2"), lang="zh")
    assert d.lang == "zh" and layer_document(d, "unicode").startswith("矩阵形式的反向传播")
    assert layer_document(d, "unicode", "en").startswith("Backpropagation in matrix form")


def test_an_unknown_language_is_refused_before_any_work():
    with pytest.raises(ValueError, match="unknown language 'fr': expected one of en, zh"):
        derive(seed_network(), lang="fr")
    assert LANGUAGES == SPOKEN
