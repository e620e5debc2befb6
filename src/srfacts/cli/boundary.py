"""The one error boundary: every exception becomes a message on stderr and an exit status.

The core raises errors in its own terms (``srfacts.core.errors``); the commands raise
``UsageError`` and ``NotFoundError``. ``report`` maps each class to its wording and status, the
README's table of exit codes lists them (a test checks the table against ``ExitStatus``), and
``SafeGroup`` puts the boundary around Click's parsing and every command.
"""

import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from enum import IntEnum
from typing import Any

import typer
from typer.core import TyperGroup

from srfacts.cli.argv import HELP, language_asked_for
from srfacts.cli.streams import OutputError, safe, silence_stdout, warn
from srfacts.core.errors import KnowledgeFileError, SrfactsError, UnknownNameError, clip
from srfacts.core.i18n import _, current, label, set_language
from srfacts.core.version import __version__


class ExitStatus(IntEnum):
    """Process exit statuses, documented in the README."""

    OK = 0
    NOT_FOUND = 1
    USAGE = 2  # also: the output cannot be written (stdout closed, a full disk, the database of export)
    INVALID_DATA = 3
    INTERNAL = 70  # a bug (EX_SOFTWARE of sysexits.h)
    OUT_OF_MEMORY = 71  # not a bug: the machine ran out of memory (EX_OSERR of sysexits.h)
    INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class UsageError(Exception):
    """The command line asks for what cannot be (a bad filter, a file that cannot be written ...)."""


class NotFoundError(Exception):
    """Nothing matched; carries close names to suggest."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions = list(suggestions)


# Where the names of each kind are listed, for the hint after an unknown one.
SEE = {"industry": "srfacts industries"}

# Click's base exception, whichever Click Typer uses (its own copy in recent Typer).
_CLICK_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
# How Click ends a run on purpose (--help, --version, an exit status): not errors, let through.
_CLICK_ENDS = (typer.Exit, typer.Abort)


def debugging() -> bool:
    """Whether SRFACTS_DEBUG asks for the traceback of an internal error."""
    return os.environ.get("SRFACTS_DEBUG", "") not in ("", "0")


def traceback_asked(args: Sequence[str]) -> bool:
    """Whether a command line (before any ``--``) or SRFACTS_DEBUG asks for the traceback of an internal error."""
    words = list(args)
    words = words[: words.index("--")] if "--" in words else words
    return "--traceback" in words or debugging()


def named(name: object) -> str:
    """A file name as a message echoes it: a newline (or carriage return) in it shown as ``\\n``, so a
    name cannot fake a second message line."""
    return str(name).replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


class ClosedStdout:
    """What stands for stdout when the process started with it closed (``>&-``): writing anything
    raises OSError (EBADF), so that help and completion scripts fail as data does (exit 2), never
    succeed silently."""

    encoding = "utf-8"
    errors = "backslashreplace"
    closed = False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("a text stream")
        if text:
            raise OSError(errno.EBADF, "stdout is closed")
        return 0

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "stdout is closed")


def stdout_failure() -> OSError | None:
    """Why stdout cannot be written (closed, a full disk ...), or None when it can: what is pending
    is flushed, and a failure points stdout at /dev/null so that the exit flush says nothing."""
    stream = sys.stdout
    try:
        if stream is None or isinstance(stream, ClosedStdout):
            raise OSError(errno.EBADF, "stdout is closed")
        stream.flush()
    except BrokenPipeError:
        silence_stdout()
        return None  # the reader has gone: nothing more to say
    except (OSError, ValueError) as error:
        silence_stdout()
        return error if isinstance(error, OSError) else OSError(errno.EBADF, "stdout is closed")
    return None


# How writing stdout fails (a file's failures name the file, and are reported where it is written).
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EBADF, getattr(errno, "EDQUOT", errno.ENOSPC)}


def report(error: BaseException, *, traceback: bool = False) -> int:
    """Say what went wrong on stderr, in the command line's words; the exit status it means."""
    if isinstance(error, NotFoundError):
        warn(str(error))
        if error.suggestions:
            sys.stderr.write(safe(_("did you mean: {names}?").format(names=", ".join(error.suggestions))) + "\n")
        return ExitStatus.NOT_FOUND
    if isinstance(error, KnowledgeFileError):
        for problem in error.problems:
            sys.stderr.write(safe(str(problem._replace(path=named(problem.path)))) + "\n")
        return ExitStatus.INVALID_DATA
    if isinstance(error, UnknownNameError):
        close = _(" (did you mean {names}?)").format(names=_(" or ").join(error.candidates)) if error.candidates else ""
        see = _("; see: {command}").format(command=SEE[error.kind]) if error.kind in SEE else ""
        unknown = _("unknown {what} '{name}'").format(what=label("type", error.kind, current()), name=clip(error.name))
        warn(f"{unknown}{close}{see}")
        return ExitStatus.USAGE
    if isinstance(error, (UsageError, OutputError, SrfactsError)):
        warn(str(error))
        return ExitStatus.USAGE
    if isinstance(error, KeyboardInterrupt):
        warn(_("interrupted"))
        return ExitStatus.INTERRUPTED
    if isinstance(error, BrokenPipeError):  # the reader has gone (| head): nothing more to say
        silence_stdout()
        return ExitStatus.OK
    if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
        failure = stdout_failure()  # help or a completion script written to a closed stdout or a full disk
        if failure is None and error.filename is None and error.errno in _OUTPUT_ERRNOS:
            failure = error  # the write that failed took what it could not write with it
        if failure is not None:
            warn(f"cannot write the output: {failure.strerror or failure}")
            return ExitStatus.USAGE
    if isinstance(error, MemoryError):
        warn("out of memory (is the knowledge file too large for this machine? SRFACTS_MAX_BYTES caps its size)")
        return ExitStatus.OUT_OF_MEMORY
    sqlite = sys.modules.get("sqlite3")  # only export writes SQLite: no sqlite3 loaded, no sqlite3 error
    if sqlite is not None and isinstance(error, sqlite.Error):
        warn(f"cannot write the database: {error}")
        return ExitStatus.USAGE
    return _internal(error, traceback)


def _internal(error: BaseException, traceback: bool) -> int:
    """A bug (anything else, a damaged cache the loader did not recompile included): how to report it."""
    if traceback:
        import traceback as tracebacks  # only to show one

        sys.stderr.write(safe("".join(tracebacks.format_exception(error))))
    what = f"{type(error).__name__}: {clip(str(error), 200)}" if str(error) else type(error).__name__
    warn(f"internal error: {what}")
    shown = "above" if traceback else "(run it again with --traceback, or SRFACTS_DEBUG=1, to see it)"
    warn(f"this is a bug in srfacts {__version__}: please report it with the command you ran and the traceback {shown}")
    return ExitStatus.INTERNAL


@contextlib.contextmanager
def boundary(traceback: Callable[[], bool] = debugging) -> Iterator[None]:
    """Turn what the block raises into a message and ``typer.Exit`` with its status.

    Click's usage errors quote what was typed: they are shown with control, bidi and
    zero-width characters neutralised like every other message.
    """
    try:
        yield
    except _CLICK_ENDS:
        raise
    except _CLICK_ERROR as error:
        from srfacts.cli.localized import click_text  # a usage error: Click's English in the run's language

        shown = io.StringIO()
        error.show(file=shown)  # type: ignore[attr-defined]
        sys.stderr.write(safe(click_text(shown.getvalue())))
        raise typer.Exit(getattr(error, "exit_code", int(ExitStatus.USAGE))) from None
    except (Exception, KeyboardInterrupt) as error:
        raise typer.Exit(int(report(error, traceback=traceback()))) from None


class SafeGroup(TyperGroup):
    """The root command with the boundary around its parsing and around every command, and its
    help in the run's language."""

    def main(self, args: Sequence[str] | None = None, *more: Any, **settings: Any) -> Any:
        words = sys.argv[1:] if args is None else list(args)
        set_language(language_asked_for(words))
        if _help_may_show(self, words):  # translated only for a help page (usage errors: see boundary)
            from srfacts.cli.localized import translate_commands  # only a help page needs it

            translate_commands(self)
        return super().main(args, *more, **settings)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        asked = traceback_asked(args)
        with boundary(lambda: asked):
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with boundary(lambda: bool(ctx.params.get("traceback")) or debugging()):
            return super().invoke(ctx)


def _help_may_show(group: Any, words: Sequence[str]) -> bool:
    """Whether a command line may draw a help page: none given, help asked for, or a group of
    commands named without one of its commands (``srfacts cache``)."""
    if not words or any(word in HELP for word in words):
        return True
    named = [word for word in words if not word.startswith("-")]
    return bool(named) and isinstance(group.commands.get(named[-1]), TyperGroup)
