"""A journal's configuration file, read as MkDocs (or ProperDocs) reads it, for the commands that do not build:
where the contacts are and what the followup settings say."""

from __future__ import annotations

from pathlib import Path

import yaml

from followup.core.errors import SettingsError
from followup.core.settings import Settings, settings_from_mapping

# ProperDocs (the maintained MkDocs 1.x) reads its own file first and mkdocs.yml else; so does followup.
CONFIG_FILES = ("properdocs.yml", "mkdocs.yml")
PLUGIN = "followup"


class _TolerantLoader(yaml.CSafeLoader):
    """mkdocs.yml may hold `!!python/name:` and `!ENV` tags meant for MkDocs; only our settings are read."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def config_file(folder: Path) -> Path | None:
    return next((folder / name for name in CONFIG_FILES if (folder / name).is_file()), None)


def read_config(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as stream:
            config = yaml.load(stream, Loader=_TolerantLoader)
    except OSError as error:
        raise SettingsError(f"{path}: {error.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(config, dict):
        raise SettingsError(f"{path}: not a MkDocs configuration")
    return config


def plugin_options(config: dict) -> dict | None:
    """The followup plugin's own options (`- followup: {...}`), {} when it is listed bare, None when absent."""
    plugins = config.get("plugins")
    entries = plugins.items() if isinstance(plugins, dict) else \
        [next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, None)
         for item in plugins] if isinstance(plugins, list) else []
    for name, options in entries:
        if name == PLUGIN:
            return options if isinstance(options, dict) else {}
    return None


def uses_followup(config: dict) -> bool:
    """The followup plugin is listed, or (in journals made before it) the followup hook file."""
    hooks = config.get("hooks")
    return plugin_options(config) is not None or \
        (isinstance(hooks, list) and any(str(hook).endswith("followup.py") for hook in hooks))


def settings_block(config: dict, source: str) -> tuple[object, str]:
    """The followup settings and how messages name them: the plugin's options; else, in older journals, the
    `extra.followup` block."""
    options = plugin_options(config)
    extra = config.get("extra")
    legacy = extra.get(PLUGIN) if isinstance(extra, dict) else None
    if not options and legacy is not None:
        return legacy, f"{source}: extra.followup"
    return options or {}, f"{source}: plugins.followup"


def load_settings(root: Path) -> Settings:
    """The settings of the journal rooted at `root`."""
    path = config_file(root)
    if path is None:
        raise SettingsError(f"{root}: no {' or '.join(CONFIG_FILES)}")
    config = read_config(path)
    block, where = settings_block(config, path.name)
    return settings_from_mapping(block, str(config.get("docs_dir", "contacts")), where, config.get("site_url"),
                                 config.get("use_directory_urls", True))


def is_journal(folder: Path) -> bool:
    """A followup journal is a folder whose mkdocs.yml (or properdocs.yml) uses followup."""
    path = config_file(folder)
    if path is None:
        return False
    try:
        return uses_followup(read_config(path))
    except SettingsError:  # a journal with a broken file: the command says what is wrong with it
        return PLUGIN in path.read_text(encoding="utf-8", errors="replace")
