"""The few git writes followup makes: a repository for a new journal, and one commit per edit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class GitError(RuntimeError):
    pass


def _git(folder: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)
    except OSError as error:
        raise GitError(f"git could not run: {error}") from None
    if result.returncode != 0:
        raise GitError((result.stderr or result.stdout).strip() or f"git {args[0]} failed")
    return result.stdout


def inside_repository(folder: Path) -> bool:
    try:
        return _git(folder, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except GitError:
        return False


def init(folder: Path) -> None:
    if not inside_repository(folder):
        _git(folder, "init", "--quiet")


def commit(folder: Path, paths: list[Path], message: str) -> None:
    """Commit exactly these files, whatever else is staged or changed in the work tree."""
    names = [str(Path(path).resolve()) for path in paths]
    _git(folder, "add", "--", *names)
    _git(folder, "commit", "--quiet", "--no-verify", "-m", message, "--only", "--", *names)


def install_merge_driver(folder: Path) -> None:
    """Register `followup merge-driver` in this clone (git keeps drivers out of what a clone copies)."""
    command = f'"{sys.executable}" -m followup merge-driver %O %A %B %P'
    _git(folder, "config", "merge.followup.name", "followup: later last_touch, union of log entries")
    _git(folder, "config", "merge.followup.driver", command)
