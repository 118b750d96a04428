"""The page's vendored assets, inlined: KaTeX (script, stylesheet, fonts as data: URLs) and the live glue.

The tour page must open offline from ``file://`` with nothing beside it, so every asset is read
from ``symnet/tour/static/`` (shipped inside the wheel) and written into ``index.html`` itself.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from importlib import resources

JSEP_VERSION = "1.6.0"      # static/vendor/jsep/README.md says where it came from
FONT_URL = re.compile(r"url\((fonts/[A-Za-z0-9_-]+\.woff2)\)")


def _static(name: str) -> bytes:
    return resources.files("symnet.tour").joinpath("static", *name.split("/")).read_bytes()


def script_text(source: str) -> str:
    """JavaScript made safe inside ``<script>``: no ``</`` can end the element early."""
    return source.replace("</", "<\\/")


@lru_cache(maxsize=None)
def katex_css() -> str:
    """KaTeX's stylesheet with every font inlined as a ``data:font/woff2;base64`` URL."""
    css = _static("katex/katex.min.css").decode("utf-8")

    def inline(match):
        data = base64.b64encode(_static("katex/" + match.group(1))).decode("ascii")
        return f"url(data:font/woff2;base64,{data})"

    return FONT_URL.sub(inline, css)


@lru_cache(maxsize=None)
def katex_js() -> str:
    """KaTeX's script (MIT licence, ``static/katex/LICENSE``)."""
    return script_text(_static("katex/katex.min.js").decode("utf-8"))


@lru_cache(maxsize=None)
def live_js() -> str:
    """The hand-written glue of the live widgets: the drawing helpers (``plots.js``), the computational graph
    (``graph.js``), then the controls and loops (``live.js``); no formulas: those are generated."""
    return script_text("\n".join(_static(name).decode("utf-8") for name in ("plots.js", "graph.js", "live.js")))


@lru_cache(maxsize=None)
def checker_js() -> str:
    """The vendored jsep parser (MIT licence, ``static/vendor/jsep/LICENSE``), then the derivative checker's glue
    (``checker.js``), which evaluates jsep's tree itself with a whitelist of names and functions. jsep's licence
    travels with it, as a comment in front of its code."""
    notice = _static("vendor/jsep/LICENSE").decode("utf-8").replace("*/", "* /")
    return script_text(f"/* jsep {JSEP_VERSION} (npm jsep), MIT licence:\n{notice}*/\n" +
                       _static("vendor/jsep/jsep.min.js").decode("utf-8") + "\n" + _static("checker.js").decode("utf-8"))


def katex_licence() -> str:
    """The first line of KaTeX's licence, for the page's footer."""
    return _static("katex/LICENSE").decode("utf-8").splitlines()[0]
