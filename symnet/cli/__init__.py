"""The ``symnet`` command line: a click group whose commands load lazily, one module each.

Only click is imported here, so ``symnet --help`` answers at once; SymPy, NumPy and matplotlib are
imported inside the commands. The language (``--lang`` anywhere on the command line, else ``LANG=zh_*``)
is read from the raw arguments before click parses them, so that help, built before the options are
parsed, is in Chinese too (``symnet.cli.help_zh``).
"""

from __future__ import annotations

import copy
import importlib
import sys

import click

from .lang import LANGS, META_KEY, argv_lang, remember_lang, shows_chinese

# command name -> (module in symnet.cli, function name)
COMMANDS = {
    "show": ("inspect", "show"),
    "grad": ("inspect", "grad"),
    "hessian": ("hessian", "hessian"),
    "check": ("check", "check"),
    "quiz": ("quiz", "quiz"),
    "codegen": ("inspect", "codegen"),
    "derive": ("derive", "derive"),
    "graph": ("derive", "graph"),
    "train": ("train", "train"),
    "predict": ("predict", "predict"),
    "descend": ("descend", "descend"),
    "tower": ("towers", "tower"),
    "approx": ("towers", "approx"),
    "tour": ("tour", "tour"),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is used or listed."""

    def list_commands(self, ctx):
        return list(COMMANDS)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:   # "No such command '…'": long user text cut, as in every message
            from .common import shorten

            error.message = shorten(error.message)
            raise

    def parse_args(self, ctx, args):
        ctx.meta[META_KEY] = argv_lang(["symnet", *args])    # before --help prints anything
        return super().parse_args(ctx, args)

    def get_help(self, ctx):
        if chinese_help(ctx):
            from .help_zh import GROUP

            ctx.command = in_chinese(self, None, GROUP)
            return click.Group.get_help(ctx.command, ctx)
        return super().get_help(ctx)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        # an import error here is a bug in symnet, not a typo of the user's: let it show
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        return in_chinese(command, name) if chinese_help(ctx) else command


def chinese_help(ctx) -> bool:
    """Help in Chinese: asked for (--lang zh, LANG=zh_*) and a terminal that can show it (else English, not '?')."""
    return ctx is not None and ctx.meta.get(META_KEY) == "zh" and shows_chinese(sys.stdout)


def in_chinese(command: click.Command, name: str | None, summary: str | None = None) -> click.Command:
    """A copy of ``command`` whose summary and options' help are Chinese (``symnet.cli.help_zh``)."""
    from .help_zh import COMMANDS as SUMMARIES
    from .help_zh import option_help

    translated = copy.copy(command)
    translated.help = translated.short_help = summary or SUMMARIES[name]
    translated.params = [copy.copy(p) for p in command.params]
    for param in translated.params:
        if isinstance(param, click.Option) and not param.hidden and option_help(name or "", param.name):
            param.help = option_help(name or "", param.name)
    if command.epilog:
        translated.epilog = command.epilog.replace("Examples:", "示例：").replace("Example:", "示例：")
    return translated


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symnet")
@click.option("--lang", type=click.Choice(LANGS), expose_value=False, is_eager=True, callback=remember_lang,
              help="Language of help, messages and figures: en or zh (default: zh when LANG=zh_*, else en).")
def main():
    """symnet: neural networks as formulas. Derive, print, check and train symbolic gradients."""
