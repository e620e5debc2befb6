"""The JSON Schema of the knowledge file, generated from the loader's own field table.

``build_schema()`` turns ``validate.FIELDS``, the model's vocabularies and the unit table
into a JSON Schema (draft 2020-12); the copy shipped in ``srfacts/data/facts.schema.json``
is its output, and a test keeps the two equal. Editors read it through the first line of
``data/facts.yaml`` (``# yaml-language-server: $schema=...``) to complete and check fields.

The schema checks what a schema can: fields, types, vocabularies, id shapes. Cross-record
rules (unique ids, references, derived formulas) are the loader's alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from srfacts.core.records import QUALIFIERS
from srfacts.core.units import UNITS
from srfacts.data.build import FIELDS, SCHEMA_VERSION, SECTIONS, Field

SCHEMA_FILE = Path(__file__).resolve().parent / "facts.schema.json"

_TEXT: dict[str, Any] = {"type": "string", "pattern": r"\S"}

RECORD_DESCRIPTIONS = {
    "sources": "The source texts every quote is taken from.",
    "industries": "Industries of the 2+4+N system (tier leading, key, featured) and others the source names.",
    "metrics": "Figures: the value and unit as the source writes them, qualifier, period, scope and provenance.",
    "claims": "Qualitative statements: awards, rankings, records, firsts, policies, projects, targets, events.",
    "entities": "Companies, parks, institutions, programmes, plans, policies, platforms, places, slogans.",
    "derived": "Figures computed from stated metrics by a formula (never typed by hand; marked derived).",
    "synonyms": "Groups of search terms that mean the same (营收, 营业收入, revenue); each occurs in some record.",
    "glossary": "Chinese terms and their established English, which every English field follows (rule SR114).",
}

FIELD_DESCRIPTIONS = {
    "id": "Unique, stable, kebab-case ASCII id, e.g. above-size-enterprises-total-2022.",
    "name": "Chinese name as the source writes it.",
    "name_en": "English name (a translation, never new information).",
    "text": "The statement in Chinese.",
    "text_en": "The statement in English (a translation).",
    "title": "Title of the source text.",
    "title_en": "English title of the source text.",
    "authors": "Authors as the source names them.",
    "authors_en": "Authors in Latin script.",
    "published": "When it was published, as precisely as the text allows (e.g. 2023).",
    "file": "File name of the source text (looked up in SRFACTS_SOURCES or ../shared/source).",
    "sha256": "SHA-256 of the source text, 64 lowercase hex digits.",
    "uncaptured_numbers": "Numbers of the source no record captures on purpose, each with the reason.",
    "tier": "leading (主导), key (重点), featured (特色) or other (named outside the 2+4+N list).",
    "cluster": "true for the 千亿级 (100-billion-yuan) clusters being cultivated.",
    "aliases": "Other Chinese names (光伏, 锂电 ...).",
    "aliases_en": "Other English names (PV, solar ...).",
    "value": "The number as the source writes it (5028.1), unquoted.",
    "unit": "The unit as written; one of the unit table.",
    "qualifier": "From the wording: exact; more_than (余 多 超 超过 突破); at_least (以上 至少); about (约 近 左右).",
    "status": "actual or target.",
    "period": "Year or period the record refers to (2022, 2019-2021).",
    "scope": "What the figure covers, in Chinese (上饶市, 全市开发区, a company).",
    "scope_en": "What the figure covers, in English.",
    "rank": "Where the source ranks the figure: 列全省第二 is {scope: 江西省, scope_en: Jiangxi Province, position: 2}",
    "group": "Figures the source presents together, sharing unit and period (charted by `srfacts metrics --chart`).",
    "industries": "Ids of the industries this record concerns.",
    "entities": "Ids of the entities this record concerns.",
    "metrics": "Ids of the metrics this claim rests on.",
    "kind": "The kind of record.",
    "source": "Id of the source the quote is taken from.",
    "quote": "A verbatim span of the source supporting the record (line breaks of the source ignored).",
    "note": "Curator's note: how the record reads the source.",
    "formula": "Arithmetic over the input names: names, numbers, + - * / and brackets.",
    "inputs": "Maps each name of the formula to a stated metric id.",
    "terms": "Two or more search terms that mean the same, each occurring in some record (Chinese or English).",
    "weight": "How much a form the user did not type counts, above 0 and at most 1 (default 0.8).",
    "zh": "The Chinese term as the source writes it (规上工业企业).",
    "en": "Its established English (industrial enterprises above designated size), used by every English twin.",
    "forms": "Other forms of the English the rule also accepts (above-designated-size industrial enterprises).",
}


def _field_schema(spec: Field) -> dict[str, Any]:
    """The schema of one field kind of ``validate.FIELDS``."""
    kind = spec.kind
    if kind in ("str", "ref"):
        return dict(_TEXT)
    if kind == "id":
        return {"type": "string", "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$"}
    if kind == "strs":
        return {"type": "array", "items": dict(_TEXT)}
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
    if kind == "choice":
        return {"type": "string", "enum": list(spec.choices)}
    if kind == "unit":
        return {"type": "string", "enum": list(UNITS)}
    if kind == "qualifier":
        return {"type": "string", "enum": list(QUALIFIERS)}
    if kind == "rank":
        return {
            "type": "object",
            "properties": {
                "scope": {"type": "string"},
                "scope_en": {"type": "string"},
                "position": {"type": "integer", "minimum": 1},
            },
            "required": ["scope", "scope_en", "position"],
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
                "required": ["context", "reason"],
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


def _record_schema(section: str) -> dict[str, Any]:
    fields = FIELDS[section]
    properties: dict[str, Any] = {}
    for name, spec in fields.items():
        schema = _field_schema(spec)
        if name in FIELD_DESCRIPTIONS:
            schema = {"description": FIELD_DESCRIPTIONS[name], **schema}
        properties[name] = schema
    return {
        "type": "object",
        "description": RECORD_DESCRIPTIONS[section],
        "properties": properties,
        "required": [name for name, spec in fields.items() if spec.required],
        "additionalProperties": False,
    }


def build_schema() -> dict[str, Any]:
    """The JSON Schema of a knowledge file, from the loader's field table."""
    required_sections = ("sources", "industries")
    properties: dict[str, Any] = {
        "schema_version": {"description": "Version of the file format this srfacts reads.", "const": SCHEMA_VERSION}
    }
    for section in SECTIONS:
        items = {"$ref": f"#/$defs/{section}"}
        if section in required_sections:
            properties[section] = {"type": "array", "items": items}
        else:
            properties[section] = {"type": ["array", "null"], "items": items}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "srfacts knowledge file",
        "description": "Source-verified facts about the industry of Shangrao (上饶), Jiangxi (data/facts.yaml).",
        "type": "object",
        "properties": properties,
        "required": ["schema_version", *required_sections],
        "additionalProperties": False,
        "$defs": {section: _record_schema(section) for section in SECTIONS},
    }


def schema_text() -> str:
    """The schema as the committed file holds it: indented UTF-8 JSON ending in a newline."""
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def bundled_schema() -> str:
    """The schema file shipped in the package."""
    return SCHEMA_FILE.read_text(encoding="utf-8")


if __name__ == "__main__":  # python -m srfacts.data.schema: rewrite the committed file
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
