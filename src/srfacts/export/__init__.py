"""Exports of the knowledge base: a SQLite database (for Datasette and sqlite-utils), one JSON
document, an Excel workbook, or a folder of CSV or TSV files. ``export`` writes one; ``documents`` and ``tables`` are
what they hold."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from srfacts.core.records import KnowledgeBase
from srfacts.export.contents import Table, documents, tables
from srfacts.export.files import write_csv, write_json, write_tsv
from srfacts.export.metadata import metadata_path, write_metadata
from srfacts.export.sqlite import write_sqlite
from srfacts.export.xlsx import write_xlsx

__all__ = ["EXPORT_FORMATS", "WRITERS", "Table", "documents", "export", "metadata_path", "tables"]

WRITERS: dict[str, Callable[..., Any]] = {  # each takes (kb, path); csv and tsv also bom, spreadsheet_safe
    "sqlite": write_sqlite,
    "json": write_json,
    "csv": write_csv,
    "tsv": write_tsv,
    "xlsx": write_xlsx,
}
FOLDER_FORMATS = ("csv", "tsv")  # written as a folder of files, one a table
SPREADSHEET_FORMATS = ("csv", "tsv")  # take bom and spreadsheet_safe
EXPORT_FORMATS = tuple(WRITERS)


def export(
    kb: KnowledgeBase, fmt: str, path: Path, *, force: bool = False, bom: bool = False, spreadsheet_safe: bool = False
) -> None:
    """Write ``kb`` to ``path`` in ``fmt``; an existing target is replaced only with ``force``.

    A SQLite database gets its Datasette metadata beside it (``facts.db``: ``facts.metadata.json``).
    ``bom`` and ``spreadsheet_safe`` are for CSV and TSV (for Excel and WPS: a byte-order mark,
    and a ``'`` before a cell a spreadsheet would run); ``bom`` implies ``spreadsheet_safe``."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format '{fmt}'")
    if (path.exists() or path.is_symlink()) and not force:
        raise FileExistsError(str(path))
    if fmt == "sqlite" and not force and (metadata_path(path).exists() or metadata_path(path).is_symlink()):
        raise FileExistsError(str(metadata_path(path)))
    if fmt in FOLDER_FORMATS and path.exists() and not path.is_dir():
        raise NotADirectoryError(str(path))
    if fmt not in FOLDER_FORMATS and path.is_dir():
        raise IsADirectoryError(str(path))
    if fmt in SPREADSHEET_FORMATS:
        WRITERS[fmt](kb, path, bom=bom, spreadsheet_safe=spreadsheet_safe or bom)
    elif bom or spreadsheet_safe:
        raise ValueError(f"bom and spreadsheet_safe are for {' and '.join(SPREADSHEET_FORMATS)}, not {fmt}")
    else:
        WRITERS[fmt](kb, path)
    if fmt == "sqlite":  # and its Datasette metadata beside it: datasette facts.db -m facts.metadata.json
        write_metadata(kb, path)
