"""Check located YAML data against the knowledge model and build the knowledge base.

Every problem found is collected with a stable code (see ``errors.CODES``), the record id
and field, and the line and column in the file; nothing is built unless there are none.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from srfacts.core.errors import KnowledgeFileError, Problem, clip
from srfacts.core.formula import FormulaError, evaluate
from srfacts.core.records import (
    CLAIM_KINDS,
    ENTITY_KINDS,
    QUALIFIERS,
    TIERS,
    AllowedNumber,
    Claim,
    Derivation,
    Entity,
    GlossaryTerm,
    Industry,
    KnowledgeBase,
    Metric,
    Rank,
    Record,
    Source,
    SynonymGroup,
)
from srfacts.core.units import UNITS, to_base
from srfacts.data.yaml_reader import YamlList, YamlMap

SCHEMA_VERSION = 1
# Bounds of a figure: real ones are far smaller; these keep arithmetic exact and every export (SQLite's
# 64-bit integers, JSON numbers) able to hold a value and its base value.
MAX_DIGITS = 20
MAX_VALUE = Decimal(10) ** 18
MAX_POSITION = 10**9
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
RECORD_SECTIONS = ("sources", "industries", "metrics", "claims", "entities", "derived")
EXTRA_SECTIONS = ("synonyms", "glossary")  # not records: search terms and the translation glossary
SECTIONS = (*RECORD_SECTIONS, *EXTRA_SECTIONS)
TOP_LEVEL = ("schema_version", *SECTIONS)


@dataclass(frozen=True)
class Field:
    """One field of a record type: its kind, whether it is required, and its choices."""

    kind: str  # str, strs, bool, number, period, rank, unit, qualifier, choice, refs, allow, inputs, terms, weight
    required: bool = False
    choices: tuple[str, ...] = ()
    target: str = ""  # the section a reference points into


_PROVENANCE = {"source": Field("ref", True, target="sources"), "quote": Field("str", True), "note": Field("str")}

FIELDS: dict[str, dict[str, Field]] = {
    "sources": {
        "id": Field("id", True),
        "title": Field("str", True),
        "title_en": Field("str", True),
        "authors": Field("strs", True),
        "authors_en": Field("strs"),
        "published": Field("period", True),
        "file": Field("str", True),
        "sha256": Field("sha256", True),
        "uncaptured_numbers": Field("allow"),
        "note": Field("str"),
    },
    "industries": {
        "id": Field("id", True),
        "name": Field("str", True),
        "name_en": Field("str", True),
        "tier": Field("choice", True, TIERS),
        "cluster": Field("bool"),
        "aliases": Field("strs"),
        "aliases_en": Field("strs"),
        "entities": Field("refs", target="entities"),
        **_PROVENANCE,
    },
    "metrics": {
        "id": Field("id", True),
        "name": Field("str", True),
        "name_en": Field("str", True),
        "value": Field("number", True),
        "unit": Field("unit", True),
        "qualifier": Field("qualifier", True),
        "status": Field("choice", True, ("actual", "target")),
        "period": Field("period"),
        "scope": Field("str", True),
        "scope_en": Field("str", True),
        "rank": Field("rank"),
        "group": Field("id"),
        "industries": Field("refs", target="industries"),
        "entities": Field("refs", target="entities"),
        **_PROVENANCE,
    },
    "claims": {
        "id": Field("id", True),
        "kind": Field("choice", True, CLAIM_KINDS),
        "text": Field("str", True),
        "text_en": Field("str", True),
        "period": Field("period"),
        "industries": Field("refs", target="industries"),
        "entities": Field("refs", target="entities"),
        "metrics": Field("refs", target="metrics"),
        **_PROVENANCE,
    },
    "entities": {
        "id": Field("id", True),
        "kind": Field("choice", True, ENTITY_KINDS),
        "name": Field("str", True),
        "name_en": Field("str", True),
        "aliases": Field("strs"),
        "aliases_en": Field("strs"),
        "industries": Field("refs", target="industries"),
        **_PROVENANCE,
    },
    "derived": {
        "id": Field("id", True),
        "name": Field("str", True),
        "name_en": Field("str", True),
        "formula": Field("str", True),
        "inputs": Field("inputs", True),
        "unit": Field("unit", True),
        "period": Field("period"),
        "scope": Field("str", True),
        "scope_en": Field("str", True),
        "industries": Field("refs", target="industries"),
        "note": Field("str"),
    },
    "synonyms": {"terms": Field("terms", True), "weight": Field("weight")},
    "glossary": {"zh": Field("str", True), "en": Field("str", True), "forms": Field("strs"), "note": Field("str")},
}


class _Checker:
    """Collects problems while turning located YAML into typed field values."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(
        self,
        code: str,
        message: str,
        at: tuple[int, int] | None,
        record_id: str | None = None,
        field: str | None = None,
    ) -> None:
        line, column = at if at else (None, None)
        self.problems.append(Problem(code, message, self.path, line, column, record_id, field))

    def value(self, name: str, spec: Field, raw: Any, at: tuple[int, int], rid: str | None) -> Any:
        """Check one field's raw value and return it typed (None when it is wrong)."""
        check = _CONVERTERS[spec.kind]
        try:
            return check(raw, spec)
        except _Wrong as wrong:
            self.add(wrong.code, str(wrong), at, rid, name)
            return None


class _Wrong(Exception):
    def __init__(self, message: str, code: str = "SR104") -> None:
        super().__init__(message)
        self.code = code


def _describe(raw: Any) -> str:
    if isinstance(raw, YamlMap):
        return "a mapping"
    if isinstance(raw, YamlList):
        return "a list"
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return f"the boolean {str(raw).lower()}"
    if isinstance(raw, int | Decimal):
        return f"the number {clip(str(raw))}"
    return f"the text '{clip(str(raw))}'"


def _str(raw: Any, spec: Field) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _Wrong(f"must be a non-empty text, found {_describe(raw)}")
    return raw


def _strs(raw: Any, spec: Field) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        raise _Wrong(f"must be a list of texts, found {_describe(raw)}")
    return tuple(raw)


def _id(raw: Any, spec: Field) -> str:
    text = _str(raw, spec)
    if not ID_PATTERN.match(text):
        raise _Wrong(f"'{clip(text)}' is not kebab-case ASCII (like above-size-enterprises-2022)", "SR105")
    return text


def _bool(raw: Any, spec: Field) -> bool:
    if not isinstance(raw, bool):
        raise _Wrong(f"must be true or false, found {_describe(raw)}")
    return raw


def _number(raw: Any, spec: Field) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise _Wrong(f"must be a number, found {_describe(raw)}")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise _Wrong(f"must be a finite number, found {_describe(raw)}") from None
    if not number.is_finite():
        raise _Wrong(f"must be a finite number, found {_describe(raw)}")
    too_small = bool(number) and number.adjusted() < -18
    if len(number.as_tuple().digits) > MAX_DIGITS or number.copy_abs() >= MAX_VALUE or too_small:
        raise _Wrong(f"must be a number below 10^18 of at most {MAX_DIGITS} digits, found {_describe(raw)}")
    return number


def _period(raw: Any, spec: Field) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise _Wrong(f'must be a year or period such as "2022", found {_describe(raw)}')
    return _str(str(raw), spec)


def _sha256(raw: Any, spec: Field) -> str:
    text = _str(raw, spec)
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise _Wrong("must be 64 lowercase hexadecimal digits")
    return text


def _choice(raw: Any, spec: Field) -> str:
    text = _str(raw, spec)
    if text not in spec.choices:
        raise _Wrong(
            f"'{clip(text)}' is not one of {', '.join(spec.choices)}{_did_you_mean(text, spec.choices)}", "SR110"
        )
    return text


def _unit(raw: Any, spec: Field) -> str:
    text = _str(raw, spec)
    if text not in UNITS:
        raise _Wrong(
            f"unknown unit '{clip(text)}'{_did_you_mean(text, UNITS)}; the unit table has {' '.join(UNITS)}", "SR108"
        )
    return text


def _qualifier(raw: Any, spec: Field) -> str:
    text = _str(raw, spec)
    if text not in QUALIFIERS:
        raise _Wrong(f"unknown qualifier '{clip(text)}'; use one of {', '.join(QUALIFIERS)}", "SR109")
    return text


def _rank(raw: Any, spec: Field) -> Rank:
    if not isinstance(raw, dict) or set(raw) - {"scope", "scope_en", "position"}:
        raise _Wrong("must be a mapping of scope, scope_en and position")
    position = raw.get("position")
    if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= MAX_POSITION:
        raise _Wrong(f"rank position must be a whole number from 1 to {MAX_POSITION}, found {_describe(position)}")
    scope, scope_en = raw.get("scope"), raw.get("scope_en")
    if not isinstance(scope, str) or not isinstance(scope_en, str):
        raise _Wrong("rank needs scope and scope_en texts")
    return Rank(scope, scope_en, position)


def _refs(raw: Any, spec: Field) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _Wrong(f"must be a list of ids, found {_describe(raw)}")
    return tuple(raw)


def _ref(raw: Any, spec: Field) -> str:
    return _str(raw, spec)


def _allow(raw: Any, spec: Field) -> tuple[AllowedNumber, ...]:
    if not isinstance(raw, list):
        raise _Wrong(f"must be a list of {{context, reason}}, found {_describe(raw)}")
    out = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or set(item) != {"context", "reason"}
            or not all(isinstance(v, str) and v for v in item.values())
        ):
            raise _Wrong("each entry needs exactly a context and a reason text")
        out.append(AllowedNumber(item["context"], item["reason"]))
    return tuple(out)


def _terms(raw: Any, spec: Field) -> tuple[str, ...]:
    if not isinstance(raw, list) or len(raw) < 2 or not all(isinstance(v, str) and v.strip() for v in raw):
        raise _Wrong(f"must be a list of at least two texts, found {_describe(raw)}")
    return tuple(raw)


def _weight(raw: Any, spec: Field) -> float:
    number = raw if isinstance(raw, int | Decimal) and not isinstance(raw, bool) else None
    if number is None or not Decimal(number).is_finite() or not 0 < number <= 1:
        raise _Wrong(f"must be a number above 0 and at most 1, found {_describe(raw)}")
    return float(number)


def _inputs(raw: Any, spec: Field) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw or not all(isinstance(v, str) for v in raw.values()):
        raise _Wrong("must map each formula name to a metric id")
    return dict(raw)


_SINGULAR = {
    "sources": "source",
    "industries": "industry",
    "metrics": "metric",
    "claims": "claim",
    "entities": "entity",
}

_CONVERTERS: dict[str, Callable[[Any, Field], Any]] = {
    "id": _id,
    "str": _str,
    "strs": _strs,
    "bool": _bool,
    "number": _number,
    "period": _period,
    "sha256": _sha256,
    "choice": _choice,
    "unit": _unit,
    "qualifier": _qualifier,
    "rank": _rank,
    "refs": _refs,
    "ref": _ref,
    "allow": _allow,
    "inputs": _inputs,
    "terms": _terms,
    "weight": _weight,
}


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def build(tree: YamlMap, path: str) -> KnowledgeBase:
    """Check every rule and build the knowledge base, or raise with every problem found."""
    check = _Checker(path)
    version = tree.get("schema_version")
    if version != SCHEMA_VERSION:
        found = "missing" if "schema_version" not in tree else f"{clip(repr(version))} is not supported"
        check.add(
            "SR101", f"schema_version {found}; this srfacts reads {SCHEMA_VERSION}", tree.marks.get("schema_version")
        )
    for key in tree:
        if key not in TOP_LEVEL:
            check.add("SR102", f"unknown top-level key '{clip(key)}'{_did_you_mean(key, TOP_LEVEL)}", tree.marks[key])

    rows: dict[str, list[tuple[dict[str, Any], YamlMap]]] = {}
    for section in SECTIONS:
        raw = tree.get(section)
        if raw is None:
            if section in ("sources", "industries"):
                check.add("SR103", f"section '{section}' is missing or empty", tree.marks.get(section, (1, 1)))
            rows[section] = []
            continue
        if not isinstance(raw, YamlList):
            check.add("SR104", f"section '{section}' must be a list, found {_describe(raw)}", tree.marks[section])
            rows[section] = []
            continue
        rows[section] = [
            row for row in (_read_record(check, section, item, raw.marks[i]) for i, item in enumerate(raw)) if row
        ]

    _check_ids_and_references(check, rows)
    records = None if check.problems else _construct(check, rows)
    items = {values["id"]: item for s in RECORD_SECTIONS for values, item in rows[s] if "id" in values}
    synonyms, glossary = _extras(check, rows, records, items) if records is not None else ((), ())
    if check.problems or records is None:
        raise KnowledgeFileError(check.problems)
    lines = {rid: item.line for rid, item in items.items()}
    return KnowledgeBase(path, SCHEMA_VERSION, *records, record_lines=lines, synonyms=synonyms, glossary=glossary)


def _read_record(
    check: _Checker, section: str, item: Any, at: tuple[int, int]
) -> tuple[dict[str, Any], YamlMap] | None:
    if not isinstance(item, YamlMap):
        check.add("SR104", f"each entry of '{section}' must be a mapping, found {_describe(item)}", at)
        return None
    spec = FIELDS[section]
    rid = clip(item["id"]) if isinstance(item.get("id"), str) else None
    values: dict[str, Any] = {}
    ok = True
    for name, raw in item.items():
        if name not in spec:
            check.add("SR102", f"unknown field '{clip(name)}'{_did_you_mean(name, spec)}", item.marks[name], rid, name)
            ok = False
            continue
        value = check.value(name, spec[name], raw, item.marks[name], rid)
        ok = ok and value is not None
        values[name] = value
    for name, field in spec.items():
        if field.required and name not in item:
            check.add("SR103", f"required field '{name}' is missing", (item.line, item.column), rid, name)
            ok = False
    return (values, item) if ok or rid else None


def _check_ids_and_references(check: _Checker, rows: dict[str, list[tuple[dict[str, Any], YamlMap]]]) -> None:
    section_of: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for section, entries in rows.items():
        for values, item in entries:
            rid = values.get("id")
            if not rid:
                continue
            if rid in section_of:
                check.add("SR106", f"id '{rid}' is also used on line {first_line[rid]}", item.marks["id"], rid, "id")
                continue
            section_of[rid] = "metrics" if section == "derived" else section
            first_line[rid] = item.marks["id"][0]
    for section, entries in rows.items():
        for values, item in entries:
            rid = values.get("id")
            for name, field in FIELDS[section].items():
                wanted = values.get(name)
                if field.kind in ("ref", "refs") and wanted is not None:
                    for target in (wanted,) if field.kind == "ref" else wanted:
                        _check_reference(check, section_of, target, field.target, item.marks[name], rid, name)
                if field.kind == "inputs" and wanted is not None:
                    for target in wanted.values():
                        _check_reference(check, section_of, target, "metrics", item.marks[name], rid, name)


def _check_reference(
    check: _Checker,
    section_of: dict[str, str],
    target: str,
    wanted_section: str,
    at: tuple[int, int],
    rid: str | None,
    name: str,
) -> None:
    found = section_of.get(target)
    if found == wanted_section:
        return
    if found is None:
        candidates = [i for i, s in section_of.items() if s == wanted_section]
        singular = _SINGULAR[wanted_section]
        check.add("SR107", f"'{clip(target)}' is no {singular} id{_did_you_mean(target, candidates)}", at, rid, name)
    else:
        check.add("SR107", f"'{clip(target)}' is in {found}, not in {wanted_section}", at, rid, name)


def _construct(
    check: _Checker, rows: dict[str, list[tuple[dict[str, Any], YamlMap]]]
) -> tuple[tuple[Source, ...], tuple[Industry, ...], tuple[Metric, ...], tuple[Claim, ...], tuple[Entity, ...]] | None:
    sources = tuple(Source(**values) for values, _ in rows["sources"])
    industries = tuple(Industry(**values) for values, _ in rows["industries"])
    metrics: list[Metric] = []
    for values, item in rows["metrics"]:
        base_value, base_unit = to_base(values["value"], values["unit"])
        if base_value.copy_abs() >= MAX_VALUE:
            message = f"{values['value']} {values['unit']} is {base_value} {base_unit}, over 10^18"
            check.add("SR104", message, item.marks["value"], values["id"], "value")
            continue
        metrics.append(Metric(base_value=base_value, base_unit=base_unit, **values))
    stated = {m.id: m for m in metrics}
    for values, item in rows["derived"]:
        derived = _derive(check, values, item, stated)
        if derived:
            metrics.append(derived)
    claims = tuple(Claim(**values) for values, _ in rows["claims"])
    entities = tuple(Entity(**values) for values, _ in rows["entities"])
    if check.problems:
        return None
    return sources, industries, tuple(metrics), claims, entities


def _derive(check: _Checker, values: dict[str, Any], item: YamlMap, stated: dict[str, Metric]) -> Metric | None:
    """Compute a derived figure from the stated ones it names; it is marked derived."""
    inputs: dict[str, str] = values.pop("inputs")
    formula: str = values.pop("formula")
    missing = [i for i in inputs.values() if i not in stated]
    if missing:
        check.add(
            "SR111",
            f"inputs must be stated metrics, not {', '.join(missing)}",
            item.marks["inputs"],
            values["id"],
            "inputs",
        )
        return None
    try:
        exact = evaluate(formula, {name: stated[mid].value for name, mid in inputs.items()})
    except FormulaError as exc:
        check.add("SR111", str(exc), item.marks["formula"], values["id"], "formula")
        return None
    places = max(-min(0, int(stated[mid].value.as_tuple().exponent)) for mid in inputs.values())
    try:
        value = exact.quantize(Decimal(1).scaleb(-places))
        base_value, base_unit = to_base(value, values["unit"])
    except ArithmeticError:
        base_value = MAX_VALUE
    if base_value.copy_abs() >= MAX_VALUE:
        check.add("SR111", "the result is out of range (10^18 or more)", item.marks["formula"], values["id"], "formula")
        return None
    return Metric(
        value=value,
        qualifier="about",
        status="derived",
        source=None,
        quote=None,
        base_value=base_value,
        base_unit=base_unit,
        derivation=Derivation(formula, inputs),
        **values,
    )


# The text fields a synonym term must occur in (in some record), and each Chinese field with its
# English twin(s), which follow the glossary. Aliases are names: their twin is every English name.
TEXT_FIELDS = ("title", "title_en", "authors", "authors_en", "name", "name_en", "text", "text_en",
               "scope", "scope_en", "aliases", "aliases_en", "quote", "note")  # fmt: skip
TWINS = (("title", ("title_en",)), ("name", ("name_en",)), ("text", ("text_en",)), ("scope", ("scope_en",)),
         ("aliases", ("name_en", "aliases_en")))  # fmt: skip


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
    """Every text field of a record (names, texts, scopes, aliases, quote, note; both languages)."""
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


Rows = dict[str, list[tuple[dict[str, Any], YamlMap]]]


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


def _extras(
    check: _Checker, rows: Rows, records: tuple[tuple[Record, ...], ...], items: dict[str, YamlMap]
) -> tuple[tuple[SynonymGroup, ...], tuple[GlossaryTerm, ...]]:
    """The synonym groups and the glossary, checked against the records (SR112-SR115)."""
    everything = [record for section in records for record in section]
    pending = _unheld_terms({fold(t).strip() for values, _ in rows["synonyms"] for t in values["terms"]}, records)
    groups: list[SynonymGroup] = []
    seen: dict[str, int] = {}
    for values, item in rows["synonyms"]:
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
        groups.append(SynonymGroup(values["terms"], values.get("weight", 0.8)))
    glossary: list[GlossaryTerm] = []
    first: dict[str, int] = {}
    for values, item in rows["glossary"]:
        key = fold(values["zh"]).strip()
        if key in first:
            message = f"glossary term '{clip(values['zh'])}' is also on line {first[key]}"
            check.add("SR115", message, item.marks.get("zh"), None, "zh")
            continue
        first[key] = item.line
        glossary.append(GlossaryTerm(values["zh"], values["en"], values.get("forms", ()), values.get("note")))
    terms = tuple(glossary)
    matcher = GlossaryMatcher(terms)
    for record in everything:
        item = items[record.id]
        for field, message in glossary_problems(record, matcher):
            at = item.marks.get(field.split(".")[0]) or (item.line, item.column)
            check.add("SR114", message, at, record.id, field)
    return tuple(groups), terms
