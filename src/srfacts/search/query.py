"""Read a query: what it asks about, as groups of alternative tokens, and what it only asks.

A question (``上饶规上工业企业一共有多少家？``) is normalised, its question words and particles set
aside (they never decide the ranking; some add a hint at a low weight: 一共 -> 总数), its years
noted (``2022年``, ``去年``), and the rest read as tokens. Each *group* stands for one thing the
query says, with the forms that count as saying it: the token itself, a synonym, the Chinese a
pinyin spelling or its initials stand for, a homophone of a Chinese typo, an English word one or
two edits away, a metric's value. A group whose forms occur nowhere in the index is left out.
"""

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from srfacts.core.tuples import NamedTuple
from srfacts.search.text import UNIT_PREFIXES, Stemmer, Token, has_cjk, is_cjk, normalise, tokens

if TYPE_CHECKING:
    from srfacts.search.entries import Index

SYNONYM = "synonym"
PINYIN_WEIGHT = 0.8
INITIALS_WEIGHT = 0.45
HOMOPHONE_WEIGHT = 0.6
TYPO_WEIGHT = 0.7
HINT_WEIGHT = 0.5
MAX_QUERY = 512  # characters of a query read (a longer one is cut: nobody asks in more)
# Patterns, compiled (and cached by ``re``) only for a query that may hold what they find: most
# queries have no comma, number or 多少/几, and compiling all three costs some 0.6 ms at every start.
_THOUSANDS = r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))"
_YEAR = r"(?<![0-9.])((?:19|20)[0-9]{2})(?![0-9.])"
_STEMMER = Stemmer()
UNIT_WEIGHT = 0.5
CONTEXT_WEIGHT = 0.3
_ASKED_UNIT = "(?:多少|几)(" + "|".join(u for u in UNIT_PREFIXES if not u.isascii()) + ")"
_SAME_UNIT = {"家": ("户",), "户": ("家",)}  # counters of enterprises


def stem_word(index: "Index", word: str) -> str:
    """The stem of an English word: as the index stemmed it, else the stemmer's."""
    known = index.stem(word)
    return known if known is not None else _STEMMER(word)


class Alternative(NamedTuple):
    """One way of saying a group: its tokens (all expected), weight and how it was read."""

    tokens: tuple[str, ...]
    weight: float
    how: str


class Group(NamedTuple):
    """One thing the query says; ``meaningful`` groups count for coverage."""

    label: str
    alternatives: tuple[Alternative, ...]
    meaningful: bool = True


class Query(NamedTuple):
    """A query as read."""

    text: str  # normalised
    groups: list[Group]
    phrases: list[str]  # runs of meaningful text, for phrase and proximity boosts
    whole: str  # the meaningful text without spaces or punctuation, for whole-field matches
    years: tuple[int, ...]


def read_query(query: str, index: "Index") -> Query:
    """The query as groups of alternatives (an empty list of groups when nothing in it is known)."""
    if not query.isascii():  # lone surrogates (undecodable bytes of an argument) cannot match
        query = query.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    text = normalise(query[:MAX_QUERY], index.fold)
    if "," in text:
        text = re.sub(_THOUSANDS, "", text)
    words = index.question_words
    years: list[int] = []
    for phrase, offset in words.relative.items():
        if phrase in text and index.reference_year is not None:
            years.append(index.reference_year + offset)
            text = text.replace(phrase, " ")
    if any(c.isdigit() for c in text):
        years += [int(y) for y in re.findall(_YEAR, text)]
    units = _asked_units(text, index)
    cleaned, hints = _set_aside_question_words(text, index)
    reader = _Reader(index)
    groups = reader.groups(cleaned) + units
    for hint in hints:
        alternative = reader.alternative(hint, HINT_WEIGHT, "hint")
        if alternative is not None:
            groups.append(Group(hint, (alternative,), meaningful=False))
    named = {str(y) for y in years}  # a year lifts its records (see score); it is no word to cover
    groups = [g._replace(meaningful=False) if g.label.rstrip("年") in named else g for g in groups]
    groups = [_in_context(g, index.context) for g in groups]
    phrases = _phrases(cleaned)
    whole = "".join(phrases)
    return Query(text, [g for g in groups if g.alternatives], phrases, whole, tuple(dict.fromkeys(years)))


def _phrases(text: str) -> list[str]:
    """The runs of word characters, dots and percent signs (what ``re.split(r"[^\\w.%]+")`` keeps; a
    loop, as no pattern is compiled at start: a character is ``\\w`` when alphanumeric or ``_``)."""
    out: list[str] = []
    start = None
    for at, char in enumerate(text):
        if char.isalnum() or char in "_.%":
            if start is None:
                start = at
        elif start is not None:
            out.append(text[start:at])
            start = None
    if start is not None:
        out.append(text[start:])
    return out


def _in_context(group: Group, context: frozenset[str]) -> Group:
    """A group that only names the place the file is about (上饶, Shangrao) weighs little and asks nothing."""
    if not context or not all(set(a.tokens) <= context for a in group.alternatives):
        return group
    lighter = tuple(a._replace(weight=a.weight * CONTEXT_WEIGHT) for a in group.alternatives)
    return Group(group.label, lighter, meaningful=False)


def _asked_units(text: str, index: "Index") -> list[Group]:
    """The unit a question asks for (多少辆, 几家): lifts the figures in that unit."""
    out: list[Group] = []
    if "多少" not in text and "几" not in text:
        return out
    for found in re.finditer(_ASKED_UNIT, text):
        unit = found.group(1)
        forms = [f"#{u}" for u in (unit, *_SAME_UNIT.get(unit, ())) if index.df(f"#{u}")]
        if forms:
            out.append(Group(found.group(), tuple(Alternative((f,), UNIT_WEIGHT, "unit") for f in forms), False))
    return out


def _set_aside_question_words(text: str, index: "Index") -> tuple[str, list[str]]:
    """The text with its question words blanked out, and the hint terms they bring."""
    words = index.question_words
    chars = list(text)
    hints: list[str] = []
    longest = max((len(w) for w in words.words), default=0)
    at = 0
    while at < len(chars):
        for size in range(min(longest, len(chars) - at), 0, -1):
            candidate = "".join(chars[at : at + size])
            if candidate in words.words and _bounded(chars, at, at + size):
                hints.extend(words.hints.get(candidate, ()))
                chars[at : at + size] = " " * size
                at += size - 1
                break
        at += 1
    for at, char in enumerate(chars):
        if char in words.particles and not _joins_a_word(chars, at, index):
            chars[at] = " "
    return "".join(chars), hints


def _bounded(chars: list[str], start: int, end: int) -> bool:
    """An English question word stands alone (``is`` not inside ``list``); Chinese needs no bound."""
    if not chars[start].isascii():
        return True
    before = chars[start - 1] if start else " "
    after = chars[end] if end < len(chars) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _joins_a_word(chars: list[str], at: int, index: "Index") -> bool:
    """Whether a particle forms an indexed bigram with a neighbour (有 in 有色)."""
    before = chars[at - 1] + chars[at] if at and is_cjk(chars[at - 1]) else ""
    after = chars[at] + chars[at + 1] if at + 1 < len(chars) and is_cjk(chars[at + 1]) else ""
    return bool((before and index.df(before)) or (after and index.df(after)))


class _Reader:
    """Turns cleaned query text into groups."""

    def __init__(self, index: "Index") -> None:
        self.index = index

    def stem(self, word: str) -> str:
        return stem_word(self.index, word)

    def token_text(self, token: Token) -> str:
        return self.stem(token.text) if token.text.isalpha() and token.text.isascii() else token.text

    def alternative(self, term: str, weight: float, how: str) -> Alternative | None:
        """A term's tokens as one alternative, if every one occurs in the index."""
        found = tuple(dict.fromkeys(self.token_text(t) for t in tokens(normalise(term, self.index.fold))))
        if not found or not all(self.index.df(t) for t in found):
            return None
        return Alternative(found, weight, how)

    def groups(self, text: str) -> list[Group]:
        spans = list(tokens(text))
        synonyms = list(self._synonym_spans(text, spans))
        claimed: set[int] = set()
        out: list[Group] = []
        for start, end, group in synonyms:
            inside = [i for i, t in enumerate(spans) if t.start >= start and t.end <= end]
            if inside and not claimed.intersection(inside):
                claimed.update(inside)
                out.append(group)
        numbers: dict[int, list[Token]] = {}
        unknown_words: list[Token] = []
        spelled = self._pinyin_runs(spans, claimed)
        for i, token in enumerate(spans):
            if i in claimed:
                continue
            if token.text[0].isdigit():
                numbers.setdefault(token.start, []).append(token)
            elif is_cjk(token.text[0]):
                out.extend(self._chinese(token))
            elif i not in spelled and self.index.df(self.token_text(token)):
                out.append(Group(token.text, (Alternative((self.token_text(token),), 1.0, "text"),)))
            else:
                unknown_words.append(token)
        out.extend(self._number(found) for found in numbers.values())
        out.extend(self._unknown_words(unknown_words))
        return out

    def _pinyin_runs(self, spans: list[Token], claimed: set[int]) -> set[int]:
        """Words read as pinyin although English has them too: runs of two or more syllables
        ("guang fu") with at least one word English does not know."""
        if not any(t.text.isascii() and t.text.isalpha() for t in spans):
            return set()
        syllables = self.index.syllables()
        out: set[int] = set()
        run: list[int] = []
        for i, token in enumerate([*spans, None]):
            if token is not None and i not in claimed and token.text.isalpha() and token.text.isascii():
                split = _split_pinyin(token.text, syllables)
                if split is not None:
                    run.append(i)
                    continue
            words = [spans[j] for j in run]
            count = sum(len(_split_pinyin(w.text, syllables) or ()) for w in words)
            if count >= 2 and any(not self.index.df(self.token_text(w)) for w in words):
                out.update(run)
            run = []
        return out

    def _chinese(self, token: Token) -> Iterator[Group]:
        """A Chinese bigram (or single character), or the bigrams that sound like it."""
        if self.index.df(token.text):
            yield Group(token.text, (Alternative((token.text,), 1.0 if len(token.text) > 1 else 0.5, "text"),))
            return
        spelled = [self.index.char_pinyin(c) for c in token.text]
        if len(token.text) == 2 and all(spelled):
            key = "p " + " ".join(s for s in spelled if s)
            sounds = [t for t in self.index.spelled(key) if t != token.text]
            if sounds:
                yield Group(token.text, tuple(Alternative((t,), HOMOPHONE_WEIGHT, "homophone") for t in sounds))

    def _number(self, found: list[Token]) -> Group:
        """A number and its unit: as written in the text, or as a metric's value (in that unit, if one is given)."""
        longest = sorted(found, key=lambda t: -len(t.text))
        bare = longest[-1].text
        with_unit = [t.text for t in longest[:-1]]
        values = [f"={t}" for t in with_unit if self.index.df(f"={t}")] if with_unit else [f"={bare}"]
        alternatives = [Alternative((v,), 1.0, "value") for v in values if self.index.df(v)]
        alternatives += [Alternative((t.text,), 1.0, "text") for t in longest[:1] if self.index.df(t.text)]
        if with_unit and self.index.df(bare):
            alternatives.append(Alternative((bare,), 0.7, "text"))
        return Group(longest[0].text, tuple(dict.fromkeys(alternatives)))

    def _unknown_words(self, words: list[Token]) -> Iterator[Group]:
        """English words not in the index: pinyin (whole syllables or initials), else a typo."""
        if not words:
            return
        syllables = self.index.syllables()
        run: list[tuple[Token, list[str]]] = []
        for word in [*words, None]:
            split = _split_pinyin(word.text, syllables) if word is not None and word.text.isalpha() else None
            if word is not None and split is not None:
                run.append((word, split))
                continue
            yield from self._spelled(run)
            run = []
            if word is not None:
                yield from self._typo_or_initials(word)

    def _spelled(self, run: list[tuple[Token, list[str]]]) -> Iterator[Group]:
        """Pinyin words (guangfu, "jingke nengyuan") as the Chinese bigrams they spell."""
        syllables = [s for _, split in run for s in split]
        found_any = False
        for first, second in itertools.pairwise(syllables):
            found = self.index.spelled(f"p {first} {second}")
            if found:
                found_any = True
                yield Group(f"{first}{second}", tuple(Alternative((t,), PINYIN_WEIGHT, "pinyin") for t in found))
        if not found_any:
            for word, _ in run:
                yield from self._typo_or_initials(word)

    def _typo_or_initials(self, word: Token) -> Iterator[Group]:
        text = word.text
        if 2 <= len(text) <= 8 and text.isalpha():
            names = [self.alternative(n, INITIALS_WEIGHT, "initials") for n in self.index.spelled(f"i {text}")]
            found = tuple(a for a in names if a is not None)
            if found:
                yield Group(text, found)
                return
        distance = 2 if len(text) >= 9 else 1 if len(text) >= 5 else 0
        if not distance or not text.isalpha():
            return
        close = [w for w in self.index.words_near(len(text), distance) if within(text, w, distance)]
        stems = dict.fromkeys(self.stem(w) for w in close)
        alternatives = tuple(Alternative((s,), TYPO_WEIGHT, "typo") for s in stems if self.index.df(s))
        if alternatives:
            yield Group(text, alternatives)

    def _synonym_spans(self, text: str, spans: list[Token]) -> Iterator[tuple[int, int, Group]]:
        """Each synonym term the query holds, as a group of the term and its equivalents."""
        for group in self.index.synonyms:
            for term in group.terms:
                norm = normalise(term, self.index.fold)
                for start in _occurrences(text, norm):
                    own = self.alternative(norm, 1.0, "text")
                    others = [self.alternative(t, group.weight, SYNONYM) for t in group.terms if t != term]
                    alternatives = _distinct(a for a in [own, *others] if a is not None)
                    if alternatives:
                        yield start, start + len(norm), Group(norm, alternatives)
                    break


def _distinct(alternatives: Iterable[Alternative]) -> tuple[Alternative, ...]:
    """Alternatives with the same tokens once, the first (and weightiest) kept."""
    out: dict[frozenset[str], Alternative] = {}
    for alternative in alternatives:
        out.setdefault(frozenset(alternative.tokens), alternative)
    return tuple(out.values())


def _occurrences(text: str, term: str) -> Iterator[int]:
    """Where a term occurs in the query: anywhere for Chinese, as whole words for English."""
    at = text.find(term)
    while at >= 0:
        end = at + len(term)
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        if has_cjk(term) or not ((before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())):
            yield at
        at = text.find(term, at + 1)


def _split_pinyin(word: str, syllables: frozenset[str]) -> list[str] | None:
    """A word as whole pinyin syllables, fewest first (xian stays one), or None."""
    if not syllables or len(word) > 40:
        return None
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            before = best[start]
            if before is not None and word[start:end] in syllables:
                candidate = [*before, word[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(word)]


def within(word: str, other: str, distance: int) -> bool:
    """Whether two words are at most ``distance`` edits apart (a transposition counts as one)."""
    if abs(len(word) - len(other)) > distance:
        return False
    previous2: list[int] = []
    previous = list(range(len(other) + 1))
    for i, a in enumerate(word, 1):
        current = [i] + [0] * len(other)
        for j, b in enumerate(other, 1):
            cost = 0 if a == b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == other[j - 2] and word[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > distance:
            return False
        previous2, previous = previous, current
    return previous[-1] <= distance
