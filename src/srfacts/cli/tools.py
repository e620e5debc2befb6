"""Commands that work on the files themselves: validate, schema, export, cache info and cache clear."""

from pathlib import Path
from typing import Annotated, Literal

import typer

from srfacts.cli.boundary import ExitStatus, UsageError, named
from srfacts.cli.context import data_path, knowledge
from srfacts.cli.domain import export_format, knowledge_file_hit
from srfacts.cli.options import BomOption, JsonOption, SpreadsheetSafeOption
from srfacts.cli.streams import emit, safe, warn
from srfacts.core.errors import KnowledgeFileError, Problem, clip
from srfacts.data.files import bundled_data_path
from srfacts.output.formats import to_json
from srfacts.store import folder as cache
from srfacts.store.loader import load

commands = typer.Typer()  # collects this module's commands; srfacts.cli.root registers them


ReportFormat = Literal["text", "json"]  # of ``validate``
ExportFormat = Literal["sqlite", "json", "csv", "tsv", "xlsx"]  # of ``export``


@commands.command(
    epilog="\b\nExamples:\n  srfacts validate\n"
    "  srfacts validate my-facts.yaml --source ../shared/source --format json\n"
)
def validate(
    ctx: typer.Context,
    path: Annotated[str | None, typer.Argument(help="Knowledge file to check (default: the one in use).")] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", metavar="FILE|DIR", help="Also prove every record against the source text (file or folder)."
        ),
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = "text",
) -> None:
    """Check a knowledge file; print one `file:line: CODE message` line per problem."""
    target = path or data_path(ctx)
    problems: list[Problem] = []
    try:
        kb = load(target)
        where = kb.path
        if source is not None:
            from srfacts.data.fidelity import check_sources  # only for --source

            problems = check_sources(kb, source)
    except KnowledgeFileError as error:
        problems = error.problems
        where = problems[0].path if problems else str(target)
    if fmt == "json":
        emit(to_json({"path": where, "valid": not problems, "problems": [p.to_dict() for p in problems]}))
    else:
        emit("".join(safe(str(p)) + "\n" for p in problems))
    if problems:
        warn(f"{where}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
        raise typer.Exit(int(ExitStatus.INVALID_DATA))
    checked = " and faithful to its source" if source is not None else ""
    label = "the bundled knowledge file" if where == str(bundled_data_path()) else where
    warn(f"{label}: valid{checked} ({len(kb.all_records())} records)")


@commands.command(epilog="\b\nExamples:\n  srfacts schema > facts.schema.json\n  srfacts schema --path\n")
def schema(
    path: Annotated[bool, typer.Option("--path", help="Print where the bundled schema file is instead.")] = False,
) -> None:
    """Print the JSON Schema of the knowledge file (editors use it to complete and check fields)."""
    from srfacts.data.schema import SCHEMA_FILE  # only for schema

    emit(f"{SCHEMA_FILE}\n" if path else SCHEMA_FILE.read_text(encoding="utf-8"))


@commands.command(
    epilog="\b\nExamples:\n  srfacts export facts.db\n  srfacts export --format xlsx facts.xlsx\n"
    "  srfacts export --format csv --bom facts-csv\n  srfacts export --format json -\n"
)
def export(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="Where to write: a SQLite, JSON or Excel file, or a folder for CSV and TSV ('-': JSON to stdout).",
        ),
    ],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="sqlite, json, csv, tsv or xlsx (default: json for *.json, else sqlite).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    bom: BomOption = False,
    spreadsheet_safe: SpreadsheetSafeOption = False,
) -> None:
    """Write every record to a SQLite database (for Datasette), a JSON file, an Excel workbook, or CSV or TSV files."""
    from srfacts import export as exporter  # only for export (it imports sqlite3)

    kb = knowledge(ctx)
    chosen = export_format(target, fmt)
    if target == "-":
        if chosen != "json":
            raise UsageError("only --format json can be written to stdout ('-')")
        emit(to_json(exporter.documents(kb)))
        return
    if (bom or spreadsheet_safe) and chosen not in ("csv", "tsv"):
        raise UsageError(f"{'--bom' if bom else '--spreadsheet-safe'} is for --format csv or tsv")
    knowledge_file = knowledge_file_hit(kb, chosen, Path(target))
    if knowledge_file is not None:
        raise UsageError(f"refusing to write {clip(str(knowledge_file))}: it is the knowledge file")
    try:
        exporter.export(kb, chosen, Path(target), force=force, bom=bom, spreadsheet_safe=spreadsheet_safe)
    except FileExistsError as error:
        existing = str(error.args[0]) if len(error.args) == 1 else target  # FileExistsError(path) of export()
        raise UsageError(f"{named(existing)} exists; add --force to replace it") from None
    except IsADirectoryError:
        raise UsageError(f"cannot write {named(target)}: it is a directory") from None
    except NotADirectoryError:
        raise UsageError(
            f"cannot write {named(target)}: it is not a directory (--format csv writes a folder)"
        ) from None
    except OSError as error:
        raise UsageError(f"cannot write {named(target)}: {error.strerror or error}") from None
    extra = (
        f", and its Datasette metadata {named(str(exporter.metadata_path(Path(target))))}" if chosen == "sqlite" else ""
    )
    warn(f"wrote {named(target)} ({chosen}{extra})")


cache_app = typer.Typer(
    help="Show or clear the compiled cache.",
    epilog="\b\nExamples:\n  srfacts cache info\n  srfacts cache clear\n",
    no_args_is_help=True,
)
commands.add_typer(cache_app, name="cache")


@cache_app.command("info", epilog="\b\nExample:\n  srfacts cache info --json\n")
def cache_info(as_json: JsonOption = False) -> None:
    """Where the cache is, how many files and bytes it holds, and whether it can be written."""
    facts = cache.info()
    if as_json:
        emit(to_json(facts))
        return
    emit(
        f"path: {safe(facts['path'])}\nfiles: {facts['files']}\nbytes: {facts['bytes']}\n"
        f"writable: {'yes' if facts['writable'] else 'no'}\n"
    )


@cache_app.command("clear", epilog="\b\nExample:\n  srfacts cache clear\n")
def cache_clear() -> None:
    """Delete every cached file (the next run compiles the knowledge file again)."""
    removed = cache.clear()
    warn(f"removed {removed} cache file{'s' if removed != 1 else ''}")
