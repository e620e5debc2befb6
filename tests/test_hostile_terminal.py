"""Hostile text in every field, through every command: neutralised on a terminal, exact in JSON.

``fixtures/hostile/every-field.yaml`` puts Rich markup, ANSI and OSC sequences, C0 and C1
controls, bidi overrides, zero-width and tag characters, NUL, CR and tabs into every free-text
field of every record type. Tables, Markdown, TSV and CSV on a terminal must show all of it as
visible escapes; JSON and JSON Lines must carry the original strings exactly; error messages
that quote the data or the command line must be as safe as the tables.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.hostile_support import (
    EVERY_FIELD,
    LEAK,
    assert_clean,
    assert_no_leak,
    environment,
    on_terminal,
    snapshot,
    srfacts,
)

pytestmark = pytest.mark.slow  # hostile data on a terminal: the command in a subprocess or on a pseudo-terminal

HOSTILE: dict[str, Any] = yaml.safe_load(EVERY_FIELD.read_text(encoding="utf-8"))
IDS = [record["id"] for section in HOSTILE.values() if isinstance(section, list) for record in section]
MARK = "\\x1b[31mRED"  # how the hostile ANSI sequence must look once neutralised

LISTINGS = [
    ["industries"],
    ["metrics"],
    ["claims"],
    ["entities"],
    ["sources"],
    ["timeline"],
    ["search", "RED"],
    ["search", "光伏"],
    ["search", "evil"],
    ["search", "source.title"],
    ["search", "2022"],
]
SHOWN = [["show", record_id] for record_id in IDS]
SAFE_FORMATS = ["table", "markdown", "tsv"]  # neutralised even when piped


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile-terminal-cache")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the hostile file (checked unchanged after every run)."""
    folder = tmp_path_factory.mktemp("hostile-data")
    copy = folder / "every-field.yaml"
    copy.write_bytes(EVERY_FIELD.read_bytes())
    return copy


def _run(data: Path, cache: Path, *args: str, lang: str | None = None) -> Any:
    before = snapshot(data)
    prefix = ["--lang", lang] if lang else []
    done = srfacts("--data", str(data), *prefix, *args, cache=cache)
    assert snapshot(data) == before, "the data file was changed"
    return done


def test_the_fixture_is_hostile_and_valid(data: Path, cache: Path) -> None:
    done = _run(data, cache, "validate")
    assert_clean(done, 0)
    text = "".join(_strings(HOSTILE))
    for needle in ("\x1b[31m", "\x1b]8;;", "\x9b", "\u202e", "\u200b", "\x00", "\r\n", "\U000e0041", "[bold red]"):
        assert needle in text


@pytest.mark.parametrize("fmt", SAFE_FORMATS)
@pytest.mark.parametrize("args", LISTINGS + SHOWN, ids=" ".join)
def test_hostile_data_is_neutralised(args: list[str], fmt: str, data: Path, cache: Path) -> None:
    _neutralised(args, fmt, "zh", data, cache)


@pytest.mark.parametrize("args", LISTINGS + SHOWN, ids=" ".join)
def test_hostile_data_is_neutralised_in_english(args: list[str], data: Path, cache: Path) -> None:
    _neutralised(args, "table", "en", data, cache)


def _neutralised(args: list[str], fmt: str, lang: str, data: Path, cache: Path) -> None:
    done = _run(data, cache, *args, "--format", fmt, lang=lang)
    assert_clean(done, 0)
    assert_no_leak(done.stdout, "stdout", tabs=fmt == "tsv")
    if fmt != "tsv":
        assert MARK in done.stdout, done.stdout[:500]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


EXPECTED = {s for s in _strings(HOSTILE) if LEAK.search(s)}


@pytest.mark.parametrize(
    ("args", "fmt"), [(a, "json") for a in LISTINGS + SHOWN] + [(a, "jsonl") for a in LISTINGS], ids=str
)
def test_hostile_data_is_exact_in_json(args: list[str], fmt: str, data: Path, cache: Path) -> None:
    done = _run(data, cache, *args, "--format", fmt)
    assert_clean(done, 0)
    assert_no_leak(done.stdout, "JSON")  # escaped as \\u sequences, so even `cat` is safe
    lines = done.stdout.splitlines() if fmt == "jsonl" else [done.stdout]
    found = {s for line in lines for s in _strings(json.loads(line))}
    hostile = {s for s in found if LEAK.search(s)}
    assert hostile, "JSON lost the hostile strings"
    for text in hostile:  # each a field of the file, or (search matches) a span of one
        assert any(text in original for original in EXPECTED), text[:200]


def test_every_hostile_string_comes_back_exactly(data: Path, cache: Path) -> None:
    """Every field of every record, through `show --json`, equals the file's string."""
    for section, records in HOSTILE.items():
        if not isinstance(records, list):
            continue
        for record in records:
            done = _run(data, cache, "show", record["id"], "--json")
            assert_clean(done, 0)
            shown = json.loads(done.stdout)
            for field, value in record.items():
                if field in ("formula", "inputs"):
                    assert shown["derivation"][field] == value
                elif isinstance(value, str | list) and field != "uncaptured_numbers":
                    assert shown[field] == value, (section, record["id"], field)
                elif field == "rank":
                    assert shown["rank"] == value


def test_csv_is_exact_when_piped(data: Path, cache: Path) -> None:
    import csv
    import io

    done = _run(data, cache, "industries", "--format", "csv")
    assert_clean(done, 0)
    rows = list(csv.DictReader(io.StringIO(done.raw_stdout.decode("utf-8"), newline="")))
    assert rows[0]["name"] == HOSTILE["industries"][0]["name"]


def test_export_to_stdout_is_exact_and_safe(data: Path, cache: Path) -> None:
    done = _run(data, cache, "export", "-")
    assert_clean(done, 0)
    assert_no_leak(done.stdout, "export")
    exported = json.loads(done.stdout)
    assert exported["industries"][0]["name"] == HOSTILE["industries"][0]["name"]


@pytest.mark.parametrize(
    "args",
    [
        ["metrics", "--chart"],
        ["industries", "--fields", "name,aliases,quote,note"],
        ["search", "RED", "--fields", "id,name,matched"],
        ["show", "evil-metric", "--fields", "rank,quote,related"],
        ["timeline", "--year", "2022"],
        ["metrics", "--industry", "evil-industry"],
        ["claims", "--kind", "award"],
        ["entities", "--kind", "company"],
    ],
    ids=" ".join,
)
def test_other_views_are_neutralised(args: list[str], data: Path, cache: Path) -> None:
    done = _run(data, cache, *args)
    assert_clean(done, 0, 1)
    assert_no_leak(done.stdout, "stdout")


# ---------------------------------------------------------------------------------------------
# Messages that quote the data or the command line


@pytest.mark.parametrize(
    "args",
    [
        ["show", "evil-industr\x1b[31m\u202e"],
        ["show", "\x1b]8;;http://evil\x07x\x1b]8;;\x07"],
        ["show", "\x1b[2J\x1b[Hcleared"],
        ["show", "industry.nam\u200b"],
        ["search", "\x1b[Hxyzzyq\u200b"],
        ["metrics", "--industry", "industry.name\x1b[31m"],
        ["metrics", "--industry", "industry.aliases: [bold red]粗[/] \x1b[31mRED"],
        ["claims", "--kind", "awar\x1b[31m"],
        ["industries", "--tier", "\u202eleading"],
        ["search", "x", "--type", "metri\x9b"],
        ["industries", "--sort", "\x07\x08\x7f"],
        ["industries", "--nope\x1b[31m\u202e"],
        ["industries", "--format", "\x1b[31m\u2066"],
        ["industries", "--limit", "\u202e1"],
        ["nope\x1b[31m\u200b"],
        ["show", "a", "b\u202ec"],
        ["cache", "nope\x1b[31m"],
        ["validate", "/nonexistent/\x1b[31m\u202e.yaml"],
        # A folder under a regular file cannot be made, even by root; the path stays in the test's folder.
        ["export", "{tmp}/a-file/dir\x1b[31m/x.json"],
    ],
    ids=lambda a: repr(a)[:60],
)
def test_messages_quoting_input_are_neutralised(args: list[str], data: Path, cache: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    done = _run(data, cache, *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert_clean(done)
    assert done.returncode in (1, 2, 3)
    assert done.stderr.strip(), "a clear message is expected"
    assert_no_leak(done.stdout, "stdout")


@pytest.mark.usefixtures("english")
def test_did_you_mean_quotes_hostile_names_safely(data: Path, cache: Path) -> None:
    almost = HOSTILE["industries"][0]["name"][:-3].replace("\x00", "")  # a typo of the hostile name
    done = _run(data, cache, "metrics", "--industry", almost)
    assert_clean(done, 2)
    assert "did you mean" in done.stderr and "\\x1b[31m" in done.stderr


def test_validate_quotes_hostile_values_safely(tmp_path: Path, cache: Path) -> None:
    text = EVERY_FIELD.read_text(encoding="utf-8")
    text = text.replace("unit: 亿元", 'unit: "\\e[31m亿\\u202e元"', 1).replace("tier: leading", 'tier: "\\e]8;;x\\a"')
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    for fmt in ("text", "json"):
        done = srfacts("validate", str(broken), "--format", fmt, cache=cache)
        assert_clean(done, 3)
        assert_no_leak(done.stdout, "stdout")
        assert "SR108" in done.stdout and "SR110" in done.stdout
    report = json.loads(done.stdout)
    assert any(p["message"].startswith("unknown unit '\x1b[31m亿\u202e元'") for p in report["problems"])


# ---------------------------------------------------------------------------------------------
# On a real terminal (a pseudo-terminal): Rich tables, colour, wrapping


TERMINAL_CASES = [
    ["industries"],
    ["metrics"],
    ["claims", "--format", "csv"],
    ["entities", "--format", "markdown"],
    ["sources", "--format", "tsv"],
    ["search", "RED"],
    ["show", "evil-metric"],
    ["--lang", "en", "show", "evil-industry"],
    ["timeline"],
    ["metrics", "--chart"],
    ["show", "evil-\x1b[31m"],
]


@pytest.mark.parametrize("columns", [20, 80, 250])
@pytest.mark.parametrize("args", TERMINAL_CASES, ids=lambda a: " ".join(a)[:40])
def test_on_a_terminal_nothing_escapes(args: list[str], columns: int, data: Path, cache: Path) -> None:
    env = environment(cache, TERM="xterm-256color", SRFACTS_PAGER="")  # the data's escapes, not less's own
    code, out, err = on_terminal("--data", str(data), *args, env=env, columns=columns)
    assert code in (0, 1), err[-2000:]
    assert "Traceback" not in err
    assert_no_leak(out, "terminal", tabs="tsv" in args)
    assert_no_leak(err, "stderr")


@pytest.mark.parametrize("extra", [{"NO_COLOR": "1"}, {"TERM": "dumb"}, {"FORCE_COLOR": "0"}, {"FORCE_COLOR": "1"}])
def test_on_a_terminal_without_colour_there_is_no_escape_at_all(extra: dict[str, str], data: Path, cache: Path) -> None:
    env = environment(cache, **{"TERM": "xterm-256color", **extra})
    code, out, _ = on_terminal("--data", str(data), "industries", env=env, columns=120)
    assert code == 0
    if "FORCE_COLOR" not in extra:
        assert "\x1b" not in out
    assert_no_leak(out, "terminal")


def test_search_highlights_land_on_the_match_after_escapes() -> None:
    """Spans found in the raw text still mark the match once escapes before it are written out."""
    from srfacts.output.formats import Column
    from srfacts.output.tables import to_table

    out = to_table([{"a": "\x1b[31m光伏X"}], [Column("a", "a")], color=True, width=80, highlight={(0, "a"): [(5, 7)]})
    assert "\\x1b[31m\x1b[1;7m光伏\x1b[0mX" in out
