"""Search: the table of keyword queries from the article, tokens, ranking, readings, the index, the CLI.

The natural questions (tests/natural_questions.yaml) are measured in test_natural_questions.py.
"""

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

from srfacts.cli.app import app
from srfacts.core.records import KnowledgeBase, record_years, resolve_industry
from srfacts.data.files import bundled_data_path
from srfacts.search.build import question_words
from srfacts.search.engine import MemoryIndex, memory_index, search
from srfacts.search.hits import Hit
from srfacts.search.suggest import suggestions
from srfacts.search.text import Fold, Stemmer, normalise, tokens
from srfacts.store.compiled import CacheDamagedError, Store, bucket
from srfacts.store.loader import compile_store, load

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
def index(kb: KnowledgeBase) -> MemoryIndex:
    return memory_index(kb)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> MemoryIndex:
    path = tmp_path_factory.mktemp("tiny") / "facts.yaml"
    path.write_text(TINY, encoding="utf-8")
    return memory_index(load(path, use_cache=False))


def ids(hits: list[Hit]) -> list[str]:
    return [h.record.id for h in hits]


def run_case(kb: KnowledgeBase, index: MemoryIndex, case: dict[str, Any]) -> list[Hit]:
    industry = resolve_industry(kb.industries(), case["industry"]) if "industry" in case else None
    return search(
        index,
        str(case["q"]),
        types=(case["type"],) if "type" in case else None,
        industry=industry,
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


# --- The table of keyword queries ----------------------------------------------------------------


def test_query_table_is_large_and_varied() -> None:
    assert len(QUERIES) >= 140
    assert sum(1 for c in QUERIES if not c["top3"]) >= 8
    assert any(str(c["q"]).isascii() and " " in str(c["q"]) for c in QUERIES)


@pytest.mark.parametrize(
    "case", QUERIES, ids=[str(c["q"]) + "".join(f"-{k}" for k in c if k not in ("q", "top3")) for c in QUERIES]
)
def test_query(kb: KnowledgeBase, index: MemoryIndex, case: dict[str, Any]) -> None:
    hits = run_case(kb, index, case)
    missing = [i for i in case["top3"] if i not in kb.by_id]
    assert not missing, f"ids not in the knowledge file: {missing}"
    if not case["top3"]:
        assert hits == []
    else:
        assert set(case["top3"]) <= set(ids(hits)[:3]), ids(hits)[:5]
    for hit in hits:
        assert_spans(hit)


def test_most_queries_rank_the_expected_record_first(kb: KnowledgeBase, index: MemoryIndex) -> None:
    cases = [c for c in QUERIES if c["top3"]]
    first = sum(1 for c in cases if ids(run_case(kb, index, c))[:1] == c["top3"][:1])
    assert first >= 0.9 * len(cases)


# --- Normalisation and tokens ----------------------------------------------------------------------


def test_normalise_folds_width_case_and_traditional(index: MemoryIndex) -> None:
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
def test_normalise_with_the_traditional_table_is_idempotent(index: MemoryIndex, text: str) -> None:
    once = normalise(text, index.fold)
    assert normalise(once, index.fold) == once


def test_traditional_table_holds_only_changed_single_characters(index: MemoryIndex) -> None:
    t2s = index.data.t2s
    assert t2s["鋰"] == "锂" and t2s["電"] == "电" and t2s["經"] == "经"
    assert "光" not in t2s and len(t2s) > 2000
    assert all(len(k) == len(v) == 1 and k != v for k, v in t2s.items())


def token_texts(text: str) -> list[str]:
    return [t.text for t in tokens(normalise(text))]


def test_chinese_is_read_as_overlapping_bigrams() -> None:
    assert token_texts("规上工业企业") == ["规上", "上工", "工业", "业企", "企业"]
    assert token_texts("光") == ["光"]  # a one-character run
    assert token_texts("光伏，锂电") == ["光伏", "锂电"]  # punctuation splits runs


def test_numbers_are_tokens_with_their_unit() -> None:
    assert token_texts("5028.1亿元") == ["5028.1", "5028.1亿", "5028.1亿元"]
    assert token_texts("90余家零部件") == ["90", "90家", "零部", "部件"]
    assert token_texts("2022年规上") == ["2022", "2022年", "规上"]
    assert token_texts("82.90%") == ["82.9", "82.9%"]
    assert token_texts("5G") == ["5", "5g", "g"]


def test_english_words_meet_through_their_stems() -> None:
    stem = Stemmer()
    assert stem("specialized") == stem("specialised")
    assert stem("companies") == stem("company")
    assert stem("shipped") == stem("shipments")
    assert stem("enterprises") == stem("enterprise")


@settings(max_examples=300)
@given(st.text())
def test_token_spans_point_into_the_text(text: str) -> None:
    norm = normalise(text)
    for token in tokens(norm):
        assert 0 <= token.start < token.end <= len(norm)
        assert norm[token.start : token.end].replace("余", "").replace("多", "")[: len(token.text)] or token.text


def test_question_words_are_data() -> None:
    words = question_words()
    assert {"多少", "哪些", "什么", "是否", "how many", "what", "which", "does"} <= words.words
    assert {"吗", "呢", "的", "了", "是", "有"} <= words.particles
    assert words.relative["去年"] == -1 and "总数" in words.hints["一共"]


# --- Ranking and readings ------------------------------------------------------------------------------


def test_exact_name_first_then_names_then_texts_and_quotes(index: MemoryIndex) -> None:
    hits = search(index, "吉利")
    assert hits[0].record.id == "geely" and any(m.how == "exact" for m in hits[0].matches)
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_ties_keep_file_order(tiny: MemoryIndex) -> None:
    hits = search(tiny, "双子公司")
    assert ids(hits)[:2] == ["twin-a", "twin-b"] and hits[0].score == hits[1].score


def test_spans_point_into_the_original_text(tiny: MemoryIndex) -> None:
    hit = search(tiny, "abc电池")[0]
    assert hit.record.id == "fullwidth"
    assert any(m.field == "name" and m.text == "ＡＢＣ電池" for m in hit.matches)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("上饶规上工业企业一共有多少家？", "above-size-enterprises-total-2022"),
        ("上饶规上工业企业一共有多少家", "above-size-enterprises-total-2022"),
        ("How many above-size enterprises does Shangrao have?", "above-size-enterprises-total-2022"),
        ("2022年规上工业企业", "above-size-enterprises-total-2022"),
        ("上饶市 规上 企业 数量", "above-size-enterprises-total-2022"),
    ],
)
def test_questions_as_people_type_them(index: MemoryIndex, question: str, expected: str) -> None:
    assert expected in ids(search(index, question, limit=3))


def test_question_words_do_not_decide_the_ranking(index: MemoryIndex) -> None:
    plain = ids(search(index, "规上工业企业总数", limit=3))
    asked = ids(search(index, "规上工业企业总数是多少呢？", limit=3))
    assert plain[0] == asked[0] == "above-size-enterprises-total-2022"


def test_every_meaningful_word_counts_but_none_is_required(index: MemoryIndex) -> None:
    both = search(index, "吉利 机器人")
    assert both[0].record.id.startswith("geely-factory-robot")
    assert "photovoltaic-new-energy" in ids(search(index, "光伏 火星"))  # 火星 occurs nowhere


def test_a_year_lifts_its_period_and_hides_nothing(index: MemoryIndex) -> None:
    without = {h.record.id: h.score for h in search(index, "开发区营业收入")}
    with_year = {h.record.id: h.score for h in search(index, "2022年开发区营业收入")}
    assert with_year["development-zones-revenue-2022"] > without["development-zones-revenue-2022"]
    last_year = ids(search(index, "去年开发区营业收入", limit=3))
    assert "development-zones-revenue-2022" in last_year
    assert any(not record_years(index.record(p)) for p in range(index.count) if index.record(p).id in with_year)


def test_synonyms_find_the_other_wording(index: MemoryIndex) -> None:
    hits = search(index, "开发区营收", limit=3)
    zones = next(h for h in hits if h.record.id == "development-zones-revenue-2022")  # it says 营业收入
    assert any(m.how == "synonym" and m.text == "营业收入" for m in zones.matches)
    assert "photovoltaic-new-energy" in ids(search(index, "solar", limit=3))


@pytest.mark.parametrize(
    ("query", "expected", "how"),
    [
        ("guangfu", "photovoltaic-new-energy", "pinyin"),
        ("guang fu", "photovoltaic-new-energy", "pinyin"),
        ("jingkenengyuan", "jinko-solar", "pinyin"),
        ("gf", "photovoltaic-new-energy", "initials"),
        ("jkq", "shangrao-economic-development-zone", "initials"),
        ("光付", "photovoltaic-new-energy", "homophone"),
        ("精科能源", "jinko-solar", "homophone"),
        ("photovoltaik", "photovoltaic-new-energy", "typo"),
        ("上饒鋰電", "lithium-battery-new-energy", "text"),
    ],
)
def test_readings(index: MemoryIndex, query: str, expected: str, how: str) -> None:
    hits = search(index, query, limit=3)
    assert expected in ids(hits), ids(hits)
    hit = next(h for h in hits if h.record.id == expected)
    assert how in {m.how for m in hit.matches} or (how == "text" and hit.matches)


def test_typos_need_long_enough_words(index: MemoryIndex) -> None:
    assert search(index, "solr") == []  # four letters: no typo allowed
    assert search(index, "zzzz") == []
    assert search(index, "uangfu") == []  # not whole syllables


def test_english_is_word_aware(index: MemoryIndex) -> None:
    assert "development-zones-revenue-2022" in ids(search(index, "development zone revenue", limit=3))
    assert "development-zones-revenue-2022" in ids(search(index, "development zones revenue", limit=3))
    assert search(index, "olar") == []  # not inside a word
    assert ids(search(index, "PHOTOVOLTAIC"))[0] == "photovoltaic-new-energy"
    assert "provincial-specialised-smes-2022" in ids(search(index, "specialized", limit=3))


def test_numbers_match_values_and_units(index: MemoryIndex, tiny: MemoryIndex) -> None:
    hit = search(index, "5028.1亿")[0]
    assert hit.record.id == "two-plus-four-revenue-2022"
    assert any(m.field == "value" and m.how == "value" for m in hit.matches)
    assert not any(m.how == "value" for h in search(index, "5028.1万") for m in h.matches)  # another unit
    assert ids(search(index, "82.90%"))[0] in (
        "two-plus-four-revenue-share-2022",
        "two-plus-four-revenue-statement-2022",
    )
    assert search(tiny, "2248") == []  # not inside 12248
    assert ids(search(tiny, "12248")) == ["big"]


def test_filters_and_limit(kb: KnowledgeBase, index: MemoryIndex) -> None:
    assert {h.record.TYPE for h in search(index, "光伏", types=("claim",))} == {"claim"}
    linked = search(index, "企业", industry="automobile")
    assert linked and all(
        h.record.id == "automobile" or "automobile" in getattr(h.record, "industries", ()) for h in linked
    )
    assert all(2022 in record_years(h.record) for h in search(index, "上饶", year=2022))
    assert {getattr(h.record, "kind", None) for h in search(index, "全省", kind="award")} == {"award"}
    assert len(search(index, "光伏", limit=2)) == 2


@pytest.mark.parametrize(
    "query",
    ["[", "*", "%", "\\", '"', "'", "(", "?", "+", "|", "^$", ".*", "(?P<x>", "\\d+", "\x00", " ", "", "？", "。"],
)
def test_punctuation_alone_finds_nothing(index: MemoryIndex, query: str) -> None:
    assert search(index, query) == []


@pytest.mark.parametrize(
    "query",
    ["x" * 100_000, "[" * 100_000, "光伏 " * 25_000, "鋰" * 100_000, "a b " * 25_000, "5028.1亿" * 12_500],
    ids=["x", "bracket", "words", "cjk", "short-words", "numbers"],
)
def test_very_long_queries_are_plain_text(index: MemoryIndex, query: str) -> None:
    """Read as text, never an error (their speed is measured in benchmarks/, not asserted here)."""
    assert isinstance(search(index, query), list)
    assert isinstance(suggestions(index, query), list)


WORDS = sorted({str(c["q"]) for c in QUERIES})


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=4).map(" ".join)))
def test_any_query_returns_ranked_explained_hits(index: MemoryIndex, query: str) -> None:
    hits = search(index, query)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert hit.score > 0 and hit.matches
        assert_spans(hit)
        json.dumps(hit.to_dict(), ensure_ascii=False)


# --- Did you mean ------------------------------------------------------------------------------------------


def test_suggestions_by_writing_and_sound(index: MemoryIndex) -> None:
    assert "光伏" in suggestions(index, "guangfo")
    assert "光伏" in suggestions(index, "光复")  # same sound
    assert suggestions(index, "吉力")[0] == "吉利"
    assert "Geely" in suggestions(index, "Geelly")
    assert len(suggestions(index, "锂电新能", count=2)) <= 2
    assert suggestions(index, "") == []


# --- The compiled store is an index too ------------------------------------------------------------------


QUESTIONS = ["光伏", "guangfu", "鋰電", "5028.1亿", "lithium battery", "上饶规上工业企业一共有多少家？", "光付", "gf"]


def test_the_store_ranks_as_the_memory_index(kb: KnowledgeBase, index: MemoryIndex) -> None:
    assert compile_store(kb)
    store = Store.open(str(kb.cache_key))
    assert store is not None
    try:
        for query in QUESTIONS:
            assert [(h.record.id, h.score, h.matches) for h in search(store, query)] == [
                (h.record.id, h.score, h.matches) for h in search(index, query)
            ], query
        assert suggestions(store, "guangfo") == suggestions(index, "guangfo")
        assert search(store, "光伏", year=2022, types=("metric",)) == search(
            index, "光伏", year=2022, types=("metric",)
        )
    finally:
        store.close()


def test_a_damaged_postings_block_is_an_error_not_an_answer(kb: KnowledgeBase) -> None:
    assert compile_store(kb)
    store = Store.open(str(kb.cache_key))
    assert store is not None
    try:
        number = store._data(f"vocabulary:{bucket('光伏')}", dict)["光伏"]
        store.df("光伏")  # reads the blocks
        assert store._blocks is not None
        store._blocks[3 * number + 2] ^= 1  # its CRC-32
        with pytest.raises(CacheDamagedError):
            search(store, "光伏")
    finally:
        store.close()


# --- Imports: nothing heavy at import or query time ------------------------------------------------------


def run_python(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


HEAVY = "sorted(m for m in sys.modules if m.startswith(('pypinyin', 'opencc', 'rich', 'snowballstemmer', 'Stemmer')))"


@pytest.mark.slow
def test_importing_the_engine_is_cheap() -> None:
    code = f"import json, sys, srfacts.search.engine, srfacts.search.suggest; print(json.dumps({HEAVY}))"
    assert json.loads(run_python(code)) == []


@pytest.mark.parametrize(
    "query", ["光伏", "上饶规上工业企业一共有多少家？", "How many above-size enterprises?", "光付"]
)
@pytest.mark.slow
def test_a_warm_search_imports_nothing_heavy(query: str) -> None:
    code = (
        "import atexit, io, json, runpy, sys\n"
        "atexit.register(lambda: None)  # so srfacts exits normally, back to this code\n"
        f"sys.argv = ['srfacts', 'search', {query!r}, '--json']\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "try:\n    runpy.run_module('srfacts', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "hits, sys.stdout = json.loads(sys.stdout.getvalue()), out\n"
        f"print(json.dumps([len(hits), {HEAVY}]))\n"
    )
    run_python(code)  # the first run fills the (private, see conftest) cache
    count, heavy = json.loads(run_python(code))
    assert count > 0
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
    assert {"field": "aliases", "start": 0, "end": 2, "text": "光伏", "how": "exact", "term": "光伏"} in hits[0][
        "matched"
    ]


def test_cli_search_question_words_and_filters(cli: CliRunner) -> None:
    result = cli.invoke(app, ["search", "上饶规上工业企业一共有多少家？", "--json", "--limit", "3"])
    assert result.exit_code == 0
    assert "above-size-enterprises-total-2022" in [h["id"] for h in json.loads(result.stdout)]
    result = cli.invoke(app, ["search", "lithium", "battery", "--type", "industry", "--limit", "1", "--json"])
    assert [h["id"] for h in json.loads(result.stdout)] == ["lithium-battery-new-energy"]
    result = cli.invoke(app, ["search", "光伏", "--industry", "光伏", "--year", "2022", "--json"])
    assert result.exit_code in (0, 1)


@pytest.mark.usefixtures("english")
def test_cli_search_table_and_no_match(cli: CliRunner) -> None:
    result = cli.invoke(app, ["search", "guangfu"])
    assert result.exit_code == 0 and "photovoltaic-new-energy" in result.stdout
    result = cli.invoke(app, ["search", "guangfo", "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout) == []
    assert "did you mean" in result.stderr and "光伏" in result.stderr


def test_cli_ask_gives_the_figure_the_quote_and_the_source(cli: CliRunner) -> None:
    result = cli.invoke(app, ["ask", "上饶规上工业企业一共有多少家？"])
    assert result.exit_code == 0
    out = result.stdout
    assert "2248" in out and "总数达2248户" in out and "李鹏飞" in out and "蝉联两年全省第一" in out
    assert "江西省第2" in out and "2022" in out


def test_cli_ask_in_english_and_json(cli: CliRunner) -> None:
    result = cli.invoke(app, ["--lang", "en", "ask", "How", "many", "above-size", "enterprises?"])
    assert result.exit_code == 0 and "2248" in result.stdout and "Li Pengfei" in result.stdout
    result = cli.invoke(app, ["ask", "开发区营业收入", "--json"])
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "clear", "answer", "source", "others"}
    assert answer["answer"]["id"] in ("development-zones-revenue-2022", "shangrao-edz-revenue-2022")
    assert answer["source"]["authors"] == ["李鹏飞", "程亮"] and len(answer["others"]) <= 3


def test_cli_ask_says_when_no_answer_is_clearly_ahead(cli: CliRunner) -> None:
    result = cli.invoke(app, ["ask", "双子"], catch_exceptions=False)
    assert result.exit_code in (0, 1)
    result = cli.invoke(app, ["ask", "企业", "--json"])
    answer = json.loads(result.stdout)
    assert answer["clear"] is False  # a word, not a question: many records fit as well
    assert "候选" in cli.invoke(app, ["ask", "企业"]).stdout


@pytest.mark.parametrize(
    "question", ["上饶规上工业企业一共有多少家？", "How many above-size enterprises does Shangrao have?"]
)
def test_cli_ask_answers_the_total_clearly(cli: CliRunner, question: str) -> None:
    """一共 asks for the total (总数), ahead of the new enterprises of the year; the claim quoting the
    same words as the total (列全省第二) restates it and is no rival."""
    answer = json.loads(cli.invoke(app, ["ask", question, "--json"]).stdout)
    assert answer["clear"] is True and answer["answer"]["id"] == "above-size-enterprises-total-2022"


@pytest.mark.usefixtures("english")
def test_cli_ask_nothing_found(cli: CliRunner) -> None:
    result = cli.invoke(app, ["ask", "xyzzyq"])
    assert result.exit_code == 1 and "nothing matches" in result.stderr
    result = cli.invoke(app, ["ask", "xyzzyq", "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout) is None


# --- Building the postings in two processes ------------------------------------------------------------


def _postings(kb: KnowledgeBase) -> dict[str, tuple[list[int], list[int]]]:
    from srfacts.search.build import traditional_table
    from srfacts.search.postings import build_postings
    from srfacts.search.text import Stemmer as Stems

    fold = Fold.of(traditional_table())
    built = build_postings(kb.all_records(), fold, Stems())
    return {token: (list(p), list(w)) for token, (p, w) in built.items()}


def test_two_processes_build_the_same_postings_as_one(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    from srfacts.search import postings

    alone = _postings(kb)
    monkeypatch.setattr(postings, "PARALLEL", 10)  # the bundled file, split in two
    assert _postings(kb) == alone


def test_a_child_that_fails_leaves_the_work_to_the_parent(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    from srfacts.search import postings

    alone = _postings(kb)
    monkeypatch.setattr(postings, "PARALLEL", 10)
    monkeypatch.setattr(postings, "_join", lambda child, builder: False)
    assert _postings(kb) == alone
