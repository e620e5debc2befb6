"""The ``cite`` command: facts as stated with their verbatim quotes, and one reference per source."""

import difflib  # loaded by Click already
from typing import Annotated, Any, Literal

import typer

from srfacts.cli.boundary import NotFoundError
from srfacts.cli.context import knowledge, language
from srfacts.cli.options import COMPLETE_IDS
from srfacts.cli.streams import emit
from srfacts.core.errors import clip
from srfacts.core.i18n import _

commands = typer.Typer()  # collects this module's commands; srfacts.cli.root registers them


CitationStyle = Literal["gbt7714", "apa", "bibtex", "csl-json"]  # the styles of ``cite``


@commands.command(
    epilog="\b\nExamples:\n  srfacts cite above-size-enterprises-total-2022\n"
    "  srfacts --lang en cite above-size-enterprises-total-2022 jinko-first-100gw\n"
    "  srfacts cite above-size-enterprises-total-2022 --style bibtex >> refs.bib\n"
)
def cite(
    ctx: typer.Context,
    record_ids: Annotated[
        list[str], typer.Argument(metavar="ID...", help="Ids of the records to cite.", autocompletion=COMPLETE_IDS)
    ],
    style: Annotated[
        CitationStyle | None,
        typer.Option(
            "--style",
            "-s",
            case_sensitive=False,
            help="gbt7714 (GB/T 7714-2015), apa, bibtex or csl-json (default: gbt7714 for --lang zh, apa for en).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="The facts, the references in the style and the CSL items as JSON.")
    ] = False,
) -> None:
    """Cite facts: each as stated with its verbatim quote, then one reference per source."""
    from srfacts.output.citation import citation_json, citation_text, default_style, fact  # cite's own

    kb = knowledge(ctx)
    lang = language(ctx)
    facts: list[dict[str, Any]] = []
    source_ids: dict[str, None] = {}
    for record_id in dict.fromkeys(record_ids):
        record = kb.get(record_id)
        if record is None:
            close = difflib.get_close_matches(record_id, list(kb.by_id), n=3, cutoff=0.5)
            raise NotFoundError(_("no record has the id '{id}'").format(id=clip(record_id)), close)
        data = record.to_dict()
        if data.get("type") == "source":
            source_ids[record.id] = None
            continue
        facts.append(fact(data, lang))
        source_ids[str(data.get("source"))] = None
    sources = [source.to_dict() for source in kb.sources() if source.id in source_ids]
    chosen = style or default_style(lang)
    emit(citation_json(facts, sources, chosen) if as_json else citation_text(facts, sources, chosen, lang))
