"""A journal you clone or pull cannot reach past itself: each attack of someone who can commit to it, made with
real links in a real repository and met in a real clone, as a user would meet it."""

from __future__ import annotations

import json
import os
import pickle
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from followup.store.scaffold import create_journal
from helpers import BIN, TempJournal, answers, free_port, wait_for

ANA = "---\nname: Ana Ribeiro\ncadence: monthly\nlast_touch: 2026-11-01\n---\nArchitect.\n\n## Log\n" \
      "- 2026-11-01 Coffee at Rosa's\n"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMine me@laptop\n"


@pytest.fixture
def upstream(tmp_path) -> TempJournal:
    """The journal as someone else keeps it: they can commit anything to it."""
    journal = TempJournal(tmp_path / "upstream")
    create_journal(journal.root)
    journal.write("ana.md", ANA)
    journal.commit("Add Ana")
    return journal


def cloned(upstream: TempJournal, tmp_path: Path, name: str = "mine") -> TempJournal:
    subprocess.run(["git", "clone", "-q", str(upstream.root), str(tmp_path / name)], check=True)
    return TempJournal(tmp_path / name)


def secret(tmp_path: Path, name: str, text: str = KEY) -> Path:
    """A file of the user's outside the journal (an authorized_keys, a key, a .profile)."""
    path = tmp_path / "home" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


# ---- 1. the site folder ----------------------------------------------------------------------------------------

def test_a_committed_site_link_deletes_nothing(upstream, tmp_path):
    keep = secret(tmp_path, "keep.txt", "the user's own file\n")
    (upstream.root / "site").symlink_to("..")  # .gitignore's `site/` matches a folder, not a link
    upstream.commit("A site")
    mine = cloned(upstream, tmp_path / "home")
    assert (mine.root / "site").is_symlink()
    assert mine.followup("trust").returncode == 0
    built = mine.followup("build")
    assert built.returncode == 1 and "site is a symbolic link (to ..)" in built.stderr
    plain = mine.build(check=False)  # MkDocs alone: the plugin refuses before anything is cleaned
    assert plain.returncode == 1 and "site is a symbolic link" in plain.stderr + plain.stdout
    assert keep.read_text() == "the user's own file\n"
    assert (mine.root / ".git").is_dir() and (mine.contacts / "ana.md").is_file()


def test_a_pulled_site_dir_elsewhere_deletes_nothing(upstream, tmp_path):
    mine = cloned(upstream, tmp_path)
    assert mine.followup("trust").returncode == 0
    keep = tmp_path / "Documents" / "taxes.pdf"
    keep.parent.mkdir()
    keep.write_text("the user's own file\n")
    config = upstream.root / "mkdocs.yml"
    for site_dir in ("../Documents", ".", "contacts", ".git"):
        config.write_text(config.read_text().split("site_dir:")[0].rstrip("\n") + f"\nsite_dir: {site_dir}\n")
        upstream.commit(f"Build into {site_dir}")
        mine.git("pull", "-q", "--no-rebase")
        assert mine.followup("trust").returncode == 0  # even trusted, the site folder must be the journal's own
        built = mine.followup("build")
        assert built.returncode == 1 and "site_dir" in built.stderr, site_dir
        assert keep.is_file() and (mine.contacts / "ana.md").is_file() and (mine.root / ".git/HEAD").is_file()


def test_a_failed_build_leaves_the_last_good_site(upstream, tmp_path):
    mine = cloned(upstream, tmp_path)
    assert mine.followup("trust").returncode == 0
    assert mine.followup("build").returncode == 0
    before = (mine.root / "site/people/ana/index.html").read_bytes()
    hook = mine.root / "hooks/fails.py"
    hook.parent.mkdir()
    hook.write_text("def on_post_build(config, **kwargs):\n    raise OSError(28, 'No space left on device')\n")
    config = mine.root / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks:\n  - hooks/fails.py\n")
    mine.followup("trust")
    failed = mine.followup("build")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert failed.stderr.strip().splitlines()[-1] == \
        "followup: the build stopped: OSError: [Errno 28] No space left on device; the last good site is kept"
    assert (mine.root / "site/people/ana/index.html").read_bytes() == before
    assert sorted(path.name for path in mine.root.iterdir() if path.name.startswith(".site")) == []


# ---- 2 and 4. caches -------------------------------------------------------------------------------------------

class _RunsWhenUnpickled:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_committed_cache_is_never_written_through_nor_read(upstream, tmp_path):
    keys = secret(tmp_path, "authorized_keys")
    ran = tmp_path / "ran"
    folder = upstream.root / ".followup-cache"
    folder.mkdir()
    for name in ("contacts.sqlite3", "history.sqlite3", "pages.sqlite3"):
        (folder / name).symlink_to(keys)
    (folder / "calendar.pickle").write_bytes(pickle.dumps(_RunsWhenUnpickled(ran)))
    upstream.write("ana.md", ANA.replace("Architect.", "Architect. " + KEY))  # a key line in her notes
    upstream.git("add", "-f", ".followup-cache")
    upstream.commit("A cache, committed")
    mine = cloned(upstream, tmp_path)
    mine.followup("trust")
    for command in (["due", "--all"], ["ics"], ["build"], ["show", "ana"]):
        assert mine.followup(*command).returncode == 0, command
    assert keys.read_text() == KEY and not ran.exists()
    assert "Ana Ribeiro" in mine.followup("due", "--all").stdout


def test_no_module_of_followup_unpickles():
    source = Path(__file__).parents[2] / "src" / "followup"
    users = [path.name for path in source.rglob("*.py") if "pickle" in path.read_text()]
    assert users == []


# ---- 3. the server ---------------------------------------------------------------------------------------------

def raw_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        lines = [f"GET {path} HTTP/1.1", *(f"{key}: {value}" for key, value in headers.items()), "Connection: close"]
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_serve_answers_this_machines_browser_only(upstream, tmp_path):
    mine = cloned(upstream, tmp_path)
    mine.followup("trust")
    port = free_port()
    server = subprocess.Popen([str(BIN / "followup"), "serve", "--port", str(port)], cwd=mine.root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        here = {"Host": f"127.0.0.1:{port}"}
        wait_for(lambda: answers(port) and raw_get(port, "/", here)[0] == 200)
        for host in (f"localhost:{port}", f"[::1]:{port}"):
            assert raw_get(port, "/people/ana/", {"Host": host})[0] == 200
        for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "127.0.0.1:1"):
            status, body = raw_get(port, "/people/ana/", {"Host": host})
            assert status == 403 and b"Ana" not in body, host
        for site in ("cross-site", "same-site"):
            included = {**here, "Sec-Fetch-Site": site, "Sec-Fetch-Dest": "script", "Sec-Fetch-Mode": "no-cors"}
            status, body = raw_get(port, "/followup-data.js", included)
            assert status == 403 and b"Ana" not in body
            link = {**here, "Sec-Fetch-Site": site, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
            assert raw_get(port, "/", link)[0] == 200  # following a link to the journal is fine
            framed = {**link, "Sec-Fetch-Dest": "iframe"}
            assert raw_get(port, "/", framed)[0] == 403
        assert raw_get(port, "/followup-data.js", here)[0] == 403  # no browser says it is the journal's page
        own = raw_get(port, "/followup-data.js", {**here, "Sec-Fetch-Site": "same-origin"})
        assert own[0] == 200 and b"Ana Ribeiro" in own[1]
        assert raw_get(port, "/followup.ics", here)[0] == 200  # a calendar subscribes without those headers
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


# ---- 5 and 6. the editor and its draft -------------------------------------------------------------------------

RECORDING_EDITOR = """\
import sys
from pathlib import Path
Path(sys.argv[1]).with_name("seen").write_text(Path(sys.argv[2]).read_text())
"""


def test_edit_runs_no_shell_and_never_opens_a_committed_draft(upstream, tmp_path):
    key = secret(tmp_path, "id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n")
    (upstream.contacts / ".ana.md.draft").symlink_to(key)
    upstream.write("$(touch${IFS}pwned).md", "---\nname: Odd Name\n---\n")
    upstream.commit("A draft and an odd name")
    mine = cloned(upstream, tmp_path)
    recorder = tmp_path / "editor" / "record.py"
    recorder.parent.mkdir()
    recorder.write_text(RECORDING_EDITOR)
    env = {"VISUAL": "", "EDITOR": f"{sys.executable} {recorder} {recorder}"}
    edited = mine.followup("edit", "ana", env=env)
    assert edited.returncode == 0 and "Going on from" not in edited.stdout
    assert "PRIVATE KEY" not in (recorder.parent / "seen").read_text()
    assert mine.followup("edit", "odd", env=env).returncode == 0
    assert not (mine.root / "pwned").exists() and not (tmp_path / "pwned").exists()
    assert mine.git("log", "--format=%s").stdout.splitlines()[0] == "A draft and an odd name"  # nothing committed
    shell = mine.followup("edit", "ana", env={"VISUAL": "", "EDITOR": "true; touch pwned"})
    assert shell.returncode == 2 and "could not be started" in shell.stderr and not (mine.root / "pwned").exists()


# ---- 7 and 10. git's attributes ----------------------------------------------------------------------------------

def test_git_setup_never_writes_through_a_committed_attributes_link(upstream, tmp_path):
    profile = secret(tmp_path, ".profile", "export PATH=$HOME/bin:$PATH\n")
    (upstream.contacts / ".gitattributes").unlink()
    (upstream.contacts / ".gitattributes").symlink_to(profile)
    upstream.commit("Attributes")
    mine = cloned(upstream, tmp_path)
    setup = mine.followup("git-setup")
    assert setup.returncode == 2 and "contacts/.gitattributes is a symbolic link" in setup.stderr
    assert profile.read_text() == "export PATH=$HOME/bin:$PATH\n"


@pytest.mark.parametrize("attribute", ["*.md -diff", "*.md binary", "*.md diff=hidden"])
def test_committed_attributes_change_nothing_in_the_history(upstream, attribute):
    upstream.write("ana.md", ANA.replace("2026-11-01\n---", "2026-11-15\n---") + "- 2026-11-15 Lunch\n")
    upstream.commit("Lunch with Ana")
    upstream.git("config", "diff.hidden.binary", "true")
    before = json.loads(upstream.followup("log", "ana", "--json").stdout)
    assert [event["kind"] for event in before] == ["edit", "log", "log"]  # Add Ana (today), Lunch, Coffee
    (upstream.contacts / ".gitattributes").write_text(f"{attribute}\n")
    upstream.commit("Attributes")
    assert json.loads(upstream.followup("log", "ana", "--json").stdout) == before, attribute


# ---- 8. init ---------------------------------------------------------------------------------------------------

def test_init_adds_to_a_gitignore_and_a_failed_init_changes_nothing(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / ".gitignore").write_text("secrets.env\n*.log")
    made = subprocess.run([str(BIN / "followup"), "init", str(folder)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert (folder / ".gitignore").read_text() == "secrets.env\n*.log\nsite/\n/.site-*/\n"
    (folder / "secrets.env").write_text("TOKEN=1\n")
    assert "secrets.env" not in subprocess.run(["git", "-C", str(folder), "status", "--porcelain"],
                                               capture_output=True, text=True).stdout

    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    (other / ".gitignore").write_bytes(b"secrets.env\n")
    (other / ".git" / "index.lock").write_text("")  # another git at work: followup's commit will fail
    config_before = (other / ".git" / "config").read_bytes()
    failed = subprocess.run([str(BIN / "followup"), "init", str(other)], capture_output=True, text=True)
    assert failed.returncode == 1 and "nothing was made" in failed.stderr
    assert (other / ".gitignore").read_bytes() == b"secrets.env\n"
    assert sorted(path.name for path in other.iterdir()) == [".git", ".gitignore"]
    assert (other / ".git" / "config").read_bytes() == config_before


def test_init_refuses_a_gitignore_that_is_a_link(tmp_path):
    profile = secret(tmp_path, ".profile", "export A=1\n")
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(profile)
    refused = subprocess.run([str(BIN / "followup"), "init", str(folder)], capture_output=True, text=True)
    assert refused.returncode == 2 and ".gitignore is a symbolic link" in refused.stderr
    assert profile.read_text() == "export A=1\n" and sorted(path.name for path in folder.iterdir()) == [".gitignore"]


# ---- 9. the configuration runs as code: trust --------------------------------------------------------------------

HOOK = "import pathlib\npathlib.Path({marker!r}).touch()\n"


def test_a_pulled_hook_or_template_runs_only_once_trusted(upstream, tmp_path):
    mine = cloned(upstream, tmp_path)
    refused = mine.followup("build")
    assert refused.returncode == 2 and "not trusted on this machine yet: mkdocs.yml (new)" in refused.stderr
    assert mine.followup("trust").returncode == 0 and mine.followup("build").returncode == 0

    ran_hook, ran_template = tmp_path / "hook-ran", tmp_path / "template-ran"
    (upstream.root / "hooks").mkdir()
    (upstream.root / "hooks/extra.py").write_text(HOOK.format(marker=str(ran_hook)))
    template = upstream.root / "overrides/main.html"
    template.parent.mkdir()
    template.write_text('{% extends "base.html" %}{% block content %}'
                        f"{{{{ cycler.__init__.__globals__.os.system('touch {ran_template}') }}}}{{% endblock %}}\n")
    config = upstream.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
                      + "hooks:\n  - hooks/extra.py\n")
    upstream.commit("Nicer pages")
    mine.git("pull", "-q", "--no-rebase")
    for command in (["build"], ["watch"], ["serve", "--port", str(free_port())]):
        refused = mine.followup(*command)
        assert refused.returncode == 2, command
        assert "changed since you trusted it: mkdocs.yml (changed), hooks/extra.py (new), overrides (new), " \
               "overrides/main.html (new)" in refused.stderr
    plain = subprocess.run([str(BIN / "mkdocs"), "build"], cwd=mine.root, capture_output=True, text=True,
                           env={**os.environ, "FOLLOWUP_REQUIRE_TRUST": "1"})
    assert plain.returncode == 1 and "followup trust" in plain.stderr  # refused before the hook is imported
    assert not ran_hook.exists() and not ran_template.exists()
    assert mine.followup("due", "--all").returncode == 0  # reading runs none of it
    trusted = mine.followup("trust")
    assert "hooks/extra.py: new" in trusted.stdout and mine.followup("build").returncode == 0
    assert ran_hook.exists() and ran_template.exists()  # the user read it and trusted it: MkDocs' model then


def test_a_link_in_the_theme_folder_is_never_read_nor_published(upstream, tmp_path):
    secret_file = secret(tmp_path, "passwd", "root:x:0:0\n")
    (upstream.root / "overrides").mkdir()
    (upstream.root / "overrides/notes.txt").symlink_to(secret_file)
    config = upstream.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    upstream.commit("Notes")
    mine = cloned(upstream, tmp_path)
    assert "overrides/notes.txt: new" in mine.followup("trust").stdout
    built = mine.followup("build")
    assert built.returncode == 1 and "custom_dir) holds symbolic links" in built.stderr
    assert not (mine.root / "site/notes.txt").exists()


MAILER = "import pathlib\npathlib.Path({marker!r}).touch()\nprint('s3cret')\n"


def test_pulled_mail_settings_run_nothing_and_send_nothing_until_trusted(upstream, tmp_path, mail_server):
    start, certificates = mail_server
    inbox, port = start()
    ran = tmp_path / "password-command-ran"
    (tmp_path / "mailer.py").write_text(MAILER.format(marker=str(ran)))
    mine = cloned(upstream, tmp_path)
    mine.followup("trust")
    config = upstream.root / "mkdocs.yml"
    for mail in (f"{{host: 127.0.0.1, port: {port}, user: tess@example.org, "
                 f"password_command: '{sys.executable} {tmp_path / 'mailer.py'}'}}",
                 f"{{host: 127.0.0.1, port: {port}, user: tess@example.org, password_env: AWS_SECRET_ACCESS_KEY}}"):
        config.write_text(config.read_text().split("      mail:")[0].replace(
            "      picks_per_day: 5\n", f"      picks_per_day: 5\n      mail: {mail}\n"))
        upstream.commit("Mail the digest")
        mine.git("pull", "-q", "--no-rebase")
        env = {**certificates, "AWS_SECRET_ACCESS_KEY": "s3cret"}
        refused = mine.followup("digest", "--send", env=env)
        assert refused.returncode == 2 and "mkdocs.yml (changed)" in refused.stderr
        assert not ran.exists() and inbox.messages == []
    assert mine.followup("digest").returncode == 0  # printing it runs nothing
