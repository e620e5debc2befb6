"""How ``ask`` shows its answer: the figure as stated, period, scope and rank, the verbatim quote
and its source, then the other likely records (or, when no answer is clearly ahead, the
candidates as such). Plain text; every value passes through ``neutralise``."""

from typing import Any

from srfacts.core.i18n import N_, label, tr
from srfacts.output.formats import to_json
from srfacts.output.safe import neutralise
from srfacts.output.views import figure
from srfacts.search.answer import Answer

# What the answer's parts are called (English msgids; the catalogue has them in Chinese).
LABELS = {
    "period": N_("period"),
    "scope": N_("scope"),
    "rank": N_("rank"),
    "source": N_("source"),
    "others": N_("Other likely records"),
    "unclear": N_("No record is clearly the best answer; the candidates"),
    "more": N_("more"),
}


def answer_text(found: Answer, lang: str = "zh") -> str:
    """The answer as lines of text."""
    words = {key: tr(text, lang) for key, text in LABELS.items()}
    words["target"] = label("status", "target", lang)
    english = lang == "en"
    best = found.best.to_dict()
    lines: list[str] = []
    colon = ":" if english else "："
    if not found.clear:
        lines.append(f"{words['unclear']}{colon}")
        lines.append("")
    lines.append(_headline(best, english))
    facts = _facts(best, words, english)
    if facts:
        lines.append("  " + " · ".join(facts))
    if best.get("quote"):
        lines.append(f"  “{best['quote']}”")
    if found.source is not None:
        lines.append(f"  {words['source']}{colon}{_citation(found.source.to_dict(), english)}")
    lines.append(f"  {words['more']}{colon}srfacts show {best['id']}")
    if found.others:
        lines.append("")
        lines.append(f"{words['others']}{colon}")
        for hit in found.others:
            row = hit.to_dict()
            lines.append(f"  {row['id']}  {_headline(row, english)}")
    return "\n".join(neutralise(line) for line in lines) + "\n"


def answer_json(found: Answer) -> str:
    """The answer as one JSON object."""
    return to_json(found.to_dict())


def _headline(row: dict[str, Any], english: bool) -> str:
    label = str(row.get("name_en" if english else "name") or row.get("text_en" if english else "text") or "")
    label = label or str(row.get("title_en" if english else "title") or row.get("id"))
    if row.get("type") == "metric":
        return f"{label}: {figure(row, 'en')}" if english else f"{label}：{figure(row, 'zh')}"
    return label


def _facts(row: dict[str, Any], words: dict[str, str], english: bool) -> list[str]:
    out: list[str] = []
    if row.get("period"):
        out.append(f"{words['period']} {row['period']}")
    scope = row.get("scope_en" if english else "scope")
    if scope:
        out.append(f"{words['scope']} {scope}")
    rank = row.get("rank")
    if rank:
        where = rank.get("scope_en" if english else "scope")
        out.append(
            f"{words['rank']} {where} #{rank['position']}"
            if english
            else f"{words['rank']} {where}第{rank['position']}"
        )
    if row.get("status") == "target":
        out.append(words["target"])
    return out


def _citation(source: dict[str, Any], english: bool) -> str:
    """Authors (with the roles the byline states), title and year of a source."""
    names = list(source.get("authors_en" if english else "authors") or source.get("authors") or [])
    roles = list(source.get("author_roles_en" if english else "author_roles") or [])
    authors = [_with_role(name, roles[i] if i < len(roles) else "", english) for i, name in enumerate(names)]
    title = source.get("title_en" if english else "title") or source.get("title")
    joiner = ", " if english else "、"
    return f"{joiner.join(authors)}. {title} ({source.get('published')})"


def _with_role(name: str, role: str, english: bool) -> str:
    if not role:
        return name
    return f"{name} ({role})" if english else f"{name}（{role}）"
