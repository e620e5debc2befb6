"""``export --format sqlite`` writes ``facts.metadata.json`` beside the database, and Datasette
serves both: titles, Chinese and English descriptions, facets and canned queries."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from srfacts.export import tables
from srfacts.export.metadata import FACETS, QUERIES, metadata_path
from srfacts.store.loader import load
from tests.datasette_support import datasette_serving, get_json

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from srfacts.cli.app import app

    database = tmp_path_factory.mktemp("datasette") / "facts.db"
    result = CliRunner().invoke(app, ["export", str(database)], env={"SRFACTS_DATA": None})
    assert result.exit_code == 0, result.stderr
    assert "facts.metadata.json" in result.stderr
    return database


@pytest.fixture(scope="module")
def meta(exported: Path) -> dict[str, Any]:
    path = exported.with_name("facts.metadata.json")
    assert path.is_file() and metadata_path(exported) == path
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_metadata_has_title_source_licence_and_description(meta: dict[str, Any]) -> None:
    for key in ("title", "source", "license", "license_url", "description"):
        assert meta[key], key
    assert "蝉联两年全省第一" in meta["source"] and "李鹏飞" in meta["source"]
    assert list(meta["databases"]) == ["facts"]


def test_every_table_and_column_has_a_chinese_and_english_description(meta: dict[str, Any]) -> None:
    described = meta["databases"]["facts"]["tables"]
    for table in tables(load(None)):
        entry = described[table.name]
        for text in (entry["description"], *entry["columns"].values()):
            zh, _, en = text.partition(" / ")
            assert CJK.search(zh) and re.search(r"[A-Za-z]{3}", en), (table.name, text)
        assert list(entry["columns"]) == [name for name, _ in table.columns]


def test_facets_and_canned_queries_work_in_sqlite(exported: Path, meta: dict[str, Any]) -> None:
    described = meta["databases"]["facts"]["tables"]
    with sqlite3.connect(exported) as connection:
        for table in FACETS:
            names = {row[1] for row in connection.execute(f"PRAGMA table_info([{table}])")}
            assert set(described[table]["facets"]) <= names
        year = connection.execute(QUERIES["figures_of_a_year"]["sql"], {"year": "2022"}).fetchall()
        assert year and all("2022" in row[7] for row in year)
        industry = connection.execute(QUERIES["figures_of_an_industry"]["sql"], {"industry": "光伏新能源"}).fetchall()
        assert "two-plus-four-revenue-2022" in {row[0] for row in industry}
    flat = {facet for facets in FACETS.values() for facet in facets}
    assert {"tier", "status", "kind", "period"} <= flat


def test_an_existing_metadata_file_is_kept_without_force(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "facts.metadata.json").write_text("{}", encoding="utf-8")
    result = run("export", str(tmp_path / "facts.db"))
    assert result.exit_code == 2 and "facts.metadata.json exists" in result.stderr
    assert not (tmp_path / "facts.db").exists()
    assert run("export", "--force", str(tmp_path / "facts.db")).exit_code == 0
    assert json.loads((tmp_path / "facts.metadata.json").read_text(encoding="utf-8"))["databases"]


@pytest.fixture(scope="module")
def served(exported: Path) -> Iterator[str]:
    """Datasette on 127.0.0.1 (a free port) serving the export with its metadata."""
    with datasette_serving(exported, "-m", str(metadata_path(exported))) as base:
        yield base


@pytest.mark.slow
def test_datasette_serves_the_metadata(served: str, meta: dict[str, Any]) -> None:
    shown = get_json(f"{served}/-/metadata.json")
    assert shown["title"] == meta["title"] and shown["license"] == meta["license"]
    metrics = shown["databases"]["facts"]["tables"]["metrics"]
    assert metrics["columns"]["value"] == meta["databases"]["facts"]["tables"]["metrics"]["columns"]["value"]


@pytest.mark.slow
def test_datasette_shows_the_configured_facets(served: str) -> None:
    page = get_json(f"{served}/facts/metrics.json?_size=1")
    facets = page["facet_results"]
    results = facets.get("results", facets)  # Datasette 1.0 nests them under "results"
    assert {"status", "period"} <= set(results)
    statuses = {item["value"]: item["count"] for item in results["status"]["results"]}
    assert statuses.get("actual", 0) > 0
    industries = get_json(f"{served}/facts/industries.json?_size=1")["facet_results"]
    tiers = industries.get("results", industries)["tier"]["results"]
    assert {"leading", "key", "featured"} <= {item["value"] for item in tiers}


@pytest.mark.slow
def test_datasette_runs_the_canned_query(served: str) -> None:
    query = urllib.parse.urlencode({"year": "2022", "_shape": "array"})
    rows = get_json(f"{served}/facts/figures_of_a_year.json?{query}")
    assert rows and all("2022" in row["period"] for row in rows)
    assert "above-size-enterprises-total-2022" in {row["id"] for row in rows}
