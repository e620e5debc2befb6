"""The srfacts command line: parse, call the core, render, exit. The only module that prints."""

import contextlib
import difflib
import errno
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from srfacts.core.errors import ExitStatus, KnowledgeFileError, NotFoundError, SrfactsError, UsageError, clip
from srfacts.core.records import CLAIM_KINDS, ENTITY_KINDS, RECORD_TYPES, TIERS, KnowledgeBase, Record
from srfacts.core.version import __version__

if TYPE_CHECKING:
    from srfacts.store.loader import Progress

SEARCH_LIMIT = 20  # hits shown unless --limit or --all says otherwise


class OutputFormat(str, Enum):
    """Output formats of every listing and of ``show``."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"


class ReportFormat(str, Enum):
    """Output formats of ``validate``."""

    text = "text"
    json = "json"


class Language(str, Enum):
    """Language of tables and ``show`` (JSON always carries both)."""

    zh = "zh"
    en = "en"


class ExportFormat(str, Enum):
    """Formats of ``export``."""

    sqlite = "sqlite"
    json = "json"
    csv = "csv"


class SafeGroup(TyperGroup):
    """The one error boundary: project errors become a message on stderr and an exit status.

    It guards parsing too: Click's own usage errors quote what was typed, so they are shown
    with control, bidi and zero-width characters neutralised like every other message.
    """

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with _boundary():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with _boundary():
            return super().invoke(ctx)


# Click's base exception, whichever Click Typer uses (its own copy in recent Typer).
_CLICK_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


@contextlib.contextmanager
def _boundary() -> Iterator[None]:
    try:
        yield
    except SrfactsError as error:
        _report(error)
        raise typer.Exit(int(error.exit_status)) from None
    except KeyboardInterrupt:
        _warn("interrupted")
        raise typer.Exit(int(ExitStatus.INTERRUPTED)) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(int(ExitStatus.OK)) from None
    except _CLICK_ERROR as error:
        shown = io.StringIO()
        error.show(file=shown)  # type: ignore[attr-defined]
        sys.stderr.write(_safe(shown.getvalue()))
        raise typer.Exit(getattr(error, "exit_code", int(ExitStatus.USAGE))) from None


EXAMPLES = """Examples:

  srfacts industries

  srfacts ask 上饶规上工业企业一共有多少家？

  srfacts search 光伏 --json

  srfacts metrics --industry photovoltaic-new-energy --year 2022

  srfacts show above-size-enterprises-total-2022

  srfacts --data my-facts.yaml validate
"""

app = typer.Typer(
    cls=SafeGroup,
    name="srfacts",
    help="Look up source-verified facts about the industry of Shangrao (上饶), Jiangxi.",
    epilog=EXAMPLES,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Shell completion (srfacts --install-completion): each callback imports its helpers only when called,
# and the callbacks are attached only when the shell asks for completions (_SRFACTS_COMPLETE set),
# which spares every other run Typer's inspection of them.
_COMPLETING = any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def _completing(callback: Any) -> Any:
    return callback if _COMPLETING else None


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


_IDS, _INDUSTRIES, _KINDS, _TIERS, _TYPES, _FIELDS = (
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
        autocompletion=_FIELDS,
    ),
]
IndustryOption = Annotated[
    str | None,
    typer.Option(
        "--industry",
        "-i",
        help="Only records linked to this industry (id, name or alias).",
        autocompletion=_INDUSTRIES,
    ),
]
YearOption = Annotated[int | None, typer.Option("--year", "-y", help="Only records that refer to this year.")]


def _warn(message: str) -> None:
    sys.stderr.write(f"srfacts: {_safe(message)}\n")


def _safe(message: str) -> str:
    from srfacts.output.render import neutralise

    return "\n".join(neutralise(line) for line in message.split("\n"))


def _report(error: SrfactsError) -> None:
    if isinstance(error, KnowledgeFileError):
        for problem in error.problems:
            sys.stderr.write(_safe(str(problem)) + "\n")
        return
    _warn(str(error))
    if isinstance(error, NotFoundError) and error.suggestions:
        sys.stderr.write(_safe(f"did you mean: {', '.join(error.suggestions)}?") + "\n")


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush says nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _use_color() -> bool:
    return _is_tty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _width() -> int | None:
    return shutil.get_terminal_size().columns if _is_tty() else None


def _emit(text: str) -> None:
    """Write to stdout; a closed pipe propagates (it ends quietly), any other failure is reported."""
    try:
        if sys.stdout is None:  # started with stdout closed (>&-)
            raise OSError(errno.EBADF, "stdout is closed")
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # disk full, closed descriptor ...
        _silence_stdout()
        raise UsageError(f"cannot write the output: {getattr(error, 'strerror', None) or error}") from None


def _fmt(fmt: OutputFormat, as_json: bool) -> str:
    return "json" if as_json else fmt.value


def _data(ctx: typer.Context) -> str | None:
    return ctx.obj.get("data") if ctx.obj else None


def _progress() -> "Progress | None":
    """A progress bar on stderr while a large knowledge file compiles, on a terminal only."""
    try:
        if not sys.stderr.isatty():
            return None
    except (AttributeError, ValueError):
        return None

    def start(description: str, total: int) -> Callable[[int], None]:
        if total < 20_000:
            return lambda done: None
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(transient=True, console=Console(stderr=True))
        bar.start()
        task = bar.add_task(description, total=total)

        def advance(done: int) -> None:
            bar.advance(task, done)
            if bar.tasks[task].completed >= total:
                bar.stop()

        return advance

    return start


def _knowledge(ctx: typer.Context) -> KnowledgeBase:
    from srfacts.store.loader import load

    return load(_data(ctx), progress=_progress())


def _lang(ctx: typer.Context) -> str:
    return str(ctx.obj.get("lang") or "zh") if ctx.obj else "zh"


def _choice(value: str | None, choices: tuple[str, ...], what: str) -> str | None:
    if value is None or value in choices:
        return value
    raise UsageError(f"unknown {what} '{clip(value)}'; choose from {', '.join(choices)}{_close(value, choices)}")


def _close(word: str, candidates: Any) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.5)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _industry(kb: KnowledgeBase, value: str | None) -> str | None:
    """An industry id from an id, a Chinese or English name or an alias."""
    from srfacts.core.records import resolve_industry

    return resolve_industry(kb.industries(), value) if value is not None else None


def _listing(
    rows: list[dict[str, Any]],
    fmt: str,
    record_type: str,
    empty: str,
    group_by: str | None = None,
    fields: str | None = None,
    lang: str = "zh",
) -> None:
    from srfacts.output.render import columns_for, parse_fields, record_fields, render

    chosen = parse_fields(fields, record_fields(record_type)) if fields else None
    if fmt == "json" or rows:
        _emit(
            render(
                rows,
                fmt,
                columns_for(record_type, lang),
                color=_use_color(),
                width=_width(),
                tty=_is_tty(),
                group_by=group_by,
                fields=chosen,
                lang=lang,
            )
        )
    if not rows:
        raise NotFoundError(empty)


def _version(value: bool) -> None:
    if value:
        _emit(f"srfacts {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    data: Annotated[
        str | None,
        typer.Option(
            "--data", envvar="SRFACTS_DATA", metavar="PATH", help="Knowledge file to read instead of the bundled one."
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    lang: Annotated[
        Language,
        typer.Option(
            "--lang", envvar="SRFACTS_LANG", case_sensitive=False, help="Language of tables and show: zh or en."
        ),
    ] = Language.zh,
) -> None:
    """Look up source-verified facts about the industry of Shangrao (上饶), Jiangxi."""
    ctx.obj = {"data": data, "lang": lang.value}


@app.command(epilog="Example: srfacts industries --tier leading --json")
def industries(
    ctx: typer.Context,
    tier: Annotated[
        str | None,
        typer.Option("--tier", "-t", help=f"One tier: {', '.join(TIERS)}.", autocompletion=_TIERS),
    ] = None,
    cluster: Annotated[bool, typer.Option("--cluster", help="Only the 千亿级 (100-billion-yuan) clusters.")] = False,
    sort: Annotated[str, typer.Option("--sort", help="Order by tier, id or name.")] = "tier",
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """List the industries of the 2+4+N system, grouped by tier."""
    kb = _knowledge(ctx)
    order = _choice(sort, ("tier", "id", "name"), "sort order")
    records = list(kb.industries(tier=_choice(tier, TIERS, "tier"), cluster=True if cluster else None))
    if order == "tier":
        records.sort(key=lambda r: TIERS.index(r.tier))
    elif order == "id":
        records.sort(key=lambda r: r.id)
    else:
        records.sort(key=lambda r: r.name)
    rows = [r.to_dict() for r in records[:limit]]
    group_by = "tier" if order == "tier" else None
    _listing(rows, _fmt(fmt, as_json), "industry", "no industry matches", group_by, fields, _lang(ctx))


@app.command(epilog="Example: srfacts metrics --industry 光伏 --year 2022 --format csv")
def metrics(
    ctx: typer.Context,
    industry: IndustryOption = None,
    year: YearOption = None,
    status: Annotated[str | None, typer.Option("--status", "-s", help="actual, target or derived.")] = None,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
    chart: Annotated[
        bool, typer.Option("--chart", help="Draw bars for the figures the data file groups (same unit and period).")
    ] = False,
) -> None:
    """List figures with value, unit, qualifier, period, scope and rank."""
    kb = _knowledge(ctx)
    chosen = _choice(status, ("actual", "target", "derived"), "status")
    records = kb.metrics(industry=_industry(kb, industry), year=year, status=chosen)
    if chart:
        _chart(records[:limit], as_json or fmt != OutputFormat.table or fields is not None, _lang(ctx))
        return
    rows = [r.to_dict() for r in records[:limit]]
    _listing(rows, _fmt(fmt, as_json), "metric", "no metric matches", None, fields, _lang(ctx))


def _chart(records: Any, other_output: bool, lang: str) -> None:
    from srfacts.output.charts import chart_groups, render_charts

    if other_output:
        raise UsageError("--chart draws bars; it takes no --format, --json or --fields")
    groups = chart_groups(records)
    if not groups:
        raise NotFoundError("none of these metrics belongs to a group of figures to chart")
    _emit(render_charts(groups, lang=lang, color=_use_color(), width=_width()))


@app.command(epilog="Example: srfacts claims --kind award")
def claims(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help=f"One kind: {', '.join(CLAIM_KINDS)}.", autocompletion=_KINDS),
    ] = None,
    industry: IndustryOption = None,
    year: YearOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """List claims: awards, rankings, records, firsts, policies, projects, targets, events."""
    kb = _knowledge(ctx)
    records = kb.claims(kind=_choice(kind, CLAIM_KINDS, "kind"), industry=_industry(kb, industry), year=year)
    rows = [r.to_dict() for r in records[:limit]]
    _listing(rows, _fmt(fmt, as_json), "claim", "no claim matches", None, fields, _lang(ctx))


@app.command(epilog="Example: srfacts entities --kind company --json")
def entities(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help=f"One kind: {', '.join(ENTITY_KINDS)}.", autocompletion=_KINDS),
    ] = None,
    industry: IndustryOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """List companies, parks, institutions, programmes, plans, policies and slogans."""
    kb = _knowledge(ctx)
    records = kb.entities(kind=_choice(kind, ENTITY_KINDS, "kind"), industry=_industry(kb, industry))
    rows = [r.to_dict() for r in records[:limit]]
    _listing(rows, _fmt(fmt, as_json), "entity", "no entity matches", None, fields, _lang(ctx))


@app.command(epilog="Example: srfacts sources --json")
def sources(
    ctx: typer.Context, fmt: FormatOption = OutputFormat.table, as_json: JsonOption = False, fields: FieldsOption = None
) -> None:
    """List the source texts the facts are quoted from."""
    kb = _knowledge(ctx)
    rows = [r.to_dict() for r in kb.sources()]
    _listing(rows, _fmt(fmt, as_json), "source", "no source is recorded", None, fields, _lang(ctx))


@app.command(epilog="Examples: srfacts glossary | srfacts glossary 专精特新 --json | srfacts glossary SVOLT")
def glossary(
    ctx: typer.Context,
    term: Annotated[
        str | None, typer.Argument(metavar="[TERM]", help="Only entries whose Chinese or English holds this.")
    ] = None,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """List the glossary: Chinese terms and the established English every English field uses."""
    import unicodedata

    from srfacts.output.render import Column, parse_fields, render

    def fold(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("-", " ").split())

    kb = _knowledge(ctx)
    wanted = fold(term or "")
    entries = [t for t in kb.glossary if any(wanted in fold(text) for text in (t.zh, t.en, *t.forms))]
    rows = [t.to_dict() for t in entries[:limit]]
    names = ("zh", "en", "forms", "note")
    picked = parse_fields(fields, names) if fields else None
    output = _fmt(fmt, as_json)
    if rows or output == "json":
        columns = [Column(name, name) for name in names]
        _emit(render(rows, output, columns, color=_use_color(), width=_width(), tty=_is_tty(), fields=picked))
    if not rows:
        raise NotFoundError(f"no glossary entry holds '{clip(term or '')}'" if term else "the glossary is empty")


@app.command(epilog="Examples: srfacts search 光伏 | srfacts search lithium battery --json | srfacts search 2248")
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words or a question, in Chinese, English or pinyin.")],
    record_type: Annotated[
        str | None,
        typer.Option("--type", help=f"Only one record type: {', '.join(RECORD_TYPES)}.", autocompletion=_TYPES),
    ] = None,
    industry: IndustryOption = None,
    year: YearOption = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help="Only this kind (claims, entities) or tier.", autocompletion=_KINDS),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Show at most this many hits (default 20).")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Show every hit, however many.")] = False,
    fmt: FormatOption = OutputFormat.table,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Search names, texts, aliases, quotes and English fields (Chinese, English or pinyin)."""
    from srfacts.output.render import render_hits
    from srfacts.store.loader import find

    text = " ".join(query)
    chosen = _choice(record_type, RECORD_TYPES, "type")
    found = find(
        _data(ctx),
        text,
        types=(chosen,) if chosen else None,
        industry=industry,
        year=year,
        kind=kind,
        limit=None if every else (limit or SEARCH_LIMIT),
        progress=_progress(),
    )
    output = _fmt(fmt, as_json)
    if found.hits or output == "json":
        _emit(render_hits(found.hits, output, _lang(ctx), fields, color=_use_color(), width=_width(), tty=_is_tty()))
    if not found.hits:
        raise NotFoundError(f"nothing matches '{clip(text)}'", found.suggestions)


@app.command(
    epilog="Examples:\n\n  srfacts ask 上饶规上工业企业一共有多少家？\n\n"
    '  srfacts --lang en ask "How many above-size enterprises does Shangrao have?"\n\n'
    "  srfacts ask 去年开发区营收多少 --json"
)
def ask(
    ctx: typer.Context,
    question: Annotated[list[str], typer.Argument(help="A question in your own words: Chinese, English or pinyin.")],
    as_json: JsonOption = False,
) -> None:
    """Answer a question: the figure as stated with its period, scope and rank, the quote and its source."""
    from srfacts.output.answer import answer_json, answer_text
    from srfacts.search.answer import answer
    from srfacts.store.loader import find

    text = " ".join(question)
    found = find(_data(ctx), text, limit=1 + 3, progress=_progress())
    result = answer(text, found.hits, _knowledge(ctx).sources() if found.hits else ())
    if result is None:
        if as_json:
            _emit("null\n")
        raise NotFoundError(f"nothing matches '{clip(text)}'", found.suggestions)
    _emit(answer_json(result) if as_json else answer_text(result, _lang(ctx)))


@app.command(epilog="Example: srfacts show above-size-enterprises-total-2022 --json")
def show(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="ID", help="The id of any record.", autocompletion=_IDS)],
    fmt: FormatOption = OutputFormat.table,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Show one record in full: every field, its quote and the records linked to it."""
    from srfacts.output.render import record_view

    kb = _knowledge(ctx)
    record = kb.get(record_id)
    if record is None:
        close = difflib.get_close_matches(record_id, list(kb.by_id), n=3, cutoff=0.5)
        raise NotFoundError(f"no record has the id '{clip(record_id)}'", close)
    chosen = None
    if fields:
        from srfacts.output.render import parse_fields, record_fields

        chosen = parse_fields(fields, (*record_fields(record.TYPE), "context", "related"))
    output = _fmt(fmt, as_json)
    view = record_view(
        _shown(kb, record), output, color=_use_color(), width=_width(), tty=_is_tty(), fields=chosen, lang=_lang(ctx)
    )
    _emit(view)


def _shown(kb: KnowledgeBase, record: Record) -> dict[str, Any]:
    from srfacts.data.fidelity import quote_context

    out = record.to_dict()
    out["context"] = quote_context(kb, record)
    out["related"] = [
        {"id": r.id, "type": r.TYPE, "label": r.label, "label_en": r.label_en} for r in kb.related(record)
    ]
    return out


@app.command(
    epilog="Examples: srfacts validate | srfacts validate my-facts.yaml --source ../shared/source --format json"
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
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
) -> None:
    """Check a knowledge file; print one `file:line: CODE message` line per problem."""
    from srfacts.output.render import to_json
    from srfacts.store.loader import load

    target = path or (ctx.obj.get("data") if ctx.obj else None)
    try:
        kb = load(target)
        where = kb.path
        problems = []
        if source is not None:
            from srfacts.data.fidelity import check_sources

            problems = check_sources(kb, source)
    except KnowledgeFileError as error:
        problems = error.problems
        where = problems[0].path if problems else str(target)
    if fmt == ReportFormat.json:
        _emit(to_json({"path": where, "valid": not problems, "problems": [p.to_dict() for p in problems]}))
    else:
        _emit("".join(_safe(str(p)) + "\n" for p in problems))
    if problems:
        _warn(f"{where}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
        raise typer.Exit(int(ExitStatus.INVALID_DATA))
    from srfacts.data.files import bundled_data_path

    checked = " and faithful to its source" if source is not None else ""
    label = "the bundled knowledge file" if where == str(bundled_data_path()) else where
    _warn(f"{label}: valid{checked} ({len(kb.all_records())} records)")


@app.command(epilog="Example: srfacts timeline --year 2022 --json")
def timeline(
    ctx: typer.Context,
    year: YearOption = None,
    record_type: Annotated[
        str | None, typer.Option("--type", help="Only metric or claim.", autocompletion=_TYPES)
    ] = None,
    limit: LimitOption = None,
    fmt: FormatOption = OutputFormat.table,
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Dated awards, events, figures and targets in time order."""
    from srfacts.core.timeline import timeline as entries
    from srfacts.output.render import TIMELINE_COLUMNS, TIMELINE_COLUMNS_EN, TIMELINE_FIELDS, parse_fields, render

    kb = _knowledge(ctx)
    chosen = _choice(record_type, ("metric", "claim"), "type")
    picked = parse_fields(fields, TIMELINE_FIELDS) if fields else None
    found = entries(kb, year=year, record_type=chosen)[:limit]
    rows = [e.to_dict() for e in found]
    output = _fmt(fmt, as_json)
    lang = _lang(ctx)
    columns = TIMELINE_COLUMNS_EN if lang == "en" else TIMELINE_COLUMNS
    if lang == "en" and output in ("table", "markdown"):
        from srfacts.output.render import figure

        for row, entry in zip(rows, found, strict=True):
            if row["figure"] is not None:
                row["figure"] = figure(entry.record.to_dict(), lang)
    if rows or output == "json":
        view = render(rows, output, columns, color=_use_color(), width=_width(), tty=_is_tty(), fields=picked)
        _emit(view)
    if not rows:
        raise NotFoundError("no dated record matches")


@app.command(epilog="Examples: srfacts schema > facts.schema.json | srfacts schema --path")
def schema(
    path: Annotated[bool, typer.Option("--path", help="Print where the bundled schema file is instead.")] = False,
) -> None:
    """Print the JSON Schema of the knowledge file (editors use it to complete and check fields)."""
    from srfacts.data.schema import SCHEMA_FILE

    _emit(f"{SCHEMA_FILE}\n" if path else SCHEMA_FILE.read_text(encoding="utf-8"))


@app.command(
    epilog="Examples: srfacts export facts.db && datasette facts.db | srfacts export --format csv facts-csv"
    " | srfacts export --format json -"
)
def export(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="Where to write: a SQLite or JSON file, or a folder for CSV ('-': JSON to stdout)."
        ),
    ],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", "-f", case_sensitive=False, help="sqlite, json or csv (default: json for *.json, else sqlite)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Write every record to a SQLite database (for Datasette and sqlite-utils), a JSON file or CSV files."""
    from pathlib import Path

    from srfacts import export as exporter

    kb = _knowledge(ctx)
    chosen = fmt.value if fmt else ("json" if target.lower().endswith(".json") or target == "-" else "sqlite")
    if target == "-":
        if chosen != "json":
            raise UsageError("only --format json can be written to stdout ('-')")
        from srfacts.output.render import to_json

        _emit(to_json(exporter.documents(kb)))
        return
    _never_the_knowledge_file(kb, chosen, Path(target))
    try:
        exporter.export(kb, chosen, Path(target), force=force)
    except FileExistsError:
        raise UsageError(f"{target} exists; add --force to replace it") from None
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    _warn(f"wrote {target} ({chosen})")


def _never_the_knowledge_file(kb: KnowledgeBase, fmt: str, target: Any) -> None:
    """Refuse an export that would replace the knowledge file in use or the bundled one (even with --force)."""
    from pathlib import Path

    from srfacts import export as exporter
    from srfacts.data.files import bundled_data_path

    written = [target / f"{table.name}.csv" for table in exporter.tables(kb)] if fmt == "csv" else [target]
    for knowledge in {Path(kb.path), bundled_data_path()}:
        for path in written:
            with contextlib.suppress(OSError, ValueError):
                if path.exists() and os.path.samefile(path, knowledge):
                    raise UsageError(f"refusing to write {clip(str(path))}: it is the knowledge file")


cache_app = typer.Typer(
    help="Show or clear the compiled cache.",
    epilog="Examples: srfacts cache info | srfacts cache clear",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info", epilog="Example: srfacts cache info --json")
def cache_info(as_json: JsonOption = False) -> None:
    """Where the cache is, how many files and bytes it holds, and whether it can be written."""
    from srfacts.output.render import to_json
    from srfacts.store import folder as cache

    facts = cache.info()
    if as_json:
        _emit(to_json(facts))
        return
    _emit(
        f"path: {_safe(facts['path'])}\nfiles: {facts['files']}\nbytes: {facts['bytes']}\n"
        f"writable: {'yes' if facts['writable'] else 'no'}\n"
    )


@cache_app.command("clear", epilog="Example: srfacts cache clear")
def cache_clear() -> None:
    """Delete every cached file (the next run compiles the knowledge file again)."""
    from srfacts.store import folder as cache

    removed = cache.clear()
    _warn(f"removed {removed} cache file{'s' if removed != 1 else ''}")


def _only_the_command_asked_for(argv: list[str]) -> None:
    """Register only the subcommand named on the command line, so start-up builds one, not all.

    Typer turns every registered command into a Click command on each start (about 1 ms
    each); a lookup needs just one. Without a known command name (help, a typo that wants
    "did you mean") every command stays registered.
    """
    names = {(c.name or c.callback.__name__ if c.callback else ""): c for c in app.registered_commands}
    for arg in argv:
        if arg in names:
            app.registered_commands = [names[arg]]
            return


def _streams() -> None:
    """Data leaves as UTF-8 whatever the locale (LC_ALL=C, PYTHONIOENCODING=ascii); what cannot be
    encoded (a lone surrogate from a non-UTF-8 argument) becomes an escape; a closed stderr is a sink."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]


def main() -> NoReturn:
    """Run the command line and exit with its status; a closed pipe or Ctrl-C ends quietly."""
    sys.exit(_run())


def console() -> NoReturn:
    """The ``srfacts`` command (and ``python -m srfacts``): ``main``, then a quick exit (see ``_exit``)."""
    _exit(_run())


def _run() -> int:
    """Run the app; its exit status."""
    status = int(ExitStatus.OK)
    try:
        _streams()
        _only_the_command_asked_for(sys.argv[1:])
        app()
    except SystemExit as done:
        status = _status(done.code)
    except KeyboardInterrupt:
        _warn("interrupted")
        status = int(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        _silence_stdout()
    return status


def _status(code: object) -> int:
    """The exit status of ``sys.exit(code)``: a number as it is, None 0, a message printed and 1."""
    if code is None or isinstance(code, int):
        return int(code or 0)
    _warn(str(code))
    return 1


def _exit(status: int) -> NoReturn:
    """End the process once its output is flushed, without tearing the interpreter down.

    Unloading Typer, Click and the standard library again at exit takes about as long as a
    lookup itself (some 9 ms) and does nothing a finished command needs. When anything is
    left to run at exit (an ``atexit`` handler, another thread: a profiler, coverage) the
    normal exit is taken instead.
    """
    import atexit
    import threading

    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()  # type: ignore[union-attr]
        except BrokenPipeError:
            if stream is sys.stdout:
                _silence_stdout()
        except (OSError, ValueError, AttributeError):
            pass
    callbacks = getattr(atexit, "_ncallbacks", None)
    if callbacks is None or callbacks() or threading.active_count() > 1:
        sys.exit(status)
    os._exit(status)
