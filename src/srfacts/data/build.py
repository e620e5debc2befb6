"""Check located YAML data against the knowledge model and build the knowledge base.

Every section of the file is read by its spec (``srfacts.core.spec``): each field by its kind
(``srfacts.data.fields``), then ids, references and derived figures are checked, the records
built (with what is derived on load: base values, derived figures), and the synonym groups and
glossary checked against them (``srfacts.data.glossary``). Every problem found is collected with
a stable code (see ``errors.CODES``), the record id and field, and the line and column in the
file; nothing is built unless there are none.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from srfacts.core.errors import KnowledgeFileError, clip
from srfacts.core.formula import FormulaError, evaluate
from srfacts.core.records import KnowledgeBase, Metric
from srfacts.core.spec import FILE_SECTIONS, RECORD_SPECS, SCHEMA_VERSION, Field
from srfacts.core.units import to_base
from srfacts.core.values import Derivation
from srfacts.data.fields import MAX_VALUE, Checker, describe, did_you_mean
from srfacts.data.glossary import Rows, check_extras
from srfacts.data.yaml_reader import YamlList, YamlMap

SECTIONS = tuple(spec.section for spec in FILE_SECTIONS)  # in file order
TOP_LEVEL = ("schema_version", *SECTIONS)
# What each section of the file may give, by field name.
SECTION_FIELDS: dict[str, dict[str, Field]] = {s.section: {f.name: f for f in s.read_fields} for s in FILE_SECTIONS}
# The section of each record type, and the sections whose entries are records (``derived`` holds metrics).
_SECTION_OF_TYPE = {spec.type: spec.section for spec in RECORD_SPECS.values()}
_RECORD_SECTIONS = {s.section: _SECTION_OF_TYPE[s.type] for s in FILE_SECTIONS if s.type in RECORD_SPECS}
_REFERENCES = ("ref", "refs", "inputs")  # the kinds of field that hold ids of other records


def build(tree: YamlMap, path: str) -> KnowledgeBase:
    """Check every rule and build the knowledge base, or raise with every problem found."""
    check = Checker(path)
    version = tree.get("schema_version")
    if version != SCHEMA_VERSION:
        found = "missing" if "schema_version" not in tree else f"{clip(repr(version))} is not supported"
        check.add(
            "SR101", f"schema_version {found}; this srfacts reads {SCHEMA_VERSION}", tree.marks.get("schema_version")
        )
    for key in tree:
        if key not in TOP_LEVEL:
            check.add("SR102", f"unknown top-level key '{clip(key)}'{did_you_mean(key, TOP_LEVEL)}", tree.marks[key])

    rows: Rows = {}
    for spec in FILE_SECTIONS:
        section = spec.section
        raw = tree.get(section)
        if raw is None:
            if spec.required:
                check.add("SR103", f"section '{section}' is missing or empty", tree.marks.get(section, (1, 1)))
            rows[section] = []
            continue
        if not isinstance(raw, YamlList):
            check.add("SR104", f"section '{section}' must be a list, found {describe(raw)}", tree.marks[section])
            rows[section] = []
            continue
        rows[section] = [
            row for row in (_read_record(check, section, item, raw.marks[i]) for i, item in enumerate(raw)) if row
        ]

    _check_ids_and_references(check, rows)
    records = None if check.problems else _construct(check, rows)
    items = {values["id"]: item for s in _RECORD_SECTIONS for values, item in rows[s] if "id" in values}
    synonyms, glossary = check_extras(check, rows, records, items) if records is not None else ((), ())
    if check.problems or records is None:
        raise KnowledgeFileError(check.problems)
    lines = {rid: item.line for rid, item in items.items()}
    sources, industries, metrics, claims, entities = records  # in RECORD_TYPES order
    return KnowledgeBase(
        path,
        SCHEMA_VERSION,
        sources,
        industries,
        metrics,
        claims,
        entities,
        record_lines=lines,
        synonyms=synonyms,
        glossary=glossary,
    )


def _read_record(check: Checker, section: str, item: Any, at: tuple[int, int]) -> tuple[dict[str, Any], YamlMap] | None:
    """The typed values of one entry of a section, with the entry (None if it is beyond use)."""
    if not isinstance(item, YamlMap):
        check.add("SR104", f"each entry of '{section}' must be a mapping, found {describe(item)}", at)
        return None
    spec = SECTION_FIELDS[section]
    rid = clip(item["id"]) if isinstance(item.get("id"), str) else None
    values: dict[str, Any] = {}
    ok = True
    for name, raw in item.items():
        if name not in spec:
            check.add("SR102", f"unknown field '{clip(name)}'{did_you_mean(name, spec)}", item.marks[name], rid, name)
            ok = False
            continue
        value = check.value(spec[name], raw, item.marks[name], rid)
        ok = ok and value is not None
        values[name] = value
    for name, field in spec.items():
        if field.required and name not in item:
            check.add("SR103", f"required field '{name}' is missing", (item.line, item.column), rid, name)
            ok = False
    return (values, item) if ok or rid else None


def _check_ids_and_references(check: Checker, rows: Rows) -> None:
    """Every id used once; every reference to a record of the field's target type (the problems of an
    entry in the order of its lines)."""
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
            section_of[rid] = _RECORD_SECTIONS.get(section, section)
            first_line[rid] = item.marks["id"][0]
    for section, entries in rows.items():
        fields = SECTION_FIELDS[section]
        for values, item in entries:
            rid = values.get("id")
            for name, wanted in values.items():  # in the order of the entry's lines
                field = fields[name]
                if field.kind not in _REFERENCES or wanted is None:
                    continue
                targets = (wanted,) if field.kind == "ref" else wanted.values() if field.kind == "inputs" else wanted
                for target in targets:
                    _check_reference(check, section_of, target, field.target, item.marks[name], rid, name)


def _check_reference(
    check: Checker,
    section_of: dict[str, str],
    target: str,
    wanted_type: str,
    at: tuple[int, int],
    rid: str | None,
    name: str,
) -> None:
    found = section_of.get(target)
    wanted_section = _SECTION_OF_TYPE[wanted_type]
    if found == wanted_section:
        return
    if found is None:
        candidates = [i for i, s in section_of.items() if s == wanted_section]
        check.add("SR107", f"'{clip(target)}' is no {wanted_type} id{did_you_mean(target, candidates)}", at, rid, name)
    else:
        check.add("SR107", f"'{clip(target)}' is in {found}, not in {wanted_section}", at, rid, name)


def _construct(check: Checker, rows: Rows) -> tuple[tuple[Any, ...], ...] | None:
    """The records of each type, in ``RECORD_TYPES`` order (None if a figure is out of range)."""
    made = {t: [s.record(**values) for values, _ in rows[s.section]] for t, s in RECORD_SPECS.items() if t != "metric"}
    metrics = [metric for values, item in rows["metrics"] if (metric := _stated(check, values, item))]
    stated = {m.id: m for m in metrics}
    metrics += [metric for values, item in rows["derived"] if (metric := _derive(check, values, item, stated))]
    made["metric"] = metrics
    return None if check.problems else tuple(tuple(made[t]) for t in RECORD_SPECS)


def _stated(check: Checker, values: dict[str, Any], item: YamlMap) -> Metric | None:
    """A stated figure, with its base value and unit (derived on load)."""
    base_value, base_unit = to_base(values["value"], values["unit"])
    if base_value.copy_abs() >= MAX_VALUE:
        message = f"{values['value']} {values['unit']} is {base_value} {base_unit}, over 10^18"
        check.add("SR104", message, item.marks["value"], values["id"], "value")
        return None
    return Metric(base_value=base_value, base_unit=base_unit, **values)


def _derive(check: Checker, values: dict[str, Any], item: YamlMap, stated: dict[str, Metric]) -> Metric | None:
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
