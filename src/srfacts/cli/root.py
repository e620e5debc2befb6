"""The root command: the Typer app, its global options, and the commands registered on it.

The commands live in modules by job (``listings``, ``lookup``, ``tools``); ``COMMANDS`` says
which defines each. ``app.register(names)`` imports only the modules of the commands named, and
``srfacts.cli.entry`` registers just the command asked for, so ``srfacts search ...`` imports and
builds the search command alone. Whoever looks at the commands first (help, tests, CliRunner)
without registering any gets them all.
"""

import sys
from collections.abc import Collection
from typing import Annotated, Any

import typer
from typer.models import CommandInfo, TyperInfo

from srfacts.cli.boundary import SafeGroup
from srfacts.cli.options import Language
from srfacts.cli.streams import TERMINAL, emit
from srfacts.core.i18n import current, from_environment, set_language
from srfacts.core.version import __version__

EXAMPLES = """\b
Examples:
  srfacts industries
  srfacts ask 上饶规上工业企业一共有多少家？
  srfacts search 光伏 --json
  srfacts metrics --industry photovoltaic-new-energy --year 2022
  srfacts show 晶科能源
  srfacts help search
"""

# Every command and group, in the order help lists them, and the module that defines it.
COMMANDS = {
    "industries": "listings",
    "metrics": "listings",
    "claims": "listings",
    "entities": "listings",
    "sources": "listings",
    "glossary": "listings",
    "search": "lookup",
    "ask": "lookup",
    "show": "lookup",
    "cite": "cite",
    "validate": "tools",
    "timeline": "listings",
    "schema": "tools",
    "export": "tools",
    "cache": "tools",
}
# The global options that take a value (the word after them is that value, never a command name).
OPTIONS_WITH_VALUE = ("--data", "--lang", "--ambiguous-width")


class RootApp(typer.Typer):
    """A Typer app whose commands are registered when first looked at, unless ``register`` came first."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._commands: list[CommandInfo] | None = None  # None: not registered yet
        self._groups: list[TyperInfo] | None = None

    @property
    def registered_commands(self) -> list[CommandInfo]:
        """The commands registered (every command, if none was registered before this look)."""
        if self._commands is None:
            self.register()
        assert self._commands is not None
        return self._commands

    @registered_commands.setter
    def registered_commands(self, commands: list[CommandInfo]) -> None:
        self._commands = commands

    @property
    def registered_groups(self) -> list[TyperInfo]:
        """The groups of commands registered (``cache``; all of them, as for the commands)."""
        if self._groups is None:
            self.register()
        assert self._groups is not None
        return self._groups

    @registered_groups.setter
    def registered_groups(self, groups: list[TyperInfo]) -> None:
        self._groups = groups

    def register(self, names: Collection[str] | None = None) -> None:
        """Register the commands named (all of them for None) in help's order, importing only their modules."""
        wanted = [name for name in COMMANDS if names is None or name in names]
        found = [_commands_of(module) for module in dict.fromkeys(COMMANDS[name] for name in wanted)]
        commands = {info.name or _name(info): info for defined in found for info in defined.registered_commands}
        groups = {info.name: info for defined in found for info in defined.registered_groups}
        self.registered_commands = [commands[name] for name in wanted if name in commands]
        self.registered_groups = [groups[name] for name in wanted if name in groups]


def _name(info: CommandInfo) -> str:
    return info.callback.__name__ if info.callback else ""


app = RootApp(
    cls=SafeGroup,
    name="srfacts",
    help="Look up source-verified facts about the industry of Shangrao (上饶), Jiangxi.",
    epilog=EXAMPLES,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(ctx: typer.Context, value: bool) -> None:
    if value:
        emit(f"srfacts {__version__}\n{_knowledge_file(ctx.params.get('data'))}\n")
        raise typer.Exit()


def _knowledge_file(option: str | None) -> str:
    """Which knowledge file is in use (``--data`` given before ``--version``, else SRFACTS_DATA, else
    the bundled one): its path, schema version and a short SHA-256 of its content (only --version
    needs this: hashing, the data file's paths)."""
    import hashlib
    import re

    from srfacts.cli.streams import safe
    from srfacts.core.errors import SrfactsError
    from srfacts.data.files import bundled_data_path, read_bytes, resolve_data_path

    try:
        path = resolve_data_path(option)
        content = read_bytes(path)
    except SrfactsError as error:
        return safe(f"knowledge file: cannot read it ({error})".replace("\n", " "))
    found = re.search(rb"(?m)^schema_version:[ \t]*([0-9]+)", content)
    bundled = "bundled, " if path == bundled_data_path() else ""
    schema = found.group(1).decode() if found else "unknown"
    return safe(f"knowledge file: {path} ({bundled}schema {schema}, sha256 {hashlib.sha256(content).hexdigest()[:12]})")


@app.callback()
def main_options(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data",
            envvar="SRFACTS_DATA",
            metavar="PATH",
            is_eager=True,  # read before --version, which names the knowledge file in use
            help="Knowledge file to read instead of the bundled one.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            case_sensitive=False,
            show_default=False,
            help="Language of the interface and the data shown: zh or en (default: SRFACTS_LANG, else the "
            "locale: LC_ALL, LC_MESSAGES, LANG; else zh).",
        ),
    ] = None,
    ambiguous_width: Annotated[
        int,
        typer.Option(
            "--ambiguous-width",
            envvar="SRFACTS_AMBIGUOUS_WIDTH",
            min=1,
            max=2,
            metavar="1|2",
            help="Columns your terminal draws East Asian ambiguous characters in (“ ” … ①): 1 in most "
            "terminals, 2 in those set up for CJK; tables are measured by it.",
        ),
    ] = 1,
    wide: Annotated[
        bool, typer.Option("--wide", help="On a terminal, wrap long text in tables instead of cutting it with ….")
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page (default: long output on a terminal goes through a pager).")
    ] = False,
    traceback: Annotated[
        bool,
        typer.Option("--traceback", help="On an internal error (a bug), show its traceback (also SRFACTS_DEBUG=1)."),
    ] = False,
) -> None:
    """Look up source-verified facts about the industry of Shangrao (上饶), Jiangxi."""
    set_language(lang if lang is not None else from_environment())
    ctx.obj = {"data": data, "lang": current(), "traceback": traceback}
    TERMINAL["wide"] = wide
    if ambiguous_width != 1 or "srfacts.output.tables" in sys.modules:  # a JSON run never loads the tables
        from srfacts.output.tables import set_ambiguous_width

        set_ambiguous_width(ambiguous_width)
    TERMINAL["pager"] = not no_pager


def _commands_of(module: str) -> typer.Typer:
    """The commands a module defines; each module is imported only when one of its commands is wanted."""
    if module == "listings":
        from srfacts.cli.listings import commands as listings

        return listings
    if module == "lookup":
        from srfacts.cli.lookup import commands as lookup

        return lookup
    if module == "cite":
        from srfacts.cli.cite import commands as cite

        return cite
    from srfacts.cli.tools import commands as tools

    return tools
