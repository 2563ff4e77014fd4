"""The site from the command line: build, serve, watch, with ProperDocs when it is installed, else MkDocs."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

from followup.cli.app import PROBLEMS, Context, command, pass_context, say
from followup.core.errors import UsageError
from followup.store.config import config_file
from followup.store.trust import REQUIRE_VARIABLE, require_trust


def docs_tool() -> str:
    """ProperDocs, the maintained MkDocs 1.x, when it is installed; else MkDocs itself."""
    return "properdocs" if importlib.util.find_spec("properdocs") is not None else "mkdocs"


def _command(root: Path, verb: str, *args: str) -> list[str]:
    config = config_file(root)
    named = ["-f", config.name] if config is not None else []
    return [sys.executable, "-m", docs_tool(), verb, *named, *args]


def _environment() -> dict[str, str]:
    # The plugin checks the trust again on every build: `serve` and `watch` build again after a pull.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", REQUIRE_VARIABLE: "1"}


def _build(root: Path, *args: str) -> int:
    """A build, its log passed through the one choke point of what followup prints; a crash (a full disk, a
    plugin's bug) is one line, not a traceback: the site folder is swapped in only when complete, so the last
    good site is still there."""
    process = subprocess.Popen(_command(root, "build", *args), cwd=root, env=_environment(), stderr=subprocess.PIPE,
                               text=True, encoding="utf-8", errors="replace")
    assert process.stderr is not None
    crash: list[str] = []
    for line in process.stderr:
        if crash or line.startswith("Traceback (most recent call last):"):
            crash.append(line)
        else:
            say(line.rstrip("\n"), err=True)
    code = process.wait()
    if crash:
        cause = next((line.strip() for line in reversed(crash) if line.strip() and not line[:1].isspace()), "")
        say(f"followup: the build stopped: {cause}; the last good site is kept", err=True)
    return code


@command()
@click.option("--strict", is_flag=True, help="Fail on any problem.")
@pass_context
def build(context: Context, strict) -> None:
    """Build the static site into site/.

    Example: followup build --strict
    """
    require_trust(context.root, "followup build")
    if _build(context.root, *(["--strict"] if strict else [])):
        raise SystemExit(PROBLEMS)


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself will bind
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@pass_context
def serve(context: Context, port) -> None:
    """Serve the site at http://127.0.0.1:PORT, rebuilt whenever a contact changes (this machine only).
    Ctrl-C stops it.

    Example: followup serve --port 8001
    """
    root = context.root
    require_trust(root, "followup serve")
    if not _port_is_free(port):
        raise UsageError(f"port {port} is in use: try --port {port + 1 if port < 65535 else port - 1}")
    # This process becomes the server (exec), so a signal that stops followup stops the server with it.
    # --livereload explicitly: some click releases (8.3.0-8.3.3) switched file watching off by default.
    # --dirty: a rebuild writes only the pages that changed (followup.site.incremental keeps that correct).
    command = _command(root, "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload", "--dirty")
    os.chdir(root)
    os.execve(sys.executable, command, _environment())


@command()
@click.option("--delay", default=0.3, show_default=True, help="Seconds of quiet before a rebuild.")
@pass_context
def watch(context: Context, delay) -> None:
    """Rebuild site/ on every change, for browsing the files straight from disk. Ctrl-C stops it.

    Example: followup watch, then open site/index.html in a browser
    """
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    root = context.root
    require_trust(root, "followup watch")
    contacts = root / context.journal(with_history=False).settings.contacts
    config = config_file(root)
    changed: dict[str, float | None] = {"at": None}

    class Handler(FileSystemEventHandler):
        def __init__(self, only: str | None = None):
            self.only = only

        def on_any_event(self, event):
            name = Path(str(event.src_path)).name
            if event.event_type in ("opened", "closed_no_write") or name.startswith(".") or name.endswith(".tmp") \
                    or (self.only and name != self.only):
                return
            changed["at"] = time.monotonic()

    observer = Observer()
    observer.schedule(Handler(), str(contacts), recursive=True)
    observer.schedule(Handler(only=config.name if config else None), str(root), recursive=False)
    observer.start()  # before the first build, so a change saved during it is not missed
    _build(root)
    say(f"Watching {contacts}; the site is {root / 'site' / 'index.html'}. Ctrl-C to stop.", err=True)
    try:
        while True:
            time.sleep(0.1)
            if changed["at"] is not None and time.monotonic() - changed["at"] >= delay:
                changed["at"] = None
                _build(root)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join()
