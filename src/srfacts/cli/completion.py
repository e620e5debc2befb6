"""Shell completion values: record ids, industries, kinds, tiers, types and fields.

Called by Typer's completion (``srfacts --install-completion``); imported only then. Kinds,
tiers, types and fields come from the spec (``srfacts.core.spec``); ids and industries from the
knowledge file. A knowledge file that cannot be read completes nothing rather than failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from srfacts.core.errors import SrfactsError
from srfacts.core.records import KnowledgeBase
from srfacts.core.spec import RECORD_SPECS
from srfacts.output.views import TIMELINE_FIELDS, record_fields, search_fields
from srfacts.store.loader import load

_COMMAND_TYPES = {spec.section: t for t, spec in RECORD_SPECS.items()}  # a listing command is named by its section


def _data_option(ctx: Any) -> str | None:
    """The ``--data`` given before the command, if any (else ``SRFACTS_DATA`` or the bundled file)."""
    root = ctx.find_root() if ctx is not None else None
    value = root.params.get("data") if root is not None else None
    return str(value) if value else None


def _knowledge(ctx: Any) -> KnowledgeBase | None:
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
    if command in ("claims", "entities"):
        choices = _choices(_COMMAND_TYPES[command], "kind")
    else:
        choices = tuple(dict.fromkeys((*_choices("claim", "kind"), *_choices("entity", "kind"), *_tiers())))
    return [c for c in choices if c.startswith(incomplete)]


def tiers(incomplete: str) -> list[str]:
    """The industry tiers."""
    return [t for t in _tiers() if t.startswith(incomplete)]


def _choices(record_type: str, field: str) -> tuple[str, ...]:
    return RECORD_SPECS[record_type].field(field).choices


def _tiers() -> tuple[str, ...]:
    return _choices("industry", "tier")


def record_types(ctx: Any, incomplete: str) -> list[str]:
    """Record types (``timeline`` takes only metric and claim)."""
    choices = ("metric", "claim") if getattr(ctx, "info_name", None) == "timeline" else tuple(RECORD_SPECS)
    return [t for t in choices if t.startswith(incomplete)]


def fields(ctx: Any, incomplete: str) -> list[str]:
    """The fields of the command's records, completing the last of a comma-separated list."""
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
