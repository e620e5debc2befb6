"""Index entries: what the index holds of each record, and the interface every index offers.

A record's *entry* is the text of each searched field, as written and normalised (with the
offsets that map one to the other), and a figure's number as written; it is made from the
record's fields by name, as a record holds them or as the compiled store keeps them (figures as
their text: searching never makes a Decimal). Its *facets* are what filters and boosts read
(type, years, industries, kind). ``Index`` is what the query reader and the engine need of an
index: the in-memory one (``engine.MemoryIndex``) and the compiled store both provide it.
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from srfacts.core.records import Record, SynonymGroup, is_decimal, record_years
from srfacts.core.spec import SEARCHED
from srfacts.core.tuples import NamedTuple
from srfacts.core.units import fixed_point
from srfacts.search.text import Fold, normalise_with_offsets

# BM25F field weights, from the spec: names and aliases above texts, texts above English, quotes and
# notes lowest; heaviest first (a record's entry holds its fields in this order).
FIELD_WEIGHTS: dict[str, float] = {f.name: f.weight for f in SEARCHED}
NAME_FIELDS = frozenset(f.name for f in SEARCHED if f.naming)
ENGLISH_FIELDS = frozenset(f.name for f in SEARCHED if f.name.endswith("_en"))


class Field(NamedTuple):
    """One searchable text of a record (``item``: position in a tuple field such as aliases)."""

    name: str
    item: int
    text: str  # as the record writes it
    norm: str
    offsets: list[int] | None  # normalised position -> position in ``text``, when they differ


class Entry(NamedTuple):
    """The searched fields of one record, and its figure's number as written (5028.1; None: no figure)."""

    id: str
    fields: list[Field]
    value: str | None


class Facets(NamedTuple):
    """What filters and boosts read of a record."""

    type: str
    years: tuple[int, ...]
    industries: tuple[str, ...]
    kind: str | None


class QuestionWords(NamedTuple):
    """Words and particles that ask rather than say (kept in the query, ignored for ranking).

    ``particles`` are single characters dropped only where they join no indexed word (有 in
    有多少 but not in 有色); ``hints`` add terms at a low weight (一共 -> 总数); ``relative``
    reads 去年 as the publication year minus one.
    """

    words: frozenset[str]
    particles: frozenset[str]
    hints: dict[str, tuple[str, ...]]
    relative: dict[str, int]


def field_texts(value: Any) -> list[str]:
    """The texts of one field's value (several for aliases and authors)."""
    if isinstance(value, str):
        return [value] if value else []
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, tuple | list):
        return [str(v) for v in value if v]
    if is_decimal(value):
        return [format(value, "f")]
    return [str(value)] if str(value) else []


def build_entry(values: Mapping[str, Any], fold: Fold | None) -> Entry:
    """The entry of a record from its fields by name (a figure may be a Decimal or its text)."""
    fields: list[Field] = []
    for name in FIELD_WEIGHTS:
        if name == "value":
            continue  # values are matched as numbers (see the builder), not as text
        for item, original in enumerate(field_texts(values.get(name))):
            norm, offsets = normalise_with_offsets(original, fold)
            fields.append(Field(name, item, original, norm, offsets))
    value = values.get("value")
    return Entry(str(values["id"]), fields, None if value is None else fixed_point(value))


def record_entry(record: Record, fold: Fold | None) -> Entry:
    """The entry of a record held in memory."""
    return build_entry(record._asdict(), fold)


def record_facets(record: Record) -> Facets:
    """The facets of a record (``kind`` is a claim's or entity's kind, or an industry's tier)."""
    kind = getattr(record, "kind", None) or getattr(record, "tier", None)
    return Facets(record.TYPE, record_years(record), tuple(getattr(record, "industries", ())), kind)


if TYPE_CHECKING:  # the interface is for the type checker only: nothing checks it at run time

    class Index(Protocol):
        """What searching needs of an index."""

        @property
        def count(self) -> int: ...

        @property
        def fold(self) -> Fold: ...

        @property
        def question_words(self) -> QuestionWords: ...

        @property
        def synonyms(self) -> Sequence[SynonymGroup]: ...

        @property
        def reference_year(self) -> int | None: ...

        @property
        def context(self) -> frozenset[str]: ...

        def df(self, token: str) -> int: ...

        def postings(self, token: str) -> tuple[Sequence[int], Sequence[int]]: ...

        def stem(self, word: str) -> str | None: ...

        def spelled(self, key: str) -> Sequence[str]: ...

        def char_pinyin(self, char: str) -> str | None: ...

        def syllables(self) -> frozenset[str]: ...

        def words_near(self, length: int, spread: int) -> Sequence[str]: ...

        def facets(self, pos: int) -> Facets: ...

        def entry(self, pos: int) -> Entry: ...

        def record(self, pos: int) -> Record: ...

        def plain(self, pos: int) -> dict[str, Any]: ...

        def suggestion_keys(self) -> Sequence[tuple[str, str, str]]: ...
