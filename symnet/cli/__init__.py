"""The ``symnet`` command line: a click group whose commands load lazily, one module each.

Only click is imported here, so ``symnet --help`` answers at once; SymPy, NumPy and matplotlib are
imported inside the commands.
"""

from __future__ import annotations

import importlib

import click

# command name -> (module in symnet.cli, function name)
COMMANDS = {
    "show": ("inspect", "show"),
    "grad": ("inspect", "grad"),
    "check": ("check", "check"),
    "quiz": ("quiz", "quiz"),
    "codegen": ("inspect", "codegen"),
    "derive": ("derive", "derive"),
    "graph": ("derive", "graph"),
    "train": ("train", "train"),
    "predict": ("predict", "predict"),
    "descend": ("train", "descend"),
    "tower": ("towers", "tower"),
    "approx": ("towers", "approx"),
    "tour": ("tour", "tour"),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is used or listed."""

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        # an import error here is a bug in symnet, not a typo of the user's: let it show
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symnet")
def main():
    """symnet: neural networks as formulas. Derive, print, check and train symbolic gradients."""
