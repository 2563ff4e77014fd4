"""Whether the user trusts what in a journal runs code or reaches the network, as it is now: as direnv trusts an
.envrc.

A journal's configuration is more than data. MkDocs imports the Python files its `hooks:` name, Jinja runs the
templates of the theme's `custom_dir` with no sandbox, plugins and Markdown extensions are chosen there, and the
`mail:` settings name a program to run and a server to send a password to. A clone, or a pull of a colleague's
commit, can change any of it. So the parts are recorded, as digests, in the user's own configuration folder when
the user trusts them (`followup trust`; `followup init` trusts the journal it makes), and the commands that run
them (build, serve, watch, sending mail) refuse while anything differs. Reading commands run none of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from followup.core.errors import SettingsError, Untrusted
from followup.store.config import CONFIG_FILES, read_config
from followup.store.files import atomic_write
from followup.store.places import config_folder

TRUSTED_FILE = "trusted.json"
REQUIRE_VARIABLE = "FOLLOWUP_REQUIRE_TRUST"  # set by the commands that build: the plugin then checks too
MAX_PARTS = 10_000  # a theme folder bigger than this is refused rather than hashed for ever


def _digest(path: Path) -> str:
    """What a file holds (a link: where it points, never what it points at)."""
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return "link:" + os.readlink(path)
    if not stat.S_ISREG(mode):
        return "not a file"
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _named(root: Path, path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else str(absolute)


def parts(root: Path) -> dict[str, str]:
    """Each part of the journal that runs code or reaches the network, by its path, with a digest of it now:
    the configuration files (and the files they INHERIT), the hooks they name and every file of the theme's
    custom_dir (the mail settings are in the configuration file)."""
    root = Path(os.path.abspath(root))
    found: dict[str, str] = {}

    def add(path: Path) -> None:
        if os.path.lexists(path) and len(found) < MAX_PARTS:
            found[_named(root, path)] = _digest(path)

    configs = [root / name for name in CONFIG_FILES if os.path.lexists(root / name)]
    while configs:
        path = configs.pop()
        if _named(root, path) in found:
            continue
        add(path)
        try:
            config = read_config(path) if path.is_file() else {}
        except SettingsError:  # a file that does not parse is still a part: its digest is recorded
            continue
        folder = path.parent
        if isinstance(config.get("INHERIT"), str):
            configs.append(folder / config["INHERIT"])
        hooks = config.get("hooks")
        for hook in hooks if isinstance(hooks, list) else []:
            if isinstance(hook, str):
                add(folder / hook)
        theme = config.get("theme")
        custom = theme.get("custom_dir") if isinstance(theme, dict) else None
        if isinstance(custom, str):
            add(folder / custom)
            for directory, folders, files in os.walk(folder / custom):  # links are parts, never followed
                folders.sort()
                for name in sorted(files) + [name for name in folders if os.path.islink(Path(directory, name))]:
                    add(Path(directory, name))
    if len(found) >= MAX_PARTS:
        found["(too many files)"] = str(len(found))
    return found


def _record_file() -> Path:
    return config_folder() / TRUSTED_FILE


def _records() -> dict[str, dict[str, str]]:
    try:
        records = json.loads(_record_file().read_bytes())
    except (OSError, ValueError):
        return {}
    return records if isinstance(records, dict) else {}


def _key(root: Path) -> str:
    return os.path.realpath(root)


def changes(root: Path) -> list[tuple[str, str]]:
    """What differs from what the user trusted: (path, "changed" | "new" | "gone"); [] when trusted."""
    now = parts(root)
    trusted = _records().get(_key(root))
    if not isinstance(trusted, dict):
        return [(name, "new") for name in now]
    return [(name, "changed" if name in trusted else "new") for name, digest in now.items()
            if trusted.get(name) != digest] + [(name, "gone") for name in trusted if name not in now]


def trust(root: Path) -> list[tuple[str, str]]:
    """Record the journal's parts as they are now as trusted; what changed since the last time."""
    changed = changes(root)
    records = _records()
    records[_key(root)] = parts(root)
    atomic_write(_record_file(), json.dumps(records, indent=1, sort_keys=True).encode())
    os.chmod(_record_file(), 0o600)
    return changed


def require_trust(root: Path, doing: str) -> None:
    """Untrusted, naming what changed and the command that trusts it, unless the user trusts the journal now."""
    changed = changes(root)
    if not changed:
        return
    listed = ", ".join(f"{name} ({what})" for name, what in changed[:5])
    if len(changed) > 5:
        listed += f" and {len(changed) - 5} more"
    if _key(root) in _records():
        raise Untrusted(f"{doing} runs the journal's configuration as code, and it changed since you trusted it: "
                        f"{listed}. Read the change (git log -p), then run: followup trust")
    raise Untrusted(f"{doing} runs the journal's configuration as code, and this journal is not trusted on this "
                    f"machine yet: {listed}. Read them, then run: followup trust")
