"""Options shared by the commands, their choices, and the shell completion of their values.

Shell completion (``srfacts --install-completion``): each callback imports its helpers only when
called, and the callbacks are attached only when the shell asks for completions
(``_SRFACTS_COMPLETE`` set), which spares every other run Typer's inspection of them.
"""

import os
from typing import Annotated, Any, Literal

import typer

# Choices are Literal types, which Typer offers as choices as it does an Enum's values (an Enum
# class costs some 0.2 ms to make at every start, a Literal a few microseconds).
OutputFormat = Literal["table", "json", "jsonl", "csv", "tsv", "markdown"]  # every listing and ``show``
Language = Literal["zh", "en"]  # of the interface, tables and ``show`` (JSON always carries both)


def output_format(fmt: OutputFormat, as_json: bool) -> str:
    """The format asked for with ``--format`` or its shorthand ``--json``."""
    return "json" if as_json else fmt


COMPLETING = any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def _completing(callback: Any) -> Any:
    return callback if COMPLETING else None


# The helpers are imported when the shell asks for a completion, never on an ordinary run.
def _complete_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from srfacts.cli.completion import record_ids

    return record_ids(ctx, incomplete)


def _complete_industries(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from srfacts.cli.completion import industries

    return industries(ctx, incomplete)


def _complete_kinds(ctx: typer.Context, incomplete: str) -> list[str]:
    from srfacts.cli.completion import kinds

    return kinds(ctx, incomplete)


def _complete_tiers(incomplete: str) -> list[str]:
    from srfacts.cli.completion import tiers

    return tiers(incomplete)


def _complete_types(ctx: typer.Context, incomplete: str) -> list[str]:
    from srfacts.cli.completion import record_types

    return record_types(ctx, incomplete)


def _complete_fields(ctx: typer.Context, incomplete: str) -> list[str]:
    from srfacts.cli.completion import fields

    return fields(ctx, incomplete)


COMPLETE_IDS, COMPLETE_INDUSTRIES, COMPLETE_KINDS, COMPLETE_TIERS, COMPLETE_TYPES, COMPLETE_FIELDS = (
    _completing(f)
    for f in (_complete_ids, _complete_industries, _complete_kinds, _complete_tiers, _complete_types, _complete_fields)
)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
LimitOption = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Show at most this many.")]
FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="FIELD,...",
        help="Only these fields, in this order (JSON, JSONL, CSV, TSV and tables); a wrong one lists them all.",
        autocompletion=COMPLETE_FIELDS,
    ),
]
IndustryOption = Annotated[
    str | None,
    typer.Option(
        "--industry",
        "-i",
        help="Only records linked to this industry (id, name or alias).",
        autocompletion=COMPLETE_INDUSTRIES,
    ),
]
YearOption = Annotated[int | None, typer.Option("--year", "-y", help="Only records that refer to this year.")]
BomOption = Annotated[
    bool,
    typer.Option(
        "--bom",
        help="CSV and TSV for Excel and WPS: start with a UTF-8 byte-order mark, and make cells spreadsheet-safe.",
    ),
]
SpreadsheetSafeOption = Annotated[
    bool,
    typer.Option(
        "--spreadsheet-safe",
        help="CSV and TSV: put ' before a cell starting with = + - @ (or a tab or CR), so a spreadsheet never runs it.",
    ),
]


def spreadsheet_output(fmt: str, bom: bool, spreadsheet_safe: bool) -> bool:
    """Whether CSV or TSV is for a spreadsheet (``--bom`` or ``--spreadsheet-safe``); a usage error
    (exit 2) with any other format."""
    if (bom or spreadsheet_safe) and fmt not in ("csv", "tsv"):
        from srfacts.cli.boundary import UsageError

        raise UsageError(f"{'--bom' if bom else '--spreadsheet-safe'} is for --format csv or tsv")
    return bom or spreadsheet_safe
