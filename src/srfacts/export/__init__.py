"""Exports of the knowledge base: a SQLite database (for Datasette and sqlite-utils), one JSON
document, or a folder of CSV files. ``export`` writes one; ``documents`` and ``tables`` are what
they hold."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from srfacts.core.records import KnowledgeBase
from srfacts.export.contents import Table, documents, tables
from srfacts.export.files import write_csv, write_json
from srfacts.export.sqlite import write_sqlite

__all__ = ["EXPORT_FORMATS", "WRITERS", "Table", "documents", "export", "tables"]

WRITERS: dict[str, Callable[[KnowledgeBase, Path], Any]] = {
    "sqlite": write_sqlite,
    "json": write_json,
    "csv": write_csv,
}
EXPORT_FORMATS = tuple(WRITERS)


def export(kb: KnowledgeBase, fmt: str, path: Path, *, force: bool = False) -> None:
    """Write ``kb`` to ``path`` in ``fmt``; an existing target is replaced only with ``force``."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format '{fmt}'")
    if (path.exists() or path.is_symlink()) and not force:
        raise FileExistsError(str(path))
    if fmt == "csv" and path.exists() and not path.is_dir():
        raise NotADirectoryError(str(path))
    if fmt != "csv" and path.is_dir():
        raise IsADirectoryError(str(path))
    WRITERS[fmt](kb, path)
