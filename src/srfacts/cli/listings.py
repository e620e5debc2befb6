"""Commands that list records: industries, metrics, claims, entities, sources, glossary, timeline."""

from collections.abc import Sequence
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
    OutputFormat,
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
from srfacts.core.tuples import NamedTuple
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


class Shown(NamedTuple):
    """How a listing is shown: the options every listing takes, read once."""

    output: str  # the format: --format, or json for --json
    fields: str | None  # --fields, as typed
    bom: bool
    spreadsheet_safe: bool
    lang: str


def _shown(ctx: typer.Context, fmt: OutputFormat, as_json: bool, fields: str | None, bom: bool, safe: bool) -> Shown:
    """The listing options of a command line (a usage error for --bom or --spreadsheet-safe with a
    format other than CSV or TSV)."""
    output = output_format(fmt, as_json)
    spreadsheet_output(output, bom, safe)
    return Shown(output, fields, bom, safe, language(ctx))


def _listing(shown: Shown, rows: list[dict[str, Any]], record_type: str, empty: str, **how: Any) -> None:
    """Emit the rows of one record type (``how``: ``total`` and ``group_by`` of ``_emit``)."""
    names = record_fields(record_type), shown_names(record_type)
    picked = parse_fields(shown.fields, *names) if shown.fields else None
    _emit(shown, rows, columns_for(record_type, shown.lang), empty, fields=picked, lang=shown.lang, **how)


def _emit(
    shown: Shown,
    rows: list[dict[str, Any]],
    columns: Sequence[Column],
    empty: str,
    *,
    total: int = 0,
    group_by: str | None = None,
    fields: Sequence[str] | None = None,
    lang: str = "zh",
) -> None:
    """Emit rows in the format asked for (an empty JSON list too), or say that there are none
    (``empty``); a table cut by ``--limit`` says how many of the ``total`` it shows. CSV and TSV
    for a spreadsheet (--bom, --spreadsheet-safe) get safe cells, and a byte-order mark for --bom
    (Chinese-locale Excel and WPS then read them as UTF-8)."""
    if shown.bom or shown.spreadsheet_safe:
        rows = spreadsheet_rows(rows)
    if shown.output == "json" or rows:
        view = render(
            rows, shown.output, columns, group_by=group_by, fields=fields, lang=lang,
            color=use_color(), width=width(), tty=is_tty(), wide=TERMINAL["wide"],
        )  # fmt: skip
        emit((BOM if shown.bom else "") + view)
        if shown.output == "table":
            note_cut(len(rows), total, LIMIT_HINT)
    if not rows:
        raise NotFoundError(empty)


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
    shown = _shown(ctx, fmt, as_json, fields, bom, spreadsheet_safe)
    kb = knowledge(ctx)
    order = choice(sort, INDUSTRY_ORDERS, "sort order") or "tier"
    found = kb.industries(tier=choice(tier, TIERS, "tier"), cluster=True if cluster else None)
    rows = [r.to_dict() for r in sorted_industries(found, order, shown.lang, data_path(ctx))[:limit]]
    group_by = "tier" if order == "tier" else None
    _listing(shown, rows, "industry", _("no industry matches"), total=len(found), group_by=group_by)


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
    shown = _shown(ctx, fmt, as_json, fields, bom, spreadsheet_safe)
    kb = knowledge(ctx)
    chosen = choice(status, STATUSES, "status")
    found = kb.metrics(industry=industry_id(kb, industry), year=year, status=chosen)
    if chart:
        _chart(found[:limit], as_json or fmt != "table" or fields is not None, shown.lang)
        return
    _listing(shown, [r.to_dict() for r in found[:limit]], "metric", _("no metric matches"), total=len(found))


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
    shown = _shown(ctx, fmt, as_json, fields, bom, spreadsheet_safe)
    kb = knowledge(ctx)
    found = kb.claims(kind=choice(kind, CLAIM_KINDS, "kind"), industry=industry_id(kb, industry), year=year)
    _listing(shown, [r.to_dict() for r in found[:limit]], "claim", _("no claim matches"), total=len(found))


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
    shown = _shown(ctx, fmt, as_json, fields, bom, spreadsheet_safe)
    kb = knowledge(ctx)
    found = kb.entities(kind=choice(kind, ENTITY_KINDS, "kind"), industry=industry_id(kb, industry))
    _listing(shown, [r.to_dict() for r in found[:limit]], "entity", _("no entity matches"), total=len(found))


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
    shown = _shown(ctx, fmt, as_json, fields, bom, spreadsheet_safe)
    _listing(shown, [r.to_dict() for r in knowledge(ctx).sources()], "source", _("no source is recorded"))


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
    shown = _shown(ctx, fmt, as_json, fields, bom, spreadsheet_safe)
    held = glossary_holding(knowledge(ctx).glossary, term)
    names = ("zh", "en", "forms", "note")
    picked = parse_fields(fields, names) if fields else None
    empty = _("no glossary entry holds '{term}'").format(term=clip(term)) if term else _("the glossary is empty")
    rows = [t.to_dict() for t in held[:limit]]
    _emit(shown, rows, [Column(name, name) for name in names], empty, total=len(held), fields=picked)


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
    shown = _shown(ctx, fmt, as_json, fields, bom, spreadsheet_safe)
    chosen = choice(record_type, ("metric", "claim"), "type")
    picked = parse_fields(fields, TIMELINE_FIELDS) if fields else None
    every = dated(knowledge(ctx), year=year, record_type=chosen)
    rows = timeline_rows(every[:limit], shown.lang, shown.output)
    columns = TIMELINE_COLUMNS_EN if shown.lang == "en" else localized(TIMELINE_COLUMNS, shown.lang)
    _emit(shown, rows, columns, _("no dated record matches"), total=len(every), fields=picked)
