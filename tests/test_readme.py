"""The README stays true: its examples are real output, and it documents every command, code and field.

Regenerate the examples after a change with: python tests/test_readme.py --update
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXAMPLE = re.compile(r"<!-- example: (?P<args>.+?) -->\n```text\n(?P<output>.*?)```\n", re.S)
ARTICLE_DIR = ROOT.parent / "shared" / "source"


def run_example(args: str) -> str:
    """What ``srfacts ARGS`` prints, as a pipe would receive it (stdout, then stderr)."""
    from srfacts.cli.app import app

    argv = shlex.split(args)
    assert argv[0] == "srfacts"
    result = CliRunner().invoke(app, argv[1:], env={"SRFACTS_SOURCES": str(ARTICLE_DIR), "SRFACTS_DATA": ""})
    text = f"$ {args}\n{result.stdout}"
    return text + (result.stderr if result.stderr else "")


TERMINAL = re.compile(r"<!-- terminal: (?P<args>.+?) -->\n```text\n(?P<output>.*?)```\n", re.S)
TERMINAL_COLUMNS = 100


def run_on_terminal(args: str) -> str:
    """What ``srfacts ARGS`` shows on a terminal 100 columns wide (a pseudo-terminal, script(1)):
    stdout and stderr as the terminal shows them, colours left out (NO_COLOR), no pager."""
    import os
    import subprocess

    argv = shlex.split(args)
    assert argv[0] == "srfacts"
    command = f"stty cols {TERMINAL_COLUMNS} rows 500; {shlex.quote(sys.executable)} -m srfacts "
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SRFACTS_", "LC_"))}
    env |= {"COLUMNS": str(TERMINAL_COLUMNS), "LINES": "500", "NO_COLOR": "1", "LANG": "C.UTF-8", "TERM": "xterm"}
    env |= {"SRFACTS_SOURCES": str(ARTICLE_DIR), "SRFACTS_PAGER": "cat"}
    done = subprocess.run(
        ["script", "-qec", command + " ".join(shlex.quote(a) for a in argv[1:]), "/dev/null"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", done.stdout).replace("\r\n", "\n")
    return f"$ {args}\n" + "\n".join(line.rstrip() for line in shown.splitlines()) + "\n"


def rendered(readme: str, terminal: bool = True) -> str:
    """The README with every example block refreshed (and the terminal captures, unless not asked)."""
    readme = EXAMPLE.sub(lambda m: f"<!-- example: {m['args']} -->\n```text\n{run_example(m['args'])}```\n", readme)
    if terminal:
        readme = TERMINAL.sub(
            lambda m: f"<!-- terminal: {m['args']} -->\n```text\n{run_on_terminal(m['args'])}```\n", readme
        )
    return readme


def test_examples_are_real_output(private_cache: Path) -> None:
    if not ARTICLE_DIR.is_dir():
        pytest.skip(f"the source article is not at {ARTICLE_DIR}; `show` examples quote it")
    readme = README.read_text(encoding="utf-8")
    assert EXAMPLE.search(readme), "the README has no examples"
    for match in EXAMPLE.finditer(readme):
        assert f"```text\n{run_example(match['args'])}```" in match.group(0), (
            f"README example out of date: {match['args']}"
        )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a pseudo-terminal")
def test_the_terminal_captures_are_real(private_cache: Path) -> None:
    if not ARTICLE_DIR.is_dir():
        pytest.skip(f"the source article is not at {ARTICLE_DIR}; `ask` quotes it")
    readme = README.read_text(encoding="utf-8")
    from srfacts.output.tables import display_width

    captures = list(TERMINAL.finditer(readme))
    assert len(captures) >= 2, "the README shows no terminal capture"
    assert captures[0].start() < readme.index("## Quick start"), "the first capture is on the first screen"
    for match in captures:
        shown = run_on_terminal(match["args"])
        assert len(shown.splitlines()) > 2
        assert all(display_width(line) <= TERMINAL_COLUMNS for line in shown.splitlines()), shown
        assert f"```text\n{shown}```" in match.group(0), f"README terminal capture out of date: {match['args']}"


def test_every_command_is_documented() -> None:
    from srfacts.cli.app import app

    readme = README.read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        assert f"### `srfacts {name}" in readme, f"srfacts {name} is not documented in the README"


def test_every_problem_code_is_in_the_table() -> None:
    from srfacts.core.errors import CODES

    readme = README.read_text(encoding="utf-8")
    for code, meaning in CODES.items():
        assert f"| {code} | {meaning} |" in readme, f"{code} missing from the README's table"


def test_every_exit_status_is_documented() -> None:
    from srfacts.cli.boundary import ExitStatus

    readme = README.read_text(encoding="utf-8")
    for status in ExitStatus:
        assert f"| {int(status)} |" in readme


def test_json_fields_are_documented() -> None:
    from srfacts.search.engine import memory_index
    from srfacts.search.hits import Hit, Match
    from srfacts.store.loader import load
    from tests.conftest import SAMPLE

    readme = README.read_text(encoding="utf-8")
    kb = load(SAMPLE)
    fields = {f for record in kb.all_records() for f in record.to_dict()}
    fields |= set(Hit(memory_index(kb), 0, 1.0, (Match("name", 0, 1, "x"),)).to_dict())
    fields |= {"related", "context", "year_start", "year_end", "label", "label_en", "figure"}
    for name in sorted(fields):
        assert f"`{name}`" in readme, f"JSON field {name} is not documented in the README"


def test_quick_start_has_the_two_set_up_lines() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "pip install . && srfacts industries" in readme
    assert 'pip install ".[test]" && python -m pytest' in readme


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        README.write_text(rendered(README.read_text(encoding="utf-8")), encoding="utf-8")
        print("README examples refreshed")
