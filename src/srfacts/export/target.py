"""Writing an export's file: into a temporary file beside the target, moved over it once written.

Only a regular file is ever replaced: a device (``/dev/null``), a named pipe, a socket or a
folder in the target's place is refused (``NotRegularFileError``), never renamed over.
"""

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class NotRegularFileError(OSError):
    """The target is there and is not a regular file: it is not replaced."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(errno.EEXIST, f"not a regular file ({what})", str(path))


def check_replaceable(path: Path) -> None:
    """NotRegularFileError unless ``path`` is missing or a regular file (or a link to one)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError:
        if os.path.lexists(path) and not os.path.islink(path):
            raise
        return  # a dangling link: replaced, as a missing file is written
    if stat.S_ISREG(mode):
        return
    what = (
        "a directory"
        if stat.S_ISDIR(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a named pipe"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a file"
    )
    raise NotRegularFileError(path, what)


@contextmanager
def atomic(path: Path) -> Iterator[str]:
    """A temporary file beside ``path``, moved over it once written (removed on failure, Ctrl-C
    included); NotRegularFileError, before anything is written and again before the move, if
    something other than a regular file is in ``path``'s place."""
    check_replaceable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        yield temporary
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        check_replaceable(path)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
