"""`followup edit`: a person's file edited by hand in the user's own editor, checked, then saved and committed.

The editor works on a draft (drafts/<slug>.md in the journal's folder of the user's cache, places.state_folder):
outside the journal, so git never commits one nor brings one (a committed draft could be a link to a key the
editor would open and `keep` would commit). The draft is put in place whole only when the user is done, and
only if the file did not change meanwhile; otherwise, and after a crash, the draft stays, and the next
`followup edit` goes on from it: nothing the user typed is lost.

The editor is $VISUAL or $EDITOR, split as a shell would split it but run without one: a file name is one
argument, whatever it holds (`$(touch x).md` is a name, not a command).
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
from pathlib import Path

from followup.core.contact import Problem, parse_contact, read_text
from followup.core.errors import EditError, UnreadableText, UsageError
from followup.store.actions import Outcome, commit_files
from followup.store.files import atomic_write, journal_lock, read_regular_file
from followup.store.journal import Person
from followup.store.places import check_regular, state_folder


def editor_command() -> list[str]:
    """The user's editor as a list of arguments: $VISUAL, else $EDITOR, else vi."""
    chosen = os.environ.get("VISUAL", "").strip() or os.environ.get("EDITOR", "").strip() or "vi"
    try:
        command = shlex.split(chosen)
    except ValueError as error:
        raise UsageError(f"the editor {chosen!r} cannot be read as a command ({error}); set VISUAL or EDITOR "
                         "to a program and its options") from None
    return command or ["vi"]


def run_editor(path: Path) -> None:
    command = editor_command()
    try:
        finished = subprocess.run([*command, str(path)], check=False)
    except OSError as error:
        raise UsageError(f"the editor {command[0]!r} could not be started: {error.strerror or error}; set VISUAL "
                         "or EDITOR") from None
    if finished.returncode != 0:
        raise EditError(f"the editor {command[0]!r} stopped with exit code {finished.returncode}; your text stays "
                        f"in {path}")


class EditSession:
    def __init__(self, root: Path, person: Person):
        self.root = root
        self.person = person
        self.path = root / person.contact.path
        self.draft = state_folder(root) / "drafts" / f"{person.slug}.md"
        check_regular(self.draft, "the draft")
        self.original = read_regular_file(self.path)
        self.resumed = self.draft.exists()
        if not self.resumed:
            self.draft.parent.mkdir(mode=0o700, exist_ok=True)
            atomic_write(self.draft, self.original)

    def _written(self) -> bytes:
        return read_regular_file(self.draft)

    def changed(self) -> bool:
        return self._written() != self.original

    def problems(self) -> list[Problem]:
        """What `followup check` would say of the draft, by the file's own name and line."""
        try:
            text = read_text(self._written())
        except UnreadableText as error:
            return [Problem(self.person.contact.path, error.line, str(error))]
        return parse_contact(text, self.person.contact.path, self.path.stem)[1]

    def discard(self) -> None:
        self.draft.unlink(missing_ok=True)

    def save(self, today: dt.date) -> Outcome:
        """The draft in place of the file, committed; refused (the draft kept) if the file changed meanwhile."""
        with journal_lock(self.root):
            if read_regular_file(self.path) != self.original:
                raise EditError(f"{self.person.contact.path} changed while you were editing it; your text is in "
                                f"{self.draft}: nothing was saved")
            atomic_write(self.path, self._written())
            message = f"Edit {self.person.name}"
            outcome = commit_files(self.root, [self.path], message, True, Outcome(self.path, message), "edit")
            self.discard()
            return outcome
