"""The one spec per record type (``srfacts.core.spec``) and what is derived from it agree: the record
classes, the field readers, the cache codec, the search weights, the export tables, the table
columns and ``--fields`` names, the JSON Schema and shell completion."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from srfacts.core import records, spec
from srfacts.core.spec import (
    COMPUTED_COLUMNS,
    DERIVED,
    FIELDS,
    FILE_SECTIONS,
    GLOSSARY,
    KINDS,
    NESTED_KINDS,
    RECORD_SPECS,
    SEARCHED,
    SYNONYMS,
    TEXT_KINDS,
)
from srfacts.data.build import SECTION_FIELDS
from srfacts.data.fields import READERS
from srfacts.data.schema import build_schema
from srfacts.store.codec import DECODERS, decode_extras, decode_record, encode_extras, encode_record
from srfacts.store.loader import load

FIXTURES = Path(__file__).parent / "fixtures"
FILES = {"bundled": None, "sample": FIXTURES / "sample.yaml", "hostile": FIXTURES / "hostile.yaml"}
SPECS = list(RECORD_SPECS.values())


@pytest.fixture(scope="module", params=sorted(FILES))
def kb(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A knowledge file loaded once per module, with its own cache (read from the YAML, not a cache)."""
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("spec-cache")))
    try:
        yield load(FILES[request.param])
    finally:
        monkeypatch.undo()


# The spec and the record classes


def test_a_spec_for_each_record_type_in_file_order() -> None:
    assert tuple(RECORD_SPECS) == records.RECORD_TYPES
    assert [s.section for s in FILE_SECTIONS] == [
        "sources", "industries", "metrics", "claims", "entities", "derived", "synonyms", "glossary",
    ]  # fmt: skip
    assert [s.section for s in FILE_SECTIONS if s.required] == ["sources", "industries"]


@pytest.mark.parametrize("record_spec", SPECS, ids=lambda s: s.type)
def test_every_spec_field_is_in_its_record_class_in_the_same_order(record_spec: spec.Spec) -> None:
    assert record_spec.names == record_spec.record._fields
    assert record_spec.type == record_spec.record.TYPE
    assert record_spec.names[0] == "id"


def test_the_other_sections_build_their_own_classes() -> None:
    assert SYNONYMS.names == records.SynonymGroup._fields
    assert GLOSSARY.names == records.GlossaryTerm._fields
    metric = set(RECORD_SPECS["metric"].names)
    assert set(DERIVED.names) - metric == {"formula", "inputs"}  # the rest is a metric's


def test_every_field_has_a_known_kind_and_a_description() -> None:
    for field in FIELDS.values():
        assert field.kind in KINDS, field
        assert field.description.strip(), field
    for record_spec in FILE_SECTIONS:
        for field in record_spec.fields:
            if field.kind in ("choice", "unit", "qualifier"):
                assert field.file_choices, (record_spec.section, field.name)
            if field.kind in ("ref", "refs", "inputs"):
                assert field.target in RECORD_SPECS, field
            assert set(field.on_load) <= set(field.choices), field


def test_every_field_of_the_catalogue_is_used() -> None:
    used = {f.name for s in FILE_SECTIONS for f in s.fields}
    assert used == set(FIELDS)


def test_the_vocabularies_are_the_specs_choices() -> None:
    assert RECORD_SPECS["industry"].field("tier").choices == records.TIERS
    assert RECORD_SPECS["claim"].field("kind").choices == records.CLAIM_KINDS
    assert RECORD_SPECS["entity"].field("kind").choices == records.ENTITY_KINDS
    assert RECORD_SPECS["metric"].field("qualifier").choices == records.QUALIFIERS
    status = RECORD_SPECS["metric"].field("status")
    assert status.choices == records.STATUSES
    assert status.file_choices == ("actual", "target")  # derived is set on load, never in the file


def test_fields_derived_on_load_are_never_read(kb: Any) -> None:
    not_read = {f.name for s in SPECS for f in s.fields if not f.read}
    assert not_read == {"base_value", "base_unit", "derivation"}
    for section, fields in SECTION_FIELDS.items():
        assert not_read.isdisjoint(fields), section
    for metric in kb.metric_records:
        assert metric.base_value is not None and metric.base_unit
        assert (metric.derivation is not None) == (metric.status == "derived")


# Field readers and the codec, by kind


def test_every_kind_the_file_gives_has_a_reader_and_every_kind_a_decoder() -> None:
    read = {f.kind for s in FILE_SECTIONS for f in s.read_fields}
    assert read <= set(READERS)
    assert set(READERS) <= set(KINDS)
    assert set(DECODERS) == set(KINDS)


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (a Decimal stays a Decimal, a Rank a Rank)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b) and (not isinstance(a, Decimal) or str(a) == str(b))


def test_the_codec_round_trips_every_record(kb: Any) -> None:
    import marshal

    assert kb.all_records()
    for record in kb.all_records():
        row = marshal.loads(marshal.dumps(encode_record(record)))  # as the store writes and reads it
        assert _same(decode_record(record.TYPE, row), record), record.id
    extras = marshal.loads(marshal.dumps(encode_extras(kb.synonyms, kb.glossary)))
    assert _same(decode_extras(extras), (kb.synonyms, kb.glossary))


@pytest.mark.parametrize("row", [None, "text", [], ["too", "few"], {"id": "x"}])
def test_the_codec_refuses_what_is_not_a_record(row: Any) -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        decode_record("industry", row)


def test_the_codec_refuses_a_list_field_that_is_not_a_list(kb: Any) -> None:
    industry = kb.industry_records[0]
    row = encode_record(industry)
    row[industry._fields.index("aliases")] = "光伏"
    with pytest.raises(ValueError):
        decode_record("industry", row)
    with pytest.raises(ValueError):
        decode_extras({"synonyms": [["光伏", 0.8]], "glossary": []})


# Search


def test_field_weights_are_the_specs_weights_heaviest_first() -> None:
    from srfacts.search.entries import ENGLISH_FIELDS, FIELD_WEIGHTS, NAME_FIELDS

    assert {f.name: f.weight for f in FIELDS.values() if f.weight} == FIELD_WEIGHTS
    assert list(FIELD_WEIGHTS) == [f.name for f in SEARCHED]
    weights = list(FIELD_WEIGHTS.values())
    assert weights == sorted(weights, reverse=True)
    assert {"name", "aliases", "title", "name_en", "aliases_en", "title_en"} == NAME_FIELDS
    assert {n for n in FIELD_WEIGHTS if n.endswith("_en")} == ENGLISH_FIELDS
    searched_somewhere = {f.name for s in SPECS for f in s.fields if f.weight}
    assert searched_somewhere == set(FIELD_WEIGHTS)


# Output: columns, headers and --fields


@pytest.mark.parametrize("record_spec", SPECS, ids=lambda s: s.type)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_column_is_a_field_or_a_computed_column(record_spec: spec.Spec, lang: str) -> None:
    from srfacts.output.views import columns_for

    keys = record_spec.columns_en if lang == "en" else record_spec.columns
    assert keys
    for key in keys:
        assert key in record_spec.names or key in COMPUTED_COLUMNS, (record_spec.type, key)
    columns = columns_for(record_spec.type, lang)
    assert [c.key for c in columns] == list(keys)
    fields = {f.name: f for f in record_spec.fields} | COMPUTED_COLUMNS
    assert [c.header for c in columns] == [fields[k].heading(lang) for k in keys]


def test_english_tables_show_the_english_twin_of_each_field() -> None:
    for record_spec in SPECS:
        for key in record_spec.columns_en:
            assert f"{key}_en" not in record_spec.names, (record_spec.type, key)
        assert len(record_spec.columns_en) <= len(record_spec.columns)


@pytest.mark.parametrize("record_spec", SPECS, ids=lambda s: s.type)
def test_record_fields_are_the_json_fields(kb: Any, record_spec: spec.Spec) -> None:
    from srfacts.output.views import record_fields

    names = record_fields(record_spec.type)
    assert names == ("id", "type", *record_spec.names[1:])
    for record in kb.records(record_spec.type):
        assert tuple(record.to_dict()) == names


def test_nested_fields_are_flattened_by_their_kinds_keys() -> None:
    from srfacts.output.formats import NESTED_FIELDS, flatten

    assert NESTED_FIELDS == {"rank": ("scope", "scope_en", "position"), "derivation": ("formula", "inputs")}
    assert set(NESTED_KINDS) == {f.kind for s in SPECS for f in s.fields if f.name in NESTED_FIELDS}
    row = flatten({"id": "x", "rank": {"scope": "江西省", "scope_en": "Jiangxi", "position": 2}, "derivation": None})
    assert row == {"id": "x", "rank_scope": "江西省", "rank_scope_en": "Jiangxi", "rank_position": 2,
                   "derivation_formula": None, "derivation_inputs": None}  # fmt: skip


# Export


def test_the_export_tables_follow_the_spec(kb: Any) -> None:
    from srfacts.export import tables

    found = {t.name: t for t in tables(kb)}
    for record_spec in SPECS:
        table = found[record_spec.section]
        assert [name for name, _ in table.columns] == list(record_spec.names)
        types = {f.name: {"number": "NUMERIC", "bool": "INTEGER"}.get(f.kind, "TEXT") for f in record_spec.fields}
        assert dict(table.columns) == types
        assert table.search == tuple(f.name for f in record_spec.text_fields)
        assert all(field.kind in TEXT_KINDS for field in record_spec.text_fields)
        for field in record_spec.fields:
            if field.kind == "refs":
                link = found[f"{record_spec.type}_{field.name}"]
                assert [name for name, _ in link.columns] == [f"{record_spec.type}_id", f"{field.target}_id"]
    assert list(found)[len(SPECS) :][-1] == "metric_inputs"
    assert len(found) == len(SPECS) + sum(f.kind in ("refs", "derivation") for s in SPECS for f in s.fields)


# The JSON Schema


def test_the_schema_is_the_spec_of_each_section() -> None:
    defs = build_schema()["$defs"]
    assert list(defs) == [s.section for s in FILE_SECTIONS]
    for section_spec in FILE_SECTIONS:
        schema = defs[section_spec.section]
        fields = section_spec.read_fields
        assert list(schema["properties"]) == [f.name for f in fields], section_spec.section
        assert schema["description"] == section_spec.description
        for field in fields:
            property_schema = schema["properties"][field.name]
            assert property_schema["description"] == field.description
            if field.kind in ("choice", "unit", "qualifier"):
                assert property_schema["enum"] == list(field.file_choices)


def test_the_shipped_schema_file_is_plain_json() -> None:
    from srfacts.data.schema import SCHEMA_FILE

    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == build_schema()


# Completion


class _Context:
    def __init__(self, command: str) -> None:
        self.info_name = command


def test_completion_offers_the_specs_choices_and_fields() -> None:
    from srfacts.cli import completion
    from srfacts.output.views import record_fields

    assert completion.kinds(_Context("claims"), "") == list(records.CLAIM_KINDS)
    assert completion.kinds(_Context("entities"), "") == list(records.ENTITY_KINDS)
    assert set(completion.kinds(_Context("search"), "")) == {
        *records.CLAIM_KINDS,
        *records.ENTITY_KINDS,
        *records.TIERS,
    }
    assert completion.tiers("") == list(records.TIERS)
    assert completion.record_types(_Context("search"), "") == list(records.RECORD_TYPES)
    for record_spec in SPECS:
        assert completion.fields(_Context(record_spec.section), "") == list(record_fields(record_spec.type))


# The glossary rule reads the records' prose


def test_the_glossary_reads_every_prose_field() -> None:
    from srfacts.data.glossary import TEXT_FIELDS, TWINS

    prose = {f.name for s in SPECS for f in s.text_fields}
    assert set(TEXT_FIELDS) == prose
    for chinese, english in TWINS:
        assert chinese in prose and set(english) <= prose
