"""Citing facts: each fact as stated with its verbatim quote, and the reference of its source in
GB/T 7714-2015, APA (7th edition), BibTeX or CSL-JSON (which Zotero and pandoc import).

A reference holds only what the source record holds: authors (and their roles, where the record
gives them), title (and its English translation), year, and any outlet or date the record has.
Nothing is made up: a field the record lacks is left out, never filled with a placeholder.
"""

import re
from collections.abc import Sequence
from typing import Any

from srfacts.core.units import figure_text
from srfacts.output.formats import to_json
from srfacts.output.safe import neutralise

STYLES = ("gbt7714", "apa", "bibtex", "csl-json")


def default_style(lang: str) -> str:
    """GB/T 7714 for Chinese, APA for English."""
    return "apa" if lang == "en" else "gbt7714"


def fact(record: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """A record as a cited fact: what it states (a metric's figure as stated), period and quote."""
    english = lang == "en"
    label = record.get("name_en" if english else "name") or record.get("text_en" if english else "text") or ""
    out: dict[str, Any] = {"id": record.get("id"), "type": record.get("type"), "statement": label}
    if record.get("type") == "metric":
        out["figure"] = figure_text(record.get("qualifier"), record.get("value"), str(record.get("unit") or ""))
    out["period"] = record.get("period")
    out["quote"] = record.get("quote")
    out["source"] = record.get("source")
    return out


def _split(name_en: str) -> tuple[str, str]:
    """An English rendering of a Chinese name as (family, given): "Li Pengfei" -> ("Li", "Pengfei")."""
    parts = name_en.split()
    return (parts[0], " ".join(parts[1:])) if len(parts) > 1 else (name_en, "")


def _year(source: dict[str, Any]) -> str | None:
    found = re.search(r"(?:19|20)[0-9]{2}", str(source.get("published") or ""))
    return found.group() if found else None


def _authors_zh(source: dict[str, Any]) -> list[str]:
    roles = list(source.get("author_roles") or [])
    names = list(source.get("authors") or [])
    return [f"{name}({roles[i]})" if i < len(roles) and roles[i] else name for i, name in enumerate(names)]


def gbt7714(source: dict[str, Any]) -> str:
    """GB/T 7714-2015: 主要责任者. 题名[文献类型标识]. 出版者或报刊名, 年份."""
    parts = ", ".join(_authors_zh(source))
    head = f"{parts}. " if parts else ""
    outlet = source.get("outlet")
    tail = ", ".join(str(p) for p in (outlet, source.get("published") or _year(source)) if p)
    return f"{head}{source.get('title')}[N]. {tail}." if tail else f"{head}{source.get('title')}[N]."


def apa(source: dict[str, Any]) -> str:
    """APA 7: Family, G., & Family, G. (Year). Original title [English title]. Outlet."""
    names = []
    for name in source.get("authors_en") or []:
        family, given = _split(str(name))
        initials = " ".join(f"{g[0]}." for g in given.replace("-", " ").split() if g)
        names.append(f"{family}, {initials}".strip(", ") if initials else family)
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f", & {names[-1]}" if names else ""
    year = _year(source) or "n.d."
    title = str(source.get("title") or "")
    translated = f" [{source.get('title_en')}]" if source.get("title_en") else ""
    outlet = f" {source.get('outlet')}." if source.get("outlet") else ""
    return f"{authors} ({year}). {title}{translated}.{outlet}".strip()


_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: LaTeX specials escaped, braces balanced by escaping."""
    return re.sub(r"[{}\\%&$#_^~]", lambda m: _BIBTEX_SPECIAL.get(m.group(), "\\" + m.group()), text)


def bibtex(source: dict[str, Any]) -> str:
    """A BibTeX ``@misc`` entry (no outlet is named, so not ``@article``)."""
    year = _year(source)
    first = _split(str((source.get("authors_en") or ["source"])[0]))[0].lower()
    key = re.sub(r"[^a-z0-9]", "", f"{first}{year or ''}{source.get('id', '')}")
    fields = {
        "author": " and ".join(str(a) for a in source.get("authors") or []),
        "title": str(source.get("title") or ""),
        "year": year,
        "note": f"English title: {source['title_en']}" if source.get("title_en") else None,
        "howpublished": str(source["outlet"]) if source.get("outlet") else None,
        "language": "chinese",
    }
    body = ",\n".join(f"  {name} = {{{_bibtex_escape(str(value))}}}" for name, value in fields.items() if value)
    return f"@misc{{{key},\n{body}\n}}"


def csl_json(source: dict[str, Any]) -> dict[str, Any]:
    """One CSL-JSON item (``article-newspaper``): family and given names from the English rendering,
    which says where the family name ends (Li Pengfei -> 李 + 鹏飞)."""
    authors = []
    for zh, en in zip(source.get("authors") or [], source.get("authors_en") or [], strict=False):
        family_en, given_en = _split(str(en))
        size = len(family_en.replace("-", " ").split()) if family_en else 1
        size = min(size, max(1, len(zh) - 1))
        authors.append({"family": zh[:size], "given": zh[size:], "family-en": family_en, "given-en": given_en})
    item: dict[str, Any] = {
        "id": source.get("id"),
        "type": "article-newspaper",
        "title": source.get("title"),
        "author": [{"family": a["family"], "given": a["given"]} for a in authors],
        "language": "zh-CN",
    }
    year = _year(source)
    if year:
        item["issued"] = {"date-parts": [[int(year)]]}
    if source.get("title_en"):
        item["note"] = f"English title: {source['title_en']}"
    if source.get("outlet"):
        item["container-title"] = source["outlet"]
    return item


def reference(source: dict[str, Any], style: str) -> str:
    """The reference of a source in a style (CSL-JSON as the JSON text of a one-item list)."""
    if style == "gbt7714":
        return gbt7714(source)
    if style == "apa":
        return apa(source)
    if style == "bibtex":
        return bibtex(source)
    if style == "csl-json":
        return to_json([csl_json(source)]).rstrip("\n")
    raise ValueError(f"unknown citation style {style!r}")


def _stated(item: dict[str, Any]) -> str:
    statement = str(item.get("statement") or "") + (f": {item['figure']}" if item.get("figure") else "")
    return statement + (f" ({item['period']})" if item.get("period") else "")


def _csl_items(facts: Sequence[dict[str, Any]], sources: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One CSL item per source; the facts cited from it, with their quotes, in its ``note``."""
    items = []
    for source in sources:
        item = csl_json(source)
        cited = [f"{_stated(f)}: “{f['quote']}”" for f in facts if f.get("source") == source.get("id")]
        if cited:
            item["note"] = "\n".join([*([item["note"]] if item.get("note") else []), *cited])
        items.append(item)
    return items


def citation_text(facts: Sequence[dict[str, Any]], sources: Sequence[dict[str, Any]], style: str, lang: str) -> str:
    """The facts as stated with their quotes, then one reference per source, safe for a terminal.

    BibTeX carries the facts as comment lines before its entries (a .bib file ignores them);
    CSL-JSON is one JSON list (Zotero and pandoc import it), the facts in each item's ``note``.
    """
    if style == "csl-json":
        return to_json(_csl_items(facts, sources))
    lines: list[str] = []
    comment = "% " if style == "bibtex" else ""
    for number, item in enumerate(facts, 1):
        lines.append(f"{comment}[{number}] {_stated(item)}")
        if item.get("quote"):
            lines.append(f"{comment}    “{item['quote']}”")
    if style == "bibtex":
        # outside an entry every line is a comment, except one holding "@" (it would start an entry)
        lines = [line.replace("@", "＠") for line in lines]
    else:
        lines.append("")
        lines.append(
            "Reference:" if lang == "en" and len(sources) == 1 else "References:" if lang == "en" else "参考文献："
        )
    lines.extend(reference(source, style) for source in sources)
    return "".join(neutralise(line) + "\n" for line in "\n".join(lines).split("\n"))


def citation_json(facts: Sequence[dict[str, Any]], sources: Sequence[dict[str, Any]], style: str) -> str:
    """The facts and their sources' references as JSON: ``facts``, ``references`` (one per source,
    ``text`` in the style asked for), and ``csl`` (the CSL-JSON items)."""
    references = [{"source": s.get("id"), "style": style, "text": reference(s, style)} for s in sources]
    return to_json({"style": style, "facts": list(facts), "references": references, "csl": _csl_items(facts, sources)})
