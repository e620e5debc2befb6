"""``srfacts export``: a SQLite database for Datasette and sqlite-utils, one JSON document, CSV files."""

from __future__ import annotations

import csv
import json
import sqlite3
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from srfacts.export import tables
from srfacts.store.loader import load
from tests.datasette_support import datasette_serving, get_json

RECORD_TABLES = ("sources", "industries", "metrics", "claims", "entities")
LINK_TABLES = (
    "industry_entities", "metric_industries", "metric_entities", "metric_inputs",
    "claim_industries", "claim_entities", "claim_metrics", "entity_industries",
)  # fmt: skip


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled knowledge file exported to SQLite through the command line."""
    from typer.testing import CliRunner

    from srfacts.cli.app import app

    path = tmp_path_factory.mktemp("export") / "facts.db"
    result = CliRunner().invoke(app, ["export", "--format", "sqlite", str(path)], env={"SRFACTS_DATA": ""})
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stderr and result.stdout == ""
    return path


@pytest.fixture
def db(database: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    yield connection
    connection.close()


def test_one_table_per_record_type_and_link_tables(db: sqlite3.Connection) -> None:
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(RECORD_TABLES) <= names
    assert set(LINK_TABLES) <= names
    assert {f"{t}_fts" for t in RECORD_TABLES} <= names


def test_every_record_is_exported_with_its_json_fields(db: sqlite3.Connection) -> None:
    kb = load(None)
    for table, records in zip(RECORD_TABLES, (kb.source_records, kb.industry_records, kb.metric_records,
                                               kb.claim_records, kb.entity_records), strict=True):  # fmt: skip
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        assert columns == [f for f in records[0].to_dict() if f != "type"], table
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(records), table


def test_all_metrics_of_an_industry_with_their_quotes(db: sqlite3.Connection) -> None:
    rows = db.execute(
        """
        SELECT metrics.id, metrics.value, metrics.unit, metrics.quote
        FROM metrics
        JOIN metric_industries ON metric_industries.metric_id = metrics.id
        JOIN industries ON industries.id = metric_industries.industry_id
        WHERE industries.name = '光伏新能源'
        ORDER BY metrics.id
        """
    ).fetchall()
    by_id = {r[0]: r for r in rows}
    assert by_id["jinko-module-shipments"][1:3] == (100, "GW")
    assert "100GW" in by_id["jinko-module-shipments"][3]
    expected = {m.id for m in load(None).metrics(industry="photovoltaic-new-energy")}
    assert set(by_id) == expected


def test_values_keep_their_digits_and_lists_are_json(db: sqlite3.Connection) -> None:
    value, base_value, rank = db.execute(
        "SELECT value, base_value, rank FROM metrics WHERE id = 'two-plus-four-revenue-2022'"
    ).fetchone()
    assert (value, base_value, rank) == (5028.1, 502810000000, None)
    sql = "SELECT rank FROM metrics WHERE id = 'above-size-enterprises-total-2022'"
    rank = json.loads(db.execute(sql).fetchone()[0])
    assert rank == {"scope": "江西省", "scope_en": "Jiangxi Province", "position": 2}
    aliases = db.execute("SELECT aliases_en FROM industries WHERE id = 'photovoltaic-new-energy'").fetchone()[0]
    assert "solar" in json.loads(aliases)
    ranked_second = db.execute("SELECT count(*) FROM metrics WHERE json_extract(rank, '$.position') = 2").fetchone()[0]
    assert ranked_second >= 1


def test_claims_with_their_entities_and_the_derived_inputs(db: sqlite3.Connection) -> None:
    companies = db.execute(
        """
        SELECT DISTINCT entities.name FROM claims
        JOIN claim_entities ON claim_entities.claim_id = claims.id
        JOIN entities ON entities.id = claim_entities.entity_id
        WHERE claims.kind = 'record' AND entities.kind = 'company'
        """
    ).fetchall()
    assert ("晶科能源",) in companies
    sql = "SELECT name, input_id FROM metric_inputs WHERE metric_id = 'industrial-revenue-2022-derived'"
    inputs = dict(db.execute(sql))
    assert inputs == {"revenue": "two-plus-four-revenue-2022", "share": "two-plus-four-revenue-share-2022"}


def test_links_point_at_existing_records(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_full_text_search_finds_chinese_and_english(db: sqlite3.Connection) -> None:
    def search(table: str, words: str) -> set[str]:
        sql = f"SELECT id FROM {table} WHERE rowid IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"
        return {row[0] for row in db.execute(sql, (f'"{words}"',))}

    tokenizer = db.execute("SELECT sql FROM sqlite_master WHERE name = 'metrics_fts'").fetchone()[0]
    assert "content=[metrics]" in tokenizer  # the form Datasette and sqlite-utils detect
    assert "photovoltaic-new-energy" in search("industries", "solar")
    if "trigram" in tokenizer:
        assert "provincial-specialised-smes-2022" in search("metrics", "专精特新")
        assert "jinko-solar" in search("entities", "晶科能源")


def test_an_existing_file_is_kept_without_force(run, tmp_path: Path) -> None:
    target = tmp_path / "facts.db"
    target.write_text("keep me", encoding="utf-8")
    result = run("export", str(target))
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    assert run("export", str(target), "--force").exit_code == 0
    assert sqlite3.connect(target).execute("SELECT count(*) FROM industries").fetchone()[0] > 0
    # no temporary file left behind: the database and its Datasette metadata only
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.db", "facts.metadata.json"]


def test_json_export_is_every_record(run, tmp_path: Path) -> None:
    target = tmp_path / "facts.json"
    assert run("export", str(target)).exit_code == 0  # the format follows the suffix
    document = json.loads(target.read_text(encoding="utf-8"))
    kb = load(Path(__file__).parent / "fixtures" / "sample.yaml")
    assert document["schema_version"] == 1
    assert [r["id"] for r in document["metrics"]] == [m.id for m in kb.metric_records]
    assert document["metrics"][0] == kb.metric_records[0].to_dict()
    assert json.loads(run("export", "--format", "json", "-").stdout) == document


def test_csv_export_is_a_folder_with_one_file_per_table(run, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert run("export", "--format", "csv", str(folder)).exit_code == 0
    names = {p.stem for p in folder.iterdir()}
    assert names == set(RECORD_TABLES) | set(LINK_TABLES)
    with open(folder / "metrics.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["id"] and "quote" in rows[0]
    assert run("export", "--format", "csv", str(folder)).exit_code == 2
    assert run("export", "--format", "csv", str(folder), "--force").exit_code == 0


def test_only_json_goes_to_stdout(run) -> None:
    result = run("export", "--format", "sqlite", "-")
    assert result.exit_code == 2 and result.stdout == ""


def test_tables_of_the_sample_match_its_records() -> None:
    kb = load(Path(__file__).parent / "fixtures" / "sample.yaml")
    found = {t.name: t for t in tables(kb)}
    assert len(found["metrics"].rows) == len(kb.metric_records)
    assert all(len(row) == len(t.columns) for t in found.values() for row in t.rows)


# Datasette serves the export on the loopback interface; its JSON API answers a table and a search.


@pytest.fixture
def datasette(database: Path) -> Iterator[str]:
    """A Datasette server on 127.0.0.1 serving the export; yields its base URL."""
    with datasette_serving(database) as base:
        yield base


@pytest.mark.slow
def test_datasette_serves_the_tables_and_the_full_text_search(datasette: str, database: Path) -> None:
    db = database.stem
    metrics = get_json(f"{datasette}/{db}/metrics.json?_shape=array&_size=max")
    by_id = {m["id"]: m for m in metrics}
    assert by_id["above-size-enterprises-total-2022"]["value"] == 2248
    assert by_id["above-size-enterprises-total-2022"]["unit"] == "户"

    def search(table: str, words: str) -> set[str]:
        query = urllib.parse.urlencode({"_search": words, "_shape": "array", "_col": "id"})
        return {row["id"] for row in get_json(f"{datasette}/{db}/{table}.json?{query}")}

    assert "photovoltaic-new-energy" in search("industries", "solar")
    with sqlite3.connect(database) as connection:
        sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'metrics_fts'").fetchone()[0]
    trigram = "trigram" in sql
    if trigram:
        assert "jinko-module-shipments" in search("metrics", "光伏组件")
        assert {"photovoltaic-new-energy"} <= search("industries", "光伏新能源")
    # A two-character word: Datasette's column filter (full-text search needs three characters).
    query = urllib.parse.urlencode({"name__contains": "光伏", "_shape": "array", "_col": "id"})
    assert "jinko-module-shipments" in {row["id"] for row in get_json(f"{datasette}/{db}/metrics.json?{query}")}
