"""The search engine: read the query, score candidates over any ``Index``, return ranked hits.

``search`` works on any index: ``MemoryIndex`` (built from a knowledge base in memory) or the
compiled store. Filters (type, industry, year, kind) hide records; a year in the query only
lifts the records of that period.
"""

import heapq
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from srfacts.core.records import KnowledgeBase, Record, SynonymGroup
from srfacts.search.entries import Entry, Facets, QuestionWords, record_entry
from srfacts.search.hits import Hit
from srfacts.search.query import read_query
from srfacts.search.score import RERANK, Rerank, first_pass
from srfacts.search.text import Fold

if TYPE_CHECKING:
    from srfacts.search.build import IndexData
    from srfacts.search.entries import Index


def search(index: "Index", query: str, **filters: Any) -> list[Hit]:
    """Records for ``query``, best first (ties in file order); the filters of ``ranked_hits``."""
    return ranked_hits(index, query, **filters)[0]


def ranked_hits(
    index: "Index",
    query: str,
    *,
    types: Iterable[str] | None = None,
    industry: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> tuple[list[Hit], int]:
    """The hits of ``search``, and how many records match in all (a list cut to ``limit`` says so)."""
    parsed = read_query(query, index)
    if not parsed.groups:
        return [], 0
    wanted = _filter(index, tuple(types) if types else None, industry, year, kind)
    scores = first_pass(index, parsed, wanted)
    if limit is None:
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    else:
        ranked = heapq.nsmallest(max(RERANK, limit + 5), scores.items(), key=lambda item: (-item[1], item[0]))
    rerank = Rerank(index, parsed)
    finished = sorted(((rerank.score(pos, score), pos) for pos, score in ranked), key=lambda item: (-item[0], item[1]))
    shown = finished[:limit] if limit is not None else finished
    return [Hit(index, pos, score, rerank.matches(pos)) for score, pos in shown], len(scores)


def _filter(
    index: "Index", types: tuple[str, ...] | None, industry: str | None, year: int | None, kind: str | None
) -> Callable[[int], bool] | None:
    """Whether the record at a position passes the filters (None: there are none)."""
    if not (types or industry or year is not None or kind):
        return None

    def wanted(pos: int) -> bool:
        facets = index.facets(pos)
        if types and facets.type not in types:
            return False
        if industry and industry not in facets.industries and index.entry(pos).id != industry:
            return False
        if year is not None and year not in facets.years:
            return False
        return not (kind and facets.kind != kind)

    return wanted


class MemoryIndex:
    """An ``Index`` over a knowledge base and the index data built for it, in memory."""

    def __init__(self, kb: KnowledgeBase, data: "IndexData") -> None:
        self.kb = kb
        self.data = data
        self.records = kb.all_records()
        self._fold = Fold.of(data.t2s)
        self._syllables = frozenset(s for s in data.char_pinyin if s)
        self._entries: dict[int, Entry] = {}
        self._by_length: dict[int, list[str]] = {}
        for word in data.stems:
            self._by_length.setdefault(len(word), []).append(word)

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def fold(self) -> Fold:
        return self._fold

    @property
    def question_words(self) -> QuestionWords:
        return self.data.question_words

    @property
    def synonyms(self) -> Sequence[SynonymGroup]:
        return self.data.synonyms

    @property
    def reference_year(self) -> int | None:
        return self.data.reference_year

    @property
    def context(self) -> frozenset[str]:
        return frozenset(self.data.context)

    def df(self, token: str) -> int:
        found = self.data.postings.get(token)
        return len(found[0]) if found else 0

    def postings(self, token: str) -> tuple[Sequence[int], Sequence[int]]:
        return self.data.postings.get(token) or ((), ())

    def stem(self, word: str) -> str | None:
        return self.data.stems.get(word)

    def spelled(self, key: str) -> Sequence[str]:
        return self.data.spelled.get(key, ())

    def char_pinyin(self, char: str) -> str | None:
        at = ord(char) - 0x4E00
        return self.data.char_pinyin[at] or None if 0 <= at < len(self.data.char_pinyin) else None

    def syllables(self) -> frozenset[str]:
        return self._syllables

    def words_near(self, length: int, spread: int) -> Sequence[str]:
        return [w for size in range(length - spread, length + spread + 1) for w in self._by_length.get(size, ())]

    def facets(self, pos: int) -> Facets:
        return self.data.facets[pos]

    def entry(self, pos: int) -> Entry:
        found = self._entries.get(pos)
        if found is None:
            found = self._entries[pos] = record_entry(self.records[pos], self._fold)
        return found

    def record(self, pos: int) -> Record:
        return self.records[pos]

    def plain(self, pos: int) -> dict[str, Any]:
        return self.records[pos].to_dict()

    def suggestion_keys(self) -> Sequence[tuple[str, str, str]]:
        return self.data.names


_LAST: "tuple[weakref.ref[KnowledgeBase], MemoryIndex] | None" = None


def memory_index(kb: KnowledgeBase) -> MemoryIndex:
    """The in-memory index of ``kb`` (built once per knowledge base; imports pypinyin and opencc)."""
    global _LAST
    if _LAST is not None and _LAST[0]() is kb:
        return _LAST[1]
    from srfacts.search.build import build_index  # pypinyin and opencc: only where no cache is written

    index = MemoryIndex(kb, build_index(kb))
    _LAST = (weakref.ref(kb), index)
    return index


def search_kb(kb: KnowledgeBase, query: str, **filters: object) -> list[Hit]:
    """Search a knowledge base held in memory (see ``search``)."""
    return search(memory_index(kb), query, **filters)
