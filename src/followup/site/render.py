"""The journal's pages as ordinary Markdown files, for a generator that runs no MkDocs plugin (Zensical, plain
MkDocs, ProperDocs): `followup render [DIR]`.

A render is a build of the journal with the plugin (every page drawn, escaped and sanitised exactly as the
plugin's site has it), in which each generated page is also written as its Markdown twin at the same URL: a
front matter with its title, then the page's HTML as one raw HTML block, which Markdown passes through as it
is. Beside them go the assets (scripts, CSS, calendars, the Atom feed, the dashboard's data) and a
configuration naming them. The build's own site is thrown away, and it is drawn with a theme of one line
(RENDER_THEME), since nobody reads it.

The folder is followup's: it is marked (MARK) when made, a folder without the mark is never emptied, and no
file is written or deleted through a symbolic link in it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

import yaml

from followup.core.errors import UnsafePath
from followup.site.assets import GeneratedAssets
from followup.store.files import atomic_write
from followup.store.places import BUILT, RENDER_VARIABLE, inside

__all__ = ["RENDER_VARIABLE", "Rendering", "render_folder"]

RENDER_THEME = Path(__file__).parent / "render_theme"
MARK = ".followup-render"
PAGES = "docs"  # the rendered pages and assets, inside the render folder
CONFIG = "mkdocs.yml"  # read by Zensical, MkDocs and ProperDocs alike
THEME_ASSETS = ("followup.css", "followup-table.js", "followup.js")
# What of the journal's configuration the rendered one keeps: how the site looks and what it is called.
KEPT_SETTINGS = ("site_name", "site_url", "site_description", "site_author", "copyright", "repo_url", "repo_name",
                 "edit_uri", "use_directory_urls", "extra")


def render_folder(folder: str) -> Path:
    """The render folder, absolute; UnsafePath when it is a link, or holds something followup did not make."""
    target = Path(os.path.abspath(folder))
    if os.path.islink(target):
        raise UnsafePath(f"the render folder {target} is a symbolic link; followup never writes through one")
    if target.exists() and not target.is_dir():
        raise UnsafePath(f"the render folder {target} is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARK).is_file():
        raise UnsafePath(f"the render folder {target} holds files followup did not write; choose an empty or new "
                         "folder (followup replaces what is in it)")
    return target


class Rendering:
    """The twins of one build's pages, written as the build draws them."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pages = folder / PAGES
        self.written: set[Path] = set()
        self.twins: dict[str, str] = {}  # where each page's twin is, by the page's own src_uri
        folder.mkdir(parents=True, exist_ok=True)
        for name in (PAGES, BUILT):  # the folder is followup's: a link in it (a commit can hold one) is only a link
            if os.path.islink(folder / name):
                os.unlink(folder / name)
        self._write(folder / MARK, b"Written by `followup render`: every file here is replaced by the next render.\n")
        self._write(folder / ".gitignore", b"*\n")  # never committed: it is drawn from the journal, as the site is

    def page(self, src_uri: str, url: str, title: str, body: str, listing: bool) -> None:
        """One page's twin, in the folder of its URL (inactive/index.md for inactive.md): Zensical reads a link
        in raw HTML as relative to the Markdown file, and the page's links are relative to its URL. The title is
        escaped as the plugin escapes it (themes put it into <title> as given); the body is the page's HTML,
        wrapped in one element so that Markdown takes it whole as raw HTML."""
        twin = self.twins[src_uri] = f"{url}index.md" if url == "" or url.endswith("/") else src_uri
        meta: dict[str, object] = {"title": _escaped(title)}
        if listing:  # as the plugin's own pages: no table of contents, and out of the search index
            meta.update(hide=["toc"], search={"exclude": True})
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        self._write(self.pages / twin, f"---\n{front}---\n\n<div class=\"fu-rendered\">\n{_no_blank_lines(body)}\n"
                                          "</div>\n".encode())

    def finish(self, config, assets: GeneratedAssets, templates: Path) -> None:
        """The assets and the configuration; what an earlier render wrote and this one did not is taken away."""
        for name in THEME_ASSETS:
            self._write(self.pages / "assets" / name, (templates / "assets" / name).read_bytes())
        assets.wait()
        for name in assets.names:
            self._write(self.pages / name, assets.content(name))
        self._write(self.folder / CONFIG, rendered_config(config, self.folder, self.twins).encode())
        self._remove_stale()

    def _write(self, path: Path, data: bytes) -> None:
        """Written only when it changed: a generator serving the folder rebuilds only the pages that did."""
        self.written.add(path)
        inside(self.folder, path, "a rendered file")  # never through a link in the folder
        try:
            if path.read_bytes() == data:
                return
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)

    def _remove_stale(self) -> None:
        for directory, folders, files in os.walk(self.pages, topdown=False):
            for name in files:
                path = Path(directory, name)
                if path not in self.written:
                    path.unlink()
            for name in folders:
                with_nothing = Path(directory, name)
                if os.path.islink(with_nothing):
                    with_nothing.unlink()
                elif not any(with_nothing.iterdir()):
                    with_nothing.rmdir()


def rendered_config(config, folder: Path, twins: dict[str, str]) -> str:
    """A configuration for the rendered pages: the journal's name and look, followup's navigation, its scripts
    and CSS, and no followup plugin. The site is built inside the folder (Zensical builds nowhere else), and
    `followup build --generator zensical` puts it in the journal's site folder."""
    rendered = {key: _data(config[key]) for key in KEPT_SETTINGS if config.get(key) not in (None, "")}
    theme = {key: value for key, value in dict(config.theme.items()).items() if _data(value) is not _NOT_DATA}
    theme["name"] = config.theme.name
    if config.theme.custom_dir:
        theme["custom_dir"] = os.path.relpath(os.path.abspath(config.theme.custom_dir), folder)
    rendered.update(
        docs_dir=PAGES, site_dir=BUILT, theme=_data(theme),
        nav=_data(_in_twins(config.nav, twins)), plugins=["search"],
        extra_css=["assets/followup.css"],
        extra_javascript=[{"path": "assets/followup-table.js", "defer": True},
                          {"path": "assets/followup.js", "defer": True}],
    )
    return ("# Written by `followup render` from the journal's configuration; it is replaced by the next render.\n"
            + yaml.safe_dump(rendered, allow_unicode=True, sort_keys=False))


def _in_twins(nav: object, twins: dict[str, str]) -> object:
    """The navigation with each generated page's twin for the page."""
    if isinstance(nav, Mapping):
        return {key: _in_twins(value, twins) for key, value in nav.items()}
    if isinstance(nav, list):
        return [_in_twins(item, twins) for item in nav]
    return twins.get(nav, nav) if isinstance(nav, str) else nav


_NOT_DATA = object()


def _data(value: object) -> object:
    """A setting as plain data YAML writes (MkDocs' own objects are not), or _NOT_DATA."""
    if isinstance(value, Mapping):
        items = {str(key): _data(item) for key, item in value.items()}
        return {key: item for key, item in items.items() if item is not _NOT_DATA}
    if isinstance(value, list | tuple):
        return [item for item in map(_data, value) if item is not _NOT_DATA]
    if isinstance(value, dt.date):  # Zensical takes no YAML dates: as text, as a template shows one
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return _NOT_DATA


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _no_blank_lines(body: str) -> str:
    """The page's HTML with no blank line, which would end Markdown's raw HTML block; a line break inside
    <pre> (a code block of the notes) stays one, as a character reference."""
    def without(text: str) -> str:
        return "\n".join(line for line in text.split("\n") if line.strip())

    first, *preformatted = str(body).replace("\r", "").split("<pre")  # str: Markup's own methods would escape
    parts = [without(first)]
    for part in preformatted:
        kept, closing, after = part.partition("</pre>")
        parts.append("<pre" + kept.replace("\n", "&#10;") + closing + without(after))
    return "".join(parts)
