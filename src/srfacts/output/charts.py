"""Horizontal bar charts of figures the knowledge file groups together (``metrics --chart``).

Figures of one ``group`` share a unit and a period, so their bars compare. Each bar's label
shows the figure as the source states it: the qualifier (> more than, ≥ at least, ≈ about),
the value and the unit. On a terminal Rich draws block bars; piped, the bars are '#' in plain
text. Rich is imported only for the terminal.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from srfacts.core.i18n import heading, tr
from srfacts.core.records import Metric
from srfacts.core.units import QUALIFIER_MARKS, english_figure
from srfacts.output.safe import neutralise
from srfacts.output.tables import display_width, text_console
from srfacts.output.views import unit_name

PLAIN_BAR_WIDTH = 40
_EIGHTHS = " ▏▎▍▌▋▊▉"


class ChartGroup(NamedTuple):
    """Figures charted together: one group of the knowledge file, one unit, one period."""

    group: str
    unit: str
    period: str | None
    metrics: tuple[Metric, ...]


def chart_groups(metrics: Iterable[Metric]) -> list[ChartGroup]:
    """The grouped figures in file order; a group whose figures differ in unit or period is split."""
    found: dict[tuple[str, str, str | None], list[Metric]] = {}
    for metric in metrics:
        if metric.group:
            found.setdefault((metric.group, metric.unit, metric.period), []).append(metric)
    return [ChartGroup(group, unit, period, tuple(items)) for (group, unit, period), items in found.items()]


def bar_label(metric: Metric, lang: str = "zh") -> str:
    """The figure as stated: qualifier mark, value and unit (>2000 亿元, ≥90 %, 6 家)."""
    if lang == "en":
        return english_figure(metric.qualifier, Decimal(str(metric.value)), metric.unit)
    return f"{QUALIFIER_MARKS.get(metric.qualifier, '')}{metric.value} {unit_name(metric.unit, lang)}"


def bar_length(value: Decimal, largest: Decimal, width: int) -> float:
    """The length of a bar in columns (a positive value is at least one eighth of a column)."""
    if largest <= 0 or value <= 0:
        return 0.0
    return max(float(value / largest) * width, 0.125)


def title(group: ChartGroup, lang: str = "zh") -> str:
    """The heading of a chart: group id, period and unit."""
    period = group.period or tr("no year stated", lang)
    if lang == "en":
        return f"{group.group} ({period}, {unit_name(group.unit, lang)})"
    unit = heading("unit", lang)
    return f"{group.group}（{period}，{unit}：{unit_name(group.unit, lang)}）"


def _name(metric: Metric, lang: str) -> str:
    return metric.name_en if lang == "en" else metric.name


def plain_chart(group: ChartGroup, lang: str = "zh", bar_width: int = PLAIN_BAR_WIDTH) -> str:
    """One chart as plain text: ``name | ###### | figure``, names padded by display width."""
    largest = max(m.value for m in group.metrics)
    names = [neutralise(_name(m, lang)) for m in group.metrics]
    name_width = max(display_width(n) for n in names)
    lines = [neutralise(title(group, lang))]
    for metric, name in zip(group.metrics, names, strict=True):
        length = bar_length(metric.value, largest, bar_width)
        hashes = "#" * (max(1, round(length)) if length else 0)
        pad = " " * (name_width - display_width(name))
        lines.append(f"{name}{pad} | {hashes.ljust(bar_width)} | {neutralise(bar_label(metric, lang))}")
    return "\n".join(lines) + "\n"


def _blocks(length: float) -> str:
    eighths = round(length * 8)
    if length and not eighths:
        eighths = 1
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def rich_chart(group: ChartGroup, *, lang: str = "zh", color: bool = False, width: int = 80) -> str:
    """One chart drawn by Rich with block bars, fitted to ``width`` columns."""
    from rich.table import Table
    from rich.text import Text

    largest = max(m.value for m in group.metrics)
    names = [neutralise(_name(m, lang)) for m in group.metrics]
    labels = [neutralise(bar_label(m, lang)) for m in group.metrics]
    room = width - max(display_width(n) for n in names) - max(display_width(s) for s in labels) - 4
    bar_width = max(10, min(60, room))
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=False)
    table.add_column(no_wrap=True, min_width=bar_width)
    table.add_column(no_wrap=True)
    for metric, name, label in zip(group.metrics, names, labels, strict=True):
        bar = Text(_blocks(bar_length(metric.value, largest, bar_width)), style="cyan" if color else "")
        table.add_row(Text(name), bar, Text(label, style="bold" if color else ""))
    buffer = io.StringIO()
    console = text_console(buffer, color=color, width=width)
    console.print(Text(neutralise(title(group, lang)), style="bold" if color else ""))
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def render_charts(
    groups: Sequence[ChartGroup], *, lang: str = "zh", color: bool = False, width: int | None = None
) -> str:
    """Every chart, separated by a blank line: Rich on a terminal (``width`` set), plain text when piped."""
    if width is None and not color:
        return "\n".join(plain_chart(g, lang) for g in groups)
    return "\n".join(rich_chart(g, lang=lang, color=color, width=width or 80) for g in groups)
