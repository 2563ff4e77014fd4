"""Fixtures of the integration tests beyond a journal: a real SMTP server for the digest, a real IMAP server
(Debian's dovecot, installed by .ci/run) for the harvest."""

from __future__ import annotations

import contextlib
import imaplib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from helpers import answers, free_port, wait_for


class Inbox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def mail_server(tmp_path):
    """A real SMTP server on loopback that offers STARTTLS (under a certificate authority made for the test,
    which followup is told to trust through SSL_CERT_FILE) and takes tess / s3cret only over TLS."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    trusted = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(trusted))
    started = []

    def start(starttls: bool = True):
        inbox = Inbox()

        def check(server, session, envelope, mechanism, data):
            known = isinstance(data, LoginPassword) and (data.login, data.password) == (b"tess@example.org", b"s3cret")
            return AuthResult(success=known, handled=False)  # not handled: the server answers 535 itself

        port = free_port()
        options = {"tls_context": context, "require_starttls": True} if starttls else {}
        controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=check,
                                auth_require_tls=starttls, **options)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start, {"SSL_CERT_FILE": str(trusted)}
    for controller in started:
        controller.stop()


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
        for folder in [root, *root.parents]:  # the mail processes must reach their home
            os.chmod(folder, os.stat(folder).st_mode | 0o011)
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

    def append(self, message: bytes) -> None:
        """A message delivered to the INBOX, as a mail client's APPEND puts it there."""
        with self._client() as client:
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


@pytest.fixture
def imap_server(tmp_path):
    """Start a real dovecot (imap_server() gives it)."""
    assert shutil.which("dovecot"), "dovecot is not installed: .ci/run installs Debian's dovecot-imapd"
    started: list[ImapServer] = []
    authority = trustme.CA()

    def start() -> ImapServer:
        server = ImapServer(tmp_path / f"imap{len(started)}", authority)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
