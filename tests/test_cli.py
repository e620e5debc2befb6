"""Every command and every format through CliRunner, on the sample knowledge file."""

from __future__ import annotations

import csv
import io
import json

import pytest

from srfacts.output.safe import tsv_unescape

LISTINGS = [
    ["industries"],
    ["metrics"],
    ["claims"],
    ["entities"],
    ["sources"],
    ["search", "光伏"],
]
FORMATS = ["table", "json", "jsonl", "csv", "tsv", "markdown"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", LISTINGS, ids=lambda c: c[0])
def test_every_listing_in_every_format(run, command: list[str], fmt: str) -> None:
    result = run(*command, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    if fmt == "json":
        rows = json.loads(out)
        assert isinstance(rows, list) and rows and all("id" in r and "type" in r for r in rows)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
        assert rows and all("id" in r for r in rows)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows and all(r["id"] for r in rows)
    elif fmt == "tsv":
        header, *lines = out.rstrip("\n").split("\n")
        assert "id" in header.split("\t") and lines
        assert all(len(line.split("\t")) == len(header.split("\t")) for line in lines)
    elif fmt == "markdown":
        assert out.startswith("| ") and "|---|" in out
    else:
        assert "编号" in out.splitlines()[0]  # the header of the id column, in the default language (zh)


@pytest.mark.parametrize("command", LISTINGS, ids=lambda c: c[0])
def test_json_shorthand_equals_format_json(run, command: list[str]) -> None:
    assert run(*command, "--json").stdout == run(*command, "--format", "json").stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_show_in_every_format(run, fmt: str) -> None:
    result = run("show", "above-size-enterprises-total-2022", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "2248" in result.stdout


def test_show_json_is_one_object_with_quote_and_links(run) -> None:
    shown = json.loads(run("show", "jinko-solar", "--json").stdout)
    assert shown["id"] == "jinko-solar" and shown["type"] == "entity"
    assert shown["quote"] == "晶科能源成为全球首家光伏组件出货量突破100GW的制造商"
    related = {r["id"] for r in shown["related"]}
    assert {"photovoltaic-new-energy", "jinko-100gw-first"} <= related


def test_industries_grouped_by_tier(run) -> None:
    rows = json.loads(run("industries", "--json").stdout)
    tiers = [r["tier"] for r in rows]
    assert tiers == sorted(tiers, key=["leading", "key", "featured", "other"].index)


def test_industries_filters(run) -> None:
    leading = json.loads(run("industries", "--tier", "leading", "--json").stdout)
    assert {r["id"] for r in leading} == {"nonferrous-metals", "photovoltaic-new-energy"}
    by_name = json.loads(run("industries", "--sort", "id", "--limit", "1", "--json").stdout)
    assert [r["id"] for r in by_name] == ["automobile"]
    clusters = json.loads(run("industries", "--cluster", "--json").stdout)
    assert all(r["cluster"] for r in clusters) and len(clusters) == 2


def test_metrics_filters(run) -> None:
    in_2022 = json.loads(run("metrics", "--year", "2022", "--json").stdout)
    assert "auto-parts-suppliers" not in {r["id"] for r in in_2022}
    by_alias = json.loads(run("metrics", "--industry", "汽车", "--json").stdout)
    assert [r["id"] for r in by_alias] == ["auto-parts-suppliers"]
    derived = json.loads(run("metrics", "--status", "derived", "--json").stdout)
    assert [r["id"] for r in derived] == ["industrial-revenue-2022-derived"]


def test_metric_fields_and_base_value(run) -> None:
    rows = {r["id"]: r for r in json.loads(run("metrics", "--json").stdout)}
    revenue = rows["two-plus-four-revenue-2022"]
    assert (revenue["value"], revenue["unit"], revenue["base_value"], revenue["base_unit"]) == (
        5028.1,
        "亿元",
        502810000000,
        "CNY",
    )
    assert rows["auto-parts-suppliers"]["qualifier"] == "more_than"
    assert rows["above-size-enterprises-total-2022"]["rank"] == {
        "scope": "江西省",
        "scope_en": "Jiangxi Province",
        "position": 2,
    }


def test_derived_figure_is_marked_and_computed(run) -> None:
    derived = json.loads(run("show", "industrial-revenue-2022-derived", "--json").stdout)
    assert derived["status"] == "derived" and derived["quote"] is None
    assert derived["value"] == 6065.3 and derived["qualifier"] == "about"
    assert derived["derivation"]["inputs"]["revenue"] == "two-plus-four-revenue-2022"


def test_claims_and_entities_filters(run) -> None:
    awards = json.loads(run("claims", "--kind", "award", "--json").stdout)
    assert [r["id"] for r in awards] == ["advanced-city-2022"]
    companies = json.loads(run("entities", "--kind", "company", "--json").stdout)
    assert [r["id"] for r in companies] == ["jinko-solar"]
    pv = json.loads(run("entities", "--industry", "PV", "--json").stdout)
    assert [r["id"] for r in pv] == ["jinko-solar"]


def test_csv_and_tsv_carry_the_same_fields(run) -> None:
    csv_rows = list(csv.DictReader(io.StringIO(run("metrics", "--format", "csv").stdout)))
    tsv_lines = run("metrics", "--format", "tsv").stdout.rstrip("\n").split("\n")
    header = tsv_lines[0].split("\t")
    tsv_rows = [dict(zip(header, map(tsv_unescape, line.split("\t")), strict=True)) for line in tsv_lines[1:]]
    assert csv_rows == tsv_rows
    assert csv_rows[2]["rank_position"] == "2"


@pytest.mark.usefixtures("english")
def test_empty_result_exits_1_with_empty_json(run) -> None:
    result = run("claims", "--kind", "policy", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "no claim matches" in result.stderr


@pytest.mark.usefixtures("english")
def test_unknown_id_suggests(run) -> None:
    result = run("show", "jinko-solr")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "did you mean: jinko-solar" in result.stderr


@pytest.mark.usefixtures("english")
def test_unknown_industry_is_a_usage_error_with_suggestion(run) -> None:
    result = run("metrics", "--industry", "automobil")
    assert result.exit_code == 2
    assert "did you mean automobile" in result.stderr


def test_unknown_command_suggests(run) -> None:
    result = run("industrys")
    assert result.exit_code == 2
    assert "Did you mean 'industries'?" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["industries", "--tier", "leadng"], ["claims", "--kind", "awrd"], ["metrics", "--status", "x"],
     ["industries", "--format", "yaml"], ["search", "x", "--type", "metrics"], ["metrics", "--limit", "0"]],
)  # fmt: skip
def test_bad_option_values_exit_2(run, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_version_and_help(run) -> None:
    assert run("--version", data=None).stdout.startswith("srfacts ")
    result = run("--help", data=None)
    assert result.exit_code == 0 and "srfacts search 光伏 --json" in result.stdout


def test_data_from_environment(runner, monkeypatch) -> None:
    from srfacts.cli.app import app
    from tests.conftest import SAMPLE

    monkeypatch.setenv("SRFACTS_DATA", str(SAMPLE))
    result = runner.invoke(app, ["industries", "--json"])
    assert {r["id"] for r in json.loads(result.stdout)} >= {"automobile", "biomedicine"}


def test_validate_reports_valid_file(run) -> None:
    result = run("validate")
    assert result.exit_code == 0 and result.stdout == ""
    assert "valid" in result.stderr
    report = json.loads(run("validate", "--format", "json").stdout)
    assert report == {"path": report["path"], "valid": True, "problems": []}


def test_search_finds_across_fields_and_reports_matches(run) -> None:
    hits = json.loads(run("search", "晶科", "--json").stdout)
    assert hits[0]["id"] == "jinko-solar"
    assert hits[0]["type"] == "entity" and hits[0]["score"] > 0
    assert hits[0]["matched"][0]["field"] == "name"


@pytest.mark.usefixtures("english")
def test_search_no_match(run) -> None:
    result = run("search", "zzzz", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout) == []
    assert "nothing matches" in result.stderr


def test_the_format_choices_are_the_output_layers() -> None:
    from typing import get_args

    from srfacts.cli.options import OutputFormat
    from srfacts.output.formats import FORMATS

    assert get_args(OutputFormat) == FORMATS


def test_show_takes_names_aliases_pinyin_and_several_ids(run) -> None:
    by_name = run("show", "晶科能源", "--json", data=None)
    assert by_name.exit_code == 0, by_name.stderr
    assert json.loads(by_name.stdout)["id"] == "jinko-solar"
    for name in ("JinkoSolar", "jingkenengyuan", "jing ke neng yuan", "jinko-solar"):
        assert json.loads(run("show", name, "--json", data=None).stdout)["id"] == "jinko-solar", name
    assert json.loads(run("show", "光伏", "--json", data=None).stdout)["id"] == "photovoltaic-new-energy"
    several = json.loads(run("show", "jinko-solar", "optics", "--json", data=None).stdout)
    assert [r["id"] for r in several] == ["jinko-solar", "optics"]


def test_show_reads_ids_from_stdin(runner) -> None:
    from srfacts.cli.app import app

    result = runner.invoke(app, ["show", "-", "--json"], input="jinko-solar\noptics\n")
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == ["jinko-solar", "optics"]


def test_show_misses_suggest_search(run) -> None:
    result = run("show", "nosuchthing", data=None)
    assert result.exit_code == 1
    assert "srfacts search nosuchthing" in result.stderr


@pytest.mark.usefixtures("english")
def test_an_ambiguous_name_lists_the_candidates() -> None:
    from types import SimpleNamespace

    import pytest

    from srfacts.cli.boundary import UsageError
    from srfacts.cli.names import resolve

    def record(record_id: str) -> SimpleNamespace:
        return SimpleNamespace(id=record_id, label="同名", label_en="Same", to_dict=lambda: {"name": "同名"})

    kb = SimpleNamespace(get=lambda _: None, all_records=lambda: (record("a-one"), record("b-two")))
    with pytest.raises(UsageError) as raised:
        resolve(kb, "同名", None)  # type: ignore[arg-type]
    assert "a-one" in str(raised.value) and "b-two" in str(raised.value) and "2 records" in str(raised.value)
