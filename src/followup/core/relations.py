"""People linked to people: whom a [[mention]] or a relation names, and how a relation reads from the other side.

A mention or a relation names someone by slug (`[[tom-okafor]]`, `spouse: tom-okafor`) or by full name
(`[[Tom Okafor]]`), accents and case aside; a name two people share names neither, and says so.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable

from followup.core.contact import Contact
from followup.core.names import fold

# A relation written on one person's card, as the other person's card reads it.
INVERSES = {
    "spouse": "spouse", "partner": "partner", "sibling": "sibling", "friend": "friend", "colleague": "colleague",
    "parent": "child", "child": "parent", "referred_by": "referred", "referred": "referred_by",
    "manager": "report", "report": "manager", "mentor": "mentee", "mentee": "mentor",
}


def label_key(label: str) -> str:
    """A relation's label compared and looked up: "Referred by", "referred-by" and "referred_by" are one."""
    return "_".join(label.casefold().replace("-", " ").replace("_", " ").split())


def shown_label(label: str) -> str:
    """"referred_by" as a card says it: "referred by"."""
    return label_key(label).replace("_", " ")


def inverse_label(label: str) -> str:
    """How the other person's card says a relation: spouse and spouse, referred by and referred, parent and
    child; "mentor of" for a label with no known inverse."""
    key = label_key(label)
    return shown_label(INVERSES[key]) if key in INVERSES else f"{shown_label(key)} of"


class Directory:
    """The people a mention or a relation may name, by slug and by folded full name."""

    def __init__(self, contacts: Iterable[Contact]):
        self.by_slug: dict[str, Contact] = {}
        self.by_name: dict[str, list[Contact]] = defaultdict(list)
        for contact in contacts:
            self.by_slug[contact.slug] = contact
            self.by_name[fold(contact.name)].append(contact)

    def named(self, target: str) -> Contact | None:
        """Whom `target` names: a slug, else a full name only one person has."""
        found = self.by_slug.get(target.strip().lower())
        if found is not None:
            return found
        same = self.by_name.get(fold(target), [])
        return same[0] if len(same) == 1 else None

    def why_nobody(self, target: str) -> str:
        """Why `target` names nobody: a name several people share, or the closest names."""
        same = self.by_name.get(fold(target), [])
        if len(same) > 1:
            return f"names {len(same)} people ({', '.join(contact.slug for contact in same)}): write the slug"
        close = [self.by_name[name][0] for name in difflib.get_close_matches(fold(target), list(self.by_name), n=3,
                                                                             cutoff=0.6)]
        close += [self.by_slug[slug] for slug in difflib.get_close_matches(target.strip().lower(), list(self.by_slug),
                                                                           n=3, cutoff=0.6)]
        names = list(dict.fromkeys(f"{contact.name} ({contact.slug})" for contact in close))[:3]
        return "names nobody in the journal" + (f"; closest: {', '.join(names)}" if names else "")
