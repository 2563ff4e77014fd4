"""Mail as the user already has it, read for who wrote to whom and when: an mbox file (Thunderbird's local folders,
Google Takeout, mutt; mboxo and mboxrd), a Maildir folder (mbsync, offlineimap, notmuch, mutt), a folder of .eml
files, or an IMAP folder of the user's own server.

Only the headers are read. A body is never loaded: an mbox is streamed line by line and its bodies skipped, a
message file is read up to the blank line that ends its headers, and IMAP is asked for the header fields alone
(BODY.PEEK, which marks nothing read). What cannot be read (a file that is not a message, a header block past
HEADERS_MAX, a truncated mbox) is a line of the report; the rest is read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
import email.utils
import hashlib
import imaplib
import os
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from followup.core.errors import MailError, UsageError
from followup.core.shown import one_line

HEADER_FIELDS = ("From", "To", "Cc", "Bcc", "Date", "Subject", "Message-ID", "List-Id", "Precedence",
                 "Auto-Submitted")
HEADERS_MAX = 256 * 1024  # a header block longer than this is not a message's (or is a hostile one)
_PARSER = BytesHeaderParser(policy=email.policy.default)
_MBOX_FROM = re.compile(rb"^From \S.*\d{1,2}:\d{2}")  # "From - Sat Nov 20 10:00:00 2026", Takeout's, mutt's
_HEADER_END = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True)
class Message:
    """One message as a harvest needs it."""

    key: str  # what it is known by across runs and clones: a digest of its Message-ID, else of what it says
    when: dt.datetime | None  # None: no Date a reader could trust
    sender: str  # the address, casefolded
    sender_name: str
    recipients: tuple[tuple[str, str], ...]  # (address casefolded, display name) of To, Cc and Bcc
    subject: str
    automatic: bool  # a mailing list's, or a machine's (List-Id, Precedence, Auto-Submitted)
    where: str  # for the report: "Inbox: message 3 (line 41)"


@dataclass(frozen=True)
class Unread:
    where: str
    reason: str


def _text(message: EmailMessage, name: str) -> str:
    """A header's text, RFC 2047 words decoded; a header written in raw 8-bit bytes read as UTF-8, else Latin-1."""
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, AttributeError):  # the policy's parser meets what no RFC allows
        value = None
    if value is None:
        raw = message.get_all(name, failobj=[])
        value = str(raw[0]) if raw else ""
    text = str(value)
    if any("\udc80" <= char <= "\udcff" for char in text):  # raw bytes the parser kept as they came
        written = text.encode("utf-8", "surrogateescape")
        try:
            text = written.decode("utf-8")
        except UnicodeDecodeError:
            text = written.decode("latin-1")
    return one_line(text)


def _addresses(message: EmailMessage, *names: str) -> list[tuple[str, str]]:
    values = []
    for name in names:
        try:
            values += [str(value) for value in message.get_all(name, failobj=[])]
        except (ValueError, IndexError, TypeError, AttributeError):
            continue
    return [(address.casefold(), one_line(display)) for display, address in email.utils.getaddresses(values)
            if "@" in address]


def _when(message: EmailMessage) -> dt.datetime | None:
    raw = _text(message, "Date")
    if not raw:
        return None
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or not 1900 <= when.year <= 2200:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)  # RFC 2822: UTC when unsaid


def message_of(headers: bytes, where: str) -> Message | Unread:
    """A message from its header block."""
    message = _PARSER.parsebytes(headers)
    senders = _addresses(message, "From")
    if not senders and not message.get_all("Date", failobj=[]):
        return Unread(where, "not a mail message (no From, no Date)")
    sender, sender_name = senders[0] if senders else ("", "")
    recipients = tuple(_addresses(message, "To", "Cc", "Bcc"))
    subject = _text(message, "Subject")
    when = _when(message)
    identity = _text(message, "Message-ID").strip("<> ")
    if not identity:  # the same message in two exports says the same date, sender, recipients and subject
        identity = "|".join([_text(message, "Date"), sender, ",".join(sorted(a for a, _ in recipients)), subject])
    key = hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
    precedence = _text(message, "Precedence").lower()
    submitted = _text(message, "Auto-Submitted").lower()
    automatic = bool(_text(message, "List-Id")) or precedence in ("bulk", "list", "junk") or \
        (submitted not in ("", "no"))
    return Message(key, when, sender, sender_name, recipients, subject, automatic, where)


# ---- sources ----------------------------------------------------------------------------------------------------

def read_mbox(path: Path, name: str) -> Iterator[Message | Unread]:
    """Each message of an mbox, its header block alone kept in memory. A "From " line starts a message only after
    a blank line (or at the start), and only if it looks like one: a body's own "From " lines (mboxo leaves them
    unquoted) are not taken for one."""
    number = 0
    headers: list[bytes] | None = None  # the header block being read, None inside a body
    size = 0
    start_line = 0
    previous_blank = True
    with path.open("rb") as stream:
        for line_number, line in enumerate(stream, start=1):
            if previous_blank and line.startswith(b"From ") and _MBOX_FROM.match(line):
                if headers is not None:
                    yield _ended(f"{name}: message {number} (line {start_line})")
                number, headers, size, start_line = number + 1, [], 0, line_number
                previous_blank = False
                continue
            previous_blank = line in (b"\n", b"\r\n")
            if headers is None:
                continue
            if previous_blank:  # the blank line after the headers: the message's body follows, skipped
                yield message_of(b"".join(headers), f"{name}: message {number} (line {start_line})")
                headers = None
                continue
            size += len(line)
            if size > HEADERS_MAX:
                yield Unread(f"{name}: message {number} (line {start_line})",
                             f"its headers run past {HEADERS_MAX // 1024} KB")
                headers = None
                continue
            headers.append(line)
    if headers is not None:
        yield _ended(f"{name}: message {number} (line {start_line})")
    if number == 0:
        yield Unread(name, "holds no message: an mbox starts each with a 'From ' line")


def _ended(where: str) -> Unread:
    """A message whose headers the file cut short: what they would have said (a recipient more?) is unknown."""
    return Unread(where, "the file ends inside its headers (a truncated mbox?)")


def _header_block(path: Path) -> bytes | None:
    """A message file's headers (up to the blank line), never its body; None when they run past HEADERS_MAX."""
    block = b""
    with path.open("rb") as stream:
        while len(block) <= HEADERS_MAX:
            chunk = stream.read(16384)
            if not chunk:
                return block
            block += chunk
            end = _HEADER_END.search(block)
            if end:
                return block[:end.start() + 1]
    return None


def _read_files(paths: list[Path], name: str, root: Path) -> Iterator[Message | Unread]:
    for path in paths:
        where = f"{name}: {path.relative_to(root).as_posix()}"
        try:
            if path.is_symlink() or not path.is_file():
                yield Unread(where, "not a message file")
                continue
            block = _header_block(path)
        except OSError as error:
            yield Unread(where, f"cannot be read: {error.strerror or error}")
            continue
        if block is None:
            yield Unread(where, f"its headers run past {HEADERS_MAX // 1024} KB")
            continue
        yield message_of(block, where)


def read_maildir(path: Path, name: str) -> Iterator[Message | Unread]:
    """Each message of a Maildir (cur/ and new/; tmp/ holds what is still being delivered)."""
    files = sorted(entry for folder in ("cur", "new") for entry in (path / folder).iterdir()
                   if not entry.name.startswith("."))
    return _read_files(files, name, path)


def read_eml_folder(path: Path, name: str) -> Iterator[Message | Unread]:
    files = sorted(entry for entry in path.rglob("*") if entry.suffix.lower() == ".eml")
    return _read_files(files, name, path)


def kind_of(source: str) -> str:
    """What a harvest SOURCE is: "imap", "maildir", "eml", "mbox"; UsageError naming it when it is none."""
    if re.match(r"imaps?://", source, re.IGNORECASE):
        return "imap"
    path = Path(source)
    if path.is_dir():
        if (path / "cur").is_dir() and (path / "new").is_dir():
            return "maildir"
        if any(entry.suffix.lower() == ".eml" for entry in path.rglob("*")):
            return "eml"
        raise UsageError(f"{source}: a folder that is neither a Maildir (cur/ new/ tmp/) nor one of .eml files; "
                         "nothing was harvested")
    if not path.is_file():
        raise UsageError(f"{source}: no such file or folder; nothing was harvested")
    with path.open("rb") as stream:
        head = stream.read(65536)
    if head.startswith(b"From ") and _MBOX_FROM.match(head.split(b"\n", 1)[0]):
        return "mbox"
    if path.suffix.lower() == ".eml" or re.match(rb"(?:[A-Za-z-]+:[^\n]*\r?\n)+", head):
        return "eml-file"
    raise UsageError(f"{source}: not an mbox, a Maildir, a folder of .eml files nor an IMAP URL; nothing was "
                     "harvested")


def read_local(source: str, kind: str) -> Iterator[Message | Unread]:
    """The messages of a source on this machine (kind_of)."""
    path = Path(source)
    name = os.path.basename(os.path.normpath(source)) or source
    if kind == "mbox":
        return read_mbox(path, name)
    if kind == "maildir":
        return read_maildir(path, name)
    if kind == "eml":
        return read_eml_folder(path, name)
    return _read_files([path], name, path.parent)


# ---- IMAP -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImapFolder:
    """imaps://user@host[:port]/FOLDER (TLS from the start), or imap://... (STARTTLS, refused without it)."""

    user: str
    host: str
    port: int
    folder: str
    starttls: bool

    @classmethod
    def of(cls, url: str) -> ImapFolder:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("imap", "imaps") or not parts.hostname or not parts.username or parts.password:
            raise UsageError(f"{url}: an IMAP source is imaps://user@host[:port]/FOLDER (the password is never in "
                             "it: see harvest's password_env and password_command settings); nothing was harvested")
        try:
            port = parts.port or (993 if scheme == "imaps" else 143)
        except ValueError:
            raise UsageError(f"{url}: the port is not a number; nothing was harvested") from None
        return cls(unquote(parts.username), parts.hostname, port, unquote(parts.path.lstrip("/")) or "INBOX",
                   scheme == "imap")

    @property
    def name(self) -> str:
        return f"{'imap' if self.starttls else 'imaps'}://{self.user}@{self.host}:{self.port}/{self.folder}"


class ImapReading:
    """The new messages of an IMAP folder: those past `after` (UIDVALIDITY, last UID), their header fields alone,
    fetched in batches. After reading, `state` is where the next run goes on from; `dropped` says why the reading
    stopped early (the server went away mid-fetch), and the messages read until then count."""

    BATCH = 500

    def __init__(self, folder: ImapFolder, password: str, after: tuple[int, int] | None,
                 context: ssl.SSLContext | None = None, timeout: float = 60):
        self.folder, self.after = folder, after
        self.state: tuple[int, int] | None = after
        self.dropped: str | None = None
        context = context or ssl.create_default_context()
        where = f"{folder.host}:{folder.port}"
        try:
            if folder.starttls:
                self.connection: imaplib.IMAP4 = imaplib.IMAP4(folder.host, folder.port, timeout=timeout)
                if "STARTTLS" not in self.connection.capabilities:
                    raise MailError(f"{where} does not offer STARTTLS: the password would go in the clear, so it was "
                                    "not sent (use imaps://)")
                self.connection.starttls(ssl_context=context)
            else:
                self.connection = imaplib.IMAP4_SSL(folder.host, folder.port, ssl_context=context, timeout=timeout)
        except (OSError, imaplib.IMAP4.error) as error:
            raise MailError(f"{where}: cannot connect: {getattr(error, 'strerror', None) or error}") from None
        try:
            self.connection.login(folder.user, password)
        except imaplib.IMAP4.error:
            raise MailError(f"{where} refused the user {folder.user!r} or its password") from None
        except OSError as error:
            raise MailError(f"{where}: the connection failed while logging in: {error}") from None

    def _select(self) -> int:
        kind, data = self.connection.select(_quoted(self.folder.folder), readonly=True)  # EXAMINE: nothing marked
        if kind != "OK":
            raise MailError(f"{self.folder.name}: no such folder ({(data[0] or b'').decode(errors='replace')})")
        _, validity = self.connection.response("UIDVALIDITY")
        return int(validity[0]) if validity and validity[0] else 0

    def messages(self) -> Iterator[Message | Unread]:
        try:
            validity = self._select()
            last = self.after[1] if self.after and self.after[0] == validity else 0  # a new UIDVALIDITY: all anew
            self.state = (validity, last)
            _, found = self.connection.uid("SEARCH", f"UID {last + 1}:*")
            uids = sorted(uid for uid in map(int, (found[0] or b"").split()) if uid > last)
            fields = " ".join(HEADER_FIELDS).upper()
            for start in range(0, len(uids), self.BATCH):
                batch = uids[start:start + self.BATCH]
                _, data = self.connection.uid("FETCH", ",".join(map(str, batch)),
                                              f"(UID BODY.PEEK[HEADER.FIELDS ({fields})])")
                for item in data:
                    if not isinstance(item, tuple):
                        continue
                    uid = re.search(rb"UID (\d+)", item[0])
                    if uid is None:
                        continue
                    yield message_of(item[1], f"{self.folder.name}: UID {int(uid[1])}")
                    self.state = (validity, max(self.state[1], int(uid[1])))
        except (OSError, imaplib.IMAP4.abort, imaplib.IMAP4.error) as error:
            self.dropped = f"{self.folder.host}:{self.folder.port} dropped the connection ({error}); the next " \
                           "harvest goes on from the last message read"
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                self.connection.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
