"""What every command takes from the command line around it: the global options, the knowledge
base they point at, and values checked against their choices."""

import difflib  # loaded by Click already
from collections.abc import Iterable

import typer

from srfacts.cli.boundary import UsageError
from srfacts.cli.streams import progress
from srfacts.core.errors import clip
from srfacts.core.i18n import _, current, heading, label, value_of
from srfacts.core.records import KnowledgeBase, resolve_industry
from srfacts.store.loader import load


def data_path(ctx: typer.Context) -> str | None:
    """The knowledge file given with ``--data`` or SRFACTS_DATA (None: the bundled one); an empty
    ``--data ''`` is a usage error, never the bundled file in disguise."""
    chosen = ctx.obj.get("data") if ctx.obj else None
    if chosen == "":
        raise UsageError(_("--data needs a file name, not an empty one"))
    return str(chosen) if chosen is not None else None


def language(ctx: typer.Context) -> str:
    """The language of tables, headers and ``show``: ``zh`` or ``en``."""
    return str(ctx.obj.get("lang") or "zh") if ctx.obj else "zh"


def knowledge(ctx: typer.Context) -> KnowledgeBase:
    """The knowledge base in use, from its compiled cache when it has one."""
    return load(data_path(ctx), progress=progress())


def choice(value: str | None, choices: tuple[str, ...], what: str) -> str | None:
    """The choice ``value`` names, by its value or its label in either language (``--tier 主导`` is
    ``leading``), or None for None; else a usage error naming the choices."""
    if value is None:
        return None
    chosen = value_of(what, value, choices)
    if chosen is not None:
        return chosen
    named = ", ".join(f"{c} ({label(what, c, 'zh')})" if label(what, c, "zh") != c else c for c in choices)
    message = _("unknown {what} '{value}'; choose from {choices}").format(
        what=heading(what, current()), value=clip(value), choices=named
    )
    raise UsageError(message + close_to(value, choices))


def close_to(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean a or b?)`` for the candidates close to ``word``; empty if none is."""
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.5)
    return _(" (did you mean {names}?)").format(names=_(" or ").join(close)) if close else ""


def industry_id(kb: KnowledgeBase, value: str | None) -> str | None:
    """An industry id from an id, a Chinese or English name or an alias (None: no filter)."""
    return resolve_industry(kb.industries(), value) if value is not None else None
