"""The JSON Schema of the knowledge file: shipped, named by the data file, valid for it, and in step with the loader."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from srfacts.core.errors import KnowledgeFileError
from srfacts.core.spec import FILE_SECTIONS
from srfacts.data.build import build
from srfacts.data.files import bundled_data_path
from srfacts.data.schema import SCHEMA_FILE, build_schema, schema_text
from srfacts.data.yaml_reader import parse_yaml

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extras: pip install '.[test]'")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).parent / "fixtures" / "sample.yaml"


def validator() -> Any:
    return jsonschema.Draft202012Validator(build_schema(), format_checker=jsonschema.FormatChecker())


def tree(path: Path) -> Any:
    return parse_yaml(path.read_text(encoding="utf-8"), str(path))


def test_the_shipped_file_is_the_generated_schema() -> None:
    """The committed schema equals what the spec gives (python -m srfacts.data.schema)."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "src/srfacts/data/facts.schema.json is out of date: run python -m srfacts.data.schema"
    )


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_the_data_file_names_the_schema_on_its_first_line() -> None:
    data = ROOT / "data" / "facts.yaml"
    first = data.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    named = (data.parent / first.split("$schema=", 1)[1].strip()).resolve()
    # the checkout's copy, which editors open; the installed package ships the same bytes
    assert named == (ROOT / "src" / "srfacts" / "data" / "facts.schema.json").resolve()
    assert named.read_bytes() == SCHEMA_FILE.read_bytes()


def test_the_bundled_data_validates_against_the_schema() -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(tree(bundled_data_path()))]
    assert errors == []


def test_the_sample_validates_against_the_schema() -> None:
    assert list(validator().iter_errors(tree(SAMPLE))) == []


def test_every_field_of_the_loader_is_in_the_schema() -> None:
    defs = build_schema()["$defs"]
    for spec in FILE_SECTIONS:
        section, fields = spec.section, {f.name: f for f in spec.read_fields}
        assert set(defs[section]["properties"]) == set(fields), section
        assert set(defs[section]["required"]) == {n for n, f in fields.items() if f.required}, section
        assert defs[section]["additionalProperties"] is False


def test_the_schema_command_prints_the_shipped_file(run) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8")
    assert run("schema", "--path").stdout.strip() == str(SCHEMA_FILE)


# Changes to one record of the sample, each a shape or type rule that both the loader and the
# schema check. For each, they must agree: both accept or both reject.
def _set(section: str, index: int, field: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        data[section][index][field] = value

    return change


def _drop(section: str, index: int, field: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        del data[section][index][field]

    return change


MUTATIONS = {
    "nothing": lambda data: None,
    "unknown-field": _set("metrics", 0, "colour", "red"),
    "unknown-top-level": lambda data: data.__setitem__("facts", []),
    "missing-name": _drop("metrics", 0, "name"),
    "missing-quote": _drop("claims", 0, "quote"),
    "missing-schema-version": lambda data: data.__delitem__("schema_version"),
    "schema-version-2": lambda data: data.__setitem__("schema_version", 2),
    "value-as-text": _set("metrics", 0, "value", "2248"),
    "value-as-boolean": _set("metrics", 0, "value", True),
    "value-decimal": _set("metrics", 0, "value", Decimal("5028.1")),
    "period-as-number": _set("metrics", 0, "period", 2022),
    "period-as-decimal": _set("metrics", 0, "period", Decimal("2022.5")),
    "period-empty": _set("metrics", 0, "period", " "),
    "unknown-unit": _set("metrics", 0, "unit", "kg"),
    "unknown-qualifier": _set("metrics", 0, "qualifier", "roughly"),
    "unknown-status": _set("metrics", 0, "status", "derived"),
    "unknown-tier": _set("industries", 0, "tier", "main"),
    "unknown-claim-kind": _set("claims", 0, "kind", "rumour"),
    "id-not-kebab": _set("claims", 0, "id", "Not_Kebab"),
    "group-not-kebab": _set("metrics", 0, "group", "Enterprise Tiers"),
    "group-kebab": _set("metrics", 0, "group", "enterprise-tiers"),
    "cluster-as-text": _set("industries", 0, "cluster", "yes"),
    "aliases-as-text": _set("industries", 0, "aliases", "光伏"),
    "alias-empty": _set("industries", 0, "aliases", [""]),
    "rank-without-position": _set("metrics", 0, "rank", {"scope": "江西省", "scope_en": "Jiangxi"}),
    "rank-position-zero": _set("metrics", 0, "rank", {"scope": "江西省", "scope_en": "Jiangxi", "position": 0}),
    "rank-extra-key": _set("metrics", 0, "rank", {"scope": "a", "scope_en": "b", "position": 1, "of": 11}),
    "rank-good": _set("metrics", 0, "rank", {"scope": "江西省", "scope_en": "Jiangxi", "position": 3}),
    "sha256-short": _set("sources", 0, "sha256", "abc"),
    "authors-as-text": _set("sources", 0, "authors", "李鹏飞"),
    "name-empty": _set("entities", 0, "name", "  "),
    "name-as-number": _set("entities", 0, "name", 5),
    "industries-as-text": _set("claims", 0, "industries", "photovoltaic-new-energy"),
    "claims-section-null": lambda data: data.__setitem__("claims", None),
    "claims-section-text": lambda data: data.__setitem__("claims", "none"),
    "record-as-text": lambda data: data["claims"].append("a claim"),
}


def _plain(value: Any) -> Any:
    """Plain dicts and lists (the loader's located containers carry marks that deepcopy keeps)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _relocate(value: Any) -> Any:
    """Back to the loader's located containers (every mark at line 1) so ``build`` reads them."""
    from srfacts.data.yaml_reader import YamlList, YamlMap

    if isinstance(value, dict):
        out = YamlMap(1, 1)
        for k, v in value.items():
            out[k] = _relocate(v)
            out.marks[k] = (1, 1)
        return out
    if isinstance(value, list):
        items = YamlList(1, 1)
        for index, v in enumerate(value):
            items.append(_relocate(v))
            items.marks[index] = (1, 1)
        return items
    return value


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_schema_and_loader_agree(name: str) -> None:
    data = copy.deepcopy(_plain(tree(SAMPLE)))
    MUTATIONS[name](data)
    schema_ok = not list(validator().iter_errors(data))
    try:
        build(_relocate(data), "mutated.yaml")
        loader_ok = True
    except KnowledgeFileError as error:
        codes = {p.code for p in error.problems}
        assert codes <= {"SR101", "SR102", "SR103", "SR104", "SR105", "SR108", "SR109", "SR110"}, codes
        loader_ok = False
    assert schema_ok == loader_ok, f"{name}: schema {'accepts' if schema_ok else 'rejects'}, loader does not"
