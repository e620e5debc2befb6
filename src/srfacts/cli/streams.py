"""The standard streams: set up as UTF-8, data to stdout, messages to stderr, what the terminal is.

stdout carries data only; messages go to stderr with their control, bidi and zero-width
characters made visible. Nothing here decides an exit status: stdout that cannot be written
raises ``OutputError`` (a closed pipe raises ``BrokenPipeError``) and the boundary reports it.
"""

import atexit
import contextlib
import errno
import os
import shutil
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from srfacts.core.i18n import N_, _
from srfacts.output.safe import neutralise

if TYPE_CHECKING:
    from srfacts.store.loader import Progress

BAR_FROM = 20_000  # steps of a compile (two a record) from which a progress bar is drawn: less takes a blink


# How tables are drawn on a terminal, set by the global options (``--wide``).
TERMINAL = {"wide": False, "pager": True}
DEFAULT_PAGER = "less -FRX"


class OutputError(Exception):
    """stdout cannot be written: closed, a full disk ... (a closed pipe is a BrokenPipeError instead)."""


def set_up() -> None:
    """Data leaves as UTF-8 whatever the locale (LC_ALL=C, PYTHONIOENCODING=ascii); what cannot be
    encoded (a lone surrogate from a non-UTF-8 argument) becomes an escape; a closed stderr is a sink."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]


def emit(text: str) -> None:
    """Write data to stdout; a closed pipe propagates (it ends quietly), any other failure is an OutputError."""
    end_progress()
    if _paged(text):
        return
    try:
        if sys.stdout is None:  # started with stdout closed (>&-)
            raise OSError(errno.EBADF, "stdout is closed")
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # disk full, closed descriptor ...
        silence_stdout()
        raise OutputError(f"cannot write the output: {getattr(error, 'strerror', None) or error}") from None


def warn(message: str) -> None:
    """A message on stderr: ``srfacts: message``, made safe for a terminal."""
    end_progress()
    sys.stderr.write(f"srfacts: {safe(message)}\n")


def pager_command() -> list[str] | None:
    """The pager to use: SRFACTS_PAGER, then PAGER, else ``less -FRX``; None for none (empty, ``cat``)."""
    import shlex

    chosen = os.environ.get("SRFACTS_PAGER")
    if chosen is None:
        chosen = os.environ.get("PAGER")
    try:
        words = shlex.split(DEFAULT_PAGER if chosen is None else chosen)
    except ValueError:
        return None
    return words if words and words != ["cat"] else None


def _paged(text: str) -> bool:
    """Show ``text`` through the pager when stdout is a terminal and the text is longer than the
    screen (never with ``--no-pager``); whether it was. A pager that cannot start leaves the text
    to be written as it is; quitting the pager early is no error."""
    if not TERMINAL["pager"] or not is_tty():
        return False
    lines = shutil.get_terminal_size().lines
    if text.count("\n") < lines:
        return False
    command = pager_command()
    if command is None:
        return False
    import subprocess

    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX"), "LV": os.environ.get("LV", "-c")}
    try:
        sys.stdout.flush()
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert pager.stdin is not None
    with contextlib.suppress(BrokenPipeError, OSError):  # the pager quit before the end: fine
        pager.stdin.write(text.encode("utf-8", "backslashreplace"))
    with contextlib.suppress(BrokenPipeError, OSError):
        pager.stdin.close()
    while True:
        try:
            pager.wait()
            return True
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less): wait for it to end
            continue


def note_cut(shown: int, total: int, hint: str = N_("--all for all")) -> None:
    """On a terminal, say under a table that it shows ``shown`` of its ``total`` records (nothing when
    it shows all; on stderr, so that a pager or a pipe carries the data alone)."""
    if shown < total and is_tty():
        sys.stderr.write(_("{shown} of {total} shown; {hint}").format(shown=shown, total=total, hint=_(hint)) + "\n")


def safe(message: str) -> str:
    """``message`` with what a terminal could act on made visible, line by line."""
    return "\n".join(neutralise(line) for line in message.split("\n"))


def silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush says nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    finally:
        os.close(devnull)


def is_tty() -> bool:
    """Whether stdout is a terminal."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def use_color() -> bool:
    """Colour only on a terminal, and never with NO_COLOR or TERM=dumb."""
    return is_tty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def width() -> int | None:
    """The terminal's width, or None when stdout is not a terminal (nothing is cut then)."""
    return shutil.get_terminal_size().columns if is_tty() else None


BARS: list[Any] = []  # progress bars drawn and not yet stopped


def end_progress() -> None:
    """Stop every bar still drawn, the cursor shown again and the bar's line cleared.

    The steps a compile reports may fall short of its total (a part smaller than a report's
    unit), so a bar also ends before anything is written and at exit, never left running.
    """
    while BARS:
        bar = BARS.pop()
        with contextlib.suppress(Exception):
            bar.stop()


def progress() -> "Progress | None":
    """A progress bar on stderr while a large knowledge file compiles, on a terminal only."""
    try:
        if not sys.stderr.isatty():
            return None
    except (AttributeError, ValueError):
        return None

    def start(description: str, total: int) -> Callable[[int], None]:
        if total < BAR_FROM:
            return lambda done: None
        from rich.console import Console  # Rich only when a bar is drawn
        from rich.progress import Progress

        bar = Progress(transient=True, console=Console(stderr=True))
        if not BARS:
            atexit.register(end_progress)  # a bar never left drawn, whatever ends the run
        BARS.append(bar)
        bar.start()
        task = bar.add_task(description, total=total)

        def advance(done: int) -> None:
            """``done`` more steps (a count of steps, not a running total)."""
            bar.advance(task, done)
            if bar.tasks[task].completed >= total:
                end_progress()

        return advance

    return start
