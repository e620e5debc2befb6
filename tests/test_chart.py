"""``srfacts metrics --chart``: bars for the figures the knowledge file groups, on a terminal and piped."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from srfacts.output.charts import bar_label, bar_length, chart_groups, plain_chart, render_charts, rich_chart
from srfacts.store.loader import load

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SRFACTS_UPDATE_GOLDEN") == "1"


def test_every_group_of_the_data_file_shares_unit_and_period() -> None:
    kb = load(None)
    groups: dict[str, set[tuple[str, str | None]]] = {}
    for metric in kb.metric_records:
        if metric.group:
            groups.setdefault(metric.group, set()).add((metric.unit, metric.period))
    assert groups, "the data file groups no figures"
    assert {g: len(kinds) for g, kinds in groups.items()} == dict.fromkeys(groups, 1)
    assert "cultivated-enterprises-2022" in groups and "enterprise-tiers-2022" in groups


def test_groups_keep_file_order_and_split_on_unit() -> None:
    kb = load(None)
    groups = chart_groups(kb.metric_records)
    tiers = next(g for g in groups if g.group == "cultivated-enterprises-2022")
    assert [m.id for m in tiers.metrics] == [
        "national-single-champions-2022",
        "national-little-giants-2022",
        "provincial-specialised-smes-2022",
        "provincial-smart-manufacturing-benchmarks-2022",
    ]  # not the technology centres: they are not enterprises
    mixed = [m._replace(unit="个") if i == 0 else m for i, m in enumerate(tiers.metrics)]
    assert len(chart_groups(mixed)) == 2


def test_labels_show_the_qualifier_value_and_unit() -> None:
    kb = load(None)
    edz = kb.get("shangrao-edz-revenue-2022")
    assert bar_label(edz) == ">2000 亿元"  # type: ignore[arg-type]
    assert bar_label(edz, "en") == "more than 200 billion yuan"  # type: ignore[arg-type]
    utilisation = kb.get("standard-factories-utilisation")
    assert bar_label(utilisation) == "≥90 %"  # type: ignore[arg-type]


def test_bars_scale_to_the_largest_and_never_vanish() -> None:
    assert bar_length(Decimal(344), Decimal(344), 40) == 40
    assert bar_length(Decimal(172), Decimal(344), 40) == 20
    assert 0 < bar_length(Decimal(1), Decimal(344), 40) < 1
    assert bar_length(Decimal(0), Decimal(344), 40) == 0


def test_the_chart_when_piped_is_plain_text(runner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden file tests/golden/metrics.chart.txt (SRFACTS_UPDATE_GOLDEN=1 rewrites it)."""
    from srfacts.cli.app import app

    monkeypatch.delenv("SRFACTS_DATA", raising=False)
    result = runner.invoke(app, ["metrics", "--chart"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "\x1b" not in out and "█" not in out
    path = GOLDEN / "metrics.chart.txt"
    if UPDATE:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
    assert "省级“专精特新”中小企业     | ######################################## | 344 家" in out
    assert "上饶经开区营收     | ##############                           | >2000 亿元" in out


def test_the_chart_on_a_terminal_is_drawn_with_blocks() -> None:
    kb = load(None)
    group = next(g for g in chart_groups(kb.metric_records) if g.group == "development-zone-revenue-2022")
    out = rich_chart(group, width=60)
    assert "█" in out and ">2000 亿元" in out and "5804.3 亿元" in out
    assert all(len(line) <= 60 for line in out.splitlines())
    coloured = rich_chart(group, color=True, width=60)
    assert "\x1b[" in coloured
    assert render_charts([group], width=60) == out
    assert render_charts([group]) == plain_chart(group)


def test_the_chart_in_english(run) -> None:
    out = run("--lang", "en", "metrics", "--chart", "--year", "2022", data=None).stdout
    assert "Total enterprises at the 10-billion-yuan level" in out and "112 enterprises" in out


def test_filters_apply_and_nothing_to_chart_is_exit_1(run) -> None:
    out = run("metrics", "--chart", "--year", "2022", data=None).stdout
    assert "pandemic-policy-measures" not in out and "enterprise-tiers-2022" in out
    result = run("metrics", "--chart", "--industry", "photovoltaic-new-energy", data=None)
    assert result.exit_code == 1 and result.stdout == ""


@pytest.mark.parametrize("extra", [["--json"], ["--format", "csv"], ["--fields", "id"]])
def test_the_chart_takes_no_other_output(run, extra: list[str]) -> None:
    assert run("metrics", "--chart", *extra, data=None).exit_code == 2
