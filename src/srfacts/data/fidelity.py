"""Prove a knowledge file faithful to its source texts (``srfacts validate --source``).

Quotes occur verbatim (line breaks in the source ignored), metric quotes hold their value as
written, qualifiers agree with the wording, periods are stated in the quoted sentence, and
every number in the source is captured by a record or allow-listed with a reason.

Numbers are read in digits (5028.1) and in Chinese numerals (两, 十四, 千亿, 万亿, 双千亿): a
metric of 10000 亿元 is written 万亿, one of 1000 亿元 千亿 (双千亿 is 千亿 twice over). A Chinese
numeral counts as a number when it is a quantity: it has a magnitude (十 百 千 万 亿), or it is a
digit other than 一 followed by a measure word (两年, 三大, 八个); not an ordinal (第一), and not
the magnitude of a number written in digits (5000亿, 3600多万). 一 with a measure word is mostly
the article "a" (一个, 一批) and is not counted.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from srfacts.core.errors import Problem
from srfacts.core.records import Claim, KnowledgeBase, Metric, Source, period_years
from srfacts.core.tuples import NamedTuple

NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
SENTENCE_END = "。！？!?"

# Wording markers and the qualifier they imply, next to the number they qualify.
MARKERS_BEFORE = (("超过", "more_than"), ("突破", "more_than"), ("超", "more_than"), ("过", "more_than"),
                  ("逾", "more_than"), ("近", "about"), ("约", "about"))  # fmt: skip
MARKERS_AFTER_NUMBER = (("余", "more_than"), ("多", "more_than"))
MARKERS_AFTER_UNIT = (("以上", "at_least"), ("左右", "about"))
MARKERS_ANYWHERE = {
    "more_than": ("余", "多", "超", "超过", "突破", "过"),
    "at_least": ("以上", "至少"),
    "about": ("约", "近", "左右", "数百"),
}


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_LARGE = {"万": 10**4, "亿": 10**8}
CN_NUMERAL = re.compile(f"双?[{''.join(CN_DIGITS)}{''.join(CN_SMALL)}{''.join(CN_LARGE)}]+")
MEASURE_WORDS = "个大年家户名条次项位套组支台月辆吨倍天"  # after a digit numeral, they make it a count
_DIGITS = "0123456789."


def chinese_value(numeral: str) -> int | None:
    """The value of a Chinese numeral (两 2, 十四 14, 二十 20, 一百零五 105, 千亿 10**11, 万亿 10**12),
    or None when it is not a well-formed one (十四五, 千百)."""
    if not numeral:
        return None
    for large in ("亿", "万"):
        at = numeral.rfind(large)
        if at >= 0:
            head, tail = numeral[:at], numeral[at + 1 :]
            high = chinese_value(head) if head else 1
            low = chinese_value(tail) if tail else 0
            if high is None or low is None or (tail and low >= CN_LARGE[large]):
                return None
            return high * CN_LARGE[large] + low
    total, digit, last = 0, None, 10**4
    for char in numeral:
        if char in CN_DIGITS:
            if digit:  # two digits in a row (十四五)
                return None
            digit = CN_DIGITS[char]
        elif char in CN_SMALL and CN_SMALL[char] < last:
            total += (1 if digit is None else digit) * CN_SMALL[char]
            digit, last = None, CN_SMALL[char]
        else:
            return None
    return total + (digit or 0)


class Numeral(NamedTuple):
    """A Chinese numeral that stands for a quantity: where it is, as written, and its value."""

    start: int
    end: int
    text: str
    value: int | None  # None: not well formed (a name such as 十四五)


def chinese_numerals(text: str) -> list[Numeral]:
    """The Chinese numerals of ``text`` that are quantities (see the module's docstring): 双千亿 is
    one numeral of value 10**11 (千亿, twice over)."""
    found = []
    for match in CN_NUMERAL.finditer(text):
        start, written = match.start(), match.group()
        run = written[1:] if written.startswith("双") else written
        if not run:
            continue
        before, after = text[max(0, start - 2) : start], text[match.end() : match.end() + 1]
        glued = bool(before) and (before[-1] in _DIGITS or (before[-1] in "多余" and before[:1] in _DIGITS))
        magnitude = any(c in CN_SMALL or c in CN_LARGE for c in run)
        counted = len(run) == 1 and run != "一" and bool(after) and after in MEASURE_WORDS
        if glued or before[-1:] == "第" or not (magnitude or counted):
            continue
        found.append(Numeral(start, match.end(), written, chinese_value(run)))
    return found


def unit_scale(unit: str) -> tuple[int, str]:
    """The Chinese magnitude a unit begins with and the rest: 亿元 -> (10**8, 元), 万辆 -> (10**4, 辆)."""
    scale, rest = 1, unit
    while rest[:1] in CN_LARGE and len(rest) > 1:
        scale, rest = scale * CN_LARGE[rest[0]], rest[1:]
    return scale, rest


def value_spans(quote: str, value: str, unit: str) -> list[tuple[int, int, str]]:
    """Where a value stands in a quote, and the unit as it would follow there: the digits as
    written (90, 5028.1), else a Chinese numeral of the same amount (两 for 2 个, 千亿 for 1000 亿元)."""
    spans = [(at, at + len(value), unit) for at in occurrences(quote, value) if _standalone(quote, at, value)]
    if spans:
        return spans
    scale, rest = unit_scale(unit)
    try:
        amount = Decimal(value) * scale
    except InvalidOperation:
        return []
    return [(n.start, n.end, rest) for n in chinese_numerals(quote) if n.value is not None and n.value == amount]


def flatten(text: str) -> str:
    """The source text as quotes are matched against it: line breaks removed."""
    return text.replace("\r", "").replace("\n", "")


@dataclass(frozen=True)
class SourceText:
    """A source's text, read from a file, and its flattened form."""

    path: Path
    raw: bytes
    flat: str


def source_dirs(option: str | None = None) -> list[Path]:
    """Where source texts are looked for: the option alone, else ``SRFACTS_SOURCES``, then ../shared/source."""
    if option:
        return [Path(option)]
    found = [Path(os.environ["SRFACTS_SOURCES"])] if os.environ.get("SRFACTS_SOURCES") else []
    checkout = Path(__file__).resolve().parents[2]
    found.append(checkout.parent / "shared" / "source")
    try:
        here = Path.cwd()
    except OSError:  # the working folder was deleted
        return found
    return [*found, here / "shared" / "source", here.parent / "shared" / "source"]


def read_source(source: Source, option: str | None = None) -> SourceText | None:
    """The text of a source: ``option`` may name the file itself or a folder holding it."""
    candidates = [Path(option)] if option and Path(option).is_file() else []
    candidates += [folder / source.file for folder in source_dirs(option)]
    from srfacts.core.errors import KnowledgeFileError
    from srfacts.data.files import read_bytes

    for path in candidates:
        if path.is_file():
            try:  # read as safely as a knowledge file: within the size cap, never a pipe or device
                raw = read_bytes(path)
            except KnowledgeFileError:
                continue
            return SourceText(path, raw, flatten(raw.decode("utf-8-sig", errors="replace")))
    return None


def occurrences(text: str, part: str) -> Iterator[int]:
    """Every start index of ``part`` in ``text``."""
    start = text.find(part)
    while start >= 0 and part:
        yield start
        start = text.find(part, start + 1)


def sentence_around(flat: str, start: int, end: int) -> tuple[str, int, int]:
    """The sentence holding ``flat[start:end]`` and the span's place in it."""
    begin = max(flat.rfind(c, 0, start) for c in SENTENCE_END) + 1
    stops = [i for i in (flat.find(c, end) for c in SENTENCE_END) if i >= 0]
    finish = min(stops) + 1 if stops else len(flat)
    sentence = flat[begin:finish]
    stripped = len(sentence) - len(sentence.lstrip())
    return sentence.strip(), start - begin - stripped, end - begin - stripped


def value_text(metric: Metric) -> str:
    """A metric's value as the article writes it."""
    return str(metric.value)


def implied_qualifier(quote: str, value: str, unit: str) -> str | None:
    """The qualifier that markers next to the value imply, or None when none stands there."""
    for at, end, following in value_spans(quote, value, unit):
        before, after = quote[:at], quote[end:]
        for marker, qualifier in MARKERS_AFTER_NUMBER:
            if after.startswith(marker):
                return qualifier
        rest = after[len(following) :] if after.startswith(following) else after
        for marker, qualifier in MARKERS_AFTER_UNIT:
            if rest.startswith(marker):
                return qualifier
        for marker, qualifier in MARKERS_BEFORE:
            if before.endswith(marker):
                return qualifier
        if "至少" in before[-6:]:
            return "at_least"
    return None


class _Report:
    """Collects problems located at the record's line in the knowledge file."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.problems: list[Problem] = []

    def __call__(self, code: str, message: str, record_id: str, field: str | None = None) -> None:
        line = self.kb.record_lines.get(record_id)
        self.problems.append(Problem(code, message, self.kb.path, line, None, record_id, field))


_Add = _Report


def check_sources(kb: KnowledgeBase, option: str | None = None) -> list[Problem]:
    """Every faithfulness problem of ``kb`` against its sources' texts."""
    add = _Report(kb)
    texts: dict[str, SourceText] = {}

    for source in kb.sources():
        text = read_source(source, option)
        if text is None:
            looked = ", ".join(str(d) for d in source_dirs(option))
            add("SR201", f"source text '{source.file}' not found (looked in {looked})", source.id, "file")
            continue
        texts[source.id] = text
        digest = hashlib.sha256(text.raw).hexdigest()
        if digest != source.sha256:
            add("SR202", f"{text.path} has sha256 {digest}, the record says {source.sha256}", source.id, "sha256")
        for allowed in source.uncaptured_numbers:
            if allowed.context not in text.flat:
                add("SR207", f"allow-list context '{allowed.context}' does not occur in the source", source.id)
        _check_roles(source, text.flat, add)
    for record in kb.all_records():
        quote = getattr(record, "quote", None)
        source_id = getattr(record, "source", None)
        if not quote or source_id not in texts:
            continue
        flat = texts[source_id].flat
        if quote not in flat:
            add("SR203", f"quote '{quote}' does not occur in the source", record.id, "quote")
            continue
        if isinstance(record, Metric):
            _check_metric(record, add)
        if isinstance(record, Metric | Claim) and record.period:
            _check_period(record, flat, quote, add)
    for source_id, text in texts.items():
        _check_coverage(kb, source_id, text.flat, add)
    return add.problems


def _check_roles(source: Source, flat: str, add: _Add) -> None:
    """Each role the record gives an author stands right before that name in the source (the byline
    （李鹏飞 全媒体记者 程亮） gives 全媒体记者 to 程亮); a role is never given to no author."""
    if len(source.author_roles) > len(source.authors) or len(source.author_roles_en) > len(source.authors):
        add("SR209", f"{len(source.author_roles)} roles for {len(source.authors)} authors", source.id, "author_roles")
    for name, role in zip(source.authors, source.author_roles, strict=False):
        if role and not re.search(re.escape(role) + r"\s*" + re.escape(name), flat):
            add("SR209", f"the source does not name {name} as {role}", source.id, "author_roles")
    for role, role_en in zip(source.author_roles, source.author_roles_en, strict=False):
        if bool(role) != bool(role_en):
            add("SR209", f"role '{role}' and its English '{role_en}' disagree", source.id, "author_roles_en")


def _check_metric(metric: Metric, add: _Add) -> None:
    quote = metric.quote or ""
    written = value_text(metric)
    if not value_spans(quote, written, metric.unit):
        add("SR204", f"quote does not contain the value {written} as written", metric.id, "value")
        return
    implied = implied_qualifier(quote, written, metric.unit)
    if implied and implied != metric.qualifier:
        add("SR205", f"the wording says {implied}, the record says {metric.qualifier}", metric.id, "qualifier")
    elif (
        implied is None
        and metric.qualifier != "exact"
        and not any(m in quote for m in MARKERS_ANYWHERE[metric.qualifier])
    ):
        add("SR205", f"qualifier {metric.qualifier} but the quote has no such wording", metric.id, "qualifier")


def _standalone(text: str, at: int, number: str) -> bool:
    """True when ``number`` at ``at`` is a whole number in ``text``, not part of a longer one."""
    end = at + len(number)
    before_ok = at == 0 or not (text[at - 1].isdigit() or text[at - 1] == ".")
    after_ok = end == len(text) or not (text[end].isdigit() or (text[end] == "." and text[end + 1 : end + 2].isdigit()))
    return before_ok and after_ok


def _check_period(record: Metric | Claim, flat: str, quote: str, add: _Add) -> None:
    years = {str(y) for y in period_years(record.period)}
    stated = {y for y in re.findall(r"[0-9]{4}", record.period or "")}
    for at in occurrences(flat, quote):
        sentence, _, _ = sentence_around(flat, at, at + len(quote))
        if all(y in sentence for y in stated or years):
            return
    add("SR208", f"period {record.period} is not stated in the quoted sentence", record.id, "period")


def _check_coverage(kb: KnowledgeBase, source_id: str, flat: str, add: _Add) -> None:
    covered: set[int] = set()
    numerals = chinese_numerals(flat)
    for record in kb.all_records():
        quote = getattr(record, "quote", None)
        if getattr(record, "source", None) != source_id or not isinstance(quote, str):
            continue
        captured = {str(y) for y in period_years(getattr(record, "period", None))}
        captured |= set(re.findall(r"[0-9]{4}", getattr(record, "period", None) or ""))
        amount = None
        if isinstance(record, Metric):
            captured.add(value_text(record))
            amount = record.value * unit_scale(record.unit)[0]
        for at in occurrences(flat, quote):
            for match in NUMBER.finditer(quote):
                if match.group() in captured:
                    covered.add(at + match.start())
            if amount is not None:
                covered.update(n.start for n in _within(numerals, at, at + len(quote)) if n.value == amount)
    source = kb.get(source_id)
    for allowed in source.uncaptured_numbers if isinstance(source, Source) else ():
        for at in occurrences(flat, allowed.context):
            covered.update(at + m.start() for m in NUMBER.finditer(allowed.context))
            covered.update(n.start for n in _within(numerals, at, at + len(allowed.context)))
    spans = [(m.start(), m.end(), m.group()) for m in NUMBER.finditer(flat)]
    spans += [(n.start, n.end, n.text) for n in numerals]
    for begin, end, number in sorted(spans):
        if begin not in covered:
            start = max(0, begin - 12)
            context = flat[start : end + 12]
            add("SR206", f"the number {number} in '…{context}…' is captured by no record", source_id)


def _within(numerals: list[Numeral], start: int, end: int) -> list[Numeral]:
    """The numerals wholly inside ``start:end``."""
    return [n for n in numerals if start <= n.start and n.end <= end]


def quote_context(kb: KnowledgeBase, record: object) -> dict[str, object] | None:
    """The sentence around a record's quote and the quote's span in it, when the source is at hand."""
    quote = getattr(record, "quote", None)
    source = kb.get(getattr(record, "source", None) or "")
    if not quote or not isinstance(source, Source):
        return None
    text = read_source(source)
    if text is None or quote not in text.flat:
        return None
    at = text.flat.index(quote)
    sentence, start, end = sentence_around(text.flat, at, at + len(quote))
    return {"sentence": sentence, "start": start, "end": end}
