"""What people see on a real terminal: tables captured on a pseudo-terminal (``script``) at 80, 100
and 120 columns, and what the same commands write into a pipe."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from typing import Any

import pytest

from srfacts.output.tables import display_width

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
WIDTHS = (80, 100, 120)
pytestmark = [  # the command on a pseudo-terminal (script(1)) or in a pipe, in subprocesses
    pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a pseudo-terminal"),
    pytest.mark.slow,
]


def on_terminal(args: str, columns: int, *, ok: bool = False, **env: str) -> str:
    """What ``srfacts ARGS`` shows on a terminal ``columns`` wide (stdout and stderr), colours removed;
    ``ok``: the command must succeed."""
    command = f"stty cols {columns} rows 200; {sys.executable} -m srfacts {args}"
    done = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": str(columns), "PAGER": "cat", "SRFACTS_PAGER": "cat", **env},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 or not ok, done
    return ANSI.sub("", done.stdout).replace("\r\n", "\n")


def piped(args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "srfacts", *args.split()], capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout


def records(args: str) -> list[dict[str, Any]]:
    return list(json.loads(piped(f"{args} --json")))


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("command", ["industries", "metrics", "claims", "entities", "search 光伏"])
def test_ids_and_figures_are_whole_and_lines_fit(command: str, columns: int) -> None:
    shown = on_terminal(command, columns)
    lines = shown.splitlines()
    assert all(display_width(line) <= columns for line in lines), shown
    wanted = records(command)[:20]
    for record in wanted:
        line = next((line for line in lines if re.search(rf"(^|\s){re.escape(record['id'])}(\s|$)", line)), None)
        assert line is not None, f"{record['id']} is not whole on one line at {columns}:\n{shown}"
        if record.get("type") == "metric":
            assert f"{record['value']:g}" in line.replace(",", ""), line


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.usefixtures("english")
def test_about_a_line_a_record_and_a_footer_when_cut(columns: int) -> None:
    total = len(records("search 光伏 --all"))
    shown = on_terminal("search 光伏", columns)
    assert f"20 of {total} shown; --all for all" in shown
    assert len(shown.strip().splitlines()) <= 20 + 4, shown  # header, rule, footer
    listed = on_terminal("metrics", columns)
    assert len(listed.strip().splitlines()) <= len(records("metrics")) + 3, listed


def test_prose_is_cut_and_wide_wraps_it() -> None:
    cut = on_terminal("claims", 80)
    assert "…" in cut
    wide = on_terminal("claims --wide", 80)
    assert "…" not in wide and len(wide.splitlines()) > len(cut.splitlines())
    assert on_terminal("--wide claims", 80) == wide


def test_empty_columns_are_dropped() -> None:
    shown = on_terminal("metrics --industry photovoltaic-new-energy", 120)
    header = shown.splitlines()[0]
    assert "编号" in header and "排名" not in header  # no metric of this industry is ranked
    assert "排名" in on_terminal("metrics", 120).splitlines()[0]  # other metrics are


def test_no_footer_when_nothing_is_cut() -> None:
    assert "已显示" in on_terminal("search 光伏", 100)  # the footer, in the default language
    assert "已显示" not in on_terminal("search 光伏 --all", 100)
    assert "已显示" not in on_terminal("industries", 100)


def test_piped_table_is_one_line_a_record() -> None:
    for command in ("industries", "metrics", "claims", "entities"):
        out = piped(command)
        assert len(out.splitlines()) == 1 + len(records(command)), out
        assert "-+-" not in out and "…" not in out
    assert "shown" not in piped("search 光伏")


def test_a_progress_bar_always_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Steps that fall short of the total still end the bar (the cursor shown again) before output."""
    import io

    from srfacts.cli import streams

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    start = streams.progress()
    assert start is not None
    advance = start("compiling", streams.BAR_FROM + 10)
    bar = streams.BARS[-1]
    advance(1000)
    assert bar.live.is_started
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    streams.emit("data\n")
    assert not bar.live.is_started and not streams.BARS
    advance = start("compiling", streams.BAR_FROM)
    advance(streams.BAR_FROM)
    assert not streams.BARS


def test_long_output_goes_through_the_pager(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """SRFACTS_PAGER, then PAGER, on a terminal only, for output longer than the screen; --no-pager."""
    seen = tmp_path / "paged.txt"
    pager = tmp_path / "pager.py"
    pager.write_text(f"import sys\nopen({str(seen)!r}, 'wb').write(sys.stdin.buffer.read())\n")
    command = f"{sys.executable} {pager}"

    def paged(args: str, **env: str) -> bool:
        seen.unlink(missing_ok=True)
        # The screen's size also in COLUMNS and LINES, which come first for srfacts (as for shutil):
        # where stty cannot size the pseudo-terminal, it reads 0 rows and srfacts falls back to 24.
        done = subprocess.run(
            ["script", "-qec", f"stty cols 100 rows 10; {sys.executable} -m srfacts {args}", "/dev/null"],
            capture_output=True,
            env={**os.environ, "COLUMNS": "100", "LINES": "10", **env},
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done
        return seen.exists() and "photovoltaic-new-energy" in seen.read_text(encoding="utf-8")

    assert paged("industries", SRFACTS_PAGER=command, PAGER="false")
    assert paged("industries", PAGER=command, SRFACTS_PAGER="") is False  # an empty SRFACTS_PAGER: no pager
    monkeypatch.delenv("SRFACTS_PAGER", raising=False)
    assert paged("industries", PAGER=command)
    assert not paged("industries --no-pager", SRFACTS_PAGER=command)
    assert not paged("--no-pager industries", SRFACTS_PAGER=command)
    assert not paged("industries --limit 3", SRFACTS_PAGER=command)  # shorter than the screen
    seen.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "-m", "srfacts", "industries"],
        capture_output=True,
        env={**os.environ, "SRFACTS_PAGER": command},
        timeout=60,
        check=False,
    )
    assert not seen.exists()  # piped: never


def test_the_default_pager_is_less_frx(monkeypatch: pytest.MonkeyPatch) -> None:
    from srfacts.cli.streams import pager_command

    monkeypatch.delenv("SRFACTS_PAGER", raising=False)
    monkeypatch.delenv("PAGER", raising=False)
    assert pager_command() == ["less", "-FRX"]
    monkeypatch.setenv("PAGER", "more")
    assert pager_command() == ["more"]
    monkeypatch.setenv("SRFACTS_PAGER", "cat")
    assert pager_command() is None
