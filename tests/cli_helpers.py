"""The command line in tests: ``run`` calls ``symnet`` in this process, ``refused`` checks a refusal (exit 2, one
message, no traceback, the words given)."""

from __future__ import annotations

from click.testing import CliRunner

from symnet.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def refused(result, *words):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output
