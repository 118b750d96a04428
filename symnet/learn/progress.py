"""Progress of a training run: a tqdm bar on a terminal or in Jupyter, log lines to stderr otherwise."""

from __future__ import annotations

import sys


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where stderr is no terminal, but a progress widget can be drawn)."""
    shell = sys.modules.get("IPython")
    ipython = shell.get_ipython() if shell is not None and hasattr(shell, "get_ipython") else None
    return ipython is not None and "IPKernelApp" in getattr(ipython, "config", {})


def _reporter(progress, log_every, epochs, held_out: bool = False):
    """(on_epoch, close): a tqdm bar on a terminal or in a notebook, log lines to stderr otherwise, nothing if quiet.

    ``tqdm.auto`` draws a notebook widget under Jupyter and a text bar on a terminal. The second loss is the
    test loss when ``held_out`` (a held-out set was given, as ``symnet train`` does for layers: networks and
    as the run's summary calls it), else the validation loss.
    """
    if progress is False:
        return (lambda epoch, train_loss, val_loss: None), (lambda: None)
    every = log_every or max(1, epochs // 10)
    if sys.stderr.isatty() or in_notebook():
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, disable=None, unit="epoch", leave=False)

        def on_bar(epoch, train_loss, val_loss):
            bar.update(1)
            bar.set_postfix(loss=f"{train_loss[-1]:.4g}")
        return on_bar, bar.close

    def on_log(epoch, train_loss, val_loss):
        if epoch % every == 0 or epoch == epochs:
            print(epoch_line(epoch, epochs, train_loss[-1], val_loss[-1] if val_loss else None, held_out),
                  file=sys.stderr, flush=True)
    return on_log, (lambda: None)


def epoch_line(epoch: int, epochs: int, loss: float, second: float | None, held_out: bool = False) -> str:
    """One progress line, in the language of the command line running (English from the library).

    >>> epoch_line(2, 10, 0.5, 0.25, held_out=True)
    'epoch 2/10: loss 0.5, test loss 0.25'
    """
    from symnet.render.i18n import t

    lang = _cli_lang()
    extra = "" if second is None else t("train_epoch_test" if held_out else "train_epoch_validation", lang,
                                        value=f"{second:.6g}")
    return t("train_epoch", lang, epoch=epoch, epochs=epochs, loss=f"{loss:.6g}") + extra


def _cli_lang() -> str:
    """``--lang`` of the ``symnet`` command running (where stderr shows Chinese), else English: the library
    imports no click, so it asks the command line's module only when that is already loaded."""
    cli = sys.modules.get("symnet.cli.lang")
    return cli.shown_lang(sys.stderr) if cli is not None else "en"
