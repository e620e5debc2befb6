"""Shared fixtures: a CLI runner, the sample knowledge file, the source article, and the folders tests use.

Every test runs with ``HOME`` and ``XDG_CACHE_HOME`` in temporary folders, never the user's. The
bundled knowledge file and the sample are compiled once per session (per xdist worker) into
``compiled_cache``, which every test reads by default; a test that damages, counts or clears
cache files asks for ``private_cache`` instead (a fresh, empty folder of its own).

Tiers: a test that starts a process (a subprocess, a shell, a pseudo-terminal, a server), itself
or through a fixture, carries the ``slow`` marker, and so do the hostile-input batteries; an
unmarked test that starts one fails, so that ``-m "not slow"`` stays in process.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import srfacts
from srfacts.cli.app import app

TESTS = Path(__file__).parent
ROOT = TESTS.parent
SAMPLE = TESTS / "fixtures" / "sample.yaml"
SOURCE_DIR = ROOT.parent / "shared" / "source"
ARTICLE = SOURCE_DIR / "shangrao-industry-article.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runner: CliRunner, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke the CLI on the sample file (or on ``data=``); stdout and stderr kept apart."""
    monkeypatch.delenv("SRFACTS_DATA", raising=False)

    def invoke(*args: str, data: Path | str | None = SAMPLE):  # type: ignore[no-untyped-def]
        prefix = ["--data", str(data)] if data is not None else []
        return runner.invoke(app, [*prefix, *args])

    return invoke


@pytest.fixture
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"the source article is not at {ARTICLE} (it lives in ../shared/source beside the checkout)")
    return ARTICLE.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Folders: a temporary home, one compiled cache per session, a private cache on request


@pytest.fixture(scope="session", autouse=True)
def temporary_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``HOME`` and ``TMPDIR`` in temporary folders for the whole session (module fixtures too), so that
    nothing a test starts (srfacts, pip, a shell) writes to the user's home or straight into /tmp, even
    as root; the XDG folders follow ``HOME``."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        temporary = tmp_path_factory.mktemp("tmp")
        patch.setenv("TMPDIR", str(temporary))  # for the processes tests start
        patch.setattr(tempfile, "tempdir", str(temporary))  # and for this one (XlsxWriter's work files)
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "SRFACTS_DATA"):
            patch.delenv(name, raising=False)
        # The interface's language follows the locale: the same (zh, the default) whatever the machine's.
        for name in ("SRFACTS_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
            patch.delenv(name, raising=False)
        patch.setenv("LANG", "C.UTF-8")
        yield home


@pytest.fixture(scope="session")
def compiled_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder (``XDG_CACHE_HOME``) where the bundled knowledge file and the sample are compiled
    once per session; the tests that only read share it.

    Tests that load other files add entries to it, and srfacts keeps only the newest few: the two
    compiled here are dated far ahead, so they always count among the newest and are never pruned.
    """
    folder = tmp_path_factory.mktemp("compiled-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        patch.delenv("SRFACTS_DATA", raising=False)
        srfacts.load()
        srfacts.load(SAMPLE)
    ahead = time.time() + 10 * 365 * 24 * 3600
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (ahead, ahead))
    return folder


@pytest.fixture(autouse=True)
def cache_home(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path | None:
    """Point ``XDG_CACHE_HOME`` at the session's compiled cache, unless the test asked for a private one."""
    if "private_cache" in request.fixturenames:
        return None  # private_cache sets it
    folder: Path = request.getfixturevalue("compiled_cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, empty: for tests that damage, count, clear or time cache files."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


# ---------------------------------------------------------------------------------------------
# Tiers: a test that starts a process is marked slow

_STARTS = ("subprocess.Popen", "os.posix_spawn", "os.spawn", "os.exec", "os.system", "pty.spawn")
_started: list[str] = []


def _note_processes(event: str, args: tuple[object, ...]) -> None:
    if event in _STARTS:
        _started.append(f"{event} {args[0]!r}"[:200])


def pytest_configure(config: pytest.Config) -> None:
    sys.addaudithook(_note_processes)  # for the life of the process (a hook cannot be removed); it only appends


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    _started.clear()  # from here on, a process started by the test or by a fixture it sets up counts
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test without the ``slow`` marker that started a process (itself or through a fixture it set up) fails."""
    result = yield
    if _started and item.get_closest_marker("slow") is None:
        started = _started[0]
        _started.clear()
        pytest.fail(f"this test starts a process ({started}): mark it @pytest.mark.slow", pytrace=False)
    return result


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    """Print the tables tests recorded with ``record_property("summary", text)`` (the natural questions'
    srfacts-against-baseline table), once each, headed by their first line."""
    shown: list[str] = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == "summary" and isinstance(value, str) and value not in shown:
                    shown.append(value)
    for text in shown:
        title, _, body = text.partition("\n")
        terminalreporter.write_sep("=", title)
        terminalreporter.write_line(body)


@pytest.fixture(autouse=True)
def interface_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts in the language the environment gives (a run before may have set another)."""
    from srfacts.core import i18n

    monkeypatch.setattr(i18n, "_CURRENT", [i18n.from_environment()])


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interface in English (SRFACTS_LANG=en, and an English locale of messages): for tests that read
    its messages word for word."""
    from srfacts.core import i18n

    monkeypatch.setenv("SRFACTS_LANG", "en")
    monkeypatch.setenv("LC_MESSAGES", "en_US.UTF-8")  # for processes started with SRFACTS_* left out
    monkeypatch.setattr(i18n, "_CURRENT", ["en"])
