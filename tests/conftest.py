"""Shared fixtures: a CLI runner, the sample knowledge file and the source article."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

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


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own cache folder, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


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
