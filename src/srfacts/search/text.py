"""Text normalisation and tokens, shared by the index builder and the query reader.

- Normalisation: NFKC (full-width forms, ㈱), case folding, Traditional -> Simplified through a
  table the index carries (``fold``), and every offset kept so a match maps back to the text.
- Tokens (Lucene's CJK bigram model): a run of Chinese characters gives its overlapping
  character bigrams (one character for a one-character run); a number gives itself and itself
  with each prefix of the unit after it (``5028.1亿元`` -> ``5028.1``, ``5028.1亿``,
  ``5028.1亿元``); an ASCII word gives its stem (``stem``); punctuation and spacing give nothing.

Standard library only; the stemmer is imported when a word not met while indexing needs it.
"""

import re
import unicodedata
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import NamedTuple

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


def normalise_with_offsets(
    original: str, fold: Mapping[int, int] | Mapping[int, str] | None = None
) -> tuple[str, list[int] | None]:
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


_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff]+)|([0-9]+(?:\.[0-9]+)?)|([a-z][a-z0-9]*)")


def tokens(text: str) -> Iterator[Token]:
    """The tokens of normalised ``text`` before stemming: CJK bigrams, numbers with units, ASCII words."""
    at = 0
    while True:
        found = _RUN.search(text, at)
        if found is None:
            return
        cjk, number, word = found.groups()
        start, at = found.span()
        if cjk:
            if len(cjk) == 1:
                yield Token(cjk, start, at)
            else:
                for i in range(start, at - 1):
                    yield Token(text[i : i + 2], i, i + 2)
        elif number:
            at = yield from _number(text, start, at)
        else:
            yield Token(word, start, at)


def _number(text: str, start: int, end: int) -> Generator[Token, None, int]:
    """A number, with each prefix of the unit after it. Returns where reading goes on."""
    number = plain_number(text[start:end])
    yield Token(number, start, end)
    after = end + 1 if end < len(text) and text[end] in QUALIFIER_CHARS else end
    for unit in UNIT_PREFIXES:
        if text.startswith(unit, after):
            for size in range(1, len(unit) + 1):
                yield Token(number + unit[:size], start, after + size)
            return end if unit.isalpha() and unit.isascii() else after + len(unit)
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
