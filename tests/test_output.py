"""Rendered output: golden files, hostile data shown safely, pipes, colour and width."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from srfacts.output.safe import neutralise
from srfacts.output.tables import to_table

GOLDEN = Path(__file__).parent / "golden"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile.yaml"
UPDATE = os.environ.get("SRFACTS_UPDATE_GOLDEN") == "1"

CASES = {
    "industries.table.txt": ["industries"],
    "metrics.table.txt": ["metrics"],
    "metrics.csv": ["metrics", "--format", "csv"],
    "metrics.tsv": ["metrics", "--format", "tsv"],
    "claims.markdown.md": ["claims", "--format", "markdown"],
    "entities.csv": ["entities", "--format", "csv"],
    "show.table.txt": ["show", "above-size-enterprises-total-2022"],
    "show.markdown.md": ["show", "jinko-solar", "--format", "markdown"],
    "timeline.table.txt": ["timeline"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(run, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compare with tests/golden/NAME; SRFACTS_UPDATE_GOLDEN=1 rewrites them."""
    from tests.conftest import ARTICLE

    if name.startswith("show.") and not ARTICLE.is_file():
        pytest.skip(f"`show` quotes the sentence around a quote from {ARTICLE}, which is absent")
    result = run(*CASES[name])
    assert result.exit_code == 0, result.stderr
    path = GOLDEN / name
    if UPDATE:
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8")


DANGEROUS = ["\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u200b", "\r"]


@pytest.mark.parametrize(
    "args",
    [["industries"], ["metrics"], ["claims"], ["entities"], ["search", "bold"], ["show", "evil-industry"],
     ["industries", "--format", "markdown"], ["show", "evil-industry", "--format", "markdown"],
     ["timeline"], ["metrics", "--format", "tsv"]],
)  # fmt: skip
def test_hostile_data_is_shown_literally_and_safely(run, args: list[str]) -> None:
    result = run(*args, data=HOSTILE)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert not any(c in out for c in DANGEROUS), repr(out)
    assert "[bold]" in out or "[/]" in out or "[b]" in out
    if args[0] in ("industries", "show"):
        assert "[bold]" in out and "[/]" in out and "[link=https://example.com]" in out
        assert "\\x1b[31m" in out and "\\u202e" in out


def test_hostile_data_is_faithful_in_json(run) -> None:
    rows = json.loads(run("industries", "--json", data=HOSTILE).stdout)
    evil = rows[0]
    assert evil["name"] == "[bold]光伏[/] \x1b[31m红\x1b[0m"
    assert evil["name_en"] == "[link=https://example.com]click[/link] \u202eevil\u2066"
    raw = run("industries", "--json", data=HOSTILE).stdout
    assert not any(c in raw for c in DANGEROUS)


def test_hostile_data_in_error_messages(run) -> None:
    result = run("show", "\x1b]8;;http://x\x07evil", data=HOSTILE)
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\\x1b" in result.stderr


def test_colour_table_keeps_markup_literal() -> None:
    from srfacts.output.formats import Column

    out = to_table([{"a": "[bold]x[/] \x1b[2J"}], [Column("a", "a")], color=True, width=80)
    assert "[bold]x[/]" in out and "\\x1b[2J" in out and "\x1b[2J" not in out


def test_neutralise_is_visible_and_leaves_chinese() -> None:
    assert neutralise("光伏\x1b[31m\u202e") == "光伏\\x1b[31m\\u202e"
    assert neutralise("plain 文本") == "plain 文本"


def test_piped_tables_are_not_cut(run) -> None:
    from srfacts.output.tables import display_width

    result = run("claims", "--limit", "1")
    longest = max(display_width(line) for line in result.stdout.splitlines())
    assert longest > 80
    assert "…" not in result.stdout


def _srfacts(*args: str) -> list[str]:
    return [sys.executable, "-m", "srfacts", *args]


@pytest.mark.slow
def test_head_closes_the_pipe_quietly(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    for args in (["industries"], ["metrics", "--format", "jsonl"], ["claims", "--json"]):
        command = " ".join(f"'{a}'" for a in _srfacts(*args)) + " | head -1"
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.stderr == "", done.stderr
        assert len(done.stdout.splitlines()) == 1


@pytest.mark.slow
def test_no_colour_when_piped_or_asked(tmp_path: Path) -> None:
    for extra in ({}, {"NO_COLOR": "1"}, {"TERM": "dumb"}):
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), **extra}
        done = subprocess.run(_srfacts("industries"), capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0 and "\x1b" not in done.stdout
