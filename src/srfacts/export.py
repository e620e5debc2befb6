"""Write the knowledge base out as a SQLite database, one JSON document, or a folder of CSV files.

The tables follow the spec (``srfacts.core.spec``). The SQLite database has one table per
record type (columns are the JSON fields; lists and mappings are JSON text), link tables for the
references between records, and a full-text index over the prose fields of each record table,
in the form sqlite-utils writes (``<table>_fts``, an FTS5 table with ``content=[<table>]``), so
Datasette's ``?_search=`` and ``sqlite-utils search`` use it.
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

from srfacts.core.records import KnowledgeBase, plain
from srfacts.core.spec import RECORD_SPECS, Spec
from srfacts.output.formats import to_json


class Table(NamedTuple):
    """A table of the export: name, columns with their SQL types, rows, keys and searchable columns."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[tuple[Any, ...]]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, other table); the other table's key is id
    search: tuple[str, ...] = ()


_SQL_TYPES = {"number": "NUMERIC", "bool": "INTEGER"}  # by field kind; every other field is TEXT


def _record_table(kb: KnowledgeBase, spec: Spec) -> Table:
    """The table of a record type: its fields (as in JSON, less ``type``), its references to sources,
    and its prose fields searched."""
    rows = []
    for record in kb.records(spec.type):
        data = record.to_dict()
        rows.append(tuple(_cell(data[name]) for name in spec.names))
    columns = tuple((f.name, _SQL_TYPES.get(f.kind, "TEXT")) for f in spec.fields)
    foreign = tuple((f.name, RECORD_SPECS[f.target].section) for f in spec.fields if f.kind == "ref")
    return Table(spec.section, columns, rows, ("id",), foreign, tuple(f.name for f in spec.text_fields))


def _link_tables(kb: KnowledgeBase, spec: Spec) -> list[Table]:
    """A table for each list of references of a record type (``metric_industries``: metric_id, industry_id)."""
    out = []
    left = f"{spec.type}_id"
    for field in spec.fields:
        if field.kind == "refs":
            right, other = f"{field.target}_id", RECORD_SPECS[field.target].section
            pairs = [
                (record.id, target)
                for record in kb.records(spec.type)
                for target in dict.fromkeys(getattr(record, field.name))
            ]
            columns = ((left, "TEXT"), (right, "TEXT"))
            keys = ((left, spec.section), (right, other))
            out.append(Table(f"{spec.type}_{field.name}", columns, pairs, (left, right), keys))
    return out


def _input_tables(kb: KnowledgeBase, spec: Spec) -> list[Table]:
    """The inputs of derived figures (``metric_inputs``: metric_id, name, input_id)."""
    out = []
    left = f"{spec.type}_id"
    for field in spec.fields:
        if field.kind == "derivation":
            inputs = [
                (record.id, name, target)
                for record in kb.records(spec.type)
                if getattr(record, field.name)
                for name, target in getattr(record, field.name).inputs.items()
            ]
            columns = ((left, "TEXT"), ("name", "TEXT"), ("input_id", "TEXT"))
            keys = ((left, spec.section), ("input_id", spec.section))
            out.append(Table(f"{spec.type}_inputs", columns, inputs, (left, "name"), keys))
    return out


def _cell(value: Any) -> Any:
    """A JSON value as an SQLite value: lists and mappings as JSON text, booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def tables(kb: KnowledgeBase) -> list[Table]:
    """Every table of the export: the record tables, then the link tables, then the inputs of derived figures."""
    specs = RECORD_SPECS.values()
    links = [table for spec in specs for table in _link_tables(kb, spec)]
    return [_record_table(kb, spec) for spec in specs] + links + [t for spec in specs for t in _input_tables(kb, spec)]


def documents(kb: KnowledgeBase) -> dict[str, Any]:
    """Every record as one JSON-ready document: schema version, then a list per record type."""
    return {
        "schema_version": kb.schema_version,
        **{spec.section: [plain(r) for r in kb.records(t)] for t, spec in RECORD_SPECS.items()},
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
