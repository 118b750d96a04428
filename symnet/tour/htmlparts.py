"""HTML for the tour's typeset and live parts: KaTeX formulas, folded derivations, widgets, scripts.

Formulas are written as ``data-tex`` attributes (their LaTeX, escaped) that the inlined KaTeX
typesets when the page opens; the LaTeX also stands as the element's text, readable without
scripts. Widgets carry their generated JavaScript and JSON configuration inside the page.
"""

from __future__ import annotations

import json
import re
from html import escape

from symnet.tour.inline import checker_js, katex_css, katex_js, live_js, script_text
from symnet.render.i18n import t

INLINE_MATH = re.compile(r"\$([^$]+)\$")


def math_html(latex: str, display: bool = True) -> str:
    """One formula for KaTeX: a ``div`` (display) or ``span`` (inline) holding its LaTeX.

    >>> math_html("x < y", display=False)
    '<span class="math" data-tex="x &lt; y">x &lt; y</span>'
    """
    tag = "div" if display else "span"
    return f'<{tag} class="math" data-tex="{escape(latex)}">{escape(latex)}</{tag}>'


def prose_html(sentence: str) -> str:
    """A sentence whose ``$…$`` parts are inline formulas, everything else escaped text.

    >>> prose_html("so $a<b$ holds")
    'so <span class="math" data-tex="a&lt;b">a&lt;b</span> holds'
    """
    parts, last = [], 0
    for match in INLINE_MATH.finditer(sentence):
        parts += [escape(sentence[last:match.start()]), math_html(match.group(1), display=False)]
        last = match.end()
    return "".join(parts + [escape(sentence[last:])])


def text_html(text: str) -> str:
    """Escaped text whose `…` parts (a network's spec, a typed formula: names a reader types) are ``<code>``.

    >>> text_html("train `conv:8x8:c3x3x8` & see")
    'train <code>conv:8x8:c3x3x8</code> &amp; see'
    """
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def formula_html(formula, lang: str) -> str:
    """A ``Formula``: typeset from its LaTeX when it has one (plain text folded below), else ``<pre>``."""
    caption = f"<figcaption>{text_html(formula.caption)}</figcaption>"
    if not formula.latex:
        return f'<figure class="formula">{caption}<pre>{escape(formula.text)}</pre></figure>'
    plain = f"<details><summary>{escape(t('math_plain', lang))}</summary><pre>{escape(formula.text)}</pre></details>"
    return f'<figure class="formula">{caption}{display_html(formula.latex, formula.narrow)}{plain}</figure>'


def display_html(latex: str, narrow: str = "", width: int | None = None) -> str:
    """A display formula, and beside it its setting for a narrow screen when that differs (lines broken at the
    formula's joints, ``symnet.tour.breaking``); a media query shows one of the two.

    >>> display_html("a = 1")
    '<div class="math" data-tex="a = 1">a = 1</div>'
    """
    from symnet.tour.breaking import NARROW, narrow as narrowed

    small = narrow or narrowed(latex, width or NARROW)
    if small == latex:
        return math_html(latex)
    return math_html(latex).replace('class="math"', 'class="math" data-fit="wide"', 1) + \
        math_html(small).replace('class="math"', 'class="math" data-fit="narrow"', 1)


FOLD_WIDTH = 26     # characters a folded step's display holds on a phone (indented, and with a rule-name column)


def fold_html(fold) -> str:
    """A ``Fold``: one ``<details>`` per step, numbered, each opening to its display formula; a step with no
    display is a plain paragraph (no fold opens to nothing)."""
    steps, k = [], 0
    for step in fold.steps:
        if not step.latex:        # nothing to open: a sentence, not a step
            steps.append(f'<p class="fold-note">{prose_html(step.summary)}</p>')
            continue
        k += 1
        steps.append(f'<details class="step"><summary><b>{k}.</b> {prose_html(step.summary)}</summary>'
                     f'{display_html(step.latex, width=FOLD_WIDTH)}</details>')
    return f'<figure class="fold"><figcaption>{escape(fold.caption)}</figcaption>{"".join(steps)}</figure>'


def _json(value) -> str:
    return script_text(json.dumps(value, ensure_ascii=False))


def widget_html(widget, lang: str) -> str:
    """A ``Widget``'s container: title, configuration and words as JSON, and its generated code to read."""
    return (f'<div class="live" data-kind="{escape(widget.kind)}" id="live-{escape(widget.kind)}">'
            f"<h3>{escape(widget.title)}</h3>"
            f'<script type="application/json" class="config">{_json(widget.config)}</script>'
            f'<script type="application/json" class="labels">{_json(widget.labels)}</script>'
            f'<details class="code"><summary>{escape(t("live_code", lang))}</summary>'
            f"<pre>{escape(widget.code)}</pre></details></div>")


def exercises_html(exercises, key: str, lang: str) -> str:
    """Exercises: a question, an answer box and a Check button (the page compares within the tolerance),
    and the answer with its reason folded underneath."""
    items = []
    for k, ex in enumerate(exercises, start=1):
        answer = f"{ex.answer:.6g}"
        items.append(
            f'<div class="exercise" id="ex-{escape(key)}-{k}" data-answer="{ex.answer!r}" data-tol="{ex.tolerance!r}">'
            f"<p>{k}. {escape(ex.question)}</p>"
            f'<input type="text" inputmode="decimal" aria-label="{escape(t("ex_answer", lang))}"> '
            f'<button type="button">{escape(t("ex_check", lang))}</button> <output class="verdict"></output>'
            f'<details><summary>{escape(t("ex_answer", lang))}</summary><p>{escape(answer)} — '
            f"{escape(ex.explanation)}</p></details></div>")
    return (f'<div class="exercises" data-right="{escape(t("ex_right", lang))}" '
            f'data-wrong="{escape(t("ex_wrong", lang))}"><p><b>{escape(t("exercises", lang))}</b></p>'
            f'{"".join(items)}</div>')


# the page's one notation key: (LaTeX, Unicode text, i18n key of its meaning), shown once before §0
NOTATION = (
    (r"\theta_i = (w_{i,\cdot},\ b_i)", "θᵢ = (wᵢ,·, bᵢ)", "key_theta"),
    (r"\Theta,\ \Theta_0,\ \Theta^*", "Θ, Θ₀, Θ*", "key_Theta"),
    (r"z_i,\ h_i = \sigma(z_i)", "zᵢ, hᵢ = σ(zᵢ)", "key_zh"),
    (r"L = (y - \hat{y})^2", "L = (y − ŷ)²", "key_L"),
    (r"\bar{L} = \frac{1}{N} \sum_{n} L_n", "L̄ = (1/N) Σₙ Lₙ", "key_Lbar"),
    (r"\delta_s = \frac{\partial L}{\partial s}", "δ_s = ∂L/∂s", "key_delta"),
    (r"\delta^l = \delta_{z^l}", "δˡ = δ_{zˡ}", "key_nielsen"),
    (r"\eta", "η", "key_eta"),
)


def notation_html(lang: str) -> str:
    """The notation key: each symbol typeset, beside what it means on this page."""
    rows = "".join(f'<tr><td class="word">{math_html(latex, display=False)}</td>'
                   f'<td class="word">{escape(t(key, lang))}</td></tr>' for latex, _, key in NOTATION)
    return (f'<aside class="key" id="notation"><p><b>{escape(t("key_title", lang))}</b></p>'
            f'<div class="scroll"><table><tbody>{rows}</tbody></table></div></aside>')


def notation_markdown(lang: str) -> list[str]:
    """The notation key as Markdown lines (a two-column table)."""
    return ([f"**{t('key_title', lang)}**", "", "| | |", "|---|---|"] +
            [f"| `{text}` | {t(key, lang)} |" for _, text, key in NOTATION] + [""])


def head_html() -> str:
    """KaTeX's stylesheet (fonts inlined) for the page's ``<head>``."""
    return f"<style>{katex_css()}</style>"


def scripts_html(sections) -> str:
    """KaTeX, the generated functions of every widget (after the stable activations), then the glue, then the
    derivative checker (jsep and ``checker.js``)."""
    from symnet.numeric.jscode import JS_PRELUDE

    code = "\n".join([JS_PRELUDE] + [w.code for s in sections for w in s.widgets])
    return (f"<script>{katex_js()}</script>\n<script>\n{script_text(code)}\n</script>\n"
            f"<script>{live_js()}</script>\n<script>{checker_js()}</script>")


CSS = """
.math, div.scroll { overflow-x: auto; overflow-y: hidden; }
div.math { padding: .3rem 0; }
figure.fold details.step { border-left: 3px solid #c7d2fe; margin: .35rem 0; padding: .1rem .7rem; }
figure.fold details.step[open] { background: #f8faff; }
figure.fold summary { cursor: pointer; }
div.live { border: 1px solid #cbd5e1; border-radius: 8px; padding: .6rem 1rem 1rem; margin: 1.4rem 0;
           background: #fbfcfe; }
div.live h3 { margin: .2rem 0 .6rem; font-size: 1.1rem; }
div.live .controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .2rem 1rem; }
div.live label.slider { display: flex; align-items: center; gap: .5rem; }
div.live label.slider .name { min-width: 1.6rem; font-style: italic; }
div.live label.slider .what { font-size: .8rem; color: #4b5563; min-width: 6.5rem; }
div.live label.slider input { flex: 1; min-width: 6rem; }
div.live .readout > span { white-space: pre-wrap; }
div.live output { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
div.live canvas { display: block; width: 100%; max-width: 480px; height: auto; margin: .6rem 0;
                  border: 1px solid #e2e8f0; border-radius: 6px; background: #fff; }
div.live .pictures { display: flex; flex-wrap: wrap; gap: 0 1.5rem; align-items: flex-start; }
div.live .pictures canvas { flex: 1 1 300px; width: 0; min-width: 0; max-width: 480px; }
#tower-surface { cursor: grab; touch-action: none; }
div.live .multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 0 .6rem; }
div.live .multiples canvas { width: 100%; max-width: 300px; margin: .3rem 0; }
div.live .choice { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; }
div.live .choice label { white-space: nowrap; }
div.live label.slider .limit { font-size: .85rem; color: #92400e; }
div.live .buttons button { margin: .2rem .4rem .2rem 0; padding: .3rem .9rem; font-size: .95rem; }
div.live .status.bad { color: #b91c1c; font-weight: 600; }
div.live .graph-box { overflow-x: auto; }
#graph-svg .edge line { stroke: #b6bcc8; stroke-width: 1.2; } #graph-svg .edge polygon { fill: #9aa1ad; }
#graph-svg .edge.path line { stroke: #2563eb; stroke-width: 2.6; } #graph-svg .edge.path polygon { fill: #2563eb; }
#graph-svg .edge.lit line { stroke: #d1495b; stroke-width: 2.2; } #graph-svg .edge.lit polygon { fill: #d1495b; }
#graph-svg .edge.now line { stroke: #f59e0b; stroke-width: 3; } #graph-svg .edge.now polygon { fill: #f59e0b; }
#graph-svg .path circle { stroke: #2563eb; stroke-width: 2.4; }
#graph-svg text { text-anchor: middle; font-family: "DejaVu Sans", "Noto Sans", sans-serif; }
#graph-svg .edge-label { font-size: 10px; fill: #4b5563; paint-order: stroke; stroke: #fbfcfe; stroke-width: 3px; }
#graph-readout .math { overflow-x: auto; } #graph-readout ul.rules { margin: .2rem 0; padding-left: 1.2rem; }
#graph-readout .rule-name { display: inline-block; margin-left: .6em; }
#graph-readout .rule-name, #graph-paths li { color: #4b5563; font-size: .9rem; } #graph-paths li { overflow-wrap: anywhere; }
#graph-svg circle { stroke: #64748b; stroke-width: 1.2; fill: #fdf0d5; }
#graph-svg .param circle { fill: #e4f2dc; } #graph-svg .input circle { fill: #dbe9f6; }
#graph-svg .lit circle { stroke: #d1495b; stroke-width: 2.4; } #graph-svg .now circle { fill: #fde68a; }
#graph-svg .name { font-size: 12px; font-weight: 600; } #graph-svg .value { font-size: 10px; }
#graph-svg .delta { font-size: 11px; fill: #b91c1c; font-weight: 600; }
div.exercises { border-left: 4px solid #10b981; background: #f0fdf8; padding: .3rem 1rem .6rem; margin: 1.2rem 0; }
div.exercise input { width: 9rem; padding: .2rem .4rem; font-size: 1rem; }
div.exercise .verdict.right { color: #047857; font-weight: 600; } div.exercise .verdict.wrong { color: #b91c1c; }
div.live .question { margin: .4rem 0 1rem; }
div.live .question .row { display: flex; gap: .5rem; align-items: center; }
div.live .question input.answer { flex: 1; min-width: 0; padding: .3rem .5rem; font-size: 1rem;
                                  font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
div.live .question .verdict { margin: .4rem 0; overflow-wrap: anywhere; }
div.live .question .verdict.right { color: #047857; } div.live .question .verdict.wrong { color: #b91c1c; }
div.live .question details.names { font-size: .9rem; color: #374151; overflow-wrap: anywhere; }
p code, figcaption code { overflow-wrap: anywhere; }   /* a network's spec has no space to break at */
aside.key { border-left: 4px solid #6366f1; background: #f5f6ff; padding: .3rem 1rem .4rem; margin: 1.2rem 0; }
aside.key table { font-family: inherit; font-size: .9rem; margin: .2rem 0; }
aside.key td { border: none; padding: .15rem .6rem; }
aside.key td:first-child { white-space: nowrap; }
div.math[data-fit="narrow"] { display: none; }
figure.fold p.fold-note { margin: .5rem 0; }
@media (max-width: 600px) { div.math[data-fit="wide"] { display: none; } div.math[data-fit="narrow"] { display: block; } }
@media (max-width: 600px) { body { margin: 1rem auto; } nav ol { columns: 1; }
                            div.live .multiples { grid-template-columns: 1fr 1fr; } }
"""
