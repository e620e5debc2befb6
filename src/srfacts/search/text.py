"""Text normalisation and tokens, shared by the index builder and the query reader.

- Normalisation: NFKC (full-width forms, ㈱), case folding, Traditional -> Simplified through a
  table the index carries (``fold``), and every offset kept so a match maps back to the text.
- Tokens (Lucene's CJK bigram model): a run of Chinese characters gives its overlapping
  character bigrams (one character for a one-character run); a number gives itself and itself
  with each prefix of the unit after it (``5028.1亿元`` -> ``5028.1``, ``5028.1亿``,
  ``5028.1亿元``); an ASCII word gives its stem (``stem``); punctuation and spacing give nothing.

Standard library (and the core's ``NamedTuple``) only; the stemmer is imported when a word not
met while indexing needs it.
"""

import re
import unicodedata
from collections.abc import Callable, Generator, Iterator, Mapping

from srfacts.core.tuples import NamedTuple

# Units and counters that follow a number ("2248户", "5028.1亿元", "20万辆"), longest first; the
# qualifiers 余 and 多 may stand between the number and its unit ("90余家").
UNIT_PREFIXES = (
    "万平方米", "平方米", "亿元", "万元", "万辆", "个月", "小时", "亿", "万", "元", "辆", "户", "家", "个", "项",
    "支", "名", "台", "条", "吨", "次", "年", "月", "日", "倍", "份", "gw", "%",
)  # fmt: skip
QUALIFIER_CHARS = "余多"
# British spellings read as American ones before stemming (specialised -> specialized).
_BRITISH = (("isation", "ization"), ("ised", "ized"), ("ises", "izes"), ("ising", "izing"), ("ise", "ize"))
_BRITISH_WORDS = {"centre": "center", "centres": "centers", "programme": "program", "programmes": "programs"}


class Token(NamedTuple):
    """A token and the span of normalised text it comes from."""

    text: str
    start: int
    end: int


def is_cjk(char: str) -> bool:
    """A CJK Unified Ideograph (or one of Extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return not text.isascii() and any(is_cjk(c) for c in text)


class Fold:
    """Traditional -> Simplified, character for character (鋰 -> 锂), as an index keeps it: the
    characters it changes and what each becomes, as two texts of the same length.

    The ``str.translate`` table is made only when a text holds one of those characters: most texts
    are Simplified, and making the table (some 4,000 characters) costs more than a search.
    """

    __slots__ = ("_changed", "_source", "_table", "_target")

    def __init__(self, source: str, target: str) -> None:
        if len(source) != len(target):
            raise ValueError("a fold maps each character to one character")
        self._source, self._target = source, target
        self._changed: frozenset[str] | None = None
        self._table: dict[int, int] | None = None

    @classmethod
    def of(cls, pairs: Mapping[str, str]) -> "Fold":
        """The fold of a mapping of characters (鋰: 锂)."""
        return cls("".join(pairs), "".join(pairs.values()))

    def changes(self, text: str) -> bool:
        """Whether ``text`` holds a character the fold changes."""
        if self._changed is None:
            self._changed = frozenset(self._source)
        return not self._changed.isdisjoint(text)

    def apply(self, text: str) -> str:
        """``text`` folded."""
        if self._table is None:
            self._table = str.maketrans(self._source, self._target)
        return text.translate(self._table)

    @property
    def pairs(self) -> tuple[str, str]:
        """The characters changed, and what each becomes."""
        return self._source, self._target


def normalise(text: str, fold: Fold | None = None) -> str:
    """NFKC, case folding (ＡＢＣ -> abc) and, with an index's ``fold``, 鋰 -> 锂. Idempotent."""
    if text.isascii():  # NFKC and the fold change no ASCII character
        return text.casefold() if not text.islower() else text
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", text).casefold()
        if fold is not None and fold.changes(folded):
            folded = fold.apply(folded)
        if folded == text:
            break
        text = folded
    return text


def normalise_with_offsets(original: str, fold: Fold | None = None) -> tuple[str, list[int] | None]:
    """The normalised text and, when its length differs, each normalised position's original one."""
    norm = normalise(original, fold)
    if len(norm) == len(original):
        return norm, None
    offsets: list[int] = []
    for at, char in enumerate(original):
        offsets.extend([at] * len(normalise(char, fold)))
    offsets.append(len(original))
    return norm, offsets if len(offsets) == len(norm) + 1 else None


def plain_number(text: str) -> str:
    """A number written minimally: 082.90 -> 82.9, 2022 -> 2022."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.lstrip("0")
    return "0" + text if not text or text.startswith(".") else text


def british_to_american(word: str) -> str:
    """specialised -> specialized, programme -> program (so both spellings stem alike)."""
    if word in _BRITISH_WORDS:
        return _BRITISH_WORDS[word]
    if len(word) > 5:
        for ending, american in _BRITISH:
            if word.endswith(ending):
                return word[: -len(ending)] + american
    return word


# A run of letters (any script) or a number. A class of CJK ranges would say more, but it costs
# 1.5 ms to compile at every start; a run of letters is told Chinese by its lowest and highest
# character (CJK ideographs are the only letters from U+3400 to U+9FFF).
_RUN = re.compile(r"([^\W\d_]+)|([0-9]+(?:\.[0-9]+)?)")


def _stretches(letters: str, start: int) -> Iterator[tuple[bool, int, int]]:
    """(Chinese?, start, end) of the Chinese and the ASCII stretches of a run of letters (other
    scripts give no token)."""
    if letters.isascii():
        yield False, start, start + len(letters)
    elif min(letters) >= "\u3400" and max(letters) <= "\u9fff":
        yield True, start, start + len(letters)
    else:
        at = 0
        while at < len(letters):
            chinese = is_cjk(letters[at])
            if not chinese and not letters[at].isascii():
                at += 1
                continue
            end = at + 1
            while end < len(letters) and (is_cjk(letters[end]) if chinese else letters[end].isascii()):
                end += 1
            yield chinese, start + at, start + end
            at = end


def tokens(text: str) -> Iterator[Token]:
    """The tokens of normalised ``text`` before stemming: CJK bigrams, numbers with units, ASCII words."""
    at = 0
    while True:
        found = _RUN.search(text, at)
        if found is None:
            return
        letters, number = found.groups()
        start, at = found.span()
        if number:
            at = yield from _number(text, start, at)
            continue
        for chinese, first, end in _stretches(letters, start):
            if not chinese:
                yield Token(text[first:end], first, end)
            elif end - first == 1:
                yield Token(text[first], first, end)
            else:
                for i in range(first, end - 1):
                    yield Token(text[i : i + 2], i, i + 2)


def token_texts(text: str) -> list[str]:
    """The texts of ``tokens(text)``, made quicker (no spans): for indexing whole fields."""
    out: list[str] = []
    at = 0
    search = _RUN.search
    while True:
        found = search(text, at)
        if found is None:
            return out
        letters, number = found.groups()
        at = found.end()
        if number:
            numbers = _number(text, found.start(), at)
            while True:
                try:
                    out.append(next(numbers).text)
                except StopIteration as done:
                    at = int(done.value)
                    break
            continue
        if letters.isascii():
            out.append(letters)
        elif min(letters) >= "\u3400" and max(letters) <= "\u9fff":
            out.extend([letters[i : i + 2] for i in range(len(letters) - 1)] if len(letters) > 1 else (letters,))
        else:
            for chinese, first, end in _stretches(letters, found.start()):
                run = text[first:end]
                if not chinese:
                    out.append(run)
                else:
                    out.extend([run[i : i + 2] for i in range(len(run) - 1)] if len(run) > 1 else (run,))


def _unit_after(text: str, end: int) -> tuple[int, str] | None:
    """The unit at ``end``, or after a qualifier there (90余家): where it starts, and the unit.

    A loop, not a regular expression: an alternation of the units costs 0.5 ms to compile at
    every start. The first unit that fits wins (they are listed longest first); no unit begins
    with a qualifier.
    """
    at = end + 1 if end < len(text) and text[end] in QUALIFIER_CHARS else end
    for unit in UNIT_PREFIXES:
        if text.startswith(unit, at):
            return at, unit
    return None


def _number(text: str, start: int, end: int) -> Generator[Token, None, int]:
    """A number, with each prefix of the unit after it. Returns where reading goes on."""
    number = plain_number(text[start:end])
    yield Token(number, start, end)
    unit = _unit_after(text, end)
    if unit is not None:
        after, written = unit
        for size in range(1, len(written) + 1):
            yield Token(number + written[:size], start, after + size)
        return end if written.isascii() and written.isalpha() else after + len(written)
    letters = end
    while letters < len(text) and "a" <= text[letters] <= "z":
        letters += 1
    if letters > end:  # 5g: the number with its letters, then the letters as a word
        yield Token(number + text[end:letters], start, letters)
    return end


class Stemmer:
    """English Snowball stemming (snowballstemmer, imported on first use), after British -> American
    spelling, with -ment dropped (shipments -> ship, investment -> invest) so related words meet."""

    def __init__(self) -> None:
        self._stem: Callable[[str], str] | None = None
        self._seen: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        found = self._seen.get(word)
        if found is None:
            if self._stem is None:
                import snowballstemmer  # imported only when a word not met while indexing is read

                self._stem = snowballstemmer.stemmer("english").stemWord
            found = self._stem(british_to_american(word))
            if found.endswith("ment") and len(found) >= 8:
                found = found[:-4]
            self._seen[word] = found
        return found

    def known(self) -> dict[str, str]:
        """Every word stemmed so far, with its stem."""
        return dict(self._seen)

    def learn(self, stems: dict[str, str]) -> None:
        """Take words stemmed elsewhere (by this same stemmer in another process)."""
        self._seen.update(stems)
