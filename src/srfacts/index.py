"""The search index of a knowledge base, built once when the knowledge file is compiled.

Everything heavy happens here: normalised field texts, pinyin (full spelling, syllables,
initials) and a Traditional-to-Simplified character table (imports opencc and pypinyin). The
index is plain data (``to_data``/``from_data``), stored in the compiled cache, so a query
(``srfacts.search``) never imports any of this.
"""

import json
import re
import weakref
from collections.abc import Callable
from typing import Any

from srfacts.model import KnowledgeBase, Record
from srfacts.search import (
    FIELD_WEIGHTS,
    LETTERS,
    PINYIN_FIELDS,
    Entry,
    Field,
    Pinyin,
    decimal_text,
    entry_from_row,
    entry_to_row,
    has_cjk,
    normalise,
    originals,
    pinyin_forms,
)

INDEX_VERSION = 2


class SearchIndex:
    """Normalised texts, pinyin and the Traditional-to-Simplified table of one knowledge base.

    Each record has a *haystack*, every searchable form of it in one string, so a query finds
    its candidate records with plain substring tests; only candidates' entries are decoded
    from the stored data and scored.
    """

    def __init__(
        self,
        t2s: dict[str, str],
        rows: list[str],
        haystacks: list[str] | None = None,
        ids: list[str] | None = None,
        entries: list[Entry] | None = None,
    ) -> None:
        self.t2s = t2s
        self.rows = rows  # each record's entry as JSON text, decoded when a query needs it
        self.fold: dict[int, int] = str.maketrans("".join(t2s), "".join(t2s.values()))
        self._decoded: dict[int, Entry] = dict(enumerate(entries)) if entries else {}  # when just built
        self.haystacks = haystacks if haystacks is not None else [_haystack(self.entry(i)) for i in range(len(rows))]
        self._ids = ids
        self._blob: str | None = None
        self._sounds: dict[str, str] | None = None

    def entry(self, position: int) -> Entry:
        """The decoded entry of the record at ``position`` (decoded once, on first use)."""
        found = self._decoded.get(position)
        if found is None:
            try:
                found = entry_from_data(self.rows[position])
            except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
                raise ValueError(f"not a search index entry: {error!r}") from None
            self._decoded[position] = found
        return found

    @property
    def entries(self) -> list[Entry]:
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


def _haystack(entry: Entry) -> str:
    """Every searchable form of a record in one string: texts, then pinyin spellings and initials."""
    texts = [f.norm for f in entry.fields]
    spelled = [form for p in entry.pinyin for form in (p.joined, p.initials)]
    return "\n".join(texts + spelled)


def entry_from_data(text: str) -> Entry:
    """One record's entry from its JSON text (``entry_to_data``)."""
    return entry_from_row(json.loads(text))


def entry_to_data(entry: Entry) -> str:
    """One entry as JSON text."""
    return json.dumps(entry_to_row(entry), ensure_ascii=False, separators=(",", ":"))


def build_index(kb: KnowledgeBase, report: Callable[[int], None] | None = None) -> SearchIndex:
    """Compute everything a query needs (imports opencc and pypinyin); ``report`` hears of each 1000 records."""
    t2s = _t2s_table()
    fold = {ord(k): v for k, v in t2s.items()}
    entries = []
    for done, record in enumerate(kb.all_records(), 1):
        entries.append(_build_entry(record, fold))
        if report and done % 1000 == 0:
            report(1000)
    rows = [entry_to_data(e) for e in entries]
    return SearchIndex(t2s, rows, [_haystack(e) for e in entries], [e.id for e in entries], entries)


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


def _build_entry(record: Record, fold: dict[int, str]) -> Entry:
    """Normalised texts and pinyin of every searched field of a record, and its value and unit."""
    fields: list[Field] = []
    pinyin: list[Pinyin] = []
    for name in FIELD_WEIGHTS:
        for item, original in enumerate(originals(record, name)):
            norm = normalise(original, fold)
            fields.append(Field(name, item, norm, _offsets(original, norm, fold)))
            if name in PINYIN_FIELDS and has_cjk(norm):
                pinyin.extend(_spell(len(fields) - 1, norm))
    value = getattr(record, "value", None)
    unit = normalise(str(getattr(record, "unit", "") or ""), fold)
    return Entry(record.id, fields, pinyin, None if value is None else decimal_text(value), unit)


def _offsets(original: str, norm: str, fold: dict[int, str]) -> list[int] | None:
    """Map normalised positions to original ones when normalising changed the length."""
    if len(original) == len(norm):
        return None
    offsets: list[int] = []
    for at, char in enumerate(original):
        offsets.extend([at] * len(normalise(char, fold)))
    offsets.append(len(original))
    return offsets if len(offsets) == len(norm) + 1 else None


_SPELLED: dict[str, list[str] | None] = {}  # pinyin of each run of Chinese characters met while building


def _spell_run(run: str) -> list[str] | None:
    """Pinyin of a run of Chinese characters, one plain syllable per character (None if pypinyin
    gives anything else), computed once per distinct run."""
    if run in _SPELLED:
        return _SPELLED[run]
    from pypinyin import lazy_pinyin

    spelled: list[str] | None = [s.casefold() for s in lazy_pinyin(run)]
    if spelled is not None and (len(spelled) != len(run) or not all(LETTERS.fullmatch(s) for s in spelled)):
        spelled = None
    _SPELLED[run] = spelled
    return spelled


def _spell(field: int, norm: str) -> list[Pinyin]:
    """Pinyin without tones of every Chinese character of a field (lv for 绿)."""
    syllables: list[str] = []
    chars: list[int] = []
    for run in re.finditer(r"[\u3400-\u4dbf\u4e00-\u9fff]+", norm):
        spelled = _spell_run(run.group())
        if spelled is not None:
            syllables.extend(spelled)
            chars.extend(range(run.start(), run.end()))
    return [pinyin_forms(field, syllables, chars)] if syllables else []


_LAST: tuple[weakref.ref[KnowledgeBase], SearchIndex] | None = None


def index_for(kb: KnowledgeBase) -> SearchIndex:
    """The index of ``kb``: the last one used for it, else the cached one, else a new one."""
    global _LAST
    if _LAST is not None and _LAST[0]() is kb:
        return _LAST[1]
    index = build_index(kb)
    _LAST = (weakref.ref(kb), index)
    return index


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
