"""Every command's ``--help`` ends with runnable examples, and they run; the CLI references (English
and Chinese) cover every command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from symnet.cli import COMMANDS, main

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOT_RUN = {"tour": "the whole article takes minutes; tests/test_tour.py runs it, here its options are parsed"}


def help_text(command: str) -> str:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def help_examples(command: str) -> list[str]:
    """The commands listed under the final ``Example:``/``Examples:`` heading of ``--help``."""
    text = help_text(command).rstrip("\n")
    parts = re.split(r"\n {2}Examples?:\n", text)
    assert len(parts) == 2, f"symnet {command} --help has no examples section (or several)"
    block = parts[1]
    lines = block.split("\n")
    assert lines and all(line.startswith("    symnet ") for line in lines), \
        f"symnet {command} --help must end with its examples, one per line:\n{block}"
    return [line.strip() for line in lines]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_help_ends_with_examples_of_the_command_itself(command):
    examples = help_examples(command)
    assert any(e.startswith(f"symnet {command} ") for e in examples), examples
    assert "..." not in " ".join(examples)  # no placeholder a reader would have to fill in


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in NOT_RUN])
def test_help_examples_run(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    for example in help_examples(command):
        args = shlex.split(example)[1:]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (example, result.output)
        assert "Traceback" not in result.output


def test_tour_example_parses():
    import click

    (example,) = help_examples("tour")
    args = shlex.split(example)[1:]
    command = main.get_command(None, args[0])
    with click.Context(main) as parent:
        context = command.make_context(args[0], args[1:], parent=parent)
    assert context.params["out"] == "tour" and context.params["lang"] == "en"


@pytest.mark.parametrize("page", ["cli.md", "cli.zh.md"])
def test_cli_reference_covers_every_command(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    headings = re.findall(r"^## `symnet (\w+)", text, re.M)
    assert sorted(headings) == sorted(COMMANDS), f"{page} covers {headings}"


@pytest.mark.parametrize("page", ["cli.md", "cli.zh.md"])
def test_cli_reference_documents_json_of_every_command_that_has_it(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    for command in ("show", "grad", "check", "derive", "descend", "approx", "tower", "train", "predict"):
        section = re.search(rf"^## `symnet {command}.*?(?=^## |\Z)", text, re.M | re.S).group()
        assert "--format json" in section, f"{page}: the {command} section does not describe --format json"


def test_chinese_cli_reference_shows_the_same_examples_and_options():
    # tests/test_cli.py runs cli.md's console examples; the Chinese page must show exactly those,
    # and document the same options in its tables
    def blocks(page):
        return re.findall(r"^```\w*\n.*?^```", (DOCS / page).read_text(encoding="utf-8"), re.S | re.M)

    def options(page):
        return set(re.findall(r"^\| `(--?[\w-]+)", (DOCS / page).read_text(encoding="utf-8"), re.M))

    assert blocks("cli.zh.md") == blocks("cli.md") and len(blocks("cli.md")) >= 15
    assert options("cli.zh.md") == options("cli.md")
