"""The site from the command line: build, serve, watch, with ProperDocs when it is installed, else MkDocs; or
with Zensical, from the pages `followup render` writes (the `generator` setting, or --generator)."""

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
from followup.core.settings import GENERATORS
from followup.store.config import config_file, load_settings
from followup.store.places import BUILT, RENDER_VARIABLE, RENDERED, inside
from followup.store.site_folder import checked_site_dir, configured_site_dir, put_in_place
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


def _build(root: Path, *args: str, render_to: Path | None = None) -> int:
    """A build, its log passed through the one choke point of what followup prints; a crash (a full disk, a
    plugin's bug) is one line, not a traceback: the site folder is swapped in only when complete, so the last
    good site is still there. `render_to`: the build writes the pages' Markdown twins there instead."""
    environment = {**_environment(), **({RENDER_VARIABLE: str(render_to)} if render_to is not None else {})}
    return _logged(_command(root, "build", *args), root, environment)


def _logged(command: list[str], root: Path, environment: dict[str, str]) -> int:
    process = subprocess.Popen(command, cwd=root, env=environment, stderr=subprocess.PIPE,
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


def _zensical(root: Path, *args: str) -> list[str]:
    if importlib.util.find_spec("zensical") is None:
        raise UsageError("the generator zensical is not installed: pip install zensical (Python 3.11 or newer)")
    return [sys.executable, "-m", "zensical", *args, "--config-file", str(root / RENDERED / "mkdocs.yml")]


def _built_with(root: Path, generator: str, strict: bool = False) -> int:
    """The site built by `generator`: the plugin's build, or a render that Zensical then builds, put in place of
    the journal's site folder once complete (checked first, as the plugin checks it)."""
    strictly = ["--strict"] if strict else []
    if generator == "mkdocs":
        return _build(root, *strictly)
    config = config_file(root)
    site = checked_site_dir(root, configured_site_dir(str(config)), str(root / load_settings(root).contacts),
                            configured=True) if config is not None else root / "site"
    rendered = inside(root, RENDERED, "the render folder")
    # --clean: the whole site, which then leaves the render folder (Zensical's cache would write only what changed)
    code = _build(root, *strictly, render_to=rendered) or \
        _logged(_zensical(root, "build", "--clean", *strictly), root, _environment())
    if code == 0:
        put_in_place(rendered / BUILT, site)
    return code


def generator_option(command):
    return click.option("--generator", type=click.Choice(GENERATORS),
                        help="What builds the site (default: the generator setting, else mkdocs): zensical builds "
                             f"the pages followup render writes into {RENDERED}/.")(command)


def _generator(root: Path, given: str | None) -> str:
    return given or load_settings(root).generator


@command()
@click.option("--strict", is_flag=True, help="Fail on any problem.")
@generator_option
@pass_context
def build(context: Context, strict, generator) -> None:
    """Build the static site into site/.

    Example: followup build --strict
    """
    require_trust(context.root, "followup build")
    if _built_with(context.root, _generator(context.root, generator), strict):
        raise SystemExit(PROBLEMS)


@command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_context
def render(context: Context, folder: Path | None) -> None:
    """Write the site's pages as Markdown, for a generator that runs no plugin (default into site-src/).

    Zensical, or MkDocs without followup, builds them (into the journal's site/): zensical build -f
    site-src/mkdocs.yml

    Example: followup render && zensical build -f site-src/mkdocs.yml
    """
    root = context.root
    require_trust(root, "followup render")
    target = Path(os.path.abspath(folder)) if folder is not None else inside(root, RENDERED, "the render folder")
    if _build(root, render_to=target):
        raise SystemExit(PROBLEMS)
    say(f"Rendered into {target}; build it with: zensical build -f {target / 'mkdocs.yml'}", err=True)


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
@generator_option
@pass_context
def serve(context: Context, port, generator) -> None:
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
    command = _command(root, "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload", "--dirty") \
        if _generator(root, generator) == "mkdocs" else [sys.executable, "-m", "followup.site.serving", str(root),
                                                         str(port)]
    os.chdir(root)
    os.execve(sys.executable, command, _environment())


@command()
@click.option("--delay", default=0.3, show_default=True, help="Seconds of quiet before a rebuild.")
@generator_option
@pass_context
def watch(context: Context, delay, generator) -> None:
    """Rebuild site/ on every change, for browsing the files straight from disk. Ctrl-C stops it.

    Example: followup watch, then open site/index.html in a browser
    """
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    root = context.root
    require_trust(root, "followup watch")
    generator = _generator(root, generator)
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
    _built_with(root, generator)
    say(f"Watching {contacts}; the site is {root / 'site' / 'index.html'}. Ctrl-C to stop.", err=True)
    try:
        while True:
            time.sleep(0.1)
            if changed["at"] is not None and time.monotonic() - changed["at"] >= delay:
                changed["at"] = None
                _built_with(root, generator)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join()
