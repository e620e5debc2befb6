"""The compiled form of one knowledge file: one cache file of its records and search index.

Listings read the records of one type; a search reads the postings of its tokens and then only
its best candidates. The file is a row of sections followed by a header that says where each
section is:

    MAGIC  sections ...  header  trailer (header offset, header length, header CRC, MAGIC)

- ``records``: each record (its fields as a list), one after another; ``index`` holds the place
  of each (offset, length and CRC-32, three 32-bit numbers per record, in file order).
- postings, one block per token (record positions as 32-bit numbers, then BM25F weights as
  16-bit ones); ``vocabulary:N``: token -> its number (in 64 buckets: a query reads those of its
  tokens); ``blocks``: for each number, the offset,
  number of records and CRC-32 of its block (64-bit numbers).
- ``stems``, ``spelled:N`` (pinyin and initials keys -> Chinese tokens, in 64 buckets),
  ``char_pinyin`` (fixed width), ``syllables``,
  ``facets`` (type, years, industries, kind of each record), ``names`` (for did-you-mean),
  ``search`` (question words, the reference year), ``lines`` (id -> line), ``extras``
  (synonyms, glossary).

``Store`` implements the search engine's ``Index`` interface. Structured parts are written with
``marshal``, the format of Python's own bytecode cache: reading it only rebuilds values and runs
no code (unlike pickle), and nothing read is ever called. Every section and postings block is
checked against its CRC-32 before it is used, and a file that is not ours, is of another
version or key, was compiled from a file nested deeper than the cap in force (its header keeps
the depth), or is damaged anywhere is refused (``Store.open`` returns None, or reading
raises ``CacheDamagedError``) and compiled anew.
"""

import marshal
import os
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from srfacts.data.files import max_depth
from srfacts.search.entries import Entry, Facets, QuestionWords, build_entry
from srfacts.search.text import Fold
from srfacts.store import codec
from srfacts.store import folder as cache

if TYPE_CHECKING:
    from srfacts.core.records import GlossaryTerm, Industry, Record, SynonymGroup

MAGIC = b"srfacts compiled knowledge\n"
TRAILER = 16 + len(MAGIC)  # header offset (8 bytes), length (4), CRC-32 (4), MAGIC
SUFFIX = "pack"
_SLOT = 12  # bytes per record in the index: offset, length and CRC-32 of the record
_T = TypeVar("_T")


class CacheDamagedError(Exception):
    """The compiled cache does not decode (damaged, or not what it claims to be): compile it anew."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the compiled cache does not decode: {detail}")


class Store:
    """An open compiled cache entry: records by position, and candidates for a query."""

    def __init__(self, file: BinaryIO, meta: dict[str, Any]) -> None:
        self.file = file
        self.meta = meta
        self.count: int = meta["count"]
        keys, values = meta["t2s"]
        if not (isinstance(keys, str) and isinstance(values, str) and len(keys) == len(values)):
            raise ValueError("t2s table")
        self._t2s = (keys, values)
        self._fold: Fold | None = None
        self.types: dict[str, list[int]] = meta["types"]
        self._sections: dict[str, list[int]] = meta["sections"]
        self._loaded: dict[str, Any] = {}
        self._words: QuestionWords | None = None
        self._syllables: frozenset[str] | None = None
        self._index: bytes | None = None
        self._records: dict[int, Record] = {}
        self._rows: dict[int, tuple[str, list[Any]]] = {}  # as stored: each record's type and fields
        self._blocks: memoryview | None = None  # per token: offset, number of records, CRC-32
        self._synonyms: tuple[SynonymGroup, ...] | None = None
        self._entries: dict[int, Entry] = {}

    @classmethod
    def open(cls, key: str) -> "Store | None":
        """The cache entry of ``key``, or None when there is none or it is not a valid one of ours.

        Only a regular file owned by this user and writable by no one else is read (a file planted
        in a shared cache folder is not trusted), opened without waiting (a named pipe in its place
        never blocks), and read only as far as its own header says.
        """
        if cache.usable_folder() is None:  # none, or one of another user's: not read
            return None
        try:
            fd = os.open(cache.entry_path(key, SUFFIX), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not cache.trusted_file(info):
                raise ValueError("not a regular file of this user's")
            file = os.fdopen(fd, "rb")
        except (OSError, ValueError):
            os.close(fd)
            return None
        try:
            size = info.st_size
            if size < len(MAGIC) + TRAILER or file.read(len(MAGIC)) != MAGIC:
                raise ValueError("not a compiled knowledge file")
            file.seek(size - TRAILER)
            trailer = file.read(TRAILER)
            if trailer[16:] != MAGIC:
                raise ValueError("no trailer")
            offset, length = int.from_bytes(trailer[:8], "little"), int.from_bytes(trailer[8:12], "little")
            if offset + length > size - TRAILER:
                raise ValueError("a header beyond the file")
            meta = _load(_read(file, offset, length, int.from_bytes(trailer[12:16], "little")))
            if not _valid_header(meta, key, offset):
                raise ValueError("another format, key or layout")
            if (
                type(meta.get("depth")) is not int or meta["depth"] > max_depth()
            ):  # compiled anew, so the file is refused as a cold run refuses it
                raise ValueError("nested deeper than the cap (SRFACTS_MAX_DEPTH)")
            return cls(file, meta)
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            file.close()
            return None

    def _section(self, name: str) -> bytes:
        offset, length, crc = self._sections[name]
        return _read(self.file, offset, length, crc)

    def record_lines(self) -> dict[str, int]:
        """The line of each record in the knowledge file (CacheDamagedError if the stored data does not decode)."""
        try:
            return {str(k): int(v) for k, v in _load(self._section("lines")).items()}
        except (KeyError, TypeError, ValueError, AttributeError, EOFError) as error:
            raise CacheDamagedError(repr(error)) from None

    def extras(self) -> "tuple[tuple[SynonymGroup, ...], tuple[GlossaryTerm, ...]]":
        """The synonym groups and the glossary (CacheDamagedError if the stored data does not decode)."""
        try:
            return codec.decode_extras(_load(self._section("extras")))
        except (OSError, KeyError, TypeError, ValueError, EOFError) as error:
            raise CacheDamagedError(repr(error)) from None

    def section(self, record_type: str) -> "tuple[Record, ...]":
        """Every record of one type, in file order (CacheDamagedError if the stored data does not decode)."""
        first, end = self.types.get(record_type, (0, 0))
        return tuple(self.record(pos) for pos in range(first, end))

    def industries(self) -> "tuple[Industry, ...]":
        """Every industry record."""
        return self.section("industry")  # type: ignore[return-value]

    def record(self, pos: int) -> "Record":
        """The record at ``pos`` (CacheDamagedError if it does not decode); read once."""
        found = self._records.get(pos)
        if found is None:
            found = self._records[pos] = self._decoded(codec.decode_record, pos)
        return found

    def plain(self, pos: int) -> dict[str, Any]:
        """The record at ``pos`` as JSON-ready data (``record(pos).to_dict()``, no Decimal made)."""
        return self._decoded(codec.plain_record, pos)

    def _decoded(self, decode: Callable[[str, list[Any]], _T], pos: int) -> _T:
        """The stored row at ``pos`` (read once) decoded by ``decode(type, row)``; CacheDamagedError
        if it does not decode."""
        try:
            found = self._rows.get(pos)
            if found is None:
                found = self._rows[pos] = self._read_row(pos)
            return decode(*found)
        except (OSError, KeyError, TypeError, ValueError, AttributeError, ArithmeticError, EOFError) as error:
            raise CacheDamagedError(repr(error)) from None

    def _read_row(self, pos: int) -> tuple[str, list[Any]]:
        if self._index is None:
            self._index = self._section("index")
        slot = self._index[pos * _SLOT : (pos + 1) * _SLOT]
        if len(slot) != _SLOT or pos < 0:
            raise ValueError(f"no record at {pos}")
        offset, length, crc = (int.from_bytes(slot[at : at + 4], "little") for at in range(0, _SLOT, 4))
        tag, row = _load(_read(self.file, offset, length, crc))
        expected = _type_at(self.types, pos)
        if tag != expected or not isinstance(row, list):
            raise ValueError(f"a {tag} where a {expected} belongs")
        return expected, row

    def _data(self, name: str, kind: type) -> Any:
        """A marshal section, read once, of the expected type (CacheDamagedError if it does not decode)."""
        found = self._loaded.get(name)
        if found is None:
            try:
                found = _load(self._section(name))
            except (OSError, KeyError, TypeError, ValueError, EOFError) as error:
                raise CacheDamagedError(repr(error)) from None
            if not isinstance(found, kind):
                raise CacheDamagedError(f"{name} is a {type(found).__name__}")
            self._loaded[name] = found
        return found

    # The search engine's ``Index`` interface (srfacts.search.entries.Index).

    @property
    def fold(self) -> Fold:
        """Traditional -> Simplified (its table made only for a text that needs it)."""
        if self._fold is None:
            self._fold = Fold(*self._t2s)
        return self._fold

    @property
    def question_words(self) -> "QuestionWords":
        if self._words is None:
            meta = self._data("search", dict)
            try:
                self._words = QuestionWords(
                    frozenset(meta["words"]),
                    frozenset(meta["particles"]),
                    {str(k): tuple(v) for k, v in meta["hints"].items()},
                    {str(k): int(v) for k, v in meta["relative"].items()},
                )
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise CacheDamagedError(repr(error)) from None
        return self._words

    @property
    def synonyms(self) -> "tuple[SynonymGroup, ...]":
        if self._synonyms is None:
            extras = self._data("extras", dict)
            self._synonyms = codec.decode_extras({"synonyms": extras.get("synonyms"), "glossary": []})[0]
        return self._synonyms

    @property
    def reference_year(self) -> int | None:
        year = self._data("search", dict).get("reference_year")
        return year if isinstance(year, int) else None

    @property
    def context(self) -> frozenset[str]:
        found = self._data("search", dict).get("context")
        return frozenset(t for t in found if isinstance(t, str)) if isinstance(found, list) else frozenset()

    def _block(self, token: str) -> tuple[int, int, int] | None:
        """Where the postings of ``token`` are: offset, number of records, CRC-32 (None: nowhere)."""
        number = self._data(f"vocabulary:{bucket(token)}", dict).get(token)
        if number is None:
            return None
        if self._blocks is None:
            try:  # a copy, writable (as an array's would be)
                self._blocks = memoryview(bytearray(self._section("blocks"))).cast("Q")
            except (OSError, KeyError, ValueError, TypeError) as error:
                raise CacheDamagedError(repr(error)) from None
        if not isinstance(number, int) or not 0 <= 3 * number < len(self._blocks) - 2:
            raise CacheDamagedError("a token without its postings")
        offset, count, crc = self._blocks[3 * number : 3 * number + 3]
        return offset, count, crc

    def df(self, token: str) -> int:
        found = self._block(token)
        return found[1] if found else 0

    def postings(self, token: str) -> tuple[memoryview, memoryview]:
        """The records holding ``token`` and its weight in each (CacheDamagedError if they do not decode).

        Views of the block's bytes as 32-bit and 16-bit numbers (as arrays of them would be, without
        loading the array module at every start)."""
        found = self._block(token)
        if not found:
            return memoryview(b"").cast("I"), memoryview(b"").cast("H")
        try:
            offset, count, crc = found
            data = memoryview(_read(self.file, offset, count * 6, crc))
            positions, weights = data[: count * 4].cast("I"), data[count * 4 :].cast("H")
        except (OSError, TypeError, ValueError) as error:
            raise CacheDamagedError(repr(error)) from None
        if positions and positions[-1] >= self.count:  # positions ascend (as bisecting them needs)
            raise CacheDamagedError("a posting beyond the records")
        return positions, weights

    def stem(self, word: str) -> str | None:
        found = self._data("stems", dict).get(word)
        return found if isinstance(found, str) else None

    def spelled(self, key: str) -> list[str]:
        found = self._data(f"spelled:{bucket(key)}", dict).get(key)
        return found if isinstance(found, list) else []

    def char_pinyin(self, char: str) -> str | None:
        table = self._data("char_pinyin", list)
        try:
            width, text = int(table[0]), str(table[1])
        except (IndexError, TypeError, ValueError) as error:
            raise CacheDamagedError(repr(error)) from None
        at = (ord(char) - 0x4E00) * width
        found = text[at : at + width].rstrip() if 0 <= at < len(text) else ""
        return found or None

    def syllables(self) -> frozenset[str]:
        if self._syllables is None:
            self._syllables = frozenset(s for s in self._data("syllables", list) if isinstance(s, str))
        return self._syllables

    def words_near(self, length: int, spread: int) -> list[str]:
        return [w for w in self._data("stems", dict) if abs(len(w) - length) <= spread]

    def facets(self, pos: int) -> "Facets":
        try:
            kind, years, industries, record_kind = self._data("facets", list)[pos]
            return Facets(str(kind), tuple(int(y) for y in years), tuple(str(i) for i in industries), record_kind)
        except (IndexError, TypeError, ValueError) as error:
            raise CacheDamagedError(repr(error)) from None

    def entry(self, pos: int) -> "Entry":
        found = self._entries.get(pos)
        if found is None:
            found = self._entries[pos] = self._decoded(self._entry_of, pos)
        return found

    def _entry_of(self, record_type: str, row: list[Any]) -> "Entry":
        return build_entry(dict(zip(codec.FIELD_NAMES[record_type], row, strict=True)), self.fold)

    def suggestion_keys(self) -> list[tuple[str, str, str]]:
        try:
            return [(str(a), str(b), str(c)) for a, b, c in self._data("names", list)]
        except (TypeError, ValueError) as error:
            raise CacheDamagedError(repr(error)) from None

    def close(self) -> None:
        """Close the file."""
        self.file.close()


RECORD_TYPES = ("source", "industry", "metric", "claim", "entity")  # in file order
BUCKETS = 64  # the vocabulary and the pinyin and initials keys are each kept in this many sections


def bucket(key: str) -> int:
    """The section of a token of the vocabulary, or of a pinyin or initials key."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % BUCKETS


def _valid_header(meta: Any, key: str, end: int) -> bool:
    """Whether a header has the shape this version writes: its format and key, a record count,
    type ranges that follow each other in file order, and sections inside the file."""
    if not isinstance(meta, dict) or meta.get("format") != cache.FORMAT or meta.get("key") != key:
        return False
    count, types, sections, t2s = meta.get("count"), meta.get("types"), meta.get("sections"), meta.get("t2s")
    if type(count) is not int or count < 0 or not isinstance(types, dict) or not isinstance(sections, dict):
        return False
    if type(meta.get("depth", 0)) is not int or not (isinstance(t2s, list) and len(t2s) == 2):
        return False
    if not all(isinstance(t, str) for t in t2s):
        return False
    at = 0
    for name in [t for t in RECORD_TYPES if t in types]:
        span = types[name]
        if not (isinstance(span, list) and len(span) == 2 and all(type(n) is int for n in span)):
            return False
        if not span[0] == at <= span[1] <= count:
            return False
        at = span[1]
    if at != count or set(types) - set(RECORD_TYPES):
        return False
    return all(
        isinstance(place, list)
        and len(place) == 3
        and all(type(n) is int and n >= 0 for n in place)
        and place[0] + place[1] <= end
        for place in sections.values()
    )


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
