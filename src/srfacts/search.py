"""Find records by keyword: substring matching over names, texts, aliases, quotes and English."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from srfacts.model import KnowledgeBase, Record, record_years

# Fields searched, best first, with the score a match in each earns.
FIELD_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("name", 50),
    ("aliases", 45),
    ("text", 40),
    ("name_en", 30),
    ("aliases_en", 28),
    ("text_en", 25),
    ("title", 40),
    ("title_en", 25),
    ("id", 20),
    ("scope", 12),
    ("scope_en", 10),
    ("quote", 10),
    ("note", 5),
)


@dataclass(frozen=True, slots=True)
class Match:
    """Where a query term matched: the field, the span in its text, and that text."""

    field: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The match as a JSON-ready mapping."""
        return {"field": self.field, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Hit:
    """A record that matched, its score and what matched."""

    record: Record
    score: float
    matches: tuple[Match, ...]

    def to_dict(self) -> dict[str, Any]:
        """The record plus ``score`` and ``matched``."""
        out = self.record.to_dict()
        out["score"] = self.score
        out["matched"] = [m.to_dict() for m in self.matches]
        return out


def normalise(text: str) -> str:
    """NFKC and case folding (full-width to half-width, ＡＢＣ -> abc)."""
    return unicodedata.normalize("NFKC", text).casefold()


def _field_texts(record: Record, name: str) -> list[str]:
    value = getattr(record, name, None)
    if value is None:
        return []
    if isinstance(value, tuple):
        return [str(v) for v in value]
    return [str(value)]


def search(
    kb: KnowledgeBase,
    query: str,
    *,
    types: tuple[str, ...] | None = None,
    industry: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """Records matching every word of ``query``, best first (ties in file order)."""
    terms = [normalise(t) for t in query.split() if t.strip()]
    if not terms:
        return []
    hits: list[tuple[float, int, Hit]] = []
    for order, record in enumerate(kb.all_records()):
        if types and record.TYPE not in types:
            continue
        if industry and industry not in getattr(record, "industries", ()) and record.id != industry:
            continue
        if year is not None and year not in record_years(record):
            continue
        if kind and getattr(record, "kind", getattr(record, "tier", None)) != kind:
            continue
        hit = _score(record, terms)
        if hit:
            hits.append((-hit.score, order, hit))
    hits.sort(key=lambda item: (item[0], item[1]))
    found = [h for _, _, h in hits]
    return found[:limit] if limit else found


def _score(record: Record, terms: list[str]) -> Hit | None:
    total = 0.0
    matches: list[Match] = []
    for term in terms:
        best: tuple[float, Match] | None = None
        for name, weight in FIELD_WEIGHTS:
            for text in _field_texts(record, name):
                folded = normalise(text)
                at = folded.find(term)
                if at < 0:
                    continue
                score = weight * (2 if folded == term else 1)
                if best is None or score > best[0]:
                    end = at + len(term)
                    best = (score, Match(name, at, end, text[at:end] if len(folded) == len(text) else term))
        if best is None:
            return None
        total += best[0]
        matches.append(best[1])
    return Hit(record, total, tuple(matches))


def suggestions(kb: KnowledgeBase, query: str, count: int = 3) -> list[str]:
    """Names and ids close to the query, for a "did you mean" when nothing matched."""
    import difflib

    names: list[str] = []
    for record in kb.all_records():
        names.extend([record.id, record.label, record.label_en])
        names.extend(getattr(record, "aliases", ()))
        names.extend(getattr(record, "aliases_en", ()))
    return difflib.get_close_matches(query, [n for n in names if n], n=count, cutoff=0.5)
