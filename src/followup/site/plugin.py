"""The followup MkDocs plugin: `plugins: [search, followup]` turns the contacts folder into the followup site.

It is a thin adapter: settings are checked by the core (followup.core.settings), the pages are drawn by
SiteBuild, and every rule is the core's.
"""

from __future__ import annotations

import gc
import html
import logging
import os
import shutil
import tempfile
from pathlib import Path

from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from followup.core.errors import SettingsError, UnsafePath, Untrusted
from followup.core.settings import SETTING_NAMES, Settings, checked_setting, settings_from_mapping, unknown_setting
from followup.core.shown import visible
from followup.site.build import TEMPLATES, BetweenBuilds, PrivateNotes, SiteBuild
from followup.site.guard import local_only
from followup.site.incremental import KeptPages, quiet_dirty_builds
from followup.site.pages import NAV, PERSON
from followup.site.render import RENDER_THEME, RENDER_VARIABLE, Rendering, render_folder
from followup.store.places import config_folder
from followup.store.site_folder import SiteSwap, checked_site_dir, configured_site_dir, theme_links
from followup.store.trust import REQUIRE_VARIABLE, require_trust

log = logging.getLogger("mkdocs.plugins.followup")


class _Shown(logging.Filter):
    """Every line followup logs passes the choke point of what it shows (core.shown): a file name or a value
    holding an escape sequence cannot drive the terminal that shows the build log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        shown = visible(message)
        if shown is not message:
            record.msg, record.args = shown, ()
        return True


if not any(isinstance(known, _Shown) for known in log.filters):
    log.addFilter(_Shown())


class CheckedSetting(c.BaseConfigOption):
    """One followup setting in mkdocs.yml (`- followup: {picks_per_day: 3}`), checked by the core's own check
    (core.settings.CHECKS): `mkdocs build` and the command line say the same sentence for the same mistake."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def run_validation(self, value: object) -> object:
        try:
            checked_setting(self.name, value, "plugins.followup")
        except SettingsError as error:
            raise c.ValidationError(str(error)) from None
        return value


# The plugin's options: one per setting the core knows, the names from there alone.
FollowupConfig = type("FollowupConfig", (base.Config,), {name: CheckedSetting(name) for name in sorted(SETTING_NAMES)})


def journal_paths(config) -> tuple[Path, str]:
    """The journal's folder and its contacts folder as the settings name it. Made absolute once:
    `mkdocs build -f mkdocs.yml` gives a relative config path and an absolute docs_dir. (Not resolved: a
    contacts folder that is a symbolic link must stay one, to be refused.)"""
    docs_dir = Path(os.path.abspath(config.docs_dir))
    root = Path(os.path.abspath(config.config_file_path)).parent if config.config_file_path else docs_dir.parent
    return root, docs_dir.relative_to(root).as_posix() if docs_dir.is_relative_to(root) else str(docs_dir)


class FollowupPlugin(BasePlugin):
    config_class = FollowupConfig
    supports_multiple_instances = False

    build: SiteBuild  # one per build: on_config makes it

    def __init__(self) -> None:
        self.command: str | None = None
        self.dirty = False
        self.swap: SiteSwap | None = None  # the build's new site folder, swapped in when complete
        self.options_given = False
        self.between = BetweenBuilds()  # what `followup serve` keeps from one build to the next
        self.kept: KeptPages | None = None  # under `mkdocs serve --dirty`: the pages already in its site folder
        self.rendering: Rendering | None = None  # under `followup render`: where the pages' Markdown twins go
        self.thrown_away: str | None = None  # the site folder of a render, which nobody reads

    def load_config(self, options, config_file_path=None):
        # MkDocs loads the plugins before it imports the journal's hooks: a followup command that builds (it sets
        # the variable) stops here when the configuration changed since the user trusted it, before any of it
        # runs, on the first build as on every rebuild of serve and watch (a pull meanwhile).
        if os.environ.get(REQUIRE_VARIABLE) and config_file_path:
            try:
                require_trust(Path(os.path.abspath(config_file_path)).parent, "followup")
            except Untrusted as error:
                raise PluginError(str(error)) from None
        self.options_given = bool(options)
        errors, warnings = super().load_config(options, config_file_path)
        # An unknown name is an error, as the command line has it (MkDocs would only warn, and the build go on).
        unknown = unknown_setting(options or {}, "plugins.followup")
        if unknown is not None:
            errors.append(("followup", c.ValidationError(unknown)))
            warnings = [(name, warning) for name, warning in warnings if name not in (options or {})]
        return errors, warnings

    def settings(self, config, contacts: str) -> Settings:
        """The plugin's options; in a journal made before the plugin, its `extra.followup` block."""
        source = os.path.basename(config.config_file_path or "mkdocs.yml")
        legacy = config.extra.get("followup")
        if legacy is not None and not self.options_given:
            log.info(f"followup: the extra.followup block of {source} is read as before; it is deprecated: move "
                     "its settings under `plugins: - followup:` (followup init writes that form)")
            block, where = legacy, f"{source}: extra.followup"
        else:
            block, where = dict(self.config), f"{source}: plugins.followup"
        try:
            return settings_from_mapping(block, contacts, where, config.site_url, config.use_directory_urls)
        except SettingsError as error:
            raise PluginError(str(error)) from None

    def on_startup(self, *, command, dirty) -> None:
        self.command = command
        self.dirty = dirty
        if dirty and command == "serve":
            self.kept = KeptPages()
            quiet_dirty_builds()
            self.between.defer_saves = True

    def on_shutdown(self) -> None:
        self.between.flush()

    def on_config(self, config):
        root, contacts = journal_paths(config)
        settings = self.settings(config, contacts)
        self.swap = self._site_folder(config, root)
        if self.command == "gh-deploy" and not settings.publish:
            raise PluginError("refusing to publish a private journal with gh-deploy; set publish: true in the "
                              "followup plugin's options if you really mean to put it on the web")
        # The page templates ship in the package; a journal's own custom_dir (overrides/) comes first.
        if str(TEMPLATES) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        if self.rendering is not None and str(RENDER_THEME) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(RENDER_THEME))
        own_nav = not config.nav
        if own_nav:
            config.nav = [dict(item) for item in NAV]  # a copy: a journal with owners adds theirs to it
        # Privacy: Material would otherwise load Roboto from Google Fonts on every page view.
        config.theme["font"] = False
        config.markdown_extensions.append(PrivateNotes(lambda target: self.build.mention_slug(target)))
        config.extra.setdefault("generator", False)
        self.build = SiteBuild(config, settings, root, self.between, serving=self.command == "serve", own_nav=own_nav,
                               kept=self.kept)
        return config

    def _site_folder(self, config, root: Path) -> SiteSwap | None:
        """Refuse, before MkDocs cleans anything, a site folder that is a link, under one, outside the journal or
        holding it, and a theme folder with links in it; a build (not a dev server's) is written beside the site
        and swapped in when complete."""
        if config.theme.custom_dir and (links := theme_links(config.theme.custom_dir)):
            raise PluginError(f"the theme folder (custom_dir) holds symbolic links: {', '.join(links[:5])}; followup "
                              "never reads or publishes through a link the journal holds: make them files")
        configured = bool(config.config_file_path) and \
            os.path.abspath(config.site_dir) == configured_site_dir(config.config_file_path)
        try:
            site = checked_site_dir(root, config.site_dir, config.docs_dir, configured)
            if os.environ.get(RENDER_VARIABLE) and self.command == "build":
                self.rendering = Rendering(render_folder(os.environ[RENDER_VARIABLE]))
        except UnsafePath as error:
            raise PluginError(str(error)) from None
        if self.rendering is not None:
            config.site_dir = self.thrown_away = tempfile.mkdtemp(prefix="followup-render-")
            return None
        if self.command not in ("build", "gh-deploy") or self.dirty:
            return None  # a dirty build goes on from the site folder as it is
        swap = SiteSwap(site)
        config.site_dir = str(swap.new)
        return swap

    def on_serve(self, server, *, config, builder):
        """Editing a page template (the journal's overrides/followup/*.html, or followup's own) reloads the page."""
        for folder in (config.theme.custom_dir, str(TEMPLATES)):
            if folder and os.path.isdir(os.path.join(folder, "followup")):
                server.watch(os.path.join(folder, "followup"))
        if os.environ.get(REQUIRE_VARIABLE):  # a build refused as untrusted is tried again once the user trusts
            server.watch(str(config_folder()), recursive=False)
        server.set_app(local_only(server.get_app(), server.server_address[1]))
        return server

    # Early: a plugin beside followup that works on the site's files (a navigation plugin, Material's tags and
    # blog, i18n) finds followup's pages among them, and the contact files already taken out.
    @event_priority(50)
    def on_files(self, files, *, config):
        return self.build.build_files(files, config)

    def on_env(self, env, *, config, files):
        self.build.read_journal()  # MkDocs draws the pages next
        self.build.draw_ahead(files)
        return env

    def on_page_markdown(self, markdown, *, page, config, files):
        generated = self.build.page(page)
        if generated is not None:
            page.meta["title"] = html.escape(generated.title)  # Material puts it into <title> unescaped
            if generated.kind is not PERSON:
                # Lists of everyone would only repeat the person pages in search results, at a high cost.
                page.meta["search"] = {"exclude": True}
                # Their tables need the width Material gives the table of contents (a list page has no headings
                # worth one): the People table's categories and owner were cut off at 1280 px.
                page.meta["hide"] = [*page.meta.get("hide", []), "toc"]
        return markdown

    def on_page_content(self, html_content, *, page, config, files):
        return self.build.page_content(page, html_content)

    def on_page_context(self, context, *, page, config, nav):
        generated = self.build.page(page)
        if generated is not None and generated.kind is PERSON:
            context["followup_page"] = Markup(self.build.person_page_html(page))  # drawn with autoescaping
        elif generated is not None:
            page.content = self.build.list_page_html(page)
        if generated is not None and self.rendering is not None:
            body = context.get("followup_page") or page.content
            self.rendering.page(generated.src_uri, page.url, generated.title, body,
                                listing=generated.kind is not PERSON)
        return context

    def on_post_page(self, output, *, page, config):
        generated = self.build.page(page)
        if generated is not None and generated.kind is not PERSON:
            page.content = ""  # written: let the list go (list_page_html)
        elif generated is not None:
            self.build.page_written(page)
        return output

    # Last: the search plugin (and any other) writes into the site folder in its own on_post_build first, then
    # the complete site takes the old one's place.
    @event_priority(-100)
    def on_post_build(self, *, config) -> None:
        self.build.finish(config)
        if self.rendering is not None:
            self.rendering.finish(config, self.build.assets, TEMPLATES)
        if self.kept is not None:
            # Material's search merges a dirty build's entries into the last index as if one page had changed;
            # followup writes the index whole (KeptPages.finish), from this build's entries alone.
            for name in ("material/search", "search"):
                search = config.plugins.get(name)
                if search is not None and hasattr(search, "search_index_prev"):
                    search.search_index_prev = None
        self.build.store.close()
        gc.unfreeze()  # `followup serve` builds again and again in one process: let this build's objects go
        if self.swap is not None:
            self.swap.finish()
        self._throw_away()

    def _throw_away(self) -> None:
        if self.thrown_away is not None:
            shutil.rmtree(self.thrown_away, ignore_errors=True)
            self.thrown_away = None

    def on_build_error(self, *, error) -> None:
        if self.swap is not None:
            self.swap.abandon()  # the last good site stays as it was
        self._throw_away()
        build = getattr(self, "build", None)  # the error may come before there was one
        if build is not None:
            build.reading.stop()
            build.stop_helping()
            build.assets.stop()
        if build is not None and hasattr(build, "store"):
            build.store.abandon()
        gc.unfreeze()
