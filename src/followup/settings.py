"""The journal's settings: the `extra.followup` block of mkdocs.yml, validated with clear errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .cadence import Cadence, CadenceError, parse_cadence
from .dates import DateError, parse_weekly_block

CONFIG_FILE = "mkdocs.yml"
HOOK_PATH = "hooks/followup.py"


class SettingsError(ValueError):
    """A followup setting in mkdocs.yml is missing or wrong."""


@dataclass(frozen=True)
class Settings:
    contacts: str = "contacts"
    default_cadence: Cadence | None = None
    category_cadence: dict[str, Cadence | None] = field(default_factory=dict)
    picks_per_day: int = 5
    soon_days: int = 7
    dates_days: int = 30
    dashboard_rows: int = 50
    strict: bool = False
    publish: bool = False
    block: str | None = None
    calendar_notes: bool = False


_DEFAULTS = Settings()
_FIELDS = {
    "default_cadence", "categories", "picks_per_day", "soon_days", "dates_days", "dashboard_rows", "strict",
    "publish", "block", "calendar_notes",
}


def settings_from_mapping(block: object, contacts: str = "contacts", source: str = CONFIG_FILE) -> Settings:
    """Validate the `extra.followup` mapping; `contacts` is MkDocs' docs_dir."""
    where = f"{source}: extra.followup"
    if block is None:
        block = {}
    if not isinstance(block, dict):
        raise SettingsError(f"{where} must be a mapping of settings, not {block!r}")
    unknown = sorted(set(map(str, block)) - _FIELDS)
    if unknown:
        raise SettingsError(f"{where}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(_FIELDS))}")

    def whole(key: str, lowest: int) -> int:
        value = block.get(key, getattr(_DEFAULTS, key))
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            raise SettingsError(f"{where}.{key} must be a whole number of at least {lowest}, not {value!r}")
        return value

    def flag(key: str) -> bool:
        value = block.get(key, getattr(_DEFAULTS, key))
        if not isinstance(value, bool):
            raise SettingsError(f"{where}.{key} must be true or false, not {value!r}")
        return value

    def cadence(value: object, key: str) -> Cadence | None:
        try:
            return parse_cadence(value)
        except CadenceError as error:
            raise SettingsError(f"{where}.{key}: {error}") from None

    categories = block.get("categories") or {}
    if not isinstance(categories, dict):
        raise SettingsError(f"{where}.categories must map a category to its settings, e.g. family: {{cadence: monthly}}")
    category_cadence = {}
    for name, options in categories.items():
        if not isinstance(options, dict) or set(options) - {"cadence"}:
            raise SettingsError(f"{where}.categories.{name} must be {{cadence: ...}}, not {options!r}")
        if "cadence" in options:
            category_cadence[str(name).casefold()] = cadence(options["cadence"], f"categories.{name}.cadence")
    weekly = block.get("block")
    if weekly is not None:
        try:
            parse_weekly_block(weekly)
        except DateError as error:
            raise SettingsError(f"{where}.block: {error}") from None
    default = block.get("default_cadence")
    return Settings(
        contacts=contacts,
        default_cadence=cadence(default, "default_cadence") if default is not None else None,
        category_cadence=category_cadence,
        picks_per_day=whole("picks_per_day", 0),
        soon_days=whole("soon_days", 0),
        dates_days=whole("dates_days", 0),
        dashboard_rows=whole("dashboard_rows", 1),
        strict=flag("strict"),
        publish=flag("publish"),
        block=weekly,
        calendar_notes=flag("calendar_notes"),
    )


class _TolerantLoader(yaml.CSafeLoader):
    """mkdocs.yml may hold `!!python/name:` and `!ENV` tags meant for MkDocs; we only read our block."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(journal: Path) -> dict:
    path = journal / CONFIG_FILE
    try:
        with path.open(encoding="utf-8") as stream:
            config = yaml.load(stream, Loader=_TolerantLoader)
    except OSError as error:
        raise SettingsError(f"{path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise SettingsError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(config, dict):
        raise SettingsError(f"{path}: not a MkDocs configuration")
    return config


def load_settings(journal: Path) -> Settings:
    """The settings of the journal rooted at `journal`, read as MkDocs would."""
    config = read_config(journal)
    extra = config.get("extra") or {}
    contacts = config.get("docs_dir", "contacts")
    return settings_from_mapping(extra.get("followup") if isinstance(extra, dict) else None, str(contacts))


def is_journal(folder: Path) -> bool:
    """A followup journal is a folder whose mkdocs.yml uses the followup hook."""
    try:
        text = (folder / CONFIG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "followup" in text and "hooks" in text
