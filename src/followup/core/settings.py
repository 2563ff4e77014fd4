"""The journal's settings, validated with clear errors: the followup plugin's options in mkdocs.yml (or the
older `extra.followup` block). Reading the file is the store's (store/config.py); this is what they mean."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from followup.core.cadence import Cadence, parse_cadence
from followup.core.dates import parse_time_of_day, parse_weekly_block
from followup.core.errors import CadenceError, DateError, SettingsError
from followup.core.names import category_key, owner_key
from followup.core.phones import regions
from followup.core.shown import CONTROL

SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}  # how the digest reaches the mail server, and its port
PASSWORD_VARIABLE = "FOLLOWUP_SMTP_PASSWORD"
# The Edit link of a person page on a site served on this machine: a link an editor answers, {path} the
# file's absolute path and {line} the line to start on. Browsers may refuse file:// from an http page.
EDITORS = {
    "file": "file://{path}",
    "vscode": "vscode://file{path}:{line}",
    "vscodium": "vscodium://file{path}:{line}",
    "idea": "idea://open?file={path}&line={line}",
    "sublime": "subl://open?url=file://{path}&line={line}",
    "textmate": "txmt://open?url=file://{path}&line={line}",
    "macvim": "mvim://open?url=file://{path}&line={line}",
}
_EDITOR_URL = re.compile(r"[a-z][a-z0-9+.-]*:[^\s{}]*\{path\}[^\s{}]*(\{line\}[^\s{}]*)?", re.IGNORECASE)
DEFAULT_REMINDER = dt.time(9, 0)
# What `followup build`, `serve` and `watch` build the site with: MkDocs (or ProperDocs) running the plugin, or
# Zensical from the pages `followup render` writes.
GENERATORS = ("mkdocs", "zensical")


@dataclass(frozen=True)
class MailSettings:
    """Where `followup digest --send` sends the digest. The password is never here: it comes from the
    environment variable `password_env` or the output of `password_command` (such as `pass show smtp`)."""

    host: str
    port: int
    security: str  # starttls: upgrade a plain connection (587); ssl: TLS from the start (465); none: a local relay
    user: str | None
    sender: str
    to: tuple[str, ...]
    password_env: str = PASSWORD_VARIABLE
    password_command: str | None = None


HARVEST_PASSWORD_VARIABLE = "FOLLOWUP_HARVEST_PASSWORD"


@dataclass(frozen=True)
class HarvestSettings:
    """How `followup harvest` writes what it reads: with each message's subject (a firm's shared journal may want
    `(email)` alone), and where an IMAP server's password comes from (never from a file)."""

    subjects: bool = True
    password_env: str = HARVEST_PASSWORD_VARIABLE
    password_command: str | None = None


HARVEST_NAMES = {"subjects", "password_env", "password_command"}


@dataclass(frozen=True)
class Me:
    """Who "me" is in what a harvest reads: the user's mail addresses (casefolded: whose mail, whose side of a
    meeting), phone numbers (whose side of a group text) and names (whose lines of a chat export)."""

    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.names)

    @classmethod
    def of(cls, values: Iterable[str]) -> Me:
        """--me's values, each taken for what it looks like: an address, a number, else a name."""
        emails, phones, names = [], [], []
        for value in (one.strip() for one in values if one.strip()):
            if is_address(value):
                emails.append(value.casefold())
            elif _PHONE.fullmatch(value):
                phones.append(value)
            else:
                names.append(value)
        return cls(tuple(emails), tuple(phones), tuple(names))


_PHONE = re.compile(r"\+?[\d\s().-]{5,}")


@dataclass(frozen=True)
class Owner:
    """Someone who keeps relationships in a shared journal: `key` as the files write it (compared by
    owner_key), with a display name and a mail address when the owners setting gives them."""

    key: str
    name: str
    email: str | None = None


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
    remind_at: dt.time | None = None  # when the calendar's alarms ring on a due day
    editor: str = EDITORS["file"]  # the local Edit link's URL, {path} and {line} filled in
    owners: dict[str, Owner] = field(default_factory=dict)  # the known owners by owner_key; empty: any owner
    mail: MailSettings | None = None
    site_url: str | None = None  # MkDocs' own site_url: where the built site is, for links from the feeds
    directory_urls: bool = True  # MkDocs' use_directory_urls: people/ada/ rather than people/ada.html
    default_region: str | None = None  # the country of numbers written without one (ISO 3166: US, GB, DE)
    me: Me = field(default_factory=Me)  # a harvest's "me"
    timezone: str | None = None  # the IANA zone whose days a harvest's times land on; None: the machine's
    harvest: HarvestSettings = field(default_factory=HarvestSettings)
    generator: str = GENERATORS[0]
    plans: dict[str, tuple[Cadence, ...]] = field(default_factory=dict)  # each plan's steps, offsets from its start
    organisation_cadence: dict[str, Cadence | None] = field(default_factory=dict)  # by category_key of the name

    @property
    def reminder_time(self) -> dt.time:
        """When a due day's alarm rings: remind_at, else the start of the weekly block, else 09:00."""
        if self.remind_at is not None:
            return self.remind_at
        return parse_weekly_block(self.block)[1] if self.block else DEFAULT_REMINDER


DEFAULTS = Settings()
MAIL_NAMES = {"host", "port", "security", "user", "from", "to", "password_env", "password_command"}


def mail_from_mapping(block: object, where: str) -> MailSettings:
    """The `mail:` settings checked: a server, how to reach it securely, who sends and who receives."""
    if not isinstance(block, dict):
        raise SettingsError(f"{where} must be a mapping such as {{host: smtp.example.com, user: me@example.com}}")
    if "password" in block:
        raise SettingsError(f"{where}.password: the password is never kept in the journal's settings (they are "
                            f"committed with it): set the {PASSWORD_VARIABLE} environment variable, or "
                            "password_command (such as \"pass show mail/smtp\")")
    unknown = sorted(set(map(str, block)) - MAIL_NAMES)
    if unknown:
        raise SettingsError(f"{where}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(MAIL_NAMES))}")

    def line(key: str) -> str:
        value = block.get(key)
        if not isinstance(value, str) or not value.strip() or any(c in value for c in "\r\n\0"):
            raise SettingsError(f"{where}.{key} must be one line of text, not {value!r}")
        return value.strip()

    def optional_line(key: str) -> str | None:
        return line(key) if block.get(key) is not None else None

    def address(value: object, key: str) -> str:
        if not isinstance(value, str) or value.count("@") != 1 or any(c in value for c in "\r\n\0<>, "):
            raise SettingsError(f"{where}.{key}: {value!r} is not a mail address such as me@example.com")
        return value

    security = block.get("security", "starttls")
    if not isinstance(security, str) or security not in SECURITY_PORTS:
        raise SettingsError(f"{where}.security must be one of {', '.join(SECURITY_PORTS)}, not {security!r}")
    port = block.get("port", SECURITY_PORTS[security])
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise SettingsError(f"{where}.port must be a port number, not {port!r}")
    host, user = line("host"), optional_line("user")
    if user is not None and security == "none":
        raise SettingsError(f"{where}: security none would send the password in the clear; use starttls or ssl "
                            "(none is for a local relay that needs no user)")
    sender = block.get("from", user)
    if sender is None:
        raise SettingsError(f"{where}.from: who sends the digest (or user, when it is a mail address)")
    sender = address(sender, "from" if "from" in block else "user")
    to = block.get("to", sender)
    recipients = tuple(address(one, "to") for one in (to if isinstance(to, list) and to else [to]))
    return MailSettings(host, port, security, user, sender, recipients,
                        optional_line("password_env") or PASSWORD_VARIABLE, optional_line("password_command"))


def is_address(value: object) -> bool:
    """A single mail address as the settings take one: me@example.com."""
    return isinstance(value, str) and value.count("@") == 1 and not any(c in value for c in "\r\n\0<>, ") and \
        all(value.split("@"))


def me_from(value: object, where: str) -> Me:
    """`me: {email: you@example.com, phone: "+1 555 010 0199", name: Tess}`, each one value or a list."""
    if not isinstance(value, dict) or not value or set(map(str, value)) - {"email", "phone", "name"}:
        raise SettingsError(f"{where} must be {{email: [you@example.com, ...], phone: [...], name: [...]}}, "
                            f"not {value!r}")
    found: dict[str, tuple[str, ...]] = {}
    for key, valid, example in (("email", is_address, "your mail address"),
                                ("phone", lambda one: isinstance(one, str) and bool(_PHONE.fullmatch(one.strip())),
                                 "your phone number"),
                                ("name", lambda one: isinstance(one, str) and bool(one.strip()) and
                                 not CONTROL.search(one), "the name your messages carry")):
        given = value.get(key)
        if given is None:
            continue
        values = given if isinstance(given, list) else [given]
        if not values or not all(valid(one) for one in values):
            raise SettingsError(f"{where}.{key} must be {example}, or a list of them, not {given!r}")
        found[key] = tuple(dict.fromkeys(str(one).strip().casefold() if key == "email" else str(one).strip()
                                         for one in values))
    return Me(found.get("email", ()), found.get("phone", ()), found.get("name", ()))


def timezone_from(value: object, where: str) -> str:
    """An IANA time zone name (Europe/Lisbon, America/New_York), checked against the zone database."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(str(value))
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        raise SettingsError(f"{where} must be a time zone such as Europe/Lisbon or America/New_York, not "
                            f"{value!r}") from None
    return str(value)


def harvest_from(value: object, where: str) -> HarvestSettings:
    if not isinstance(value, dict):
        raise SettingsError(f"{where} must be a mapping such as {{subjects: false}}")
    unknown = sorted(set(map(str, value)) - HARVEST_NAMES)
    if unknown:
        raise SettingsError(f"{where}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(HARVEST_NAMES))}")
    subjects = value.get("subjects", True)
    if not isinstance(subjects, bool):
        raise SettingsError(f"{where}.subjects must be true or false, not {subjects!r}")
    lines = {}
    for key in ("password_env", "password_command"):
        text = value.get(key)
        if text is not None and (not isinstance(text, str) or not text.strip() or any(c in text for c in "\r\n\0")):
            raise SettingsError(f"{where}.{key} must be one line of text, not {text!r}")
        lines[key] = text.strip() if isinstance(text, str) else None
    return HarvestSettings(subjects, lines["password_env"] or HARVEST_PASSWORD_VARIABLE, lines["password_command"])


def owners_from(value: object, where: str) -> dict[str, Owner]:
    """`owners:` as a list of owners, or a mapping of each to {name: ..., email: ...}."""
    if isinstance(value, list):
        if not all(isinstance(one, str) for one in value):
            raise SettingsError(f"{where} must list the owners by name, such as [hal, mei]")
        value = dict.fromkeys(value)
    if not isinstance(value, dict):
        raise SettingsError(f"{where} must list the owners, or map each to {{name: ..., email: ...}}")
    owners = {}
    for key, details in value.items():
        if not isinstance(key, str) or not key.strip():
            raise SettingsError(f"{where}: {key!r} is not an owner's name")
        details = details if details is not None else {}
        if not isinstance(details, dict) or set(details) - {"name", "email"} or \
                not all(isinstance(text, str) for text in details.values()):
            raise SettingsError(f"{where}.{key} must be {{name: ..., email: ...}}, not {details!r}")
        email = details.get("email")
        if email is not None and (email.count("@") != 1 or any(c in email for c in "\r\n\0<>, ")):
            raise SettingsError(f"{where}.{key}.email: {email!r} is not a mail address")
        if owner_key(key) in owners:
            raise SettingsError(f"{where}: {key!r} is listed twice")
        owners[owner_key(key)] = Owner(key.strip(), details.get("name") or key.strip(), email)
    return owners


def _whole(lowest: int) -> Check:
    def check(value: object, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
            raise SettingsError(f"{where} must be a whole number of at least {lowest}, not {value!r}")
        return value
    return check


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(f"{where} must be true or false, not {value!r}")
    return value


def _cadence(value: object, where: str) -> Cadence | None:
    try:
        return parse_cadence(value)
    except CadenceError as error:
        raise SettingsError(f"{where}: {error}") from None


def _cadences(what: str, example: str) -> Check:
    """`{name: {cadence: ...}}`, by each name as it is compared (category_key: case and spaces aside)."""
    def check(value: object, where: str) -> dict[str, Cadence | None]:
        if not isinstance(value, dict):
            raise SettingsError(f"{where} must map {what} to its settings, e.g. {example}: {{cadence: monthly}}")
        cadences = {}
        for name, options in value.items():
            if not isinstance(options, dict) or set(options) - {"cadence"}:
                raise SettingsError(f"{where}.{name} must be {{cadence: ...}}, not {options!r}")
            if "cadence" in options:
                cadences[category_key(str(name))] = _cadence(options["cadence"], f"{where}.{name}.cadence")
        return cadences
    return check


def _block(value: object, where: str) -> str:
    try:
        parse_weekly_block(value)
    except DateError as error:
        raise SettingsError(f"{where}: {error}") from None
    return str(value)


def _remind_at(value: object, where: str) -> dt.time:
    try:
        return parse_time_of_day(value)
    except DateError as error:
        raise SettingsError(f"{where}: {error}") from None


def _editor(value: object, where: str) -> str:
    if isinstance(value, str) and value in EDITORS:
        return EDITORS[value]
    if not isinstance(value, str) or not _EDITOR_URL.fullmatch(value) or \
            value.lower().startswith(("javascript:", "data:", "vbscript:")):
        raise SettingsError(f"{where} must be one of {', '.join(EDITORS)} or a link with {{path}} (and {{line}}), "
                            f"such as \"vscode://file{{path}}:{{line}}\"; not {value!r}")
    return value


def _region(value: object, where: str) -> str:
    if not isinstance(value, str) or value.strip().upper() not in regions():
        raise SettingsError(f"{where} must be a country's two-letter code (ISO 3166), such as US, GB or DE; not "
                            f"{value!r}")
    return value.strip().upper()


def _plans(value: object, where: str) -> dict[str, tuple[Cadence, ...]]:
    """`plans: {after-matter: [3d, 2w, 3m]}`: each plan's steps, spans from its start, in order."""
    example = "such as {after-matter: [3d, 2w, 3m]}"
    if not isinstance(value, dict):
        raise SettingsError(f"{where} must name each plan with its steps, {example}")
    plans = {}
    for name, steps in value.items():
        if not isinstance(name, str) or not name.strip() or CONTROL.search(name) or "\n" in name:
            raise SettingsError(f"{where}: {name!r} is not a plan's name (one line of text)")
        if not isinstance(steps, list) or not steps:
            raise SettingsError(f"{where}.{name} must list its steps as spans from its start, {example}")
        spans = []
        for step in steps:
            span = _cadence(str(step) if isinstance(step, str) else step, f"{where}.{name}")
            if span is None:
                raise SettingsError(f"{where}.{name}: a step is a span from the plan's start such as 3d, 2w or 3m, "
                                    "not none")
            spans.append(span)
        if any(later.days <= earlier.days for earlier, later in itertools.pairwise(spans)):
            raise SettingsError(f"{where}.{name}: the steps must come in order, each later than the one before: "
                                f"{steps!r}")
        plans[name.strip()] = tuple(spans)
    return plans


def _generator(value: object, where: str) -> str:
    if value not in GENERATORS:
        raise SettingsError(f"{where} must be one of {', '.join(GENERATORS)}, not {value!r}")
    return str(value)


Check = Callable[[object, str], object]
# Every setting of the followup plugin, by its name in mkdocs.yml: how its value is checked and what it becomes.
# The one place the names come from: the command line reads them through settings_from_mapping, and the MkDocs
# plugin declares one option per name, which runs the same check (site/plugin.py). A setting left out, or
# null, takes its default (Settings).
CHECKS: dict[str, Check] = {
    "default_cadence": _cadence, "categories": _cadences("a category", "family"),
    "organisations": _cadences("an organisation", "Acme Ltd"), "picks_per_day": _whole(0), "soon_days": _whole(0),
    "dates_days": _whole(0), "dashboard_rows": _whole(1), "strict": _flag, "publish": _flag, "block": _block,
    "calendar_notes": _flag, "retry_days": _whole(0), "remind_at": _remind_at, "mail": mail_from_mapping,
    "editor": _editor, "owners": owners_from, "default_region": _region, "me": me_from, "timezone": timezone_from,
    "harvest": harvest_from, "generator": _generator, "plans": _plans,
}
SETTING_NAMES = frozenset(CHECKS)
# a setting whose Settings field is named otherwise
_FIELDS = {"categories": "category_cadence", "organisations": "organisation_cadence"}


def unknown_setting(names: Iterable[object], where: str) -> str | None:
    """The message for the first name that is no setting, or None."""
    unknown = sorted(set(map(str, names)) - SETTING_NAMES)
    return f"{where}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(SETTING_NAMES))}" if unknown else None


def checked_setting(name: str, value: object, where: str) -> object:
    """One setting's value as followup uses it (None: the default); SettingsError naming `where`.name else."""
    return None if value is None else CHECKS[name](value, f"{where}.{name}")


def settings_from_mapping(block: object, contacts: str = "contacts", where: str = "mkdocs.yml: plugins.followup",
                          site_url: object = None, directory_urls: object = True) -> Settings:
    """Validate the followup settings; `contacts` is MkDocs' docs_dir, `where` how messages name the block;
    `site_url` and `directory_urls` are MkDocs' own settings, which say where the pages are."""
    if block is None:
        block = {}
    if not isinstance(block, dict):
        raise SettingsError(f"{where} must be a mapping of settings, not {block!r}")
    unknown = unknown_setting(block, where)
    if unknown:
        raise SettingsError(unknown)
    if site_url is not None and site_url != "" and \
            not (isinstance(site_url, str) and re.match(r"https?://[^\s/]", site_url, re.IGNORECASE)):
        raise SettingsError(f"site_url must be the site's web address, such as https://journal.example/, "
                            f"not {site_url!r}")
    # Any: each value is what its check made it, for the field of that name (checked by the parity test too)
    given: dict[str, Any] = {_FIELDS.get(name, name): checked_setting(name, block.get(name), where) for name in CHECKS}
    return Settings(contacts=contacts, site_url=site_url.rstrip("/") + "/" if isinstance(site_url, str) and site_url
                    else None, directory_urls=directory_urls is not False,
                    **{field: value for field, value in given.items() if value is not None})
