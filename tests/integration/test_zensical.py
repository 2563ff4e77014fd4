"""Zensical builds a journal's mkdocs.yml and runs no MkDocs plugin: until `followup render` gives it the pages,
a journal `followup init` makes publishes nothing of a contact through it (exclude_docs)."""

from __future__ import annotations

import subprocess

from helpers import BIN


def test_zensical_publishes_nothing_of_a_contact(journal):
    journal.write("ana.md", "---\nname: Ana Ribeiro\nphone: '+1 555 0100'\n---\nArchitect at the riverside clinic.\n"
                            "\n## Log\n- 2026-11-01 Coffee at Rosa's\n")
    journal.commit("Ana")
    built = subprocess.run([str(BIN / "zensical"), "build"], cwd=journal.root, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    published = [path for path in (journal.root / "site").rglob("*") if path.is_file()]
    assert published  # it did build a site
    for path in published:
        text = path.read_bytes()
        assert b"riverside" not in text and b"555 0100" not in text and b"Rosa" not in text, path
