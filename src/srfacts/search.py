"""Find records by keyword: substring matching over names, texts, aliases, quotes and English.

Everything heavy happens once in ``build_index``: normalised field texts, pinyin (full
spelling, syllables, initials) and a Traditional-to-Simplified character table. The index is
plain JSON-ready data (``to_data``/``from_data``), so a query never imports pypinyin or
opencc: it folds its text with ``str.translate`` and scans plain strings.
"""

import itertools
import json
import re
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from srfacts.model import KnowledgeBase, Record, is_decimal, record_years

if TYPE_CHECKING:
    from decimal import Decimal

    from srfacts.store import Store

INDEX_VERSION = 2

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
MAX_SUGGEST = 64  # longest query compared for suggestions
CLOSE = 0.6  # least difflib ratio of a suggestion

_LETTERS = re.compile(r"[a-z]+")
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


def _has_cjk(text: str) -> bool:
    return not text.isascii() and any(_is_cjk(c) for c in text)


# ---------------------------------------------------------------------------------------------
# The index


class _Field(NamedTuple):
    """One searchable text of a record (``item``: position in a tuple field such as aliases)."""

    name: str
    item: int
    norm: str
    offsets: list[int] | None  # normalised position -> original position, when they differ


class _Pinyin(NamedTuple):
    """Pinyin of one field: guangfu / "guang fu" / gf, and the position of each syllable's character."""

    field: int  # index into the entry's fields
    joined: str
    spaced: str
    initials: str
    chars: list[int]
    starts: dict[int, int]  # derived: position in ``joined`` -> syllable
    ends: dict[int, int]  # derived: end position in ``joined`` -> syllable


class _Entry(NamedTuple):
    """Everything the index knows about one record."""

    id: str
    fields: list[_Field]
    pinyin: list[_Pinyin]
    value: str | None
    unit: str


def _pinyin(field: int, syllables: list[str], chars: list[int]) -> _Pinyin:
    """The pinyin forms of a field, with the lookups a query needs."""
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    at = 0
    for number, syllable in enumerate(syllables):
        starts[at] = number
        at += len(syllable)
        ends[at] = number
    initials = "".join(s[0] for s in syllables)
    return _Pinyin(field, "".join(syllables), " ".join(syllables), initials, chars, starts, ends)


class SearchIndex:
    """Normalised texts, pinyin and the Traditional-to-Simplified table of one knowledge base.

    Each record has a *haystack*, every searchable form of it in one string, so a query finds
    its candidate records with plain substring tests; only candidates' entries are decoded
    from the stored data and scored.
    """

    def __init__(
        self, t2s: dict[str, str], rows: list[str], haystacks: list[str] | None = None, ids: list[str] | None = None
    ) -> None:
        self.t2s = t2s
        self.rows = rows  # each record's entry as JSON text, decoded when a query needs it
        self.fold: dict[int, int] = str.maketrans("".join(t2s), "".join(t2s.values()))
        self._decoded: dict[int, _Entry] = {}
        self.haystacks = haystacks if haystacks is not None else [_haystack(self.entry(i)) for i in range(len(rows))]
        self._ids = ids
        self._blob: str | None = None
        self._sounds: dict[str, str] | None = None

    def entry(self, position: int) -> _Entry:
        """The decoded entry of the record at ``position`` (decoded once, on first use)."""
        found = self._decoded.get(position)
        if found is None:
            try:
                found = _entry_from_data(self.rows[position])
            except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
                raise ValueError(f"not a search index entry: {error!r}") from None
            self._decoded[position] = found
        return found

    @property
    def entries(self) -> list[_Entry]:
        """Every entry, decoded."""
        return [self.entry(i) for i in range(len(self.rows))]

    def contains(self, text: str) -> bool:
        """Whether some record's searchable text contains ``text``."""
        return text in self.blob

    @property
    def blob(self) -> str:
        """Every haystack in one string: a word absent from it is absent everywhere."""
        if self._blob is None:
            self._blob = "\n".join(self.haystacks)
        return self._blob

    @property
    def sounds(self) -> dict[str, str]:
        """Pinyin of every Chinese character the index has spelled (for suggestions by sound)."""
        if self._sounds is None:
            self._sounds = {}
            for entry in self.entries:
                for p in entry.pinyin:
                    norm = entry.fields[p.field].norm
                    for char, syllable in zip(p.chars, p.spaced.split(" "), strict=True):
                        self._sounds.setdefault(norm[char], syllable)
        return self._sounds

    def to_data(self) -> dict[str, Any]:
        """The index as plain JSON-ready data (the t2s table as two aligned strings, entries as JSON text)."""
        return {
            "version": INDEX_VERSION,
            "t2s": ["".join(self.t2s), "".join(self.t2s.values())],
            "records": self.rows,
            "haystacks": self.haystacks,
            "ids": self.ids(),
        }

    @classmethod
    def from_data(cls, obj: Any) -> "SearchIndex":
        """An index from ``to_data`` output; ValueError if it is not one (or of another version).

        Entries are checked as they are decoded (a query decodes only its candidates).
        """
        try:
            if obj["version"] != INDEX_VERSION:
                raise ValueError(f"search index version {obj['version']}, expected {INDEX_VERSION}")
            rows, haystacks, t2s, ids = obj["records"], obj["haystacks"], obj["t2s"], obj["ids"]
        except (KeyError, TypeError, IndexError) as error:
            raise ValueError(f"not a search index: {error!r}") from None
        if not (isinstance(rows, list) and isinstance(haystacks, list) and isinstance(t2s, list)):
            raise ValueError("not a search index: records, haystacks and t2s have the wrong types")
        if not isinstance(ids, list) or not len(rows) == len(haystacks) == len(ids):
            raise ValueError("not a search index: one id, text entry and haystack per record are needed")
        if not all(type(h) is str for h in haystacks):
            raise ValueError("not a search index: one text entry and one haystack per record are needed")
        if len(t2s) != 2 or not all(isinstance(t, str) for t in t2s) or len(t2s[0]) != len(t2s[1]):
            raise ValueError("not a search index: the t2s table must be two aligned texts")
        return cls(dict(zip(t2s[0], t2s[1], strict=True)), rows, haystacks, ids)

    def ids(self) -> list[str]:
        """The record ids, in index order."""
        if self._ids is None:
            self._ids = [self.entry(i).id for i in range(len(self.rows))]
        return self._ids

    def matches(self, kb: KnowledgeBase) -> bool:
        """Whether this index was built from a knowledge base with the same records in the same order."""
        try:
            return self.ids() == [r.id for r in kb.all_records()]
        except ValueError:
            return False


def _haystack(entry: _Entry) -> str:
    """Every searchable form of a record in one string: texts, then pinyin spellings and initials."""
    texts = [f.norm for f in entry.fields]
    spelled = [form for p in entry.pinyin for form in (p.joined, p.initials)]
    return "\n".join(texts + spelled)


def _entry_to_data(entry: _Entry) -> str:
    """One entry as JSON text."""
    fields = [list(f) for f in entry.fields]
    pinyin = [[p.field, p.spaced, p.chars] for p in entry.pinyin]
    return json.dumps([entry.id, fields, pinyin, entry.value, entry.unit], ensure_ascii=False, separators=(",", ":"))


def _entry_from_data(text: str) -> _Entry:
    """One record's entry from ``_entry_to_data`` output."""
    ident, fields_data, pinyin_data, value, unit = json.loads(text)
    fields = [_Field(str(n), int(i), str(t), None if o is None else [int(x) for x in o]) for n, i, t, o in fields_data]
    pinyin = [_pinyin(int(f), str(s).split(" "), [int(c) for c in chars]) for f, s, chars in pinyin_data]
    for p in pinyin:
        if not 0 <= p.field < len(fields) or len(p.chars) != len(p.spaced.split(" ")):
            raise ValueError("pinyin does not fit its field")
    return _Entry(str(ident), fields, pinyin, None if value is None else str(value), str(unit))


def build_index(kb: KnowledgeBase, report: Callable[[int], None] | None = None) -> SearchIndex:
    """Compute everything a query needs (imports opencc and pypinyin); ``report`` hears of each 1000 records."""
    t2s = _t2s_table()
    fold = {ord(k): v for k, v in t2s.items()}
    entries = []
    for done, record in enumerate(kb.all_records(), 1):
        entries.append(_build_entry(record, fold))
        if report and done % 1000 == 0:
            report(1000)
    rows = [_entry_to_data(e) for e in entries]
    return SearchIndex(t2s, rows, [_haystack(e) for e in entries], [e.id for e in entries])


def _t2s_table() -> dict[str, str]:
    """Traditional -> Simplified for every CJK Unified Ideograph opencc changes (one call)."""
    from opencc import OpenCC

    chars = [chr(code) for code in range(0x4E00, 0xA000)]
    converted = OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):
        raise RuntimeError("opencc t2s changed the number of characters")
    table = {t: s for t, s in zip(chars, converted, strict=True) if len(s) == 1 and s != t}
    for t, s in table.items():
        while s in table and table[s] != s:
            s = table[s]
        table[t] = s
    return table


def _build_entry(record: Record, fold: dict[int, str]) -> _Entry:
    """Normalised texts and pinyin of every searched field of a record, and its value and unit."""
    fields: list[_Field] = []
    pinyin: list[_Pinyin] = []
    for name in FIELD_WEIGHTS:
        for item, original in enumerate(_originals(record, name)):
            norm = normalise(original, fold)
            fields.append(_Field(name, item, norm, _offsets(original, norm, fold)))
            if name in PINYIN_FIELDS and _has_cjk(norm):
                pinyin.extend(_spell(len(fields) - 1, norm))
    value = getattr(record, "value", None)
    unit = normalise(str(getattr(record, "unit", "") or ""), fold)
    return _Entry(record.id, fields, pinyin, None if value is None else _decimal_text(value), unit)


def _originals(record: Record, name: str) -> list[str]:
    """The texts of one field of a record (several for aliases and authors)."""
    value = getattr(record, name, None)
    if value is None:
        return []
    if isinstance(value, tuple):
        return [str(v) for v in value if v]
    if is_decimal(value):
        return [_decimal_text(value)]
    return [str(value)] if str(value) else []


def _decimal_text(value: Any) -> str:
    return format(value, "f") if is_decimal(value) else str(value)


def _offsets(original: str, norm: str, fold: dict[int, str]) -> list[int] | None:
    """Map normalised positions to original ones when normalising changed the length."""
    if len(original) == len(norm):
        return None
    offsets: list[int] = []
    for at, char in enumerate(original):
        offsets.extend([at] * len(normalise(char, fold)))
    offsets.append(len(original))
    return offsets if len(offsets) == len(norm) + 1 else None


_SPELLED: dict[str, list[str]] = {}  # pinyin of each run of Chinese characters met while building


def _spell_run(run: str) -> list[str]:
    """Pinyin of a run of Chinese characters, computed once per distinct run."""
    spelled = _SPELLED.get(run)
    if spelled is None:
        from pypinyin import lazy_pinyin

        spelled = _SPELLED[run] = [s.casefold() for s in lazy_pinyin(run)]
    return spelled


def _spell(field: int, norm: str) -> list[_Pinyin]:
    """Pinyin without tones of every Chinese character of a field (lv for 绿)."""
    syllables: list[str] = []
    chars: list[int] = []
    for run in re.finditer(r"[\u3400-\u4dbf\u4e00-\u9fff]+", norm):
        spelled = _spell_run(run.group())
        if len(spelled) == len(run.group()) and all(_LETTERS.fullmatch(s) for s in spelled):
            syllables.extend(spelled)
            chars.extend(range(run.start(), run.end()))
    return [_pinyin(field, syllables, chars)] if syllables else []


_LAST: tuple[weakref.ref[KnowledgeBase], SearchIndex] | None = None


def index_for(kb: KnowledgeBase) -> SearchIndex:
    """The index of ``kb``: the last one used for it, else the cached one, else a new one."""
    global _LAST
    if _LAST is not None and _LAST[0]() is kb:
        return _LAST[1]
    index = build_index(kb)
    _LAST = (weakref.ref(kb), index)
    return index


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
    spelled = letters if len(letters) >= 2 and _LETTERS.fullmatch(letters) else ""
    number, unit = _number(text)
    return _Term(text, tuple(variants), spelled, number, unit, EXACT if whole else FULL)


def _singulars(word: str) -> list[str]:
    """zones -> zone, companies -> company, batteries -> battery (English words only)."""
    if len(word) < 4 or not word.endswith("s") or not _LETTERS.fullmatch(word):
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


def _possible(term: _Term, index: SearchIndex) -> bool:
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
    field: _Field
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


def _text_match(field: _Field, term: _Term) -> _Found | None:
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


def _pinyin_match(entry: _Entry, pinyin: _Pinyin, term: _Term) -> _Found | None:
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


def _syllables(pinyin: _Pinyin, spelled: str) -> tuple[int, int] | None:
    """First and last syllable of a match of whole syllables of adjacent characters."""
    at = pinyin.joined.find(spelled)
    while at >= 0:
        first, last = pinyin.starts.get(at), pinyin.ends.get(at + len(spelled))
        if first is not None and last is not None and _adjacent(pinyin.chars, first, last):
            return first, last
        at = pinyin.joined.find(spelled, at + 1)
    return None


def _initials(pinyin: _Pinyin, spelled: str) -> tuple[int, int] | None:
    """First and last syllable of a match of the initials of adjacent characters."""
    at = pinyin.initials.find(spelled)
    while at >= 0:
        if _adjacent(pinyin.chars, at, at + len(spelled) - 1):
            return at, at + len(spelled) - 1
        at = pinyin.initials.find(spelled, at + 1)
    return None


def _adjacent(chars: list[int], first: int, last: int) -> bool:
    return chars[last] - chars[first] == last - first


def _value_match(entry: _Entry, term: _Term) -> _Found | None:
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


def _best(entry: _Entry, term: _Term) -> _Found | None:
    """The best match of one term in one record, or None."""
    candidates: list[_Found | None] = [_value_match(entry, term)]
    candidates.extend(_text_match(field, term) for field in entry.fields)
    if term.spelled:
        candidates.extend(_pinyin_match(entry, p, term) for p in entry.pinyin)
    found = [c for c in candidates if c is not None]
    return max(found, key=lambda c: c.score) if found else None


def _score(entry: _Entry, query: _Query) -> tuple[float, list[_Found]] | None:
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
    index: SearchIndex | None = None,
) -> list[Hit]:
    """Records matching every word of ``query`` (or the query as a whole), best first, ties in file order."""
    index = index or index_for(kb)
    try:
        return _search(kb, index, query, types, industry, year, kind, limit)
    except ValueError:  # a stored entry that does not decode: search a freshly built index instead
        return _search(kb, build_index(kb), query, types, industry, year, kind, limit)


def _search(
    kb: KnowledgeBase,
    index: SearchIndex,
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


def _feasible(query: _Query, index: SearchIndex) -> bool:
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


def _original(record: Record, field: _Field) -> str:
    """The record's own text of an indexed field."""
    originals = _originals(record, field.name)
    return originals[field.item] if field.item < len(originals) else field.norm


def _to_match(record: Record, found: _Found) -> Match:
    """The match as a span of the record's own (not normalised) text."""
    original = _original(record, found.field)
    start, end = found.start, found.end
    if found.field.offsets is not None:
        start, end = found.field.offsets[start], found.field.offsets[end]
    start, end = min(start, len(original)), min(end, len(original))
    return Match(found.field.name, start, end, original[start:end], found.how)


# ---------------------------------------------------------------------------------------------
# Searching a compiled store (records read only as candidates)


def field_texts(index: SearchIndex) -> list[tuple[str, list[tuple[int, str]]]]:
    """Each searched field, best first, with every record's normalised texts and pinyin in it."""
    grouped: dict[str, list[tuple[int, str]]] = {name: [] for name in sorted(FIELD_WEIGHTS, key=_bound_weight)}
    for pos in range(len(index.rows)):
        entry = index.entry(pos)
        texts: dict[str, list[str]] = {}
        for field in entry.fields:
            texts.setdefault(field.name, []).append(field.norm)
        for p in entry.pinyin:
            texts[entry.fields[p.field].name] += [p.joined, p.initials]
        for name, parts in texts.items():
            grouped[name].append((pos, "\n".join(parts)))
    return [(name, rows) for name, rows in grouped.items() if rows]


def _bound_weight(name: str) -> float:
    return -FIELD_WEIGHTS[name]


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
        record, entry_text = store.record_and_entry(pos)
        if not _wanted(record, types, industry, year, kind):
            return
        scored = _score(_entry_from_data(entry_text), parsed)
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


# ---------------------------------------------------------------------------------------------
# Suggestions


def suggestions(kb: KnowledgeBase, query: str, count: int = 3, *, index: SearchIndex | None = None) -> list[str]:
    """Names and aliases close to the query, in writing or in sound (光复 -> 光伏), and the words that match."""
    index = index or index_for(kb)
    wanted = normalise(query, index.fold)
    if not wanted.strip() or len(wanted) > MAX_SUGGEST:
        return []
    forms = {wanted, "".join(wanted.split())}
    if _has_cjk(wanted):
        forms.add("".join(index.sounds.get(char, char) for char in wanted if not char.isspace()))
    close = _closest(forms, _suggestion_keys(kb, index))
    partial = _matching_words(kb, query, index)
    return _unique(([partial] if partial else []) + close)[:count]


def _unique(names: list[str]) -> list[str]:
    """Names in order, each once whatever its case (Geely, geely)."""
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(name.casefold(), name)
    return list(unique.values())


def _closest(forms: set[str], keys: Iterable[tuple[str, str]]) -> list[str]:
    """Names whose key is closest to any form of the query (difflib ratio of at least CLOSE), best first."""
    import difflib

    scored: dict[str, float] = {}
    for name, key in keys:
        for form in forms:
            matcher = difflib.SequenceMatcher(None, form, key)
            if matcher.real_quick_ratio() >= CLOSE and matcher.quick_ratio() >= CLOSE:
                scored[name] = max(scored.get(name, 0.0), matcher.ratio())
    return [name for name, ratio in sorted(scored.items(), key=lambda item: -item[1]) if ratio >= CLOSE]


def _suggestion_keys(kb: KnowledgeBase, index: SearchIndex) -> Iterable[tuple[str, str]]:
    """Each name and alias a user might mean, keyed by its normalised text and its pinyin."""
    for entry in index.entries:
        record = kb.by_id.get(entry.id)
        if record is None or record.TYPE in ("claim", "source"):
            continue
        spelled = {p.field: p.joined for p in entry.pinyin}
        for number, field in enumerate(entry.fields):
            if field.name in ("name", "aliases", "name_en", "aliases_en"):
                name = _original(record, field)
                yield name, field.norm
                if number in spelled:
                    yield name, spelled[number]


def _matching_words(kb: KnowledgeBase, query: str, index: SearchIndex) -> str:
    """Of several words, the ones that find something on their own ("光伏 火星" -> "光伏")."""
    words = query.split()
    if len(words) < 2 or len(words) > 16:
        return ""
    found = [w for w in words if search(kb, w, index=index, limit=1)]
    return " ".join(found) if found and len(found) < len(words) else ""
