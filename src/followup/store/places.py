"""Where followup reads and writes, and the one question asked first: is this path inside the journal, and
neither a symbolic link nor under one?

Anything in a journal can arrive through git: a clone or a pull can commit `site -> ..`,
`contacts/.gitattributes -> ~/.profile` or a cache file pointing at `~/.ssh/authorized_keys`. git writes a
link as a link, and whatever followup then writes, deletes or reads through it lands outside the journal.
So every path followup writes in the journal is checked here, and what is only followup's own (caches,
drafts, the lock, what the user trusted) lives in the user's own folders, where no commit reaches.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from followup.core.errors import UnsafePath

RENDERED = "site-src"  # where `followup render` writes the pages by default, and where a Zensical build reads them
BUILT = "site"  # inside the render folder: where a generator builds the rendered pages
RENDER_VARIABLE = "FOLLOWUP_RENDER_TO"  # set by `followup render` for the build it runs: where the pages go
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # every POSIX system has it; Windows has no symbolic links to fear here


def inside(root: Path, path: Path | str, what: str) -> Path:
    """`path` (absolute, or relative to `root`) made absolute, when it lies inside the journal's folder `root`
    (not the folder itself) and no part of it below `root` is a symbolic link; parts that do not exist yet
    are fine (they will be made as folders). Otherwise UnsafePath, naming `what` and why."""
    root = Path(os.path.abspath(root))
    target = Path(os.path.abspath(root / path))
    if target == root or not target.is_relative_to(root):
        raise UnsafePath(f"{what} {target} is not inside the journal's folder {root}")
    part = root
    for name in target.relative_to(root).parts:
        part = part / name
        try:
            mode = os.lstat(part).st_mode
        except FileNotFoundError:
            break  # nothing below a missing part can be a link yet
        if stat.S_ISLNK(mode):
            shown = part.relative_to(root).as_posix()
            raise UnsafePath(f"{what}: {shown} is a symbolic link (to {os.readlink(part)}); followup never writes, "
                             "deletes or reads through a link the journal holds: remove it")
    return target


def check_regular(path: Path, what: str) -> None:
    """UnsafePath unless `path` is missing or a regular file (not a link, a folder, a FIFO or a device)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise UnsafePath(f"{what} {path} is {kind}; followup only writes regular files: remove it")


def append_text(root: Path, path: Path, text: str, what: str) -> None:
    """`text` added at the end of a file of the journal, made if missing; never through a link."""
    target = inside(root, path, what)
    check_regular(target, what)
    descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | NOFOLLOW, 0o644)
    with os.fdopen(descriptor, "a", encoding="utf-8") as stream:
        stream.write(text)


def read_small(root: Path, path: Path, what: str, limit: int = 1_000_000) -> bytes | None:
    """The bytes of a small file of the journal (None when it is missing), never through a link."""
    target = inside(root, path, what)
    check_regular(target, what)
    try:
        descriptor = os.open(target, os.O_RDONLY | os.O_NONBLOCK | NOFOLLOW)
    except FileNotFoundError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        return stream.read(limit)


def _user_folder(variable: str, default: str, *parts: str) -> Path:
    """A folder of the user's own ($XDG_CACHE_HOME, $XDG_CONFIG_HOME...), made private (0700) if missing."""
    base = os.environ.get(variable, "").strip()
    folder = Path(base if base and os.path.isabs(base) else Path.home() / default, "followup", *parts)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def journal_key(root: Path) -> str:
    """A name for a journal in the user's folders: its folder's name and a digest of its real path."""
    real = os.path.realpath(root)
    digest = hashlib.blake2b(real.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    name = "".join(char if char.isalnum() or char in "-_" else "_" for char in os.path.basename(real))[:40]
    return f"{name}-{digest}"


def state_folder(root: Path) -> Path:
    """This journal's folder in the user's cache folder: its caches, drafts and lock. Keyed by the journal's
    real path, so no clone or pull can plant or replace what is kept there."""
    return _user_folder("XDG_CACHE_HOME", ".cache", "journals", journal_key(root))


def config_folder() -> Path:
    """The user's followup configuration folder: what they trusted."""
    return _user_folder("XDG_CONFIG_HOME", ".config")
