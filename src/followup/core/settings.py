"""The journal's settings, validated with clear errors: the followup plugin's options in mkdocs.yml (or the
older `extra.followup` block). Reading the file is the store's (store/config.py); this is what they mean."""

from __future__ import annotations

from dataclasses import dataclass, field

from followup.core.cadence import Cadence, parse_cadence
from followup.core.dates import parse_weekly_block
from followup.core.errors import CadenceError, DateError, SettingsError


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
    retry_days: int = 2  # after a call that did not reach them, days before they come due again
    site_url: str | None = None  # MkDocs' own site_url: where the built site is, for links from the feeds


DEFAULTS = Settings()
SETTING_NAMES = {
    "default_cadence", "categories", "picks_per_day", "soon_days", "dates_days", "dashboard_rows", "strict",
    "publish", "block", "calendar_notes", "retry_days",
}


def settings_from_mapping(block: object, contacts: str = "contacts", where: str = "mkdocs.yml: plugins.followup",
                          site_url: object = None) -> Settings:
    """Validate the followup settings; `contacts` is MkDocs' docs_dir, `where` how messages name the block."""
    if block is None:
        block = {}
    if not isinstance(block, dict):
        raise SettingsError(f"{where} must be a mapping of settings, not {block!r}")
    unknown = sorted(set(map(str, block)) - SETTING_NAMES)
    if unknown:
        raise SettingsError(f"{where}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(SETTING_NAMES))}")

    def whole(key: str, lowest: int) -> int:
        value = block.get(key, getattr(DEFAULTS, key))
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            raise SettingsError(f"{where}.{key} must be a whole number of at least {lowest}, not {value!r}")
        return value

    def flag(key: str) -> bool:
        value = block.get(key, getattr(DEFAULTS, key))
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
        raise SettingsError(f"{where}.categories must map a category to its settings, "
                            "e.g. family: {cadence: monthly}")
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
        retry_days=whole("retry_days", 0),
        site_url=site_url.rstrip("/") + "/" if isinstance(site_url, str) and site_url.strip() else None,
    )
