"""The command line in the run's language: help texts, the words of Click's help pages and its
usage errors, through the catalogue (``srfacts.core.i18n``).

Help is written in English in the commands (the msgids). ``translate_commands`` gives the Click
commands Typer builds a context whose help page swaps in the translation as it is drawn (only a
run that draws one pays for it), measured in terminal columns. Click's own words (``Usage:``,
``Options``, ``No such option: ...``) are fixed English in the Click that Typer carries, so the
help page and the error text are translated after they are formatted (``click_text``).
"""

import re
from typing import Any

from srfacts.core.i18n import N_, _, current
from srfacts.output.tables import display_width
from srfacts.output.wrap import break_offsets

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
    command.context_class = _context_class(command.context_class)
    for sub in getattr(command, "commands", {}).values():
        translate_commands(sub)


def _translate_help(command: Any) -> None:
    """Swap the English help of ``command``, its options and subcommands for its translation (once)."""
    if current() == "en" or getattr(command, "_srfacts_translated", False):
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


def _context_class(base: Any) -> Any:
    """``base`` with its help page and usage line in the run's language, wrapped by display width."""
    if getattr(base, "localized", False):
        return base

    class LocalizedContext(base):  # type: ignore[misc]
        localized = True
        formatter_class = _formatter_class(base.formatter_class)

        def get_help(self) -> str:
            _translate_help(self.command)
            return click_text(str(super().get_help()))

        def get_usage(self) -> str:
            return click_text(str(super().get_usage()))

    return LocalizedContext


def _formatter_class(base: type) -> type:
    """Click's help formatter, measuring text in terminal columns (a Chinese character takes two)
    and breaking lines by the rules of Chinese typography; Click counts characters, so Chinese help
    would run past the edge of the terminal."""

    class WideCharFormatter(base):  # type: ignore[misc]
        def write_heading(self, heading: str) -> None:
            self.write(f"{'':>{self.current_indent}}{click_text(heading + ':')}\n")

        def write_text(self, text: str) -> None:
            indent = " " * self.current_indent
            self.write(wrap_help(text, self.width, indent, indent) + "\n")

        def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
            rows = [(first, click_text(second or "")) for first, second in rows]
            first_col = min(max((display_width(first) for first, _ in rows), default=0), col_max) + col_spacing
            for first, second in rows:
                self.write(f"{'':>{self.current_indent}}{first}")
                if not second:
                    self.write("\n")
                    continue
                if display_width(first) <= first_col - col_spacing:
                    self.write(" " * (first_col - display_width(first)))
                else:
                    self.write("\n" + " " * (first_col + self.current_indent))
                lines = wrap_help(second, max(self.width - first_col - 2, 10)).splitlines() or [""]
                self.write(lines[0] + "\n")
                for line in lines[1:]:
                    self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")

    return WideCharFormatter


def wrap_help(text: str, width: int, first_indent: str = "", indent: str = "") -> str:
    """Help text wrapped to ``width`` terminal columns, paragraph by paragraph as Click does (a
    paragraph starting with a ``\\b`` line is kept as it is), with Chinese line-breaking rules."""
    out: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", text.expandtabs().strip("\n")):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            out += [(indent if out else first_indent) + line for line in lines[1:]]
        else:
            joined = ""
            for line in (line.strip() for line in lines):
                wide = joined and not joined[-1].isascii() and line and not line[0].isascii()
                joined += line if not joined or wide else " " + line
            room = max(width - len(indent), 10)
            offsets = break_offsets(joined, room, display_width)
            for start, end in zip([0, *offsets], [*offsets, len(joined)], strict=True):
                out.append((indent if out else first_indent) + joined[start:end].rstrip())
        out.append("")
    return "\n".join(out[:-1])
