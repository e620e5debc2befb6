"""The tables of an export, following the spec (``srfacts.core.spec``): one table per record type
(columns are the JSON fields; lists and mappings are JSON text), link tables for the references
between records, the inputs of derived figures; and every record as one JSON document."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from srfacts.core.records import KnowledgeBase, plain
from srfacts.core.spec import RECORD_SPECS, Spec


class Table(NamedTuple):
    """A table of the export: name, columns with their SQL types, rows, keys and searchable columns."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[tuple[Any, ...]]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, other table); the other table's key is id
    search: tuple[str, ...] = ()


_SQL_TYPES = {"number": "NUMERIC", "bool": "INTEGER"}  # by field kind; every other field is TEXT


def _record_table(kb: KnowledgeBase, spec: Spec) -> Table:
    """The table of a record type: its fields (as in JSON, less ``type``), its references to sources,
    and its prose fields searched."""
    rows = []
    for record in kb.records(spec.type):
        data = record.to_dict()
        rows.append(tuple(_cell(data[name]) for name in spec.names))
    columns = tuple((f.name, _SQL_TYPES.get(f.kind, "TEXT")) for f in spec.fields)
    foreign = tuple((f.name, RECORD_SPECS[f.target].section) for f in spec.fields if f.kind == "ref")
    return Table(spec.section, columns, rows, ("id",), foreign, tuple(f.name for f in spec.text_fields))


def _link_tables(kb: KnowledgeBase, spec: Spec) -> list[Table]:
    """A table for each list of references of a record type (``metric_industries``: metric_id, industry_id)."""
    out = []
    left = f"{spec.type}_id"
    for field in spec.fields:
        if field.kind == "refs":
            right, other = f"{field.target}_id", RECORD_SPECS[field.target].section
            pairs = [
                (record.id, target)
                for record in kb.records(spec.type)
                for target in dict.fromkeys(getattr(record, field.name))
            ]
            columns = ((left, "TEXT"), (right, "TEXT"))
            keys = ((left, spec.section), (right, other))
            out.append(Table(f"{spec.type}_{field.name}", columns, pairs, (left, right), keys))
    return out


def _input_tables(kb: KnowledgeBase, spec: Spec) -> list[Table]:
    """The inputs of derived figures (``metric_inputs``: metric_id, name, input_id)."""
    out = []
    left = f"{spec.type}_id"
    for field in spec.fields:
        if field.kind == "derivation":
            inputs = [
                (record.id, name, target)
                for record in kb.records(spec.type)
                if getattr(record, field.name)
                for name, target in getattr(record, field.name).inputs.items()
            ]
            columns = ((left, "TEXT"), ("name", "TEXT"), ("input_id", "TEXT"))
            keys = ((left, spec.section), ("input_id", spec.section))
            out.append(Table(f"{spec.type}_inputs", columns, inputs, (left, "name"), keys))
    return out


def _cell(value: Any) -> Any:
    """A JSON value as an SQLite value: lists and mappings as JSON text, booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def tables(kb: KnowledgeBase) -> list[Table]:
    """Every table of the export: the record tables, then the link tables, then the inputs of derived figures."""
    specs = RECORD_SPECS.values()
    links = [table for spec in specs for table in _link_tables(kb, spec)]
    return [_record_table(kb, spec) for spec in specs] + links + [t for spec in specs for t in _input_tables(kb, spec)]


def documents(kb: KnowledgeBase) -> dict[str, Any]:
    """Every record as one JSON-ready document: schema version, then a list per record type."""
    return {
        "schema_version": kb.schema_version,
        **{spec.section: [plain(r) for r in kb.records(t)] for t, spec in RECORD_SPECS.items()},
    }
