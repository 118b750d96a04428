"""``symnet tour``: run the article section by section and write a page of what it made."""

from __future__ import annotations

import time

import click

from symnet.cli.common import Command, echo_err, echo_out, examples, handle_errors


@click.command(cls=Command, epilog=examples(
    "symnet tour --out tour"))
@click.option("--out", "out", required=True, type=click.Path(file_okay=True, dir_okay=True),
              help="Folder to write the tour into (created if missing).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the pages: English or Chinese (the article's language).")
@handle_errors
def tour(out, lang):
    """Run the whole article: network, formulas, towers, descent, derivation, training, gradient check.

    \b
    Writes index.html (open it in a browser; it works offline) and index.md into OUT,
    with every figure and formula. Progress goes to stderr, one line per section.
    """
    from symnet.render.i18n import t
    from symnet.tour.run import check_out_dir, run_tour

    folder = check_out_dir(out)
    start = time.perf_counter()

    def progress(i, n, key):
        name = t(f"section_{key}", lang)
        echo_err(f"[{i}/{n}] {name} …")

    result = run_tour(folder, lang, progress=progress)
    for note in result.skipped:
        echo_err(f"skipped: {note}")
    echo_out(f"tour written in {time.perf_counter() - start:.1f} s:")
    echo_out(f"  {result.index_html.resolve()}")
    echo_out(f"  {result.index_md.resolve()}")
