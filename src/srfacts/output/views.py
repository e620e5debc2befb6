"""Views: what a listing, a record or a search hit looks like in each format and language.

Table columns, headers and ``--fields`` names come from the spec (``srfacts.core.spec``); a
table shows human forms (the figure with its qualifier and unit, a rank as 江西省 #2); JSON is
the same in both languages.
"""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from srfacts.core.errors import InvalidValueError
from srfacts.core.i18n import H_, heading, label, tr
from srfacts.core.spec import FIELDS, RECORD_SPECS
from srfacts.core.units import UNITS, english_figure, figure_text
from srfacts.output.formats import NESTED_FIELDS, Column, flatten, to_csv, to_json, to_jsonl, to_markdown, to_tsv
from srfacts.output.safe import cell, neutralise


def columns_for(record_type: str, lang: str = "zh") -> tuple[Column, ...]:
    """The table columns of a record type in a language (``--lang en``: the curated English fields
    under English headers), from its spec."""
    return tuple(Column(f.name, f.heading(lang)) for f in RECORD_SPECS[record_type].column_fields(lang))


def unit_name(unit: Any, lang: str = "zh") -> str:
    """A unit as written (亿元), or its English name from the unit table (hundred million yuan)."""
    if lang != "en":
        return str(unit)
    known = UNITS.get(str(unit))
    return known.name_en if known else str(unit)


def figure(row: dict[str, Any], lang: str = "zh") -> str:
    """A metric's value with its qualifier and unit: >90 家, ≥90 %, 5028.1 亿元; in English as English
    writes it (502.81 billion yuan, more than 90 enterprises)."""
    if lang == "en" and row.get("value") is not None:
        from decimal import Decimal  # English figures only: a Chinese run starts without it

        return english_figure(row.get("qualifier"), Decimal(str(row["value"])), str(row.get("unit") or ""))
    return figure_text(row.get("qualifier"), row.get("value"), str(row.get("unit") or ""))


# Fields whose value is one of a spec's choices: a Chinese table shows its label (tier leading: 主导).
CHOICE_FIELDS = ("type", "tier", "status", "kind", "qualifier")


def display_row(row: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """A record mapping with the human forms a table shows (figure, rank, cluster, choices' labels)."""
    shown = dict(row)
    english = lang == "en"
    if not english:
        for name in CHOICE_FIELDS:
            if isinstance(row.get(name), str):  # a metric's kind (in the timeline) is its status
                of = "status" if name == "kind" and row.get("type") == "metric" else name
                shown[name] = label(of, row[name], lang)
    if row.get("type") == "metric" and "value" in row:
        shown["figure"] = figure(row, lang)
        rank = row.get("rank")
        shown["rank"] = f"{rank['scope_en' if english else 'scope']} #{rank['position']}" if rank else ""
    if row.get("type") == "industry":
        shown["cluster"] = tr("100-billion", lang) if row.get("cluster") else ""
    return shown


def record_fields(record_type: str) -> tuple[str, ...]:
    """The JSON fields of a record type, in output order: ``id``, ``type``, then its spec's."""
    return ("id", "type", *RECORD_SPECS[record_type].names[1:])


def shown_names(record_type: str) -> dict[str, str]:
    """The names a table shows for a record type's columns (headers in both languages, and the
    computed columns such as ``figure``), each with the field it names."""
    names: dict[str, str] = {}
    for lang in ("zh", "en"):
        for column in columns_for(record_type, lang):
            names.setdefault(column.key, column.key)
            names.setdefault(column.header, column.key)
            names.setdefault(column.header.casefold(), column.key)
    return names


def parse_fields(text: str, available: Sequence[str], names: dict[str, str] | None = None) -> tuple[str, ...]:
    """``--fields id,value,unit`` as a tuple; an unknown field is a usage error listing those available.

    ``names`` maps the other names a field goes by (the table's headers) to the field; a field's
    Chinese header names it too (``编号`` is ``id``)."""
    names = {**{heading(f, "zh"): f for f in available}, **(names or {})}
    asked = (f.strip() for f in text.split(",") if f.strip())
    wanted = tuple(dict.fromkeys(f if f in available else names.get(f, names.get(f.casefold(), f)) for f in asked))
    available = (*available, *(key for key in dict.fromkeys(names.values()) if key not in available))
    unknown = [f for f in wanted if f not in available]
    if unknown or not wanted:
        close = difflib_close(unknown[0], available) if unknown else ""
        what = f"unknown field '{unknown[0]}'{close}" if unknown else "no field named"
        raise InvalidValueError(f"{what}; available fields: {', '.join(available)}")
    return wanted


def difflib_close(word: str, candidates: Sequence[str]) -> str:
    """`` (did you mean x?)`` for a near miss, else ''."""
    import difflib  # only for a wrong name: most runs never need it

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
    wide: bool = False,
) -> str:
    """Render a listing in one of ``FORMATS``: JSON, CSV and TSV carry every field, a table or
    Markdown ``columns``.

    ``fields`` (``--fields``) cuts every format to those fields, in that order; ``lang`` "en"
    draws tables from the English fields (JSON, CSV and TSV are the same in both languages).
    """
    if fields:
        if fmt in ("table", "markdown"):
            shown = select_fields((display_row(r, lang) for r in rows), fields)
            columns = [Column(f, heading(f, lang)) for f in fields]
            group_by = group_by if group_by in fields else None
        rows = select_fields(({**display_row(r, lang), **r} for r in rows), fields)  # computed columns too
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
    from srfacts.output.tables import to_table  # tables only for people: a JSON run never draws one

    return to_table(shown, columns, title=title, color=color, width=width, group_by=group_by, wide=wide)


TIMELINE_COLUMNS = (
    Column("period", H_("period")),
    Column("type", H_("type")),
    Column("kind", H_("kind / status")),
    Column("id", H_("id")),
    Column("label", H_("name / text")),
    Column("figure", H_("figure")),
)
TIMELINE_COLUMNS_EN = tuple(Column("label_en", c.header) if c.key == "label" else c for c in TIMELINE_COLUMNS)
TIMELINE_FIELDS = ("period", "year_start", "year_end", "type", "id", "kind", "label", "label_en", "figure")

HIT_COLUMNS = (
    Column("type", H_("type")),
    Column("id", H_("id")),
    Column("label", H_("name / text")),
    Column("detail", H_("detail")),
    Column("matched", H_("matched")),
)


def localized(columns: Sequence[Column], lang: str) -> tuple[Column, ...]:
    """``columns`` with their headers in ``lang``."""
    return tuple(Column(c.key, heading(c.header, lang)) for c in columns)


_LABEL_FIELDS = ("name", "text", "title")
_LABEL_FIELDS_EN = ("name_en", "text_en", "title_en")


def _detail(row: dict[str, Any], lang: str = "zh") -> str:
    if row.get("type") == "metric":
        period = f" ({row['period']})" if row.get("period") else ""
        return figure(row, lang) + period
    for name in ("kind", "tier"):
        if row.get(name):
            return label(name, str(row[name]), lang)
    return str(row.get("published") or "")


MATCHES_SHOWN = 3  # distinct matched texts a table row shows (JSON has them all)


def _distinct_matches(matches: Sequence[Any]) -> list[Any]:
    """The first match of each distinct text, at most ``MATCHES_SHOWN`` (a table row stays short)."""
    seen: dict[str, Any] = {}
    for match in matches:
        seen.setdefault(match.text.casefold(), match)
    return list(seen.values())[:MATCHES_SHOWN]


def search_fields() -> tuple[str, ...]:
    """Every field a search hit can carry: the fields of every record type, ``score`` and ``matched``."""
    names = [f for record_type in RECORD_SPECS for f in record_fields(record_type)]
    return (*dict.fromkeys(names), H_("score"), H_("matched"))


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
        name = hit.record.label_en if lang == "en" else hit.record.label
        matched = _distinct_matches([m for m in hit.matches if m.field not in label_fields])
        rows.append(
            {
                "type": label("type", hit.record.TYPE, lang),
                "id": hit.record.id,
                "score": hit.score,
                "label": name,
                "label_en": hit.record.label_en,
                "detail": _detail(record, lang),
                "matched": "; ".join(f"{m.field}: {m.text}" for m in matched),
            }
        )
        spans[(index, "label")] = [(m.start, m.end) for m in hit.matches if m.field in label_fields]
    return rows, localized(HIT_COLUMNS, lang), spans


_VIEW_SKIP = (H_("related"), H_("context"))
# In English, a field whose curated English twin is shown (name -> name_en) is left out of `show`.
_CHINESE_TWINS = {name for name in FIELDS if f"{name}_en" in FIELDS} | {
    f"{name}_{key}" for name, keys in NESTED_FIELDS.items() for key in keys if f"{key}_en" in keys
}


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
    title = f"{label('type', str(shown.get('type') or ''), lang)} {shown.get('id')}"
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
        {"field": heading(k, lang), "value": _field_value(k, v, lang)}
        for k, v in flat_shown.items()
        if k not in _VIEW_SKIP
        and v not in (None, [], "")
        and not (english and k in _CHINESE_TWINS and flat_shown.get(f"{k}_en") not in (None, [], ""))
    ]
    if english and shown.get("type") == "metric" and shown.get("value") is not None and "value" in shown:
        at = next((i for i, f in enumerate(fields_shown) if f["field"] == "value"), len(fields_shown))
        fields_shown.insert(at, {"field": "figure", "value": figure(shown, "en")})
    named = "label_en" if english else "label"
    related = [
        {"id": r["id"], "type": label("type", r["type"], lang), "label": r[named]} for r in shown.get("related") or []
    ]
    pair = localized((Column("field", H_("field")), Column("value", H_("value"))), lang)
    linked = localized((Column("id", H_("id")), Column("type", H_("type")), Column("label", H_("name / text"))), lang)
    if fmt == "markdown":
        out = to_markdown(fields_shown, pair)
        if shown.get("context"):
            context = shown["context"]
            sentence, start, end = neutralise(context["sentence"]), context["start"], context["end"]
            out += f"\n> {sentence[:start]}**{sentence[start:end]}**{sentence[end:]}\n"
        heading_related = tr("Related", lang)
        return out + (f"\n**{heading_related}**\n\n" + to_markdown(related, linked) if related else "")
    from srfacts.output.tables import to_table  # tables only for people: a JSON run never draws one

    out = to_table(fields_shown, pair, title=title, color=color, width=width, wide=True)
    context = shown.get("context")
    if context:
        out += "\n" + quote_in_context(context, color=color, width=width, lang=lang)
    if related:
        out += "\n" + to_table(related, linked, title=tr("related", lang), color=color, width=width, wide=True)
    return out


def _field_value(name: str, value: Any, lang: str) -> str:
    """A value as ``show`` lists it: a unit with its English name in English, a choice's label in Chinese."""
    if lang == "en":
        return f"{cell(value)} ({unit_name(value, lang)})" if name == "unit" else cell(value)
    return label(name, value, lang) if name in CHOICE_FIELDS and isinstance(value, str) else cell(value)


def records_view(shown: Sequence[dict[str, Any]], fmt: str, **settings: Any) -> str:
    """Several records in full: a JSON array, JSON Lines, one CSV or TSV table, or each record's view."""
    fields = settings.get("fields")
    picked = [{f: s.get(f) for f in fields} if fields else s for s in shown]
    if fmt == "json":
        return to_json(picked)
    if fmt in ("csv", "tsv"):
        flat = [{k: v for k, v in s.items() if k not in _VIEW_SKIP} for s in picked]
        keys = list(dict.fromkeys(k for row in flat for k in row))
        rows = [{k: row.get(k) for k in keys} for row in flat]
        return to_csv(rows, safe=bool(settings.get("tty"))) if fmt == "csv" else to_tsv(rows)
    return "\n".join(record_view(s, fmt, **settings) for s in shown)


def quote_in_context(
    context: dict[str, Any], *, color: bool = False, width: int | None = None, lang: str = "zh"
) -> str:
    """The source sentence with the quoted span emphasised (marked «like this» without colour)."""
    from rich.text import Text

    sentence, start, end = str(context["sentence"]), int(context["start"]), int(context["end"])
    introduction = tr("in the source: ", lang)
    if not color and width is None:
        return introduction + neutralise(f"{sentence[:start]}«{sentence[start:end]}»{sentence[end:]}") + "\n"
    if color:
        text = Text(neutralise(sentence[:start]))
        text.append(neutralise(sentence[start:end]), style="bold reverse")
        text.append(neutralise(sentence[end:]))
    else:
        text = Text(neutralise(f"{sentence[:start]}«{sentence[start:end]}»{sentence[end:]}"))
    buffer = io.StringIO()
    from srfacts.output.tables import text_console  # (only on a terminal)

    console = text_console(buffer, color=color, width=width)
    shown = Text(introduction, style="bold" if color else "") + text
    if width:  # lines broken by the rules of Chinese typography, never before a closing mark
        from rich.cells import cell_len  # (on a terminal only, as Rich is)

        from srfacts.output.wrap import break_offsets

        shown = Text("\n").join(shown.divide(break_offsets(shown.plain, width, cell_len)))
    console.print(shown)
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
    wide: bool = False,
) -> str:
    """Search hits in ``fmt``: whole records (plus score and matches) as JSON, a summary with the
    matched text highlighted as a table, or just the ``--fields`` asked for."""
    if fields:
        picked = parse_fields(fields, search_fields())
        rows = [h.to_dict() for h in hits]
        return render(rows, fmt, (), color=color, width=width, tty=tty, fields=picked, wide=wide)
    rows, columns, spans = hits_view(hits, fmt, lang)
    if fmt == "table":  # at 80 columns the type goes before the name is cut too short
        from srfacts.output.tables import to_table  # tables only for people: a JSON run never draws one

        return to_table(rows, columns, color=color, width=width, highlight=spans, wide=wide, optional=("type",))
    return render(rows, fmt, columns, tty=tty)
