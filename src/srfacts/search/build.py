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

from srfacts.core.records import KnowledgeBase, Record, SynonymGroup
from srfacts.core.tuples import NamedTuple
from srfacts.search.entries import NAME_FIELDS, Facets, QuestionWords, field_texts, record_facets
from srfacts.search.postings import build_postings, index_tokens
from srfacts.search.text import Fold, Stemmer, is_cjk, normalise, normalise_with_offsets

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
    fold = Fold.of(t2s)
    records = kb.all_records()
    stemmer = Stemmer()
    postings = build_postings(records, fold, stemmer, report)
    words = question_words()
    synonyms = [SynonymGroup(tuple(g.terms), float(g.weight)) for g in getattr(kb, "synonyms", ())]
    for term in [t for g in synonyms for t in g.terms] + [t for h in words.hints.values() for t in h]:
        index_tokens(normalise(term, fold), stemmer)  # so a query never needs the stemmer for these
    char_pinyin = _char_pinyin()
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


def _name_texts(records: tuple[Record, ...], fields: frozenset[str]) -> Iterator[str]:
    """The texts of some fields of every record, each distinct text once."""
    seen: set[str] = set()
    for record in records:
        for name in fields:
            for text in field_texts(getattr(record, name, None)):
                if text not in seen:
                    seen.add(text)
                    yield text


def _spelled(
    postings: "dict[str, tuple[array[int], array[int]]]",
    records: tuple[Record, ...],
    fold: Fold,
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
    for text in _name_texts(records, _SPELLED_FIELDS):
        runs.update(_CJK_RUNS.findall(normalise(text, fold) if not text.isascii() else ""))
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
    for text in _name_texts(records, NAME_FIELDS):
        named.update(_CJK_RUNS.findall(normalise(text, fold) if not text.isascii() else ""))
    for run in named:  # initials (gf for 光伏): whole stretches of names, two to eight characters
        letters = [s[:1] for s in _in_context(run)]
        for start in range(len(run) - 1):
            for end in range(start + 2, min(len(run), start + 8) + 1):
                if all(letters[start:end]):
                    keyed.setdefault("i " + "".join(letters[start:end]), set()).add(run[start:end])
    _CONTEXT.clear()
    return {key: sorted(tokens) for key, tokens in keyed.items()}


def _names(records: tuple[Record, ...], fold: Fold, char_pinyin: list[str]) -> list[tuple[str, str, str]]:
    """Names and aliases a user might mean (not claims or sources), for did-you-mean: each word
    as written (Geely), normalised (geely) and, for Chinese, in pinyin."""
    out: dict[str, tuple[str, str, str]] = {}
    for record in records:
        if record.TYPE in ("claim", "source"):
            continue
        for name in NAME_FIELDS:
            for written in field_texts(getattr(record, name, None)):
                norm, offsets = normalise_with_offsets(written, fold)
                for found in _NAME_WORDS.finditer(norm):
                    word = found.group()
                    if word not in out:
                        spelled = "".join(_spell(word, char_pinyin)) if is_cjk(word[0]) else ""
                        shown = written[found.start() : found.end()] if offsets is None else word
                        out[word] = (shown, word, spelled)
    return list(out.values())


def _context(records: tuple[Record, ...], fold: Fold, stem: Stemmer) -> list[str]:
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
