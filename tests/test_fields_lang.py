"""``--fields`` (as in the GitHub CLI) and ``--lang en`` / ``SRFACTS_LANG``."""

from __future__ import annotations

import csv
import io
import json

import pytest

from srfacts.output.views import record_fields, select_fields

LISTINGS = {
    "industries": "industry",
    "metrics": "metric",
    "claims": "claim",
    "entities": "entity",
    "sources": "source",
}


@pytest.mark.parametrize("command", sorted(LISTINGS))
def test_json_keeps_only_the_fields_asked_for_in_their_order(run, command: str) -> None:
    rows = json.loads(run(command, "--fields", "type,id", "--json").stdout)
    assert rows and all(list(r) == ["type", "id"] for r in rows)
    assert all(r["type"] == LISTINGS[command] for r in rows)


def test_jsonl_csv_tsv_table_and_markdown_take_the_fields(run) -> None:
    fields = "id,value,unit"
    jsonl = [json.loads(line) for line in run("metrics", "--fields", fields, "--format", "jsonl").stdout.splitlines()]
    assert jsonl and all(list(r) == ["id", "value", "unit"] for r in jsonl)
    rows = list(csv.DictReader(io.StringIO(run("metrics", "--fields", fields, "--format", "csv").stdout)))
    assert rows and list(rows[0]) == ["id", "value", "unit"]
    assert {"id": "above-size-enterprises-total-2022", "value": "2248", "unit": "户"} in rows
    tsv = run("metrics", "--fields", fields, "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "id\tvalue\tunit" and "above-size-enterprises-total-2022\t2248\t户" in tsv
    table = run("metrics", "--fields", fields).stdout.splitlines()
    assert table[0].split() == ["编号", "|", "值", "|", "单位"]  # the headers in the interface's language
    assert run("--lang", "en", "metrics", "--fields", fields).stdout.split()[:5] == ["id", "|", "value", "|", "unit"]
    markdown = run("metrics", "--fields", fields, "--format", "markdown").stdout.splitlines()
    assert markdown[0] == "| 编号 | 值 | 单位 |"
    by_headers = run("metrics", "--fields", "编号,值,单位", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in by_headers] == jsonl  # the headers a table shows name the fields


def test_a_nested_field_is_flattened_in_csv_and_readable_in_a_table(run) -> None:
    out = run("metrics", "--fields", "id,rank", "--format", "csv").stdout
    header = out.splitlines()[0]
    assert header == "id,rank_scope,rank_scope_en,rank_position"
    assert "above-size-enterprises-total-2022,江西省,Jiangxi Province,2" in out
    assert "江西省 #2" in run("metrics", "--fields", "id,rank").stdout


def test_search_and_show_take_the_fields(run) -> None:
    hits = json.loads(run("search", "光伏", "--fields", "id,type,score", "--json").stdout)
    assert hits and all(list(h) == ["id", "type", "score"] for h in hits)
    shown = json.loads(run("show", "above-size-enterprises-total-2022", "--fields", "id,value,unit", "--json").stdout)
    assert shown == {"id": "above-size-enterprises-total-2022", "value": 2248, "unit": "户"}
    table = run("show", "above-size-enterprises-total-2022", "--fields", "value,unit").stdout
    assert "2248" in table and "quote" not in table and "related" not in table


def test_timeline_takes_the_fields(run) -> None:
    rows = json.loads(run("timeline", "--fields", "period,id", "--json").stdout)
    assert rows and all(list(r) == ["period", "id"] for r in rows)


@pytest.mark.parametrize(
    "args",
    [
        ["metrics", "--fields", "id,valu"],
        ["industries", "--fields", "value"],
        ["search", "光伏", "--fields", "nope"],
        ["show", "jinko-solar", "--fields", "value"],
        ["timeline", "--fields", "name"],
        ["metrics", "--fields", ","],
    ],
)
def test_an_unknown_field_is_a_usage_error_listing_the_available(run, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "available fields: " in result.stderr
    assert "id" in result.stderr.split("available fields: ")[1]


def test_a_near_miss_is_suggested(run) -> None:
    assert "did you mean value?" in run("metrics", "--fields", "id,valu").stderr


def test_every_documented_field_is_selectable(run) -> None:
    for command, record_type in LISTINGS.items():
        fields = ",".join(record_fields(record_type))
        rows = json.loads(run(command, "--json").stdout)
        assert json.loads(run(command, "--fields", fields, "--json").stdout) == rows


def test_select_fields_fills_missing_fields_with_none() -> None:
    assert select_fields([{"id": "a", "x": 1}], ["x", "y"]) == [{"x": 1, "y": None}]


# --lang en


def test_english_tables_use_the_english_fields(run) -> None:
    out = run("--lang", "en", "industries").stdout
    assert "Photovoltaic new energy" in out and "100-billion cluster" in out
    assert "光伏新能源" not in out and "千亿级" not in out
    metrics = run("--lang", "en", "metrics").stdout
    assert "2,248 enterprises" in metrics and "Jiangxi Province #2" in metrics and "户" not in metrics


def test_the_environment_variable_sets_the_language(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SRFACTS_LANG", "en")
    assert "Photovoltaic new energy" in run("industries").stdout
    assert "光伏新能源" not in run("industries").stdout
    monkeypatch.setenv("SRFACTS_LANG", "fr")  # not a language of srfacts: the locale decides (C.UTF-8: zh)
    assert "光伏新能源" in run("industries").stdout


@pytest.mark.parametrize("command", ["industries", "metrics", "claims", "entities", "sources", "timeline"])
def test_json_is_the_same_in_both_languages(run, command: str) -> None:
    assert run("--lang", "en", command, "--json").stdout == run("--lang", "zh", command, "--json").stdout


def test_search_json_is_the_same_in_both_languages(run) -> None:
    assert run("--lang", "en", "search", "光伏", "--json").stdout == run("search", "光伏", "--json").stdout


def test_show_in_english(run) -> None:
    out = run("--lang", "en", "show", "above-size-enterprises-total-2022").stdout
    assert "Industrial enterprises above designated size" in out
    assert "户 (enterprises)" in out
    lines = out.splitlines()
    assert any(line.startswith("name_en ") for line in lines)
    assert not any(line.startswith("name ") for line in lines)  # the Chinese name gives way to the English one
    assert "总数达2248户" in out  # the quote stays as the source writes it
    shown = json.loads(run("--lang", "en", "show", "above-size-enterprises-total-2022", "--json").stdout)
    assert shown["name"] and shown["name_en"].startswith("Industrial")


def test_search_and_timeline_tables_in_english(run) -> None:
    assert "Photovoltaic new energy" in run("--lang", "en", "search", "光伏").stdout
    timeline = run("--lang", "en", "timeline", "--type", "metric").stdout
    assert "enterprises" in timeline and "户" not in timeline


def test_english_figures_as_english_writes_them(run) -> None:
    table = run("--lang", "en", "metrics", "--fields", "id,figure", data=None).stdout
    assert "502.81 billion yuan" in table and "hundred million" not in table and "ten thousand" not in table
    shown = run("--lang", "en", "show", "two-plus-four-revenue-2022", data=None).stdout
    assert "502.81 billion yuan" in shown
    chart = run("--lang", "en", "metrics", "--chart", data=None).stdout
    assert "2,248 enterprises" in chart
    assert "5028.1 亿元" in run("metrics", "--fields", "id,figure", data=None).stdout


def test_names_sort_by_pinyin_in_chinese_and_by_english_name_in_english(run) -> None:
    zh = [r["name"] for r in json.loads(run("industries", "--sort", "name", "--json", data=None).stdout)]
    assert zh.index("光伏新能源") < zh.index("锂电新能源") < zh.index("有色金属")  # guang < li < you
    assert zh[0] == "电子信息"
    en = [
        r["name_en"]
        for r in json.loads(run("--lang", "en", "industries", "--sort", "name", "--json", data=None).stdout)
    ]
    assert en == sorted(en, key=str.casefold)


def test_fields_take_the_names_the_table_shows(run) -> None:
    result = run("metrics", "--fields", "id,figure", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "id,figure"
    headers = run("industries", "--fields", "id,cluster", "--limit", "1")
    assert headers.exit_code == 0, headers.stderr
