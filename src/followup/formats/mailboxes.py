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
import email.utils
import hashlib
import imaplib
import os
import re
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import unquote, urlsplit

from followup.core.errors import MailError, UsageError
from followup.core.shown import one_line
from followup.formats.harvesting import Found, Happening, Skip, Unread

HEADER_FIELDS = ("From", "To", "Cc", "Bcc", "Date", "Subject", "Message-ID", "List-Id", "Precedence",
                 "Auto-Submitted")
HEADERS_MAX = 256 * 1024  # a header block longer than this is not a message's (or is a hostile one)
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


_WANTED = {name.lower() for name in HEADER_FIELDS}
_ENCODED_WORD = "=?"


def _fields(block: bytes) -> dict[str, list[str]]:
    """The header fields a harvest reads, each value unfolded, by lowercase name (every To, Cc and Bcc line).
    Read by hand rather than by the email package's header classes: those took 1.4 ms a message, and an
    mbox of 100,000 messages is read again on every run."""
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in block.decode("utf-8", "surrogateescape").splitlines():
        if line[:1] in (" ", "\t"):
            if current is not None:
                current[-1] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        if not colon or name not in _WANTED:
            current = None
            continue
        current = fields.setdefault(name, [])
        current.append(value.strip())
    return fields


_RAW_BYTE = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8, kept by surrogateescape
_PLAIN_ADDRESS = re.compile(r"\s*(?:([^<>,\"()\\:;]*?)\s*<([^<>,\s\"()\\:;]+@[^<>,\s\"()\\:;]+)>|"
                            r"([^<>,\s\"()\\:;]+@[^<>,\s\"()\\:;]+))\s*(?:,|$)")


def _decoded(value: str) -> str:
    """A header's text: RFC 2047 encoded words decoded, raw 8-bit bytes read as UTF-8 (else shown as U+FFFD)."""
    if _RAW_BYTE.search(value):
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if _ENCODED_WORD in value:  # a word that cannot be decoded is shown as written
        with contextlib.suppress(ValueError, LookupError, UnicodeError, HeaderParseError):
            value = str(make_header(decode_header(value)))
    return one_line(value)


def _text(fields: dict[str, list[str]], name: str) -> str:
    return _decoded(fields[name][0]) if fields.get(name) else ""


def _split(value: str) -> list[tuple[str, str]]:
    """(display name, address) of each address of a header: the plain forms most mail writes (a@b, Name <a@b>)
    matched at once, anything else (quotes, comments, groups) by the email package's parser."""
    found, position = [], 0
    while position < len(value):
        plain = _PLAIN_ADDRESS.match(value, position)
        if plain is None or plain.end() == position:
            return email.utils.getaddresses([value])
        found.append((plain[1] or "", plain[2] or plain[3]))
        position = plain.end()
    return found


def _addresses(fields: dict[str, list[str]], *names: str) -> list[tuple[str, str]]:
    return [(address.casefold(), _decoded(display)) for name in names for value in fields.get(name, [])
            for display, address in _split(value) if "@" in address]


def _when(fields: dict[str, list[str]]) -> dt.datetime | None:
    raw = _text(fields, "date")
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
    fields = _fields(headers)
    senders = _addresses(fields, "from")
    if not senders and not fields.get("date"):
        return Unread(where, "not a mail message (no From, no Date)")
    sender, sender_name = senders[0] if senders else ("", "")
    recipients = tuple(_addresses(fields, "to", "cc", "bcc"))
    subject = _text(fields, "subject")
    identity = _text(fields, "message-id").strip("<> ")
    if not identity:  # the same message in two exports says the same date, sender, recipients and subject
        identity = "|".join([_text(fields, "date"), sender, ",".join(sorted(a for a, _ in recipients)), subject])
    key = hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
    precedence = _text(fields, "precedence").lower()
    submitted = _text(fields, "auto-submitted").lower()
    automatic = bool(_text(fields, "list-id")) or precedence in ("bulk", "list", "junk") or \
        (submitted not in ("", "no"))
    return Message(key, _when(fields), sender, sender_name, recipients, subject, automatic, where)


def mail_found(messages: Iterable[Message | Unread], me: set[str]) -> Iterator[Found]:
    """What each message says happened: mine to people, a touch of each; theirs to me, a reply owed. Mail of
    lists and machines is neither, and mail with no date is named in the report."""
    for one in messages:
        if isinstance(one, Unread):
            yield one
        elif one.automatic:
            yield Skip("from a list or a machine")
        elif one.when is None:
            yield Skip("no date that can be read", one.where)
        elif one.sender in me:
            others = tuple((f"mail:{address}", name) for address, name in one.recipients if address not in me)
            yield Happening(one.key, one.when, "touch", "email", others, one.subject, where=one.where) if others \
                else Skip("to myself")
        else:
            yield Happening(one.key, one.when, "heard", "email", ((f"mail:{one.sender}", one.sender_name),),
                            one.subject, where=one.where)


# ---- sources ----------------------------------------------------------------------------------------------------

_BLANK_THEN_FROM = re.compile(rb"\n\r?\n(?=From )")
_HEADERS_END = re.compile(rb"\r?\n\r?\n")
_CHUNK = 1 << 22  # read at a time: bodies are found past with a search, never line by line


class _Scan:
    """An mbox read in chunks, the bytes before `start` let go: the text near where the scan is, and the line
    number of any position at or after the last one asked."""

    def __init__(self, stream):
        self.stream, self.data, self.start, self.eof = stream, b"", 0, False
        self.counted, self.line = 0, 1  # self.line is the line of absolute position self.counted

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        self.eof = not chunk
        self.data += chunk
        return bool(chunk)

    def forget_before(self, position: int) -> None:
        """Positions before this one are never asked for again."""
        cut = position - self.start
        if cut > _CHUNK:
            self.line_of(position)
            self.data, self.start = self.data[cut:], position

    def line_of(self, position: int) -> int:
        self.line += self.data.count(b"\n", self.counted - self.start, position - self.start)
        self.counted = position
        return self.line


def _mbox_messages(stream) -> Iterator[tuple[int, bytes | None, str]]:
    """(the line of its "From " line, its header block, or None and why) of each message of an mbox. A "From "
    line starts a message only at the start or after a blank line, and only if it looks like one (a date in it):
    a body's own "From " lines, which mboxo leaves unquoted, are not taken for one."""
    scan = _Scan(stream)
    scan.more()
    at = 0 if scan.data.startswith(b"From ") else None  # the absolute position of the next "From " line
    search = 0
    while True:
        while at is None:  # past a body: to the next blank line followed by "From "
            found = _BLANK_THEN_FROM.search(scan.data, max(search - scan.start, 0))
            if found is not None:
                at = scan.start + found.end()
                break
            search = scan.start + max(len(scan.data) - 3, 0)
            scan.forget_before(search)
            if not scan.more():
                return
        while b"\n" not in scan.data[at - scan.start:at - scan.start + 1024] and scan.more():
            pass
        line_end = scan.data.find(b"\n", at - scan.start)
        first = scan.data[at - scan.start:line_end if line_end >= 0 else len(scan.data)]
        if not _MBOX_FROM.match(first):  # "From " in a body, after a blank line: not a separator
            search, at = at + 5, None
            continue
        line = scan.line_of(at)
        headers_at = scan.start + (line_end + 1 if line_end >= 0 else len(scan.data))
        while True:
            found = _HEADERS_END.search(scan.data, headers_at - scan.start)
            if found is not None or len(scan.data) - (headers_at - scan.start) > HEADERS_MAX or not scan.more():
                break
        if found is None:
            if len(scan.data) - (headers_at - scan.start) > HEADERS_MAX:
                yield line, None, f"its headers run past {HEADERS_MAX // 1024} KB"
                search, at = headers_at, None
                continue
            yield line, None, "the file ends inside its headers (a truncated mbox?)"
            return
        yield line, scan.data[headers_at - scan.start:found.start() + 1], ""
        search, at = scan.start + found.start(), None
        scan.forget_before(search)


def read_mbox(path: Path, name: str) -> Iterator[Message | Unread]:
    """Each message of an mbox (Thunderbird, Google Takeout, mutt; mboxo and mboxrd), its header block alone
    read: a body is searched past, and never held."""
    number = 0
    with path.open("rb") as stream:
        for number, (line, headers, why) in enumerate(_mbox_messages(stream), start=1):
            where = f"{name}: message {number} (line {line})"
            yield message_of(headers, where) if headers is not None else Unread(where, why)
    if number == 0:
        yield Unread(name, "holds no message: an mbox starts each with a 'From ' line")


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


def mail_kind(path: Path, head: bytes | None) -> str | None:
    """What mail a path holds: a folder's (head None) "maildir" or "eml" (of .eml files), a file's "mbox" or
    "eml-file" (from the start of it); None when it holds none."""
    if head is None:
        if (path / "cur").is_dir() and (path / "new").is_dir():
            return "maildir"
        return "eml" if any(entry.suffix.lower() == ".eml" for entry in path.rglob("*")) else None
    if head.startswith(b"From ") and _MBOX_FROM.match(head.split(b"\n", 1)[0]):
        return "mbox"
    if path.suffix.lower() == ".eml" or re.match(rb"(?:[A-Za-z-]+:[^\n]*\r?\n)+", head):
        return "eml-file"
    return None


def read_local(source: str, kind: str) -> Iterator[Message | Unread]:
    """The messages of a source on this machine (mail_kind)."""
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
