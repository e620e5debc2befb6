"""Where the compiled cache lives and how its files are named, written, listed and cleared.

Each knowledge file compiles to one file (see ``store``) under ``$XDG_CACHE_HOME/srfacts``,
named by a BLAKE2 digest of the knowledge file's bytes and the srfacts version, so an edit is
seen at once. Files are written to a temporary name and renamed (atomic, safe when several
processes build at once); a cache that cannot be written is skipped silently. What the files
hold is written by ``compiled``, the records in it by ``codec``.

Only a cache folder of this user's that no one else may write is used (the rule behind ssh's
key checks and git's safe.directory): a folder of another user's, or one others may write,
is not trusted, and the run goes on without the cache, saying so once. Every file read from
it is opened without waiting (a named pipe never blocks), must be a regular file of this
user's, and is read only up to a cap.
"""

import contextlib
import errno
import os
import stat
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from srfacts.core.version import __version__

FORMAT = "srfacts-cache-15"
SUFFIX = "pack"  # compiled knowledge files (see ``store``)
KEEP = 16  # cache files kept; older ones (edited-away knowledge files) are pruned on write
STALE = 3600  # seconds after which a temporary file is left over from a killed run (a compile takes < 30 s)
NOTE_CAP = 16384  # bytes read of a key note at most (a key, a signature and a path)


def _blake2b(data: bytes) -> str:
    try:  # the built-in module starts faster than hashlib, which loads OpenSSL
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - every CPython has it
        from hashlib import blake2b
    return blake2b(data, digest_size=20).hexdigest()


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/srfacts``, else ``~/.cache/srfacts``.

    A relative ``XDG_CACHE_HOME`` is ignored (as the XDG spec says: it would put the cache, and
    read one, wherever the command runs); with no home either there is no cache (a path under
    ``/dev/null``, where nothing can be read or written). An unset, empty or relative ``HOME`` is
    no home: ``~`` would be the password file's home of whoever runs the command (a service, a
    sandbox that cleared its environment), the root of the file system, or wherever it runs.
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = os.environ.get("HOME", "")
        base = os.path.join(home, ".cache") if os.path.isabs(home) else ""
    return Path(base) / "srfacts" if os.path.isabs(base) else Path(os.devnull) / "srfacts"


def _make(folder: Path) -> None:
    """Create the cache folder, and ``XDG_CACHE_HOME`` or ``~/.cache`` if need be, never a missing home;
    PermissionError if the folder is not one to trust (see ``trusted_folder``)."""
    if not folder.parent.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no folder to put the cache in", str(folder.parent.parent))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not trusted_folder(folder):
        _say_untrusted(folder)
        raise PermissionError(errno.EPERM, "not a cache folder to trust", str(folder))


def _mine(info: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


def trusted_folder(folder: Path) -> bool:
    """Whether ``folder`` is a folder of this user's that no one else may write, reached through no
    link of another user's and held in a folder where no one else can rename it (sticky /tmp is fine)."""
    try:
        link = os.lstat(folder)
        info = os.stat(folder)
        parent = os.stat(folder.parent)
    except (OSError, ValueError):
        return False
    if stat.S_ISLNK(link.st_mode) and not (_mine(link) or link.st_uid == 0):
        return False
    others_write = stat.S_IWGRP | stat.S_IWOTH
    if not stat.S_ISDIR(info.st_mode) or not _mine(info) or info.st_mode & others_write:
        return False
    return not (parent.st_mode & stat.S_IWOTH and not parent.st_mode & stat.S_ISVTX)


_SAID: set[str] = set()


def _say_untrusted(folder: Path) -> None:
    """Say once per run that a cache folder is not trusted, and so not used."""
    shown = str(folder).encode("unicode_escape", "backslashreplace").decode("ascii")
    if shown in _SAID:
        return
    _SAID.add(shown)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(
            f"srfacts: not using the cache: {shown} is not a folder of this user's that only they can write\n"
        )


def usable_folder() -> Path | None:
    """The cache folder, if it exists and is to be trusted (saying so once if it is not); else None."""
    folder = cache_dir()
    if not folder.parent.is_dir() or not os.path.lexists(folder):
        return None
    if not trusted_folder(folder):
        _say_untrusted(folder)
        return None
    return folder


def read_small(path: Path, cap: int) -> bytes | None:
    """The bytes of a small cache file: opened without waiting (a named pipe never blocks), only a
    regular file of this user's that no one else may write, and no more than ``cap`` bytes (None:
    anything else, or more)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        if not trusted_file(os.fstat(fd)):
            return None
        data = os.read(fd, cap + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= cap else None


def trusted_file(info: os.stat_result) -> bool:
    """A regular file of this user's that no one else may write (ssh's rule for its keys)."""
    return stat.S_ISREG(info.st_mode) and _mine(info) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def content_key(data: bytes) -> str:
    """The cache key of a knowledge file: its bytes and the version of the code that compiles them."""
    return _blake2b(FORMAT.encode() + b"\0" + __version__.encode() + b"\0" + data)


def atomic_write(key: str, suffix: str, fill: Callable[[Path], None]) -> Path | None:
    """Write a cache file through ``fill(temporary_path)`` and rename it into place.

    The rename is atomic, so parallel runs building the same entry never see half a file;
    when anything fails (no permission, disk full ...) nothing is left behind and None is
    returned: the cache is skipped silently. An interruption (Ctrl-C, or SIGTERM, turned into
    ``SystemExit(143)`` meanwhile) removes the temporary file too, and goes on.
    """
    import tempfile

    folder = cache_dir()
    temporary = None
    try:
        with _terminated_as_exit():
            _make(folder)
            handle, temporary = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
            os.close(handle)
            fill(Path(temporary))
            final = entry_path(key, suffix)
            os.replace(temporary, final)
            temporary = None
        _prune(folder)
        return final
    except BaseException as error:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        if not isinstance(error, Exception):
            raise
        return None


@contextlib.contextmanager
def _terminated_as_exit() -> Iterator[None]:
    """SIGTERM raises ``SystemExit(143)`` meanwhile (so that what is half written is removed), where a
    handler can be set: in the main thread, when SIGTERM is not already handled or ignored."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return
    try:
        previous = signal.getsignal(signal.SIGTERM)
    except (OSError, ValueError):  # pragma: no cover - some embedded interpreters
        previous = None
    if previous is not signal.SIG_DFL:
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def known_key(path: Path, signature: list[int]) -> str | None:
    """The content key last computed for ``path``, if the file's signature has not changed since.

    The signature (device, inode, size, modification and change times in nanoseconds) changes
    with any write, even within the same second, so a large file need not be read and hashed
    on every run only to find its cache entry.
    """
    if usable_folder() is None:
        return None
    data = read_small(_key_note(path), NOTE_CAP)
    try:  # three lines: the key, the signature, the path
        key, noted, where = data.decode("utf-8", "surrogateescape").split("\n", 2) if data else ("", "", "")
    except ValueError:
        return None
    if where != str(path) or noted != _signature_text(signature):
        return None
    return key if len(key) == 40 and key.isalnum() else None


def note_key(path: Path, signature: list[int], key: str) -> None:
    """Remember the content key of ``path`` for its present signature (skipped if it cannot be written)."""
    import tempfile

    note = _key_note(path)
    body = f"{key}\n{_signature_text(signature)}\n{path}".encode("utf-8", "surrogateescape")
    if len(body) > NOTE_CAP:
        return
    temporary = None
    try:
        with _terminated_as_exit():
            _make(note.parent.parent)
            note.parent.mkdir(mode=0o700, exist_ok=True)
            if not trusted_folder(note.parent):
                return
            handle, temporary = tempfile.mkstemp(prefix=f".{note.name}.", suffix=".tmp", dir=note.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            os.replace(temporary, note)
            temporary = None
    except OSError:
        pass
    finally:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _signature_text(signature: list[int]) -> str:
    return " ".join(str(number) for number in signature)


def _key_note(path: Path) -> Path:
    """Where the content key of a file is remembered: named by the path, the cache format and the
    version (a key computed by another version names a file this one does not read)."""
    named = f"{FORMAT}\0{__version__}\0".encode() + str(path).encode("utf-8", "surrogateescape")
    # Two 32-bit checksums name it (the note holds the path itself, so a clash of names only costs a
    # file read and hashed once more); zlib is loaded already, blake2 would load a module for this.
    return cache_dir() / "keys" / f"{zlib.crc32(named):08x}{zlib.adler32(named):08x}.key"


def _name_size(place: Path) -> int:
    """How many hex digits name a file in ``place``: a content key (40), a key note's (16)."""
    return 16 if place.name == "keys" else 40


def entry_path(key: str, suffix: str) -> Path:
    """The cache file of a content key."""
    return cache_dir() / f"{key}.{suffix}"


def _prune(folder: Path) -> None:
    """Keep the newest ``KEEP`` cache files, and remove the temporary files of runs killed while they
    wrote (older than ``STALE``: a run still writing is never disturbed)."""
    try:
        files = sorted(folder.glob(f"*.{SUFFIX}"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
    now = time.time()
    for place in (folder, folder / "keys"):
        try:
            left = [item for item in place.iterdir() if _temporary(item.name, _name_size(place))]
        except OSError:
            continue
        for item in left:
            with contextlib.suppress(OSError):
                info = item.lstat()
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE:
                    item.unlink()


def writable() -> bool:
    """Whether the cache folder exists or can be made, and can be written."""
    folder = cache_dir()
    try:
        _make(folder)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def info() -> dict[str, Any]:
    """Where the cache is and what it holds."""
    folder = cache_dir()
    try:  # an unreadable folder, a dangling link: what cannot be looked at is not counted
        files = sorted(f for f in folder.glob(f"*.{SUFFIX}") if f.is_file() and _ours(f.name, folder))
        files = files if usable_folder() else []
    except OSError:
        files = []
    return {
        "path": str(folder),
        "files": len(files),
        "bytes": sum(_size(f) for f in files),
        "writable": writable(),
        "entries": sorted({f.name.split(".")[0] for f in files}),
    }


def _regular(item: Path) -> bool:
    with contextlib.suppress(OSError):
        return stat.S_ISREG(item.lstat().st_mode)
    return False


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


def _hex(text: str, size: int = 40) -> bool:
    return len(text) == size and all(c in "0123456789abcdef" for c in text)


def _temporary(name: str, size: int = 40) -> bool:
    """A temporary name srfacts makes: ``.<key>.<random>.tmp`` or ``.<note>.key.<random>.tmp`` (``size``:
    hex digits of the name it is made from)."""
    if not (name.startswith(".") and name.endswith(".tmp")):
        return False
    key, _, rest = name[1:-4].partition(".")
    rest = rest[4:] if rest.startswith("key.") else rest
    return _hex(key, size) and 0 < len(rest) <= 16 and all(c.isascii() and (c.isalnum() or c == "_") for c in rest)


# The names srfacts gives its files: ``<key>.pack`` in the folder, ``<note>.key`` in its ``keys``
# folder, and the temporary names made from them. Only these are removed, so nothing else that
# happens to sit in the folder (``<key>.txt``, ``<key>.json`` ...) is ever deleted.
def _ours(name: str, place: Path) -> bool:
    size = _name_size(place)
    if _temporary(name, size):
        return True
    key, _, suffix = name.partition(".")
    return _hex(key, size) and suffix == ("key" if place.name == "keys" else SUFFIX)


def clear() -> int:
    """Remove every cache file (and nothing else); the number removed."""
    folder = usable_folder()
    if folder is None:
        return 0
    removed = 0
    for place in (folder / "keys", folder):
        try:
            items = [item for item in place.iterdir() if _ours(item.name, place) and _regular(item)]
        except OSError:
            continue
        for item in items:
            with contextlib.suppress(OSError):
                item.unlink()
                removed += place == folder  # the key notes are not counted
        with contextlib.suppress(OSError):
            place.rmdir()  # only when empty
    return removed
