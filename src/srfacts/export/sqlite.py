"""The SQLite export: one table per record type, link tables, foreign keys, and a full-text index
over the prose fields of each record table in the form sqlite-utils writes (``<table>_fts``, an
FTS5 table with ``content=[<table>]``), so Datasette's ``?_search=`` and ``sqlite-utils search`` use it.
"""

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from srfacts.core.records import KnowledgeBase
from srfacts.export.contents import Table, tables
from srfacts.export.target import atomic


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
    with atomic(path) as temporary:
        try:
            connection = sqlite3.connect(temporary)
            try:
                _fill(connection, tables(kb))
                connection.commit()
                connection.execute("VACUUM")
            finally:
                connection.close()
        except BaseException:  # a full disk, ``ulimit -f``, Ctrl-C: SQLite's side files go with the database
            for side in ("-journal", "-wal", "-shm"):
                Path(temporary + side).unlink(missing_ok=True)
            raise


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
