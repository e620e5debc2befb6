"""Scoring: BM25F over the index's postings, coverage, then proximity, phrase and exactness.

Ranking follows Meilisearch's rules as a guide, in one score:

1. words: BM25F (k1 1.2, b 0.75, field weights folded into the postings) over every group of the
   query (OR semantics), times a coverage factor: the share of the query's meaning (each group
   weighed by its rarity) a record matches, squared, so a record matching every term ranks first;
2. typo, pinyin, homophone and synonym forms count at their lower weights;
3. proximity and phrase: query words adjacent and in order in one field;
4. attribute: field weights (names and aliases first, quotes and notes last);
5. exactness: a field equal to the whole query (a name typed in full);
6. a year in the query lifts the records of that period (and hides none).

Only the best candidates by the first score are read in full for 3-5 and for ``matched``.
"""

import heapq
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from srfacts.search.entries import FIELD_WEIGHTS, NAME_FIELDS, Field
from srfacts.search.hits import Match
from srfacts.search.query import Query, stem_word
from srfacts.search.text import is_cjk, plain_number, tokens

if TYPE_CHECKING:
    from srfacts.search.entries import Index

SCALE = 10000.0  # postings hold term weights in 1/SCALE
COVERAGE_FLOOR = 0.05
YEAR_BOOST = 1.3
PHRASE_BOOST = 0.35  # per phrase of the query found whole in a field, times the field's weight share
PROXIMITY_BOOST = 0.15  # per pair of consecutive phrases near each other, in order, in one field
EXACT_NAME = 2.0  # a name or alias equal to the whole query
EXACT_OTHER = 1.3
RERANK = 10  # candidates read in full at least (ten more than the hits asked for, if more)
SPANS_PER_FIELD = 3  # matches told per field (a long quote may hold a word many times)
SHORT_FIELD = 40  # a field this short is read token by token (a whole-field match is possible)
_WORD = r"[a-z][a-z0-9]*"  # compiled (and cached by re) only when an English word is looked for
COMMON_RECORDS = 2000  # a token in more records than this and than COMMON_SHARE of them only adds to candidates
COMMON_SHARE = 0.02
KEEP = 2000  # candidates kept before a common token is read
STRONG = 1.3 * SCALE  # a term weight that covers its query term fully (a name or a text); a quote covers about half
NAME_PART = 0.6  # a name or alias the query holds whole, times the share of the query it makes


def idf(count: int, df: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1 + (count - df + 0.5) / (df + 0.5))


def first_pass(index: "Index", query: Query, wanted: Callable[[int], bool] | None) -> dict[int, float]:
    """Each candidate record's BM25F score times its coverage, and the year boost.

    Groups are read rarest first (``_reading_order``), the meaningful ones before the rest: a
    question word's hint or a unit never picks the candidates. On a large index a token in a large
    share of the records (上饶 in a file about Shangrao) only adds to the candidates the rarer
    groups found: such a token alone never makes a record worth showing, and reading it for every
    record would make a question on a large file slow.
    """
    count = index.count
    common = max(COMMON_RECORDS, int(count * COMMON_SHARE))
    scores: dict[int, float] = {}
    covered: dict[int, float] = {}
    total = 0.0
    groups = sorted(query.groups, key=lambda group: _reading_order(index, group))
    for group in groups:
        best: dict[int, float] = {}
        share: dict[int, float] = {}
        mass = 0.0
        for alternative in group.alternatives:
            weights = {token: idf(count, index.df(token)) for token in alternative.tokens}
            whole = sum(weights.values()) or 1.0
            mass = max(mass, max(weights.values()) * alternative.weight)
            found: dict[int, float] = {}
            held: dict[int, float] = {}
            for token, rarity in weights.items():
                positions, tfs = index.postings(token)
                only = None
                if scores and len(positions) > common:
                    if len(scores) > KEEP:  # a common token can only reorder the best candidates
                        scores = dict(heapq.nlargest(KEEP, scores.items(), key=itemgetter(1)))
                    only = scores
                if not found:  # the alternative's first token (most have only one): made in one go
                    pairs = dict(_pairs(positions, tfs, only))
                    found = {pos: rarity * tf for pos, tf in pairs.items()}
                    held = {pos: rarity * (tf / STRONG if tf < STRONG else 1.0) for pos, tf in pairs.items()}
                    continue
                for pos, tf in _pairs(positions, tfs, only):
                    found[pos] = found.get(pos, 0.0) + rarity * tf
                    held[pos] = held.get(pos, 0.0) + rarity * (tf / STRONG if tf < STRONG else 1.0)
            factor = alternative.weight / SCALE
            if not best:  # the group's first alternative: made in one go
                best = {pos: weighed for pos, value in found.items() if (weighed := value * factor) > 0.0}
                share = {pos: alternative.weight * held[pos] / whole for pos in best}
                continue
            for pos, value in found.items():
                value *= factor
                if value > best.get(pos, 0.0):
                    best[pos] = value
                    share[pos] = alternative.weight * held[pos] / whole
        if not scores:
            scores = best  # the first group's (0.0 + value is value)
        else:
            for pos, value in best.items():
                scores[pos] = scores.get(pos, 0.0) + value
        if group.meaningful:
            total += mass
            if not covered:
                covered = {pos: mass * part for pos, part in share.items()}
            else:
                for pos, part in share.items():
                    covered[pos] = covered.get(pos, 0.0) + mass * part
    out: dict[int, float] = {}
    years = set(query.years)
    for pos, value in scores.items():
        if wanted is not None and not wanted(pos):
            continue
        coverage = covered.get(pos, 0.0) / total if total else 1.0
        score = value * (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage * coverage)
        if years and years.intersection(index.facets(pos).years):
            score *= YEAR_BOOST
        out[pos] = score
    return out


def _reading_order(index: "Index", group: Any) -> tuple[bool, int]:
    """Where a group comes in the first pass: meaningful groups first, the rarest first, a group being
    as rare as its commonest token (it finds at least the records that token is in)."""
    commonest = max(index.df(token) for alternative in group.alternatives for token in alternative.tokens)
    return not group.meaningful, commonest


def _pairs(positions: Sequence[int], tfs: Sequence[int], only: dict[int, float] | None) -> Iterable[tuple[int, int]]:
    """A token's (record, weight) pairs; with ``only``, just those of records already found."""
    if only is None:
        return zip(positions, tfs, strict=True)
    if len(only) * 4 < len(positions):
        from bisect import bisect_left  # only a large index has tokens this common: not loaded at every start

        out = []
        for pos in only:
            at = bisect_left(positions, pos)
            if at < len(positions) and positions[at] == pos:
                out.append((pos, tfs[at]))
        return out
    return [(pos, tf) for pos, tf in zip(positions, tfs, strict=True) if pos in only]


class Rerank:
    """The second pass over a query's best candidates: proximity, phrases and exactness lift the
    score (``score``); what matched where is read only for the hits shown (``matches``)."""

    def __init__(self, index: "Index", query: Query) -> None:
        self.index = index
        self.query = query
        self.wanted = _wanted_tokens(query)
        self.masses = [_mass(index, group) for group in query.groups]
        self.total = sum(m for m, g in zip(self.masses, query.groups, strict=True) if g.meaningful) or 1.0
        self.needles = _needles(self.wanted)
        self.meaningful = {i for i, g in enumerate(query.groups) if g.meaningful}
        self._known: dict[str, str] = {}  # token text -> as the index holds it (the same words recur)

    def score(self, pos: int, first: float) -> float:
        """The final score of a candidate whose first-pass score is ``first``."""
        fields = self.index.entry(pos).fields
        boost = exact = 1.0
        for field in fields:
            if not any(needle in field.norm for needle in self.needles):
                continue  # no query token can be in it: neither a match nor a whole-field one
            whole, part = self._whole(field, self._texts(field))
            if whole:
                exact = max(exact, EXACT_NAME if field.name in NAME_FIELDS else EXACT_OTHER)
            elif part:
                boost = max(boost, 1 + NAME_PART * part)
        for phrase in self.query.phrases:
            best = max((_weight(f.name) for f in fields if len(phrase) > 1 and phrase in f.norm), default=0.0)
            boost += PHRASE_BOOST * best
        for before, after in itertools.pairwise(self.query.phrases):
            if any(_near(f.norm, before, after) for f in fields):
                boost += PROXIMITY_BOOST
        return round(first * boost * exact, 4)

    def matches(self, pos: int) -> tuple[Match, ...]:
        """What matched where in a record, merged and each span once."""
        entry = self.index.entry(pos)
        found: list[Match] = []
        for field in entry.fields:
            if not any(needle in field.norm for needle in self.needles):
                continue
            read = self._read(field)
            whole, _ = self._whole(field, (text for text, _, _ in read))
            found.extend(_field_matches(field, read, self.wanted, exact_field=whole))
        written = entry.value
        if written is not None:
            number = plain_number(written)
            for token, (_, term, _) in self.wanted.items():
                if (
                    token.startswith("=")
                    and token[1:].startswith(number)
                    and not token[1 + len(number) :][:1].isdigit()
                ):
                    found.insert(0, Match("value", 0, len(written), written, "value", term))
                    break
        unique: dict[tuple[str, int, int, str], Match] = {}
        per_field: dict[str, int] = {}
        for match in found:
            key = (match.field, match.start, match.end, match.text)
            if key not in unique and per_field.get(match.field, 0) < SPANS_PER_FIELD:
                unique[key] = match
                per_field[match.field] = per_field.get(match.field, 0) + 1
        return tuple(unique.values())

    def _read(self, field: Field) -> list[tuple[str, int, int]]:
        """The field's tokens (names and short fields), or where query tokens are in it (long fields)."""
        if field.name in NAME_FIELDS or len(field.norm) <= SHORT_FIELD:
            return [(self._token_text(t.text), t.start, t.end) for t in tokens(field.norm)]
        return _spans(self._token_text, field.norm, self.wanted, self.needles)

    def _texts(self, field: Field) -> Iterator[str] | None:
        """The texts of the field's tokens, read as they are asked for (None for a long field: it is
        never a whole-field match)."""
        if field.name in NAME_FIELDS or len(field.norm) <= SHORT_FIELD:
            return (self._token_text(t.text) for t in tokens(field.norm))
        return None

    def _token_text(self, text: str) -> str:
        """A token's text as the index holds it (an English word's stem), looked up once."""
        found = self._known.get(text)
        if found is None:
            found = self._known[text] = _token_text(self.index, text)
        return found

    def _whole(self, field: Field, read: Iterable[str] | None) -> tuple[bool, float]:
        """Whether a field says the whole query (and nothing else); else, for a name the query holds
        whole, the share of the query's meaning it makes. ``read``: the texts of the field's tokens."""
        query = self.query
        if query.whole and len(field.norm) < 2 * len(query.whole) + 8 and _bare(field.norm) == query.whole:
            return True, 0.0
        if read is None or (len(field.norm) > SHORT_FIELD and field.name not in NAME_FIELDS):
            return False, 0.0
        groups: set[int] = set()
        for text in read:  # up to the first token the query does not hold: then the field says more
            found = self.wanted.get(text)
            if found is None:
                return False, 0.0
            groups.add(found[2])
        if not groups:
            return False, 0.0
        if self.meaningful <= groups:
            return True, 0.0
        if field.name not in NAME_FIELDS:
            return False, 0.0
        return False, sum(self.masses[i] for i in groups & self.meaningful) / self.total


def _mass(index: "Index", group: Any) -> float:
    return max(
        (max(idf(index.count, index.df(t)) for t in a.tokens) * a.weight for a in group.alternatives), default=0.0
    )


def _wanted_tokens(query: Query) -> dict[str, tuple[str, str, int]]:
    """Each token of the query: how it was read, the query term it stands for, its group."""
    wanted: dict[str, tuple[str, str, int]] = {}
    for number, group in enumerate(query.groups):
        for alternative in group.alternatives:
            for token in alternative.tokens:
                wanted.setdefault(token, (alternative.how, group.label, number))
    return wanted


def _spans(
    token_text: Callable[[str], str], text: str, wanted: dict[str, tuple[str, str, int]], needles: set[str]
) -> list[tuple[str, int, int]]:
    """Where query tokens occur in a long field, found without reading all of its tokens: Chinese
    bigrams by search (a one-character token only as a one-character run), English words by
    their stems; a field with numbers, when the query has some, is read token by token."""
    if any(token[:1].isdigit() for token in wanted) and any(c.isdigit() for c in text):
        return [(token_text(t.text), t.start, t.end) for t in tokens(text)]  # numbers are read whole
    found: list[tuple[str, int, int]] = []
    for token in wanted:
        if not token or token[0] in "=#" or (token.isascii() and token.isalpha()):
            continue
        at = text.find(token)
        while at >= 0:
            end = at + len(token)
            if _standalone(text, token, at, end):
                found.append((token, at, end))
            at = text.find(token, at + 1)
    prefixes = {n for n in needles if n.isascii() and n.isalpha()}
    if any(prefix in text for prefix in prefixes):  # else no word of the text can begin with one
        for word in re.finditer(_WORD, text):
            written = word.group()
            if written[:3] in prefixes or written in prefixes:
                stem = token_text(written)
                if stem in wanted:
                    found.append((stem, word.start(), word.end()))
    return sorted(found, key=lambda span: (span[1], span[2]))


def _standalone(text: str, token: str, start: int, end: int) -> bool:
    """Whether an occurrence is a token of the text: one Chinese character not inside a longer run of them."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if len(token) == 1:
        return not (before and is_cjk(before)) and not (after and is_cjk(after))
    return True


def _needles(wanted: dict[str, tuple[str, str, int]]) -> set[str]:
    """Texts one of which a field must hold for a query token to be in it: the token itself, and for an
    English stem its first three letters (stems can end otherwise than the word: compani, company)."""
    out: set[str] = set()
    for token in wanted:
        if token[:1] in "=#":
            continue
        out.add(token[:3] if token.isascii() and token.isalpha() else token)
    return out


def _token_text(index: "Index", text: str) -> str:
    return stem_word(index, text) if text.isalpha() and text.isascii() else text


def _weight(field: str) -> float:
    return FIELD_WEIGHTS[field] / FIELD_WEIGHTS["name"]


def _near(text: str, first: str, second: str, gap: int = 8) -> bool:
    at = text.find(first)
    while at >= 0:
        later = text.find(second, at + len(first))
        if later >= 0 and later - (at + len(first)) <= gap:
            return True
        at = text.find(first, at + 1)
    return False


def _bare(text: str) -> str:
    return "".join(c for c in text if c.isalnum() or c in ".%")


_RANK = {"exact": 0, "value": 1, "text": 3}  # a merged span says how it was read: exactly, else not literally


def _touching(text: str, end: int, start: int) -> bool:
    """Whether a span ending at ``end`` and one starting at ``start`` overlap or stand a space or dash apart."""
    return start <= end or (start - end <= 3 and not any(c.isalnum() for c in text[end:start]))


def _field_matches(
    field: Field,
    read: list[tuple[str, int, int]],
    wanted: dict[str, tuple[str, str, int]],
    *,
    exact_field: bool,
) -> list[Match]:
    """Each span of a field that query tokens matched, merged where spans touch."""
    spans: list[list[Any]] = []
    for text, start, end in read:
        if text in wanted:
            how, term, _ = wanted[text]
            if spans and _touching(field.norm, spans[-1][1], start):
                spans[-1][1] = max(spans[-1][1], end)
                if _RANK.get(how, 2) < _RANK.get(spans[-1][2], 2):
                    spans[-1][2], spans[-1][3] = how, term
            else:
                spans.append([start, end, how, term])
    out: list[Match] = []
    original = field.text
    for start, end, how, term in spans:
        if field.offsets is not None:
            start, end = field.offsets[start], field.offsets[end]
        start, end = min(start, len(original)), min(end, len(original))
        if exact_field and how == "text" and start == 0 and end == len(original):
            how = "exact"
        out.append(Match(field.name, start, end, original[start:end], how, term))
    return out
