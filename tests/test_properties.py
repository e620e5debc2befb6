"""Property tests: whatever the input, the loader, validator, renderers and search either work or
raise the project's own error, and every output format reads back to what was written.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from srfacts.core.errors import CODES, KnowledgeFileError
from srfacts.data.build import build
from srfacts.data.yaml_reader import parse_yaml
from srfacts.output.formats import SMALL_JSON, Column, compact_json, to_csv, to_json, to_jsonl, to_tsv
from srfacts.output.safe import cell, json_escape, neutralise, tsv_unescape
from srfacts.output.tables import to_table
from tests.hostile_support import LEAK, SAMPLE

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any character at all, surrogates and controls included, with the hostile ones made likely.
HOSTILE_CHARS = st.sampled_from(
    list("\x00\x07\x08\t\n\r\x1b\x7f\x85\x9b\u061c\u200b\u200f\u2028\u202e\u2066\ufeff\U000e0041[]/\\\"',;|%_*")
)
ANY_CHAR = st.characters(blacklist_categories=())
TEXT = st.text(st.one_of(HOSTILE_CHARS, ANY_CHAR, st.sampled_from(list("光伏锂电 abcXYZ0123456789-"))), max_size=60)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    TEXT,
    st.sampled_from(["no", "on", "yes", "2023-04-01", "0x1F", "1_000", ".inf", "~", "null", "1e999999999", "<<"]),
)
KEYS = st.one_of(
    st.sampled_from(["schema_version", "sources", "industries", "metrics", "claims", "entities", "derived", "id",
                     "name", "value", "unit", "rank", "formula", "inputs", "<<"]),
    TEXT,
)  # fmt: skip
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=30,
)


def _only_our_errors(text: str) -> None:
    try:
        build(parse_yaml(text, "x.yaml"), "x.yaml")
    except KnowledgeFileError as error:
        assert error.problems and all(p.code in CODES for p in error.problems)
        assert all(len(str(p)) < 2000 for p in error.problems)


@FAST
@given(DOCUMENTS)
def test_any_yaml_document_loads_or_gives_our_error(document: Any) -> None:
    try:
        text = yaml.safe_dump(document, allow_unicode=True)
    except yaml.YAMLError:
        assume(False)
    _only_our_errors(text)


@FAST
@given(st.text(st.sampled_from(list("[]{}:,-?&*!|>'\"#%@` \n\t.~0123456789aeiou光<=\\")), max_size=200))
def test_any_yaml_punctuation_loads_or_gives_our_error(text: str) -> None:
    _only_our_errors(text)


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_load_or_give_our_error(data: bytes) -> None:
    from srfacts.data.files import decode

    try:
        build(parse_yaml(decode(data, "x.yaml"), "x.yaml"), "x.yaml")
    except KnowledgeFileError as error:
        assert all(p.code in CODES for p in error.problems)


SAMPLE_DATA: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
SECTIONS = [name for name, value in SAMPLE_DATA.items() if isinstance(value, list)]


@st.composite
def mutated_samples(draw: st.DrawFn) -> dict[str, Any]:
    """The sample file with a few fields of a few records replaced, removed or added."""
    data = copy.deepcopy(SAMPLE_DATA)
    for _ in range(draw(st.integers(1, 4))):
        section = draw(st.sampled_from(SECTIONS))
        records = data[section]
        if not records:
            continue
        record = records[draw(st.integers(0, len(records) - 1))]
        action = draw(st.sampled_from(["replace", "remove", "add", "duplicate"]))
        field = draw(st.sampled_from(sorted(record)))
        if action == "replace":
            record[field] = draw(DOCUMENTS)
        elif action == "remove":
            del record[field]
        elif action == "add":
            record[draw(KEYS)] = draw(DOCUMENTS)
        else:
            records.append(copy.deepcopy(record))
    return data


@FAST
@given(mutated_samples())
def test_any_mutated_record_loads_or_gives_our_error(data: dict[str, Any]) -> None:
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        assume(False)
    try:
        kb = build(parse_yaml(text, "x.yaml"), "x.yaml")
    except KnowledgeFileError as error:
        assert error.problems and all(p.code in CODES for p in error.problems)
        return
    for record in kb.all_records():  # what loads renders: JSON that reads back, tables without leaks
        row = record.to_dict()
        assert json.loads(to_json(row)) == json.loads(json.dumps(row, ensure_ascii=False))
        table = to_table([row], [Column(k, k) for k in row], width=None)
        assert LEAK.search(table.replace("\n", "")) is None


# ---------------------------------------------------------------------------------------------
# Render, then parse: the same values come back


ROWS = st.lists(st.fixed_dictionaries({"id": TEXT, "name": TEXT, "aliases": st.lists(TEXT, max_size=3)}), max_size=5)
COLUMNS = [Column("id", "id"), Column("name", "name"), Column("aliases", "aliases")]


def _well_formed(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@FAST
@given(ROWS)
def test_json_round_trips(rows: list[dict[str, Any]]) -> None:
    text = to_json(rows)
    assert json.loads(text) == rows
    assert LEAK.search(text.replace("\n", "")) is None
    if _well_formed(text):
        assert json.loads(text.encode("utf-8")) == rows


PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(PLAIN)
def test_compact_json_writes_what_json_writes(value: Any) -> None:
    """The json module's text, with what a terminal could act on escaped (as ``to_json`` writes it)."""
    assert compact_json(value) == json_escape(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))


@FAST
@given(st.lists(PLAIN, min_size=1, max_size=4))
def test_short_and_long_lists_are_written_alike(items: list[Any]) -> None:
    long = items * (SMALL_JSON // len(items) + 1)  # over the size written without the json module
    assert to_json(long) == "[\n" + ",\n".join([to_json(items)[2:-3]] * (SMALL_JSON // len(items) + 1)) + "\n]\n"


def test_compact_json_refuses_what_is_not_plain_data() -> None:
    for value in (object(), {1: "a"}, {"a": {2}}, b"bytes"):
        with pytest.raises(TypeError):
            compact_json(value)
    assert json.loads(to_json([{"when": 1.5, "keys": {1: "a"}}])) == [{"when": 1.5, "keys": {"1": "a"}}]


@FAST
@given(ROWS)
def test_jsonl_round_trips(rows: list[dict[str, Any]]) -> None:
    text = to_jsonl(rows)
    assert [json.loads(line) for line in text.split("\n")[:-1]] == rows
    assert text.count("\n") == len(rows)


@FAST
@given(ROWS)
def test_csv_round_trips(rows: list[dict[str, Any]]) -> None:
    text = to_csv(rows, COLUMNS)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == [c.key for c in COLUMNS]
    assert read[1:] == [[cell(row[c.key]) for c in COLUMNS] for row in rows]


@FAST
@given(ROWS)
def test_csv_for_a_terminal_is_neutralised(rows: list[dict[str, Any]]) -> None:
    text = to_csv(rows, COLUMNS, safe=True)
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[1:] == [[neutralise(cell(row[c.key])) for c in COLUMNS] for row in rows]
    assert LEAK.search(text.replace("\n", "")) is None


@FAST
@given(ROWS)
def test_tsv_round_trips(rows: list[dict[str, Any]]) -> None:
    text = to_tsv(rows, COLUMNS)
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == len(rows) + 2
    assert lines[0].split("\t") == [c.key for c in COLUMNS]
    for line, row in zip(lines[1:], rows, strict=False):
        assert [tsv_unescape(v) for v in line.split("\t")] == [cell(row[c.key]) for c in COLUMNS]
    assert LEAK.search(text.replace("\n", "").replace("\t", "")) is None


@FAST
@given(TEXT)
def test_neutralised_text_is_safe_and_keeps_the_rest(text: str) -> None:
    shown = neutralise(text)
    assert LEAK.search(shown) is None
    assert neutralise(shown) == shown  # nothing left to escape
    kept = [c for c in text if not LEAK.search(c) and c != "\n"]
    assert all(c in shown for c in kept if c.isprintable())


@FAST
@given(ROWS, st.integers(min_value=1, max_value=200), st.booleans())
def test_tables_at_any_width_leak_nothing(rows: list[dict[str, Any]], width: int, color: bool) -> None:
    import re

    text = to_table(rows, COLUMNS, width=width, color=color)
    assert LEAK.search(re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\n", "")) is None


# ---------------------------------------------------------------------------------------------
# Search never raises


@pytest.fixture(scope="module")
def sample_kb() -> Any:
    from srfacts.store.loader import load

    return load(SAMPLE, use_cache=False)


QUERIES = st.one_of(
    st.text(st.one_of(ANY_CHAR, HOSTILE_CHARS), max_size=80),
    st.lists(st.sampled_from(["光伏", "锂电", "guangfu", "gf", "2248", "5028.1亿", "PV", "solar", "of", "the", "鋰電",
                              "上饶光伏", "%", "_", "*", "'", "--", ".", "e", "1e9999"]), max_size=8).map(" ".join),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(QUERIES, st.none() | st.integers(min_value=1, max_value=5))
def test_search_never_raises(sample_kb: Any, query: str, limit: int | None) -> None:
    from srfacts.search.engine import memory_index, search
    from srfacts.search.suggest import suggestions

    index = memory_index(sample_kb)
    hits = search(index, query, limit=limit)
    assert limit is None or len(hits) <= limit
    for hit in hits:
        json.loads(to_json(hit.to_dict()))
    assert isinstance(suggestions(index, query), list)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(QUERIES)
def test_search_through_the_compiled_store_never_raises(sample_kb: Any, query: str) -> None:
    from srfacts.store.loader import find

    found = find(SAMPLE, query, limit=3)  # the test's own cache folder: compiled once, then read
    assert len(found.hits) <= 3 and isinstance(found.suggestions, list)
