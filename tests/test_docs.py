"""The documentation builds strictly, in English and Chinese, with no CDN, and its code runs.

``mkdocs build --strict`` runs into a temporary folder (the hook in ``docs/hooks.py`` draws the
figures first) and the built site is checked in one test. The ```python blocks of each page run in
a fresh namespace of its own process, in order, in a temporary folder, as a reader would paste them (the processes
are forks of one interpreter that has imported the heavy libraries already: tests/forkrun.py), and what each
prints must match the ```text block shown right after it (lines elided with "…" excepted). The
pages run side by side as subprocesses in one test; one test each keeps ``pytest -n 2`` from
building twice.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .forkrun import run_forked

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)
# a ```python block and the ```text block right after it: what it prints (lines may be elided with …)
PAIR = re.compile(r"^```python[^\n]*\n(.*?)^```[ \t]*\n(?:[ \t]*\n)*(?:```text\n(.*?)^```)?", re.S | re.M)
RUNNER = """
import contextlib, io, json, sys
blocks, outputs, scope = json.loads(sys.stdin.read()), [], {"__name__": "__main__"}
for block in blocks:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(block, "<docs>", "exec"), scope)
    outputs.append(buffer.getvalue())
print(json.dumps(outputs))
"""
NOT_OURS = ("cli.md", "network-format.md")  # written and tested with the CLI
CODE_PAGES = tuple(p for p in sorted(DOCS.rglob("*.md"))
                   if not p.name.endswith(".zh.md") and p.name not in NOT_OURS)
TIMEOUT = 300


def python_blocks(page: Path) -> list[str]:
    """The ```python fenced blocks of a Markdown page, in order."""
    return FENCE.findall(page.read_text(encoding="utf-8"))


def _environment() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


def _build(out: Path) -> None:
    pytest.importorskip("mkdocs", reason="the docs extra is not installed (pip install -e '.[docs]')")
    pytest.importorskip("material", reason="mkdocs-material is not installed")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
                         cwd=ROOT, env=_environment(), capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 0, f"mkdocs build --strict failed:\n{run.stdout}\n{run.stderr}"


def check_english_and_chinese_pages(site: Path) -> None:
    for page in ("index.html", "zh/index.html", "tutorial/index.html", "zh/tutorial/index.html"):
        assert (site / page).is_file(), f"missing {page}"
    zh = (site / "zh/tutorial/index.html").read_text(encoding="utf-8")
    assert "神经网络" in zh and 'lang="zh"' in zh


def check_vendored_katex(site: Path) -> None:
    html = (site / "tutorial/index.html").read_text(encoding="utf-8")
    assert 'class="arithmatex"' in html
    assert "assets/katex/katex.min.js" in html
    assert (site / "assets/katex/katex.min.js").stat().st_size > 100_000
    assert sorted((site / "assets/katex/fonts").glob("*.woff2"))


def check_no_cdn(site: Path) -> None:
    remote = re.compile(r"<(?:script|link)[^>]+(?:src|href)=\"(?:https?:)?//", re.I)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not remote.search(text), f"{page.relative_to(site)} loads a remote script or style"
        assert "cdn" not in text.lower(), f"{page.relative_to(site)} mentions a CDN"


def check_tutorial_figures(site: Path) -> None:
    for page in ("tutorial/index.html", "zh/tutorial/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        images = re.findall(r'<img[^>]+src="([^"]+\.png)"', html)
        assert len(images) >= 5, f"{page} shows {len(images)} figures"
        for src in images:
            assert (site / page).parent.joinpath(src).resolve().is_file(), f"{page}: image {src} is missing"


def check_relative_language_switch(site: Path) -> None:
    """The language switch works under file://: no site-absolute links; each resolves to a built page."""
    for page in ("index.html", "zh/index.html", "tutorial/index.html", "zh/tutorial/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        links = dict((lang, href) for href, lang in re.findall(r'<a href="([^"]*)" hreflang="(\w+)"', html))
        assert set(links) == {"en", "zh"}, f"{page}: language switch {links}"
        for lang, href in links.items():
            assert not href.startswith("/"), f"{page}: absolute link {href} to {lang}"
            target = (site / page).parent.joinpath(href, "index.html").resolve()
            assert target.is_file(), f"{page}: {href} does not lead to a page"
            assert (lang == "zh") == (target.relative_to(site.resolve()).parts[0] == "zh"), f"{page}: {href}"
    css = re.findall(r'<link[^>]+href="([^"]*narrow\.css)"', (site / "zh/index.html").read_text(encoding="utf-8"))
    assert css and (site / "zh").joinpath(css[0]).resolve().is_file()


def test_site_builds_strictly_in_two_languages_without_cdn(tmp_path):
    _build(tmp_path)
    check_english_and_chinese_pages(tmp_path)
    check_vendored_katex(tmp_path)
    check_no_cdn(tmp_path)
    check_tutorial_figures(tmp_path)
    check_relative_language_switch(tmp_path)


def test_chinese_pages_use_the_same_code_as_english():
    # the one difference allowed: a Chinese page may ask for Chinese output (lang="zh")
    for page in CODE_PAGES:
        zh = page.with_name(page.name[:-3] + ".zh.md")
        if zh.exists():
            blocks = [block.replace('lang="zh"', 'lang="en"') for block in python_blocks(zh)]
            assert blocks == python_blocks(page), f"{zh.name} code differs from {page.name}"


def _shown(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


def matches(shown: str, printed: str) -> bool:
    """Equal line by line; where the page elides with "…", each shown line must still be printed
    (a line cut at "…" must begin a printed line)."""
    want, got = _shown(shown), _shown(printed)
    if want == got or "…" not in shown:
        return want == got
    return all(any(g.startswith(w.split("…")[0].rstrip()) for g in got) if "…" in w else w in got for w in want)


def test_python_blocks_of_every_page_run_and_print_what_the_page_shows(tmp_path):
    pages = [page for page in CODE_PAGES if python_blocks(page)]
    assert len(pages) >= 8, f"expected the tutorial, the how-tos and the explanation; found {pages}"
    # Chinese pages whose code asks for Chinese output print something else: run them too
    pages += [zh for zh in sorted(DOCS.rglob("*.zh.md")) if any('lang="zh"' in b for b in python_blocks(zh))]
    jobs, pairs_of = [], []
    for number, page in enumerate(pages):
        folder = tmp_path / f"{number}-{page.stem}"
        folder.mkdir()
        pairs = PAIR.findall(page.read_text(encoding="utf-8"))
        pairs_of.append(pairs)
        jobs.append({"cwd": folder, "argv": ["-c"], "code": RUNNER, "stdin": json.dumps([code for code, _ in pairs])})
    failures = []
    for page, pairs, process in zip(pages, pairs_of, run_forked(jobs, _environment(), ROOT, timeout=2 * TIMEOUT)):
        if process.returncode != 0:
            failures.append(f"{page.relative_to(DOCS)} raised:\n{process.stderr[-2000:]}")
            continue
        for (code, shown), printed in zip(pairs, json.loads(process.stdout)):
            if shown and not matches(shown, printed):
                failures.append(f"{page.relative_to(DOCS)}: the block\n{code}\nprints\n{printed}\n"
                                f"but the page shows\n{shown}")
    assert not failures, "\n\n".join(failures)
