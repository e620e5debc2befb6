"""Postings: for each token, the records that hold it and its BM25F weight in each.

The weight folds in the field weights and each field's length normalisation, saturated with
k1 (BM25F), and is kept in 1/10000ths. A large file is read by two processes at once, each
building the postings of half of the records (the machine has two cores, and the postings are
most of a cold compile).
"""

import marshal
import os
from array import array
from collections import Counter
from collections.abc import Callable

from srfacts.core.records import Record
from srfacts.search.entries import FIELD_WEIGHTS, field_texts
from srfacts.search.text import Fold, Stemmer, normalise, plain_number, token_texts

K1 = 1.2
B = 0.75
SCALE = 10000  # term weights are stored as whole numbers of 1/SCALE
SEARCHED = tuple(name for name in FIELD_WEIGHTS if name != "value")  # values are matched as numbers
SAMPLE = 5000  # records whose field lengths make the averages of BM25F
PARALLEL = 20_000  # records from which two processes build the postings

Postings = dict[str, tuple["array[int]", "array[int]"]]


def build_postings(
    records: tuple[Record, ...], fold: Fold, stemmer: Stemmer, report: Callable[[int], None] | None = None
) -> Postings:
    """The postings of every record (``report`` hears of each 1000 records done)."""
    builder = PostingsBuilder(records, fold, stemmer)
    middle = len(records) // 2 if len(records) >= PARALLEL and hasattr(os, "fork") else len(records)
    child = _fork(builder, records, middle) if middle < len(records) else None
    try:
        for pos in range(middle):
            builder.add(pos, records[pos])
            if report and (pos + 1) % 1000 == 0:
                report(1000)
        if child is None or not _join(child, builder):
            for pos in range(middle, len(records)):
                builder.add(pos, records[pos])
        if report and len(records) > middle:
            report(len(records) - middle)
    finally:
        if child is not None:
            _reap(child[0])
    return builder.postings


def index_tokens(text: str, stem: Callable[[str], str]) -> list[str]:
    """The tokens of normalised text, English words stemmed."""
    return [stem(t) if t.isalpha() and t.isascii() else t for t in token_texts(text)]


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


class PostingsBuilder:
    """Accumulates each token's records and BM25F weights, record by record in file order."""

    def __init__(self, records: tuple[Record, ...], fold: Fold, stemmer: Stemmer) -> None:
        lengths: dict[str, list[int]] = {name: [] for name in SEARCHED}
        step = max(1, len(records) // SAMPLE)  # field lengths are averaged over a sample of the records
        for record in records[::step]:
            for name in SEARCHED:
                lengths[name].extend(len(text) for text in field_texts(getattr(record, name, None)))
        self.average = {name: max(1.0, sum(v) / len(v)) if v else 1.0 for name, v in lengths.items()}
        self.postings: Postings = {}
        self.fold = fold
        self.stem = stemmer
        # text as written -> its tokens, their counts and its normalised length
        self._counted: dict[str, tuple[tuple[str, ...], tuple[int, ...], int]] = {}
        self._tokens: dict[str, str] = {}  # one string object per distinct token
        self._fields: dict[type, tuple[tuple[str, float, float], ...]] = {}  # searched fields of each record type

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
        """Add the tokens of the record at ``pos`` (positions must come in increasing order)."""
        weights: dict[str, float] = {}
        get = weights.get
        fields = self._fields.get(type(record))
        if fields is None:
            held = getattr(record, "_fields", ())
            fields = self._fields[type(record)] = tuple(
                (name, FIELD_WEIGHTS[name], self.average[name]) for name in SEARCHED if name in held
            )
        for name, weight, average in fields:
            for text in field_texts(getattr(record, name, None)):
                found, counts, length = self._count(text)
                share = weight / (1 - B + B * length / average)
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

    def extend(self, postings: dict[str, tuple[bytes, bytes]]) -> None:
        """Add postings built elsewhere for records after all of this builder's."""
        for token, (positions, weights) in postings.items():
            held = self.postings.get(token)
            if held is None:
                held = self.postings[self._tokens.setdefault(token, token)] = (array("I"), array("H"))
            held[0].frombytes(positions)
            held[1].frombytes(weights)


def _fork(builder: PostingsBuilder, records: tuple[Record, ...], middle: int) -> tuple[int, int] | None:
    """A child process building the postings of ``records[middle:]``: its pid and the pipe to read
    them from (None if no process can be started: the caller builds them itself)."""
    try:
        read, write = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid:
        os.close(write)
        return pid, read
    status = 1  # the child: never returns, never runs the parent's clean-up
    try:
        os.close(read)
        for pos in range(middle, len(records)):
            builder.add(pos, records[pos])
        found = {token: (p.tobytes(), w.tobytes()) for token, (p, w) in builder.postings.items()}
        data = marshal.dumps((found, builder.stem.known()))
        with os.fdopen(write, "wb") as out:
            out.write(len(data).to_bytes(8, "little") + data)
        status = 0
    finally:
        os._exit(status)


def _join(child: tuple[int, int], builder: PostingsBuilder) -> bool:
    """Add the child's postings to the builder's; False if they could not be had."""
    pid, read = child
    try:
        with os.fdopen(read, "rb") as pipe:
            size = int.from_bytes(pipe.read(8), "little")
            data = pipe.read(size)
        _, status = os.waitpid(pid, 0)
        if status != 0 or len(data) != size:
            return False
        postings, stems = marshal.loads(data)
        builder.extend(postings)
        builder.stem.learn(stems)
        return True
    except (OSError, ValueError, TypeError, EOFError):
        return False


def _reap(pid: int) -> None:
    """Make sure the child is gone (an interrupted or failed join leaves it running)."""
    try:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, 15)
            os.waitpid(pid, 0)
    except (OSError, ChildProcessError):
        pass
