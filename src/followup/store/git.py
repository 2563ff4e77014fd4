"""The few git writes followup makes: a repository for a new journal, and one commit per edit."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from followup.core.dates import today, today_is_fixed
from followup.core.errors import GitError


def _git(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, env=env)
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
    _git(folder, "commit", "--quiet", "--no-verify", "-m", _message(message, command), "--only", "--", *names,
         env=_dated())
    return True


def _dated() -> dict[str, str] | None:
    """git's environment for a commit: dated on FOLLOWUP_TODAY's day (at this time of day) when it names one, so
    a "what if" run or a test writes no history dated after its today; None (git's own clock) otherwise."""
    if not today_is_fixed():
        return None
    moment = dt.datetime.combine(today(), dt.datetime.now().time().replace(microsecond=0)).isoformat()
    return {**os.environ, "GIT_AUTHOR_DATE": moment, "GIT_COMMITTER_DATE": moment}


UNDOES = "Followup-Undoes"  # on an undo's commit: the commit it took back
UNDO_WALK = 1000  # commits looked through for the one to undo


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str
    command: str  # the followup command that made it, "" for any other commit
    undoes: str  # for an undo, the commit it took back


def commit_to_undo(folder: Path) -> tuple[Commit | None, int]:
    """The newest commit not taken back yet, walking back past followup's undos and what they undid: undo after
    undo takes back one change after another, never the undo before. With how many undos it stepped past. None
    when there is no commit."""
    try:
        # log.showSignature would print a verdict before the fields
        shown = _git(folder, "log", "--first-parent", f"-{UNDO_WALK}", "--no-show-signature",
                     f"--format=%H%x00%s%x00%(trailers:key={TRAILER},valueonly)%x00"
                     f"%(trailers:key={UNDOES},valueonly)%x1e")
    except GitError:
        return None, 0  # no commit yet
    undone: set[str] = set()
    passed = 0
    for record in shown.split("\x1e"):
        fields = [*record.strip("\n").split("\0"), "", "", "", ""][:4]
        if not fields[0]:
            continue
        commit = Commit(fields[0], fields[1], fields[2].strip(), fields[3].strip())
        if commit.command == "undo" and commit.undoes:
            undone.add(commit.undoes)
            passed += 1
        elif commit.sha not in undone:
            return commit, passed
    return None, passed


def changed_files(folder: Path) -> list[str]:
    """Files git tracks that have changes not committed (staged or not)."""
    return [line[3:] for line in _git(folder, "status", "--porcelain", "--untracked-files=no").splitlines()]


def revert(folder: Path, sha: str, subject: str) -> None:
    """Undo one commit with a new commit, marked as followup's undo of that commit (the next undo walks past
    both)."""
    _git(folder, "revert", "--no-commit", sha)
    _git(folder, "commit", "--quiet", "--no-verify", "-m", f"{_message(subject, 'undo')}\n{UNDOES}: {sha}",
         env=_dated())


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
