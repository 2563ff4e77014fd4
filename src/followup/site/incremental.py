"""Rebuilds under `followup serve` that write only the pages that changed.

`followup serve` runs MkDocs' dirty builds (`mkdocs serve --dirty`): the site folder is kept between builds
and MkDocs reads and writes only the files it is told changed (File.is_modified). A person page is left as
it is when everything it is drawn from is as when it was written into this folder: the journal's stamp
(settings, templates, the configuration file, the theme's files, the versions of followup, MkDocs and
Material), the person's file and git history, what the day changes on it, their problems and Edit link.
The lists of everyone are drawn on every build.

What MkDocs' dirty build would get wrong, and what is done about it:
- the search index holds only the pages drawn in that build: each page's entries are kept here, and the
  index is written whole again after each build (Material's own dirty-reload merge assumes one page);
- a page of someone deleted, or of a category or owner gone, would stay in the folder: it is removed;
- a page whose notes could not be rendered is always drawn again, so its problem is listed again.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field

from mkdocs.structure.files import File

DIRTY_WARNING = "A 'dirty' build is being performed"


class GeneratedFile(File):
    """A page followup generates, which MkDocs' dirty build skips when `kept` (its output is current)."""

    kept = False

    def is_modified(self) -> bool:
        return not self.kept and super().is_modified()


class _QuietDirtyBuilds(logging.Filter):
    """MkDocs warns that a dirty build may leave links and the nav out of date; followup keeps them current
    (above), and the warning would fail a journal built with `strict: true` in mkdocs.yml."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


def quiet_dirty_builds() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(known, _QuietDirtyBuilds) for known in logger.filters):
        logger.addFilter(_QuietDirtyBuilds())


@dataclass
class KeptPages:
    """What is in the site folder of this `followup serve`, kept by the plugin from one build to the next."""

    site_dir: str | None = None
    written: dict[str, tuple[str, str]] = field(default_factory=dict)  # src_uri -> (fingerprint, output path)
    search: dict[str, list[dict]] = field(default_factory=dict)  # a person page's URL -> its search entries
    drawn_now: set[str] = field(default_factory=set)  # the URLs of the person pages drawn in this build
    failed: set[str] = field(default_factory=set)  # src_uris whose notes could not be rendered

    def start(self, site_dir: str) -> None:
        if site_dir != self.site_dir:  # another folder: nothing in it is known
            self.site_dir, self.written, self.search, self.failed = site_dir, {}, {}, set()
        self.drawn_now = set()

    def keep(self, file: GeneratedFile, fingerprint: str) -> None:
        """Leave the page as it is in the folder if it was written there from the same fingerprint."""
        known = self.written.get(file.src_uri)
        file.kept = known is not None and known[0] == fingerprint and file.src_uri not in self.failed and \
            os.path.isfile(file.abs_dest_path)

    def drawn(self, file: File, fingerprint: str, url: str | None, failed: bool) -> None:
        self.written[file.src_uri] = (fingerprint, file.abs_dest_path)
        self.failed.discard(file.src_uri)
        if failed:
            self.failed.add(file.src_uri)
        if url is not None:
            self.drawn_now.add(url)

    def finish(self, generated: set[str], person_urls: set[str], site_dir: str) -> None:
        """After a build: remove the pages of what is gone, and write the search index whole. `generated` are
        the src_uris of every page of this build, `person_urls` the person pages' URLs."""
        for src_uri in set(self.written) - generated:
            _, output = self.written.pop(src_uri)
            if os.path.realpath(output).startswith(os.path.realpath(site_dir) + os.sep) and os.path.isfile(output):
                os.remove(output)
        self._write_search_index(os.path.join(site_dir, "search", "search_index.json"), person_urls)

    def _write_search_index(self, path: str, person_urls: set[str]) -> None:
        try:
            with open(path, encoding="utf-8") as stream:
                index = json.load(stream)
        except (OSError, ValueError):
            return  # no search plugin, or not Material's
        fresh: dict[str, list[dict]] = {}
        for entry in index.get("docs", []):
            fresh.setdefault(entry.get("location", "").partition("#")[0], []).append(entry)
        for url in self.drawn_now:
            self.search[url] = fresh.get(url, [])
        self.search = {url: entries for url, entries in self.search.items() if url in person_urls}
        others = [entry for url, entries in fresh.items() if url not in person_urls for entry in entries]
        index["docs"] = others + [entry for entries in self.search.values() for entry in entries]
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(index, stream, separators=(",", ":"), default=str)
