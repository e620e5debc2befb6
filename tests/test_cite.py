"""``srfacts cite``: facts with their quotes and the reference of their source in GB/T 7714, APA,
BibTeX and CSL-JSON; several ids, JSON, completion, and terminal safety."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from srfacts.output.citation import STYLES, bibtex, csl_json, default_style
from tests.conftest import SAMPLE
from tests.test_completion import complete

METRIC = "above-size-enterprises-total-2022"
CLAIM = "jinko-100gw-first"
QUOTE = "总数达2248户,列全省第二"
TITLE = "蝉联两年全省第一，上饶工业发展有何『法宝』"


def sample_quote(record_id: str) -> str:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    for section in ("industries", "metrics", "claims", "entities"):
        for record in data.get(section) or []:
            if record["id"] == record_id:
                return str(record["quote"])
    raise KeyError(record_id)


def test_the_sample_quote_is_the_one_checked() -> None:
    assert sample_quote(METRIC) == QUOTE


@pytest.mark.parametrize("style", ["gbt7714", "apa", "bibtex"])
def test_every_text_style_holds_authors_title_year_and_the_quote(run, style: str) -> None:  # type: ignore[no-untyped-def]
    result = run("cite", METRIC, "--style", style)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert QUOTE in out and TITLE in out and "2023" in out and "2248" in out
    if style == "apa":
        assert "Li, P., & Cheng, L. (2023)." in out
    else:
        assert "李鹏飞" in out and "程亮" in out
    if style == "gbt7714":
        assert f"李鹏飞, 程亮. {TITLE}[N]. 2023." in out


def test_the_default_style_follows_the_language(run) -> None:  # type: ignore[no-untyped-def]
    assert "[N]" in run("cite", METRIC).stdout
    english = run("--lang", "en", "cite", METRIC).stdout
    assert "Li, P., & Cheng, L. (2023)." in english and "total" in english
    assert default_style("zh") == "gbt7714" and default_style("en") == "apa"


def test_bibtex_parses_with_bibtexparser(run) -> None:  # type: ignore[no-untyped-def]
    bibtexparser = pytest.importorskip("bibtexparser")
    text = run("cite", METRIC, CLAIM, "--style", "bibtex").stdout
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert len(library.entries) == 1  # one reference for several facts of one source
    entry = library.entries[0]
    assert entry.entry_type == "misc"
    assert entry.fields_dict["author"].value == "李鹏飞 and 程亮"
    assert entry.fields_dict["title"].value == TITLE
    assert entry.fields_dict["year"].value == "2023"
    assert QUOTE in text and sample_quote(CLAIM) in text  # the facts, as comments


def test_bibtex_escapes_what_latex_would_read() -> None:
    bibtexparser = pytest.importorskip("bibtexparser")
    source = {"id": "s", "title": "50% {of} A&B \\ x_y", "authors": ["甲"], "authors_en": ["Jia"], "published": "2023"}
    library = bibtexparser.parse_string(bibtex(source))
    assert not library.failed_blocks
    assert library.entries[0].fields_dict["title"].value == "50\\% \\{of\\} A\\&B \\textbackslash{} x\\_y"


def test_csl_json_parses_and_has_the_csl_shape(run) -> None:  # type: ignore[no-untyped-def]
    result = run("cite", METRIC, CLAIM, "--style", "csl-json")
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert isinstance(items, list) and len(items) == 1
    item = items[0]
    assert item["id"] == "shangrao-industry-2023"
    assert item["type"] == "article-newspaper"  # a CSL type
    assert item["title"] == TITLE
    assert item["author"] == [{"family": "李", "given": "鹏飞"}, {"family": "程", "given": "亮"}]
    assert item["issued"] == {"date-parts": [[2023]]}
    assert QUOTE in item["note"] and sample_quote(CLAIM) in item["note"]
    for author in item["author"]:
        assert set(author) <= {"family", "given", "literal"}


def test_csl_json_schema_when_jsonschema_is_there() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = {  # the parts of the CSL-JSON schema (citation-style-language/schema) an item must meet
        "type": "array",
        "items": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {
                "id": {"type": ["string", "number"]},
                "type": {"enum": ["article-newspaper", "article", "article-journal", "webpage"]},
                "title": {"type": "string"},
                "author": {"type": "array", "items": {"type": "object"}},
                "issued": {"type": "object", "properties": {"date-parts": {"type": "array"}}},
                "note": {"type": "string"},
            },
        },
    }
    source = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))["sources"][0]
    jsonschema.validate([csl_json(source)], schema)


def test_several_ids_give_one_reference_and_several_facts(run) -> None:  # type: ignore[no-untyped-def]
    out = run("cite", METRIC, CLAIM).stdout
    assert out.count("[N]") == 1
    assert "[1]" in out and "[2]" in out
    assert QUOTE in out and sample_quote(CLAIM) in out


def test_a_source_id_cites_the_source_alone(run) -> None:  # type: ignore[no-untyped-def]
    out = run("cite", "shangrao-industry-2023", "--json").stdout
    data = json.loads(out)
    assert data["facts"] == [] and [r["source"] for r in data["references"]] == ["shangrao-industry-2023"]


@pytest.mark.parametrize("style", STYLES)
def test_json_holds_facts_references_and_csl(run, style: str) -> None:  # type: ignore[no-untyped-def]
    result = run("cite", METRIC, CLAIM, "--style", style, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["style"] == style
    assert [f["id"] for f in data["facts"]] == [METRIC, CLAIM]
    assert data["facts"][0]["quote"] == QUOTE and data["facts"][0]["figure"].startswith("2248")
    assert len(data["references"]) == 1 and TITLE in data["references"][0]["text"]
    assert data["csl"][0]["title"] == TITLE


@pytest.mark.usefixtures("english")
def test_an_unknown_id_is_not_found_with_suggestions(run) -> None:  # type: ignore[no-untyped-def]
    result = run("cite", "above-size-enterprises-total-202")
    assert result.exit_code == 1
    assert "no record has the id" in result.stderr and METRIC in result.stderr


def test_an_unknown_style_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    assert run("cite", METRIC, "--style", "mla").exit_code == 2


def test_control_characters_are_neutralised(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = SAMPLE.read_text(encoding="utf-8").replace(f"title: {TITLE}", f'title: "{TITLE}\\e[31m\\u202e"')
    assert "\\e[31m" in text
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(text, encoding="utf-8")
    for style in STYLES:
        result = run("cite", METRIC, "--style", style, data=hostile)
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
        assert "\\x1b" in result.stdout or "\\u001b" in result.stdout


@pytest.mark.slow
def test_ids_complete() -> None:
    offered = complete("srfacts cite above-size")
    assert "above-size-enterprises-total-2022" in offered


def test_the_byline_role_is_in_the_chinese_reference_and_the_source_record(run) -> None:  # type: ignore[no-untyped-def]
    """The article ends "(李鹏飞 全媒体记者 程亮)": a role for 程亮 only, which GB/T 7714 shows after the name."""
    source = json.loads(run("show", "shangrao-industry-2023", "--json", data=None).stdout)
    assert source["author_roles"] == ["", "全媒体记者"] and source["author_roles_en"] == ["", "all-media reporter"]
    out = run("cite", "above-size-enterprises-total-2022", data=None).stdout
    assert "李鹏飞, 程亮(全媒体记者). 蝉联两年全省第一" in out
