"""Rows of plain data as JSON, JSON Lines, CSV, TSV or a Markdown table.

JSON carries every field as it is; CSV and TSV fold nested fields into columns of their own
(``rank`` -> ``rank_scope``, ``rank_scope_en``, ``rank_position``). Every format escapes what a
terminal could act on (see ``srfacts.output.safe``).

CSV and TSV are verbatim: a cell starting with ``=`` is written as it is. For Excel and WPS,
``spreadsheet_rows`` makes every cell spreadsheet-safe first (a ``'`` before a cell a spreadsheet
would run, as OWASP advises), and ``BOM`` tells them the file is UTF-8.
"""

import contextlib
import io
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from srfacts.core.spec import NESTED_KINDS, RECORD_SPECS
from srfacts.output.safe import JSON_STRING, cell, json_escape, neutralise, tsv_escape

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "markdown")
SMALL_JSON = 500  # lists this long are written without importing json (quicker to start than its import)

# Fields holding one mapping, and its keys: each key is a column of its own in CSV and TSV.
NESTED_FIELDS: dict[str, tuple[str, ...]] = {
    f.name: NESTED_KINDS[f.kind]._fields
    for spec in RECORD_SPECS.values()
    for f in spec.fields
    if f.kind in NESTED_KINDS
}


BOM = "\ufeff"  # a UTF-8 byte-order mark: Chinese-locale Excel and WPS read a CSV without it as GBK
# The first characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` with a ``'`` before it when a spreadsheet would read it as a formula (OWASP)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def spreadsheet_safe(value: Any) -> Any:
    """A value with every text in it made spreadsheet-safe (``spreadsheet_text``); numbers, booleans
    and nothing stay as they are (a number is never a formula)."""
    if isinstance(value, str):
        return spreadsheet_text(value)
    if isinstance(value, list | tuple):
        return [spreadsheet_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: spreadsheet_safe(v) for k, v in value.items()}
    return value


def spreadsheet_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with every text made spreadsheet-safe: the cells of CSV and TSV for Excel and WPS."""
    return [{k: spreadsheet_safe(v) for k, v in row.items()} for row in rows]


class Column(NamedTuple):
    """A column of a flat rendering: the field it shows and its header."""

    key: str
    header: str


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """Nested fields folded into the keys, present even when empty: rank -> rank_scope, rank_position."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in NESTED_FIELDS:
            for sub in NESTED_FIELDS[key]:
                out[f"{key}_{sub}"] = value.get(sub) if isinstance(value, dict) else None
        else:
            out[key] = value
    return out


def to_json(data: Any) -> str:
    """UTF-8 JSON; characters a terminal could act on are written as \\u escapes.

    A list is written one compact object a line (a short one by ``compact_json``, a long one by
    the json module's C encoder: the same text); anything else is indented.
    """
    if isinstance(data, list):
        if not data:
            return "[]\n"
        if len(data) <= SMALL_JSON:
            with contextlib.suppress(TypeError):  # not plain data: json says what it cannot write
                return "[\n" + ",\n".join(compact_json(item) for item in data) + "\n]\n"  # escaped as written
        import json

        items = ",\n".join(json.dumps(item, ensure_ascii=False, separators=(", ", ": ")) for item in data)
        return json_escape(f"[\n{items}\n]") + "\n"
    import json

    return json_escape(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def compact_json(value: Any) -> str:
    """``json_escape(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))`` of plain data
    (str, int, float, bool, None, lists, tuples and str-keyed dicts), without importing json.

    TypeError for anything else.
    """
    if isinstance(value, str):
        if value.isprintable() and '"' not in value and "\\" not in value:
            return f'"{value}"'  # nothing to escape: every character json_escape writes is unprintable
        return f'"{json_escape(value.translate(JSON_STRING))}"'
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("a mapping key that is not text")
        return "{" + ", ".join(f"{compact_json(k)}: {compact_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(compact_json(v) for v in value) + "]"
    raise TypeError(f"{type(value).__name__} is not plain JSON data")


def to_jsonl(rows: Iterable[dict[str, Any]]) -> str:
    """One compact JSON object a line."""
    import json

    return "".join(json_escape(json.dumps(r, ensure_ascii=False, separators=(",", ":"))) + "\n" for r in rows)


def _columns_for(rows: Sequence[dict[str, Any]], columns: Sequence[Column] | None) -> list[Column]:
    if columns:
        return list(columns)
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return [Column(k, k) for k in keys]


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[Column] | None = None, *, safe: bool = False) -> str:
    """RFC 4180 CSV with a header of field names; ``safe`` neutralises controls (for a terminal)."""
    import csv  # only for CSV: the other formats start quicker without it

    flat = [flatten(r) for r in rows]
    cols = _columns_for(flat, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a lone CR is quoted by nothing else
    writer.writerow([c.key for c in cols])
    for row in flat:
        values = [cell(row.get(c.key)) for c in cols]
        values = [neutralise(v) for v in values] if safe else values
        (quoted if any("\r" in v for v in values) else writer).writerow(values)
    return buffer.getvalue()


def to_tsv(rows: Sequence[dict[str, Any]], columns: Sequence[Column] | None = None) -> str:
    """Tab-separated lines with a header of field names; fields backslash-escaped."""
    flat = [flatten(r) for r in rows]
    cols = _columns_for(flat, columns)
    lines = ["\t".join(c.key for c in cols)]
    lines += ["\t".join(tsv_escape(cell(row.get(c.key))) for c in cols) for row in flat]
    return "\n".join(lines) + "\n"


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """A GitHub Markdown table with neutralised cells."""

    def md(value: Any) -> str:
        return neutralise(cell(value)).replace("|", "\\|") or " "

    lines = ["| " + " | ".join(c.header for c in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(md(row.get(c.key)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"
