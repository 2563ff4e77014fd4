"""Writing an import: the plan of followup.formats.address_books applied to the journal, in one lock and one
commit, every file whole (safe against kill -9)."""

from __future__ import annotations

import json
from pathlib import Path

from followup.core.cadence import parse_cadence
from followup.formats.address_books import Imported, Plan, markdown_text
from followup.store import git as gitops
from followup.store.actions import Outcome, birthday_value, commit_files, contact_file, file_names, free_path
from followup.store.contact_text import ContactText
from followup.store.files import atomic_write, atomic_write_many, clear_temporaries, journal_lock


def _imported_fields(record: Imported, categories: tuple, cadence: str | None) -> dict[str, object]:
    fields: dict[str, object] = {"name": record.name}
    every = list(dict.fromkeys([*record.categories, *categories]))
    if every:
        fields["categories"] = every
    if cadence:
        fields["cadence"] = cadence
    for key, values in (("email", record.emails), ("phone", record.phones)):
        if values:
            fields[key] = values[0] if len(values) == 1 else values
    if record.birthday:
        fields["birthday"] = birthday_value(record.birthday)
    for key in ("organisation", "title", "linkedin"):
        if getattr(record, key):
            fields[key] = getattr(record, key)
    sources = record.sources
    fields["source"] = sources[0] if len(sources) == 1 else sources
    return fields


IMPORT_STATE = "followup-import.json"


def apply_import(root: Path, folder: Path, plan: Plan, categories: tuple = (), cadence: str | None = None,
                 commit: bool = True) -> Outcome:
    """Write the planned contacts and merges; one commit for the whole import.

    Safe against kill -9: every file is whole or absent, and what the import will write is noted in
    .git/ first, so an import killed before its commit is committed by the next one (which then
    finds those people in the journal and creates only the rest)."""
    if cadence is not None:
        parse_cadence(cadence)
    created, merged = plan.creations(), plan.merges()
    with journal_lock(root):
        folder.mkdir(parents=True, exist_ok=True)
        finished = finish_interrupted_import(root, folder) if commit else []
        taken = file_names(folder)
        files: list[tuple[Path, bytes]] = []
        for step, record in created:
            path = root / step.path
            if path.stem.lower() in taken:  # made since the plan was drawn (another followup command)
                path = free_path(path.parent, step.name, taken)
                step.path = path.relative_to(root).as_posix()
            taken.add(path.stem.lower())
            notes = markdown_text(record.notes) if record.notes else ""
            files.append((path, contact_file(_imported_fields(record, categories, cadence), notes)))
        for _, record, person in merged:
            path = root / person.contact.path
            text = ContactText.read(path, person.contact.path)
            contact = text.contact()
            present = set(contact.key_lines)
            missing = {key: value for key, value in _imported_fields(record, (), None).items()
                       if key not in present and key not in ("name", "categories")}
            had = contact.extra.get("source")
            known = had if isinstance(had, list) else [had] if had else []
            if known and not set(record.sources) <= set(map(str, known)):  # where else they came from, kept too
                missing["source"] = list(dict.fromkeys([*map(str, known), *record.sources]))
            for key, value in missing.items():
                text.set_scalar(key, value)
            if missing:
                text.contact()  # never write a file that would not read back
                files.append((path, text.to_bytes()))
        message = f"Import: {plan.counts}"
        state = gitops.state_file(root, IMPORT_STATE) if commit and files else None
        if state is not None:
            atomic_write(state, json.dumps({"message": message, "paths": [str(path.relative_to(root))
                                                                           for path, _ in files]}).encode())
        atomic_write_many(files)
        outcome = commit_files(root, [path for path, _ in files], message, commit, Outcome(root, message), "import")
        if state is not None:
            state.unlink(missing_ok=True)
        outcome.finished_earlier = len(finished)
        return outcome


def finish_interrupted_import(root: Path, folder: Path) -> list[Path]:
    """Commit what an import killed before its commit wrote, and clear the temporary files of killed
    writers; the files committed. (Under the journal lock.)"""
    clear_temporaries(folder)
    state = gitops.state_file(root, IMPORT_STATE)
    if state is None or not state.exists():
        return []
    try:
        noted = json.loads(state.read_text(encoding="utf-8"))
        paths = [root / path for path in noted["paths"]]
        message = str(noted["message"])
    except (ValueError, KeyError, TypeError):
        paths, message = [], ""  # not ours, or damaged: nothing to finish
    # The note is data like any other: only files inside the contacts folder are committed.
    inside = [path for path in paths if path.resolve().is_relative_to(folder.resolve()) and path.is_file()]
    if inside:
        gitops.commit(root, inside, f"{message} (finished after an interruption)")
    state.unlink(missing_ok=True)
    return inside
