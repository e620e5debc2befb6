"""The command line: thin commands over the core, the error boundary, streams, entry and exit, completion.

Modules, lowest first: ``streams`` (stdout, stderr, the terminal) ← ``boundary`` (exceptions to
messages and exit statuses) ← ``options``, ``context``, ``domain`` (what the commands share) ←
the commands by job: ``listings``, ``lookup``, ``tools`` ← ``root`` (the app, its global options,
registering the commands) ← ``entry`` (start and exit of the process) ← ``app`` (what this
package exports). ``completion`` gives the shell its values.
"""

from srfacts.cli.app import app, console, main

__all__ = ["app", "console", "main"]
