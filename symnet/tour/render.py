"""Render the tour's sections (plain data) as one self-contained HTML page and its Markdown twin.

The HTML page is one file that works offline: inline CSS, KaTeX inlined (script, stylesheet,
fonts) to typeset every formula that has LaTeX (its Unicode text folded underneath), derivations
folded into steps, and the live widgets' generated JavaScript; images by relative path, no CDN.
Every piece of text goes through ``html.escape`` (``symnet.tour.htmlparts`` builds the parts).
"""

from __future__ import annotations

import re
from html import escape

from symnet.tour.htmlparts import CSS as LIVE_CSS
from symnet.tour.htmlparts import (exercises_html, fold_html, formula_html, head_html, notation_html, text_html,
                                   notation_markdown, scripts_html, widget_html)
from symnet.render.i18n import t

NUMBER = re.compile(r"^[-+−]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^$|^—$")
CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.6; color: #1d2330; }
h1 { font-size: 2rem; margin-bottom: .2rem; } h2 { margin-top: 2.6rem; border-bottom: 2px solid #dde3ee; }
nav ol { columns: 2; } .lead { color: #4a5568; }
figure { margin: 1.2rem 0; } figcaption { color: #374151; margin-bottom: .3rem; }
figure img { max-width: 100%; box-sizing: border-box; border: 1px solid #e5e7eb; border-radius: 6px; }
pre { background: #f6f8fb; border: 1px solid #e3e8f0; border-radius: 6px; padding: .7rem .9rem;
      overflow-x: auto; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88rem; }
details summary { cursor: pointer; color: #4b5563; font-size: .85rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .85rem;
        font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
th, td { border: 1px solid #d8dee9; padding: .25rem .6rem; text-align: right; } th { background: #eef2f8; }
td.word { text-align: left; }
footer { margin: 3rem 0 1rem; color: #6b7280; font-size: .85rem; border-top: 1px solid #e5e7eb; padding-top: .6rem; }
.skipped { background: #fff7e6; border-left: 4px solid #f0a020; padding: .4rem .8rem; }
ul.files li { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9rem; }
"""


def render_html(sections, lang: str) -> str:
    """The whole tour as one HTML page (``lang`` sets the page language and its headings).

    Args:
        sections: ``Section`` records, in order.
        lang: ``en`` or ``zh``.

    Returns:
        The HTML text: inline CSS, images by relative path, every text escaped.

    >>> from symnet.tour.run import Section
    >>> "<h2>§9 a &lt; b</h2>" in render_html((Section("k", "§9 a < b", ()),), "en")
    True
    """
    toc = "".join(f'<li><a href="#{escape(s.key)}">{escape(s.title)}</a></li>' for s in sections)
    body = "\n".join(_html_section(s, lang) for s in sections)
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(t('page_title', lang))}</title>\n<style>{CSS}{LIVE_CSS}</style>\n{head_html()}\n"
            "</head>\n<body>\n"
            f"<h1>{escape(t('page_title', lang))}</h1>\n<p class=\"lead\">{escape(t('page_lead', lang))}</p>\n"
            f"<nav><ol>{toc}</ol></nav>\n{notation_html(lang)}\n{body}\n"
            f"<footer>{escape(_footer(lang))}</footer>\n{scripts_html(sections)}\n"
            "</body>\n</html>\n")


def _footer(lang: str) -> str:
    from symnet._version import __version__

    return t("footer", lang, version=__version__, command=f"symnet tour --out DIR --lang {lang}")


def _html_section(section, lang: str) -> str:
    parts = [f'<section id="{escape(section.key)}">', f"<h2>{escape(section.title)}</h2>"]
    parts += [f"<p>{text_html(p)}</p>" for p in section.text]
    parts += [formula_html(formula, lang) for formula in section.formulas]
    parts += [fold_html(fold) for fold in section.folds]
    parts += [_html_table(table) for table in section.tables]
    images = [a for a in section.files if a.is_image]
    others = [a for a in section.files if not a.is_image]
    parts += [f'<figure><figcaption>{escape(a.caption)}</figcaption><img src="{escape(a.path)}" '
              f'alt="{escape(a.caption)}"></figure>' for a in images]
    if others:
        items = "".join(f'<li><a href="{escape(a.path)}">{escape(a.path)}</a> — {escape(a.caption)}</li>'
                        for a in others)
        parts.append(f"<p>{escape(t('files_heading', lang))}</p><ul class=\"files\">{items}</ul>")
    if section.widgets:
        parts.append(f'<p class="live-heading"><b>{escape(t("live_heading", lang))}</b></p>')
        parts += [widget_html(widget, lang) for widget in section.widgets]
    if section.exercises:
        parts.append(exercises_html(section.exercises, section.key, lang))
    parts += [f'<p class="skipped">{escape(t("skipped", lang))}: {escape(note)}</p>' for note in section.skipped]
    parts.append("</section>")
    return "\n".join(parts)


def _html_table(table) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in table.header)
    rows = "".join("<tr>" + "".join(_html_cell(cell) for cell in row) + "</tr>" for row in table.rows)
    return (f"<figure><figcaption>{text_html(table.caption)}</figcaption>"
            f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div></figure>')


def _html_cell(cell: str) -> str:
    """A table cell; numbers align right, words left."""
    kind = "" if NUMBER.match(cell.strip()) else ' class="word"'
    return f"<td{kind}>{text_html(cell)}</td>"


def render_markdown(sections, lang: str) -> str:
    """The whole tour as Markdown: the same sections, formulas in code blocks, images by path.

    Args:
        sections: ``Section`` records, in order.
        lang: ``en`` or ``zh``.

    Returns:
        The Markdown text.

    >>> from symnet.tour.run import Artifact, Section
    >>> print(render_markdown((Section("k", "§9 Demo", ("Hello.",), files=(Artifact("A plot", "a.png"),)),), "en"))
    ... # doctest: +ELLIPSIS
    # symnet tour: how a neural network learns
    ...
    ## §9 Demo
    <BLANKLINE>
    Hello.
    <BLANKLINE>
    A plot
    <BLANKLINE>
    ![A plot](a.png)
    ...
    """
    lines = [f"# {t('page_title', lang)}", "", t("page_lead", lang), ""] + notation_markdown(lang)
    for section in sections:
        lines += _markdown_section(section, lang)
    return "\n".join(lines + ["---", "", _footer(lang)]).rstrip() + "\n"


def _markdown_section(section, lang: str) -> list[str]:
    lines = [f"## {section.title}", ""]
    for paragraph in section.text:
        lines += [paragraph, ""]
    for formula in section.formulas:
        lines += [f"{formula.caption}", "", "```text", formula.text, "```", ""]
        if formula.latex:
            lines += ["<details><summary>LaTeX</summary>", "", "```latex", formula.latex, "```", "", "</details>", ""]
    for fold in section.folds:
        lines += [fold.caption, ""]
        k = 0
        for step in fold.steps:
            k += bool(step.latex)
            lines += [f"{k}. {step.summary}" if step.latex else step.summary, ""]
            lines += ["$$", step.latex, "$$", ""] if step.latex else []
    for table in section.tables:
        lines += [table.caption, "", _markdown_row(table.header), "|" + "---|" * len(table.header)]
        lines += [_markdown_row(row) for row in table.rows] + [""]
    for artifact in section.files:
        link = f"![{artifact.caption}]({artifact.path})" if artifact.is_image else f"[{artifact.path}]({artifact.path})"
        lines += [f"{artifact.caption}" if artifact.is_image else f"- {link} — {artifact.caption}", ""]
        if artifact.is_image:
            lines += [link, ""]
    if section.exercises:
        lines += [f"**{t('exercises', lang)}**", ""]
        lines += [f"{k}. {ex.question} ({t('ex_answer', lang)}: {ex.answer:.6g}; {ex.explanation})"
                  for k, ex in enumerate(section.exercises, start=1)] + [""]
    lines += [f"> **{t('skipped', lang)}:** {note}" for note in section.skipped]
    return lines + ([""] if section.skipped else [])


def _markdown_row(cells) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"
