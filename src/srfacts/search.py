"""Find records by keyword: substring matching over names, texts, aliases, quotes and English.

Everything heavy happens once, in ``srfacts.index``: normalised field texts, pinyin (full
spelling, syllables, initials) and a Traditional-to-Simplified character table. A query never
imports pypinyin or opencc: it folds its text with ``str.translate`` and scans plain strings,
in the compiled cache (``search_store``) or in memory (``search``).
"""

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from srfacts.model import KnowledgeBase, Record, is_decimal, record_years

if TYPE_CHECKING:
    from decimal import Decimal

    from srfacts.index import SearchIndex
    from srfacts.store import Store


# Fields searched, best first, with the score a match in each earns.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 50,
    "aliases": 45,
    "title": 40,
    "text": 40,
    "value": 40,
    "name_en": 30,
    "aliases_en": 28,
    "title_en": 25,
    "text_en": 25,
    "id": 20,
    "scope": 12,
    "scope_en": 10,
    "quote": 10,
    "kind": 8,
    "tier": 8,
    "period": 8,
    "authors": 8,
    "authors_en": 8,
    "note": 4,
}
EXACT = 3.0  # a query equal to the whole field
FULL = 2.0  # one of several words equal to the whole field
PHRASE = 1.5  # extra weight of a several-word query matching as a whole
PAIR = 0.5  # extra weight of two adjacent words of a longer query matching together
MAX_PAIRS = 8  # adjacent pairs tried, at most
PINYIN = 0.8  # full pinyin spelling, relative to the Chinese text
INITIALS = 0.4  # pinyin initials (gf for 光伏), names only
VARIANT = 0.9  # singular form of an English plural
PINYIN_FIELDS = frozenset({"name", "aliases", "title", "text"})
INITIALS_FIELDS = frozenset({"name", "aliases", "title"})
STOPWORDS = frozenset(
    ("a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "is", "of", "on", "or", "the", "to", "with")
)
MAX_SPLIT = 32  # longest Chinese word split into known sub-terms

LETTERS = re.compile(r"[a-z]+")
_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]+)?)([^0-9]*)")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")


class Match(NamedTuple):
    """Where a query term matched: the field, the span in its text, that text, and how.

    ``how`` is ``exact`` (the whole field), ``text`` (part of it), ``pinyin``, ``initials`` or
    ``value`` (a number equal to a metric's value).
    """

    field: str
    start: int
    end: int
    text: str
    how: str = "text"

    def to_dict(self) -> dict[str, Any]:
        """The match as a JSON-ready mapping."""
        return {"field": self.field, "start": self.start, "end": self.end, "text": self.text, "how": self.how}


class Hit(NamedTuple):
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


def normalise(text: str, fold: Mapping[int, int] | Mapping[int, str] | None = None) -> str:
    """NFKC, case folding (ＡＢＣ -> abc) and, with an index's ``fold`` table, 鋰 -> 锂. Idempotent."""
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", text).casefold()
        if fold:
            folded = folded.translate(fold)
        if folded == text:
            break
        text = folded
    return text


def _is_cjk(char: str) -> bool:
    """A CJK Unified Ideograph (or one of Extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def has_cjk(text: str) -> bool:
    return not text.isascii() and any(_is_cjk(c) for c in text)


# ---------------------------------------------------------------------------------------------
# Index entries (built by ``srfacts.index``)


class Field(NamedTuple):
    """One searchable text of a record (``item``: position in a tuple field such as aliases)."""

    name: str
    item: int
    norm: str
    offsets: list[int] | None  # normalised position -> original position, when they differ


class Pinyin(NamedTuple):
    """Pinyin of one field: guangfu / "guang fu" / gf, and the position of each syllable's character."""

    field: int  # index into the entry's fields
    joined: str
    spaced: str
    initials: str
    chars: list[int]
    starts: dict[int, int]  # derived: position in ``joined`` -> syllable
    ends: dict[int, int]  # derived: end position in ``joined`` -> syllable


class Entry(NamedTuple):
    """Everything the index knows about one record."""

    id: str
    fields: list[Field]
    pinyin: list[Pinyin]
    value: str | None
    unit: str


def pinyin_forms(field: int, syllables: list[str], chars: list[int]) -> Pinyin:
    """The pinyin forms of a field, with the lookups a query needs."""
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    at = 0
    for number, syllable in enumerate(syllables):
        starts[at] = number
        at += len(syllable)
        ends[at] = number
    initials = "".join(s[0] for s in syllables)
    return Pinyin(field, "".join(syllables), " ".join(syllables), initials, chars, starts, ends)


def entry_to_row(entry: Entry) -> list[Any]:
    """One record's entry as plain data (lists, text and numbers)."""
    fields = [list(f) for f in entry.fields]
    pinyin = [[p.field, p.spaced, p.chars] for p in entry.pinyin]
    return [entry.id, fields, pinyin, entry.value, entry.unit]


def entry_from_row(row: Any) -> Entry:
    """One record's entry from its plain data (TypeError, ValueError ... if it is not one)."""
    ident, fields_data, pinyin_data, value, unit = row
    fields = [Field(str(n), int(i), str(t), None if o is None else [int(x) for x in o]) for n, i, t, o in fields_data]
    pinyin = [pinyin_forms(int(f), str(s).split(" "), [int(c) for c in chars]) for f, s, chars in pinyin_data]
    for p in pinyin:
        if not 0 <= p.field < len(fields) or len(p.chars) != len(p.spaced.split(" ")):
            raise ValueError("pinyin does not fit its field")
    return Entry(str(ident), fields, pinyin, None if value is None else str(value), str(unit))


def originals(record: Record, name: str) -> list[str]:
    """The texts of one field of a record (several for aliases and authors)."""
    value = getattr(record, name, None)
    if isinstance(value, str):
        return [value] if value else []
    if value is None:
        return []
    if isinstance(value, tuple):
        return [str(v) for v in value if v]
    if is_decimal(value):
        return [decimal_text(value)]
    return [str(value)] if str(value) else []


def decimal_text(value: Any) -> str:
    return format(value, "f") if is_decimal(value) else str(value)


# ---------------------------------------------------------------------------------------------
# Queries


class _Term(NamedTuple):
    """One normalised query word (or the whole query as a phrase) and its readings."""

    text: str
    variants: tuple[tuple[str, float], ...]  # the text and singular forms, with their weight
    spelled: str  # as pinyin (letters only), or ""
    number: "Decimal | None"
    unit: str
    full: float  # quality of covering a whole field: EXACT for the whole query, else FULL


def _term(text: str, whole: bool) -> _Term:
    """A query word read as text, English singular, pinyin and number."""
    variants = [(text, 1.0)] + [(v, VARIANT) for v in _singulars(text)]
    letters = text.replace(" ", "").replace("'", "")
    spelled = letters if len(letters) >= 2 and LETTERS.fullmatch(letters) else ""
    number, unit = _number(text)
    return _Term(text, tuple(variants), spelled, number, unit, EXACT if whole else FULL)


def _singulars(word: str) -> list[str]:
    """zones -> zone, companies -> company, batteries -> battery (English words only)."""
    if len(word) < 4 or not word.endswith("s") or not LETTERS.fullmatch(word):
        return []
    if word.endswith("ies"):
        return [word[:-3] + "y"]
    return [word[:-1], word[:-2]] if word.endswith("es") else [word[:-1]]


def _number(text: str) -> "tuple[Decimal | None, str]":
    """5028.1亿 -> (5028.1, "亿"); 82.9% -> (82.9, "%"); not a number -> (None, "")."""
    found = _NUMBER.fullmatch(_THOUSANDS.sub("", text))
    if not found:
        return None, ""
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(found.group(1)), found.group(2).strip()
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid decimals
        return None, ""


class _Query(NamedTuple):
    terms: list[_Term]  # every one must match (unless the phrase does)
    phrase: _Term | None  # the whole query, when it has several words
    pairs: list[_Term]  # adjacent words, when there are more than two


class _Texts(Protocol):
    """What reading a query needs of an index: its Traditional folding and a test of known text."""

    @property
    def fold(self) -> Mapping[int, int]: ...

    def contains(self, text: str) -> bool: ...


def _parse(query: str, index: _Texts) -> _Query | None:
    """Words (AND), Chinese words unknown as a whole split into known parts, and the whole phrase."""
    if not query.isascii():  # lone surrogates (undecodable bytes of an argument) match nothing and break SQL
        query = query.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    words = normalise(query, index.fold).split()
    if not words:
        return None
    parts = list(dict.fromkeys(p for w in dict.fromkeys(words) for p in _split(w, index.contains)))
    meaningful = [p for p in parts if p not in STOPWORDS] or parts
    several = len(meaningful) > 1 or len(words) > 1
    terms = [_term(p, not several) for p in meaningful]
    phrase = _term(" ".join(words), True) if several else None
    pairs = [_term(f"{a} {b}", False) for a, b in itertools.pairwise(words[:MAX_PAIRS])] if len(words) > 2 else []
    return _Query(terms, phrase, pairs)


def _split(word: str, known: Callable[[str], bool]) -> list[str]:
    """上饶光伏 (unknown as a whole) -> 上饶, 光伏: the longest known pieces, left to right (all must match)."""
    if not 3 <= len(word) <= MAX_SPLIT or not all(_is_cjk(c) for c in word) or known(word):
        return [word]
    pieces: list[str] = []
    start = 0
    while start < len(word):
        end = start + 1
        while end < len(word) and known(word[start : end + 1]):
            end += 1
        pieces.append(word[start:end])
        start = end
    return pieces


def _possible(term: _Term, index: "SearchIndex") -> bool:
    """Cheap check that a term can match somewhere at all."""
    return (
        term.number is not None
        or any(v in index.blob for v, _ in term.variants)
        or bool(term.spelled and term.spelled in index.blob)
    )


# ---------------------------------------------------------------------------------------------
# Matching and scoring


class _Found(NamedTuple):
    """A candidate match: score, the field, the span in its normalised text, and how."""

    score: float
    field: Field
    start: int
    end: int
    how: str


def _bounded(text: str, start: int, end: int) -> bool:
    """English words match from a word start; numbers match whole (2248 not inside 12248)."""
    first, last = text[start], text[end - 1]
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if _ascii_letter(first) and _ascii_letter(before):
        return False
    if first.isdigit() and (before.isdigit() or before == "."):
        return False
    return not (last.isdigit() and after.isdigit())


def _ascii_letter(char: str) -> bool:
    return "a" <= char <= "z"


def _locate(text: str, term: str) -> int:
    """The first position where ``term`` matches ``text`` on word and number boundaries, or -1."""
    at = text.find(term)
    while at >= 0 and not _bounded(text, at, at + len(term)):
        at = text.find(term, at + 1)
    return at


def _quality(length: int, start: int, end: int, whole_word: bool, full: float) -> float:
    """``full`` for the whole field; otherwise more for covering more of it, starting it, whole words."""
    if start == 0 and end == length:
        return full
    return 1.0 + 0.5 * (end - start) / length + (0.25 if start == 0 else 0.0) + (0.25 if whole_word else 0.0)


def _text_match(field: Field, term: _Term) -> _Found | None:
    """The term (or its singular) as a substring of the field, on word and number boundaries."""
    best: _Found | None = None
    for variant, weight in term.variants:
        at = _locate(field.norm, variant)
        if at < 0:
            continue
        end = at + len(variant)
        whole = end == len(field.norm) or not _ascii_letter(field.norm[end])
        score = FIELD_WEIGHTS[field.name] * weight * _quality(len(field.norm), at, end, whole, term.full)
        if best is None or score > best.score:
            best = _Found(score, field, at, end, "exact" if at == 0 and end == len(field.norm) else "text")
    return best


def _pinyin_match(entry: Entry, pinyin: Pinyin, term: _Term) -> _Found | None:
    """The term as the pinyin of adjacent characters (guangfu, "guang fu"), or their initials (gf)."""
    field = entry.fields[pinyin.field]
    span = _syllables(pinyin, term.spelled)
    how, weight = "pinyin", PINYIN
    if span is None and field.name in INITIALS_FIELDS and len(term.spelled) <= 8:
        span = _initials(pinyin, term.spelled)
        how, weight = "initials", INITIALS
    if span is None:
        return None
    start, end = pinyin.chars[span[0]], pinyin.chars[span[1]] + 1
    score = FIELD_WEIGHTS[field.name] * weight * _quality(len(field.norm), start, end, True, term.full)
    return _Found(score, field, start, end, how)


def _syllables(pinyin: Pinyin, spelled: str) -> tuple[int, int] | None:
    """First and last syllable of a match of whole syllables of adjacent characters."""
    at = pinyin.joined.find(spelled)
    while at >= 0:
        first, last = pinyin.starts.get(at), pinyin.ends.get(at + len(spelled))
        if first is not None and last is not None and _adjacent(pinyin.chars, first, last):
            return first, last
        at = pinyin.joined.find(spelled, at + 1)
    return None


def _initials(pinyin: Pinyin, spelled: str) -> tuple[int, int] | None:
    """First and last syllable of a match of the initials of adjacent characters."""
    at = pinyin.initials.find(spelled)
    while at >= 0:
        if _adjacent(pinyin.chars, at, at + len(spelled) - 1):
            return at, at + len(spelled) - 1
        at = pinyin.initials.find(spelled, at + 1)
    return None


def _adjacent(chars: list[int], first: int, last: int) -> bool:
    return chars[last] - chars[first] == last - first


def _value_match(entry: Entry, term: _Term) -> _Found | None:
    """A numeric query equal to a metric's value, with a unit prefix if given (5028.1亿)."""
    if term.number is None or entry.value is None:
        return None
    from decimal import Decimal

    if Decimal(entry.value) != term.number:
        return None
    if term.unit and not (entry.unit.startswith(term.unit) or (entry.unit and term.unit.startswith(entry.unit))):
        return None
    field = next(f for f in entry.fields if f.name == "value")
    return _Found(FIELD_WEIGHTS["value"] * term.full, field, 0, len(field.norm), "value")


def _best(entry: Entry, term: _Term) -> _Found | None:
    """The best match of one term in one record, or None."""
    candidates: list[_Found | None] = [_value_match(entry, term)]
    candidates.extend(_text_match(field, term) for field in entry.fields)
    if term.spelled:
        candidates.extend(_pinyin_match(entry, p, term) for p in entry.pinyin)
    found = [c for c in candidates if c is not None]
    return max(found, key=lambda c: c.score) if found else None


def _score(entry: Entry, query: _Query) -> tuple[float, list[_Found]] | None:
    """The score and what matched (phrase, then each term), or None if the record does not match."""
    phrase = _best(entry, query.phrase) if query.phrase else None
    shown = [phrase] if phrase else []
    total = PHRASE * phrase.score if phrase else 0.0
    for term in query.terms:
        found = _best(entry, term)
        if found is None:
            if phrase is None:
                return None
            continue
        shown.append(found)
        total += found.score
    for pair in query.pairs:
        found = _best(entry, pair)
        total += PAIR * found.score if found else 0.0
    return total, shown


def _wanted(
    record: Record, types: Iterable[str] | None, industry: str | None, year: int | None, kind: str | None
) -> bool:
    """Whether a record passes the filters (``kind`` is a claim's or entity's kind, or a tier)."""
    if types and record.TYPE not in types:
        return False
    if industry and industry not in getattr(record, "industries", ()) and record.id != industry:
        return False
    if year is not None and year not in record_years(record):
        return False
    return not (kind and getattr(record, "kind", getattr(record, "tier", None)) != kind)


def search(
    kb: KnowledgeBase,
    query: str,
    *,
    types: tuple[str, ...] | None = None,
    industry: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    limit: int | None = None,
    index: "SearchIndex | None" = None,
) -> list[Hit]:
    """Records matching every word of ``query`` (or the query as a whole), best first, ties in file order."""
    from srfacts.index import build_index, index_for

    index = index or index_for(kb)
    try:
        return _search(kb, index, query, types, industry, year, kind, limit)
    except ValueError:  # a stored entry that does not decode: search a freshly built index instead
        return _search(kb, build_index(kb), query, types, industry, year, kind, limit)


def _search(
    kb: KnowledgeBase,
    index: "SearchIndex",
    query: str,
    types: tuple[str, ...] | None,
    industry: str | None,
    year: int | None,
    kind: str | None,
    limit: int | None,
) -> list[Hit]:
    parsed = _parse(query, index)
    if parsed is None or not _feasible(parsed, index):
        return []
    hits: list[Hit] = []
    records = kb.all_records()
    for position, haystack in enumerate(index.haystacks):
        if not _may_match(parsed, haystack, position < len(records) and _valued(records[position])):
            continue
        entry = index.entry(position)
        record = kb.by_id.get(entry.id)
        if record is None or not _wanted(record, types, industry, year, kind):
            continue
        scored = _score(entry, parsed)
        if scored:
            hits.append(_hit(record, *scored))
    hits.sort(key=lambda h: -h.score)
    return hits[:limit] if limit else hits


def _valued(record: Record) -> bool:
    return getattr(record, "value", None) is not None


def _may_match(query: _Query, haystack: str, valued: bool) -> bool:
    """A necessary condition for ``_score`` to match: each term (or the phrase) occurs in the haystack."""

    def occurs(term: _Term) -> bool:
        return (
            (term.number is not None and valued)
            or any(v in haystack for v, _ in term.variants)
            or bool(term.spelled and term.spelled in haystack)
        )

    return bool(query.phrase and occurs(query.phrase)) or all(occurs(t) for t in query.terms)


def _feasible(query: _Query, index: "SearchIndex") -> bool:
    """False when some word occurs nowhere, so a hopeless query costs no scan of the records."""
    if query.phrase is not None and _possible(query.phrase, index):
        return True
    return all(_possible(t, index) for t in query.terms)


def _hit(record: Record, total: float, shown: list[_Found]) -> Hit:
    """The hit with its rounded score and each distinct match."""
    matches: dict[tuple[str, int, int], Match] = {}
    for found in shown:
        match = _to_match(record, found)
        matches.setdefault((match.field, match.start, match.end), match)
    return Hit(record, round(total, 2), tuple(matches.values()))


def original(record: Record, field: Field) -> str:
    """The record's own text of an indexed field."""
    texts = originals(record, field.name)
    return texts[field.item] if field.item < len(texts) else field.norm


def _to_match(record: Record, found: _Found) -> Match:
    """The match as a span of the record's own (not normalised) text."""
    text = original(record, found.field)
    start, end = found.start, found.end
    if found.field.offsets is not None:
        start, end = found.field.offsets[start], found.field.offsets[end]
    start, end = min(start, len(text)), min(end, len(text))
    return Match(found.field.name, start, end, text[start:end], found.how)


# ---------------------------------------------------------------------------------------------
# Searching a compiled store (records read only as candidates)


def plain_number(number: "Decimal") -> str:
    """A number written plainly and minimally (82.90 -> 82.9, 2E+3 -> 2000), as values are stored."""
    return format(number.normalize(), "f")


def _needles(term: _Term) -> list[str]:
    return [v for v, _ in term.variants] + ([term.spelled] if term.spelled else [])


def search_store(
    store: "Store",
    query: str,
    *,
    types: tuple[str, ...] | None = None,
    industry: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[Hit]:
    """The same hits as ``search`` on the store's knowledge base, reading only candidate records.

    A one-word query with a limit tries fields best first and stops once no record left can
    outrank the hits it has: its score is bounded by the weight of the best field it occurs in.
    """
    parsed = _parse(query, store)
    if parsed is None:
        return []
    found: list[tuple[float, int, Hit]] = []

    def consider(pos: int) -> None:
        record, entry = store.record_and_entry(pos)
        if not _wanted(record, types, industry, year, kind):
            return
        try:
            scored = _score(entry_from_row(entry), parsed)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
            raise ValueError(f"the compiled cache does not decode: {error!r}") from None
        if scored:
            hit = _hit(record, *scored)
            found.append((-hit.score, pos, hit))

    if limit and parsed.phrase is None and not parsed.pairs and len(parsed.terms) == 1:
        _ranked(store, parsed.terms[0], limit, found, consider)
    else:
        for pos in sorted(_candidates(store, parsed)):
            consider(pos)
    found.sort(key=lambda item: (item[0], item[1]))
    hits = [hit for _, _, hit in found]
    return hits[:limit] if limit else hits


def _term_positions(store: "Store", term: _Term) -> set[int]:
    positions = store.positions(_needles(term))
    if term.number is not None:
        positions |= store.valued(plain_number(term.number))
    return positions


def _candidates(store: "Store", query: _Query) -> set[int]:
    """Records that hold every term, or the phrase."""
    every: set[int] | None = None
    for term in query.terms:
        held = _term_positions(store, term)
        every = held if every is None else every & held
    phrase = _term_positions(store, query.phrase) if query.phrase else set()
    return (every or set()) | phrase


def _ranked(
    store: "Store", term: _Term, limit: int, found: list[tuple[float, int, Hit]], consider: Callable[[int], None]
) -> None:
    """Score candidates group by group, the group that can score highest first, and stop early.

    A group is the records whose text in one field equals the term (an exact match, scored at
    most weight x EXACT) or contains it (at most weight x FULL); numbers also match values. A
    record's score cannot exceed the bound of the first group it is met in, so once ``limit``
    hits beat that bound (or equal it, met earlier in file order) nothing later can enter.
    """
    needles = _needles(term)

    def rows(field: str, exact: bool) -> Callable[[], set[int]]:
        return lambda: store.positions(needles, field, exact=exact)

    groups: list[tuple[float, Callable[[], set[int]]]] = []
    for name in store.field_names:
        weight = FIELD_WEIGHTS.get(name, 0)
        groups += [(weight * term.full, rows(name, True)), (weight * FULL, rows(name, False))]
    if term.number is not None:
        number = plain_number(term.number)
        groups.append((FIELD_WEIGHTS["value"] * term.full, lambda: store.valued(number)))
    groups.sort(key=lambda group: -group[0])
    seen: set[int] = set()
    for bound, positions in groups:
        above = sum(1 for score, _, _ in found if -score > bound)
        if above >= limit:
            break
        reached = 0
        for pos in sorted(positions() - seen):
            if above + reached >= limit:
                break
            seen.add(pos)
            before = len(found)
            consider(pos)
            if len(found) > before and -found[-1][0] >= bound:
                reached += 1
