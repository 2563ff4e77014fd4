"""The journal's files on disk: read only when they are regular files, written whole or not at all, one
writer at a time."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from followup.core.contact import MAX_BYTES, Contact, Problem, parse_contact, read_text, too_big
from followup.core.errors import EditError, NotARegularFile, UnreadableText
from followup.store.places import state_folder

TEMPORARY_SUFFIX = ".tmp"


def load_contact(file: Path, rel_path: str) -> tuple[Contact | None, list[Problem]]:
    """Read and parse one contact file from disk."""
    try:
        text = read_text(read_regular_file(file))
    except NotARegularFile as error:
        return None, [Problem(rel_path, None, str(error))]
    except OSError as error:
        return None, [Problem(rel_path, None, f"cannot be read: {error.strerror or error}")]
    except UnreadableText as error:
        return None, [Problem(rel_path, error.line, str(error))]
    return parse_contact(text, rel_path, file.stem)


def read_regular_file(file: Path) -> bytes:
    """The bytes of a regular contact file. A FIFO is opened without waiting for a writer, a symbolic link
    is not followed and a huge file is not read, so no name in the folder can block, redirect or swamp a read."""
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotARegularFile("is a symbolic link; only regular files are read") from None
        raise
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotARegularFile("is not a regular file (a FIFO, device or socket); only regular files are read")
        if status.st_size > MAX_BYTES:
            raise too_big(status.st_size)
        return stream.read(MAX_BYTES + 1)


def _temporary_copy(path: Path, data: bytes, sync: bool) -> str:
    """`data` in a hidden temporary file beside `path`, with `path`'s permissions, ready to be renamed over it."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            if sync:
                os.fsync(stream.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(path: Path, data: bytes) -> None:
    """A crash at any moment leaves either the old file or the new one, never a mix."""
    temporary = _temporary_copy(path, data, sync=True)
    try:
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def atomic_write_many(files: list[tuple[Path, bytes]]) -> None:
    """Each file as atomic_write leaves it, with one flush to the disk for all of them rather than one
    each (2,000 imported files spent 13 s in fsync): every file is written, then synced, then renamed."""
    temporaries: list[tuple[str, Path]] = []
    renamed = 0
    try:
        for path, data in files:
            temporaries.append((_temporary_copy(path, data, sync=False), path))
        os.sync()
        for temporary, path in temporaries:
            os.replace(temporary, path)
            renamed += 1
    finally:
        for temporary, _ in temporaries[renamed:]:
            Path(temporary).unlink(missing_ok=True)
    for folder in {path.parent for path, _ in files}:
        _sync_folder(folder)


def clear_temporaries(folder: Path, name: str | None = None) -> None:
    """The temporary files that writers killed mid-write left for the file `name` in `folder`, or for any
    file below `folder` (call it under the journal lock: then nobody else is writing)."""
    found = folder.glob(f".{name}.*{TEMPORARY_SUFFIX}") if name else folder.rglob(f".*{TEMPORARY_SUFFIX}")
    for stale in found:
        stale.unlink(missing_ok=True)


@contextmanager
def journal_lock(root: Path, timeout: float = 60):
    """One writer at a time per journal, across processes: two touches at once both land. The lock is a file of
    the journal's own folder in the user's cache (a lock in the journal could be a committed link: opening it
    would truncate what it points at)."""
    from filelock import FileLock, Timeout  # a read command never locks: a tenth of its start not spent

    lock = state_folder(root) / "lock"
    try:
        with FileLock(lock, timeout=timeout):
            yield
    except Timeout:
        raise EditError(f"another followup command has held {lock} for {timeout:.0f} s") from None
