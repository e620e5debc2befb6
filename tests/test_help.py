"""Help: every command, subcommand and group has --help with an example."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from srfacts.cli.app import app


def commands() -> list[list[str]]:
    """The path of every command and group, e.g. ["metrics"], ["cache"], ["cache", "info"]."""
    root = typer.main.get_command(app)
    found: list[list[str]] = []

    def walk(group: Any, path: list[str]) -> None:
        for name, command in group.commands.items():
            found.append([*path, name])
            if hasattr(command, "commands"):
                walk(command, [*path, name])

    walk(root, [])
    return found


@pytest.mark.parametrize("path", [[], *commands()], ids=lambda p: " ".join(p) or "srfacts")
def test_every_help_has_an_example(runner, path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    word = "Example" if "Example" in result.stdout else "示例"  # help is in the interface's language
    assert word in result.stdout, f"srfacts {' '.join(path)} --help shows no example"
    assert "srfacts" in result.stdout.split(word, 1)[1]


def test_the_new_commands_are_listed(runner) -> None:
    out = runner.invoke(app, ["--help"]).stdout
    for name in ("schema", "export"):
        assert name in out


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_every_command_and_subcommand_is_in_the_readme(path: list[str]) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"srfacts {' '.join(path)}" in readme, f"srfacts {' '.join(path)} is not in the README"


def test_every_command_defined_is_registered() -> None:
    """Each command module's commands are all in the root's table (and in help's order there), so none is lost."""
    from srfacts.cli import cite, listings, lookup, tools
    from srfacts.cli.root import COMMANDS

    defined = {
        info.name or info.callback.__name__  # type: ignore[union-attr]
        for module in (listings, lookup, tools, cite)
        for info in (*module.commands.registered_commands, *module.commands.registered_groups)
    }
    assert defined == set(COMMANDS)
    registered = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
    assert registered + [g.name for g in app.registered_groups] == list(COMMANDS)


def srfacts(*args: str) -> Any:
    import subprocess
    import sys

    from tests.conftest import SAMPLE

    env_args = ["--data", str(SAMPLE)] if "--data" not in args else []
    return subprocess.run(
        [sys.executable, "-m", "srfacts", *env_args, *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ["--help"]),
        (["industries", "--lang", "en"], ["--lang", "en", "industries"]),
        (
            ["metrics", "--limit", "2", "--data=x.yaml", "--wide"],
            ["--data=x.yaml", "--wide", "metrics", "--limit", "2"],
        ),
        (["--lang", "en", "search", "光伏", "-V"], ["--lang", "en", "-V", "search", "光伏"]),
        (["search", "--", "--lang"], ["search", "--", "--lang"]),
        (["help"], ["--help"]),
        (["help", "search"], ["search", "--help"]),
        (["--lang", "en", "help", "cache", "clear"], ["--lang", "en", "cache", "clear", "--help"]),
        (["--help", "search"], ["--help", "search"]),
    ],
)
def test_global_options_are_moved_before_the_command(argv: list[str], expected: list[str]) -> None:
    from srfacts.cli.argv import arranged

    assert arranged(argv) == expected


@pytest.mark.slow
@pytest.mark.usefixtures("english")
def test_options_anywhere_and_help_as_people_ask() -> None:
    before = srfacts("--lang", "en", "industries")
    after = srfacts("industries", "--lang", "en")
    assert after.returncode == 0 and after.stdout == before.stdout and "Photovoltaic" in after.stdout
    from tests.conftest import SAMPLE

    data = srfacts("metrics", "--data", str(SAMPLE), "--limit", "1")
    assert data.returncode == 0, data.stderr
    helped = srfacts("help", "search")
    assert helped.returncode == 0 and helped.stdout.startswith("Usage: ") and " srfacts search " in helped.stdout
    assert srfacts("help").stdout == srfacts("--help").stdout
    version = srfacts("-V")
    assert version.returncode == 0 and version.stdout.startswith("srfacts ")
    bare = srfacts("--data", str(SAMPLE))
    assert bare.returncode == 0 and bare.stdout.startswith("Usage: ") and "Commands:" in bare.stdout and not bare.stderr


@pytest.mark.parametrize("path", [[], *commands()], ids=lambda p: " ".join(p) or "srfacts")
def test_examples_are_one_a_line(runner, path: list[str]) -> None:
    text = runner.invoke(app, [*path, "--help"]).stdout
    word = "Example" if "Example" in text else "示例"  # help is in the interface's language
    assert word in text
    examples = text[text.rfind(word) :]
    assert " | srfacts" not in examples, examples  # one command a line, never joined like a pipe
    assert all(line.startswith("    srfacts") for line in examples.splitlines()[1:] if line.strip()), examples
