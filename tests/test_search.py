"""Search: the table of queries from the article, normalisation, pinyin, numbers, filters, the index."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from srfacts.cli import app
from srfacts.datafile import bundled_data_path
from srfacts.index import SearchIndex, build_index
from srfacts.knowledge import load
from srfacts.model import KnowledgeBase, record_years
from srfacts.search import Hit, Match, normalise, search
from srfacts.suggest import suggestions

TESTS = Path(__file__).parent
QUERIES: list[dict[str, Any]] = yaml.safe_load((TESTS / "search_queries.yaml").read_text(encoding="utf-8"))

TINY = """\
schema_version: 1
sources:
  - {id: src, title: 标题, title_en: Title, authors: [某人], published: "2023", file: x.txt,
     sha256: 69de2193407c4eba4d143fc494bad22b56fb6719d86f4f34c7ef18c72d2cd7aa}
industries:
  - {id: pv, name: 光伏新能源, name_en: Photovoltaic new energy, tier: leading, aliases: [光伏],
     source: src, quote: 光伏新能源两大主导产业}
metrics:
  - {id: big, name: 企业总数, name_en: Enterprises, value: 12248, unit: 户, qualifier: exact, status: actual,
     scope: 某市, scope_en: A city, source: src, quote: 总数达12248户}
entities:
  - {id: twin-a, kind: company, name: 双子公司, name_en: Twin company, source: src, quote: 双子公司甲}
  - {id: twin-b, kind: company, name: 双子公司, name_en: Twin company, source: src, quote: 双子公司乙}
  - {id: fullwidth, kind: company, name: ㈱ＡＢＣ電池, name_en: ABC Battery Co., source: src, quote: ㈱ＡＢＣ電池}
"""


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(bundled_data_path(), use_cache=False)


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase) -> SearchIndex:
    return build_index(kb)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    path = tmp_path_factory.mktemp("tiny") / "facts.yaml"
    path.write_text(TINY, encoding="utf-8")
    return load(path, use_cache=False)


def ids(hits: list[Hit]) -> list[str]:
    return [h.record.id for h in hits]


def run_case(kb: KnowledgeBase, index: SearchIndex, case: dict[str, Any]) -> list[Hit]:
    return search(
        kb,
        str(case["q"]),
        index=index,
        types=(case["type"],) if "type" in case else None,
        industry=case.get("industry"),
        year=case.get("year"),
        kind=case.get("kind"),
    )


def field_texts(record: Any, name: str) -> list[str]:
    value = getattr(record, name)
    if isinstance(value, Decimal):
        return [format(value, "f")]
    return [str(v) for v in value] if isinstance(value, tuple) else [str(value)]


def assert_spans(hit: Hit) -> None:
    for match in hit.matches:
        texts = field_texts(hit.record, match.field)
        assert any(t[match.start : match.end] == match.text for t in texts), (hit.record.id, match)


# --- The table of queries ----------------------------------------------------------------------


def test_query_table_is_large_and_varied() -> None:
    assert len(QUERIES) >= 80
    assert sum(1 for c in QUERIES if not c["top3"]) >= 8
    assert any(str(c["q"]).isascii() and " " in str(c["q"]) for c in QUERIES)


@pytest.mark.parametrize(
    "case", QUERIES, ids=[str(c["q"]) + "".join(f"-{k}" for k in c if k not in ("q", "top3")) for c in QUERIES]
)
def test_query(kb: KnowledgeBase, index: SearchIndex, case: dict[str, Any]) -> None:
    hits = run_case(kb, index, case)
    missing = [i for i in case["top3"] if i not in kb.by_id]
    assert not missing, f"ids not in the knowledge file: {missing}"
    if not case["top3"]:
        assert hits == []
    else:
        assert set(case["top3"]) <= set(ids(hits)[:3]), ids(hits)[:5]
    for hit in hits:
        assert_spans(hit)


def test_most_queries_rank_the_expected_record_first(kb: KnowledgeBase, index: SearchIndex) -> None:
    cases = [c for c in QUERIES if c["top3"]]
    first = sum(1 for c in cases if ids(run_case(kb, index, c))[:1] == c["top3"][:1])
    assert first >= 0.9 * len(cases)


# --- Normalisation -------------------------------------------------------------------------------


def test_normalise_folds_width_case_and_traditional(index: SearchIndex) -> None:
    assert normalise("ＡＢＣ１２３％") == "abc123%"
    assert normalise("Lithium BATTERY") == "lithium battery"
    assert normalise("鋰電") == "鋰電"
    assert normalise("鋰電 經開區", index.fold) == "锂电 经开区"


@settings(max_examples=300)
@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(min_codepoint=0x2E80, max_codepoint=0xFFEF)))
def test_normalise_with_the_traditional_table_is_idempotent(index: SearchIndex, text: str) -> None:
    once = normalise(text, index.fold)
    assert normalise(once, index.fold) == once


def test_traditional_table_holds_only_changed_single_characters(index: SearchIndex) -> None:
    assert index.t2s["鋰"] == "锂" and index.t2s["電"] == "电" and index.t2s["經"] == "经"
    assert "光" not in index.t2s and len(index.t2s) > 2000
    assert all(len(k) == len(v) == 1 and k != v for k, v in index.t2s.items())


# --- Matching --------------------------------------------------------------------------------------


def test_exact_name_first_then_names_then_texts_and_quotes(kb: KnowledgeBase, index: SearchIndex) -> None:
    hits = search(kb, "吉利", index=index)
    assert hits[0].record.id == "geely" and hits[0].matches[0].how == "exact"
    fields = [h.matches[0].field for h in hits]
    assert fields.index("name") < fields.index("quote")
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_ties_keep_file_order(tiny: KnowledgeBase) -> None:
    hits = search(tiny, "双子公司")
    assert ids(hits) == ["twin-a", "twin-b"] and hits[0].score == hits[1].score


def test_spans_point_into_the_original_text(tiny: KnowledgeBase) -> None:
    (hit,) = search(tiny, "abc电池")
    assert hit.matches[0] == Match("name", 1, 6, "ＡＢＣ電池", "text")
    (hit,) = search(tiny, "(株)")
    assert hit.matches[0].text == "㈱"


def test_pinyin_forms_are_in_the_index(index: SearchIndex) -> None:
    forms = {(p.joined, p.spaced, p.initials) for e in index.entries for p in e.pinyin}
    assert ("guangfu", "guang fu", "gf") in forms
    assert any(j.endswith("jingkaiqu") and i.endswith("jkq") for j, _, i in forms)


def test_pinyin_matches_whole_syllables_only(kb: KnowledgeBase, index: SearchIndex) -> None:
    assert ids(search(kb, "guangfu", index=index))[0] == "photovoltaic-new-energy"
    assert search(kb, "uangfu", index=index) == []
    hit = search(kb, "jingkaiqu", index=index)[0]
    assert hit.matches[0].text == "经开区" and hit.matches[0].how == "pinyin"


def test_english_is_word_aware_and_tolerates_plurals(kb: KnowledgeBase, index: SearchIndex) -> None:
    assert "development-zones-revenue-2022" in ids(search(kb, "development zone revenue", index=index))[:3]
    assert "development-zones-revenue-2022" in ids(search(kb, "development zones revenue", index=index))[:3]
    assert search(kb, "olar", index=index) == []  # not inside a word
    assert ids(search(kb, "PHOTOVOLTAIC", index=index))[0] == "photovoltaic-new-energy"


def test_whole_phrase_scores_higher_than_scattered_words(kb: KnowledgeBase, index: SearchIndex) -> None:
    hits = search(kb, "lithium battery", index=index)
    assert hits[0].record.id == "lithium-battery-new-energy"
    assert hits[0].matches[0].text.casefold() == "lithium battery"
    assert hits[0].score > 2 * hits[1].score


def test_chinese_query_unknown_as_a_whole_is_split(kb: KnowledgeBase, index: SearchIndex) -> None:
    assert ids(search(kb, "上饶光伏", index=index)) == ids(search(kb, "上饶 光伏", index=index))
    assert search(kb, "[光伏]", index=index) == []  # only plain Chinese words are split


def test_numbers_match_values_and_units(kb: KnowledgeBase, index: SearchIndex, tiny: KnowledgeBase) -> None:
    hit = search(kb, "5028.1亿", index=index)[0]
    assert hit.record.id == "two-plus-four-revenue-2022" and hit.matches[0] == Match("value", 0, 6, "5028.1", "value")
    assert search(kb, "5028.1万", index=index) == []  # wrong unit
    assert ids(search(kb, "82.90%", index=index))[0] == "two-plus-four-revenue-share-2022"
    assert search(tiny, "2248") == []  # not inside 12248
    assert ids(search(tiny, "12248")) == ["big"]


def test_filters_and_limit(kb: KnowledgeBase, index: SearchIndex) -> None:
    assert {h.record.TYPE for h in search(kb, "光伏", index=index, types=("claim",))} == {"claim"}
    linked = search(kb, "企业", index=index, industry="automobile")
    assert linked and all(
        h.record.id == "automobile" or "automobile" in getattr(h.record, "industries", ()) for h in linked
    )
    assert all(2022 in record_years(h.record) for h in search(kb, "上饶", index=index, year=2022))
    assert {getattr(h.record, "kind", None) for h in search(kb, "全省", index=index, kind="award")} == {"award"}
    assert len(search(kb, "光伏", index=index, limit=2)) == 2


@pytest.mark.parametrize(
    "query",
    ["[", "*", "%", "\\", '"', "'", "(", "?", "+", "|", "^$", ".*", "(?P<x>", "\\d+", "\x00", " ", ""],
)
def test_special_characters_are_literal(kb: KnowledgeBase, index: SearchIndex, query: str) -> None:
    for hit in search(kb, query, index=index):
        assert_spans(hit)
        assert all(normalise(query.strip()) in normalise(m.text) for m in hit.matches)


@pytest.mark.parametrize(
    "query",
    [
        "x" * 100_000,
        "[" * 100_000,
        "光伏 " * 25_000,
        "鋰" * 100_000,
        "a b " * 25_000,
        "5028.1亿" * 12_500,
        "guangfu" * 14_000,
    ],
    ids=["x", "bracket", "words", "cjk", "short-words", "numbers", "pinyin"],
)
def test_very_long_queries_are_plain_text(kb: KnowledgeBase, index: SearchIndex, query: str) -> None:
    """Matched literally, never an error (their speed is measured in benchmarks/, not asserted here)."""
    hits = search(kb, query, index=index)
    assert isinstance(hits, list)
    assert suggestions(kb, query, index=index) == [] or len(query.split()) > 1


WORDS = sorted({str(c["q"]) for c in QUERIES})


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=4).map(" ".join)))
def test_any_query_returns_hits(kb: KnowledgeBase, index: SearchIndex, query: str) -> None:
    hits = search(kb, query, index=index)
    assert hits == sorted(hits, key=lambda h: -h.score)
    for hit in hits:
        assert hit.score > 0 and hit.matches
        assert_spans(hit)
        json.dumps(hit.to_dict(), ensure_ascii=False)


# --- Suggestions -----------------------------------------------------------------------------------


def test_suggestions_by_pinyin_name_and_matching_words(kb: KnowledgeBase, index: SearchIndex) -> None:
    assert "光伏" in suggestions(kb, "guangfo", index=index)
    assert "光伏" in suggestions(kb, "光复", index=index)  # same sound
    assert suggestions(kb, "吉力", index=index)[0] == "吉利"
    assert suggestions(kb, "Geelly", index=index) == ["Geely"]  # once, whatever the case
    assert suggestions(kb, "光伏 火星", index=index)[0] == "光伏"
    assert len(suggestions(kb, "锂电新能", index=index, count=2)) <= 2
    assert suggestions(kb, "", index=index) == []


# --- The index ---------------------------------------------------------------------------------------


def test_index_round_trips_through_json(kb: KnowledgeBase, index: SearchIndex) -> None:
    data = json.loads(json.dumps(index.to_data(), ensure_ascii=False))
    again = SearchIndex.from_data(data)
    assert again.to_data() == index.to_data() and again.matches(kb)
    for query in ("光伏", "guangfu", "鋰電", "5028.1亿", "lithium battery"):
        assert [(h.record.id, h.score) for h in search(kb, query, index=again)] == [
            (h.record.id, h.score) for h in search(kb, query, index=index)
        ]


@pytest.mark.parametrize("bad", [None, [], {}, {"version": 999, "t2s": {}, "records": []}, {"version": 1, "t2s": {}}])
def test_from_data_rejects_what_is_not_an_index(bad: Any) -> None:
    with pytest.raises(ValueError):
        SearchIndex.from_data(bad)


def test_index_of_another_knowledge_base_does_not_match(tiny: KnowledgeBase, index: SearchIndex) -> None:
    assert not index.matches(tiny)


def test_search_builds_an_index_when_none_is_given(kb: KnowledgeBase) -> None:
    assert ids(search(kb, "光伏"))[0] == "photovoltaic-new-energy"
    assert ids(kb.search("guangfu"))[0] == "photovoltaic-new-energy"


# --- Imports: nothing heavy at import or query time ------------------------------------------------------


def run_python(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


HEAVY = "sorted(m for m in sys.modules if m.startswith(('pypinyin', 'opencc', 'rich')))"


def test_importing_search_is_cheap() -> None:
    assert json.loads(run_python(f"import json, sys, srfacts.search; print(json.dumps({HEAVY}))")) == []


def test_query_path_does_not_import_pypinyin_or_opencc(kb: KnowledgeBase, index: SearchIndex, tmp_path: Path) -> None:
    stored = tmp_path / "index.json"
    stored.write_text(json.dumps(index.to_data(), ensure_ascii=False), encoding="utf-8")
    code = (
        "import json, sys\n"
        "from srfacts.knowledge import load\n"
        "from srfacts.index import SearchIndex\n"
        "from srfacts.search import search\n"
        "from srfacts.suggest import suggestions\n"
        "kb = load(sys.argv[1], use_cache=False)\n"
        "index = SearchIndex.from_data(json.loads(open(sys.argv[2], encoding='utf-8').read()))\n"
        "first = [h.record.id for h in search(kb, '鋰電', index=index)][:1]\n"
        "close = suggestions(kb, 'guangfo', index=index)\n"
        f"print(json.dumps({{'first': first, 'close': close, 'heavy': {HEAVY}}}))\n"
    )
    out = json.loads(run_python(code, str(bundled_data_path()), str(stored)))
    assert out == {"first": ["lithium-battery-new-energy"], "close": out["close"], "heavy": []}
    assert "光伏" in out["close"]


def test_search_run_with_a_warm_cache_does_not_import_pypinyin_or_opencc() -> None:
    code = (
        "import atexit, io, json, runpy, sys\n"
        "atexit.register(lambda: None)  # so srfacts exits normally, back to this code\n"
        "sys.argv = ['srfacts', 'search', '光伏', '--json']\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "try:\n    runpy.run_module('srfacts', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "hits, sys.stdout = json.loads(sys.stdout.getvalue()), out\n"
        f"print(json.dumps([hits[0]['id'], {HEAVY}]))\n"
    )
    run_python(code)  # the first run fills the (private, see conftest) cache
    first, heavy = json.loads(run_python(code))
    assert first == "photovoltaic-new-energy"
    assert heavy == []


# --- The command line ---------------------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("SRFACTS_DATA", raising=False)
    return CliRunner()


def test_cli_search_json(cli: CliRunner) -> None:
    result = cli.invoke(app, ["search", "光伏", "--json"])
    assert result.exit_code == 0
    hits = json.loads(result.stdout)
    assert hits[0]["id"] == "photovoltaic-new-energy" and hits[0]["type"] == "industry"
    assert hits[0]["score"] > hits[-1]["score"]
    assert hits[0]["matched"][0] == {"field": "aliases", "start": 0, "end": 2, "text": "光伏", "how": "exact"}


def test_cli_search_several_words_and_filters(cli: CliRunner) -> None:
    result = cli.invoke(app, ["search", "lithium", "battery", "--type", "industry", "--limit", "1", "--json"])
    assert result.exit_code == 0
    assert [h["id"] for h in json.loads(result.stdout)] == ["lithium-battery-new-energy"]
    result = cli.invoke(app, ["search", "光伏", "--industry", "光伏", "--year", "2022", "--json"])
    assert result.exit_code in (0, 1)


def test_cli_search_table_and_no_match(cli: CliRunner) -> None:
    result = cli.invoke(app, ["search", "guangfu"])
    assert result.exit_code == 0 and "photovoltaic-new-energy" in result.stdout
    result = cli.invoke(app, ["search", "guangfo", "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout) == []
    assert "did you mean" in result.stderr and "光伏" in result.stderr
