"""``python -m symnet.cli``: run the ``symnet`` command line (used by tests and when not installed)."""

from symnet.cli import main

main(prog_name="symnet")
