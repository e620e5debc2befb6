"""Where the compiled cache lives and how its files are named, written, listed and cleared.

Each knowledge file compiles to one file (see ``store``) under ``$XDG_CACHE_HOME/srfacts``,
named by a BLAKE2 digest of the knowledge file's bytes and the srfacts version, so an edit is
seen at once. Files are written to a temporary name and renamed (atomic, safe when several
processes build at once); a cache that cannot be written is skipped silently. What the files
hold is written by ``compiled``, the records in it by ``codec``.
"""

import contextlib
import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from srfacts.core.version import __version__

FORMAT = "srfacts-cache-11"
SUFFIX = "pack"  # compiled knowledge files (see ``store``)
KEEP = 16  # cache files kept; older ones (edited-away knowledge files) are pruned on write


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
    ``/dev/null``, where nothing can be read or written).
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "srfacts" if os.path.isabs(base) else Path(os.devnull) / "srfacts"


def _make(folder: Path) -> None:
    """Create the cache folder, and ``XDG_CACHE_HOME`` or ``~/.cache`` if need be, never a missing home."""
    if not folder.parent.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no folder to put the cache in", str(folder.parent.parent))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def content_key(data: bytes) -> str:
    """The cache key of a knowledge file: its bytes and the version of the code that compiles them."""
    return _blake2b(FORMAT.encode() + b"\0" + __version__.encode() + b"\0" + data)


def atomic_write(key: str, suffix: str, fill: Callable[[Path], None]) -> Path | None:
    """Write a cache file through ``fill(temporary_path)`` and rename it into place.

    The rename is atomic, so parallel runs building the same entry never see half a file;
    when anything fails (no permission, disk full ...) nothing is left behind and None is
    returned: the cache is skipped silently.
    """
    import tempfile

    folder = cache_dir()
    temporary = None
    try:
        _make(folder)
        handle, temporary = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
        os.close(handle)
        fill(Path(temporary))
        final = entry_path(key, suffix)
        os.replace(temporary, final)
        _prune(folder)
        return final
    except Exception:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return None


def known_key(path: Path, signature: list[int]) -> str | None:
    """The content key last computed for ``path``, if the file's signature has not changed since.

    The signature (device, inode, size, modification and change times in nanoseconds) changes
    with any write, even within the same second, so a large file need not be read and hashed
    on every run only to find its cache entry.
    """
    try:  # three lines: the key, the signature, the path
        key, noted, where = _key_note(path).read_text("utf-8", "surrogateescape").split("\n", 2)
    except (OSError, ValueError):
        return None
    if where != str(path) or noted != _signature_text(signature):
        return None
    return key if len(key) == 40 and key.isalnum() else None


def note_key(path: Path, signature: list[int], key: str) -> None:
    """Remember the content key of ``path`` for its present signature (skipped if it cannot be written)."""
    note = _key_note(path)
    body = f"{key}\n{_signature_text(signature)}\n{path}"
    with contextlib.suppress(OSError):
        _make(note.parent.parent)
        note.parent.mkdir(exist_ok=True)
        temporary = note.with_name(f".{note.name}.{os.getpid()}.tmp")
        temporary.write_text(body, encoding="utf-8", errors="surrogateescape")
        os.replace(temporary, note)


def _signature_text(signature: list[int]) -> str:
    return " ".join(str(number) for number in signature)


def _key_note(path: Path) -> Path:
    """Where the content key of a file is remembered: named by the path, the cache format and the
    version (a key computed by another version names a file this one does not read)."""
    named = f"{FORMAT}\0{__version__}\0".encode() + str(path).encode("utf-8", "surrogateescape")
    return cache_dir() / "keys" / f"{_blake2b(named)}.key"


def entry_path(key: str, suffix: str) -> Path:
    """The cache file of a content key."""
    return cache_dir() / f"{key}.{suffix}"


def _prune(folder: Path) -> None:
    """Keep the newest ``KEEP`` cache files."""
    try:
        files = sorted(folder.glob(f"*.{SUFFIX}"), key=lambda f: f.stat().st_mtime_ns, reverse=True)
        for old in files[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


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
        files = sorted(f for f in folder.glob(f"*.{SUFFIX}") if f.is_file()) if folder.is_dir() else []
    except OSError:
        files = []
    return {
        "path": str(folder),
        "files": len(files),
        "bytes": sum(_size(f) for f in files),
        "writable": writable(),
        "entries": sorted({f.name.split(".")[0] for f in files}),
    }


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


# The names srfacts gives its files (a 40-digit key, or a temporary name made from one): only
# these are removed, so nothing else that happens to sit in the folder is ever deleted.
def _ours(name: str) -> bool:
    key, dot, rest = (name[1:] if name.startswith(".") else name).partition(".")
    named = all(c.isascii() and (c.isalnum() or c in "_.") for c in rest)
    return len(key) == 40 and all(c in "0123456789abcdef" for c in key) and bool(dot) and named


def clear() -> int:
    """Remove every cache file (and nothing else); the number removed."""
    folder = cache_dir()
    removed = 0
    for place in (folder / "keys", folder):
        try:
            items = [item for item in place.iterdir() if _ours(item.name) and item.is_file()]
        except OSError:
            continue
        for item in items:
            with contextlib.suppress(OSError):
                item.unlink()
                removed += place == folder  # the key notes are not counted
        with contextlib.suppress(OSError):
            place.rmdir()  # only when empty
    return removed
