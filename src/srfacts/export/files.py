"""The JSON and CSV exports: every record as one JSON document; one CSV file per table."""

import csv
from pathlib import Path

from srfacts.core.records import KnowledgeBase
from srfacts.export.contents import documents, tables
from srfacts.export.target import atomic
from srfacts.output.formats import to_json


def write_json(kb: KnowledgeBase, path: Path) -> None:
    """Write every record as one JSON document."""
    text = to_json(documents(kb))
    with atomic(path) as temporary:
        Path(temporary).write_text(text, encoding="utf-8")


def write_csv(kb: KnowledgeBase, folder: Path) -> list[Path]:
    """Write one CSV file per table (``metrics.csv``, ``claim_entities.csv`` ...) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables(kb):
        target = folder / f"{table.name}.csv"
        with atomic(target) as temporary, open(temporary, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)  # a lone CR needs quotes
            writer.writerow([name for name, _ in table.columns])
            for row in table.rows:
                (quoted if any(isinstance(v, str) and "\r" in v for v in row) else writer).writerow(row)
        written.append(target)
    return written
