"""Fixtures of the integration tests beyond a journal: a real SMTP server for the digest, a real IMAP server
(Debian's dovecot, installed by .ci/run) and a real CalDAV server (Radicale) for the harvest."""

from __future__ import annotations

import shutil
import ssl
import tempfile
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from helpers import CalDavServer, ImapServer, free_port


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


@pytest.fixture
def imap_server():
    """Start a real dovecot (imap_server() gives it). Its files are in a folder of /tmp of their own, not under
    pytest's: dovecot's users (dovecot, nobody) must reach them, and each pytest run takes that access away from
    the folders of every run (pytest-of-root is made 0700 again when a run starts)."""
    assert shutil.which("dovecot"), "dovecot is not installed: .ci/run installs Debian's dovecot-imapd"
    started: list[ImapServer] = []
    authority = trustme.CA()
    folder = Path(tempfile.mkdtemp(prefix="followup-dovecot-"))

    def start() -> ImapServer:
        server = ImapServer(folder / f"imap{len(started)}", authority)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
    shutil.rmtree(folder, ignore_errors=True)  # a mail process may still be exiting


@pytest.fixture
def caldav_server(tmp_path):
    """A real Radicale CalDAV server (a test dependency), started on 127.0.0.1 for the test."""
    server = CalDavServer(tmp_path / "caldav", trustme.CA())
    yield server
    server.stop()
