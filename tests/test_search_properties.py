"""Property tests: what people add around a query never drops the record it finds from the top 5.

The queries are those srfacts answers today: the natural questions (tests/natural_questions.yaml)
with an answer in the top 5, and record names and aliases that find their own record there. Around
them hypothesis adds punctuation (？ ? ！ 。 ， , “ ” 《 》), extra spaces, full-width forms, the
place name (上饶, 上饶市, Shangrao), question words and particles (多少 几 哪些 什么 是否 吗 呢 的 了,
how many, what, which, does, is) or a trailing ？; the record must stay in the top 5.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import srfacts
from srfacts.core.records import Entity, Industry, KnowledgeBase

TESTS = Path(__file__).resolve().parent
LIMIT = 5
MIN_CASES = 50

PUNCTUATION = ("？", "?", "！", "。", "，", ",")
BRACKETS = (("“", "”"), ("《", "》"))
SPACES = (" ", "  ", "\u3000")
PLACES = ("上饶", "上饶市", "Shangrao")
ZH_WORDS = ("多少", "几", "哪些", "什么", "是否")  # before or after the query
PARTICLES = ("吗", "呢", "的", "了")  # after it, as people write them
EN_WORDS = ("how many", "what", "which", "does", "is")

# The autouse private_cache fixture only points XDG_CACHE_HOME at a fresh folder; sharing it across
# examples is harmless (the knowledge base is loaded once per module, with its own cache folder).
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class Case(NamedTuple):
    """A query and the record it finds in srfacts' top 5 today."""

    query: str
    record: str


class Cases(list[Case]):
    """The queries to vary (a short repr: hypothesis prints it with every falsifying example)."""

    def __repr__(self) -> str:
        return f"<{len(self)} queries that find their record today>"


Search = Callable[[str], list[str]]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    """The bundled knowledge file, loaded once; compiled into a cache folder of this module, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SRFACTS_DATA", raising=False)
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("search-properties-cache")))
        yield srfacts.load()


@pytest.fixture(scope="module")
def search(kb: KnowledgeBase) -> Search:
    return lambda query: [hit.record.id for hit in kb.search(query, limit=LIMIT)]


@pytest.fixture(scope="module")
def cases(kb: KnowledgeBase, search: Search) -> Cases:
    """Queries that find a record in the top 5 today: natural questions, then record names and aliases."""
    out: dict[Case, None] = {}
    entries = yaml.safe_load((TESTS / "natural_questions.yaml").read_text(encoding="utf-8"))
    for entry in entries:
        found = search(entry["q"])
        hit = next((a for a in entry["answers"] if a in found), None)
        if hit is not None:
            out[Case(entry["q"], hit)] = None
    named: list[Industry | Entity] = [*kb.industry_records, *kb.entity_records]
    for record in named:
        for name in (n.strip() for n in (record.name, record.name_en, *record.aliases, *record.aliases_en)):
            if name and record.id in search(name):
                out[Case(name, record.id)] = None
    return Cases(out)


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _join(left: str, right: str) -> str:
    """Two pieces of a query, with a space between them where either side is an ASCII letter or digit."""
    if left and right and (_ascii_word(left[-1]) or _ascii_word(right[0])):
        return f"{left} {right}"
    return left + right


def _full_width(text: str) -> str:
    """ASCII letters, digits and signs as their full-width forms, spaces as ideographic spaces."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


def _assert_kept(search: Search, case: Case, query: str) -> None:
    found = search(query)
    assert case.record in found, f"{case.query!r} finds {case.record}, but {query!r} gives {found}"


@st.composite
def punctuated(draw: st.DrawFn, query: str) -> str:
    how = draw(st.sampled_from(("after", "before", "brackets", "between")))
    if how == "after":
        return query + draw(st.sampled_from(PUNCTUATION))
    if how == "before":
        return draw(st.sampled_from(PUNCTUATION)) + query
    if how == "brackets":
        left, right = draw(st.sampled_from(BRACKETS))
        return left + query + right
    words = query.split(" ")
    if len(words) == 1:
        return query + draw(st.sampled_from(PUNCTUATION))
    at = draw(st.integers(1, len(words) - 1))
    mark = draw(st.sampled_from(("，", ",")))
    return " ".join(words[:at]) + mark + " " + " ".join(words[at:])


@st.composite
def spaced(draw: st.DrawFn, query: str) -> str:
    before, after = draw(st.sampled_from(("", *SPACES))), draw(st.sampled_from(("", *SPACES)))
    inner = draw(st.sampled_from(SPACES))
    return before + query.replace(" ", inner) + after


@st.composite
def placed(draw: st.DrawFn, query: str) -> str:
    place = draw(st.sampled_from(PLACES))
    if draw(st.booleans()):
        return f"{place} {query}"
    return _join(place, query)


@st.composite
def questioned(draw: st.DrawFn, query: str) -> str:
    word = draw(st.sampled_from((*ZH_WORDS, *PARTICLES, *EN_WORDS)))
    if word in EN_WORDS:
        return f"{word} {query}"
    return _join(query, word) if word in PARTICLES or draw(st.booleans()) else _join(word, query)


def _any_change(query: str) -> st.SearchStrategy[str]:
    return st.one_of(
        punctuated(query),
        spaced(query),
        st.just(_full_width(query)),
        placed(query),
        questioned(query),
        st.just(query + "？"),
    )


def test_there_are_enough_queries_to_vary(cases: list[Case]) -> None:
    assert len(cases) >= MIN_CASES, f"only {len(cases)} queries find their record in the top 5 today"


@PROPERTY
@given(st.data())
def test_punctuation_keeps_the_record(search: Search, cases: list[Case], data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(cases), label="case")
    _assert_kept(search, case, data.draw(punctuated(case.query), label="query"))


@PROPERTY
@given(st.data())
def test_spaces_and_full_width_keep_the_record(search: Search, cases: list[Case], data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(cases), label="case")
    query = data.draw(spaced(case.query), label="spaced")
    if data.draw(st.booleans(), label="full width"):
        query = _full_width(query)
    _assert_kept(search, case, query)


@PROPERTY
@given(st.data())
def test_place_name_keeps_the_record(search: Search, cases: list[Case], data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(cases), label="case")
    _assert_kept(search, case, data.draw(placed(case.query), label="query"))


@PROPERTY
@given(st.data())
def test_question_words_keep_the_record(search: Search, cases: list[Case], data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(cases), label="case")
    _assert_kept(search, case, data.draw(questioned(case.query), label="query"))


@PROPERTY
@given(st.data())
def test_trailing_question_mark_keeps_the_record(search: Search, cases: list[Case], data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(cases), label="case")
    _assert_kept(search, case, case.query + data.draw(st.sampled_from(("？", "?")), label="mark"))


@PROPERTY
@given(st.data())
def test_several_changes_together_keep_the_record(search: Search, cases: list[Case], data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(cases), label="case")
    query = case.query
    for _ in range(data.draw(st.integers(2, 3), label="changes")):
        query = data.draw(_any_change(query), label="step")
    _assert_kept(search, case, query)
