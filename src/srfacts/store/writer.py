"""Writing the compiled form of a knowledge file (see ``compiled`` for its layout and reading)."""

import marshal
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from srfacts.store import codec
from srfacts.store import folder as cache
from srfacts.store.compiled import BUCKETS, MAGIC, SUFFIX, bucket

if TYPE_CHECKING:
    from srfacts.core.records import KnowledgeBase
    from srfacts.search.build import IndexData


def write(
    key: str,
    kb: "KnowledgeBase",
    index: "IndexData",
    progress: Callable[[int], None] | None = None,
    *,
    depth: int,
) -> bool:
    """Compile ``kb`` and its index into the cache entry of ``key`` (``depth``: the knowledge file's
    deepest nesting, kept in the header); False when it cannot be written."""

    def fill(path: Path) -> None:
        with open(path, "wb") as out:
            _Writer(out).write_all(key, kb, index, progress, depth)

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
        self, key: str, kb: "KnowledgeBase", index: "IndexData", progress: Callable[[int], None] | None, depth: int
    ) -> None:
        records = kb.all_records()
        places = []
        for done, record in enumerate(records, 1):
            places.append(self.put(marshal.dumps([record.TYPE, codec.encode_record(record)])))
            if progress and done % 1000 == 0:
                progress(1000)
        self.section("index", b"".join(_slot(*place) for place in places))
        vocabulary: list[dict[str, int]] = [{} for _ in range(BUCKETS)]
        blocks = array("Q")  # per token: offset, number of records, CRC-32 of its block
        for number, (token, (positions, weights)) in enumerate(index.postings.items()):
            offset, _, crc = self.put(positions.tobytes() + weights.tobytes())
            vocabulary[bucket(token)][token] = number
            blocks.extend((offset, len(positions), crc))
        for number, tokens in enumerate(vocabulary):  # a query reads only the buckets of its tokens
            self.section(f"vocabulary:{number}", marshal.dumps(tokens))
        self.section("blocks", blocks.tobytes())
        self.section("stems", marshal.dumps(index.stems))
        buckets: list[dict[str, list[str]]] = [{} for _ in range(BUCKETS)]
        for spelling, found in index.spelled.items():
            buckets[bucket(spelling)][spelling] = found
        for number, spellings in enumerate(buckets):  # a query reads only the bucket of its key
            self.section(f"spelled:{number}", marshal.dumps(spellings))
        width = max(len(s) for s in index.char_pinyin)  # one fixed-width text: quick to read
        self.section("char_pinyin", marshal.dumps([width, "".join(s.ljust(width) for s in index.char_pinyin)]))
        self.section("syllables", marshal.dumps(sorted({s for s in index.char_pinyin if s})))
        self.section("facets", marshal.dumps([list(f) for f in index.facets]))
        self.section("names", marshal.dumps([list(n) for n in index.names]))
        words = index.question_words
        self.section(
            "search",
            marshal.dumps(
                {
                    "words": sorted(words.words),
                    "particles": sorted(words.particles),
                    "hints": {k: list(v) for k, v in words.hints.items()},
                    "relative": words.relative,
                    "reference_year": index.reference_year,
                    "context": index.context,
                }
            ),
        )
        self.section("lines", marshal.dumps(dict(kb.record_lines)))
        self.section("extras", marshal.dumps(codec.encode_extras(kb.synonyms, kb.glossary)))
        types: dict[str, list[int]] = {}
        for pos, record in enumerate(records):
            types.setdefault(record.TYPE, [pos, pos])[1] = pos + 1
        header = {
            "format": cache.FORMAT,
            "key": key,
            "schema_version": kb.schema_version,
            "count": len(records),
            "depth": depth,
            "t2s": ["".join(index.t2s), "".join(index.t2s.values())],
            "types": types,
            "sections": self.sections,
        }
        offset, length, crc = self.put(marshal.dumps(header))
        self.put(offset.to_bytes(8, "little") + length.to_bytes(4, "little") + crc.to_bytes(4, "little") + MAGIC)


def _slot(*numbers: int) -> bytes:
    return b"".join(number.to_bytes(4, "little") for number in numbers)
