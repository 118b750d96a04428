"""``symnet tour``: run the article section by section and write a page of what it made.

The tour is built in a hidden folder beside OUT under the time limit (``--timeout``), then moved
into OUT entry by entry, so a tour cut short by the limit or an error leaves OUT as it was.
"""

from __future__ import annotations

import time

import click

from symnet.cli.common import (
    Command,
    check_deadline,
    echo_err,
    echo_out,
    examples,
    handle_errors,
    preload,
    time_limit,
    timeout_option,
)

TOUR_TIMEOUT = 900.0   # seconds: the tour takes about a minute on a laptop, several on a busy machine


@click.command(cls=Command, epilog=examples(
    "symnet tour --out tour"))
@click.option("--out", "out", required=True, type=click.Path(file_okay=True, dir_okay=True),
              help="Folder to write the tour into (created if missing).")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the pages: English or Chinese (the article's language).")
@timeout_option(default=TOUR_TIMEOUT, work="the whole tour")
@handle_errors
def tour(out, lang, timeout):
    """Run the whole article: network, formulas, towers, descent, derivation, training, gradient check.

    \b
    Writes index.html (open it in a browser; it works offline) and index.md into OUT,
    with every figure and formula. Progress goes to stderr, one line per section.
    """
    import shutil
    import tempfile
    from pathlib import Path

    from symnet.render.i18n import t
    from symnet.tour.run import check_out_dir, run_tour

    folder = check_out_dir(out)
    start = time.perf_counter()

    def progress(i, n, key):
        check_deadline()  # between sections: a clean stop, also where no worker forks (Windows)
        echo_err(f"[{i}/{n}] {t(f'section_{key}', lang)} …")

    preload(numeric=True, extra=("matplotlib.pyplot",))
    building = Path(tempfile.mkdtemp(prefix=f".{folder.resolve().name}.", suffix=".new", dir=folder.resolve().parent))
    try:
        with time_limit(timeout, "the tour", "use a larger --timeout"):
            result = run_tour(building, lang, progress=progress)
        _move_into(building, folder)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    for note in result.skipped:
        echo_err(f"skipped: {note}")
    echo_out(f"tour written in {time.perf_counter() - start:.1f} s:")
    echo_out(f"  {(folder / result.index_html.name).resolve()}")
    echo_out(f"  {(folder / result.index_md.name).resolve()}")


def _move_into(source, target) -> None:
    """Move every entry of ``source`` into ``target``, replacing an entry of the same name (a previous tour's)."""
    import os
    import shutil

    for entry in sorted(source.iterdir()):
        old = target / entry.name
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        elif old.exists() or old.is_symlink():
            old.unlink()
        os.replace(entry, old)
