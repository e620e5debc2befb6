"""The command line as people type it, put in the order Click reads.

Global options may come after the command (``srfacts industries --lang en``): they are moved
before it. ``srfacts help [COMMAND]`` is ``srfacts [COMMAND] --help``, and a bare ``srfacts``
is ``srfacts --help`` (help on stdout, exit 0).
"""

from collections.abc import Sequence

from srfacts.core.i18n import LANGUAGES, from_environment

# The global options (``srfacts.cli.root``): those taking a value, and flags.
GLOBAL_WITH_VALUE = ("--data", "--lang", "--ambiguous-width")
GLOBAL_FLAGS = ("--wide", "--no-pager", "--traceback", "--version", "-V")
HELP = ("-h", "--help")


def command_index(argv: Sequence[str]) -> int | None:
    """Where the command stands: the first word neither an option nor a global option's value."""
    at = 0
    while at < len(argv):
        word = argv[at]
        if word == "--":
            return at + 1 if at + 1 < len(argv) else None
        if word in HELP:
            return None
        if word.startswith("-") and word != "-":
            at += 2 if word in GLOBAL_WITH_VALUE else 1
            continue
        return at
    return None


def arranged(argv: Sequence[str]) -> list[str]:
    """``argv`` with the global options after the command moved before it, and help asked for by name."""
    words = list(argv)
    if not words:
        return ["--help"]
    at = command_index(words)
    if at is None and _only_settings(words):  # srfacts --lang en: help, in that language
        return [*words, "--help"]
    if at is None or (at and words[at - 1] == "--"):
        return words
    moved: list[str] = []
    kept: list[str] = []
    rest = iter(words[at + 1 :])
    for word in rest:
        if word == "--":
            kept += [word, *rest]
            break
        if word.split("=", 1)[0] in GLOBAL_WITH_VALUE:
            moved.append(word)
            if "=" not in word:
                value = next(rest, None)
                moved += [value] if value is not None else []
        elif word in GLOBAL_FLAGS:
            moved.append(word)
        else:
            kept.append(word)
    if words[at] == "help":  # help [COMMAND [SUBCOMMAND]]: the command's own help
        return [*words[:at], *moved, *[w for w in kept if not w.startswith("-")], "--help"]
    return [*words[:at], *moved, words[at], *kept]


def _only_settings(words: Sequence[str]) -> bool:
    """Whether ``words`` are global settings alone (no version, help or completion asked for)."""
    rest = iter(words)
    for word in rest:
        if word.split("=", 1)[0] in GLOBAL_WITH_VALUE:
            if "=" not in word:
                next(rest, None)
        elif word not in ("--wide", "--no-pager", "--traceback"):
            return False
    return True


def language_asked_for(argv: Sequence[str]) -> str:
    """The language of the run: ``--lang`` before the command (``arranged`` moves it there), else the
    environment's (``srfacts.core.i18n``). Read before Click parses, so that help is in it too."""
    words = list(argv)
    end = command_index(words)
    for at, word in enumerate(words[:end]):
        value = word.split("=", 1)[1] if word.startswith("--lang=") else None
        if word == "--lang" and at + 1 < len(words):
            value = words[at + 1]
        if value is not None and value.lower() in LANGUAGES:
            return value.lower()
    return from_environment()
