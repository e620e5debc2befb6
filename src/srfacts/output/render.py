"""Turn rows of records into text: a Rich table, JSON, JSON Lines, CSV, TSV or Markdown.

Nothing here reads files or decides exit codes; Rich is imported only when a table is drawn.
"""

import contextlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from srfacts.core.units import figure_text

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "markdown")

# Characters that a terminal may act on or that hide or reorder text: C0 and C1 controls,
# DEL, bidi embeddings, overrides and isolates, zero-width characters, line separators.
_FORMAT_CONTROLS = [0x061C, *range(0x200B, 0x2010), *range(0x2028, 0x202F), *range(0x2060, 0x206A), 0xFEFF]
_FORMAT_CONTROLS += range(0xFFF9, 0xFFFC)
# Translation tables (quicker to build and apply than a regular expression of these ranges).
_VISIBLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in [*range(0x20), *range(0x7F, 0xA0)]}
_VISIBLE.update({c: f"\\u{c:04x}" for c in _FORMAT_CONTROLS})
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in [*range(0x7F, 0xA0), *_FORMAT_CONTROLS]}
# Tag characters (U+E0000-E007F) are invisible and can smuggle text: written as surrogate-pair escapes.
_JSON_ESCAPES.update({c: f"\\udb40\\u{0xDC00 + (c & 0x3FF):04x}" for c in range(0xE0000, 0xE0080)})
_SURROGATES: dict[int, str] = {}  # lone surrogates (undecodable arguments), filled when first met
# Characters JSON strings escape, as json.dumps(ensure_ascii=False) writes them.
_JSON_STRING = {c: f"\\u{c:04x}" for c in range(0x20)}
_JSON_STRING.update({0x22: '\\"', 0x5C: "\\\\", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"})
SMALL_JSON = 500  # lists this long are written without importing json (quicker to start than its import)


class Column(NamedTuple):
    """A column of a flat rendering: the field it shows and its header."""

    key: str
    header: str


def neutralise(text: str) -> str:
    """Show control, bidi and zero-width characters as visible escapes (ESC -> \\x1b)."""

    text = text.translate(_VISIBLE)
    return "".join(_safe_char(c) for c in text) if _has_other_format_chars(text) else text


def _has_other_format_chars(text: str) -> bool:
    return not text.isascii() and any(unicodedata.category(c) in ("Cf", "Co", "Cs") for c in text)


def _safe_char(char: str) -> str:
    if unicodedata.category(char) not in ("Cf", "Co", "Cs"):
        return char
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def cell(value: Any) -> str:
    """A field value as flat text: lists joined with '; ', nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={cell(v)}" for k, v in value.items())
    return str(value)


NESTED_FIELDS = {"rank": ("scope", "scope_en", "position"), "derivation": ("formula", "inputs")}


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
        items = None
        if len(data) <= SMALL_JSON:
            with contextlib.suppress(TypeError):  # not plain data: json says what it cannot write
                items = ",\n".join(compact_json(item) for item in data)
        if items is None:
            import json

            items = ",\n".join(json.dumps(item, ensure_ascii=False, separators=(", ", ": ")) for item in data)
        return _json_escape(f"[\n{items}\n]") + "\n"
    import json

    return _json_escape(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def compact_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, separators=(", ", ": "))`` of plain data (str,
    int, float, bool, None, lists, tuples and str-keyed dicts), without importing json.

    TypeError for anything else.
    """
    if isinstance(value, str):
        return f'"{value.translate(_JSON_STRING)}"'
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

    return "".join(_json_escape(json.dumps(r, ensure_ascii=False, separators=(",", ":"))) + "\n" for r in rows)


def _json_escape(text: str) -> str:
    text = text.translate(_JSON_ESCAPES)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates, written as escapes
            if not _SURROGATES:
                _SURROGATES.update({c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)})
            text = text.translate(_SURROGATES)
    return text


def _columns_for(rows: Sequence[dict[str, Any]], columns: Sequence[Column] | None) -> list[Column]:
    if columns:
        return list(columns)
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return [Column(k, k) for k in keys]


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[Column] | None = None, *, safe: bool = False) -> str:
    """RFC 4180 CSV with a header of field names; ``safe`` neutralises controls (for a terminal)."""
    import csv

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


_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def tsv_escape(value: str) -> str:
    """Backslash-escape a TSV field so it stays on one line and in one column (reversible)."""
    text = "".join(_TSV_ESCAPES.get(c, c) for c in value).translate(_VISIBLE)
    return "".join(_safe_char(c) for c in text) if _has_other_format_chars(text) else text


def tsv_unescape(value: str) -> str:
    """Undo ``tsv_escape``."""
    names = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}

    def back(match: re.Match[str]) -> str:
        token = match.group(1)
        if token in names:
            return names[token]
        return chr(int(token[1:], 16))

    return re.sub(r"\\(\\|t|n|r|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})", back, value)


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


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: wide East Asian characters count two."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def plain_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None, group_by: str | None = None
) -> str:
    """An undecorated table for pipes: columns padded by display width, joined with ' | '."""
    cells = [[neutralise(cell(row.get(c.key))) for c in columns] for row in rows]
    widths = [display_width(c.header) for c in columns]
    for line in cells:
        widths = [max(w, display_width(v)) for w, v in zip(widths, line, strict=True)]

    def join(values: Sequence[str]) -> str:
        padded = [v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True)]
        return " | ".join(padded).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    out = [neutralise(title)] if title else []
    out += [join([c.header for c in columns]), rule]
    for index, line in enumerate(cells):
        if group_by and index and rows[index].get(group_by) != rows[index - 1].get(group_by):
            out.append(rule)
        out.append(join(line))
    return "\n".join(out) + "\n"


MIN_COLUMN = 8  # cells a wrapped column needs so that nothing in it is lost (a wide character takes two)


def _narrowest(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> int:
    """The narrowest terminal on which Rich can wrap every cell without dropping a character.

    Narrower than that, Rich would squeeze columns to nothing and Chinese text would vanish, so
    the plain table is written instead: every value whole, the terminal wrapping long lines.
    """
    need = 3 * (len(columns) - 1)
    for column in columns:
        widest = display_width(column.header)
        for row in rows:
            if widest >= MIN_COLUMN:
                break
            widest = max(widest, display_width(neutralise(cell(row.get(column.key)))))
        need += min(widest, MIN_COLUMN)
    return need


def to_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    color: bool = False,
    width: int | None = None,
    group_by: str | None = None,
    highlight: dict[tuple[int, str], list[tuple[int, int]]] | None = None,
) -> str:
    """A table as text. Every cell has its controls neutralised and is never read as markup.

    ``width`` None means piped: plain aligned text, no value cut or wrapped, and no Rich import.
    On a terminal Rich draws the table and wraps cells to ``width``. ``highlight`` maps a
    column key to spans to emphasise in every row's cell of that column (search matches).
    """
    if (width is None and not color) or (width is not None and width < _narrowest(rows, columns)):
        return plain_table(rows, columns, title=title, group_by=group_by)
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(neutralise(title)) if title else None,
        box=box.SIMPLE_HEAD if color else box.ASCII2,
        header_style="bold" if color else "",
        title_style="bold" if color else "",
        show_edge=False,
        pad_edge=False,
    )
    for column in columns:
        table.add_column(Text(column.header), overflow="fold", no_wrap=width is None)
    previous: Any = object()
    for index, row in enumerate(rows):
        if group_by and index and row.get(group_by) != previous:
            table.add_section()
        previous = row.get(group_by) if group_by else None
        cells = []
        for column in columns:
            raw = cell(row.get(column.key))
            text = Text(neutralise(raw))
            spans = (highlight or {}).get((index, column.key), [])
            for start, end in spans:  # spans of the raw text, moved past the escapes written before them
                if len(text) != len(raw):
                    start, end = len(neutralise(raw[:start])), len(neutralise(raw[:end]))
                text.stylize("bold reverse" if color else "", start, end)
            cells.append(text)
        table.add_row(*cells)
    buffer = io.StringIO()
    text_console(buffer, color=color, width=width).print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


COLUMNS: dict[str, tuple[Column, ...]] = {
    "source": (Column("id", "id"), Column("title", "title"), Column("authors", "authors"),
               Column("published", "published"), Column("file", "file")),
    "industry": (Column("tier", "tier"), Column("id", "id"), Column("name", "name"), Column("name_en", "name_en"),
                 Column("cluster", "千亿级 cluster"), Column("aliases", "aliases")),
    "metric": (Column("id", "id"), Column("name", "name"), Column("figure", "figure"), Column("period", "period"),
               Column("scope", "scope"), Column("rank", "rank"), Column("status", "status")),
    "claim": (Column("id", "id"), Column("kind", "kind"), Column("period", "period"), Column("text", "text")),
    "entity": (Column("id", "id"), Column("kind", "kind"), Column("name", "name"), Column("name_en", "name_en")),
}  # fmt: skip

# --lang en: the curated English fields under English headers (JSON is the same in both languages).
COLUMNS_EN: dict[str, tuple[Column, ...]] = {
    "source": (Column("id", "id"), Column("title_en", "title"), Column("authors_en", "authors"),
               Column("published", "published"), Column("file", "file")),
    "industry": (Column("tier", "tier"), Column("id", "id"), Column("name_en", "name"),
                 Column("cluster", "100-billion cluster"), Column("aliases_en", "aliases")),
    "metric": (Column("id", "id"), Column("name_en", "name"), Column("figure", "figure"), Column("period", "period"),
               Column("scope_en", "scope"), Column("rank", "rank"), Column("status", "status")),
    "claim": (Column("id", "id"), Column("kind", "kind"), Column("period", "period"), Column("text_en", "text")),
    "entity": (Column("id", "id"), Column("kind", "kind"), Column("name_en", "name"), Column("aliases_en", "aliases")),
}  # fmt: skip

LANGUAGES = ("zh", "en")


def columns_for(record_type: str, lang: str = "zh") -> tuple[Column, ...]:
    """The table columns of a record type in a language."""
    return (COLUMNS_EN if lang == "en" else COLUMNS)[record_type]


def unit_name(unit: Any, lang: str = "zh") -> str:
    """A unit as written (亿元), or its English name from the unit table (hundred million yuan)."""
    if lang != "en":
        return str(unit)
    from srfacts.core.units import UNITS

    spec = UNITS.get(str(unit))
    return spec.name_en if spec else str(unit)


def figure(row: dict[str, Any], lang: str = "zh") -> str:
    """A metric's value with its qualifier and unit: >90 家, ≥90 %, 5028.1 亿元 (English unit names in en)."""
    return figure_text(row.get("qualifier"), row.get("value"), unit_name(row.get("unit"), lang))


def display_row(row: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """A record mapping with the human forms a table shows (figure, rank, cluster)."""
    shown = dict(row)
    english = lang == "en"
    if row.get("type") == "metric" and "value" in row:
        shown["figure"] = figure(row, lang)
        rank = row.get("rank")
        shown["rank"] = f"{rank['scope_en' if english else 'scope']} #{rank['position']}" if rank else ""
    if row.get("type") == "industry":
        shown["cluster"] = ("100-billion" if english else "千亿级") if row.get("cluster") else ""
    return shown


def record_fields(record_type: str) -> tuple[str, ...]:
    """The JSON fields of a record type, in output order: ``id``, ``type``, then the model's."""
    from srfacts.core.records import Claim, Entity, Industry, Metric, Source

    names = {
        "source": Source._fields,
        "industry": Industry._fields,
        "metric": Metric._fields,
        "claim": Claim._fields,
        "entity": Entity._fields,
    }[record_type]
    return ("id", "type", *names[1:])


def parse_fields(text: str, available: Sequence[str]) -> tuple[str, ...]:
    """``--fields id,value,unit`` as a tuple; an unknown field is a usage error listing those available."""
    from srfacts.core.errors import UsageError

    wanted = tuple(dict.fromkeys(f.strip() for f in text.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in available]
    if unknown or not wanted:
        close = difflib_close(unknown[0], available) if unknown else ""
        what = f"unknown field '{unknown[0]}'{close}" if unknown else "no field named"
        raise UsageError(f"{what}; available fields: {', '.join(available)}")
    return wanted


def difflib_close(word: str, candidates: Sequence[str]) -> str:
    """`` (did you mean x?)`` for a near miss, else ''."""
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def select_fields(rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> list[dict[str, Any]]:
    """Each row cut to ``fields``, in that order (a field a row lacks is None)."""
    return [{f: row.get(f) for f in fields} for row in rows]


def render(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[Column],
    *,
    title: str | None = None,
    color: bool = False,
    width: int | None = None,
    tty: bool = False,
    group_by: str | None = None,
    fields: Sequence[str] | None = None,
    lang: str = "zh",
) -> str:
    """Render a listing in one of ``FORMATS``: JSON formats carry every field, the others ``columns``.

    ``fields`` (``--fields``) cuts every format to those fields, in that order; ``lang`` "en"
    draws tables from the English fields (JSON, CSV and TSV are the same in both languages).
    """
    if fields:
        if fmt in ("table", "markdown"):
            shown = select_fields((display_row(r, lang) for r in rows), fields)
            columns = [Column(f, f) for f in fields]
            group_by = group_by if group_by in fields else None
        rows = select_fields(rows, fields)
    if fmt == "json":
        return to_json(list(rows))
    if fmt == "jsonl":
        return to_jsonl(rows)
    if fmt == "csv":
        return to_csv(rows, safe=tty)
    if fmt == "tsv":
        return to_tsv(rows)
    if not fields:
        shown = [display_row(r, lang) for r in rows]
    if fmt == "markdown":
        return to_markdown(shown, columns)
    return to_table(shown, columns, title=title, color=color, width=width, group_by=group_by)


TIMELINE_COLUMNS = (
    Column("period", "period"),
    Column("type", "type"),
    Column("kind", "kind / status"),
    Column("id", "id"),
    Column("label", "name / text"),
    Column("figure", "figure"),
)
TIMELINE_COLUMNS_EN = tuple(Column("label_en", c.header) if c.key == "label" else c for c in TIMELINE_COLUMNS)
TIMELINE_FIELDS = ("period", "year_start", "year_end", "type", "id", "kind", "label", "label_en", "figure")

HIT_COLUMNS = (
    Column("type", "type"),
    Column("id", "id"),
    Column("label", "name / text"),
    Column("detail", "detail"),
    Column("matched", "matched"),
)
_LABEL_FIELDS = ("name", "text", "title")
_LABEL_FIELDS_EN = ("name_en", "text_en", "title_en")


def _detail(row: dict[str, Any], lang: str = "zh") -> str:
    if row.get("type") == "metric":
        period = f" ({row['period']})" if row.get("period") else ""
        return figure(row, lang) + period
    return str(row.get("kind") or row.get("tier") or row.get("published") or "")


MATCHES_SHOWN = 3  # distinct matched texts a table row shows (JSON has them all)


def _distinct_matches(matches: Sequence[Any]) -> list[Any]:
    """The first match of each distinct text, at most ``MATCHES_SHOWN`` (a table row stays short)."""
    seen: dict[str, Any] = {}
    for match in matches:
        seen.setdefault(match.text.casefold(), match)
    return list(seen.values())[:MATCHES_SHOWN]


def search_fields() -> tuple[str, ...]:
    """Every field a search hit can carry: the fields of every record type, ``score`` and ``matched``."""
    from srfacts.core.records import RECORD_TYPES

    names = [f for record_type in RECORD_TYPES for f in record_fields(record_type)]
    return (*dict.fromkeys(names), "score", "matched")


def hits_view(
    hits: Sequence[Any], fmt: str, lang: str = "zh"
) -> tuple[list[dict[str, Any]], tuple[Column, ...], dict[tuple[int, str], list[tuple[int, int]]]]:
    """Search hits as rows for ``fmt``: full records for JSON, a summary otherwise, plus table highlights."""
    if fmt in ("json", "jsonl"):
        return [h.to_dict() for h in hits], HIT_COLUMNS, {}
    rows: list[dict[str, Any]] = []
    spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    label_fields = _LABEL_FIELDS_EN if lang == "en" else _LABEL_FIELDS
    for index, hit in enumerate(hits):
        record = hit.record.to_dict()
        label = hit.record.label_en if lang == "en" else hit.record.label
        matched = _distinct_matches([m for m in hit.matches if m.field not in label_fields])
        rows.append(
            {
                "type": hit.record.TYPE,
                "id": hit.record.id,
                "score": hit.score,
                "label": label,
                "label_en": hit.record.label_en,
                "detail": _detail(record, lang),
                "matched": "; ".join(f"{m.field}: {m.text}" for m in matched),
            }
        )
        spans[(index, "label")] = [(m.start, m.end) for m in hit.matches if m.field in label_fields]
    return rows, HIT_COLUMNS, spans


_VIEW_SKIP = ("related", "context")
# In English, a field whose curated English twin is shown (name -> name_en) is left out of `show`.
_CHINESE_TWINS = ("name", "text", "title", "scope", "aliases", "authors", "rank_scope")


def record_view(
    shown: dict[str, Any],
    fmt: str,
    *,
    color: bool = False,
    width: int | None = None,
    tty: bool = False,
    fields: Sequence[str] | None = None,
    lang: str = "zh",
) -> str:
    """One record in full: JSON object, one JSONL/CSV/TSV row, or field/value tables.

    ``fields`` keeps only those fields (``related`` and ``context`` included only when named);
    ``lang`` "en" shows the English fields in the tables and leaves out their Chinese twins.
    """
    title = f"{shown.get('type')} {shown.get('id')}"
    if fields:
        shown = {f: shown.get(f) for f in fields}
    if fmt == "json":
        return to_json(shown)
    if fmt == "jsonl":
        return to_jsonl([shown])
    flat = {k: v for k, v in shown.items() if k != "related"}
    if "related" in shown:
        flat["related"] = [r["id"] for r in shown.get("related") or []]
    if fmt == "csv":
        return to_csv([flat], safe=tty)
    if fmt == "tsv":
        return to_tsv([flat])
    english = lang == "en"
    flat_shown = flatten(shown)
    fields_shown = [
        {"field": k, "value": f"{cell(v)} ({unit_name(v, lang)})" if english and k == "unit" else cell(v)}
        for k, v in flat_shown.items()
        if k not in _VIEW_SKIP
        and v not in (None, [], "")
        and not (english and k in _CHINESE_TWINS and flat_shown.get(f"{k}_en") not in (None, [], ""))
    ]
    label = "label_en" if english else "label"
    related = [{"id": r["id"], "type": r["type"], "label": r[label]} for r in shown.get("related") or []]
    pair = (Column("field", "field"), Column("value", "value"))
    linked = (Column("id", "id"), Column("type", "type"), Column("label", "name / text"))
    if fmt == "markdown":
        out = to_markdown(fields_shown, pair)
        if shown.get("context"):
            context = shown["context"]
            sentence, start, end = neutralise(context["sentence"]), context["start"], context["end"]
            out += f"\n> {sentence[:start]}**{sentence[start:end]}**{sentence[end:]}\n"
        return out + ("\n**Related**\n\n" + to_markdown(related, linked) if related else "")
    out = to_table(fields_shown, pair, title=title, color=color, width=width)
    context = shown.get("context")
    if context:
        out += "\n" + quote_in_context(context, color=color, width=width)
    if related:
        out += "\n" + to_table(related, linked, title="related", color=color, width=width)
    return out


def quote_in_context(context: dict[str, Any], *, color: bool = False, width: int | None = None) -> str:
    """The source sentence with the quoted span emphasised (marked «like this» without colour)."""
    from rich.text import Text

    sentence, start, end = str(context["sentence"]), int(context["start"]), int(context["end"])
    if not color and width is None:
        return "in the source: " + neutralise(f"{sentence[:start]}«{sentence[start:end]}»{sentence[end:]}") + "\n"
    if color:
        text = Text(neutralise(sentence[:start]))
        text.append(neutralise(sentence[start:end]), style="bold reverse")
        text.append(neutralise(sentence[end:]))
    else:
        text = Text(neutralise(f"{sentence[:start]}«{sentence[start:end]}»{sentence[end:]}"))
    buffer = io.StringIO()
    text_console(buffer, color=color, width=width).print(Text("in the source: ", style="bold" if color else "") + text)
    return buffer.getvalue()


def render_hits(
    hits: Sequence[Any],
    fmt: str,
    lang: str = "zh",
    fields: str | None = None,
    *,
    color: bool = False,
    width: int | None = None,
    tty: bool = False,
) -> str:
    """Search hits in ``fmt``: whole records (plus score and matches) as JSON, a summary with the
    matched text highlighted as a table, or just the ``--fields`` asked for."""
    if fields:
        picked = parse_fields(fields, search_fields())
        return render([h.to_dict() for h in hits], fmt, (), color=color, width=width, tty=tty, fields=picked)
    rows, columns, spans = hits_view(hits, fmt, lang)
    if fmt == "table":
        return to_table(rows, columns, color=color, width=width, highlight=spans)
    return render(rows, fmt, columns, tty=tty)


def text_console(buffer: io.StringIO, *, color: bool, width: int | None) -> "Console":
    """A Rich console writing into ``buffer``: never markup, emoji or highlighting; colour only if asked.

    ``width`` None means unlimited (piped output is never cut or wrapped).
    """
    from rich.console import Console

    return Console(
        file=buffer,
        width=width or 100_000,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        legacy_windows=False,
    )
