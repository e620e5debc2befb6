"""The plain BM25 baseline: Lucene's CJKAnalyzer idea with BM25, untuned, standard library only.

Each record is one document made of every text field (name, name_en, text, text_en, aliases,
aliases_en, scope, scope_en, quote, note, id). Tokens: NFKC and casefold, then runs of CJK
characters as overlapping character bigrams (a one-character run as itself) and runs of ASCII
letters and digits as words, as they are: no stemming, no synonyms, no pinyin, no Traditional
folding. Scoring is BM25 (k1=1.2, b=0.75) with OR semantics; ties keep file order and a record
scoring 0 is not returned. It is the floor srfacts' own search is measured against.

    >>> import srfacts
    >>> Baseline(srfacts.load().all_records()).search("晶科能源", limit=1)
    ['jinko-solar']
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from srfacts.core.records import Record

FIELDS = ("name", "name_en", "text", "text_en", "aliases", "aliases_en", "scope", "scope_en", "quote", "note", "id")
K1 = 1.2
B = 0.75

# CJK ideographs (unified, extension A, compatibility), kana and Hangul, as CJKAnalyzer bigrams them.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(f"([{_CJK}]+)|([0-9a-z]+)")


def tokens(text: str) -> list[str]:
    """NFKC + casefold; CJK runs as overlapping bigrams (a lone character as itself), ASCII words as they are."""
    out: list[str] = []
    for match in _TOKEN.finditer(unicodedata.normalize("NFKC", text).casefold()):
        cjk, word = match.groups()
        if cjk:
            out.extend([cjk] if len(cjk) == 1 else [cjk[i : i + 2] for i in range(len(cjk) - 1)])
        else:
            out.append(word)
    return out


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        yield from (v for v in value if isinstance(v, str))


def document(record: Record) -> str:
    """Every text field of a record, joined with newlines."""
    data = record.to_dict()
    return "\n".join(s for name in FIELDS for s in _strings(data.get(name)))


class Baseline:
    """BM25 over CJK bigrams and ASCII words, one document per record."""

    def __init__(self, records: Iterable[Record]) -> None:
        self.ids: list[str] = []
        self.freqs: list[Counter[str]] = []
        for record in records:
            self.ids.append(record.id)
            self.freqs.append(Counter(tokens(document(record))))
        self.lengths = [sum(f.values()) for f in self.freqs]
        count = len(self.ids)
        self.average = sum(self.lengths) / count if count else 0.0
        df: Counter[str] = Counter()
        for freq in self.freqs:
            df.update(freq.keys())
        # Lucene's BM25 idf: never negative, so a very common term still scores a little.
        self.idf = {term: math.log(1 + (count - n + 0.5) / (n + 0.5)) for term, n in df.items()}
        self.postings: dict[str, list[int]] = {}
        for doc, freq in enumerate(self.freqs):
            for term in freq:
                self.postings.setdefault(term, []).append(doc)

    def scores(self, query: str) -> dict[int, float]:
        """BM25 score of every document that holds at least one query term (OR semantics)."""
        out: dict[int, float] = {}
        for term, qtf in Counter(tokens(query)).items():
            idf = self.idf.get(term)
            if idf is None:
                continue
            for doc in self.postings[term]:
                tf = self.freqs[doc][term]
                norm = tf + K1 * (1 - B + B * self.lengths[doc] / self.average)
                out[doc] = out.get(doc, 0.0) + qtf * idf * tf * (K1 + 1) / norm
        return out

    def search(self, query: str, limit: int = 5) -> list[str]:
        """Record ids, best first (ties in file order); records scoring 0 are left out."""
        ranked = sorted(((-s, doc) for doc, s in self.scores(query).items() if s > 0))
        return [self.ids[doc] for _, doc in ranked[:limit]]


if __name__ == "__main__":
    import sys

    import srfacts

    engine = Baseline(srfacts.load().all_records())
    for line in sys.argv[1:] or sys.stdin:
        print(line.strip(), "->", engine.search(line.strip()))
