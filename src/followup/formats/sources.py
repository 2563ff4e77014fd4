"""What `followup harvest` reads, each SOURCE told by what it holds rather than by its name: mail (an mbox, a
Maildir, a folder of .eml files, an .eml, an IMAP folder), a calendar (an .ics export, a CalDAV calendar), a phone's
calls and texts (SMS Backup & Restore) and a WhatsApp chat export."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from followup.core.errors import UsageError
from followup.core.phones import number_key
from followup.core.settings import Me
from followup.formats.harvesting import Found

WHAT = {"imap": "mail", "mbox": "mail", "maildir": "mail", "eml": "mail", "eml-file": "mail",
        "caldav": "calendar", "ics": "calendar", "calls": "calls", "texts": "texts", "whatsapp": "WhatsApp"}
HEAD = 65536
_ICS = re.compile(rb"(?:\xef\xbb\xbf)?\s*BEGIN:VCALENDAR", re.IGNORECASE)
KNOWN = ("an mbox, a Maildir, a folder of .eml files, an .ics calendar, a calls- or sms- export of SMS Backup & "
         "Restore, a WhatsApp chat export (.txt or .zip), an imaps:// folder or an https:// CalDAV calendar")


@dataclass(frozen=True)
class Source:
    given: str
    kind: str  # a key of WHAT

    @property
    def what(self) -> str:
        return WHAT[self.kind]

    @property
    def name(self) -> str:
        """How the report and the commit name it: a file's or folder's name, a server's host and folder."""
        if self.kind in ("imap", "caldav"):
            parts = urlsplit(self.given)
            return f"{parts.hostname}/{parts.path.strip('/').rpartition('/')[2]}".rstrip("/")
        return os.path.basename(os.path.normpath(self.given)) or self.given


def source_of(given: str) -> Source:
    """The source a harvest argument names; UsageError naming it when it is none harvest reads."""
    if re.match(r"imaps?://", given, re.IGNORECASE):
        from followup.formats.mailboxes import ImapFolder

        ImapFolder.of(given)
        return Source(given, "imap")
    if re.match(r"https?://", given, re.IGNORECASE):
        from followup.formats.calendars import caldav_user

        caldav_user(given)
        return Source(given, "caldav")
    path = Path(given)
    if path.is_dir():
        from followup.formats.mailboxes import mail_kind

        kind = mail_kind(path, None)
    elif not path.is_file():
        raise UsageError(f"{given}: no such file or folder; nothing was harvested")
    else:
        kind = _file_kind(path)
    if kind is None:
        raise UsageError(f"{given}: not a source harvest reads ({KNOWN}); nothing was harvested")
    return Source(given, kind)


def _file_kind(path: Path) -> str | None:
    from followup.formats.chats import looks_like_chat
    from followup.formats.mailboxes import mail_kind
    from followup.formats.phone_exports import kind_of_export

    with path.open("rb") as stream:
        head = stream.read(HEAD)
    if _ICS.match(head):
        return "ics"
    if head.lstrip().startswith(b"<"):
        return kind_of_export(head)
    if head.startswith(b"PK") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "whatsapp" if any(Path(name).name.startswith(("_chat", "WhatsApp Chat")) and name.endswith(".txt")
                                     for name in archive.namelist()) else None
    return "whatsapp" if looks_like_chat(head) else mail_kind(path, head)


def read_local(source: Source, root: Path, me: Me, now: dt.datetime, local: dt.tzinfo | None,
               region: str | None) -> Iterator[Found]:
    """What a source on this machine says happened; `now` tells a meeting past from one ahead. An export read
    before, unchanged, is replayed from what it gave (formats/remembered.py); mail is read afresh, a mailbox being
    appended to between runs."""
    from followup.formats.remembered import remembered

    path = Path(source.given)
    if source.what == "mail":
        from followup.formats import mailboxes

        return mailboxes.mail_found(mailboxes.read_local(source.given, source.kind), set(me.emails))
    context = repr((source.kind, source.name, me, str(local), region))
    if source.kind == "ics":
        from followup.formats.calendars import read_ics

        return remembered(root, path, context, now, local,
                          lambda: read_ics(path, source.name, set(me.emails), now, local))
    if source.kind == "whatsapp":
        from followup.formats.chats import read_chat

        return remembered(root, path, context, now, local, lambda: read_chat(path, source.name, me.names, region))
    from followup.formats.phone_exports import read_export

    mine = {key for key in (number_key(phone, region) for phone in me.phones) if key}
    return remembered(root, path, context, now, local, lambda: read_export(path, source.name, region, mine))
