"""The second audit of the knowledge file (issue 15): each finding has a test so none comes back.

Meaning (爱驰 is Aiways, 规上工业总量 is not output value, aims are targets), targets written in
Chinese numerals as figures, 两光一车 read and linked, companies linked to their projects, the
headline and slogans recorded, the inconsistencies gone, established English names, no literal
renderings; and the rules that keep it so: the synonym groups, the glossary (SR112-SR115) and
the reading of Chinese numerals by `validate --source` (SR204-SR206).
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srfacts.core.errors import KnowledgeFileError
from srfacts.core.records import Claim, KnowledgeBase, Metric, Record
from srfacts.data.build import build
from srfacts.data.fidelity import (
    check_sources,
    chinese_numerals,
    chinese_value,
    flatten,
    implied_qualifier,
    unit_scale,
    value_spans,
)
from srfacts.data.glossary import english_form, fold, glossary_problems, record_text
from srfacts.data.yaml_reader import parse_yaml
from srfacts.store.loader import load
from tests.conftest import ROOT, SOURCE_DIR

BUNDLED = ROOT / "data" / "facts.yaml"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(BUNDLED, use_cache=False)


def get(kb: KnowledgeBase, record_id: str) -> Any:
    record = kb.get(record_id)
    assert record is not None, f"{record_id} is missing"
    return record


# English fields (and curators' notes, which are English too); ids, quotes and Chinese fields aside.
ENGLISH_FIELDS = ("name_en", "text_en", "title_en", "scope_en", "aliases_en", "authors_en", "note")


def english_texts(record: Record) -> list[str]:
    out: list[str] = []
    for name in ENGLISH_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, tuple):
            out.extend(value)
    rank = getattr(record, "rank", None)
    if rank is not None:
        out.append(rank.scope_en)
    out.extend(a.reason for a in getattr(record, "uncaptured_numbers", ()))
    return out


def english_of(record: Record) -> str:
    """The English twins of the Chinese fields (names, texts, titles, scopes, aliases)."""
    fields = ("name_en", "text_en", "title_en", "scope_en")
    return "\n".join([str(getattr(record, f, None) or "") for f in fields] + list(getattr(record, "aliases_en", ())))


def chinese_of(record: Record) -> str:
    fields = ("name", "text", "title", "scope")
    return "\n".join([str(getattr(record, f, None) or "") for f in fields] + list(getattr(record, "aliases", ())))


# ---------------------------------------------------------------------------------------------
# Meaning


def test_aichi_is_the_carmaker_aiways(kb: KnowledgeBase) -> None:
    aichi = get(kb, "aichi")
    assert aichi.name == "爱驰" and aichi.name_en == "Aiways" and aichi.kind == "company"
    assert all("aichi" not in name.casefold() for name in aichi.aliases_en)  # Ai Chi: the pinyin, spaced
    assert "pinyin" in (aichi.note or "")
    for record_id in ("vehicle-makers-cluster",):
        assert "Aiways" in get(kb, record_id).text_en
    for record in kb.all_records():
        assert not any(re.search(r"\bAichi\b", text) for text in english_texts(record)), record.id
    assert "aichi" in get(kb, "vehicle-makers-count").entities


def test_an_english_search_for_each_established_name_finds_its_record(kb: KnowledgeBase) -> None:
    wanted = {
        "Aiways": "aichi",
        "SVOLT Energy Technology": "fengchao-energy",
        "SVOLT": "fengchao-energy",
        "Jiangxi Copper": "jiangtong",
        "JCC": "jiangtong",
        "CEC IRICO": "zhongdian-caihong",
        "HIUV": "haiyouwei-film",
    }
    for query, record_id in wanted.items():
        found = [hit.record.id for hit in kb.search(query, limit=3)]
        assert record_id in found, (query, found)


def test_above_size_industrial_total_is_not_called_output(kb: KnowledgeBase) -> None:
    ids = ("above-size-industrial-output-over-5000", "above-size-industrial-output-over-6000")
    for record_id in (*ids, "above-size-output-milestones"):
        record = get(kb, record_id)
        english = record.label_en.casefold()
        assert "total size of above-designated-size industry" in english, record_id
        assert "output" not in english, record_id
        assert "does not name the indicator" in (record.note or ""), record_id
    low, high = (get(kb, i) for i in ids)
    assert low.value == 5000 and high.value == 6000 and low.qualifier == high.qualifier == "more_than"
    assert low.name != high.name and low.name_en != high.name_en
    assert "5000亿元" in low.name and "6000亿元" in high.name
    assert "500-billion" in low.name_en and "600-billion" in high.name_en


def test_the_hundred_billion_clusters_are_an_aim(kb: KnowledgeBase) -> None:
    count = get(kb, "hundred-billion-clusters-count")
    assert count.status == "target" and count.value == 4 and count.unit == "个"
    assert "全力培育" in count.quote


# ---------------------------------------------------------------------------------------------
# Targets written in Chinese numerals, as figures


def test_the_trillion_yuan_club_is_a_2025_target_figure(kb: KnowledgeBase) -> None:
    target = get(kb, "trillion-yuan-industry-club-target-2025")
    assert isinstance(target, Metric)
    assert (target.value, target.unit, target.qualifier, target.period, target.status) == (
        Decimal(10000),
        "亿元",
        "exact",
        "2025",
        "target",
    )
    assert (target.base_value, target.base_unit) == (Decimal(10**12), "CNY")
    assert "万亿" in (target.quote or "") and "indicator" in (target.note or "")
    assert target.id in get(kb, "trillion-yuan-industry-club-2025").metrics


def test_the_lithium_double_hundred_billion_is_two_2025_target_figures(kb: KnowledgeBase) -> None:
    claim = get(kb, "lithium-double-hundred-billion-2025")
    figures = [get(kb, i) for i in claim.metrics]
    assert len(figures) == 2
    assert {("investment" in m.name_en.casefold(), "output" in m.name_en.casefold()) for m in figures} == {
        (True, False),
        (False, True),
    }
    assert {m.name for m in figures} == {"锂电产业投资目标", "锂电产业产出目标"}
    for metric in figures:
        assert (metric.value, metric.unit, metric.qualifier, metric.period, metric.status) == (
            Decimal(1000),
            "亿元",
            "exact",
            "2025",
            "target",
        )
        assert (metric.base_value, metric.base_unit) == (Decimal(10**11), "CNY")
        assert "双千亿" in (metric.quote or "")
        assert metric.industries == ("lithium-battery-new-energy",)
    assert "double hundred billion" not in claim.text_en and "100 billion yuan each" in claim.text_en


def test_every_target_year_figure_is_a_target(kb: KnowledgeBase) -> None:
    dated_2025 = [m for m in kb.metric_records if m.period == "2025"]
    assert len(dated_2025) == 3 and all(m.status == "target" for m in dated_2025)


# ---------------------------------------------------------------------------------------------
# Chinese numerals


def to_chinese(number: int) -> str:
    """A canonical Chinese numeral (reference for the reader): 二十, 一百零五, 三万零一十, 一万亿."""
    digits = "零一二三四五六七八九"
    for size, mark in ((10**8, "亿"), (10**4, "万")):
        if number >= size:
            high, low = divmod(number, size)
            tail = "" if low == 0 else ("零" if low < size // 10 else "") + to_chinese(low)
            return to_chinese(high) + mark + tail
    out, zero = "", False
    for size, mark in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // size % 10
        if digit:
            out += ("零" if zero else "") + digits[digit] + mark
            zero = False
        elif out:
            zero = True
    return out


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("两", 2), ("十", 10), ("十四", 14), ("二十", 20), ("一百零五", 105), ("千", 1000), ("千亿", 10**11),
     ("万亿", 10**12), ("一万二千", 12000), ("三千亿", 3 * 10**11), ("两万", 20000), ("一亿零五万", 100050000),
     ("十四五", None), ("百千", None), ("", None), ("四五", None), ("万万", 10**8)],
)  # fmt: skip
def test_chinese_value(numeral: str, value: int | None) -> None:
    assert chinese_value(numeral) == value


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**13 - 1))
def test_chinese_value_reads_every_canonical_numeral(number: int) -> None:
    assert chinese_value(to_chinese(number)) == number
    assert chinese_value(re.sub("二(?=[百千万亿])", "两", to_chinese(number))) == number  # 两千, 两万


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="零一二两三四五六七八九十百千万亿双第个大年家0123456789.多余元字", max_size=30))
def test_the_numeral_finder_never_fails_and_finds_only_quantities(text: str) -> None:
    for numeral in chinese_numerals(text):
        assert text[numeral.start : numeral.end] == numeral.text
        assert numeral.start == 0 or text[numeral.start - 1] not in "0123456789.第"


def test_the_numerals_of_the_article_that_count(article: str) -> None:
    flat = flatten(article)
    found = {n.text for n in chinese_numerals(flat)}
    assert {"万亿", "双千亿", "千亿", "两", "十四五", "二十"} <= found
    values = {n.text: n.value for n in chinese_numerals(flat)}
    assert values["双千亿"] == 10**11 and values["万亿"] == 10**12 and values["十四五"] is None
    numbers = {flat[n.start : n.end + 1] for n in chinese_numerals(flat)}
    assert "两大" in numbers and "两年" in numbers  # a digit other than 一 and a measure word
    assert not any(flat[n.start - 1] == "第" for n in chinese_numerals(flat))  # ordinals (全省第一) are ranks
    glued = [n for n in chinese_numerals(flat) if flat[n.start - 1].isdigit()]
    assert glued == []  # 5000亿, 20万辆, 3600多万: magnitudes of numbers in digits
    assert "一批" not in numbers and "一个" not in numbers  # 一 with a measure word is "a"


@pytest.mark.parametrize(
    ("quote", "value", "unit", "spans"),
    [
        ("2025年跨入万亿工业俱乐部", "10000", "亿元", [(7, 9, "元")]),
        ("产出“双千亿”锂电产业", "1000", "亿元", [(3, 6, "元")]),
        ("即有色金属、光伏新能源两大主导产业", "2", "个", [(11, 12, "个")]),
        ("蝉联两年全省第一", "2", "年", [(2, 3, "年")]),
        ("规上工业总量连续突破5000亿元", "5000", "亿元", [(10, 14, "亿元")]),
        ("2025年跨入万亿工业俱乐部", "1000", "亿元", []),
        ("全省第一", "1", "个", []),
    ],
)
def test_value_spans(quote: str, value: str, unit: str, spans: list[tuple[int, int, str]]) -> None:
    assert value_spans(quote, value, unit) == spans


@pytest.mark.parametrize(
    ("quote", "value", "unit", "expected"),
    [("跨入万亿工业俱乐部", "10000", "亿元", None), ("营收突破千亿元", "1000", "亿元", "more_than"),
     ("三十多家企业", "30", "家", "more_than"), ("千亿元以上", "1000", "亿元", "at_least"),
     ("约两万辆", "2", "万辆", "about"), ("至少引进三个项目", "3", "个", "at_least")],
)  # fmt: skip
def test_implied_qualifier_reads_chinese_numerals(quote: str, value: str, unit: str, expected: str | None) -> None:
    assert implied_qualifier(quote, value, unit) == expected


def test_unit_scale() -> None:
    assert unit_scale("亿元") == (10**8, "元") and unit_scale("万平方米") == (10**4, "平方米")
    assert unit_scale("个月") == (1, "个月") and unit_scale("万") == (1, "万")


def _mutated(tmp_path: Path, record_id: str, field: str, new: str) -> Path:
    from tests.test_fidelity import _mutated as mutated

    return mutated(tmp_path, record_id, field, new)


@pytest.mark.usefixtures("article")
class TestChineseNumeralsInTheSourceChecks:
    def test_the_bundled_file_is_faithful(self) -> None:
        assert [str(p) for p in check_sources(load(BUNDLED), str(SOURCE_DIR))] == []

    @pytest.mark.parametrize(
        ("record_id", "wrong"),
        [("trillion-yuan-industry-club-target-2025", "1000"), ("lithium-output-target-2025", "100"),
         ("leading-industries-count", "3"), ("provincial-first-years-running", "5")],
    )  # fmt: skip
    def test_sr204_a_value_in_chinese_numerals(self, tmp_path: Path, record_id: str, wrong: str) -> None:
        problems = check_sources(load(_mutated(tmp_path, record_id, "value", wrong)), str(SOURCE_DIR))
        assert any(p.code == "SR204" and p.record_id == record_id for p in problems), problems

    @pytest.mark.parametrize("wrong", ["more_than", "at_least", "about"])
    def test_sr205_a_qualifier_next_to_chinese_numerals(self, tmp_path: Path, wrong: str) -> None:
        path = _mutated(tmp_path, "trillion-yuan-industry-club-target-2025", "qualifier", f'"{wrong}"')
        problems = check_sources(load(path), str(SOURCE_DIR))
        assert [p.code for p in problems] == ["SR205"], problems

    def test_sr206_an_uncaptured_chinese_numeral(self, tmp_path: Path) -> None:
        text = BUNDLED.read_text(encoding="utf-8")
        entry = '      - context: "千亿级"\n'
        assert entry in text
        path = tmp_path / "facts.yaml"
        path.write_text(text.replace(entry, '      - context: "千亿级产业集群作为主攻方向"\n'), encoding="utf-8")
        problems = [str(p) for p in check_sources(load(path), str(SOURCE_DIR))]
        assert problems and all("SR206" in p and "the number 千亿 " in p for p in problems), problems
        assert len(problems) == 3  # the other three 千亿级 of the article

    def test_sr206_a_target_figure_left_out(self, tmp_path: Path) -> None:
        text = BUNDLED.read_text(encoding="utf-8").replace(
            '    metrics: ["trillion-yuan-industry-club-target-2025"]\n', ""
        )
        start = text.index('  - id: "trillion-yuan-industry-club-target-2025"')
        end = text.index("\n\nclaims:", start)
        path = tmp_path / "facts.yaml"
        path.write_text(text[:start] + text[end + 1 :], encoding="utf-8")
        problems = [str(p) for p in check_sources(load(path), str(SOURCE_DIR))]
        assert len(problems) == 1 and "SR206" in problems[0] and "the number 万亿 " in problems[0], problems


# ---------------------------------------------------------------------------------------------
# Links, the headline and the slogans


def test_two_light_one_vehicle_is_read_as_pv_optics_and_automobiles(kb: KnowledgeBase) -> None:
    three = {"photovoltaic-new-energy", "optics", "automobile"}
    claim = get(kb, "development-momentum")
    assert three <= set(claim.industries)
    assert "两光一车" in claim.text and "光伏" in (claim.note or "") and "光学" in (claim.note or "")
    slogan = get(kb, "two-guang-one-vehicle")
    assert set(slogan.industries) == three and slogan.name_en == "PV, optics and automobiles"
    assert "光伏" in (slogan.note or "") and "汽车" in (slogan.note or "")
    for industry in three:
        assert "两光一车" in (get(kb, industry).note or ""), industry


def test_the_key_projects_claim_links_the_companies(kb: KnowledgeBase) -> None:
    claim = get(kb, "key-projects-fill-chain-gaps")
    companies = {"zhongdian-caihong", "jiangtong", "fengchao-energy", "wannian-xinwei", "dechen-technology"}
    assert companies <= set(claim.entities)
    for company in companies:
        assert claim in kb.related(get(kb, company)), company


def test_show_jiangtong_shows_the_key_projects_claim(run) -> None:
    result = run("show", "jiangtong", "--json", data=BUNDLED)
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["name_en"] == "Jiangxi Copper (JCC)"
    related = {r["id"]: r["type"] for r in shown["related"]}
    assert related.get("key-projects-fill-chain-gaps") == "claim"
    assert related.get("nonferrous-metals") == "industry"


def test_the_headline_is_recorded(kb: KnowledgeBase) -> None:
    headline = [c for c in kb.claim_records if c.text == "蝉联两年全省第一"]
    assert len(headline) == 1 and headline[0].quote == "蝉联两年全省第一"
    assert "two years running" in headline[0].text_en
    years = get(kb, headline[0].metrics[0])
    assert (years.value, years.unit, years.qualifier) == (Decimal(2), "年", "exact")


@pytest.mark.parametrize(
    ("name", "english"),
    [("以“数”赋能,聚“数”成势", "digital"), ("招大引强", "attract the big and the strong"),
     ("服务企业“靠前一步”", "one step ahead")],
)  # fmt: skip
def test_the_slogans_are_recorded_and_referenced(kb: KnowledgeBase, name: str, english: str) -> None:
    found = [e for e in kb.entity_records if e.name == name]
    assert len(found) == 1 and found[0].kind == "slogan"
    assert english in found[0].name_en.casefold()
    assert any(isinstance(r, Claim) for r in kb.related(found[0]))


def test_every_entity_is_referenced(kb: KnowledgeBase) -> None:
    assert [e.id for e in kb.entity_records if e.id not in kb.linked_from] == []


def test_every_stated_figure_has_a_claim(kb: KnowledgeBase) -> None:
    for metric in kb.metric_records:
        if metric.status != "derived":
            claims = [i for i in kb.linked_from.get(metric.id, ()) if isinstance(kb.get(i), Claim)]
            assert claims, f"{metric.id} is in no claim"
    revenue = get(kb, "two-plus-four-revenue-statement-2022")
    assert set(revenue.metrics) == {"two-plus-four-revenue-2022", "two-plus-four-revenue-share-2022"}


# ---------------------------------------------------------------------------------------------
# Inconsistencies


def test_the_5020_target_has_the_period_of_its_claim(kb: KnowledgeBase) -> None:
    assert get(kb, "5020-projects-target").period == get(kb, "5020-projects-target-in-work-report-2022").period
    assert get(kb, "5020-projects-target").period == "2022"


def test_the_two_integration_twins_share_their_scope(kb: KnowledgeBase) -> None:
    zones = get(kb, "provincial-two-integration-demo-zones-2022")
    firms = get(kb, "provincial-two-integration-demo-enterprises-2022")
    assert (zones.scope, zones.scope_en) == (firms.scope, firms.scope_en) == ("上饶市", "Shangrao")


def test_the_market_expansion_campaign_has_one_name(kb: KnowledgeBase) -> None:
    holders = [r for r in kb.all_records() if "开拓市场万里行" in chinese_of(r)]
    assert len(holders) >= 3
    for record in holders:
        assert "market expansion ten thousand li tour" in english_form(english_of(record)), record.id


def test_technology_centres_are_not_charted_as_enterprises(kb: KnowledgeBase) -> None:
    groups: dict[str, list[Metric]] = {}
    for metric in kb.metric_records:
        if metric.group:
            groups.setdefault(metric.group, []).append(metric)
    cultivated = groups["cultivated-enterprises-2022"]
    assert len(cultivated) == 4 and not any("技术中心" in m.name for m in cultivated)
    for members in groups.values():
        assert not (any("技术中心" in m.name for m in members) and any("企业" in m.name for m in members))
        assert len({(m.unit, m.period) for m in members}) == 1


def test_hundred_billion_level_has_one_rendering(kb: KnowledgeBase) -> None:
    holders = [r for r in kb.all_records() if "千亿级" in chinese_of(r)]
    assert len(holders) >= 5
    for record in holders:
        assert "100 billion yuan level" in english_form(english_of(record)), record.id
    for record in kb.all_records():
        for text in english_texts(record):
            form = english_form(text)
            assert "hundred billion" not in form and "100 billion level" not in form, (record.id, text)
            assert "100 billion yuan scale" not in form, (record.id, text)
    assert [t.en for t in kb.glossary if t.zh == "千亿级"] == ["100-billion-yuan level"]


def test_no_full_width_brackets_among_ascii_ones(kb: KnowledgeBase) -> None:
    for record in kb.all_records():
        for name in ("name", "text", "scope", "aliases", "name_en", "text_en", "note"):
            value = getattr(record, name, None)
            for text in value if isinstance(value, tuple) else (value or "",):
                assert "（" not in text and "）" not in text, (record.id, name)
    assert get(kb, "industrial-revenue-2022-derived").name == "工业营收(推算)"


# ---------------------------------------------------------------------------------------------
# English


@pytest.mark.parametrize(
    ("record_id", "name_en", "pinyin"),
    [("fengchao-energy", "SVOLT Energy Technology", "Fengchao"), ("jiangtong", "Jiangxi Copper (JCC)", "Jiangtong"),
     ("zhongdian-caihong", "CEC IRICO", "Zhongdian Caihong"), ("haiyouwei-film", "HIUV", "Haiyouwei"),
     ("jinko-solar", "JinkoSolar", "Jingke")],
)  # fmt: skip
def test_established_english_names_with_the_pinyin_as_aliases(
    kb: KnowledgeBase, record_id: str, name_en: str, pinyin: str
) -> None:
    company = get(kb, record_id)
    assert company.name_en.startswith(name_en)
    assert any(alias.startswith(pinyin) for alias in company.aliases_en), company.aliases_en
    for record in kb.all_records():
        if record is not company and company.name in chinese_of(record):
            assert name_en.casefold() in english_of(record).casefold(), record.id


def test_srdi_everywhere(kb: KnowledgeBase) -> None:
    holders = [r for r in kb.all_records() if "专精特新" in chinese_of(r)]
    assert {"national-little-giants-2022", "provincial-specialised-smes-2022", "enterprise-cultivation-2022",
            "enterprise-upgrading-ladder"} <= {r.id for r in holders}  # fmt: skip
    for record in holders:
        english = english_of(record).casefold()
        assert english.count("specialised, refined, distinctive and innovative (srdi)") == chinese_of(record).count(
            "专精特新"
        ), record.id


def test_new_means_newly_reaching_a_tier(kb: KnowledgeBase) -> None:
    holders = [r for r in kb.all_records() if "新增" in chinese_of(r)]
    assert len(holders) >= 6
    for record in holders:
        assert "newly" in english_of(record), record.id
    assert get(kb, "new-10-billion-enterprises-2022").name_en == "Enterprises newly reaching the 10-billion-yuan level"
    assert get(kb, "new-1-billion-enterprises-2022").name_en == "Enterprises newly reaching the 1-billion-yuan level"


LITERAL = [r"magic weapon", r"double hundred billion", r"factor[- ]guarantee", r"two[- ]way rush", r"\blanded\b",
           r"\blanding\b", r"\brao merchant", r"chain[- ]owner", r"pilot enterprise", r"casting new material",
           r"risen suddenly", r"two[- ]guang", r"(?<!encapsulant )\bfilm\b"]  # fmt: skip


@pytest.mark.parametrize("pattern", LITERAL)
def test_no_literal_rendering_is_left(kb: KnowledgeBase, pattern: str) -> None:
    for record in kb.all_records():
        for text in english_texts(record):
            assert not re.search(pattern, text, re.I), (record.id, text)
    for term in kb.glossary:
        for text in (term.en, *term.forms):
            assert not re.search(pattern, text, re.I), term


def test_the_replacements_are_in_place(kb: KnowledgeBase) -> None:
    assert "secrets" in get(kb, "shangrao-industry-2023").title_en
    assert "chain-leader enterprises, flagship enterprises" in get(kb, "enterprise-upgrading-ladder").text_en
    assert get(kb, "factor-guarantee-meeting").name_en == "Production-factor support meeting"
    assert "Shangrao entrepreneurs" in get(kb, "rao-merchants-return").name_en
    assert "new casting materials" in get(kb, "copper-gold-projects-completed").text_en
    assert get(kb, "casting-new-materials-project").name_en == "New casting materials project"
    assert "encapsulant film" in get(kb, "complete-pv-chain").text_en
    assert "met each other halfway" in get(kb, "government-enterprise-two-way").text_en
    assert "got off the ground" in get(kb, "konka-project-landed").text_en


@pytest.mark.parametrize(
    ("record_id", "added"),
    [("advanced-city-industrial-quality-2022", "Leading Group"), ("chain-leader-system-eight-ones", "city leader"),
     ("regular-industrial-meetings", "major projects"), ("industrial-project-campaign-policy", "compare"),
     ("epidemic-relief-packages", "tax"), ("market-expansion-campaign-event", "county"),
     ("city-slogan-one-city", "everywhere")],
)  # fmt: skip
def test_english_texts_add_nothing_to_their_chinese(kb: KnowledgeBase, record_id: str, added: str) -> None:
    assert added.casefold() not in get(kb, record_id).text_en.casefold()


def test_serve_enterprises_one_step_ahead_says_the_same_in_both_languages(kb: KnowledgeBase) -> None:
    claim = get(kb, "serve-enterprises-one-step-ahead")
    assert claim.text.startswith("服务企业“靠前一步”") and claim.text_en.startswith(
        "Serve enterprises 'one step ahead'"
    )
    assert "一线" in claim.text and "front line" in claim.text_en
    assert claim.quote.startswith("服务企业“靠前一步”")


# ---------------------------------------------------------------------------------------------
# The glossary and the synonym groups of the bundled file


def test_every_glossary_term_is_applied(kb: KnowledgeBase) -> None:
    assert len(kb.glossary) >= 40
    for record in kb.all_records():
        assert glossary_problems(record, kb.glossary) == [], record.id
    everything = "\n".join(chinese_of(r) for r in kb.all_records())
    for term in kb.glossary:
        assert term.zh in everything, f"glossary term {term.zh} is in no record"


@pytest.mark.parametrize(
    ("zh", "en"),
    [("规上工业企业", "industrial enterprises above designated size"), ("专精特新",
      "specialised, refined, distinctive and innovative (SRDI)"), ("小巨人", "little giant"), ("单项冠军",
      "single champion"), ("开发区", "development zone"), ("蜂巢能源", "SVOLT Energy Technology"), ("江铜",
      "Jiangxi Copper (JCC)"), ("中电彩虹", "CEC IRICO"), ("海优威", "HIUV"), ("爱驰", "Aiways"), ("晶科能源",
      "JinkoSolar"), ("吉利", "Geely"), ("链长制", "chain leader system"), ("饶商", "Shangrao entrepreneurs"),
      ("要素保障", "production-factor support")],
)  # fmt: skip
def test_the_glossary_holds_the_established_terms(kb: KnowledgeBase, zh: str, en: str) -> None:
    assert [t.en for t in kb.glossary if t.zh == zh] == [en]


@pytest.mark.parametrize(
    "group",
    [{"营收", "营业收入", "收入", "revenue"}, {"规上", "above designated size"}, {"企业", "firm", "enterprise"},
     {"数量", "总数", "number", "count"}, {"光伏", "PV", "solar", "photovoltaic", "太阳能光伏"},
     {"锂电", "锂电池", "lithium battery"}, {"整车企业", "车企", "vehicle maker", "carmaker"},
     {"开发区", "园区", "development zone", "park"}, {"经开区", "经济技术开发区"}, {"千亿级", "千亿", "100-billion"},
     {"专精特新", "SRDI"}, {"招商", "investment promotion"}, {"营商环境", "business environment"}, {"纾困", "relief"}],
)  # fmt: skip
def test_the_synonym_groups_asked_for(kb: KnowledgeBase, group: set[str]) -> None:
    assert any(group <= set(g.terms) for g in kb.synonyms), group


def test_every_synonym_term_occurs_once_and_in_the_data(kb: KnowledgeBase) -> None:
    haystack = fold("\n".join(record_text(r) for r in kb.all_records()))
    terms = [fold(t) for g in kb.synonyms for t in g.terms]
    assert len(terms) == len(set(terms))
    assert [t for t in terms if t not in haystack] == []
    assert all(0 < g.weight <= 1 for g in kb.synonyms)
    question_words = next(g for g in kb.synonyms if "数量" in g.terms)
    assert question_words.weight < 0.8  # low value: the engine ignores question words for ranking


# ---------------------------------------------------------------------------------------------
# The rules: SR112-SR115 and the shapes of the two sections

BASE = """\
schema_version: 1
sources:
  - {id: src, title: T, title_en: T, authors: [a], published: "2023", file: a.txt,
     sha256: 69de2193407c4eba4d143fc494bad22b56fb6719d86f4f34c7ef18c72d2cd7aa}
industries:
  - {id: pv, name: 光伏新能源, name_en: Photovoltaic new energy, tier: leading, aliases: [光伏],
     aliases_en: [PV, solar], source: src, quote: 光伏新能源}
entities:
  - {id: chambers, kind: institution, name: 异地上饶商会, name_en: Shangrao chambers of commerce elsewhere,
     source: src, quote: 异地上饶商会}
  - {id: zone, kind: park, name: 上饶经开区, name_en: Shangrao Economic Development Zone,
     aliases: [上饶经济技术开发区], aliases_en: [Shangrao Economic and Technological Development Zone],
     source: src, quote: 上饶经开区}
"""


def built(extra: str) -> KnowledgeBase:
    return build(parse_yaml(BASE + extra, "x.yaml"), "x.yaml")


def codes(extra: str) -> list[tuple[str, str | None, str | None]]:
    with pytest.raises(KnowledgeFileError) as caught:
        built(extra)
    return [(p.code, p.record_id, p.field) for p in caught.value.problems]


def test_synonyms_and_glossary_are_read() -> None:
    kb = built(
        "synonyms:\n  - terms: [光伏, PV, Solar]\n  - terms: [开发区, development zone]\n    weight: 0.5\n"
        "glossary:\n  - {zh: 光伏, en: photovoltaic, forms: [PV], note: n}\n  - {zh: 开发区, en: development zone}\n"
    )
    assert [(g.terms, g.weight) for g in kb.synonyms] == [
        (("光伏", "PV", "Solar"), 0.8),
        (("开发区", "development zone"), 0.5),
    ]
    assert kb.glossary[0].to_dict() == {"zh": "光伏", "en": "photovoltaic", "forms": ["PV"], "note": "n"}
    assert kb.glossary[1].forms == () and kb.glossary[1].note is None
    assert kb.synonyms[1].to_dict() == {"terms": ["开发区", "development zone"], "weight": 0.5}


def test_sr112_a_synonym_term_in_no_record() -> None:
    assert codes("synonyms:\n  - terms: [光伏, photovoltaics, PV]\n") == [("SR112", None, "terms")]
    built("synonyms:\n  - terms: [光伏, ＰＶ]\n  - terms: [Solar, 光伏新能源]\n")  # case and width aside (NFKC)


def test_sr113_a_term_in_two_groups() -> None:
    assert codes("synonyms:\n  - terms: [光伏, PV]\n  - terms: [solar, pv]\n") == [("SR113", None, "terms")]
    assert codes("synonyms:\n  - terms: [光伏, PV, ＰＶ]\n") == [("SR113", None, "terms")]


def test_sr114_the_glossary_rule() -> None:
    found = codes("glossary:\n  - {zh: 光伏, en: PV}\n")  # name_en says Photovoltaic only
    assert found == [("SR114", "pv", "name_en")]
    built("glossary:\n  - {zh: 光伏, en: PV, forms: [photovoltaic]}\n")  # a form will do
    built("glossary:\n  - {zh: 开发区, en: DEVELOPMENT-ZONE}\n")  # case and hyphens aside; aliases too
    assert codes("glossary:\n  - {zh: 经济技术开发区, en: ETDZ}\n") == [("SR114", "zone", "aliases_en")]
    built("glossary:\n  - {zh: 上饶, en: Shangrao}\n  - {zh: 饶商, en: Shangrao entrepreneurs}\n")  # 上饶|商会


def test_sr115_a_glossary_term_twice() -> None:
    found = codes("glossary:\n  - {zh: 光伏, en: photovoltaic}\n  - {zh: 光伏, en: solar}\n")
    assert found == [("SR115", None, "zh")]


@pytest.mark.parametrize(
    ("extra", "code"),
    [("synonyms:\n  - terms: [光伏]\n", "SR104"), ("synonyms:\n  - terms: 光伏\n", "SR104"),
     ("synonyms:\n  - terms: [光伏, '']\n", "SR104"), ("synonyms:\n  - terms: [光伏, PV]\n    weight: 0\n", "SR104"),
     ("synonyms:\n  - terms: [光伏, PV]\n    weight: 1.5\n", "SR104"),
     ("synonyms:\n  - terms: [光伏, PV]\n    weight: true\n", "SR104"),
     ("synonyms:\n  - terms: [光伏, PV]\n    weight: '0.5'\n", "SR104"), ("synonyms:\n  - weight: 0.5\n", "SR103"),
     ("synonyms:\n  - terms: [光伏, PV]\n    colour: red\n", "SR102"), ("synonyms: 光伏\n", "SR104"),
     ("glossary:\n  - {zh: 光伏}\n", "SR103"), ("glossary:\n  - {zh: 光伏, en: PV, forms: PV}\n", "SR104"),
     ("glossary:\n  - {zh: 光伏, en: ''}\n", "SR104"), ("glossary:\n  - {zh: 光伏, english: PV}\n", "SR102")],
)  # fmt: skip
def test_the_shape_of_the_two_sections(extra: str, code: str) -> None:
    assert code in {c for c, _, _ in codes(extra)}


def test_weight_one_is_allowed() -> None:
    assert built("synonyms:\n  - terms: [光伏, PV]\n    weight: 1\n").synonyms[0].weight == 1.0


SECTION_MUTATIONS = {
    "good": {"synonyms": [{"terms": ["光伏", "PV"], "weight": Decimal("0.6")}],
             "glossary": [{"zh": "有色金属", "en": "nonferrous metal", "forms": ["non-ferrous metal"], "note": "n"}]},
    "one-term": {"synonyms": [{"terms": ["光伏"]}]},
    "weight-zero": {"synonyms": [{"terms": ["光伏", "PV"], "weight": 0}]},
    "weight-above-one": {"synonyms": [{"terms": ["光伏", "PV"], "weight": Decimal("1.2")}]},
    "weight-text": {"synonyms": [{"terms": ["光伏", "PV"], "weight": "0.5"}]},
    "extra-key": {"synonyms": [{"terms": ["光伏", "PV"], "of": 1}]},
    "no-en": {"glossary": [{"zh": "光伏"}]},
    "forms-text": {"glossary": [{"zh": "光伏", "en": "photovoltaic", "forms": "PV"}]},
    "null-sections": {"synonyms": None, "glossary": None},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SECTION_MUTATIONS))
def test_schema_and_loader_agree_on_the_two_sections(name: str) -> None:
    from tests.test_schema import SAMPLE, _plain, _relocate, tree, validator

    data = copy.deepcopy(_plain(tree(SAMPLE)))
    data.update(copy.deepcopy(SECTION_MUTATIONS[name]))
    schema_ok = not list(validator().iter_errors(data))
    try:
        build(_relocate(data), "mutated.yaml")
        loader_ok = True
    except KnowledgeFileError as error:
        assert {p.code for p in error.problems} <= {"SR102", "SR103", "SR104"}
        loader_ok = False
    assert schema_ok == loader_ok, f"{name}: schema {'accepts' if schema_ok else 'rejects'}, loader does not"


# ---------------------------------------------------------------------------------------------
# The compiled cache and the command line


def test_a_warm_run_has_the_synonyms_and_the_glossary(tmp_path: Path) -> None:
    from srfacts.store import codec
    from srfacts.store.compiled import Store

    cold = load(BUNDLED)
    warm = load(BUNDLED)
    assert warm.cache_key == cold.cache_key
    assert warm._sections["industry"] is None  # read from the compiled store, on demand
    assert warm.synonyms == cold.synonyms and len(warm.synonyms) >= 14
    assert warm.glossary == cold.glossary and len(warm.glossary) >= 40
    store = Store.open(warm.cache_key or "")
    assert store is not None
    try:
        assert store.extras() == (cold.synonyms, cold.glossary)
    finally:
        store.close()
    assert codec.decode_extras(codec.encode_extras(cold.synonyms, cold.glossary)) == (cold.synonyms, cold.glossary)
    with pytest.raises(ValueError):
        codec.decode_extras({"synonyms": [[["a"], "x"]], "glossary": []})


def test_glossary_command(run) -> None:
    listed = json.loads(run("glossary", "--json", data=BUNDLED).stdout)
    assert len(listed) >= 40 and set(listed[0]) == {"zh", "en", "forms", "note"}
    found = json.loads(run("glossary", "svolt", "--json", data=BUNDLED).stdout)
    assert [e["zh"] for e in found] == ["蜂巢能源"]
    found = json.loads(run("glossary", "规上", "--json", data=BUNDLED).stdout)
    assert {e["zh"] for e in found} == {"规上工业企业", "规上"}
    found = json.loads(run("glossary", "Above-Designated-Size", "--json", data=BUNDLED).stdout)
    assert {e["zh"] for e in found} >= {"规上工业企业", "规上"}  # a form, case and hyphens aside
    table = run("glossary", "专精特新", data=BUNDLED)
    assert table.exit_code == 0 and "specialised, refined, distinctive and innovative (SRDI)" in table.stdout
    csv = run("glossary", "--limit", "2", "--format", "csv", "--fields", "zh,en", data=BUNDLED)
    assert csv.stdout.splitlines()[0] == "zh,en" and len(csv.stdout.splitlines()) == 3
    missing = run("glossary", "no-such-term", data=BUNDLED)
    assert missing.exit_code == 1 and "no-such-term" in missing.stderr
    assert run("glossary", "no-such-term", "--json", data=BUNDLED).stdout.strip() == "[]"
    wrong = run("glossary", "--fields", "zh,colour", data=BUNDLED)
    assert wrong.exit_code == 2 and "colour" in wrong.stderr


@pytest.mark.usefixtures("english")
def test_glossary_command_on_a_file_without_one(run) -> None:
    result = run("glossary")  # the sample has no glossary
    assert result.exit_code == 1 and "empty" in result.stderr
