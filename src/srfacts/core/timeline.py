"""Dated records in time order: what happened, or is due, when."""

from typing import Any

from srfacts.core.records import Claim, KnowledgeBase, Metric, period_years
from srfacts.core.tuples import NamedTuple
from srfacts.core.units import figure_text


class Entry(NamedTuple):
    """One dated record on the timeline."""

    period: str
    year_start: int
    year_end: int
    record: Metric | Claim

    def to_dict(self) -> dict[str, Any]:
        """The entry as a JSON-ready mapping (documented in the README)."""
        record = self.record
        return {
            "period": self.period,
            "year_start": self.year_start,
            "year_end": self.year_end,
            "type": record.TYPE,
            "id": record.id,
            "kind": record.kind if isinstance(record, Claim) else record.status,
            "label": record.label,
            "label_en": record.label_en,
            "figure": _figure(record) if isinstance(record, Metric) else None,
        }


def _figure(metric: Metric) -> str:
    return figure_text(metric.qualifier, metric.value, metric.unit)


def timeline(kb: KnowledgeBase, *, year: int | None = None, record_type: str | None = None) -> list[Entry]:
    """Metrics and claims that name a period, earliest first (ties keep file order)."""
    entries: list[Entry] = []
    records: list[Metric | Claim] = [*kb.metric_records, *kb.claim_records]
    for record in records:
        years = period_years(record.period)
        if not years or (record_type and record_type != record.TYPE) or (year is not None and year not in years):
            continue
        entries.append(Entry(record.period or "", min(years), max(years), record))
    return sorted(entries, key=lambda e: (e.year_start, e.year_end))
