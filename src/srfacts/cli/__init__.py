"""The command line: thin commands over the core, the error boundary, streams, entry and exit, completion."""

from srfacts.cli.app import app, console, main

__all__ = ["app", "console", "main"]
