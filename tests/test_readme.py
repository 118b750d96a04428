"""The README's snippet runs and prints what its comments say."""

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def snippet() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "README has no python snippet"
    return blocks[0]


def test_readme_snippet_prints_what_its_comments_promise():
    code = snippet()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "f(θ5, f(θ3, f(θ1, x1) + f(θ2, x2)), f(θ4, f(θ2, x2)))"
    assert out[1:4] == ["δh₅ = 2·h₅ - 2·y", "δz₅ = δh₅·h₅·(1 - h₅)", "δh₄ = δz₅·w₅,₂"]
    assert out[4] == "0.376322 0.087901"
    assert out[5] == "True"
    for line in ("δh₅ = 2·h₅ - 2·y", "0.376322 0.087901"):
        assert line in code  # the comments show the real output


def test_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    assert "symnet tour" in commands[0]
    assert "pytest" in commands[1]


def test_readme_table_shows_every_command():
    from symnet.cli import COMMANDS

    text = README.read_text(encoding="utf-8")
    table = text[text.index("## What is in the box"):]
    shown = set(re.findall(r"^\| `symnet (\w+)", table, re.M))
    assert shown == set(COMMANDS), sorted(set(COMMANDS) ^ shown)
