"""The compiled form of one knowledge file: one cache file of its records and search index.

Listings read the records of one type; a search reads only the texts of the fields it tries
and the records that can match. The file is a row of sections followed by a header that says
where each section is:

    MAGIC  sections ...  header  trailer (header offset, header length, header CRC, MAGIC)

- ``records`` and ``entries``: each record (its fields as a list) and each record's search
  index entry, one after another; ``index`` holds the place of each (offset,
  length and CRC-32 of both, six 32-bit numbers per record, in file order).
- one text section per searched field, best field first: every record's normalised texts and
  pinyin in that field, a row per record written ``\\0<position>\\n<text>\\n`` (one line per
  text), so a substring search of one string finds the records that hold a word.
- ``values``: metric values written plainly -> positions; ``lines``: id -> line in the file.

Structured parts are written with ``marshal``, the format of Python's own bytecode cache:
reading it only rebuilds values and runs no code (unlike pickle), and nothing read is ever
called. Every section is checked against its CRC-32 before it is used, and a file that is not
ours, is of another version or key, or is damaged anywhere is refused (``Store.open`` returns
None, or reading raises ValueError) and compiled anew. Reading needs no module that Python
does not load at start-up.
"""

import marshal
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from srfacts import cache

if TYPE_CHECKING:
    from srfacts.index import SearchIndex
    from srfacts.model import Industry, KnowledgeBase, Record

MAGIC = b"srfacts compiled knowledge\n"
TRAILER = 16 + len(MAGIC)  # header offset (8 bytes), length (4), CRC-32 (4), MAGIC
SUFFIX = "pack"
_SLOT = 24  # bytes per record in the index: offset, length, CRC of the record and of its entry


def write(key: str, kb: "KnowledgeBase", index: "SearchIndex", progress: Callable[[int], None] | None = None) -> bool:
    """Compile ``kb`` and its index into the cache entry of ``key``; False when it cannot be written."""

    def fill(path: Path) -> None:
        with open(path, "wb") as out:
            _Writer(out).write_all(key, kb, index, progress)

    return cache.atomic_write(key, SUFFIX, fill) is not None


class _Writer:
    """Writes sections one after another, remembering where each is and its CRC-32."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.at = 0
        self.sections: dict[str, list[int]] = {}
        self.put(MAGIC)

    def put(self, data: bytes) -> tuple[int, int, int]:
        """Append ``data``; its offset, length and CRC-32."""
        offset = self.at
        self.out.write(data)
        self.at += len(data)
        return offset, len(data), zlib.crc32(data)

    def section(self, name: str, data: bytes) -> None:
        self.sections[name] = list(self.put(data))

    def write_all(
        self, key: str, kb: "KnowledgeBase", index: "SearchIndex", progress: Callable[[int], None] | None
    ) -> None:
        from srfacts.index import field_texts
        from srfacts.search import entry_to_row

        records = kb.all_records()
        places = []
        for done, record in enumerate(records, 1):
            places.append(self.put(marshal.dumps(cache.encode_record(record))))
            if progress and done % 1000 == 0:
                progress(1000)
        entries = [self.put(marshal.dumps(entry_to_row(index.entry(pos)))) for pos in range(len(records))]
        self.section("index", b"".join(_slot(*r, *e) for r, e in zip(places, entries, strict=True)))
        fields = []
        for name, rows in field_texts(index):
            text = "".join(f"\0{pos}\n{hay.replace(chr(0), chr(0xFFFD))}\n" for pos, hay in rows)
            self.section(f"field:{name}", text.encode("utf-8"))
            fields.append(name)
        values: dict[str, list[int]] = {}
        for pos, record in enumerate(records):
            value = getattr(record, "value", None)
            if value is not None:
                values.setdefault(format(value, "f"), []).append(pos)
        self.section("values", marshal.dumps(values))
        self.section("lines", marshal.dumps(dict(kb.record_lines)))
        types: dict[str, list[int]] = {}
        for pos, record in enumerate(records):
            types.setdefault(record.TYPE, [pos, pos])[1] = pos + 1
        header = {
            "format": cache.FORMAT,
            "key": key,
            "schema_version": kb.schema_version,
            "count": len(records),
            "t2s": ["".join(index.t2s), "".join(index.t2s.values())],
            "fields": fields,
            "types": types,
            "sections": self.sections,
        }
        offset, length, crc = self.put(marshal.dumps(header))
        self.put(offset.to_bytes(8, "little") + length.to_bytes(4, "little") + crc.to_bytes(4, "little") + MAGIC)


def _slot(*numbers: int) -> bytes:
    return b"".join(number.to_bytes(4, "little") for number in numbers)


class _Fold(Mapping[int, int]):
    """The Traditional-to-Simplified table as a ``str.translate`` mapping, looked up only for
    the characters of a query (no table is built)."""

    def __init__(self, keys: str, values: str) -> None:
        self._from = keys
        self._to = values

    def __getitem__(self, code: int) -> int:
        at = self._from.find(chr(code))
        if at < 0:
            raise KeyError(code)
        return ord(self._to[at])

    def __iter__(self) -> Iterator[int]:
        return (ord(key) for key in self._from)

    def __len__(self) -> int:
        return len(self._from)


class Store:
    """An open compiled cache entry: records by position, and candidates for a query."""

    def __init__(self, file: BinaryIO, meta: dict[str, Any]) -> None:
        self.file = file
        self.meta = meta
        self.count: int = meta["count"]
        keys, values = meta["t2s"]
        if not (isinstance(keys, str) and isinstance(values, str) and len(keys) == len(values)):
            raise ValueError("t2s table")
        self.fold = _Fold(keys, values)
        self.field_names: list[str] = [str(name) for name in meta["fields"]]
        self.types: dict[str, list[int]] = meta["types"]
        self._sections: dict[str, list[int]] = meta["sections"]
        self._texts: dict[str, str] = {}
        self._index: bytes | None = None
        self._values: dict[str, list[int]] | None = None

    @classmethod
    def open(cls, key: str) -> "Store | None":
        """The cache entry of ``key``, or None when there is none or it is not a valid one of ours."""
        try:
            file = open(cache.entry_path(key, SUFFIX), "rb")  # noqa: SIM115 - open until close()
        except OSError:
            return None
        try:
            size = os.fstat(file.fileno()).st_size
            if size < len(MAGIC) + TRAILER or file.read(len(MAGIC)) != MAGIC:
                raise ValueError("not a compiled knowledge file")
            file.seek(size - TRAILER)
            trailer = file.read(TRAILER)
            if trailer[16:] != MAGIC:
                raise ValueError("no trailer")
            offset, length = int.from_bytes(trailer[:8], "little"), int.from_bytes(trailer[8:12], "little")
            meta = _load(_read(file, offset, length, int.from_bytes(trailer[12:16], "little")))
            if not isinstance(meta, dict) or meta.get("format") != cache.FORMAT or meta.get("key") != key:
                raise ValueError("another format or key")
            return cls(file, meta)
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            file.close()
            return None

    def _section(self, name: str) -> bytes:
        offset, length, crc = self._sections[name]
        return _read(self.file, offset, length, crc)

    def record_lines(self) -> dict[str, int]:
        """The line of each record in the knowledge file (ValueError if the stored data does not decode)."""
        try:
            return {str(k): int(v) for k, v in _load(self._section("lines")).items()}
        except (KeyError, TypeError, ValueError, AttributeError, EOFError) as error:
            raise ValueError(f"the compiled cache does not decode: {error!r}") from None

    def section(self, record_type: str) -> "tuple[Record, ...]":
        """Every record of one type, in file order (ValueError if the stored data does not decode)."""
        first, end = self.types.get(record_type, (0, 0))
        return tuple(self.record(pos) for pos in range(first, end))

    def industries(self) -> "tuple[Industry, ...]":
        """Every industry record."""
        return self.section("industry")  # type: ignore[return-value]

    def record(self, pos: int) -> "Record":
        """The record at ``pos`` (ValueError if it does not decode)."""
        return self.record_and_entry(pos, entry=False)[0]

    def record_and_entry(self, pos: int, *, entry: bool = True) -> "tuple[Record, Any]":
        """The record at ``pos`` and its search index entry as plain data (None unless ``entry``)."""
        try:
            if self._index is None:
                self._index = self._section("index")
            slot = self._index[pos * _SLOT : (pos + 1) * _SLOT]
            if len(slot) != _SLOT or pos < 0:
                raise ValueError(f"no record at {pos}")
            numbers = [int.from_bytes(slot[at : at + 4], "little") for at in range(0, _SLOT, 4)]
            row = _load(_read(self.file, *numbers[:3]))
            record = cache.decode_record(_type_at(self.types, pos), row)
            return record, _load(_read(self.file, *numbers[3:])) if entry else None
        except (OSError, KeyError, TypeError, ValueError, AttributeError, ArithmeticError, EOFError) as error:
            raise ValueError(f"the compiled cache does not decode: {error!r}") from None

    def _text(self, name: str) -> str:
        """The rows of one field, read on first use."""
        text = self._texts.get(name)
        if text is None:
            try:
                text = self._texts[name] = self._section(f"field:{name}").decode("utf-8")
            except (OSError, KeyError, ValueError) as error:
                raise ValueError(f"the compiled cache does not decode: {error!r}") from None
        return text

    def contains(self, text: str) -> bool:
        """Whether some record's searchable text contains ``text``."""
        if not text or "\0" in text:
            return False
        return any(next(_rows_with(self._text(name), text), None) is not None for name in self.field_names)

    def positions(self, needles: list[str], field: str | None = None, *, exact: bool = False) -> set[int]:
        """Records whose searchable texts (in ``field``, else all) contain any needle.

        ``exact``: only texts that hold a needle as a whole line (a whole name, alias or spelling).
        """
        found: set[int] = set()
        for name in [field] if field else self.field_names:
            text = self._text(name)
            for needle in needles:
                if needle and "\0" not in needle:
                    found.update(_rows_with(text, f"\n{needle}\n" if exact else needle))
        return found

    def valued(self, number_text: str) -> set[int]:
        """Records whose value, written plainly, equals ``number_text``."""
        if self._values is None:
            try:
                self._values = _load(self._section("values"))
                if not isinstance(self._values, dict):
                    raise TypeError("values")
            except (OSError, KeyError, TypeError, ValueError, EOFError) as error:
                raise ValueError(f"the compiled cache does not decode: {error!r}") from None
        return set(self._values.get(number_text, ()))

    def close(self) -> None:
        """Close the file."""
        self.file.close()


def _read(file: BinaryIO, offset: int, length: int, crc: int) -> bytes:
    """``length`` bytes at ``offset``, checked against their CRC-32 (ValueError if they do not match)."""
    file.seek(offset)
    data = file.read(length)
    if len(data) != length or zlib.crc32(data) != crc:
        raise ValueError("a damaged section")
    return data


def _load(data: bytes) -> Any:
    """The plain values ``marshal`` wrote (reading runs nothing; a top level other than a list
    or mapping is refused, and the decoders check the shape of what they read)."""
    value = marshal.loads(data)
    if not isinstance(value, list | dict):
        raise ValueError(f"a {type(value).__name__} where data belongs")
    return value


def _type_at(types: dict[str, list[int]], pos: int) -> str:
    for name, (first, end) in types.items():
        if first <= pos < end:
            return name
    raise ValueError(f"no record at {pos}")


def _rows_with(text: str, needle: str) -> Iterator[int]:
    """The position of each row of a field's ``text`` that contains ``needle`` (once per row)."""
    at = text.find(needle)
    while at >= 0:
        row = text.rfind("\0", 0, at + 1)
        number_end = text.find("\n", row)
        if at > number_end or (at == number_end and needle.startswith("\n")):
            yield int(text[row + 1 : number_end])
            at = text.find("\0", at + len(needle) - 1)  # the next row
        else:  # inside the row's position number: not a match
            at = number_end
        if at < 0:
            return
        at = text.find(needle, at)
