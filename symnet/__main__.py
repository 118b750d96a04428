"""``python -m symnet``: the command line."""

from symnet.cli import main

main(prog_name="symnet")
