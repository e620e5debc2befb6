"""Commands that list records: industries, metrics, claims, entities, sources, glossary, timeline."""

from typing import Annotated, Any

import typer

from srfacts.cli.boundary import NotFoundError, UsageError
from srfacts.cli.context import choice, data_path, industry_id, knowledge, language
from srfacts.cli.domain import INDUSTRY_ORDERS, glossary_holding, sorted_industries, timeline_rows
from srfacts.cli.options import (
    COMPLETE_KINDS,
    COMPLETE_TIERS,
    COMPLETE_TYPES,
    BomOption,
    FieldsOption,
    FormatOption,
    IndustryOption,
    JsonOption,
    LimitOption,
    SpreadsheetSafeOption,
    YearOption,
    output_format,
    spreadsheet_output,
)
from srfacts.cli.streams import TERMINAL, emit, is_tty, note_cut, use_color, width
from srfacts.core.errors import clip
from srfacts.core.i18n import N_, _
from srfacts.core.records import CLAIM_KINDS, ENTITY_KINDS, STATUSES, TIERS
from srfacts.core.timeline import timeline as dated
from srfacts.output.formats import BOM, Column, spreadsheet_rows
from srfacts.output.views import (
    TIMELINE_COLUMNS,
    TIMELINE_COLUMNS_EN,
    TIMELINE_FIELDS,
    columns_for,
    localized,
    parse_fields,
    record_fields,
    render,
    shown_names,
)

LIMIT_HINT = N_("without --limit for all")
commands = typer.Typer()  # collects this module's commands; srfacts.cli.root registers them


def _listing(
    rows: list[dict[str, Any]],
    fmt: str,
    record_type: str,
    empty: str,
    group_by: str | None = None,
    fields: str | None = None,
    lang: str = "zh",
    total: int = 0,
    excel: tuple[bool, bool] = (False, False),
) -> None:
    """Emit the rows of one record type (an empty JSON list too), or say that there are none;
    a table cut by ``--limit`` says how many of the ``total`` it shows."""
    chosen = parse_fields(fields, record_fields(record_type), shown_names(record_type)) if fields else None
    rows = _for_spreadsheet(rows, fmt, excel)
    if fmt == "json" or rows:
        columns = columns_for(record_type, lang)
        view = render(
            rows,
            fmt,
            columns,
            color=use_color(),
            width=width(),
            tty=is_tty(),
            group_by=group_by,
            fields=chosen,
            lang=lang,
            wide=TERMINAL["wide"],
        )
        emit(_bom(excel[0]) + view)
        if fmt == "table":
            note_cut(len(rows), total, LIMIT_HINT)
    if not rows:
        raise NotFoundError(empty)


def _for_spreadsheet(rows: list[dict[str, Any]], fmt: str, excel: tuple[bool, bool]) -> list[dict[str, Any]]:
    """The rows with spreadsheet-safe cells for ``excel``: (--bom, --spreadsheet-safe), CSV and TSV only."""
    return spreadsheet_rows(rows) if spreadsheet_output(fmt, *excel) else rows


def _bom(bom: bool) -> str:
    """A byte-order mark for --bom (Chinese-locale Excel and WPS then read the CSV as UTF-8)."""
    return BOM if bom else ""


@commands.command(epilog="Example: srfacts industries --tier leading --json")
def industries(
    ctx: typer.Context,
    tier: Annotated[
        str | None,
        typer.Option("--tier", "-t", help=f"One tier: {', '.join(TIERS)}.", autocompletion=COMPLETE_TIERS),
    ] = None,
    cluster: Annotated[bool, typer.Option("--cluster", help="Only the 千亿级 (100-billion-yuan) clusters.")] = False,
    sort: Annotated[str, typer.Option("--sort", help="Order by tier, id or name.")] = "tier",
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    bom: BomOption = False,
    spreadsheet_safe: SpreadsheetSafeOption = False,
) -> None:
    """List the industries of the 2+4+N system, grouped by tier."""
    kb = knowledge(ctx)
    order = choice(sort, INDUSTRY_ORDERS, "sort order") or "tier"
    found = kb.industries(tier=choice(tier, TIERS, "tier"), cluster=True if cluster else None)
    rows = [r.to_dict() for r in sorted_industries(found, order, language(ctx), data_path(ctx))[:limit]]
    group_by = "tier" if order == "tier" else None
    output = output_format(fmt, as_json)
    _listing(
        rows,
        output,
        "industry",
        _("no industry matches"),
        group_by,
        fields,
        language(ctx),
        len(found),
        excel=(bom, spreadsheet_safe),
    )


@commands.command(epilog="Example: srfacts metrics --industry 光伏 --year 2022 --format csv")
def metrics(
    ctx: typer.Context,
    industry: IndustryOption = None,
    year: YearOption = None,
    status: Annotated[str | None, typer.Option("--status", "-s", help="actual, target or derived.")] = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    bom: BomOption = False,
    spreadsheet_safe: SpreadsheetSafeOption = False,
    chart: Annotated[
        bool, typer.Option("--chart", help="Draw bars for the figures the data file groups (same unit and period).")
    ] = False,
) -> None:
    """List figures with value, unit, qualifier, period, scope and rank."""
    kb = knowledge(ctx)
    chosen = choice(status, STATUSES, "status")
    found = kb.metrics(industry=industry_id(kb, industry), year=year, status=chosen)
    if chart:
        _chart(found[:limit], as_json or fmt != "table" or fields is not None, language(ctx))
        return
    rows = [r.to_dict() for r in found[:limit]]
    _listing(
        rows,
        output_format(fmt, as_json),
        "metric",
        _("no metric matches"),
        None,
        fields,
        language(ctx),
        len(found),
        excel=(bom, spreadsheet_safe),
    )


def _chart(found: Any, other_output: bool, lang: str) -> None:
    from srfacts.output.charts import chart_groups, render_charts  # only for --chart

    if other_output:
        raise UsageError(_("--chart draws bars; it takes no --format, --json or --fields"))
    groups = chart_groups(found)
    if not groups:
        raise NotFoundError(_("none of these metrics belongs to a group of figures to chart"))
    emit(render_charts(groups, lang=lang, color=use_color(), width=width()))


@commands.command(epilog="Example: srfacts claims --kind award")
def claims(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help=f"One kind: {', '.join(CLAIM_KINDS)}.", autocompletion=COMPLETE_KINDS),
    ] = None,
    industry: IndustryOption = None,
    year: YearOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    bom: BomOption = False,
    spreadsheet_safe: SpreadsheetSafeOption = False,
) -> None:
    """List claims: awards, rankings, records, firsts, policies, projects, targets, events."""
    kb = knowledge(ctx)
    kind = choice(kind, CLAIM_KINDS, "kind")
    found = kb.claims(kind=kind, industry=industry_id(kb, industry), year=year)
    rows = [r.to_dict() for r in found[:limit]]
    _listing(
        rows,
        output_format(fmt, as_json),
        "claim",
        _("no claim matches"),
        None,
        fields,
        language(ctx),
        len(found),
        excel=(bom, spreadsheet_safe),
    )


@commands.command(epilog="Example: srfacts entities --kind company --json")
def entities(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help=f"One kind: {', '.join(ENTITY_KINDS)}.", autocompletion=COMPLETE_KINDS),
    ] = None,
    industry: IndustryOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    bom: BomOption = False,
    spreadsheet_safe: SpreadsheetSafeOption = False,
) -> None:
    """List companies, parks, institutions, programmes, plans, policies and slogans."""
    kb = knowledge(ctx)
    found = kb.entities(kind=choice(kind, ENTITY_KINDS, "kind"), industry=industry_id(kb, industry))
    rows = [r.to_dict() for r in found[:limit]]
    output = output_format(fmt, as_json)
    _listing(
        rows,
        output,
        "entity",
        _("no entity matches"),
        None,
        fields,
        language(ctx),
        len(found),
        excel=(bom, spreadsheet_safe),
    )


@commands.command(epilog="Example: srfacts sources --json")
def sources(
    ctx: typer.Context,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    bom: BomOption = False,
    spreadsheet_safe: SpreadsheetSafeOption = False,
) -> None:
    """List the source texts the facts are quoted from."""
    rows = [r.to_dict() for r in knowledge(ctx).sources()]
    _listing(
        rows,
        output_format(fmt, as_json),
        "source",
        _("no source is recorded"),
        None,
        fields,
        language(ctx),
        excel=(bom, spreadsheet_safe),
    )


@commands.command(
    epilog="\b\nExamples:\n  srfacts glossary\n  srfacts glossary 专精特新 --json\n  srfacts glossary SVOLT\n"
)
def glossary(
    ctx: typer.Context,
    term: Annotated[
        str | None, typer.Argument(metavar="[TERM]", help="Only entries whose Chinese or English holds this.")
    ] = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    bom: BomOption = False,
    spreadsheet_safe: SpreadsheetSafeOption = False,
) -> None:
    """List the glossary: Chinese terms and the established English every English field uses."""
    held = glossary_holding(knowledge(ctx).glossary, term)
    rows = [t.to_dict() for t in held[:limit]]
    names = ("zh", "en", "forms", "note")
    picked = parse_fields(fields, names) if fields else None
    output = output_format(fmt, as_json)
    rows = _for_spreadsheet(rows, output, (bom, spreadsheet_safe))
    if rows or output == "json":
        columns = [Column(name, name) for name in names]
        emit(
            _bom(bom)
            + render(
                rows,
                output,
                columns,
                color=use_color(),
                width=width(),
                tty=is_tty(),
                fields=picked,
                wide=TERMINAL["wide"],
            )
        )
        if output == "table":
            note_cut(len(rows), len(held), LIMIT_HINT)
    if not rows:
        raise NotFoundError(
            _("no glossary entry holds '{term}'").format(term=clip(term or "")) if term else _("the glossary is empty")
        )


@commands.command(epilog="Example: srfacts timeline --year 2022 --json")
def timeline(
    ctx: typer.Context,
    year: YearOption = None,
    record_type: Annotated[
        str | None, typer.Option("--type", help="Only metric or claim.", autocompletion=COMPLETE_TYPES)
    ] = None,
    limit: LimitOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    bom: BomOption = False,
    spreadsheet_safe: SpreadsheetSafeOption = False,
) -> None:
    """Dated awards, events, figures and targets in time order."""
    kb = knowledge(ctx)
    chosen = choice(record_type, ("metric", "claim"), "type")
    picked = parse_fields(fields, TIMELINE_FIELDS) if fields else None
    output = output_format(fmt, as_json)
    lang = language(ctx)
    every = dated(kb, year=year, record_type=chosen)
    rows = _for_spreadsheet(timeline_rows(every[:limit], lang, output), output, (bom, spreadsheet_safe))
    columns = TIMELINE_COLUMNS_EN if lang == "en" else localized(TIMELINE_COLUMNS, lang)
    if rows or output == "json":
        emit(
            _bom(bom)
            + render(
                rows,
                output,
                columns,
                color=use_color(),
                width=width(),
                tty=is_tty(),
                fields=picked,
                wide=TERMINAL["wide"],
            )
        )
        if output == "table":
            note_cut(len(rows), len(every), LIMIT_HINT)
    if not rows:
        raise NotFoundError(_("no dated record matches"))
