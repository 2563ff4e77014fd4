"""The few git writes followup makes: a repository for a new journal, and one commit per edit."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from followup.core.errors import GitError


def _git(folder: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)
    except OSError as error:
        raise GitError(f"git could not run: {error}") from None
    if result.returncode != 0:
        raise GitError((result.stderr or result.stdout).strip() or f"git {args[0]} failed")
    return result.stdout


def config_value(folder: Path, key: str) -> str | None:
    """A git configuration value (the repository's, else the user's), or None when it is not set."""
    try:
        return _git(folder, "config", "--get", key).strip() or None
    except GitError:
        return None


def inside_repository(folder: Path) -> bool:
    try:
        return _git(folder, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except GitError:
        return False


def init(folder: Path) -> None:
    if not inside_repository(folder):
        _git(folder, "init", "--quiet")


def check_can_commit(folder: Path) -> None:
    """GitError, with what to do, unless git runs and knows who commits (checked before anything is written)."""
    place = next((path for path in (folder, *folder.parents) if path.is_dir()), Path.cwd())
    try:
        _git(place, "--version")
    except GitError:
        raise GitError("git is not installed; followup keeps the contact log in git (install it, e.g. "
                       "apt install git)") from None
    try:
        _git(place, "var", "GIT_COMMITTER_IDENT")
    except GitError:
        raise GitError('git does not know who you are; run: git config --global user.name "Your Name" && '
                       'git config --global user.email you@example.org') from None


TRAILER = "Followup-Command"  # on every commit followup makes: `undo` reverts only these


def _message(subject: str, command: str) -> str:
    return f"{subject}\n\n{TRAILER}: {command}" if command else subject


def commit(folder: Path, paths: list[Path], message: str, command: str = "") -> bool:
    """Commit exactly these files, whatever else is staged or changed in the work tree; False when they
    hold no change to commit. `command` names the followup command in the commit's trailer."""
    names = [str(Path(path).resolve()) for path in paths]
    _git(folder, "add", "--", *names)
    if not _git(folder, "status", "--porcelain", "--", *names).strip():
        return False
    _git(folder, "commit", "--quiet", "--no-verify", "-m", _message(message, command), "--only", "--", *names)
    return True


@dataclass(frozen=True)
class LastCommit:
    sha: str
    subject: str
    command: str  # the followup command that made it, "" for any other commit


def last_commit(folder: Path) -> LastCommit | None:
    try:
        # log.showSignature would print a verdict before the fields
        shown = _git(folder, "log", "-1", "--no-show-signature",
                     f"--format=%H%x00%s%x00%(trailers:key={TRAILER},valueonly)")
    except GitError:
        return None  # no commit yet
    sha, subject, command = [*shown.rstrip("\n").split("\0"), "", ""][:3]
    return LastCommit(sha, subject, command.strip())


def changed_files(folder: Path) -> list[str]:
    """Files git tracks that have changes not committed (staged or not)."""
    return [line[3:] for line in _git(folder, "status", "--porcelain", "--untracked-files=no").splitlines()]


def revert(folder: Path, sha: str, subject: str) -> None:
    """Undo one commit with a new commit, itself marked as followup's (so `undo` again redoes it)."""
    _git(folder, "revert", "--no-commit", sha)
    _git(folder, "commit", "--quiet", "--no-verify", "-m", _message(subject, "undo"))


def state_file(folder: Path, name: str) -> Path | None:
    """A file of followup's own inside the repository's .git folder (never committed, never cloned), or None
    outside git."""
    try:
        return folder / _git(folder, "rev-parse", "--git-path", name).strip()
    except GitError:
        return None


MERGE_DRIVER_KEYS = ("merge.followup.name", "merge.followup.driver")


def merge_driver_settings(folder: Path) -> dict[str, str | None]:
    """The repository's own merge driver settings as they are (None: not set), to put back if init fails."""
    found: dict[str, str | None] = {}
    for key in MERGE_DRIVER_KEYS:
        try:
            found[key] = _git(folder, "config", "--local", "--get", key).rstrip("\n")
        except GitError:
            found[key] = None
    return found


def restore_settings(folder: Path, settings: dict[str, str | None]) -> None:
    for key, value in settings.items():
        try:
            if value is None:
                _git(folder, "config", "--local", "--unset", key)
            else:
                _git(folder, "config", "--local", key, value)
        except GitError:
            pass  # the key was never set, or the repository is gone with what init made


def install_merge_driver(folder: Path) -> None:
    """Register `followup merge-driver` in this clone (git keeps drivers out of what a clone copies)."""
    command = f'"{sys.executable}" -m followup merge-driver %O %A %B %P'
    _git(folder, "config", "merge.followup.name", "followup: later last_touch, union of log entries")
    _git(folder, "config", "merge.followup.driver", command)
