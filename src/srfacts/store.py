"""The compiled form of one knowledge file: an SQLite database of its records and search index.

Listings read every record back; a search reads only the records that can match. Each
record's searchable texts (normalised, with their pinyin) are stored once per field, the
fields in order of their search weight, so a search finds its candidates with substring
tests in SQL and can try the best fields first. The database is written to a temporary file
and renamed into place; one that is unreadable, corrupt or foreign is ignored and rebuilt.
"""

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srfacts import cache
from srfacts.model import Industry, KnowledgeBase, Record

if TYPE_CHECKING:
    from srfacts.search import SearchIndex

SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    pos INTEGER PRIMARY KEY,   -- file order
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    data TEXT NOT NULL,        -- the record's fields as a JSON list
    entry TEXT NOT NULL,       -- its search index entry as JSON
    value TEXT                 -- a metric's value as written, for numeric queries
);
CREATE TABLE hay (pos INTEGER NOT NULL, text TEXT NOT NULL);  -- rows grouped by field, see meta 'fields'
"""
SUFFIX = "sqlite"


def write(key: str, kb: KnowledgeBase, index: "SearchIndex", progress: Callable[[int], None] | None = None) -> bool:
    """Compile ``kb`` and its index into the cache entry of ``key``; False when it cannot be written."""

    def fill(path: Path) -> None:
        connection = sqlite3.connect(path)
        try:
            connection.executescript(SCHEMA)
            _fill(connection, key, kb, index, progress)
            connection.commit()
        finally:
            connection.close()

    return cache.atomic_write(key, SUFFIX, fill) is not None


def _fill(
    connection: sqlite3.Connection,
    key: str,
    kb: KnowledgeBase,
    index: "SearchIndex",
    progress: Callable[[int], None] | None,
) -> None:
    from srfacts.search import field_texts

    records = kb.all_records()
    rows = (
        (
            pos,
            record.id,
            record.TYPE,
            json.dumps(cache.encode_record(record), ensure_ascii=False, separators=(",", ":")),
            index.rows[pos],
            _value_text(record),
        )
        for pos, record in enumerate(records)
    )
    connection.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", _counted(rows, progress))
    by_field = field_texts(index)
    ranges: list[list[Any]] = []
    for name, texts in by_field:
        first = connection.execute("SELECT coalesce(max(rowid), 0) FROM hay").fetchone()[0] + 1
        connection.executemany("INSERT INTO hay (pos, text) VALUES (?, ?)", texts)
        last = connection.execute("SELECT coalesce(max(rowid), 0) FROM hay").fetchone()[0]
        ranges.append([name, first, last])
    meta = {
        "format": cache.FORMAT,
        "key": key,
        "schema_version": str(kb.schema_version),
        "lines": json.dumps(kb.record_lines),
        "t2s": json.dumps(["".join(index.t2s), "".join(index.t2s.values())], ensure_ascii=False),
        "fields": json.dumps(ranges),
        "count": str(len(records)),
    }
    connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())


def _counted(rows: Iterable[Any], progress: Callable[[int], None] | None) -> Iterator[Any]:
    for done, row in enumerate(rows, 1):
        if progress and done % 1000 == 0:
            progress(1000)
        yield row


def _value_text(record: Record) -> str | None:
    value = getattr(record, "value", None)
    return None if value is None else format(value, "f")


class Store:
    """An open compiled cache entry: records by position, and candidates for a query."""

    def __init__(self, connection: sqlite3.Connection, path: str, meta: dict[str, str]) -> None:
        self.connection = connection
        self.path = path
        self.meta = meta
        self.count = int(meta["count"])
        keys, values = json.loads(meta["t2s"])
        self.t2s_pair: tuple[str, str] = (keys, values)
        self.fold: dict[int, int] = str.maketrans(keys, values)
        self.fields: list[tuple[str, int, int]] = [(str(n), int(a), int(b)) for n, a, b in json.loads(meta["fields"])]
        self._blob: str | None = None

    @classmethod
    def open(cls, key: str, path: str) -> "Store | None":
        """The cache entry of ``key``, or None when there is none or it is not a valid one of ours."""
        file = cache.entry_path(key, SUFFIX)
        if not file.is_file():
            return None
        try:
            connection = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
            meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
            if meta.get("format") != cache.FORMAT or meta.get("key") != key:
                connection.close()
                return None
            return cls(connection, path, meta)
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None

    def record_lines(self) -> dict[str, int]:
        """The line of each record in the knowledge file (ValueError if the stored data does not decode)."""
        try:
            return {str(k): int(v) for k, v in json.loads(self.meta["lines"]).items()}
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"the compiled cache does not decode: {error!r}") from None

    def section(self, record_type: str) -> tuple[Record, ...]:
        """Every record of one type, in file order (ValueError if the stored data does not decode)."""
        try:
            rows = self.connection.execute("SELECT data FROM records WHERE type = ? ORDER BY pos", (record_type,))
            return tuple(cache.decode_record(record_type, json.loads(data)) for (data,) in rows)
        except (sqlite3.Error, KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
            raise ValueError(f"the compiled cache does not decode: {error!r}") from None

    def industries(self) -> "tuple[Industry, ...]":
        """Every industry record."""
        return self.section("industry")  # type: ignore[return-value]

    def record_and_entry(self, pos: int) -> tuple[Record, str]:
        """The record at ``pos`` and its index entry (JSON text)."""
        try:
            row = self.connection.execute("SELECT type, data, entry FROM records WHERE pos = ?", (pos,)).fetchone()
            return cache.decode_record(row[0], json.loads(row[1])), str(row[2])
        except (sqlite3.Error, KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
            raise ValueError(f"the compiled cache does not decode: {error!r}") from None

    def contains(self, text: str) -> bool:
        """Whether some record's searchable text contains ``text``."""
        found = self.connection.execute("SELECT 1 FROM hay WHERE instr(text, ?) > 0 LIMIT 1", (text,)).fetchone()
        return found is not None

    @property
    def blob(self) -> str:
        """Every searchable text in one string (read on first use: a word absent from it matches nothing)."""
        if self._blob is None:
            self._blob = "\n".join(text for (text,) in self.connection.execute("SELECT text FROM hay"))
        return self._blob

    def positions(self, needles: list[str], rows: tuple[int, int] | None = None, *, exact: bool = False) -> set[int]:
        """Records whose searchable texts (in the row range ``rows``, else all) contain any needle.

        ``exact``: only texts that hold a needle as a whole line (a whole name, alias or spelling).
        """
        if not needles:
            return set()
        if exact:
            test = " OR ".join("instr(char(10) || text || char(10), ?) > 0" for _ in needles)
            args: list[Any] = [f"\n{needle}\n" for needle in needles]
        else:
            test = " OR ".join("instr(text, ?) > 0" for _ in needles)
            args = list(needles)
        if rows is None:
            sql = f"SELECT DISTINCT pos FROM hay WHERE {test}"
        else:
            sql, args = f"SELECT DISTINCT pos FROM hay WHERE rowid BETWEEN ? AND ? AND ({test})", [*rows, *args]
        return {pos for (pos,) in self.connection.execute(sql, args)}

    def valued(self, number_text: str) -> set[int]:
        """Records whose value, written plainly, equals ``number_text``."""
        return {pos for (pos,) in self.connection.execute("SELECT pos FROM records WHERE value = ?", (number_text,))}

    def close(self) -> None:
        """Close the database."""
        self.connection.close()
