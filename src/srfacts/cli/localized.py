"""The command line in the run's language: help texts, the words of Click's help pages and its
usage errors, through the catalogue (``srfacts.core.i18n``).

Help is written in English in the commands (the msgids); ``translate_commands`` swaps in the
translation on the Click commands Typer builds, before anything is parsed. Click's own words
(``Usage:``, ``Options``, ``No such option: ...``) are fixed English in the Click that Typer
carries, so the help page and the error text are translated after they are formatted.
"""

import re
from typing import Any

from srfacts.core.i18n import N_, _, current

# Click's words on a help page and in its errors, with what they become (placeholders in {}).
CLICK_PHRASES = (
    (r"^Usage: ", N_("Usage: ")),
    (r"^Options:$", N_("Options:")),
    (r"^Arguments:$", N_("Arguments:")),
    (r"^Commands:$", N_("Commands:")),
    (r"\[default: ([^\]]*)\]", N_("[default: {0}]")),
    (r"\[required\]", N_("[required]")),
    (r"\[env var: ([^\]]*)\]", N_("[env var: {0}]")),
    (r"Show this message and exit\.", N_("Show this message and exit.")),
    (r"Try '([^']*)' for help\.", N_("Try '{0}' for help.")),
    (r"^Error: ", N_("Error: ")),
    (r"No such option: (\S+)", N_("No such option: {0}")),
    (r"\(Possible options: ([^)]*)\)", N_("(Possible options: {0})")),
    (r"No such command '([^']*)'\.", N_("No such command '{0}'.")),
    (r"Missing argument '([^']*)'\.", N_("Missing argument '{0}'.")),
    (r"Missing option '([^']*)'\.", N_("Missing option '{0}'.")),
    (r"Missing command\.", N_("Missing command.")),
    (r"Invalid value for ('[^']*'(?: / '[^']*')?): ", N_("Invalid value for {0}: ")),
    (r"'([^']*)' is not one of ((?:'[^']*'(?:, )?)+)\.", N_("'{0}' is not one of {1}.")),
    (r"'([^']*)' is not a valid (?:integer|int range)\.", N_("'{0}' is not a valid integer.")),
    (r"(\S+) is not in the range ([^.\n]+)\.", N_("{0} is not in the range {1}.")),
    (r"(\S+) option requires an argument\.", N_("{0} option requires an argument.")),
    (r"Got unexpected extra arguments? \(([^)]*)\)", N_("Got unexpected extra arguments ({0})")),
)
_COMPILED: list[tuple[re.Pattern[str], str]] = []


def click_text(text: str) -> str:
    """A help page or a usage error of Click's in the run's language (as it is in English)."""
    if current() == "en":
        return text
    if not _COMPILED:
        _COMPILED.extend((re.compile(pattern, re.M), english) for pattern, english in CLICK_PHRASES)
    for pattern, english in _COMPILED:
        translated = _(english)
        text = pattern.sub(lambda found, t=translated: t.format(*found.groups()), text)  # type: ignore[misc]
    return text


def translate_commands(command: Any) -> None:
    """Have ``command`` and all it holds show their help in the run's language (translated when a
    help page or a usage line is drawn, not before: most runs draw none)."""
    if current() == "en":
        return
    command.context_class = _context_class(command.context_class)
    for sub in getattr(command, "commands", {}).values():
        translate_commands(sub)


def _translate_help(command: Any) -> None:
    """Swap the English help of ``command``, its options and subcommands for its translation (once)."""
    if getattr(command, "_srfacts_translated", False):
        return
    command._srfacts_translated = True
    for attribute in ("help", "short_help", "epilog"):
        text = getattr(command, attribute, None)
        if text:
            setattr(command, attribute, _(text))
    for param in getattr(command, "params", ()):
        if getattr(param, "help", None):
            param.help = _(param.help)
    for sub in getattr(command, "commands", {}).values():
        _translate_help(sub)


def _context_class(base: type) -> type:
    """``base`` with its help page and usage line in the run's language."""
    if getattr(base, "localized", False):
        return base

    class LocalizedContext(base):  # type: ignore[misc]
        localized = True

        def get_help(self) -> str:
            _translate_help(self.command)
            return click_text(str(super().get_help()))

        def get_usage(self) -> str:
            return click_text(str(super().get_usage()))

    return LocalizedContext
