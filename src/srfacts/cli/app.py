"""The command line's app and its entry points, as ``srfacts.cli`` exports them.

``app`` is the root app (``srfacts.cli.root``): run any command with it in-process (tests,
``typer.testing.CliRunner``); its commands are registered when first looked at. ``main`` and
``console`` (``srfacts.cli.entry``) run the command line of the process, registering only the
command asked for.
"""

from srfacts.cli.entry import console, main
from srfacts.cli.root import app

__all__ = ["app", "console", "main"]
