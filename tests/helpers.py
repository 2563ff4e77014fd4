"""What the tests share: a real journal in a temp dir with a real git repo (built by real MkDocs, run through the
real console script), clones of it, ports and a browser on loopback, and address-book exports written byte
for byte as the tools write them (no file is copied from another project)."""

from __future__ import annotations

import base64
import contextlib
import csv
import functools
import http.server
import imaplib
import importlib.util
import io
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest
import trustme
from bs4 import BeautifulSoup

from followup.store.journal import Journal
from followup.store.places import state_folder
from followup.store.scaffold import create_journal
from followup.store.trust import trust

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent  # the repository: the demo journal's mkdocs.yml and contacts/
CORPUS = TESTS / "corpus"
FIXTURES = TESTS / "fixtures"
ARTIFACTS = TESTS / "artifacts"
TODAY = "2026-11-23"
BIN = Path(sys.executable).parent
# The site is built with ProperDocs when it is installed (CI runs the build tests so too), as `followup build`
# does, else with MkDocs.
DOCS_TOOL = "properdocs" if importlib.util.find_spec("properdocs") is not None else "mkdocs"
# Debian's chromium (installed by .ci/run). Without these flags it tries Google's hosts at start, and this
# machine has no network beyond loopback.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps"]


# ---- a journal --------------------------------------------------------------------------------------------

def front(**fields) -> str:
    lines = ["---"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """What every test runs in: a fixed day, git and followup's folders of the test's own, no user settings."""
    monkeypatch.setenv("FOLLOWUP_TODAY", TODAY)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path_factory.getbasetemp() / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    # followup's own folders (caches, drafts, the lock, what the user trusted) are the test's, never the machine's
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Tess Tester")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "tess@example.org")
    for variable in ("FOLLOWUP_JOURNAL", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")


@contextlib.contextmanager
def module_journal(tmp_path_factory):
    """A journal for a module's tests that only read it (a built site that many browser checks look at), in an
    environment as isolated as each test's (a module's fixture is set up before any test's own)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, tmp_path_factory)
        root = tmp_path_factory.mktemp("module") / "journal"
        create_journal(root)
        yield TempJournal(root)


class TempJournal:
    """A journal made by followup init in a temp dir, with its own git repository."""

    def __init__(self, root: Path):
        self.root = root
        self.contacts = root / "contacts"

    def write(self, rel: str, text: str) -> Path:
        path = self.contacts / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True, check=check)

    def commit(self, message: str, date: str | None = None) -> str:
        env = dict(os.environ)
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00"
        subprocess.run(["git", "-C", str(self.root), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(self.root), "commit", "-q", "-m", message], check=True, env=env)
        return self.git("rev-parse", "--short", "HEAD").stdout.strip()

    def settings(self, block: str) -> None:
        """The followup plugin's options in mkdocs.yml, replaced by these (YAML)."""
        config = self.root / "mkdocs.yml"
        text = config.read_text()
        head, _, tail = text.partition("  - followup:\n")
        options = textwrap.indent(textwrap.dedent(block).strip(), "      ")
        rest = tail[tail.index("\nextra:"):] if "\nextra:" in tail else ""
        config.write_text(head + "  - followup:\n" + options + rest)
        trust(self.root)  # the user's own change, which they trust (followup trust)

    def fields(self, name: str) -> dict:
        """A contact file's front matter, as YAML reads it."""
        import yaml

        return yaml.safe_load((self.contacts / name).read_text().split("---")[1])

    def log(self, name: str) -> list[str]:
        """A contact file's log lines."""
        return [line for line in (self.contacts / name).read_text().splitlines() if line.startswith("- ")]

    @property
    def cache(self) -> Path:
        """The journal's folder in the user's cache: its caches, drafts and lock."""
        return state_folder(self.root)

    def build(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        config = "properdocs.yml" if (self.root / "properdocs.yml").exists() else "mkdocs.yml"
        result = subprocess.run([str(BIN / DOCS_TOOL), "build", "-f", config, *args], cwd=self.root,
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"{DOCS_TOOL} build failed:\n{result.stdout}\n{result.stderr}")
        return result

    def page(self, url: str = "") -> BeautifulSoup:
        path = self.root / "site" / url / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def followup(self, *args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        """The real console script, run from the journal's root."""
        return subprocess.run([str(BIN / "followup"), *args], cwd=self.root, capture_output=True, text=True,
                              input=input, env={**os.environ, **(env or {})})


_MEASURED = """import resource, subprocess, sys
done = subprocess.run(sys.argv[2:])
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(done.returncode)"""


def run_measured(args: list[str], cwd: Path, input: bytes | None = None) -> tuple[subprocess.CompletedProcess, float]:
    """A command's result and its own peak memory in MB: run from a process of its own, whose children are the
    command alone (the test's own RUSAGE_CHILDREN would hold the largest of every command it ever ran)."""
    with tempfile.NamedTemporaryFile("r") as peak:
        done = subprocess.run([sys.executable, "-c", _MEASURED, peak.name, *args], cwd=cwd, input=input,
                              capture_output=True)
        kilobytes = int(peak.read() or 0)
    return subprocess.CompletedProcess(args, done.returncode, done.stdout.decode(errors="replace"),
                                       done.stderr.decode(errors="replace")), kilobytes / 1024


def slugs(soup, section_id: str) -> list[str]:
    """data-slug of each person listed in a dashboard section, in order."""
    heading = soup.find(id=section_id)
    assert heading is not None, f"no #{section_id} on the page"
    block = heading.find_next_sibling("div", attrs={"data-fu-section": section_id})
    return [item["data-slug"] for item in block.select("[data-slug]")]


def sign_commits(journal: TempJournal, folder: Path) -> Path:
    """Every commit of the journal signed, as some users have git do it (an SSH key without a passphrase
    written in `folder`): the public key's path."""
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "key")], check=True)
    for key, value in [("gpg.format", "ssh"), ("user.signingkey", str(folder / "key.pub")), ("commit.gpgSign", "true")]:
        journal.git("config", key, value)
    return folder / "key.pub"


def commits(journal: TempJournal) -> list[str]:
    return journal.git("log", "--format=%s").stdout.splitlines()


def timeline(journal: TempJournal, slug: str) -> list[tuple[str, str, str]]:
    loaded = Journal.load(journal.root)
    return [(str(e.date), e.kind, e.text) for e in loaded.timeline(loaded.by_slug[slug])]


# Notes written to attack the site: scripts behind links and images, and images fetched from elsewhere.
HOSTILE_NOTES = """\
[a1](javascript:alert(1)) ![a2](javascript:alert(2)) [a3](jav&#x61;script:alert(3)) [a4](&#106;avascript:alert(4))
[a5](javascript&colon;alert(5)) [a6](&#x0A;javascript:alert(6)) [a7](JaVaScRiPt:alert(7))
[a8](data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==) [a9](vbscript:msgbox(9))
[a10](	javascript:alert(10))

[r1][1] [r2][2] [r3][3] ![r4][4] [r5][5]

[1]: javascript:alert(11)
[2]: jav&#x61;script:alert(12)
[3]: &#106;avascript:alert(13)
[4]: javascript:alert(14)
[5]: &#x0A;javascript:alert(15)

![i1](&#104;ttps://evil.example/1.png) ![i2](/\\evil.example/2.png) ![i3](\\\\evil.example/3.png)
![i4](//evil.example/4.png) ![i5][6] ![i6](https://evil.example/6.png) ![i7](/etc/7.png) ![i8](../../../8.png)

[6]: &#104;ttps://evil.example/5.png

[fine](https://example.org) [mail](mailto:ana@example.org) [call](tel:+15550100) [text](sms:+15550100) [up](../)
"""
ALLOWED_SCHEMES = ("http", "https", "mailto", "tel", "sms")


def as_browser_reads(url: str) -> str:
    """A URL as a browser reads it: tabs and newlines dropped, spaces and controls at the ends stripped."""
    return re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(33)))).replace("\\", "/")


# ---- clones, ports, a server ----------------------------------------------------------------------------------

def clone(journal: TempJournal, tmp_path: Path, name: str) -> Path:
    """A clone of a shared bare repository, as two laptops syncing through a server would have."""
    hub = tmp_path / "hub.git"
    if not hub.exists():
        subprocess.run(["git", "clone", "-q", "--bare", str(journal.root), str(hub)], check=True)
    target = tmp_path / name
    subprocess.run(["git", "clone", "-q", str(hub), str(target)], check=True)
    subprocess.run(["followup", "git-setup"], cwd=target, check=True, capture_output=True)
    return target


def run(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=folder, capture_output=True, text=True, check=check)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    with socket.socket() as client:
        return client.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        """Requests are not logged: a test's output is its own."""


def serve(folder: Path):
    """A built site served on 127.0.0.1 by a plain static server: (server, its URL)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# ---- a real IMAP server --------------------------------------------------------------------------------------

DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={uid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
  inet_listener imaps {{
    port = {imaps}
    ssl = yes
  }}
}}
"""
MAIL_USER_UID = 65534  # nobody: dovecot runs no mail process as root


class ImapServer:
    """A dovecot of the test's own (a config, a throwaway mail store, a certificate of a test authority), on two
    ports of 127.0.0.1: imaps and imap with STARTTLS; user tess, password s3cret."""

    def __init__(self, root: Path, authority: trustme.CA):
        self.root, self.imap_port, self.imaps_port = root, free_port(), free_port()
        for folder in ("run", "state", "home"):
            (root / folder).mkdir(parents=True)
        cert = authority.issue_cert("127.0.0.1", "localhost")
        cert.private_key_pem.write_to_path(str(root / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
        authority.cert_pem.write_to_path(str(root / "ca.pem"))
        (root / "passwd").write_text("tess:{PLAIN}s3cret\n")
        (root / "dovecot.conf").write_text(DOVECOT_CONF.format(root=root, uid=MAIL_USER_UID, imap=self.imap_port,
                                                               imaps=self.imaps_port))
        os.chown(root / "home", MAIL_USER_UID, MAIL_USER_UID)
        for level in (root, root.parent):  # the mail processes (user nobody) must reach their home
            os.chmod(level, os.stat(level).st_mode | 0o011)
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(root / "dovecot.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(lambda: answers(self.imaps_port) and answers(self.imap_port), 30)
        self.env = {"SSL_CERT_FILE": str(root / "ca.pem")}
        self.context = ssl.create_default_context(cafile=str(root / "ca.pem"))
        self.relays: list[socket.socket] = []

    def _client(self) -> imaplib.IMAP4_SSL:
        client = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=self.context)
        client.login("tess", "s3cret")
        return client

    def append(self, *messages: bytes) -> None:
        """Messages delivered to the INBOX, as a mail client's APPEND puts them there: one login for them all
        (a login per message makes dovecot's authentication answer "temporary failure" under load)."""
        with self._client() as client:
            for message in messages:
                client.append("INBOX", None, None, message)

    def unseen(self) -> int:
        with self._client() as client:
            client.select("INBOX", readonly=True)
            return len(client.search(None, "UNSEEN")[1][0].split())

    def dropping_relay(self, after_bytes: int) -> int:
        """A port that relays to imaps the first time, and closes the connection after the server has sent
        `after_bytes` (a server going away mid-fetch); later connections are relayed whole."""
        listener = socket.create_server(("127.0.0.1", 0))
        self.relays.append(listener)
        served = {"count": 0}

        def pump(source: socket.socket, target: socket.socket, limit: int | None) -> None:
            sent = 0
            try:
                while chunk := source.recv(65536):
                    if limit is not None and sent + len(chunk) > limit:
                        break
                    target.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            for one in (source, target):
                with contextlib.suppress(OSError):
                    one.shutdown(socket.SHUT_RDWR)
                one.close()

        def accept() -> None:
            while True:
                try:
                    client, _ = listener.accept()
                except OSError:
                    return
                upstream = socket.create_connection(("127.0.0.1", self.imaps_port))
                limit = after_bytes if served["count"] == 0 else None
                served["count"] += 1
                threading.Thread(target=pump, args=(client, upstream, None), daemon=True).start()
                threading.Thread(target=pump, args=(upstream, client, limit), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return listener.getsockname()[1]

    def stop(self) -> None:
        for relay in self.relays:
            relay.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


# ---- a real CalDAV server -------------------------------------------------------------------------------------

RADICALE_CONF = """\
[server]
hosts = 127.0.0.1:{port}
ssl = True
certificate = {root}/cert.pem
key = {root}/key.pem
[auth]
type = htpasswd
htpasswd_filename = {root}/users
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = {root}/collections
[web]
type = none
[logging]
level = warning
"""


class CalDavServer:
    """A Radicale of the test's own on 127.0.0.1, over TLS under a test authority: user tess, password s3cret.
    Calendars are made and filled over HTTP as a calendar app does it (MKCALENDAR, then a PUT an event)."""

    def __init__(self, root: Path, authority: trustme.CA):
        self.root, self.port = root, free_port()
        root.mkdir(parents=True)
        cert = authority.issue_cert("127.0.0.1", "localhost")
        cert.private_key_pem.write_to_path(str(root / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
        authority.cert_pem.write_to_path(str(root / "ca.pem"))
        (root / "users").write_text("tess:s3cret\n")
        (root / "radicale.conf").write_text(RADICALE_CONF.format(root=root, port=self.port))
        self.process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(root / "radicale.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        wait_for(lambda: answers(self.port), 30)
        self.env = {"SSL_CERT_FILE": str(root / "ca.pem")}
        self.context = ssl.create_default_context(cafile=str(root / "ca.pem"))

    def url(self, calendar: str, user: str = "tess") -> str:
        return f"https://{user}@127.0.0.1:{self.port}/tess/{calendar}/"

    def request(self, method: str, path: str, body: bytes = b"", **headers: str) -> int:
        import http.client

        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=30)
        secret = base64.b64encode(b"tess:s3cret").decode()
        connection.request(method, path, body, {"Authorization": f"Basic {secret}", **headers})
        status = connection.getresponse().status
        connection.close()
        return status

    def calendar(self, name: str, *events: bytes) -> None:
        """A calendar of these events, each an iCalendar object of one UID as the app PUTs it."""
        assert self.request("MKCALENDAR", f"/tess/{name}/") == 201
        for number, event in enumerate(events):
            assert self.request("PUT", f"/tess/{name}/event{number}.ics", event,
                                **{"Content-Type": "text/calendar; charset=utf-8"}) == 201

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


# ---- address books, as the tools write them ---------------------------------------------------------------

# A few hundred bytes of a JPEG, as phones embed them; base64, folded at 76 columns as iOS does.
PHOTO = base64.b64encode(bytes(range(256)) * 3).decode()


def fold(line: str, width: int = 75, indent: str = " ") -> list[str]:
    """A content line folded as RFC 6350 says: continuation lines start with a space."""
    pieces = [line[:width]]
    rest = line[width:]
    while rest:
        pieces.append(indent + rest[:width - 1])
        rest = rest[width - 1:]
    return pieces


def quoted_printable(data: bytes, first_width: int = 40) -> bytes:
    """vCard 2.1 quoted-printable as Android writes it: every byte outside printable ASCII (and '=') as =XX,
    line breaks as =0D=0A, and a soft line break ('=' at the end of a line) every 76 characters."""
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    pieces = [chr(byte) if (33 <= byte <= 126 and byte != 61) or byte == 32 else f"={byte:02X}" for byte in data]
    lines, line, width = [], "", first_width
    for piece in pieces:
        if len(line) + len(piece) > width:
            lines.append(line + "=")
            line, width = "", 75
        line += piece
    return "\r\n".join([*lines, line]).encode("ascii")


def card(*lines: str, version: str = "3.0") -> list[str]:
    return ["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]


def vcf(*cards: list[str], newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    """Cards joined with the exporter's line ending and encoded as it writes (utf-16 writes its BOM)."""
    return newline.join(line for one in cards for line in one).encode(encoding) + newline.encode(encoding)


def iphone_card(given: str, family: str, email: str | None = None, phone: str | None = None,
                note: str | None = None) -> list[str]:
    """A card as iOS / iCloud exports it: vCard 3.0, item groups, a folded PHOTO."""
    lines = [f"N:{family};{given};;;", f"FN:{given} {family}"]
    if email:
        lines.append(f"item1.EMAIL;type=INTERNET;type=pref:{email}")
    if phone:
        lines.append(f"TEL;type=CELL;type=VOICE;type=pref:{phone}")
    if note:
        lines.append(f"NOTE:{note}")
    lines += fold(f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}")
    return card(*lines, "PRODID:-//Apple Inc.//iPhone OS 17.5//EN")


def csv_bytes(header: list[str], rows: list[dict], encoding: str = "utf-8", preface: str = "") -> bytes:
    stream = io.StringIO()
    stream.write(preface)
    writer = csv.DictWriter(stream, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key, "") for key in header})
    return stream.getvalue().encode(encoding)


def many_cards(count: int, with_photos: bool = True, newline: str = "\r\r\n") -> bytes:
    """`count` distinct iPhone cards (CR CR LF, as iCloud writes them), each with its own email."""
    cards = []
    for number in range(count):
        lines = iphone_card(f"Person{number}", f"Family{number % 97}", f"person{number}@example.org",
                            f"+1 555 01{number:05d}", "Met at the fair, stand B12.")
        cards.append(lines if with_photos else [line for line in lines if not line.startswith(("PHOTO", " "))])
    return vcf(*cards, newline=newline)
