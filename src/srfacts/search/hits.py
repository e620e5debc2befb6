"""What a search returns: hits, each a record of an index with its score and what matched where."""

from typing import TYPE_CHECKING, Any

from srfacts.core.records import Record
from srfacts.core.tuples import NamedTuple

if TYPE_CHECKING:
    from srfacts.search.entries import Index


class Match(NamedTuple):
    """Where a query term matched: the field, the span in its text, that text, how, and the term.

    ``how`` is ``text``, ``exact`` (the whole field), ``synonym``, ``pinyin``, ``initials``,
    ``homophone``, ``typo``, ``hint``, ``year`` or ``value`` (a number equal to a metric's value).
    """

    field: str
    start: int
    end: int
    text: str
    how: str = "text"
    term: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The match as a JSON-ready mapping (its fields, in order)."""
        return self._asdict()


class Hit:
    """A record that matched (the one at ``pos`` in ``index``), its score and what matched.

    ``record`` is read from the index when first asked for; ``to_dict`` takes the record's plain
    form from the index instead, which the compiled store writes without making a Decimal of a
    figure (a search's JSON never loads the decimal module). The index must still be open when
    either is first asked for, unless the record was read before it closed (the engine reads
    every hit's entry, and the compiled store keeps what it read).
    """

    __slots__ = ("_record", "index", "matches", "pos", "score")

    def __init__(self, index: "Index", pos: int, score: float, matches: tuple[Match, ...]) -> None:
        self.index = index
        self.pos = pos
        self.score = score
        self.matches = matches
        self._record: Record | None = None

    @property
    def record(self) -> Record:
        """The record that matched."""
        if self._record is None:
            self._record = self.index.record(self.pos)
        return self._record

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data, plus ``score`` and ``matched``."""
        out = self.index.plain(self.pos) if self._record is None else self._record.to_dict()
        out["score"] = self.score
        out["matched"] = [m.to_dict() for m in self.matches]
        return out

    def _key(self) -> tuple[Record, float, tuple[Match, ...]]:
        return self.record, self.score, self.matches

    def __eq__(self, other: object) -> bool:
        """Hits are equal when their records, scores and matches are (whichever index they are of)."""
        return isinstance(other, Hit) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Hit(record={self.record!r}, score={self.score!r}, matches={self.matches!r})"
