"""A handout for a class: the chain-rule derivation of a 2-2-1 MLP, in English and in Chinese.

For each language it writes a Markdown file and a standalone LaTeX file (pdflatex for English,
xelatex + ctex for Chinese), and a PDF when TeX is installed. The numbers at a sample point are
checked against finite differences inside the document.

Run:  python examples/09_class_handout.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

from symnet import mlp, show, squared_error
from symnet.derivation.derive import derive
from symnet.io.files import write_text
from symnet.render.document import document, latex_document
from symnet.render.latexbuild import LatexBuildError, LatexNotInstalled, build_pdf, engine_for, missing_tools

POINT = {"x1": 1.0, "x2": -1.0, "y": 1.0, "w1_1": 0.5, "w1_2": -0.3, "b1": 0.1, "w2_1": -0.4, "w2_2": 0.8,
         "b2": 0.0, "w3_1": 1.2, "w3_2": -0.7, "b3": 0.2}
WRT = ["w3_1", "w1_1", "b1"]   # one output weight, one hidden weight, one bias: enough for a lesson


def handout(out: Path, lang: str) -> None:
    loss = squared_error(mlp([2, 2, 1]))
    derivation = derive(loss, wrt=WRT, at=POINT, check=True)
    md = write_text(out / f"handout_{lang}.md", document(derivation, "markdown", lang))
    tex_source = latex_document(derivation, lang)
    tex = write_text(out / f"handout_{lang}.tex", tex_source)
    print(f"[{lang}] wrote {md} and {tex}")
    missing = missing_tools(engine_for(lang))
    if missing:
        print(f"[{lang}] no PDF: {', '.join(missing)} not installed")
        return
    try:
        print(f"[{lang}] wrote", build_pdf(tex_source, out / f"handout_{lang}.pdf", engine_for(lang)))
    except (LatexNotInstalled, LatexBuildError) as err:
        print(f"[{lang}] no PDF: {err}")


def main(out: Path) -> None:
    net = mlp([2, 2, 1])
    print("network:", net)
    print(show(derive(squared_error(net), wrt=["w3_1"], at=POINT), "unicode", "en"))
    for lang in ("en", "zh"):
        handout(out, lang)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="symnet_")))
