"""Progress of a training run: a tqdm bar on a terminal or in Jupyter, log lines to stderr otherwise."""

from __future__ import annotations

import sys


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where stderr is no terminal, but a progress widget can be drawn)."""
    shell = sys.modules.get("IPython")
    ipython = shell.get_ipython() if shell is not None and hasattr(shell, "get_ipython") else None
    return ipython is not None and "IPKernelApp" in getattr(ipython, "config", {})


def _reporter(progress, log_every, epochs):
    """(on_epoch, close): a tqdm bar on a terminal or in a notebook, log lines to stderr otherwise, nothing if quiet.

    ``tqdm.auto`` draws a notebook widget under Jupyter and a text bar on a terminal.
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
            val = f", validation loss {val_loss[-1]:.6g}" if val_loss else ""
            print(f"epoch {epoch}/{epochs}: loss {train_loss[-1]:.6g}{val}", file=sys.stderr, flush=True)
    return on_log, (lambda: None)

