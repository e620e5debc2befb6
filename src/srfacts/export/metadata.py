"""Datasette metadata for the SQLite export (``facts.metadata.json`` beside ``facts.db``), so that
``datasette facts.db -m facts.metadata.json`` explains itself: title, source, licence and
description; a Chinese and English description of each table and column; facets on tier, status,
kind and period; and canned queries (figures of a year, figures of an industry).

The English descriptions are the spec's (``srfacts.core.spec``: each record type's and field's
description); the Chinese ones are kept here, one per field, and a test checks that every column
of the export has both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from srfacts.core.records import KnowledgeBase
from srfacts.core.spec import FIELDS, RECORD_SPECS
from srfacts.export.contents import Table, tables
from srfacts.export.target import atomic

TITLE = "srfacts: 上饶工业事实库 / Source-verified facts about the industry of Shangrao"
LICENSE = "MIT (srfacts and its curation); each quote is the source article's own words, its rights its authors'"
LICENSE_URL = "https://opensource.org/license/mit"

TYPE_ZH = {"source": "来源", "industry": "产业", "metric": "指标", "claim": "论断", "entity": "实体"}
TABLE_ZH = {
    "source": "各记录引文所出自的来源文本。",
    "industry": "“2+4+N”产业体系中的产业（主导、重点、特色）及来源提到的其他产业。",
    "metric": "数字指标：来源所写的数值与单位、限定词、时期、范围及出处。",
    "claim": "定性论断：奖项、排名、纪录、首创、政策、项目、目标、事件。",
    "entity": "企业、园区、机构、项目计划、规划、政策、平台、地点、口号。",
}
FIELD_ZH = {
    "id": "唯一、稳定的英文短横线标识（如 above-size-enterprises-total-2022）。",
    "kind": "记录的类别。",
    "tier": "产业层级：leading（主导）、key（重点）、featured（特色）或 other（其他）。",
    "name": "来源所写的中文名称。",
    "text": "论断的中文表述。",
    "title": "来源文本的标题。",
    "name_en": "英文名称（译文，不含新信息）。",
    "text_en": "论断的英文表述（译文）。",
    "title_en": "来源文本标题的英文译文。",
    "aliases": "其他中文名称（光伏、锂电……）。",
    "aliases_en": "其他英文名称（PV、solar……）。",
    "value": "来源所写的数值，按原样保留各位数字。",
    "unit": "来源所写的单位（单位表中之一）。",
    "qualifier": "由措辞得出的限定：exact（确数）、more_than（余、多、超过、突破）、"
    "at_least（以上、至少）、about（约、近、左右）。",
    "status": "状态：actual（实际）、target（目标）或 derived（由其他指标计算）。",
    "scope": "指标所涵盖的范围（中文）。",
    "scope_en": "指标所涵盖的范围（英文）。",
    "period": "记录所指的年份或时期（2022、2019-2021）。",
    "rank": "来源给出的排名（范围与名次），JSON 文本。",
    "base_value": "换算为基本单位后的数值（5028.1 亿元即 502810000000 元），载入时计算。",
    "base_unit": "base_value 的基本单位（CNY、m2、vehicles……）。",
    "derivation": "计算所得指标的公式及其输入，JSON 文本。",
    "authors": "来源所署的作者。",
    "authors_en": "作者的拉丁字母拼写。",
    "author_roles": "署名中每位作者的身份（如“全媒体记者”），与作者顺序一致；署名未写明的为空。",
    "author_roles_en": "作者身份的英文译名，顺序相同。",
    "published": "发表时间，按原文所能确定的精度（如 2023）。",
    "file": "来源文本的文件名。",
    "sha256": "来源文本的 SHA-256 校验值（64 位小写十六进制）。",
    "uncaptured_numbers": "来源中有意未收录为记录的数字及其理由，JSON 文本。",
    "cluster": "是否为正在培育的千亿级产业集群（1 是，0 否）。",
    "group": "来源一并给出、单位与时期相同的一组指标（srfacts metrics --chart 绘图）。",
    "industries": "此记录涉及的产业 id（JSON 列表；另见链接表）。",
    "entities": "此记录涉及的实体 id（JSON 列表；另见链接表）。",
    "metrics": "此论断所依据的指标 id（JSON 列表；另见链接表）。",
    "source": "引文所出自的来源 id。",
    "quote": "支持此记录的来源原文片段（逐字引用）。",
    "note": "整理者注：如何解读来源。",
    "inputs": "计算所得指标的输入：公式中的每个名称对应一条已陈述指标。",
}
INPUT_COLUMNS = {
    "name": ("公式中的输入名称。", "The name of the input in the formula."),
    "input_id": ("作为输入的已陈述指标的 id。", "Id of the stated metric used as the input."),
}
LINK_EN = "Link table: each row links a record to one it refers to."
LINK_ZH = "链接表：每行把一条记录与其所引用的一条记录相连。"
FACETS = {
    "industries": ["tier", "cluster"],
    "metrics": ["status", "period", "unit", "qualifier"],
    "claims": ["kind", "period"],
    "entities": ["kind"],
}
LABELS = {"sources": "title", "industries": "name", "metrics": "name", "claims": "text", "entities": "name"}
QUERIES = {
    "figures_of_a_year": {
        "title": "某年的指标 / Figures of a year",
        "description": "某一年（或含该年的时期）的指标及其原文。"
        " Every figure whose period names the year, with its quote.",
        "sql": "SELECT id, name, name_en, value, unit, qualifier, status, period, scope, quote\n"
        "FROM metrics WHERE period LIKE '%' || :year || '%' ORDER BY period, id",
    },
    "figures_of_an_industry": {
        "title": "某产业的指标 / Figures of an industry",
        "description": "某产业（id 或中文名）的指标及其原文。"
        " The figures of an industry (id or Chinese name), with their quotes.",
        "sql": "SELECT m.id, m.name, m.name_en, m.value, m.unit, m.qualifier, m.period, m.quote\n"
        "FROM metrics m JOIN metric_industries l ON l.metric_id = m.id\n"
        "JOIN industries i ON i.id = l.industry_id WHERE i.id = :industry OR i.name = :industry\n"
        "ORDER BY m.period, m.id",
    },
}


def metadata_path(database: Path) -> Path:
    """Where the metadata of a database goes: ``facts.db`` -> ``facts.metadata.json``, beside it."""
    return database.with_name(f"{database.stem}.metadata.json")


def _both(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def _column(table: Table, column: str) -> str:
    """The Chinese and English description of a column of the export."""
    record_type = column.removesuffix("_id")
    if column.endswith("_id") and record_type in TYPE_ZH:
        return _both(f"{TYPE_ZH[record_type]}的 id。", f"Id of the {record_type}.")
    if table.name.endswith("_inputs"):
        return _both(*INPUT_COLUMNS[column])
    return _both(FIELD_ZH[column], FIELDS[column].description)


def _table(table: Table) -> dict[str, Any]:
    specs = {spec.section: spec for spec in RECORD_SPECS.values()}
    columns = {name: _column(table, name) for name, _ in table.columns}
    spec = specs.get(table.name)
    if spec is not None:
        entry: dict[str, Any] = {
            "title": f"{TYPE_ZH[spec.type]} / {table.name}",
            "description": _both(TABLE_ZH[spec.type], spec.description),
            "columns": columns,
            "label_column": LABELS[table.name],
        }
        if table.name in FACETS:
            entry["facets"] = FACETS[table.name]
        return entry
    field = table.name.partition("_")[2]
    what = FIELDS.get(field)
    description = _both(LINK_ZH, LINK_EN) if what is None else _both(FIELD_ZH.get(field, LINK_ZH), what.description)
    return {"title": table.name, "description": description, "columns": columns}


def metadata(kb: KnowledgeBase, database: Path) -> dict[str, Any]:
    """The Datasette metadata of the SQLite export of ``kb`` written to ``database``."""
    sources = kb.sources()
    cited = "; ".join(f"{s.title} ({', '.join(s.authors)}, {s.published})" for s in sources)
    return {
        "title": TITLE,
        "description": "来源可核验的上饶工业事实：每条记录都带有来源原文的逐字引文。"
        " Source-verified facts about the industry of Shangrao (上饶), Jiangxi: every record carries the"
        f" verbatim words of its source. Schema version {kb.schema_version}; written by srfacts export.",
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "source": cited or "srfacts",
        "databases": {
            database.stem: {
                "title": TITLE,
                "tables": {table.name: _table(table) for table in tables(kb)},
                "queries": QUERIES,
            }
        },
    }


def write_metadata(kb: KnowledgeBase, database: Path) -> Path:
    """Write the Datasette metadata of ``database`` beside it; its path."""
    target = metadata_path(database)
    text = json.dumps(metadata(kb, database), ensure_ascii=False, indent=2) + "\n"
    with atomic(target) as temporary:
        Path(temporary).write_text(text, encoding="utf-8")
    return target
