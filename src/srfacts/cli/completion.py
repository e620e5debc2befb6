"""Shell completion values: record ids, industries, kinds, tiers, types and fields.

Called by Typer's completion (``srfacts --install-completion``); imported only then. A
knowledge file that cannot be read completes nothing rather than failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from srfacts.core.records import CLAIM_KINDS, ENTITY_KINDS, RECORD_TYPES, TIERS, KnowledgeBase


def _data_option(ctx: Any) -> str | None:
    """The ``--data`` given before the command, if any (else ``SRFACTS_DATA`` or the bundled file)."""
    root = ctx.find_root() if ctx is not None else None
    value = root.params.get("data") if root is not None else None
    return str(value) if value else None


def _knowledge(ctx: Any) -> KnowledgeBase | None:
    from srfacts.core.errors import SrfactsError
    from srfacts.store.loader import load

    try:
        return load(_data_option(ctx))
    except (SrfactsError, OSError):
        return None


def _starting(incomplete: str, items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    wanted = incomplete.casefold()
    seen: dict[str, str] = {}
    for value, help_text in items:
        if value.casefold().startswith(wanted) and value not in seen:
            seen[value] = help_text
    return list(seen.items())


def record_ids(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Ids of every record starting with ``incomplete``, each with its English label."""
    kb = _knowledge(ctx)
    if kb is None:
        return []
    return _starting(incomplete, ((r.id, r.label_en) for r in kb.all_records()))


def industries(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Industry ids, then Chinese names and aliases, starting with ``incomplete``."""
    kb = _knowledge(ctx)
    if kb is None:
        return []
    items = [(i.id, i.name_en) for i in kb.industries()]
    items += [(name, i.id) for i in kb.industries() for name in (i.name, *i.aliases)]
    return _starting(incomplete, items)


def kinds(ctx: Any, incomplete: str) -> list[str]:
    """Kinds of the command being completed: claim kinds, entity kinds, or both and the tiers."""
    command = getattr(ctx, "info_name", None)
    if command == "claims":
        choices: tuple[str, ...] = CLAIM_KINDS
    elif command == "entities":
        choices = ENTITY_KINDS
    else:
        choices = tuple(dict.fromkeys((*CLAIM_KINDS, *ENTITY_KINDS, *TIERS)))
    return [c for c in choices if c.startswith(incomplete)]


def tiers(incomplete: str) -> list[str]:
    """The industry tiers."""
    return [t for t in TIERS if t.startswith(incomplete)]


def record_types(ctx: Any, incomplete: str) -> list[str]:
    """Record types (``timeline`` takes only metric and claim)."""
    choices = ("metric", "claim") if getattr(ctx, "info_name", None) == "timeline" else RECORD_TYPES
    return [t for t in choices if t.startswith(incomplete)]


_COMMAND_TYPES = {
    "industries": "industry",
    "metrics": "metric",
    "claims": "claim",
    "entities": "entity",
    "sources": "source",
}


def fields(ctx: Any, incomplete: str) -> list[str]:
    """The fields of the command's records, completing the last of a comma-separated list."""
    from srfacts.output.render import TIMELINE_FIELDS, record_fields, search_fields

    command = getattr(ctx, "info_name", None)
    if command in _COMMAND_TYPES:
        available: tuple[str, ...] = record_fields(_COMMAND_TYPES[command])
    elif command == "timeline":
        available = TIMELINE_FIELDS
    else:
        available = (*search_fields(), "context", "related")
    done, _, last = incomplete.rpartition(",")
    chosen = set(done.split(",")) if done else set()
    prefix = f"{done}," if done else ""
    return [prefix + f for f in available if f.startswith(last) and f not in chosen]
