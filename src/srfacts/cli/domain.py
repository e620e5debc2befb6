"""Domain logic the commands need that belongs in a lower layer, kept here until that layer takes it.

Each function says where it belongs: the order of industries and the glossary's matching in the
core (``core/records.py``), a timeline's figures in the output layer, the record ``show`` displays
in the data layer, and the export policy in ``srfacts.export``. Those files have other owners
for now; moving a function is a matter of moving it and changing one import.
"""

import contextlib
import os
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srfacts.core.records import TIERS, GlossaryTerm, Industry, KnowledgeBase, Record
from srfacts.data.files import bundled_data_path
from srfacts.output.views import figure

if TYPE_CHECKING:
    from srfacts.core.timeline import Entry as TimelineEntry

INDUSTRY_ORDERS = ("tier", "id", "name")


def sorted_industries(
    records: Iterable[Industry], order: str, lang: str = "zh", data: str | None = None
) -> list[Industry]:
    """Industries by tier (leading first, in file order within a tier), by id, or by name: the
    Chinese name in pinyin order (``zh``), the English name (``en``)."""
    if order == "tier":
        return sorted(records, key=lambda r: TIERS.index(r.tier))
    if order == "id":
        return sorted(records, key=lambda r: r.id)
    if lang == "en":
        return sorted(records, key=lambda r: (r.name_en.casefold(), r.id))
    records = list(records)
    spelt = pinyin_of(data, (r.name for r in records))
    return sorted(records, key=lambda r: (spelt[r.name], r.name, r.id))


def pinyin_of(data: str | None, texts: Iterable[str]) -> dict[str, str]:
    """Each text spelt in pinyin for sorting (光伏 -> "guang fu"), read from the compiled search index
    (which holds the pinyin of every character), so that pypinyin is never imported here."""
    from srfacts.store.loader import open_store  # only a sort by name reads the pinyin

    store = open_store(data)
    index: Any = store
    if store is None:  # no cache: the index in memory (it computes the pinyin)
        from srfacts.search.engine import memory_index
        from srfacts.store.loader import load

        index = memory_index(load(data, use_cache=False))
    try:
        return {text: " ".join(index.char_pinyin(c) or c.casefold() for c in text) for text in texts}
    finally:
        if store is not None:
            store.close()


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("-", " ").split())


def glossary_holding(terms: Iterable[GlossaryTerm], term: str | None) -> list[GlossaryTerm]:
    """The glossary entries whose Chinese, English or other forms hold ``term`` (width, case and
    hyphens aside); every entry for None. (core)"""
    wanted = _fold(term or "")
    return [t for t in terms if any(wanted in _fold(text) for text in (t.zh, t.en, *t.forms))]


def timeline_rows(entries: Sequence["TimelineEntry"], lang: str, output: str) -> list[dict[str, Any]]:
    """The timeline's rows; in English tables and Markdown, figures as English writes them. (output)"""
    rows = [e.to_dict() for e in entries]
    if lang == "en" and output in ("table", "markdown"):
        for row, entry in zip(rows, entries, strict=True):
            if row["figure"] is not None:
                row["figure"] = figure(entry.record.to_dict(), lang)
    return rows


def shown(kb: KnowledgeBase, record: Record) -> dict[str, Any]:
    """What ``show`` displays of a record: its fields, its quote in context and the records linked. (data)"""
    from srfacts.data.fidelity import quote_context  # only show needs it, of the commands importing this module

    out = record.to_dict()
    out["context"] = quote_context(kb, record)
    out["related"] = [
        {"id": r.id, "type": r.TYPE, "label": r.label, "label_en": r.label_en} for r in kb.related(record)
    ]
    return out


def export_format(target: str, asked: str | None) -> str:
    """The format of an export: the one asked for, else json for ``*.json`` and ``-``, else sqlite. (export)"""
    if asked:
        return asked
    return "json" if target.lower().endswith(".json") or target == "-" else "sqlite"


def knowledge_file_hit(kb: KnowledgeBase, fmt: str, target: Path) -> Path | None:
    """The path an export would write that is the knowledge file in use or the bundled one, if any:
    such an export is refused, even with --force. (export)"""
    from srfacts import export as exporter  # only export needs it (and sqlite3, which it imports)

    written = [target / f"{table.name}.csv" for table in exporter.tables(kb)] if fmt == "csv" else [target]
    for knowledge in {Path(kb.path), bundled_data_path()}:
        for path in written:
            with contextlib.suppress(OSError, ValueError):
                if path.exists() and os.path.samefile(path, knowledge):
                    return path
    return None
