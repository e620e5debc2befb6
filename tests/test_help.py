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
    assert "Example" in result.stdout, f"srfacts {' '.join(path)} --help shows no example"
    assert "srfacts" in result.stdout.split("Example", 1)[1]


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
    from srfacts.cli import listings, lookup, tools
    from srfacts.cli.root import COMMANDS

    defined = {
        info.name or info.callback.__name__  # type: ignore[union-attr]
        for module in (listings, lookup, tools)
        for info in (*module.commands.registered_commands, *module.commands.registered_groups)
    }
    assert defined == set(COMMANDS)
    registered = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
    assert registered + [g.name for g in app.registered_groups] == list(COMMANDS)
