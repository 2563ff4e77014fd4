"""Every command through the real console script, against a temp journal with a real git repo."""

import difflib
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from followup.formats.records import event_record
from followup.store.journal import Journal
from helpers import BIN, ROOT, commits

ANA = """\
---
name: Ana Ribeiro   # since school
categories: [friends, six-pack]
cadence: monthly
last_touch: '2026-10-01'   # keep the quotes
odd_key: {keep: me}
email: ana@example.org
---
Notes stay exactly as they are.

## Log
- 2026-10-01 Coffee.
- 2026-09-01 Walk.

## Ideas
Ask about the clinic.
"""


@pytest.fixture
def ana(journal):
    path = journal.write("ana-ribeiro.md", ANA)
    journal.commit("Add Ana", date="2026-10-02")
    return path


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]


def test_init_makes_a_ready_journal_and_refuses_to_overwrite(tmp_path, journal):
    target = tmp_path / "fresh"
    result = journal.followup("init", str(target))
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((target / "mkdocs.yml").read_text())
    assert config["plugins"][:1] == ["search"] and "followup" in config["plugins"][1]
    assert (not (target / "hooks").exists() and "extra" not in config) or "followup" not in config["extra"]
    assert (target / ".gitignore").read_text().startswith("site/")
    log = subprocess.run(["git", "-C", str(target), "log", "--format=%s"], capture_output=True, text=True).stdout
    assert log.strip() == "Start a followup journal"
    before = (target / "mkdocs.yml").read_bytes()
    again = journal.followup("init", str(target))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert (target / "mkdocs.yml").read_bytes() == before


def test_new_contact(journal):
    result = journal.followup("new", "José Ñúñez", "--cadence", "every 3 weeks", "--category", "friends",
                              "--category", "clients", "--email", "jose@example.org", "--birthday", "1990-02-28")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "contacts/jose-nunez.md"
    assert (journal.contacts / "jose-nunez.md").read_text() == (
        "---\nname: José Ñúñez\ncategories: [friends, clients]\ncadence: every 3 weeks\n"
        "email: jose@example.org\nbirthday: 1990-02-28\n---\n\n## Log\n")
    assert journal.followup("new", "Jose Nunez", "--force").stdout.strip() == "contacts/jose-nunez-2.md"
    assert commits(journal)[:2] == ["New contact: Jose Nunez", "New contact: José Ñúñez"]
    bad = journal.followup("new", "Someone", "--cadence", "often")
    assert bad.returncode == 2 and "unknown cadence 'often'" in bad.stderr
    assert not (journal.contacts / "someone.md").exists()


def test_touch_changes_only_its_lines_and_commits_that_file(journal, ana):
    journal.write("other.md", "---\nname: Other\n---\n")  # not committed: must stay out of the commit
    before = ana.read_text()
    result = journal.followup("touch", "ana", "-m", "Lunch at the docks", "--via", "phone")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Touched Ana Ribeiro on 2026-11-23; next due 2026-12-23.\n"
    assert changed_lines(before, ana.read_text()) == [
        "- last_touch: '2026-10-01'   # keep the quotes",
        "+ last_touch: '2026-11-23'   # keep the quotes",
        "+ - 2026-11-23 (phone) Lunch at the docks",
    ]
    assert ana.read_text().index("(phone) Lunch") < ana.read_text().index("2026-10-01 Coffee")  # newest first
    assert commits(journal)[0] == "Lunch at the docks"
    shown = journal.git("show", "--name-only", "--format=", "HEAD").stdout.split()
    assert shown == ["contacts/ana-ribeiro.md"]
    assert "other.md" in journal.git("status", "--porcelain").stdout


def test_touch_an_older_day_logs_without_moving_last_touch_back(journal, ana):
    result = journal.followup("touch", "Ribeiro", "--date", "2026-09-15", "-m", "Remembered a call")
    assert result.returncode == 0, result.stderr
    text = ana.read_text()
    assert "last_touch: '2026-10-01'" in text and "- 2026-09-15 Remembered a call" in text


def test_touch_no_commit_and_log_section_created(journal):
    path = journal.write("bob.md", "---\nname: Bob\n---\nJust notes, no log")
    journal.commit("Add Bob")
    result = journal.followup("touch", "bob", "--no-commit")
    assert result.returncode == 0, result.stderr
    assert path.read_text() == ("---\nname: Bob\nlast_touch: 2026-11-23\n---\nJust notes, no log\n\n## Log\n\n"
                                "- 2026-11-23 In touch.\n")
    assert commits(journal)[0] == "Add Bob"


def test_crlf_bom_and_newest_last_logs_are_respected(journal):
    path = journal.contacts / "cr.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\nname: Cr Lf\r\nlast_touch: 2026-01-01\r\n---\r\n## Log\r\n"
                     b"- 2026-01-01 first\r\n- 2026-02-01 second\r\n  more\r\n\r\n## Next\r\n")
    journal.commit("Add Cr")
    assert journal.followup("touch", "cr", "-m", "third").returncode == 0
    assert path.read_bytes() == (b"\xef\xbb\xbf---\r\nname: Cr Lf\r\nlast_touch: 2026-11-23\r\n---\r\n## Log\r\n"
                                 b"- 2026-01-01 first\r\n- 2026-02-01 second\r\n  more\r\n- 2026-11-23 third\r\n"
                                 b"\r\n## Next\r\n")


@pytest.mark.parametrize("args, message", [
    (["--date", "2026-12-01"], "in the future"),
    (["--date", "2026-02-30"], "not a real day"),
    (["--date", "tomorrow"], "in the future"),
    (["--date", "someday"], "is not a day: write YYYY-MM-DD, today, tomorrow"),
])
def test_bad_touch_dates_write_nothing(journal, ana, args, message):
    before = ana.read_bytes()
    result = journal.followup("touch", "ana", *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert ana.read_bytes() == before and commits(journal)[0] == "Add Ana"


def test_a_contact_that_does_not_parse_is_not_touched(journal, ana):
    ana.write_text(ANA.replace("categories: [friends, six-pack]", "categories: [friends, six-pack"))
    before = ana.read_bytes()
    result = journal.followup("touch", "ana-ribeiro")
    assert result.returncode in (1, 2)
    assert ana.read_bytes() == before


def test_lookup_errors(journal):
    for name in ("Ana Ribeiro", "Ana Lima", "Bruno Costa"):
        assert journal.followup("new", name).returncode == 0
    ambiguous = journal.followup("touch", "ana")
    assert ambiguous.returncode == 2 and "Ana Lima (ana-lima)" in ambiguous.stderr and "Ana Ribeiro" in ambiguous.stderr
    unknown = journal.followup("touch", "Bruna Costa")
    assert unknown.returncode == 2 and "did you mean Bruno Costa" in unknown.stderr
    assert journal.followup("touch", "ANA-LIMA").returncode == 0
    assert journal.followup("touch", "costa").returncode == 0


def test_failed_commit_leaves_the_edit_and_says_so(journal, ana):
    (journal.root / ".git/index.lock").touch()  # as if another git command were running
    result = journal.followup("touch", "ana", "-m", "Call")
    assert result.returncode == 1 and "git commit failed" in result.stderr
    assert "- 2026-11-23 Call" in ana.read_text() and commits(journal)[0] == "Add Ana"


@pytest.fixture
def team(journal):
    journal.write("late.md", "---\nname: Lou Late\ncadence: weekly\nlast_touch: 2026-11-01\nowner: hal\n"
                             "categories: [clients]\nchannel: phone\nphone: '+1 555'\n---\n")
    journal.write("due.md", "---\nname: Dee Due\ncadence: monthly\nlast_touch: 2026-10-23\n"
                            "categories: [friends]\n---\n")
    journal.write("soon.md", "---\nname: Sue Soon\ncadence: monthly\nlast_touch: 2026-10-27\n---\n")
    journal.write("fine.md", "---\nname: Fay Fine\ncadence: monthly\nlast_touch: 2026-11-20\npromises:\n"
                             "  - {due: 2026-11-21, what: send the photos}\n---\n")
    journal.write("none.md", "---\nname: Ned None\ncadence: none\n---\n")
    journal.commit("Team")
    return journal


def test_due_text_json_and_filters(team):
    result = team.followup("due")
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout  # piped: plain text
    lines = result.stdout.splitlines()
    assert lines[0] == "Promises" and "Fay Fine: send the photos  (late)" in lines[1]
    statuses = ("overdue", "due", "soon", "ok")
    order = [line.split()[1] for line in lines if line.split()[:1] and line.split()[0] in statuses]
    assert order == ["Fay", "Lou", "Dee", "Sue"]
    shown = team.followup("due", "--json").stdout
    records = json.loads(shown)
    assert [r["slug"] for r in records] == ["fine", "late", "due", "soon"]
    assert [json.loads(line.strip(" [],")) for line in shown.splitlines()] == records  # one person a line
    late = records[1]
    assert {key: late[key] for key in ("slug", "name", "status", "next_due", "last_touch", "days_late",
                                       "categories", "channel")} == {
        "slug": "late", "name": "Lou Late", "status": "overdue", "next_due": "2026-11-08",
        "last_touch": "2026-11-01", "days_late": 15, "categories": ["clients"], "channel": "phone"}
    assert records[3]["channel"] is None and records[0]["promises"][0]["late"] is True
    assert [r["slug"] for r in json.loads(team.followup("due", "--json", "--owner", "HAL").stdout)] == ["late"]
    assert [r["slug"] for r in json.loads(team.followup("due", "--json", "--category", "friends").stdout)] == ["due"]
    assert len(json.loads(team.followup("due", "--all", "--json").stdout)) == 5


def test_today_picks(team):
    items = json.loads(team.followup("today", "--json").stdout)
    assert [(item["kind"], item["slug"]) for item in items] == [("promise-late", "fine"), ("pick", "late"),
                                                                ("pick", "due")]
    one = json.loads(team.followup("today", "-n", "1", "--json").stdout)
    assert [item["slug"] for item in one if item["kind"] == "pick"] == ["late"]
    assert "Lou Late" in team.followup("today").stdout


def test_snooze_promise_kept(team):
    path = team.contacts / "late.md"
    assert team.followup("snooze", "lou", "--for", "2w").returncode == 0
    assert "snooze_until: 2026-12-07" in path.read_text()
    assert json.loads(team.followup("due", "--json", "--all").stdout)[1]["status"] in ("snoozed", "due", "overdue")
    assert team.followup("snooze", "lou", "--until", "2026-11-01").returncode == 2
    assert team.followup("snooze", "lou").returncode == 2
    assert team.followup("promise", "lou", "call back about the lease", "--by", "2026-11-30").returncode == 0
    assert team.followup("promise", "lou", "send the deck", "--by", "2026-12-05").returncode == 0
    assert "promises:\n  - {due: 2026-11-30, what: call back about the lease, made: 2026-11-23}\n" \
           "  - {due: 2026-12-05, what: send the deck, made: 2026-11-23}\n" in path.read_text()
    which = team.followup("kept", "lou")
    assert which.returncode == 2 and "say which" in which.stderr
    assert team.followup("kept", "lou", "1").returncode == 0
    text = path.read_text()
    assert "call back about the lease}" not in text and "- 2026-11-23 Kept promise: call back about the lease" in text
    assert team.followup("kept", "lou").returncode == 0
    assert "promises" not in path.read_text()
    assert team.followup("kept", "lou").returncode == 2
    assert commits(team)[:3] == ["Kept promise: send the deck (Lou Late)",
                                 "Kept promise: call back about the lease (Lou Late)",
                                 "Promise Lou Late: send the deck by 2026-12-05"]


def test_log_is_the_sites_timeline(journal, ana):
    assert journal.followup("touch", "ana", "-m", "Lunch").returncode == 0
    shown = json.loads(journal.followup("log", "ana", "--json").stdout)
    loaded = Journal.load(journal.root)
    assert shown == [event_record(e) for e in loaded.timeline(loaded.by_slug["ana-ribeiro"])]
    assert [(e["date"], e["kind"], e["text"]) for e in shown] == [
        ("2026-11-23", "log", "Lunch"), ("2026-10-02", "edit", "Add Ana"), ("2026-10-01", "log", "Coffee."),
        ("2026-09-01", "log", "Walk.")]
    assert shown[0]["commit"]
    text = journal.followup("log", "ana").stdout
    assert text.splitlines()[0] == "Ana Ribeiro (ok, last touch 2026-11-23)"


def test_check(journal, ana):
    clean = journal.followup("check")
    assert clean.returncode == 0 and "1 contacts, 0 problem(s)" in clean.stderr
    journal.write("bad.md", "---\nname: Bad\ncadence: sometimes\n---\n")
    result = journal.followup("check")
    assert result.returncode == 1
    assert re.match(r"contacts/bad\.md:3: unknown cadence 'sometimes'", result.stdout)


def test_journal_is_found_from_anywhere(journal, ana, tmp_path):
    inside = subprocess.run(["followup", "due", "--json", "--all"], cwd=journal.contacts, capture_output=True,
                            text=True)
    assert json.loads(inside.stdout)[0]["slug"] == "ana-ribeiro"
    elsewhere = subprocess.run(["followup", "due"], cwd=tmp_path, capture_output=True, text=True)
    assert elsewhere.returncode == 2 and "no followup journal" in elsewhere.stderr
    by_option = subprocess.run(["followup", "--journal", str(journal.root), "due", "--all", "--json"], cwd=tmp_path,
                               capture_output=True, text=True)
    by_env = subprocess.run(["followup", "due", "--all", "--json"], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "FOLLOWUP_JOURNAL": str(journal.root)})
    assert json.loads(by_option.stdout) == json.loads(by_env.stdout) == json.loads(inside.stdout)


def test_today_is_injectable(journal, ana):
    later = json.loads(journal.followup("due", "--json", "--all", env={"FOLLOWUP_TODAY": "2027-01-10"}).stdout)
    assert later[0]["days_late"] == 70
    bad = journal.followup("due", env={"FOLLOWUP_TODAY": "soon"})
    assert bad.returncode == 2 and "FOLLOWUP_TODAY" in bad.stderr


def test_build(journal, ana):
    result = journal.followup("build")
    assert result.returncode == 0, result.stderr
    assert (journal.root / "site/people/ana-ribeiro/index.html").is_file()
    journal.write("bad.md", "nope")
    assert journal.followup("build", "--strict").returncode == 1


def test_twenty_parallel_touches_all_land(journal, ana):
    processes = [subprocess.Popen(["followup", "touch", "ana", "-m", f"Parallel note {n}"], cwd=journal.root,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(20)]
    for process in processes:
        _, error = process.communicate(timeout=120)
        assert process.returncode == 0, error
    text = ana.read_text()
    assert sorted(int(n) for n in re.findall(r"Parallel note (\d+)", text)) == list(range(20))
    assert Journal.load(journal.root).problems == []
    assert sum(subject.startswith("Parallel note") for subject in commits(journal)) == 20


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "etc-passwd"), ("/etc/shadow", "etc-shadow"), ("..", "u-2e-2e"),
    ("a/../../b", "a-b"), ("C:\\Windows\\evil", "c-windows-evil"), ("名前", "ming-qian"),
])
def test_names_can_never_leave_the_contacts_folder(journal, name, expected):
    result = journal.followup("new", name, "--no-commit")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"contacts/{expected}.md"
    assert (journal.contacts / f"{expected}.md").is_file()
    assert journal.followup("touch", "../../etc/passwd.md").returncode == 2


def test_colour_on_a_terminal_only_unless_no_color_or_force_color(team):
    assert "\x1b[" not in team.followup("due").stdout  # piped
    forced = team.followup("due", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[31moverdue" in forced
    assert "\x1b[" not in team.followup("due", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout


def test_shell_completion_of_who_offers_slugs_with_names(team):
    env = {"_FOLLOWUP_COMPLETE": "bash_complete", "COMP_WORDS": "followup touch l", "COMP_CWORD": "2"}
    completed = team.followup(env=env)
    assert completed.returncode == 0 and completed.stdout.split() == ["plain,late"]
    env = {"_FOLLOWUP_COMPLETE": "zsh_complete", "COMP_WORDS": "followup log Fa", "COMP_CWORD": "2"}
    assert team.followup(env=env).stdout.splitlines() == ["plain", "fine", "Fay Fine"]


def test_one_version_number_from_the_package_metadata(journal):
    from importlib.metadata import version

    assert journal.followup("--version").stdout.strip() == f"followup, version {version('followup')}"


def test_every_command_says_what_it_does_with_an_example(journal):
    from followup.cli import main

    for name, command in main.commands.items():
        shown = journal.followup(name, "--help")
        assert shown.returncode == 0 and command.help, name
        assert "Example:" in shown.stdout or name == "merge-driver", name  # git calls that one


def test_the_wheel_carries_the_templates_and_the_licence(tmp_path):
    import zipfile

    built = subprocess.run([str(BIN / "python"), "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    names = zipfile.ZipFile(next(tmp_path.glob("followup-*.whl"))).namelist()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names), names
    assert "followup/site/templates/followup/person.html" in names
    assert "followup/site/templates/assets/followup.js" in names
    assert {"followup/formats/templates/digest.txt", "followup/formats/templates/digest.html"} <= set(names)
    entry_points = zipfile.ZipFile(next(tmp_path.glob("followup-*.whl"))).read(
        next(name for name in names if name.endswith("entry_points.txt"))).decode()
    assert "[mkdocs.plugins]\nfollowup = followup.site.plugin:FollowupPlugin" in entry_points


def test_completion_offers_names_that_start_so_before_names_that_hold_it(journal):
    for slug, name in (("dana-scully", "Dana Scully"), ("ana-ribeiro", "Ana Ribeiro"), ("andre", "André Lima")):
        journal.write(f"{slug}.md", f"---\nname: {name}\n---\n")
    env = {"_FOLLOWUP_COMPLETE": "zsh_complete", "COMP_WORDS": "followup show an", "COMP_CWORD": "2"}
    offered = journal.followup(env=env).stdout.splitlines()[1::3]  # zsh: type, value, help
    assert offered == ["ana-ribeiro", "andre", "dana-scully"]


def test_a_closed_pipe_stops_the_command_quietly(journal):
    for number in range(600):  # more lines than a pipe holds (64 KB): the writer always meets the closed end
        journal.write(f"p{number}.md", f"---\nname: Person {number} {'with a long name ' * 6}\ncadence: weekly\n---\n")
    shown = subprocess.run(f"{BIN / 'followup'} due --all | head -1", shell=True, cwd=journal.root, capture_output=True,
                           text=True, executable="/bin/bash")
    assert shown.stdout.startswith("STATUS") and shown.stderr == ""
    status = subprocess.run(f"set -o pipefail; {BIN / 'followup'} due --all | head -c 10 >/dev/null; echo $?",
                            shell=True, cwd=journal.root, capture_output=True, text=True, executable="/bin/bash")
    assert status.stdout.strip() == "141" and status.stderr == ""


def test_every_package_followup_imports_is_declared_and_the_metadata_says_who_and_what():
    """What followup's own modules import from outside the standard library is in its dependencies (not merely
    brought in by MkDocs); the installed metadata names its authors and classifiers."""
    import ast
    import importlib.metadata

    import tomllib

    declared = {re.split(r"[<>=!~;\s\[]", requirement)[0].lower().replace("_", "-") for requirement in
                tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    providers = importlib.metadata.packages_distributions()
    imported = set()
    for path in (ROOT / "src" / "followup").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    outside = {name for name in imported if name not in sys.stdlib_module_names and name != "followup"}
    undeclared = {name: providers.get(name) for name in outside
                  if not {dist.lower().replace("_", "-") for dist in providers.get(name, [])} & declared}
    assert undeclared == {}
    metadata = importlib.metadata.metadata("followup")
    assert metadata["Author-email"] and "Framework :: MkDocs" in metadata.get_all("Classifier")
