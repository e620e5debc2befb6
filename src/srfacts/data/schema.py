"""The JSON Schema of the knowledge file, generated from the spec (``srfacts.core.spec``).

``build_schema()`` turns each section's spec (its fields read from the file, their kinds,
choices and descriptions) into a JSON Schema (draft 2020-12); the copy shipped in
``srfacts/data/facts.schema.json`` is its output, and a test keeps the two equal. Editors read it
through the first line of ``data/facts.yaml`` (``# yaml-language-server: $schema=...``) to
complete and check fields.

The schema checks what a schema can: fields, types, vocabularies, id shapes. Cross-record
rules (unique ids, references, derived formulas) are the loader's alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from srfacts.core.spec import FILE_SECTIONS, SCHEMA_VERSION, Field, Spec
from srfacts.core.values import AllowedNumber, Rank

SCHEMA_FILE = Path(__file__).resolve().parent / "facts.schema.json"

_TEXT: dict[str, Any] = {"type": "string", "pattern": r"\S"}


def _field_schema(field: Field) -> dict[str, Any]:
    """The schema of one field, by its kind."""
    kind = field.kind
    if kind in ("str", "ref"):
        return dict(_TEXT)
    if kind == "id":
        return {"type": "string", "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$"}
    if kind == "strs":
        return {"type": "array", "items": dict(_TEXT)}
    if kind == "roles":
        return {"type": "array", "items": {"type": "string"}}
    if kind == "refs":
        return {"type": "array", "items": {"type": "string"}}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "number":
        return {"type": "number"}
    if kind == "period":
        return {"anyOf": [dict(_TEXT), {"type": "integer"}]}
    if kind == "sha256":
        return {"type": "string", "pattern": "^[0-9a-f]{64}$"}
    if kind in ("choice", "unit", "qualifier"):
        return {"type": "string", "enum": list(field.file_choices)}
    if kind == "rank":
        return {
            "type": "object",
            "properties": {
                "scope": {"type": "string"},
                "scope_en": {"type": "string"},
                "position": {"type": "integer", "minimum": 1},
            },
            "required": list(Rank._fields),
            "additionalProperties": False,
        }
    if kind == "allow":
        return {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "context": {"type": "string", "minLength": 1},
                    "reason": {"type": "string", "minLength": 1},
                },
                "required": list(AllowedNumber._fields),
                "additionalProperties": False,
            },
        }
    if kind == "terms":
        return {"type": "array", "items": dict(_TEXT), "minItems": 2}
    if kind == "weight":
        return {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    if kind == "inputs":
        return {"type": "object", "minProperties": 1, "additionalProperties": {"type": "string"}}
    raise ValueError(f"no JSON Schema for the field kind '{kind}'")


def _section_schema(spec: Spec) -> dict[str, Any]:
    fields = spec.read_fields
    return {
        "type": "object",
        "description": spec.description,
        "properties": {f.name: {"description": f.description, **_field_schema(f)} for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def build_schema() -> dict[str, Any]:
    """The JSON Schema of a knowledge file, from the spec of each section."""
    properties: dict[str, Any] = {
        "schema_version": {"description": "Version of the file format this srfacts reads.", "const": SCHEMA_VERSION}
    }
    for spec in FILE_SECTIONS:
        items = {"$ref": f"#/$defs/{spec.section}"}
        properties[spec.section] = {"type": "array" if spec.required else ["array", "null"], "items": items}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "srfacts knowledge file",
        "description": "Source-verified facts about the industry of Shangrao (上饶), Jiangxi (data/facts.yaml).",
        "type": "object",
        "properties": properties,
        "required": ["schema_version", *(spec.section for spec in FILE_SECTIONS if spec.required)],
        "additionalProperties": False,
        "$defs": {spec.section: _section_schema(spec) for spec in FILE_SECTIONS},
    }


def schema_text() -> str:
    """The schema as the committed file holds it: indented UTF-8 JSON ending in a newline."""
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":  # python -m srfacts.data.schema: rewrite the committed file
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
