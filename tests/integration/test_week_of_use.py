"""The rough edges a week of real use found, each as a user met it: the real console script on a real journal.
(Picks that move, FOLLOWUP_TODAY in commits, undo twice and the review: test_routine.py; instant navigation and
the People table at 1280 px: tests/browser; Zensical: test_zensical.py.)"""

from __future__ import annotations

import json
import subprocess

import yaml

from helpers import BIN, card, commits, vcf


def test_tables_line_up_by_display_width(journal):
    journal.write("wang.md", "---\nname: 王小明\ncadence: weekly\ncategories: [friends]\n---\n")
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: weekly\ncategories: [friends]\n---\n")
    lines = journal.followup("due").stdout.splitlines()
    header = lines[0]
    column = header.index("WHY")
    for line in lines[1:3]:
        shown = sum(2 if "\u4e00" <= char <= "\u9fff" else 1 for char in line[:line.index("never touched")])
        assert shown == column, line  # 王小明 takes six columns, and the row is padded so


def test_two_people_of_one_name_are_told_apart_by_their_slug(journal):
    journal.write("alison-hill.md", "---\nname: Alison Hill\ncadence: weekly\nemail: a@first.example\n---\n")
    journal.write("alison-hill-2.md", "---\nname: Alison Hill\ncadence: weekly\nemail: a@second.example\n---\n")
    journal.write("bo.md", "---\nname: Bo Berg\ncadence: weekly\n---\n")
    journal.commit("Three")
    due = journal.followup("due").stdout
    assert "Alison Hill (alison-hill)" in due and "Alison Hill (alison-hill-2)" in due and "Bo Berg (" not in due
    today = journal.followup("today").stdout
    assert "Alison Hill (alison-hill-2)" in today
    assert "did you mean Alison Hill (alison-hill), Alison Hill (alison-hill-2)?" in \
        journal.followup("show", "alyson hil").stderr
    assert [record["name"] for record in json.loads(journal.followup("due", "--json").stdout)].count("Alison Hill") == 2
    journal.build()
    people = journal.page("people")
    assert sorted(a.get_text() for a in people.select("a.fu-name"))[:2] == ["Alison Hill (alison-hill)",
                                                                           "Alison Hill (alison-hill-2)"]


def test_edit_with_no_terminal_keeps_the_text_outside_the_journal(journal, tmp_path):
    journal.write("tom.md", "---\nname: Tom Okafor\ncadence: weekly\n---\n")
    journal.commit("Tom")
    breaks = tmp_path / "breaks.py"
    breaks.write_text("import sys, pathlib\npath = pathlib.Path(sys.argv[1])\n"
                      "path.write_text(path.read_text().replace('cadence: weekly', 'cadence: sometimes'))\n")
    edited = subprocess.run([str(BIN / "followup"), "edit", "tom"], cwd=journal.root, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, env={**__import__("os").environ, "VISUAL": "",
                                                           "EDITOR": f"python3 {breaks}"})
    assert edited.returncode == 1 and "Aborted" not in edited.stdout + edited.stderr
    assert "no answer; your text stays in" in edited.stderr and "followup edit tom goes on from it" in edited.stderr
    assert journal.git("status", "--porcelain", "--untracked-files=all").stdout == ""  # nothing to commit by mistake
    assert "cadence: sometimes" in (journal.cache / "drafts" / "tom.md").read_text()


def test_an_import_counts_one_way_reads_standard_input_and_keeps_every_source(journal):
    journal.write("tom.md", "---\nname: Tom Okafor\nemail: tom@example.org\nsource: old.vcf\n---\n")
    journal.commit("Tom")
    data = vcf(card("FN:Ana Ribeiro", "EMAIL:ana@example.org"), card("FN:Tom O.", "EMAIL:tom@example.org",
                                                                      "TEL:+1 555 0177"))
    done = subprocess.run([str(BIN / "followup"), "import", "-", "--merge"], cwd=journal.root, input=data,
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines()[-1] == "1 created, 1 merged, 0 skipped"
    assert commits(journal)[0] == "Import: 1 created, 1 merged, 0 skipped"
    tom = yaml.safe_load((journal.contacts / "tom.md").read_text().split("---")[1])
    assert tom["source"] == ["old.vcf", "standard input"] and tom["phone"] == "+1 555 0177"
    ana = yaml.safe_load((journal.contacts / "ana-ribeiro.md").read_text().split("---")[1])
    assert ana["source"] == "standard input"


def test_the_digest_and_the_review_as_data(journal):
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: weekly\nlast_touch: 2026-11-01\n"
                            "promises:\n  - {due: 2026-11-20, what: send the plans}\n---\n")
    journal.commit("Ana")
    digest = json.loads(journal.followup("digest", "--json").stdout)
    assert digest["day"] == "2026-11-23" and digest["overdue"] == 1
    assert digest["promises"] == [{"slug": "ana", "due": "2026-11-20", "what": "send the plans", "late": True}]
    assert [pick["slug"] for pick in digest["picks"]] == ["ana"]
    review = json.loads(journal.followup("review", "--json").stdout)
    assert review["start"] == "2026-11-17" and review["promises_late"][0]["what"] == "send the plans"


def test_a_properdocs_journal_from_init(tmp_path):
    made = subprocess.run([str(BIN / "followup"), "init", "--properdocs", str(tmp_path / "j")], capture_output=True,
                          text=True)
    assert made.returncode == 0, made.stderr
    assert sorted(path.name for path in (tmp_path / "j").iterdir() if path.suffix == ".yml") == ["properdocs.yml"]
    new = subprocess.run([str(BIN / "followup"), "new", "Ana Ribeiro"], cwd=tmp_path / "j", capture_output=True)
    assert new.returncode == 0
    built = subprocess.run([str(BIN / "followup"), "build"], cwd=tmp_path / "j", capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "j/site/people/ana-ribeiro/index.html").is_file()
    assert "end of life" not in built.stderr  # Material's banner: followup's builds set NO_MKDOCS_2_WARNING
