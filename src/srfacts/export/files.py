"""The JSON, CSV and TSV exports: every record as one JSON document; one CSV or TSV file per table.

CSV and TSV are verbatim by default: a cell starting with ``=`` is written as it is. For Excel
and WPS, ``bom`` starts each file with a UTF-8 byte-order mark and ``spreadsheet_safe`` puts a
``'`` before each text cell a spreadsheet would read as a formula (``--bom`` turns both on).
"""

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from srfacts.core.records import KnowledgeBase
from srfacts.export.contents import Table, documents, tables
from srfacts.export.target import atomic
from srfacts.output.formats import BOM, spreadsheet_text, to_json
from srfacts.output.safe import tsv_escape


def write_json(kb: KnowledgeBase, path: Path) -> None:
    """Write every record as one JSON document."""
    text = to_json(documents(kb))
    with atomic(path) as temporary:
        Path(temporary).write_text(text, encoding="utf-8")


def _cells(table: Table, spreadsheet_safe: bool) -> list[Sequence[Any]]:
    if not spreadsheet_safe:
        return list(table.rows)
    return [tuple(spreadsheet_text(v) if isinstance(v, str) else v for v in row) for row in table.rows]


def write_csv(kb: KnowledgeBase, folder: Path, *, bom: bool = False, spreadsheet_safe: bool = False) -> list[Path]:
    """Write one CSV file per table (``metrics.csv``, ``claim_entities.csv`` ...) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables(kb):
        target = folder / f"{table.name}.csv"
        with atomic(target) as temporary, open(temporary, "w", encoding="utf-8", newline="") as handle:
            handle.write(BOM if bom else "")
            writer = csv.writer(handle, lineterminator="\n")
            quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)  # a lone CR needs quotes
            writer.writerow([name for name, _ in table.columns])
            for row in _cells(table, spreadsheet_safe):
                (quoted if any(isinstance(v, str) and "\r" in v for v in row) else writer).writerow(row)
        written.append(target)
    return written


def write_tsv(kb: KnowledgeBase, folder: Path, *, bom: bool = False, spreadsheet_safe: bool = False) -> list[Path]:
    """Write one TSV file per table (``metrics.tsv`` ...) into ``folder``; fields backslash-escaped
    as the listings' TSV (tab, newline, CR, backslash and control characters)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables(kb):
        target = folder / f"{table.name}.tsv"
        lines = ["\t".join(name for name, _ in table.columns)]
        lines += [
            "\t".join(tsv_escape("" if v is None else str(v)) for v in row) for row in _cells(table, spreadsheet_safe)
        ]
        with atomic(target) as temporary:
            Path(temporary).write_text((BOM if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
        written.append(target)
    return written
