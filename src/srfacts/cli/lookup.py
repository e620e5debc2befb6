"""Commands that look something up: search, ask, show."""

from typing import Annotated, Any

import typer

from srfacts.cli.boundary import NotFoundError
from srfacts.cli.context import choice, data_path, knowledge, language
from srfacts.cli.options import (
    COMPLETE_IDS,
    COMPLETE_KINDS,
    COMPLETE_TYPES,
    FieldsOption,
    FormatOption,
    IndustryOption,
    JsonOption,
    YearOption,
    output_format,
)
from srfacts.cli.streams import TERMINAL, emit, is_tty, note_cut, progress, use_color, width
from srfacts.core.errors import clip
from srfacts.core.i18n import _
from srfacts.core.records import RECORD_TYPES
from srfacts.output.views import parse_fields, record_fields, record_view, render_hits
from srfacts.store.loader import find

SEARCH_LIMIT = 20  # hits shown unless --limit or --all says otherwise
ASK_OTHERS = 3  # other likely records ask shows after its answer

commands = typer.Typer()  # collects this module's commands; srfacts.cli.root registers them


@commands.command(
    epilog="\b\nExamples:\n  srfacts search 光伏\n  srfacts search lithium battery --json\n  srfacts search 2248\n"
)
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words or a question, in Chinese, English or pinyin.")],
    record_type: Annotated[
        str | None,
        typer.Option("--type", help=f"Only one record type: {', '.join(RECORD_TYPES)}.", autocompletion=COMPLETE_TYPES),
    ] = None,
    industry: IndustryOption = None,
    year: YearOption = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help="Only this kind (claims, entities) or tier.", autocompletion=COMPLETE_KINDS),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Show at most this many hits (default 20).")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Show every hit, however many.")] = False,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Search names, texts, aliases, quotes and English fields (Chinese, English or pinyin)."""
    text = " ".join(query)
    chosen = choice(record_type, RECORD_TYPES, "type")
    found = find(
        data_path(ctx),
        text,
        types=(chosen,) if chosen else None,
        industry=industry,
        year=year,
        kind=kind,
        limit=None if every else (limit or SEARCH_LIMIT),
        progress=progress(),
    )
    output = output_format(fmt, as_json)
    hits = found.hits
    if found.hits or output == "json":
        lang = language(ctx)
        view = render_hits(
            hits, output, lang, fields, color=use_color(), width=width(), tty=is_tty(), wide=TERMINAL["wide"]
        )
        emit(view)
        if output == "table":
            note_cut(len(hits), found.total)
    if not found.hits:
        raise NotFoundError(_("nothing matches '{query}'").format(query=clip(text)), found.suggestions)


@commands.command(
    epilog="\b\nExamples:\n  srfacts ask 上饶规上工业企业一共有多少家？\n"
    '  srfacts --lang en ask "How many above-size enterprises does Shangrao have?"\n'
    "  srfacts ask 去年开发区营收多少 --json\n"
)
def ask(
    ctx: typer.Context,
    question: Annotated[list[str], typer.Argument(help="A question in your own words: Chinese, English or pinyin.")],
    as_json: JsonOption = False,
) -> None:
    """Answer a question: the figure as stated with its period, scope and rank, the quote and its source."""
    from srfacts.output.answer import answer_json, answer_text  # these two only for ask, not for search or show
    from srfacts.search.answer import answer  # (ask's own)

    text = " ".join(question)
    found = find(data_path(ctx), text, limit=1 + ASK_OTHERS, progress=progress())
    result = answer(text, found.hits, knowledge(ctx).sources() if found.hits else ())
    if result is None:
        if as_json:
            emit("null\n")
        raise NotFoundError(_("nothing matches '{query}'").format(query=clip(text)), found.suggestions)
    emit(answer_json(result) if as_json else answer_text(result, language(ctx)))


@commands.command(
    epilog="\b\nExamples:\n  srfacts show above-size-enterprises-total-2022 --json\n  srfacts show 晶科能源\n"
    "  srfacts show jingkenengyuan\n  srfacts show - < ids.txt\n"
)
def show(
    ctx: typer.Context,
    names: Annotated[
        list[str],
        typer.Argument(
            metavar="ID|NAME...",
            help="Ids, or names or aliases (Chinese, English or pinyin); - reads ids from stdin.",
            autocompletion=COMPLETE_IDS,
        ),
    ],
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    fields: FieldsOption = None,
) -> None:
    """Show records in full: every field, its quote and the records linked to it."""
    from srfacts.cli.domain import shown  # only show needs these: search, the hot path, starts without them
    from srfacts.cli.names import resolve, wanted_words
    from srfacts.output.views import records_view

    kb = knowledge(ctx)
    lang = language(ctx)
    words = wanted_words(names)
    found = list({r.id: r for r in (resolve(kb, word, data_path(ctx), lang) for word in words)}.values())
    if fields:
        available = dict.fromkeys(f for r in found for f in (*record_fields(r.TYPE), "context", "related"))
        chosen = parse_fields(fields, tuple(available))
    else:
        chosen = None
    output = output_format(fmt, as_json)
    views = [shown(kb, record) for record in found]
    settings: dict[str, Any] = {"color": use_color(), "width": width(), "tty": is_tty(), "fields": chosen, "lang": lang}
    emit(record_view(views[0], output, **settings) if len(views) == 1 else records_view(views, output, **settings))
