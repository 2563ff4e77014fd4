"""The digest as a mail (plain text, with the HTML body as its alternative), sent by SMTP as the journal's
`mail:` settings say. The password is read when sending, from an environment variable or a command such
as `pass show mail/smtp`, and only ever goes over an encrypted connection."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import smtplib
import ssl
import subprocess
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from followup.core.errors import MailError
from followup.core.settings import MailSettings

TIMEOUT = 60  # seconds: a server that does not answer fails the cron job rather than hang it


def digest_message(subject: str, text: str, html: str, mail: MailSettings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.to)
    message["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain=mail.sender.rpartition("@")[2])
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def password(variable: str, command: str | None, user: str, settings: str) -> str:
    """A server's password: the environment variable's, else the first line the password command prints (run
    without a shell). `settings` names the block that sets them (mail, harvest), for the message."""
    given = os.environ.get(variable)
    if given:
        return given
    if command is None:
        raise MailError(f"no password for {user}: set {variable}, or password_command in the {settings} settings "
                        "(such as \"pass show mail/account\")")
    try:
        done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        raise MailError(f"password_command {command!r} could not run: {error}") from None
    lines = done.stdout.splitlines()
    if done.returncode != 0 or not lines or not lines[0]:
        why = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}, no password printed"])[0]
        raise MailError(f"password_command {command!r} gave no password: {why}")
    return lines[0]


def send(message: EmailMessage, mail: MailSettings) -> None:
    """Send, or raise MailError saying what went wrong where. STARTTLS is required when asked for: a server
    that does not offer it is refused rather than given the password in the clear."""
    secret = password(mail.password_env, mail.password_command, mail.user, "mail") if mail.user else None
    where = f"{mail.host}:{mail.port}"
    context = ssl.create_default_context()
    try:
        if mail.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(mail.host, mail.port, timeout=TIMEOUT, context=context)
        else:
            server = smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT)
        with server:
            if mail.security == "starttls":
                server.ehlo()
                if not server.has_extn("starttls"):
                    raise MailError(f"{where} does not offer STARTTLS; nothing was sent (set security: ssl for a "
                                    "server on port 465)")
                server.starttls(context=context)
                server.ehlo()
            if mail.user and secret is not None:
                server.login(mail.user, secret)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise MailError(f"{where} refused the user {mail.user!r} or its password: {_reply(error)}") from None
    except smtplib.SMTPResponseException as error:
        raise MailError(f"{where} refused the mail: {_reply(error)}") from None
    except ssl.SSLError as error:
        raise MailError(f"no secure connection with {where}: {error.reason or error}") from None
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"could not send through {where}: {error}") from None


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {' '.join(text.split())}"
