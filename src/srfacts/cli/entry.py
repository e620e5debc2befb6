"""Where the process starts and ends: streams set up, only the command asked for registered, the
app run inside the error boundary, and the exit status, with a quick exit when nothing needs the
interpreter's teardown."""

import os
import signal
import sys


def _interrupted_on_start(signum: int, frame: object) -> None:
    """Ctrl-C while the command line's modules are imported: "interrupted" and 130, no traceback."""
    os.write(2, b"srfacts: interrupted\n")
    os._exit(130)


def _guard_start() -> object:
    """Handle Ctrl-C as ``_interrupted_on_start`` while the modules below are imported; what was set before."""
    try:
        before = signal.getsignal(signal.SIGINT)
        if before is signal.default_int_handler:
            signal.signal(signal.SIGINT, _interrupted_on_start)
        return before
    except (ValueError, OSError, AttributeError):  # not the main thread: nothing set
        return None


_BEFORE_START = _guard_start()

import atexit  # noqa: E402 - imported once Ctrl-C is handled
import threading  # noqa: E402 - loaded by Typer already
from collections.abc import Sequence  # noqa: E402
from typing import NoReturn  # noqa: E402

from srfacts.cli.argv import arranged  # noqa: E402
from srfacts.cli.boundary import ClosedStdout, ExitStatus, report, stdout_failure, traceback_asked  # noqa: E402
from srfacts.cli.root import COMMANDS, OPTIONS_WITH_VALUE, app  # noqa: E402
from srfacts.cli.streams import set_up, silence_stdout, warn  # noqa: E402

if _BEFORE_START is signal.default_int_handler and signal.getsignal(signal.SIGINT) is _interrupted_on_start:
    signal.signal(signal.SIGINT, signal.default_int_handler)  # KeyboardInterrupt again, as the commands expect

HELP = ("-h", "--help")


def main() -> NoReturn:
    """Run the command line and exit with its status (``SystemExit``, as any command line raises)."""
    sys.exit(_run())


def console() -> NoReturn:
    """The ``srfacts`` command (and ``python -m srfacts``): ``main``, then a quick exit (see ``_exit``)."""
    _exit(_run())


def _run() -> int:
    """Run the app on ``sys.argv``; its exit status."""
    argv = arranged(sys.argv[1:])  # global options after the command, help COMMAND, a bare srfacts
    status = int(ExitStatus.OK)
    try:
        set_up()
        if sys.stdout is None:  # started with stdout closed (>&-): writing to it fails, help included
            sys.stdout = ClosedStdout()
        _only_the_command_asked_for(argv)
        app(args=argv)
    except SystemExit as done:
        status = _status(done.code)
    except (Exception, KeyboardInterrupt) as error:  # raised outside the commands' boundary, in Typer itself
        status = report(error, traceback=traceback_asked(argv))
    if status == ExitStatus.OK and not isinstance(sys.stdout, ClosedStdout):
        failure = stdout_failure()  # what is still buffered (help, a completion script) to a full disk
        if failure is not None:
            warn(f"cannot write the output: {failure.strerror or failure}")
            status = int(ExitStatus.USAGE)
    return status


def command_asked_for(argv: Sequence[str]) -> str | None:
    """The command a command line names: the first word that is neither an option nor an option's
    value. None when there is none, or when help is asked for before it (help lists every command)."""
    words = iter(argv)
    for word in words:
        if word == "--":
            return next(words, None)
        if word in HELP:
            return None
        if word.startswith("-") and word != "-":
            if word in OPTIONS_WITH_VALUE:  # (--data=PATH is one word)
                next(words, None)
            continue
        return word
    return None


def _only_the_command_asked_for(argv: Sequence[str]) -> None:
    """Register only the command named on the command line, so start-up imports and builds one, not all.

    Typer turns every registered command into a Click command on each start (about 1 ms each);
    a lookup needs just one. Without a known command name (help, a typo that wants "did you
    mean") every command is registered.
    """
    name = command_asked_for(argv)
    app.register([name] if name in COMMANDS else None)


def _status(code: object) -> int:
    """The exit status of ``sys.exit(code)``: a number as it is, None 0, a message printed and 1."""
    if code is None or isinstance(code, int):
        return int(code or 0)
    warn(str(code))
    return 1


def _exit(status: int) -> NoReturn:
    """End the process once its output is flushed, without tearing the interpreter down.

    Unloading Typer, Click and the standard library again at exit takes about as long as a
    lookup itself (some 9 ms) and does nothing a finished command needs. Whenever something
    may still want to run or report at exit (see ``_teardown_wanted``), the normal exit is
    taken instead.
    """
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()  # type: ignore[union-attr]
        except BrokenPipeError:
            if stream is sys.stdout:
                silence_stdout()
        except (OSError, ValueError, AttributeError):
            pass
    if _teardown_wanted():
        sys.exit(status)
    os._exit(status)


def _teardown_wanted() -> bool:
    """Whether anything may still run or report when the interpreter ends."""
    callbacks = getattr(atexit, "_ncallbacks", None)
    return (
        callbacks is None
        or callbacks() > 0  # an atexit handler (coverage, a caller's own)
        or threading.active_count() > 1  # another thread
        or sys.getprofile() is not None  # a profiler (cProfile, profile): it writes its report at exit
        or sys.gettrace() is not None  # a tracer: a debugger, coverage, trace
        or _monitored()  # the same through sys.monitoring (Python 3.12+)
        or bool(sys.flags.inspect)  # python -i: the prompt comes after the command
        or bool(sys.flags.dev_mode or sys.warnoptions)  # -X dev, -W: the teardown's warnings were asked for
    )


def _monitored() -> bool:
    """Whether a tool (profiler, debugger, coverage) is registered with ``sys.monitoring`` (3.12+)."""
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        return False
    return any(monitoring.get_tool(tool) is not None for tool in range(6))
