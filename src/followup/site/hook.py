"""The plugin's events as module functions, for journals made before the plugin: their mkdocs.yml lists
hooks/followup.py, which imports these from followup.site. A journal that also lists the plugin gets its
pages from the plugin alone."""

from __future__ import annotations

from followup.site.plugin import FollowupPlugin

__all__ = [
    "on_build_error",
    "on_config",
    "on_env",
    "on_files",
    "on_page_content",
    "on_page_context",
    "on_page_markdown",
    "on_post_build",
    "on_post_page",
    "on_shutdown",
    "on_startup",
]

_plugin = FollowupPlugin()
_plugin.load_config({})
_listed_as_plugin = False


def on_startup(command, dirty):
    _plugin.on_startup(command=command, dirty=dirty)


def on_config(config):
    global _listed_as_plugin
    _listed_as_plugin = "followup" in config.plugins
    return config if _listed_as_plugin else _plugin.on_config(config)


def on_files(files, config):
    return files if _listed_as_plugin else _plugin.on_files(files, config=config)


def on_env(env, config, files):
    return env if _listed_as_plugin else _plugin.on_env(env, config=config, files=files)


def on_page_markdown(markdown, page, config, files):
    return markdown if _listed_as_plugin else _plugin.on_page_markdown(markdown, page=page, config=config, files=files)


def on_page_content(html, page, config, files):
    return html if _listed_as_plugin else _plugin.on_page_content(html, page=page, config=config, files=files)


def on_page_context(context, page, config, nav):
    return context if _listed_as_plugin else _plugin.on_page_context(context, page=page, config=config, nav=nav)


def on_post_page(output, page, config):
    return output if _listed_as_plugin else _plugin.on_post_page(output, page=page, config=config)


def on_post_build(config):
    if not _listed_as_plugin:
        _plugin.on_post_build(config=config)


def on_build_error(error):
    if not _listed_as_plugin:
        _plugin.on_build_error(error=error)


def on_shutdown():
    _plugin.on_shutdown()
