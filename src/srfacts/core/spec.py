"""The one spec of each record type, and of the knowledge file's other sections.

Every field is described once, in ``FIELDS``: its kind, whether the file must give it, its
choices, the record type it refers to, its search weight, whether it names the record, its
description (for the JSON Schema) and its table headers in Chinese and English. A record type's
``Spec`` lists its fields in the record's own order (the order of ``--json``, a contract) and its
table columns in both languages. Everything else is derived from these: the field readers and
the JSON Schema of ``srfacts.data``, the cache codec, the search weights, the export tables, the
table columns and ``--fields`` names of ``srfacts.output``, and shell completion.

Some fields are never in the file but derived on load (``read=False``: a metric's ``base_value``,
``base_unit`` and ``derivation``), and some values are only set on load (``on_load``: the status
``derived`` of the figures computed from the ``derived`` section).

The order of ``FIELDS`` matters twice: search reads the fields of a record by weight, and fields of
equal weight in this order; the export's full-text columns of a record table follow it.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from srfacts.core.i18n import heading
from srfacts.core.records import (
    CLAIM_KINDS,
    ENTITY_KINDS,
    QUALIFIERS,
    STATUSES,
    TIERS,
    Claim,
    Entity,
    Industry,
    Metric,
    Source,
)
from srfacts.core.units import UNITS
from srfacts.core.values import Derivation, GlossaryTerm, Rank, SynonymGroup

# The kinds of field, each read (``srfacts.data.fields``), stored (``srfacts.store.codec``) and
# described (``srfacts.data.schema``) its own way.
KINDS = {
    "id": "a kebab-case ASCII id",
    "str": "a non-empty text",
    "strs": "a list of non-empty texts",
    "roles": "a list of texts, one an author, empty where the source states none",
    "bool": "true or false",
    "number": "a finite number, kept digit for digit (a Decimal)",
    "period": "a year or period, as text or a whole number",
    "sha256": "64 lowercase hexadecimal digits",
    "choice": "one of the field's choices",
    "unit": "one of the unit table (the field's choices)",
    "qualifier": "one of the qualifiers (the field's choices)",
    "rank": "a mapping of scope, scope_en and position (a Rank)",
    "ref": "the id of a record of the target type",
    "refs": "a list of ids of records of the target type",
    "allow": "a list of mappings of context and reason (AllowedNumbers)",
    "inputs": "a mapping of formula names to metric ids",
    "terms": "a list of two texts or more",
    "weight": "a number above 0 and at most 1",
    "derivation": "a formula and its inputs (a Derivation, set on load)",
}
SCHEMA_VERSION = 1  # the version of the knowledge file's format this srfacts reads
TEXT_KINDS = ("str", "strs")  # prose: a searched field of these kinds is a text column of the export
NESTED_KINDS: dict[str, Any] = {"rank": Rank, "derivation": Derivation}  # a mapping, flattened to one column a key


class Field(NamedTuple):
    """One field: what it holds, how it is read, searched and shown."""

    name: str
    kind: str  # one of KINDS
    description: str
    required: bool = False  # the file must give it
    choices: tuple[str, ...] = ()
    target: str = ""  # the record type a ref, refs or inputs field refers to
    weight: float = 0.0  # BM25F search weight (0: not searched)
    naming: bool = False  # a name of the record: whole-name matches rank higher, did-you-mean reads it
    header_en: str = ""  # table header in English tables (default: the name without _en)
    read: bool = True  # False: derived on load, never in the file
    on_load: tuple[str, ...] = ()  # choices only loading sets, never the file

    @property
    def file_choices(self) -> tuple[str, ...]:
        """The choices the file may give."""
        return tuple(c for c in self.choices if c not in self.on_load)

    def heading(self, lang: str = "zh") -> str:
        """The table header in ``lang``: English from the spec, Chinese from the catalogue (``srfacts.core.i18n``)."""
        if lang == "en":
            return self.header_en or self.name.removesuffix("_en")
        return heading(self.name, lang)


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("id", "id", "Unique, stable, kebab-case ASCII id, e.g. above-size-enterprises-total-2022.", True,
              weight=1.0),
        Field("kind", "choice", "The kind of record.", True, weight=0.6),
        Field("tier", "choice", "leading (主导), key (重点), featured (特色) or other (named outside the 2+4+N list).",
              True, TIERS, weight=0.6),
        Field("name", "str", "Chinese name as the source writes it.", True, weight=3.0, naming=True),
        Field("text", "str", "The statement in Chinese.", True, weight=2.0),
        Field("title", "str", "Title of the source text.", True, weight=2.5, naming=True),
        Field("name_en", "str", "English name (a translation, never new information).", True, weight=2.0,
              naming=True),
        Field("text_en", "str", "The statement in English (a translation).", True, weight=1.5),
        Field("title_en", "str", "English title of the source text.", True, weight=1.6, naming=True),
        Field("aliases", "strs", "Other Chinese names (光伏, 锂电 ...).", weight=3.0, naming=True),
        Field("aliases_en", "strs", "Other English names (PV, solar ...).", weight=2.0, naming=True),
        Field("value", "number", "The number as the source writes it (5028.1), unquoted.", True, weight=3.0),
        Field("unit", "unit", "The unit as written; one of the unit table.", True, tuple(UNITS)),
        Field("qualifier", "qualifier", "From the wording: exact; more_than (余 多 超 超过 突破); "
              "at_least (以上 至少); about (约 近 左右).", True, QUALIFIERS),
        Field("status", "choice", "actual or target.", True, STATUSES, on_load=("derived",)),
        Field("scope", "str", "What the figure covers, in Chinese (上饶市, 全市开发区, a company).", True, weight=1.0),
        Field("scope_en", "str", "What the figure covers, in English.", True, weight=0.8),
        Field("period", "period", "Year or period the record refers to (2022, 2019-2021).", weight=0.8),
        Field("rank", "rank", "Where the source ranks the figure: 列全省第二 is {scope: 江西省, scope_en: Jiangxi "
              "Province, position: 2}"),
        Field("base_value", "number", "The value in its base unit (5028.1 亿元 is 502810000000 CNY), computed on load.",
              read=False),
        Field("base_unit", "str", "The base unit of base_value (CNY, m2, vehicles ...).", read=False),
        Field("derivation", "derivation", "How a derived figure is computed: its formula and inputs.", read=False),
        Field("authors", "strs", "Authors as the source names them.", True, weight=1.0),
        Field("authors_en", "strs", "Authors in Latin script.", weight=1.0),
        Field("author_roles", "roles", "Each author's role as the byline states it (全媒体记者), in the order of "
              "authors; an empty string where the byline states none."),
        Field("author_roles_en", "roles", "The same roles in English (a translation), in the same order."),
        Field("published", "period", "When it was published, as precisely as the text allows (e.g. 2023).", True),
        Field("file", "str", "File name of the source text (looked up in SRFACTS_SOURCES or ../shared/source).", True),
        Field("sha256", "sha256", "SHA-256 of the source text, 64 lowercase hex digits.", True),
        Field("uncaptured_numbers", "allow", "Numbers of the source no record captures on purpose, each with the "
              "reason."),
        Field("cluster", "bool", "true for the 千亿级 (100-billion-yuan) clusters being cultivated.",
              header_en="100-billion cluster"),
        Field("group", "id", "Figures the source presents together, sharing unit and period (charted by `srfacts "
              "metrics --chart`)."),
        Field("industries", "refs", "Ids of the industries this record concerns.", target="industry"),
        Field("entities", "refs", "Ids of the entities this record concerns.", target="entity"),
        Field("metrics", "refs", "Ids of the metrics this claim rests on.", target="metric"),
        Field("source", "ref", "Id of the source the quote is taken from.", True, target="source"),
        Field("quote", "str", "A verbatim span of the source supporting the record (line breaks of the source "
              "ignored).", True, weight=0.6),
        Field("note", "str", "Curator's note: how the record reads the source.", weight=0.2),
        Field("formula", "str", "Arithmetic over the input names: names, numbers, + - * / and brackets.", True),
        Field("inputs", "inputs", "Maps each name of the formula to a stated metric id.", True, target="metric"),
        Field("terms", "terms", "Two or more search terms that mean the same, each occurring in some record "
              "(Chinese or English).", True),
        Field("weight", "weight", "How much a form the user did not type counts, above 0 and at most 1 (default "
              "0.8)."),
        Field("zh", "str", "The Chinese term as the source writes it (规上工业企业).", True),
        Field("en", "str", "Its established English (industrial enterprises above designated size), used by every "
              "English twin.", True),
        Field("forms", "strs", "Other forms of the English the rule also accepts (above-designated-size industrial "
              "enterprises)."),
    )
}  # fmt: skip

# Table columns that are no field: computed from the record for display.
COMPUTED_COLUMNS: dict[str, Field] = {
    "figure": Field("figure", "str", "The value with its qualifier and unit: >90 家, 5028.1 亿元 (English unit "
                    "names in English tables).", read=False),
}  # fmt: skip


class Spec(NamedTuple):
    """A record type (or another section of the knowledge file) and everything about its fields."""

    type: str  # the record type it holds (one of RECORD_TYPES), or what its entries are
    section: str  # its section of the knowledge file, and its table in the export
    record: Callable[..., Any]  # the class of its records
    description: str
    fields: tuple[Field, ...]  # in the record's order: ``--json``, the cache and the export follow it
    columns: tuple[str, ...] = ()  # table columns: field names, or COMPUTED_COLUMNS
    columns_en: tuple[str, ...] = ()  # the same with --lang en
    required: bool = False  # the file must have this section

    @property
    def names(self) -> tuple[str, ...]:
        """The field names, in order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        """The field called ``name`` (KeyError if there is none)."""
        return {f.name: f for f in self.fields}[name]

    @property
    def read_fields(self) -> tuple[Field, ...]:
        """The fields the file gives (not those derived on load)."""
        return tuple(f for f in self.fields if f.read)

    def column_fields(self, lang: str = "zh") -> tuple[Field, ...]:
        """The table columns in ``lang``, as fields (headers from ``Field.heading``)."""
        known = {f.name: f for f in self.fields} | COMPUTED_COLUMNS
        return tuple(known[name] for name in (self.columns_en if lang == "en" else self.columns))

    @property
    def text_fields(self) -> tuple[Field, ...]:
        """The searched prose fields (names, texts, scopes, aliases, quote, note), in ``FIELDS`` order."""
        held = set(self.names)
        return tuple(f for f in FIELDS.values() if f.name in held and f.kind in TEXT_KINDS and f.weight)


def _pick(names: str, **choices: tuple[str, ...]) -> tuple[Field, ...]:
    """Fields of ``FIELDS`` by name, in the order given; ``choices`` gives a field its vocabulary."""
    return tuple(FIELDS[n]._replace(choices=choices[n]) if n in choices else FIELDS[n] for n in names.split())


SOURCE = Spec(
    "source", "sources", Source, "The source texts every quote is taken from.",
    _pick("id title title_en authors published file sha256 authors_en author_roles author_roles_en uncaptured_numbers "
          "note"),
    ("id", "title", "authors", "published", "file"),
    ("id", "title_en", "authors_en", "published", "file"),
    required=True,
)  # fmt: skip
INDUSTRY = Spec(
    "industry", "industries", Industry,
    "Industries of the 2+4+N system (tier leading, key, featured) and others the source names.",
    _pick("id name name_en tier source quote cluster aliases aliases_en entities note"),
    ("tier", "id", "name", "name_en", "cluster", "aliases"),
    ("tier", "id", "name_en", "cluster", "aliases_en"),
    required=True,
)  # fmt: skip
METRIC = Spec(
    "metric", "metrics", Metric,
    "Figures: the value and unit as the source writes them, qualifier, period, scope and provenance.",
    _pick("id name name_en value unit qualifier status scope scope_en source quote base_value base_unit period rank "
          "industries entities derivation group note"),
    ("id", "name", "figure", "period", "scope", "rank", "status"),
    ("id", "name_en", "figure", "period", "scope_en", "rank", "status"),
)  # fmt: skip
CLAIM = Spec(
    "claim", "claims", Claim,
    "Qualitative statements: awards, rankings, records, firsts, policies, projects, targets, events.",
    _pick("id kind text text_en source quote period industries entities metrics note", kind=CLAIM_KINDS),
    ("id", "kind", "period", "text"),
    ("id", "kind", "period", "text_en"),
)  # fmt: skip
ENTITY = Spec(
    "entity", "entities", Entity,
    "Companies, parks, institutions, programmes, plans, policies, platforms, places, slogans.",
    _pick("id kind name name_en source quote aliases aliases_en industries note", kind=ENTITY_KINDS),
    ("id", "kind", "name", "name_en"),
    ("id", "kind", "name_en", "aliases_en"),
)  # fmt: skip

# The other sections of the file: figures computed from stated ones (they become metrics), synonym
# groups and the glossary.
DERIVED = Spec(
    "metric", "derived", Metric,
    "Figures computed from stated metrics by a formula (never typed by hand; marked derived).",
    _pick("id name name_en formula inputs unit period scope scope_en industries note"),
)  # fmt: skip
SYNONYMS = Spec(
    "synonym group", "synonyms", SynonymGroup,
    "Groups of search terms that mean the same (营收, 营业收入, revenue); each occurs in some record.",
    _pick("terms weight"),
)  # fmt: skip
GLOSSARY = Spec(
    "glossary term", "glossary", GlossaryTerm,
    "Chinese terms and their established English, which every English field follows (rule SR114).",
    _pick("zh en forms note"),
)  # fmt: skip

RECORD_SPECS: dict[str, Spec] = {s.type: s for s in (SOURCE, INDUSTRY, METRIC, CLAIM, ENTITY)}  # by record type
FILE_SECTIONS: tuple[Spec, ...] = (*RECORD_SPECS.values(), DERIVED, SYNONYMS, GLOSSARY)  # in file order
SEARCHED: tuple[Field, ...] = tuple(
    sorted((f for f in FIELDS.values() if f.weight), key=lambda f: -f.weight)
)  # every searched field, heaviest first (equal weights in FIELDS order)
