"""Write the knowledge base out as a SQLite database, one JSON document, or a folder of CSV files.

The SQLite database has one table per record type (columns are the JSON fields; lists and
mappings are JSON text), link tables for the references between records, and a full-text
index per record table in the form sqlite-utils writes (``<table>_fts``, an FTS5 table with
``content=[<table>]``), so Datasette's ``?_search=`` and ``sqlite-utils search`` use it.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from srfacts.core.records import Claim, Entity, Industry, KnowledgeBase, Metric, Source, plain

EXPORT_FORMATS = ("sqlite", "json", "csv")


class Table(NamedTuple):
    """A table of the export: name, columns with their SQL types, rows, keys and searchable columns."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[tuple[Any, ...]]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, other table); the other table's key is id
    search: tuple[str, ...] = ()


# Each record table: its fields (the model's, as in JSON less ``type``) and the columns it searches.
_RECORD_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sources": (Source._fields, ("title", "title_en", "authors", "authors_en", "note")),
    "industries": (Industry._fields, ("name", "name_en", "aliases", "aliases_en", "quote", "note")),
    "metrics": (Metric._fields, ("name", "name_en", "scope", "scope_en", "quote", "note")),
    "claims": (Claim._fields, ("text", "text_en", "quote", "note")),
    "entities": (Entity._fields, ("name", "name_en", "aliases", "aliases_en", "quote", "note")),
}
_NUMBERS = {"value", "base_value"}
_BOOLEANS = {"cluster"}

# (table, from-column, from-table, to-column, to-table, the record field holding the ids)
_LINKS = (
    ("industry_entities", "industry_id", "industries", "entity_id", "entities", "entities"),
    ("metric_industries", "metric_id", "metrics", "industry_id", "industries", "industries"),
    ("metric_entities", "metric_id", "metrics", "entity_id", "entities", "entities"),
    ("claim_industries", "claim_id", "claims", "industry_id", "industries", "industries"),
    ("claim_entities", "claim_id", "claims", "entity_id", "entities", "entities"),
    ("claim_metrics", "claim_id", "claims", "metric_id", "metrics", "metrics"),
    ("entity_industries", "entity_id", "entities", "industry_id", "industries", "industries"),
)


def _records(kb: KnowledgeBase, table: str) -> Sequence[Any]:
    return {
        "sources": kb.source_records,
        "industries": kb.industry_records,
        "metrics": kb.metric_records,
        "claims": kb.claim_records,
        "entities": kb.entity_records,
    }[table]


def _sql_type(name: str) -> str:
    if name in _NUMBERS:
        return "NUMERIC"
    if name in _BOOLEANS:
        return "INTEGER"
    return "TEXT"


def _cell(value: Any) -> Any:
    """A JSON value as an SQLite value: lists and mappings as JSON text, booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def tables(kb: KnowledgeBase) -> list[Table]:
    """Every table of the export: the record tables, then the link tables."""
    out: list[Table] = []
    for name, (fields, search) in _RECORD_TABLES.items():
        rows = []
        for record in _records(kb, name):
            data = record.to_dict()
            rows.append(tuple(_cell(data[f]) for f in fields))
        foreign = (("source", "sources"),) if "source" in fields else ()
        out.append(Table(name, tuple((f, _sql_type(f)) for f in fields), rows, ("id",), foreign, search))
    for link, left, left_table, right, right_table, attribute in _LINKS:
        pairs = [
            (record.id, target)
            for record in _records(kb, left_table)
            for target in dict.fromkeys(getattr(record, attribute, ()))
        ]
        out.append(
            Table(
                link,
                ((left, "TEXT"), (right, "TEXT")),
                [tuple(p) for p in pairs],
                (left, right),
                ((left, left_table), (right, right_table)),
            )
        )
    inputs = [
        (metric.id, name, target)
        for metric in kb.metric_records
        if metric.derivation
        for name, target in metric.derivation.inputs.items()
    ]
    out.append(
        Table(
            "metric_inputs",
            (("metric_id", "TEXT"), ("name", "TEXT"), ("input_id", "TEXT")),
            [tuple(i) for i in inputs],
            ("metric_id", "name"),
            (("metric_id", "metrics"), ("input_id", "metrics")),
        )
    )
    return out


def documents(kb: KnowledgeBase) -> dict[str, Any]:
    """Every record as one JSON-ready document: schema version, then a list per record type."""
    return {
        "schema_version": kb.schema_version,
        **{name: [plain(r) for r in _records(kb, name)] for name in _RECORD_TABLES},
    }


def _quote(name: str) -> str:
    return "[" + name.replace("]", "]]") + "]"


def fts_tokenizer(connection: sqlite3.Connection) -> str:
    """``trigram`` (any substring of three characters or more, Chinese included) when SQLite has it."""
    try:
        connection.execute("CREATE VIRTUAL TABLE temp.srfacts_probe USING fts5(x, tokenize='trigram')")
        connection.execute("DROP TABLE temp.srfacts_probe")
        return "trigram"
    except sqlite3.OperationalError:
        return "unicode61"


def write_sqlite(kb: KnowledgeBase, path: Path) -> None:
    """Write the SQLite database (tables, link tables, foreign keys, FTS5 indexes) to ``path``."""
    with _atomic(path) as temporary:
        connection = sqlite3.connect(temporary)
        try:
            _fill(connection, tables(kb))
            connection.commit()
            connection.execute("VACUUM")
        finally:
            connection.close()


def _fill(connection: sqlite3.Connection, all_tables: Sequence[Table]) -> None:
    tokenizer = fts_tokenizer(connection)
    for table in all_tables:
        columns = [f"{_quote(name)} {kind}" for name, kind in table.columns]
        keys = ", ".join(_quote(k) for k in table.primary_key)
        columns.append(f"PRIMARY KEY ({keys})")
        columns += [f"FOREIGN KEY ({_quote(c)}) REFERENCES {_quote(t)}([id])" for c, t in table.foreign_keys]
        connection.execute(f"CREATE TABLE {_quote(table.name)} (\n   " + ",\n   ".join(columns) + "\n)")
        marks = ", ".join("?" for _ in table.columns)
        connection.executemany(f"INSERT INTO {_quote(table.name)} VALUES ({marks})", table.rows)
        if table.search:
            fts = _quote(f"{table.name}_fts")
            searched = ", ".join(_quote(c) for c in table.search)
            connection.execute(
                f"CREATE VIRTUAL TABLE {fts} USING FTS5 (\n    {searched},\n"
                f"    tokenize='{tokenizer}',\n    content={_quote(table.name)}\n)"
            )
            connection.execute(
                f"INSERT INTO {fts} (rowid, {searched}) SELECT rowid, {searched} FROM {_quote(table.name)}"
            )


def write_json(kb: KnowledgeBase, path: Path) -> None:
    """Write every record as one JSON document."""
    from srfacts.output.render import to_json

    text = to_json(documents(kb))
    with _atomic(path) as temporary:
        Path(temporary).write_text(text, encoding="utf-8")


def write_csv(kb: KnowledgeBase, folder: Path) -> list[Path]:
    """Write one CSV file per table (``metrics.csv``, ``claim_entities.csv`` ...) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables(kb):
        target = folder / f"{table.name}.csv"
        with _atomic(target) as temporary, open(temporary, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)  # a lone CR needs quotes
            writer.writerow([name for name, _ in table.columns])
            for row in table.rows:
                (quoted if any(isinstance(v, str) and "\r" in v for v in row) else writer).writerow(row)
        written.append(target)
    return written


WRITERS: dict[str, Callable[[KnowledgeBase, Path], Any]] = {
    "sqlite": write_sqlite,
    "json": write_json,
    "csv": write_csv,
}


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


@contextmanager
def _atomic(path: Path) -> Iterator[str]:
    """A temporary file beside ``path``, moved over it once written (removed on failure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        yield temporary
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
