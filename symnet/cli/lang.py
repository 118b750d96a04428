"""Which language the command line speaks: ``--lang`` on the command line, else ``LANG=zh_*``, else English.

Read before click parses anything, so that ``--help`` (built before options are parsed) can be in
Chinese too. Only the standard library is imported: ``symnet --help`` stays instant.
"""

from __future__ import annotations

import os
import sys

LANGS = ("en", "zh")
META_KEY = "symnet.lang"     # click's ctx.meta (shared by a group and its command): the language in force
LANG_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")   # POSIX order: the first one set wins


def env_lang(environ=None) -> str:
    """``zh`` when the locale (LC_ALL, LC_MESSAGES or LANG, the first one set) is Chinese, else ``en``.

    >>> env_lang({"LANG": "zh_CN.UTF-8"}), env_lang({"LANG": "de_DE.UTF-8"}), env_lang({})
    ('zh', 'en', 'en')
    """
    environ = os.environ if environ is None else environ
    for name in LANG_VARIABLES:
        value = environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def argv_lang(argv=None, environ=None) -> str:
    """The language a command line asks for: ``--lang X`` / ``--lang=X`` in it, else ``env_lang``.

    >>> argv_lang(["symnet", "tower", "--lang", "zh", "--help"], {}), argv_lang(["symnet", "--lang=en"], {"LANG": "zh_TW"})
    ('zh', 'en')
    """
    argv = sys.argv if argv is None else argv
    for i, word in enumerate(argv):
        if word == "--":
            break
        value = argv[i + 1] if word == "--lang" and i + 1 < len(argv) else word[len("--lang="):] \
            if word.startswith("--lang=") else None
        if value in LANGS:
            return value
    return env_lang(environ)


def current_lang() -> str:
    """The language of the command running now: its ``--lang``, else the command line's, else ``env_lang``."""
    import click

    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(META_KEY, env_lang()) if ctx is not None else env_lang()


def remember_lang(ctx, param, value):
    """The ``--lang`` callback: the language in force for messages and figures (``current_lang``)."""
    if value is not None:
        ctx.meta[META_KEY] = value
    return value


def shows_chinese(stream) -> bool:
    """Whether ``stream``'s encoding can write Chinese (UTF-8 and GBK can; ASCII and Latin-1 cannot)."""
    try:
        "中文".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def shown_lang(stream) -> str:
    """``current_lang()``, or English where ``stream`` cannot show Chinese."""
    return current_lang() if shows_chinese(stream) else "en"


ASCII_CHINESE = "--lang zh needs UTF-8 output, but --ascii was given"


def refuse_ascii_chinese(ascii: bool) -> None:
    """Chinese words cannot be spelled in ASCII: every command refuses ``--ascii`` with ``--lang zh`` (or
    ``LANG=zh_*``) in one message, as ``symnet derive`` always has, rather than print question marks."""
    if ascii and current_lang() == "zh":
        raise ValueError(f"{ASCII_CHINESE}; use --lang en for ASCII output, or leave out --ascii")


def wrote(path, lang: str | None = None) -> str:
    """"wrote PATH" in the language in force (``current_lang()`` unless ``lang`` is given)."""
    from symnet.render.i18n import t

    return t("cli_wrote", lang or shown_lang(sys.stderr), path=path)


def error_prefix(lang: str | None = None) -> str:
    """"Error: " in the language in force: the start of every user error's one line."""
    from symnet.render.i18n import t

    return t("cli_error", lang or shown_lang(sys.stderr))
