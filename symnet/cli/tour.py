"""``symnet tour``: run the article section by section and write a page of what it made.

The tour is built in a hidden folder beside OUT under the time limit (``--timeout``), then moved
into OUT entry by entry, so a tour cut short by the limit or an error leaves OUT as it was. OUT must
be new, empty or an earlier tour's (its ``.symnet-tour`` manifest lists what it wrote): the tour
replaces only its own files, never a user's.
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
    lang_option,
    preload,
    time_limit,
    timeout_option,
)

TOUR_TIMEOUT = 900.0   # seconds: the tour takes about a minute on a laptop, several on a busy machine


@click.command(cls=Command, epilog=examples(
    "symnet tour --out tour"))
@click.option("--out", "out", required=True, type=click.Path(file_okay=True, dir_okay=True),
              help="Folder to write the tour into (created if missing).")
@lang_option(what="pages (Chinese is the article's language)")
@timeout_option(default=TOUR_TIMEOUT, work="the whole tour")
@handle_errors
def tour(out, lang, timeout):
    """Run the whole article: network, formulas, towers, descent, derivation, training, gradient check.

    \b
    Writes index.html (open it in a browser; it works offline) and index.md into OUT,
    with every figure and formula. Progress goes to stderr, one line per section.
    """
    import shutil

    from symnet.render.i18n import t
    from symnet.tour.run import check_out_dir, run_tour

    folder = check_out_dir(out)
    start = time.perf_counter()

    def progress(i, n, key):
        check_deadline()  # between sections: a clean stop, also where no worker forks (Windows)
        echo_err(f"[{i}/{n}] {t(f'section_{key}', lang)} …")

    preload(numeric=True, extra=("matplotlib.pyplot",))
    building = _building_folder(folder.resolve())
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


def _building_folder(folder):
    """A new hidden folder beside ``folder`` for this tour, named with this process's id and marked by an empty
    manifest, after removing the ones a killed tour left (their process gone, their manifest inside)."""
    import os
    import tempfile
    from pathlib import Path

    from symnet.io.files import NAME_KEPT, clean_stale
    from symnet.tour.run import MANIFEST

    clean_stale(folder, marker=MANIFEST)
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name[:NAME_KEPT]}.{os.getpid()}.", suffix=".new",
                                     dir=folder.parent))
    (building / MANIFEST).write_text("", encoding="utf-8")
    return building


def _move_into(source, target) -> None:
    """Move every entry of ``source`` (a finished tour) into ``target``, replacing only what an earlier tour
    wrote there (its manifest lists it; anything else was refused before the tour began and is checked
    again now). While entries move, the manifest lists old and new, so a move cut short leaves a folder
    the next tour still accepts; the new manifest comes last."""
    import os

    from symnet.io.files import write_text
    from symnet.tour.run import MANIFEST, tour_entries

    old = tour_entries(target)
    new = (source / MANIFEST).read_text(encoding="utf-8").splitlines()
    write_text(target / MANIFEST, "".join(f"{name}\n" for name in sorted(old | set(new))))
    for name in sorted(old - set(new)):          # a previous tour's entry this tour did not write again
        _remove(target / name.rstrip("/"))
    for entry in sorted(source.iterdir()):
        if entry.name != MANIFEST:
            _remove(target / entry.name)
            os.replace(entry, target / entry.name)
    os.replace(source / MANIFEST, target / MANIFEST)


def _remove(path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
