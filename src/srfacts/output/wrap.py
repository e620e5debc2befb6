"""Where wrapped text breaks its lines, by the rules of Chinese typography (禁则, as JIS X 4051 and the
W3C's requirements for Chinese layout describe them): a line never starts with closing punctuation
(、，。）」 …) and never ends with opening punctuation (（「“ …). English words stay whole; Chinese
may break between any two characters. Widths are terminal columns, measured by the caller's
``measure`` (wide characters two, ambiguous ones as ``srfacts.output.tables`` is told).
"""

import re
from collections.abc import Callable, Sequence

# Never at the start of a line: closing brackets and quotes, pauses and stops, and what trails a number.
NO_LINE_START = frozenset("、，。．・：；？！）］｝」』】〕〉》〗〙〛〞〟’”…‥—～%‰℃,.;:!?)]}")
# Never at the end of a line: opening brackets and quotes.
NO_LINE_END = frozenset("（［｛「『【〔〈《〖〘〚〝‘“([{")

# A unit of breaking: a run of Latin letters and digits (a word, a number with its marks), or one
# character of any other script; the spaces after it belong to it.
_UNITS = re.compile(r"[0-9A-Za-z\u00c0-\u024f'’\-_/.,%+#@&]+ *| +|. *", re.S)


def _units(text: str) -> list[tuple[int, str]]:
    return [(found.start(), found.group()) for found in _UNITS.finditer(text)]


def break_offsets(text: str, width: int, measure: Callable[[str], int]) -> list[int]:
    """Offsets in ``text`` where its lines break to fit ``width`` columns (none if it fits, or has a
    line break of its own: then each line is wrapped alone)."""
    if "\n" in text:
        offsets: list[int] = []
        start = 0
        for line in text.split("\n"):
            offsets += [start + at for at in break_offsets(line, width, measure)]
            start += len(line) + 1
            offsets.append(start - 1)
        return [at for at in offsets[:-1] if 0 < at < len(text)]
    if width < 2 or measure(text.rstrip()) <= width:
        return []
    units = _split_long(_units(text), width, measure)
    lines: list[list[tuple[int, str]]] = [[]]
    used = 0
    for unit in units:
        if lines[-1] and used + measure(unit[1].rstrip()) > width:
            lines.append(_kinsoku(lines[-1], unit))
            used = sum(measure(u[1]) for u in lines[-1])
        lines[-1].append(unit)
        used += measure(unit[1])
    return [line[0][0] for line in lines[1:] if line]


def _kinsoku(line: list[tuple[int, str]], coming: tuple[int, str]) -> list[tuple[int, str]]:
    """Break before ``coming``: what of ``line`` moves down with it so that the new line does not
    start with closing punctuation and the old one does not end with opening punctuation (the
    units moved are removed from ``line``; a line keeps at least one unit)."""
    moved: list[tuple[int, str]] = []
    while len(line) > 1 and (coming[1][0] in NO_LINE_START or line[-1][1].rstrip()[-1:] in NO_LINE_END):
        coming = line.pop()
        moved.insert(0, coming)
    return moved


def _split_long(units: Sequence[tuple[int, str]], width: int, measure: Callable[[str], int]) -> list[tuple[int, str]]:
    """The units, with a word wider than the line cut into pieces that fit (a long id or address)."""
    out: list[tuple[int, str]] = []
    for start, text in units:
        if measure(text.rstrip()) <= width:
            out.append((start, text))
            continue
        piece, at = "", start
        for offset, char in enumerate(text):
            if piece and measure(piece + char) > width:
                out.append((at, piece))
                piece, at = "", start + offset
            piece += char
        if piece:
            out.append((at, piece))
    return out
