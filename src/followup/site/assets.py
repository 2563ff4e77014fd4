"""The files a build generates beside its pages: the calendars, the Atom feed, the dashboard's data.

They are kept in the journal's cache folder (in memory they would be held until the build ends: 4 MB each at 10,000
contacts), drawn again only when the journal or the day has changed since they were written, and copied into
the site folder when the pages are written (on_post_build). When they must be drawn, a child process draws them
(fork, on Linux when the build runs alone in its process: helper.can_fork) while MkDocs draws the pages on the other
core: the calendars and dashboards of 500 owners were a minute of a first build at 100,000 contacts. A child
that failed is redone in-process.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from followup.site.helper import Forked, can_fork
from followup.store import cache
from followup.store.files import atomic_write

Draw = Callable[[], dict[str, bytes]]


@dataclass
class _Group:
    names: list[str]
    draw: Draw


class GeneratedAssets:
    def __init__(self, root: Path):
        self.folder = cache.cache_path(root, "site", "")
        self.names: list[str] = []
        self.stale: list[_Group] = []
        self.in_memory: dict[str, bytes] = {}  # drawn here when the cache folder cannot be written
        self.child: Forked | None = None

    def start(self, store: cache.PageStore, fingerprint: str, groups: list[tuple[list[str], Draw]]) -> None:
        """The files of each group (its names, and how to draw them all), started drawing if they are stale."""
        self.store, self.fingerprint = store, fingerprint
        self.names = [name for names, _ in groups for name in names]
        self.stale = [_Group(names, draw) for names, draw in groups
                      if store.get(names[0], fingerprint) is None
                      or not all((self.folder / name).is_file() for name in names)]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self.stale:
                self._start()
        except OSError:  # a read-only journal still builds, from memory
            self.stale = []
            self.in_memory = {name: content for names, draw in groups for name, content in draw().items()
                              if name in names}

    def _start(self) -> None:
        if not can_fork():  # drawn here and now
            self._draw()
            return

        def draw_behind() -> None:
            # Wanted only when the build ends: a core the pages leave is enough, and the pages come first.
            os.nice(10)
            self._draw(mark=False)

        self.child = Forked(draw_behind, "the child drawing the calendars and feeds")

    def _draw(self, mark: bool = True) -> None:
        for group in self.stale:
            drawn = group.draw()
            for name in group.names:
                (self.folder / name).parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.folder / name, drawn[name])
            if mark:
                self.store.put(group.names[0], self.fingerprint, "")  # kept only if the build ends well (close)

    def wait(self) -> None:
        """The child's work done, or done here if the child failed."""
        if self.child is None:
            return
        done = self.child.wait()
        self.child = None
        if not done or not all((self.folder / name).is_file() for group in self.stale for name in group.names):
            self._draw()
            return
        for group in self.stale:
            self.store.put(group.names[0], self.fingerprint, "")

    def stop(self) -> None:
        """The build failed: the child, if any, is stopped, and nothing of it is kept."""
        if self.child is not None:
            self.child.wait(stop=True)
            self.child = None

    def publish(self, site_dir: str) -> None:
        """Every file into the site folder, once drawn."""
        self.wait()
        for name in self.names:
            target = Path(site_dir, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            if name in self.in_memory:
                target.write_bytes(self.in_memory[name])
            else:
                shutil.copyfile(self.folder / name, target)

    def content(self, name: str) -> bytes:
        """One file, once drawn (wait)."""
        return self.in_memory[name] if name in self.in_memory else (self.folder / name).read_bytes()
