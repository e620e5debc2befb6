"""Hostile and odd command lines: a clear answer in bounded time (the subprocess timeout), never a
crash, and the knowledge file (bundled or given with --data) never written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile_support import ROOT_DATA, SAMPLE, Done, assert_clean, environment, snapshot, srfacts

pytestmark = [
    pytest.mark.slow,  # hostile command lines: the command in a subprocess per case
    pytest.mark.usefixtures("english"),  # their messages are read word for word
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the tests that write no file: the knowledge file is compiled once."""
    return tmp_path_factory.mktemp("arguments-cache")


QUERIES = {
    "empty": "",
    "spaces": "   ",
    "tabs and newlines": "\t\n\r",
    "100,000 characters": " ".join(["光伏" * 10_000] * 5),  # one argument may hold 128 KiB at most
    "100,000 letters": "a" * 100_000,
    "20,000 words": " ".join(f"w{i}" for i in range(20_000)),
    "2,000 words that match": " ".join(["光伏", "solar", "2022", "上饶"] * 500),
    "regex any": ".*",
    "regex group": "(a+)+$",
    "regex class": "[",
    "regex escape": "\\",
    "regex alternation": "a|b|光伏",
    "sql wildcard %": "%",
    "sql wildcard _": "_",
    "sql injection": "'; DROP TABLE records; --",
    "sql quote": '" OR 1=1 --',
    "fts syntax": 'NEAR(光伏 "x") AND * OR -',
    "shell": "$(id) `id` ${HOME}",
    "format strings": "%s %n {0} {!r}",
    "json": '{"a": [1]}',
    "number huge": "9" * 5000,
    "number exponent": "1e999999999",
    "number negative": "-2248",
    "number with unit": "5028.1亿元",
    "only punctuation": "，。、；：？！",
    "right-to-left": "\u202eevil\u202c مرحبا שלום",
    "zero-width": "光\u200b伏",
    "combining": "e\u0301\u0301\u0301\u0301",
    "emoji": "🏭🔋☀️👨‍👩‍👧",
    "fullwidth": "ＰＶ　光伏",
    "traditional": "鋰電",
    "private use": "\ue000\U000f0000",
    "noncharacters": "\ufffe\uffff\U0010ffff",
    "hangul filler": "\u3164\u115f",
    "long word chinese": "上饶光伏锂电汽车有色" * 40,
    "dash prefixed": "-x",
}


def _words(query: str) -> list[str]:
    """The query as one argument, or as several when one would be longer than the system allows."""
    return query.split(" ") if len(query.encode()) > 100_000 else [query]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_any_query_gets_a_clear_answer(name: str, shared: Path) -> None:
    query = QUERIES[name]
    for extra in ([], ["--json"]):
        done = srfacts("--data", str(SAMPLE), "search", *extra, "--", *_words(query), cache=shared)
        assert_clean(done, 0, 1)
        assert len(done.stderr) < 2000, "the message quotes the query in full"
        if extra:
            assert isinstance(json.loads(done.stdout), list)
        if done.returncode == 1:
            assert "nothing matches" in done.stderr


@pytest.mark.parametrize("name", ["empty", "100,000 characters", "regex any", "sql injection", "right-to-left"])
def test_any_query_on_the_bundled_file(name: str, shared: Path) -> None:
    done = srfacts("search", "--", *_words(QUERIES[name]), cache=shared)
    assert_clean(done, 0, 1)


def test_query_words_that_are_not_utf8(shared: Path) -> None:
    for word in (b"\xff", b"\xe5\x85", b"\x9b31m", b"\xed\xa0\x80"):
        done = srfacts(b"--data", os.fsencode(SAMPLE), b"search", word, b"--json", cache=shared)
        assert_clean(done, 0, 1)
        assert json.loads(done.raw_stdout.decode("utf-8")) == []


UNKNOWN_IDS = ["", " ", "nope", "x" * 100_000, "../../etc/passwd", "'; DROP TABLE records; --"]
# Names as people type them: show finds the record they name (issue 13), no longer "no record has the id".
NAMED_IDS = ["JINKO-SOLAR", "jinko-solar ", "jinko_solar", "jinko-solar\u200b"]


@pytest.mark.parametrize("record_id", NAMED_IDS)
def test_names_as_people_type_them_are_found(record_id: str, shared: Path) -> None:
    done = srfacts("--data", str(SAMPLE), "show", "--json", "--", record_id, cache=shared)
    assert_clean(done, 0)
    assert json.loads(done.raw_stdout.decode("utf-8"))["id"] == "jinko-solar"


@pytest.mark.parametrize("record_id", UNKNOWN_IDS)
def test_unknown_ids_get_a_clear_answer(record_id: str, shared: Path) -> None:
    done = srfacts("--data", str(SAMPLE), "show", "--", record_id, cache=shared)
    assert_clean(done, 1)
    assert ("no record has the id" in done.stderr or "no id given" in done.stderr) and len(done.stderr) < 2000


def test_a_close_id_is_suggested(shared: Path) -> None:
    done = srfacts("--data", str(SAMPLE), "show", "jinko-sola", cache=shared)
    assert_clean(done, 1)
    assert "did you mean" in done.stderr and "jinko-solar" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--nope"],
        ["industries", "--nope"],
        ["industries", "-Z"],
        ["industries", "--json=yes"],
        ["industries", "--format", "xml"],
        ["industries", "--format"],
        ["industries", "--tier", "main"],
        ["industries", "--sort", "random"],
        ["industries", "--limit", "0"],
        ["industries", "--limit", "-1"],
        ["industries", "--limit", "ten"],
        ["industries", "--limit", "1.5"],
        ["industries", "--limit", ""],
        ["industries", "--fields", "nope"],
        ["metrics", "--year", "twenty"],
        ["metrics", "--year", ""],
        ["metrics", "--year", "2022.5"],
        ["metrics", "--industry", "nope"],
        ["metrics", "--industry", ""],
        ["metrics", "--status", "planned"],
        ["claims", "--kind", "rumour"],
        ["entities", "--kind", ""],
        ["search"],
        ["search", "x", "--type", "nope"],
        ["show"],
        ["validate", "--format", "yaml"],
        ["export"],
        ["export", "-", "--format", "csv"],
        ["cache"],
        ["cache", "nope"],
        ["nope"],
        ["--lang", "fr", "industries"],
        ["--data"],
    ],
    ids=" ".join,
)
def test_usage_errors_exit_2(args: list[str], shared: Path) -> None:
    done = srfacts("--data", str(SAMPLE), *args, cache=shared)
    assert_clean(done, 2)
    assert done.stderr.strip(), "a usage error says what is wrong"
    assert done.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["industries", "--limit", "1"],
        ["industries", "--limit", "99999999999999999999999999"],
        ["metrics", "--year", "2022"],
        ["metrics", "--year", "0"],
        ["metrics", "--year", "-5"],
        ["metrics", "--year", "99999999999999999999999999"],
        ["metrics", "--industry", " 光伏 "],
        ["metrics", "--industry", "PV"],
        ["search", "光伏", "--limit", "99999999999999999999999999"],
        ["timeline", "--year", "1"],
        ["industries", "--fields", ""],
        ["--help"],
        ["industries", "--help"],
        ["--version"],
    ],
    ids=" ".join,
)
def test_edge_values_are_answered(args: list[str], shared: Path) -> None:
    done = srfacts("--data", str(SAMPLE), *args, cache=shared)
    assert_clean(done, 0, 1)


def test_no_arguments_shows_help(shared: Path) -> None:
    done = srfacts(cache=shared)
    assert_clean(done, 0, 2)
    assert "Usage" in done.stdout + done.stderr


# ---------------------------------------------------------------------------------------------
# The knowledge file is only ever read


COMMANDS = [
    ["industries"],
    ["metrics", "--json"],
    ["claims", "--format", "csv"],
    ["entities", "--format", "markdown"],
    ["sources", "--format", "tsv"],
    ["timeline"],
    ["search", "光伏"],
    ["show", "jinko-solar"],
    ["validate"],
    ["metrics", "--chart"],
    ["export", "-"],
    ["cache", "info"],
    ["cache", "clear"],
    ["industries"],
]


def test_data_given_with_data_is_never_written(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    data = folder / "facts.yaml"
    data.write_bytes(SAMPLE.read_bytes())
    before = snapshot(data)
    for args in COMMANDS:
        assert_clean(srfacts("--data", str(data), *args, cache=tmp_path / "cache"))
        assert snapshot(data) == before, args


def test_data_given_in_the_environment_is_never_written(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    data = folder / "facts.yaml"
    data.write_bytes(SAMPLE.read_bytes())
    before = snapshot(data)
    env = environment(tmp_path / "cache", SRFACTS_DATA=str(data))
    for args in COMMANDS:
        assert_clean(srfacts(*args, env=env, cache=tmp_path / "cache"))
    assert snapshot(data) == before


def test_the_bundled_file_is_never_written(tmp_path: Path) -> None:
    if not ROOT_DATA.is_file():
        pytest.skip("no bundled data file in this checkout")
    before = snapshot(ROOT_DATA)
    for args in COMMANDS[:9]:
        assert_clean(srfacts(*args, cache=tmp_path / "cache"))
    assert snapshot(ROOT_DATA) == before


@pytest.mark.parametrize("fmt", ["json", "sqlite"])
def test_export_refuses_to_overwrite_the_knowledge_file(fmt: str, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    data = folder / "facts.yaml"
    data.write_bytes(SAMPLE.read_bytes())
    before = snapshot(data)
    link = tmp_path / "link.json"
    link.symlink_to(data)
    for target in (data, link, folder / ".." / "data" / "facts.yaml"):
        done = srfacts("--data", str(data), "export", str(target), "--format", fmt, "--force", cache=tmp_path / "c")
        assert_clean(done, 2)
        assert "knowledge file" in done.stderr
        assert snapshot(data) == before


def test_export_refuses_to_overwrite_the_bundled_file(tmp_path: Path) -> None:
    if not ROOT_DATA.is_file():
        pytest.skip("no bundled data file in this checkout")
    before = snapshot(ROOT_DATA)
    done = srfacts("export", str(ROOT_DATA), "--format", "json", "--force", cache=tmp_path)
    assert_clean(done, 2)
    assert snapshot(ROOT_DATA) == before


def test_export_csv_refuses_to_overwrite_the_knowledge_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    data = folder / "metrics.csv"  # a knowledge file with an unlucky name, in the folder exported to
    data.write_bytes(SAMPLE.read_bytes())
    before = snapshot(data)
    done = srfacts("--data", str(data), "export", str(folder), "--format", "csv", "--force", cache=tmp_path / "c")
    assert_clean(done, 2)
    assert snapshot(data) == before


# ---------------------------------------------------------------------------------------------
# Only the command asked for is registered: an option's value is never taken for a command name


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["search", "光伏"], "search"),
        (["--data", "metrics", "search", "光伏"], "search"),
        (["--data=metrics", "search", "光伏"], "search"),
        (["--lang", "en", "industries"], "industries"),
        (["--lang", "show", "industries"], "industries"),
        (["--data", "x", "--lang", "en", "--traceback", "show", "jinko-solar"], "show"),
        (["--traceback", "cache", "info"], "cache"),
        (["--", "show", "x"], "show"),
        (["-", "industries"], "-"),
        (["industries", "--help"], "industries"),
        (["--help", "industries"], None),
        (["-h", "industries"], None),
        (["--version"], None),
        (["--data"], None),
        ([], None),
        (["nope", "industries"], "nope"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else str(v),
)
def test_the_command_asked_for(argv: list[str], command: str | None) -> None:
    from srfacts.cli.entry import command_asked_for

    assert command_asked_for(argv) == command


def test_every_global_option_that_takes_a_value_is_known() -> None:
    """The pruning skips the value of each global option that takes one; the list matches the app's options."""
    import typer

    from srfacts.cli.app import app
    from srfacts.cli.root import OPTIONS_WITH_VALUE

    group = typer.main.get_command(app)
    taking = {
        name
        for param in group.params
        if not getattr(param, "is_flag", False) and param.param_type_name == "option"
        for name in (*param.opts, *param.secondary_opts)
    }
    assert taking == set(OPTIONS_WITH_VALUE)


@pytest.mark.parametrize("name", ["metrics", "search", "industries", "cache"])
def test_a_knowledge_file_named_like_a_command(name: str, tmp_path: Path) -> None:
    """``srfacts --data metrics search 光伏``: ``metrics`` is the file, ``search`` the command."""
    (tmp_path / name).write_bytes(SAMPLE.read_bytes())
    env = environment(tmp_path / "cache")
    for args in (["search", "光伏"], ["--lang", "en", "industries"]):
        done = Done.of(
            subprocess.run(
                [sys.executable, "-m", "srfacts", "--data", name, *args, "--json"],
                capture_output=True,
                cwd=tmp_path,
                env=env,
                timeout=60,
            )
        )
        assert_clean(done, 0)
        assert any(row["id"] == "photovoltaic-new-energy" for row in json.loads(done.stdout))
