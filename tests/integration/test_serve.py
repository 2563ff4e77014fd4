"""`followup serve` and `followup watch` as long-running processes: real servers, real file changes."""

import os
import signal
import subprocess
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from helpers import free_port, wait_for

pytestmark = pytest.mark.build  # also run under ProperDocs in CI


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def read(path):
    try:
        return path.read_text()
    except OSError:  # between MkDocs cleaning site/ and writing it again
        return ""


def listening_addresses(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as stream:
            for line in stream.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, port_hex = local.rsplit(":", 1)
                if int(port_hex, 16) == port and state == "0A":  # LISTEN
                    found.add(address)
    return found


@pytest.fixture
def running():
    processes = []

    def start(*args, cwd):
        process = subprocess.Popen(["followup", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        processes.append(process)
        return process

    yield start
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def refused_for_another_host(port: int) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/followup-data.js", headers={"Host": "rebound.example"})
    try:
        urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as error:
        return error.code == 403
    return False


@pytest.mark.parametrize("generator", ["mkdocs", "zensical"])
def test_serve_binds_loopback_and_rebuilds_when_a_contact_changes(journal, running, generator):
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: weekly\n---\n")
    journal.commit("Add Ana")
    port = free_port()
    running("serve", "--port", str(port), "--generator", generator, cwd=journal.root)
    home = wait_for(lambda: fetch(f"http://127.0.0.1:{port}/"))
    assert 'data-slug="ana"' in home
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only
    assert refused_for_another_host(port)  # the same guard whatever builds the site (followup.site.guard)
    assert journal.followup("touch", "ana", "-m", "Tea by the river").returncode == 0
    page = wait_for(lambda: (text := fetch(f"http://127.0.0.1:{port}/people/ana/")) and "Tea by the river" in text
                    and text)
    assert "Tea by the river" in page


def test_served_here_the_edit_link_opens_the_file_in_a_local_editor(journal, running):
    journal.settings("editor: vscode")
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: weekly\n---\nNotes.\n\n## Log\n- 2026-11-01 Coffee\n")
    journal.commit("Add Ana")
    port = free_port()
    running("serve", "--port", str(port), cwd=journal.root)
    page = BeautifulSoup(wait_for(lambda: fetch(f"http://127.0.0.1:{port}/people/ana/")), "html.parser")
    path = quote(str((journal.contacts / "ana.md").resolve()))
    # the cursor on the log's newest line, where the next one goes
    assert page.select_one("a.fu-edit-link")["href"] == f"vscode://file{path}:8"


@pytest.mark.parametrize("generator", ["mkdocs", "zensical"])
def test_watch_rebuilds_the_static_site(journal, running, generator):
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: weekly\n---\n")
    journal.commit("Add Ana")
    running("watch", "--generator", generator, cwd=journal.root)
    person = journal.root / "site/people/ana/index.html"
    wait_for(person.exists)
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: weekly\n---\nLoves Lisbon tiles.\n")
    wait_for(lambda: "Loves Lisbon tiles" in read(person))
    journal.write("bob.md", "---\nname: Bob Builder\n---\n")
    wait_for((journal.root / "site/people/bob/index.html").exists)
