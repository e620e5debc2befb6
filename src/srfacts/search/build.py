"""Build the search index of a knowledge base: the only module that imports pypinyin and opencc.

What a query needs is computed here, once, and kept as plain data (``IndexData``) that the
compiled store writes out:

- postings: for each token, the records that hold it and their BM25F term weight (field weights
  and per-field length normalisation folded in, saturated with k1; stored as 1/10000ths);
- the stems of every English word met, so a query rarely needs the stemmer;
- pinyin: each Chinese bigram of the data under its spelling (``p guang fu``) and initials
  (``i g f``), and the pinyin of every CJK character, so a query in pinyin or with a homophone
  typo finds the bigrams it means without pypinyin;
- the Traditional -> Simplified table, question words, synonyms, names for did-you-mean.
"""

import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from importlib import resources
from typing import NamedTuple

from srfacts.model import KnowledgeBase, Record, SynonymGroup
from srfacts.search.entries import FIELD_WEIGHTS, NAME_FIELDS, Facets, QuestionWords, field_texts, record_facets
from srfacts.search.text import Stemmer, is_cjk, normalise, normalise_with_offsets, plain_number, token_texts

K1 = 1.2
B = 0.75
SCALE = 10000  # term weights are stored as whole numbers of 1/SCALE
FIRST_CJK, LAST_CJK = 0x4E00, 0xA000
_SPELLED_FIELDS = frozenset({"name", "aliases", "title", "text"})
_CJK_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_NAME_WORDS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}|[a-z][a-z0-9]{2,}")


class IndexData(NamedTuple):
    """Everything a query needs, as plain data."""

    facets: list[Facets]
    postings: "dict[str, tuple[array[int], array[int]]]"  # token -> (positions 'I', weights 'H')
    stems: dict[str, str]
    spelled: dict[str, list[str]]
    char_pinyin: list[str]  # pinyin of U+4E00 + i ("" when none)
    t2s: dict[str, str]
    names: list[tuple[str, str, str]]  # (name as written, normalised, pinyin)
    context: list[str]  # tokens of the place most figures are about (上饶市): they say little in a query
    question_words: QuestionWords
    synonyms: list[SynonymGroup]
    reference_year: int | None


def build_index(kb: KnowledgeBase, report: Callable[[int], None] | None = None) -> IndexData:
    """Compute everything a query needs (imports opencc and pypinyin); ``report`` hears of each 1000 records."""
    t2s = traditional_table()
    fold = {ord(k): v for k, v in t2s.items()}
    records = kb.all_records()
    stemmer = Stemmer()
    builder = _Postings(records, fold, stemmer)
    for pos, record in enumerate(records):
        builder.add(pos, record)
        if report and (pos + 1) % 1000 == 0:
            report(1000)
    words = question_words()
    synonyms = [SynonymGroup(tuple(g.terms), float(g.weight)) for g in getattr(kb, "synonyms", ())]
    for term in [t for g in synonyms for t in g.terms] + [t for h in words.hints.values() for t in h]:
        index_tokens(normalise(term, fold), stemmer)  # so a query never needs the stemmer for these
    char_pinyin = _char_pinyin()
    postings = builder.finish()
    return IndexData(
        [record_facets(r) for r in records],
        postings,
        dict(stemmer.known()),
        _spelled(postings, records, fold, char_pinyin),
        char_pinyin,
        t2s,
        _names(records, fold, char_pinyin),
        _context(records, fold, stemmer),
        words,
        synonyms,
        _reference_year(kb),
    )


def index_tokens(text: str, stem: Callable[[str], str]) -> list[str]:
    """The tokens of normalised text, English words stemmed."""
    return [stem(t) if t.isalpha() and t.isascii() else t for t in token_texts(text)]


SEARCHED = tuple(name for name in FIELD_WEIGHTS if name != "value")  # values are matched as numbers


class _Postings:
    """Accumulates each token's records and BM25F weights."""

    def __init__(self, records: tuple[Record, ...], fold: dict[int, str], stemmer: Stemmer) -> None:
        lengths: dict[str, list[int]] = {name: [] for name in SEARCHED}
        for record in records:
            for name in SEARCHED:
                lengths[name].extend(len(text) for text in field_texts(record, name))
        self.average = {name: max(1.0, sum(v) / len(v)) if v else 1.0 for name, v in lengths.items()}
        self.postings: dict[str, tuple[array[int], array[int]]] = {}
        self.fold = fold
        self.stem = stemmer
        # text as written -> its tokens, their counts and its normalised length
        self._counted: dict[str, tuple[tuple[str, ...], tuple[int, ...], int]] = {}
        self._tokens: dict[str, str] = {}  # one string object per distinct token

    def _count(self, text: str) -> tuple[tuple[str, ...], tuple[int, ...], int]:
        found = self._counted.get(text)
        if found is None:
            if len(self._counted) > 20_000:
                self._counted.clear()
            same = self._tokens.setdefault
            norm = normalise(text, self.fold)
            counts = Counter(index_tokens(norm, self.stem))
            found = self._counted[text] = (tuple(same(t, t) for t in counts), tuple(counts.values()), len(norm))
        return found

    def add(self, pos: int, record: Record) -> None:
        weights: dict[str, float] = {}
        get = weights.get
        average = self.average
        for name in SEARCHED:
            weight = FIELD_WEIGHTS[name]
            for text in field_texts(record, name):
                found, counts, length = self._count(text)
                share = weight / (1 - B + B * length / average[name])
                for token, count in zip(found, counts, strict=True):
                    weights[token] = get(token, 0.0) + share * count
        for token in value_tokens(record):
            weights[token] = get(token, 0.0) + FIELD_WEIGHTS["value"]
        postings = self.postings
        for token, tf in weights.items():
            held = postings.get(token)
            if held is None:
                held = postings[self._tokens.setdefault(token, token)] = (array("I"), array("H"))
            held[0].append(pos)
            held[1].append(int(SCALE * tf * (K1 + 1) / (K1 + tf) + 0.5))

    def finish(self) -> "dict[str, tuple[array[int], array[int]]]":
        self._counted.clear()
        return self.postings


def value_tokens(record: Record) -> list[str]:
    """A metric's value as tokens: ``=2248``, and with each prefix of its unit (``=5028.1亿``); its unit
    as tokens (``#亿元``, ``#亿``, ``#元``), for questions that ask for one (多少亿)."""
    value = getattr(record, "value", None)
    if value is None:
        return []
    number = plain_number(format(value, "f"))
    unit = normalise(str(getattr(record, "unit", "") or ""))
    out = [f"={number}"] + [f"={number}{unit[:size]}" for size in range(1, len(unit) + 1)]
    return out + sorted({f"#{part}" for size in range(1, len(unit) + 1) for part in (unit[:size], unit[-size:])})


def traditional_table() -> dict[str, str]:
    """Traditional -> Simplified for every CJK Unified Ideograph opencc changes (one call)."""
    from opencc import OpenCC

    chars = [chr(code) for code in range(FIRST_CJK, LAST_CJK)]
    converted = OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):
        raise RuntimeError("opencc t2s changed the number of characters")
    table = {t: s for t, s in zip(chars, converted, strict=True) if len(s) == 1 and s != t}
    for t, s in table.items():
        while s in table and table[s] != s:
            s = table[s]
        table[t] = s
    return table


def _char_pinyin() -> list[str]:
    """The first pinyin reading of every CJK Unified Ideograph, without tones (lv for 绿)."""
    from pypinyin import lazy_pinyin

    chars = [chr(code) for code in range(FIRST_CJK, LAST_CJK)]
    spelled = lazy_pinyin(chars)
    return [s if s.isascii() and s.isalpha() else "" for s in spelled]


def _spell(text: str, char_pinyin: list[str]) -> list[str]:
    return [char_pinyin[ord(c) - FIRST_CJK] if FIRST_CJK <= ord(c) < LAST_CJK else "" for c in text]


_CONTEXT: dict[str, list[str]] = {}


def _in_context(run: str) -> list[str]:
    """Pinyin of a run of Chinese characters read as words (长城 -> chang cheng), once per run."""
    found = _CONTEXT.get(run)
    if found is None:
        from pypinyin import lazy_pinyin

        found = [s if s.isascii() and s.isalpha() else "" for s in lazy_pinyin(run)]
        _CONTEXT[run] = found = found if len(found) == len(run) else [""] * len(run)
    return found


def _name_texts(records: tuple[Record, ...], fields: frozenset[str], fold: dict[int, str]) -> Iterator[str]:
    """The normalised texts of some fields of every record, each distinct text once."""
    seen: set[str] = set()
    for record in records:
        for name in fields:
            for text in field_texts(record, name):
                if text not in seen:
                    seen.add(text)
                    yield normalise(text, fold)


def _spelled(
    postings: "dict[str, tuple[array[int], array[int]]]",
    records: tuple[Record, ...],
    fold: dict[int, str],
    char_pinyin: list[str],
) -> dict[str, list[str]]:
    """Each Chinese token of the data under its pinyin key (``p guang fu``), and stretches of names
    under their initials (``i gf``)."""
    readings: dict[str, set[tuple[str, ...]]] = {}
    for token in postings:
        if is_cjk(token[0]):
            spelled = _spell(token, char_pinyin)
            if all(spelled):
                readings.setdefault(token, set()).add(tuple(spelled))
    runs: set[str] = set()
    for norm in _name_texts(records, _SPELLED_FIELDS, fold):
        runs.update(_CJK_RUNS.findall(norm))
    for run in runs:
        spelled = _in_context(run)
        for at in range(len(run) - 1):
            if spelled[at] and spelled[at + 1]:
                readings.setdefault(run[at : at + 2], set()).add((spelled[at], spelled[at + 1]))
    keyed: dict[str, set[str]] = {}
    for token, options in readings.items():
        for syllables in options:
            keyed.setdefault("p " + " ".join(syllables), set()).add(token)
    named: set[str] = set()
    for norm in _name_texts(records, NAME_FIELDS, fold):
        named.update(_CJK_RUNS.findall(norm))
    for run in named:  # initials (gf for 光伏): whole stretches of names, two to eight characters
        letters = [s[:1] for s in _in_context(run)]
        for start in range(len(run) - 1):
            for end in range(start + 2, min(len(run), start + 8) + 1):
                if all(letters[start:end]):
                    keyed.setdefault("i " + "".join(letters[start:end]), set()).add(run[start:end])
    _CONTEXT.clear()
    return {key: sorted(tokens) for key, tokens in keyed.items()}


def _names(records: tuple[Record, ...], fold: dict[int, str], char_pinyin: list[str]) -> list[tuple[str, str, str]]:
    """Names and aliases a user might mean (not claims or sources), for did-you-mean: each word
    as written (Geely), normalised (geely) and, for Chinese, in pinyin."""
    out: dict[str, tuple[str, str, str]] = {}
    for record in records:
        if record.TYPE in ("claim", "source"):
            continue
        for name in NAME_FIELDS:
            for written in field_texts(record, name):
                norm, offsets = normalise_with_offsets(written, fold)
                for found in _NAME_WORDS.finditer(norm):
                    word = found.group()
                    if word not in out:
                        spelled = "".join(_spell(word, char_pinyin)) if is_cjk(word[0]) else ""
                        shown = written[found.start() : found.end()] if offsets is None else word
                        out[word] = (shown, word, spelled)
    return list(out.values())


def _context(records: tuple[Record, ...], fold: dict[int, str], stem: Stemmer) -> list[str]:
    """The tokens of the scopes that a fifth or more of the figures share (上饶市, Shangrao): the
    place the whole file is about, which a query names without asking anything by it."""
    scopes: Counter[str] = Counter()
    metrics = [r for r in records if r.TYPE == "metric"]
    for record in metrics:
        scopes.update({getattr(record, "scope", "") or "", getattr(record, "scope_en", "") or ""} - {""})
    shared = [scope for scope, count in scopes.items() if count >= max(3, len(metrics) // 5)]
    return sorted({token for scope in shared for token in index_tokens(normalise(scope, fold), stem)})


def question_words() -> QuestionWords:
    """The question words and particles of the package's word list (``question_words.txt``)."""
    text = resources.files("srfacts.search").joinpath("question_words.txt").read_text(encoding="utf-8")
    words: set[str] = set()
    particles: set[str] = set()
    hints: dict[str, tuple[str, ...]] = {}
    relative: dict[str, int] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        head, _, rest = line.partition("=>")
        head = normalise(head.strip())
        if head.startswith("year "):
            word, offset = head[5:].rsplit(" ", 1)
            relative[normalise(word.strip())] = int(offset)
            continue
        if head.startswith("particle "):
            particles.update(head[9:].split())
            continue
        words.add(head)
        if rest.strip():
            hints[head] = tuple(normalise(t) for t in rest.split())
    return QuestionWords(frozenset(words), frozenset(particles), hints, relative)


def _reference_year(kb: KnowledgeBase) -> int | None:
    """The year relative years are read against: the latest publication year of the sources."""
    years = [int(y) for s in kb.sources() for y in re.findall(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])", s.published)]
    return max(years) if years else None
