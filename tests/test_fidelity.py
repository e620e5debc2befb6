"""The knowledge file is faithful to the article: proven mechanically, rule by rule."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from srfacts.core.records import Metric
from srfacts.data.fidelity import check_sources, implied_qualifier, sentence_around
from srfacts.store.loader import load
from tests.conftest import ARTICLE, ROOT, SOURCE_DIR

BUNDLED = ROOT / "data" / "facts.yaml"


def test_bundled_file_is_faithful_to_the_article(article: str) -> None:
    problems = check_sources(load(BUNDLED), str(SOURCE_DIR))
    assert [str(p) for p in problems] == []


def test_validate_source_command(run, article: str) -> None:
    result = run("validate", "--source", str(SOURCE_DIR), data=BUNDLED)
    assert result.exit_code == 0, result.stdout
    assert "faithful to its source" in result.stderr
    report = json.loads(run("validate", "--source", str(ARTICLE), "--format", "json", data=BUNDLED).stdout)
    assert report["valid"] is True and report["problems"] == []


def test_coverage_is_substantial() -> None:
    kb = load(BUNDLED)
    assert len(kb.metrics(status="actual")) + len(kb.metrics(status="target")) >= 40
    assert len(kb.claim_records) >= 30 and len(kb.entity_records) >= 30
    tiers = {i.tier: [x.name for x in kb.industries(tier=i.tier)] for i in kb.industries()}
    assert tiers["leading"] == ["有色金属", "光伏新能源"]
    assert tiers["key"] == ["电子信息", "非金属材料", "汽车", "机械制造"]
    assert tiers["featured"] == ["生物医药", "纺织服装", "绿色食品"]
    assert {i.name for i in kb.industries(cluster=True)} == {"光伏新能源", "有色金属", "锂电新能源", "新能源汽车"}


def _mutated(tmp_path: Path, record_id: str, field: str, new: str) -> Path:
    """A copy of the bundled file with one field of one record changed."""
    lines = BUNDLED.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf'\s*- id: "?{re.escape(record_id)}"?', line))
    for i in range(start + 1, len(lines)):
        if re.match(rf"\s+{re.escape(field)}:", lines[i]):
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = f"{indent}{field}: {new}"
            break
    else:
        raise AssertionError(f"{record_id} has no {field}")
    path = tmp_path / "facts.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _codes(run, path: Path, source: Path | str = SOURCE_DIR) -> str:
    result = run("validate", str(path), "--source", str(source), data=None)
    assert result.exit_code == 3, result.stdout + result.stderr
    return result.stdout


@pytest.mark.usefixtures("article")
class TestEachRuleCatchesItsFault:
    def test_sr201_source_missing(self, run, tmp_path: Path) -> None:
        assert "SR201" in _codes(run, BUNDLED, tmp_path)

    def test_sr202_source_changed(self, run, tmp_path: Path, article: str) -> None:
        (tmp_path / ARTICLE.name).write_text(article + "\n", encoding="utf-8")
        assert "SR202" in _codes(run, BUNDLED, tmp_path)

    def test_sr203_quote_not_verbatim(self, run, tmp_path: Path) -> None:
        path = _mutated(tmp_path, "development-zones-revenue-2022", "quote", '"全市开发区实现营业收入5804.3万元"')
        out = _codes(run, path)
        assert "SR203" in out and "development-zones-revenue-2022" in out

    def test_sr204_value_not_as_written(self, run, tmp_path: Path) -> None:
        out = _codes(run, _mutated(tmp_path, "above-size-enterprises-total-2022", "value", "2249"))
        assert "SR204" in out and ":" in out.split("SR204")[0]

    @pytest.mark.parametrize(
        ("record_id", "wrong"),
        [("auto-parts-enterprises-count", "exact"), ("standard-factories-utilisation", "more_than"),
         ("above-size-enterprises-total-2022", "about"), ("5020-projects-target", "exact")],
    )  # fmt: skip
    def test_sr205_qualifier_against_wording(self, run, tmp_path: Path, record_id: str, wrong: str) -> None:
        assert "SR205" in _codes(run, _mutated(tmp_path, record_id, "qualifier", wrong))

    def test_sr206_number_left_out(self, run, tmp_path: Path) -> None:
        path = _mutated(tmp_path, "shangrao-industry-2023", "- context", "今年")
        out = _codes(run, path)
        assert "SR206" in out and "the number 4 " in out

    def test_sr207_allow_list_context_missing(self, run, tmp_path: Path) -> None:
        assert "SR207" in _codes(run, _mutated(tmp_path, "shangrao-industry-2023", "- context", "今年5月"))

    def test_sr208_period_not_stated(self, run, tmp_path: Path) -> None:
        assert "SR208" in _codes(run, _mutated(tmp_path, "above-size-enterprises-total-2022", "period", '"2021"'))

    @pytest.mark.parametrize(
        ("field", "wrong"),
        [("author_roles", '["全媒体记者", ""]'),  # the role given to the other author
         ("author_roles", '["", "记者站站长"]'),  # a role the byline does not state
         ("author_roles", '["", "全媒体记者", "编辑"]'),  # more roles than authors
         ("author_roles_en", '["", ""]')],  # a role without its English
    )  # fmt: skip
    def test_sr209_author_role_not_in_the_byline(self, run, tmp_path: Path, field: str, wrong: str) -> None:
        assert "SR209" in _codes(run, _mutated(tmp_path, "shangrao-industry-2023", field, wrong))


@pytest.mark.parametrize(
    ("quote", "value", "unit", "expected"),
    [
        ("90余家零部件配套企业", "90", "家", "more_than"),
        ("100多台机器人", "100", "台", "more_than"),
        ("利用率达到90%以上", "90", "%", "at_least"),
        ("超2000万平方米", "2000", "万平方米", "more_than"),
        ("入驻企业超过1300户", "1300", "户", "more_than"),
        ("出货量突破100GW", "100", "GW", "more_than"),
        ("营收过2000亿元", "2000", "亿元", "more_than"),
        ("至少引进30个", "30", "个", "at_least"),
        ("约5亿元", "5", "亿元", "about"),
        ("总数达2248户,列全省第二", "2248", "户", None),
        ("签约总额1169.7亿元", "1169.7", "亿元", None),
        ("新增10亿级企业10家", "10", "家", None),
    ],
)
def test_implied_qualifier(quote: str, value: str, unit: str, expected: str | None) -> None:
    assert implied_qualifier(quote, value, unit) == expected


def test_sentence_around() -> None:
    flat = "第一句。第二句有引文在此,还有。第三句。"
    at = flat.index("引文")
    assert sentence_around(flat, at, at + 2) == ("第二句有引文在此,还有。", 4, 6)


_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}


def _chinese_numbers(text: str) -> set[Decimal]:
    """Values of Chinese numerals in a text (十四 -> 14, 千亿 -> 10**11) and of its digits."""
    found = {Decimal(n) for n in re.findall(r"[0-9]+(?:\.[0-9]+)?", text)}
    runs = re.findall(r"[零一二两三四五六七八九十百千万亿]+", text)
    for run in {r[i:j] for r in runs for i in range(len(r)) for j in range(i + 1, min(len(r), i + 4) + 1)}:
        total, section, digit = 0, 0, 0
        for char in run:
            if char in _DIGITS:
                digit = _DIGITS[char]
            elif _UNITS[char] >= 10**4:
                total = (total + section + digit or 1) * _UNITS[char]
                section = digit = 0
            else:
                section += (digit or 1) * _UNITS[char]
                digit = 0
        found.add(Decimal(total + section + digit))
    return found


def _same_digits(number: Decimal, candidates: set[Decimal]) -> bool:
    """True when ``number`` is a candidate times a power of ten (128亿 -> 12.8 billion)."""
    for candidate in candidates:
        if candidate and number:
            ratio = number / candidate
            if any(ratio == Decimal(10) ** k for k in range(-12, 13)):
                return True
        elif candidate == number:
            return True
    return False


def test_english_adds_no_numbers() -> None:
    """Every number in an English field stands in the quote, the Chinese fields or the period,
    at most rescaled by a power of ten (亿 and 万 become billions and thousands in English)."""
    kb = load(BUNDLED)
    for record in kb.all_records():
        fields = ("quote", "name", "text", "title", "period", "scope", "value")
        chinese = " ".join(str(getattr(record, f, "") or "") for f in fields)
        chinese += " ".join(getattr(record, "aliases", ()))
        candidates = _chinese_numbers(chinese)
        for field in ("name_en", "text_en", "title_en", "scope_en"):
            for number in re.findall(r"[0-9][0-9,]*(?:\.[0-9]+)?", str(getattr(record, field, "") or "")):
                value = Decimal(number.replace(",", ""))
                assert _same_digits(value, candidates), f"{record.id}.{field} says {number}; its Chinese does not"


def test_chinese_numerals() -> None:
    assert _chinese_numbers("十四五") >= {Decimal(14), Decimal(5)}
    assert Decimal(10**11) in _chinese_numbers("千亿级") and Decimal(20) in _chinese_numbers("二十大")


def test_derived_revenue_is_marked_and_consistent_with_stated_thresholds() -> None:
    kb = load(BUNDLED)
    derived = [m for m in kb.metric_records if m.status == "derived"]
    assert [m.id for m in derived] == ["industrial-revenue-2022-derived"]
    revenue = derived[0]
    assert revenue.quote is None and revenue.derivation is not None and revenue.qualifier == "about"
    inputs = {name: kb.get(i) for name, i in revenue.derivation.inputs.items()}
    assert all(isinstance(m, Metric) and m.status == "actual" for m in inputs.values())
    assert revenue.value == Decimal("6065.3")  # 5028.1 / 82.9 * 100 = 6065.259...
    # The article says output "连续突破5000亿元、6000亿元大关": the implied total agrees with both.
    thresholds = [m for m in kb.metric_records if m.id.startswith("above-size-industrial-output-over-")]
    assert thresholds and all(m.qualifier == "more_than" and revenue.value > m.value for m in thresholds)


def test_timeline_is_in_time_order(run) -> None:
    entries = json.loads(run("timeline", "--json", data=BUNDLED).stdout)
    starts = [e["year_start"] for e in entries]
    assert starts == sorted(starts) and starts[0] == 2019 and starts[-1] == 2025
    targets = [e for e in entries if e["year_start"] == 2025]
    assert targets and all(e["kind"] in ("target", "plan") for e in targets)
    only_2021 = json.loads(run("timeline", "--year", "2021", "--json", data=BUNDLED).stdout)
    assert {e["id"] for e in only_2021} >= {"state-council-top-ten-city-2021"}
