"""`followup edit`: a person's file edited by hand in the user's own editor, checked, then saved and committed.

The editor works on a draft beside the file (hidden: contacts/.ana.md.draft, which the journal does not
read). The draft is put in place whole only when the user is done, and only if the file did not change
meanwhile; otherwise, and after a crash, the draft stays, and the next `followup edit` goes on from it:
nothing the user typed is lost.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from followup.core.contact import Problem, parse_contact, read_text
from followup.core.errors import EditError, UnreadableText
from followup.store.actions import Outcome, commit_files
from followup.store.files import atomic_write, journal_lock, read_regular_file
from followup.store.journal import Person


class EditSession:
    def __init__(self, root: Path, person: Person):
        self.root = root
        self.person = person
        self.path = root / person.contact.path
        self.draft = self.path.with_name(f".{self.path.name}.draft")
        self.original = read_regular_file(self.path)
        self.resumed = self.draft.exists()
        if not self.resumed:
            atomic_write(self.draft, self.original)

    def _written(self) -> bytes:
        return self.draft.read_bytes()

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
                                f"{self.draft.relative_to(self.root)}: nothing was saved")
            atomic_write(self.path, self._written())
            message = f"Edit {self.person.name}"
            outcome = commit_files(self.root, [self.path], message, True, Outcome(self.path, message), "edit")
            self.discard()
            return outcome
