"""The synonym groups and the glossary, checked against the records (SR112-SR115).

Every synonym term occurs in some record; no term is in two groups; no glossary term is listed
twice; and every English field follows the glossary: where a Chinese field holds a glossary term,
its English twin uses the term's established English (or one of its forms).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any

from srfacts.core.errors import clip
from srfacts.core.records import Record
from srfacts.core.spec import FIELDS, GLOSSARY, RECORD_SPECS, SYNONYMS
from srfacts.core.values import GlossaryTerm, Rank, SynonymGroup
from srfacts.data.fields import Checker
from srfacts.data.yaml_reader import YamlMap

# The prose fields of the records (names, texts, scopes, aliases, quote, note; both languages): a
# synonym term must occur in one of them, in some record.
_PROSE = {f.name for spec in RECORD_SPECS.values() for f in spec.text_fields}
TEXT_FIELDS = tuple(name for name in FIELDS if name in _PROSE)
# Each Chinese field with its English twin(s), which follow the glossary. Aliases are names: their
# twin is every English name.
TWINS = (("title", ("title_en",)), ("name", ("name_en",)), ("text", ("text_en",)), ("scope", ("scope_en",)),
         ("aliases", ("name_en", "aliases_en")))  # fmt: skip

Rows = dict[str, list[tuple[dict[str, Any], YamlMap]]]


def fold(text: str) -> str:
    """A text as terms are compared: NFKC (full-width forms to ASCII ...) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def english_form(text: str) -> str:
    """English as glossary terms are matched: folded, hyphens and dashes as spaces, spaces collapsed."""
    return " ".join(re.sub(r"[-‐-―]", " ", fold(text)).split())


def _texts(record: Record, names: tuple[str, ...]) -> str:
    """The values of some fields of a record as one text (lists joined by newlines)."""
    out: list[str] = []
    for name in names:
        value = getattr(record, name, None)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(v for v in value if isinstance(v, str))
    return "\n".join(out)


def record_text(record: Record) -> str:
    """Every prose field of a record (``TEXT_FIELDS``) and its rank's scopes, as one text."""
    rank = getattr(record, "rank", None)
    extra = f"\n{rank.scope}\n{rank.scope_en}" if isinstance(rank, Rank) else ""
    return _texts(record, TEXT_FIELDS) + extra


class GlossaryMatcher:
    """Finds the glossary terms a (folded) Chinese text holds as words, in one pass of a regular
    expression: longer terms first, so an occurrence that straddles the end of another term
    starting earlier is not a word of its own (上饶商会 holds 上饶, not 饶商); a term inside a term
    found (规上 in 规上工业企业) is held too."""

    def __init__(self, glossary: tuple[GlossaryTerm, ...]) -> None:
        self.by_key: dict[str, GlossaryTerm] = {}
        for term in glossary:
            key = fold(term.zh)
            if key:
                self.by_key.setdefault(key, term)
        keys = sorted(self.by_key, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(k) for k in keys)) if keys else None
        self.inside = {k: [o for o in keys if o != k and o in k] for k in keys}
        self._checked: dict[tuple[str, str, str], list[tuple[str, str]]] = {}

    def problems(
        self, zh_field: str, en_fields: tuple[str, ...], chinese: str, english_text: str
    ) -> list[tuple[str, str]]:
        """(English field, message) for each glossary term a Chinese text holds that its English twin
        does not follow; each distinct pair of texts is checked once (a large file repeats many)."""
        key = (zh_field, chinese, english_text)
        found = self._checked.get(key)
        if found is None:
            if len(self._checked) > 50_000:
                self._checked.clear()
            found = self._checked[key] = []
            english = english_form(english_text)
            for term in self.held(fold(chinese)):
                if not any(english_form(e) in english for e in (term.en, *term.forms)):
                    wanted = " or ".join(f"'{e}'" for e in (term.en, *term.forms))
                    message = f"{zh_field} has '{term.zh}', so {' or '.join(en_fields)} must say {clip(wanted)}"
                    found.append((en_fields[-1] if zh_field == "aliases" else en_fields[0], message))
        return found

    def held(self, text: str) -> list[GlossaryTerm]:
        """The glossary terms a folded text holds."""
        if self.pattern is None:
            return []
        found: dict[str, GlossaryTerm] = {}
        for key in self.pattern.findall(text):
            for held in (key, *self.inside[key]):
                found.setdefault(self.by_key[held].zh, self.by_key[held])
        return list(found.values())


def glossary_problems(record: Record, glossary: tuple[GlossaryTerm, ...] | GlossaryMatcher) -> list[tuple[str, str]]:
    """(English field, message) for each Chinese field of ``record`` holding a glossary term whose
    English twin uses neither the glossary's English nor one of its forms."""
    matcher = glossary if isinstance(glossary, GlossaryMatcher) else GlossaryMatcher(glossary)
    pairs = [(zh, en, _texts(record, (zh,)), _texts(record, en)) for zh, en in TWINS]
    rank = getattr(record, "rank", None)
    if isinstance(rank, Rank):
        pairs.append(("rank.scope", ("rank.scope_en",), rank.scope, rank.scope_en))
    found: list[tuple[str, str]] = []
    for zh_field, en_fields, chinese, english_text in pairs:
        if chinese:
            found.extend(matcher.problems(zh_field, en_fields, chinese, english_text))
    return found


def _unheld_terms(terms: set[str], records: tuple[tuple[Record, ...], ...]) -> set[str]:
    """The (folded) terms that occur in no record: the records are read a section at a time in
    turn and each distinct text once, so the terms are mostly found early (a file of 100,000
    records is never one string)."""
    pending = set(terms)
    seen: set[str] = set()
    for row in itertools.zip_longest(*records):
        for record in row:
            if not pending:
                return pending
            if record is None:
                continue
            text = record_text(record)
            if text not in seen:
                seen.add(text)
                folded = fold(text)
                pending = {key for key in pending if key not in folded}
    return pending


def check_extras(
    check: Checker, rows: Rows, records: tuple[tuple[Record, ...], ...], items: dict[str, YamlMap]
) -> tuple[tuple[SynonymGroup, ...], tuple[GlossaryTerm, ...]]:
    """The synonym groups and the glossary, checked against the records (SR112-SR115)."""
    everything = [record for section in records for record in section]
    synonym_rows = rows[SYNONYMS.section]
    pending = _unheld_terms({fold(t).strip() for values, _ in synonym_rows for t in values["terms"]}, records)
    groups: list[SynonymGroup] = []
    seen: dict[str, int] = {}
    for values, item in synonym_rows:
        at = item.marks.get("terms", (item.line, item.column))
        for term in values["terms"]:
            key = fold(term).strip()
            if key in seen:
                where = "this group" if seen[key] == item.line else f"the group on line {seen[key]}"
                check.add("SR113", f"search term '{clip(term)}' is also in {where}", at, None, "terms")
                continue
            seen[key] = item.line
            if key in pending:
                check.add("SR112", f"search term '{clip(term)}' occurs in no record", at, None, "terms")
        groups.append(SYNONYMS.record(**values))
    glossary: list[GlossaryTerm] = []
    first: dict[str, int] = {}
    for values, item in rows[GLOSSARY.section]:
        key = fold(values["zh"]).strip()
        if key in first:
            message = f"glossary term '{clip(values['zh'])}' is also on line {first[key]}"
            check.add("SR115", message, item.marks.get("zh"), None, "zh")
            continue
        first[key] = item.line
        glossary.append(GLOSSARY.record(**values))
    terms = tuple(glossary)
    matcher = GlossaryMatcher(terms)
    for record in everything:
        item = items[record.id]
        for field, message in glossary_problems(record, matcher):
            at = item.marks.get(field.split(".")[0]) or (item.line, item.column)
            check.add("SR114", message, at, record.id, field)
    return tuple(groups), terms
