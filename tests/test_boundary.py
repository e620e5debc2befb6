"""The error boundary: core errors carry no command-line wording or exit codes, and the command line
turns every exception into a message and its own exit status (a bug included: 70, with how to report it)."""

from __future__ import annotations

import inspect
import re
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from srfacts.cli.app import app
from srfacts.cli.boundary import ExitStatus, NotFoundError, UsageError, report, traceback_asked
from srfacts.core import errors
from srfacts.core.errors import KnowledgeFileError, Problem, UnknownNameError
from srfacts.core.records import resolve_industry
from srfacts.store.loader import load
from tests.conftest import SAMPLE

README = Path(__file__).resolve().parents[1] / "README.md"
pytestmark = pytest.mark.usefixtures("english")  # messages are read word for word (in English)


# ---------------------------------------------------------------------------------------------
# The core's errors


def test_core_errors_carry_no_exit_status() -> None:
    assert not hasattr(errors, "ExitStatus")
    for _, cls in inspect.getmembers(errors, inspect.isclass):
        if issubclass(cls, BaseException):
            assert not hasattr(cls, "exit_status"), cls


def test_an_unknown_industry_is_a_core_lookup_error_with_its_candidates() -> None:
    kb = load(SAMPLE)
    with pytest.raises(UnknownNameError) as raised:
        resolve_industry(kb.industries(), "automobil")
    error = raised.value
    assert isinstance(error, LookupError)
    assert (error.kind, error.name) == ("industry", "automobil")
    assert "automobile" in error.candidates
    assert "srfacts" not in str(error) and "see:" not in str(error)


def test_the_command_line_words_an_unknown_industry(run) -> None:
    result = run("metrics", "--industry", "automobil")
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr.startswith("srfacts: unknown industry 'automobil' (did you mean automobile")
    assert result.stderr.endswith("?); see: srfacts industries\n")


def test_an_unknown_industry_in_search_is_worded_the_same(run) -> None:
    result = run("search", "光伏", "--industry", "automobil")
    assert result.exit_code == ExitStatus.USAGE
    assert "unknown industry 'automobil' (did you mean automobile" in result.stderr
    assert result.stderr.endswith("; see: srfacts industries\n")


# ---------------------------------------------------------------------------------------------
# Each class of exception: its message and exit status


def test_every_exit_status_is_in_the_readme_table() -> None:
    readme = README.read_text(encoding="utf-8")
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert documented == {int(status) for status in ExitStatus}


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (NotFoundError("no claim matches", ["a", "b"]), 1, "srfacts: no claim matches\ndid you mean: a, b?\n"),
        (UsageError("unknown tier 'x'"), 2, "srfacts: unknown tier 'x'\n"),
        (KnowledgeFileError([Problem("SR005", "YAML syntax error", "f.yaml", 3, 1)]), 3, "f.yaml:3:1: SR005 "),
        (UnknownNameError("industry", "x"), 2, "srfacts: unknown industry 'x'; see: srfacts industries\n"),
        (errors.InvalidValueError("unknown field 'x'; available fields: id"), 2, "srfacts: unknown field 'x'"),
        (KeyboardInterrupt(), 130, "srfacts: interrupted\n"),
        (BrokenPipeError(), 0, ""),
        (MemoryError(), 71, "srfacts: out of memory"),
        (sqlite3.OperationalError("database or disk is full"), 2, "srfacts: cannot write the database: database or"),
        (ZeroDivisionError("division by zero"), 70, "srfacts: internal error: ZeroDivisionError: division by zero\n"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else None,
)
def test_each_error_has_its_message_and_status(
    error: BaseException, status: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report(error) == status
    err = capsys.readouterr().err
    assert err.startswith(message) if message else err == ""


def test_an_internal_error_says_how_to_report_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert report(ValueError("\x1b[31mboom\u202e")) == ExitStatus.INTERNAL
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "this is a bug in srfacts" in err and "please report it" in err
    assert "--traceback" in err and "SRFACTS_DEBUG=1" in err
    assert "\x1b" not in err and "\u202e" not in err and "\\x1b[31mboom" in err


def test_an_internal_error_shows_its_traceback_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        raise ValueError("boom")
    except ValueError as error:
        assert report(error, traceback=True) == ExitStatus.INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and 'raise ValueError("boom")' in err
    assert "the traceback above" in err


@pytest.mark.parametrize(
    ("args", "env", "asked"),
    [
        (["industries"], {}, False),
        (["--traceback", "industries"], {}, True),
        (["industries", "--traceback"], {}, True),
        (["show", "--", "--traceback"], {}, False),
        (["industries"], {"SRFACTS_DEBUG": "1"}, True),
        (["industries"], {"SRFACTS_DEBUG": "0"}, False),
        (["industries"], {"SRFACTS_DEBUG": ""}, False),
    ],
)
def test_the_traceback_is_asked_for_by_option_or_environment(
    args: list[str], env: dict[str, str], asked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SRFACTS_DEBUG", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert traceback_asked(args) is asked


# ---------------------------------------------------------------------------------------------
# Through the command line, in process


def _failing(error: BaseException, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every knowledge base the commands load raises ``error``."""

    def load(*args: object, **kwargs: object) -> object:
        raise error

    monkeypatch.setattr("srfacts.cli.context.load", load)


def test_a_bug_exits_70_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SRFACTS_DEBUG", raising=False)
    _failing(ZeroDivisionError("division by zero"), monkeypatch)
    result = CliRunner().invoke(app, ["--data", str(SAMPLE), "industries"])
    assert result.exit_code == ExitStatus.INTERNAL == 70
    assert result.stdout == ""
    assert "internal error: ZeroDivisionError: division by zero" in result.stderr
    assert "please report it" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["--traceback", "SRFACTS_DEBUG=1"])
def test_a_bug_shows_its_traceback_when_asked(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SRFACTS_DEBUG", raising=False)
    _failing(ZeroDivisionError("division by zero"), monkeypatch)
    args = ["--data", str(SAMPLE), "industries"]
    if how == "--traceback":
        result = CliRunner().invoke(app, ["--traceback", *args])
    else:
        result = CliRunner().invoke(app, args, env={"SRFACTS_DEBUG": "1"})
    assert result.exit_code == 70
    assert "Traceback (most recent call last):" in result.stderr and "ZeroDivisionError" in result.stderr


def test_a_damaged_cache_that_reaches_the_boundary_is_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader recompiles a damaged cache; should the damage ever reach the boundary, it is reported as a bug."""
    from srfacts.store.compiled import CacheDamagedError

    _failing(CacheDamagedError("a section does not decode"), monkeypatch)
    result = CliRunner().invoke(app, ["--data", str(SAMPLE), "claims"])
    assert result.exit_code == 70
    assert "internal error: CacheDamagedError" in result.stderr


def test_out_of_memory_has_its_own_status(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing(MemoryError(), monkeypatch)
    result = CliRunner().invoke(app, ["--data", str(SAMPLE), "entities"])
    assert result.exit_code == ExitStatus.OUT_OF_MEMORY == 71
    assert result.stderr.startswith("srfacts: out of memory") and "Traceback" not in result.stderr


def test_a_database_that_cannot_be_written_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import srfacts.export

    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(srfacts.export, "export", full)
    result = CliRunner().invoke(app, ["--data", str(SAMPLE), "export", str(tmp_path / "facts.db")])
    assert result.exit_code == ExitStatus.USAGE
    assert result.stderr == "srfacts: cannot write the database: database or disk is full\n"


def test_the_traceback_option_changes_nothing_else(run) -> None:
    assert run("--traceback", "industries", "--json").stdout == run("industries", "--json").stdout
    assert run("--traceback", "show", "nope").exit_code == ExitStatus.NOT_FOUND


def test_the_package_exports_the_app_and_its_entry_points() -> None:
    import srfacts.cli
    import srfacts.cli.app

    assert isinstance(srfacts.cli.app, typer.Typer) and srfacts.cli.app is app
    assert srfacts.cli.console is srfacts.cli.entry.console and srfacts.cli.main is srfacts.cli.entry.main
