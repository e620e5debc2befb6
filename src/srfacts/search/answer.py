"""``ask``: the best answer to a question, as a person wants it, and the other likely records.

The answer is the best search hit; it is *clear* when its score leads the next one by a margin
(``CLEAR_LEAD``), otherwise the candidates are shown as such. A record that only restates the best
figure (a claim quoting the same words) is no rival. No printing here: the command
line renders ``Answer``.
"""

from typing import Any

from srfacts.core.records import Metric, Source
from srfacts.core.tuples import NamedTuple
from srfacts.search.hits import Hit

CLEAR_LEAD = 1.15  # the best score must be at least this many times the next one to be a clear answer
OTHERS = 3  # other likely records shown after the answer


class Answer(NamedTuple):
    """The best hit, whether it is clearly ahead, the other likely hits, and the source it quotes."""

    question: str
    best: Hit
    clear: bool
    others: tuple[Hit, ...]
    source: Source | None

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON-ready data."""
        return {
            "question": self.question,
            "clear": self.clear,
            "answer": self.best.to_dict(),
            "source": self.source.to_dict() if self.source else None,
            "others": [hit.to_dict() for hit in self.others],
        }


def answer(question: str, hits: list[Hit], sources: tuple[Source, ...]) -> Answer | None:
    """The answer to ``question`` from its ranked ``hits`` (None when there are none)."""
    if not hits:
        return None
    best, others = hits[0], tuple(hits[1 : 1 + OTHERS])
    rival = next((hit for hit in others if not _restates(hit, best)), None)
    clear = rival is None or best.score >= CLEAR_LEAD * rival.score
    cited = getattr(best.record, "source", None)
    source = next((s for s in sources if s.id == cited), None)
    return Answer(question, best, clear, others, source)


def _restates(hit: Hit, best: Hit) -> bool:
    """Whether ``hit`` only restates a figure that is the best answer: a claim or entity quoting the
    very words of that metric (列全省第二 beside 总数达2248户) adds nothing to compete with it."""
    if not isinstance(best.record, Metric) or isinstance(hit.record, Metric):
        return False
    return getattr(hit.record, "quote", None) == best.record.quote
