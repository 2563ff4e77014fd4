"""Everything followup refuses or cannot do: one family of errors, each a one-line message of what and why,
carrying the exit code the command line ends with. The command line catches FollowupError once; the
site turns the ones about a file into a problem on /problems/.

Exit codes: 0 done; 1 the journal, git or the machine stands in the way; 2 what was asked cannot be
done as asked (a bad date, an unknown name, a refused edit), and nothing was changed.
"""

from __future__ import annotations


class FollowupError(Exception):
    exit_code = 1


class Refused(FollowupError):
    """What was asked cannot be done as asked; nothing was changed."""

    exit_code = 2


class UsageError(Refused):
    """A command-line argument that followup cannot use."""


class DateError(Refused):
    """A date written in a contact file or on the command line is not a real date, or not one of ours."""


class CadenceError(Refused):
    """The text is none of the documented cadence forms."""


class LookupProblem(Refused):
    """WHO matched nobody, or several people (the candidates)."""

    def __init__(self, message: str, candidates: list | None = None):
        super().__init__(message)
        self.candidates = candidates or []


class EditError(Refused):
    """The edit cannot be made; nothing was written."""


class JournalExists(Refused):
    """`init` would overwrite a journal."""


class NotAnAddressBook(Refused):
    """The whole file is none of the formats import reads."""


class UnsafePath(Refused):
    """A path the journal holds would take a write, a delete or a read outside it: a symbolic link, or a
    setting that names a folder elsewhere."""


class Untrusted(Refused):
    """The journal's configuration, which runs code or reaches the network, changed since the user trusted it."""


class SettingsError(FollowupError):
    """A followup setting in mkdocs.yml is missing or wrong."""


class UnreadableContact(FollowupError):
    """The contact file does not read back, so it is not edited."""


class UnreadableText(FollowupError):
    """A contact file's bytes are not UTF-8 Markdown text; `line` says where, when one line is to blame."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class NotARegularFile(FollowupError):
    """A FIFO, a device, a socket or a symbolic link where a contact file should be."""


class GitError(FollowupError):
    """git could not do what followup asked of it."""


class MailError(FollowupError):
    """The digest could not be sent: the mail server, the connection or the password."""
