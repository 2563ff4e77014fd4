"""Benchmark: followup against plain MkDocs, in the same run, alternating.

    .venv/bin/python bench/run.py                 # 1,000/2,000 and 10,000/50,000
    .venv/bin/python bench/run.py --sizes 1000:2000 --repeat 3
    .venv/bin/python bench/run.py --sizes '' --firm 100000:300000:500 --hands 50

For each size: a synthetic journal (bench/journal.py) and a plain mkdocs-material site with the
same Markdown in docs/ (out of the nav, no hook) are built alternately; wall time and peak memory
(each build in its own process) and their ratio are printed, with `followup due --json`, the hook's
own share (measured in-process by timing the hook's event functions), and the core split into
parsing and git. A last line compares 1k with 10k: linear cost means a ratio near 10.

--firm builds a firm's journal (each owner's people in a folder of their own) against plain
mkdocs-material with the same pages, and times one owner's `followup due`. --hands runs many
clones touching the same people and pushing in turn (bench/hands.py), checks that nothing was
lost, and times `git pull` through the merge driver in clones of the largest --sizes journal.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
BIN = Path(sys.executable).parent

from followup.store.places import state_folder  # noqa: E402
from hands import Hands, clones_of, lost_work, many_hands  # noqa: E402
from journal import plain_copy  # noqa: E402

ENV = {**os.environ, "FOLLOWUP_TODAY": "2026-11-23", "NO_MKDOCS_2_WARNING": "1"}


def generated(folder: Path, contacts: int, commits: int, **layout) -> Path:
    """generate() in a process of its own: a child's peak memory starts at its parent's when it was forked
    (Linux keeps the high-water mark across exec), and making 100,000 contacts takes this process to 600 MB."""
    subprocess.run([sys.executable, "-c", f"from journal import generate; from pathlib import Path; "
                    f"generate(Path({str(folder)!r}), {contacts}, {commits}, **{layout!r})"],
                   cwd=HERE, check=True)
    return folder / "journal"


# Where the builds write their sites: beside the journals, or under --sites (a memory file system such as
# /dev/shm), where writing 10,000 folders costs the same every time. On this project's machine it does not
# on disk: each build that removes and writes the site again makes the next one's writes slower.
SITES: Path | None = None


def built(journal: Path, env: dict = ENV) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one `mkdocs build` of a journal."""
    site = ["-d", str(SITES / f"{journal.parent.name}-{journal.name}")] if SITES else []
    return timed([str(BIN / "mkdocs"), "build", "-q", *site], journal, env)


def timed(command: list[str], cwd: Path, env: dict = ENV) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}")
    return elapsed, usage.ru_maxrss / 1024


HOOK_SHARE = """
import sys, time
from pathlib import Path
from followup.site.plugin import FollowupPlugin
from followup.store.history import read_history
from followup.store.journal import read_contacts
from followup.core.dates import today
spent = {}
def timing(name, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0) + time.perf_counter() - start
    return wrapper
for name in [name for name in vars(FollowupPlugin) if name.startswith("on_")]:  # every event it answers
    setattr(FollowupPlugin, name, timing(name, getattr(FollowupPlugin, name)))
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config("mkdocs.yml")
config.plugins.on_startup(command="build", dirty=False)
build(config)
root = Path(".").resolve()
start = time.perf_counter(); read_contacts(root, root / "contacts", today()); parse = time.perf_counter() - start
start = time.perf_counter(); history = read_history(root / "contacts"); git = time.perf_counter() - start
print(sum(spent.values()), parse, git, history.commits)
"""


SERVE_REBUILD = """
import sys, tempfile, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

site_dir = tempfile.mkdtemp(prefix="followup-bench-serve-", dir=sys.argv[2] or None)

def load():
    return load_config("mkdocs.yml", site_dir=site_dir)

load().plugins.on_startup(command="serve", dirty=True)  # as `followup serve` runs `mkdocs serve --dirty`
build(load(), dirty=True)  # the build it starts with
saved = Path(sys.argv[1])
saved.write_text(saved.read_text() + "\\n- 2026-11-23 Saved while serving\\n")
start = time.perf_counter()
build(load(), dirty=True)  # what it does on a change: the config read again, one build in the same process
print(time.perf_counter() - start)
"""


def serve_rebuild(journal: Path, saved: Path) -> float:
    """Seconds of the rebuild after a save, in the process that serves the site (no Python start-up)."""
    return float(subprocess.run([sys.executable, "-c", SERVE_REBUILD, str(saved), str(SITES or "")], cwd=journal,
                                env=ENV, capture_output=True, text=True, check=True).stdout.split()[-1])


def hook_share(journal: Path, env: dict = ENV) -> tuple[float, float, float, int]:
    output = subprocess.run([sys.executable, "-c", HOOK_SHARE], cwd=journal, env=env, capture_output=True, text=True,
                            check=True).stdout.split()
    return float(output[0]), float(output[1]), float(output[2]), int(output[3])


def measure(contacts: int, commits: int, repeat: int, folder: Path) -> dict:
    start = time.perf_counter()
    journal = generated(folder, contacts, commits)
    plain = plain_copy(journal, folder)
    made = time.perf_counter() - start
    cold = built(journal)  # the first build fills the journal's cache folder
    plain_beside_cold = built(plain)[0]
    followup_runs, plain_runs = [], []
    for _ in range(repeat):
        followup_runs.append(built(journal))
        plain_runs.append(built(plain))
    due = [timed([str(BIN / "followup"), "due", "--json"], journal)[0] for _ in range(repeat)]
    # After you save one contact: a build with everything else cached, in a new process and as
    # `followup serve` does it, in the process already serving.
    saved = sorted((journal / "contacts").glob("*.md"))[0]
    saved.write_text(saved.read_text() + "\n- 2026-11-23 Saved during the benchmark\n")
    # The machine's speed drifts over a long run: each of these is set against a plain build timed
    # right beside it, not against the best plain build of the start.
    after_save = built(journal)[0]
    serving = serve_rebuild(journal, saved)
    plain_beside_save = built(plain)[0]
    hook, parse, git, history_commits = hook_share(journal)
    # A new day redraws the lists and the people whose page shows the day (late, never touched...).
    next_day, next_day_mb = built(journal, {**ENV, "FOLLOWUP_TODAY": "2026-11-24"})
    plain_beside_next_day = built(plain)[0]
    next_day_hook = hook_share(journal, {**ENV, "FOLLOWUP_TODAY": "2026-11-25"})[0]
    new_week_hook = hook_share(journal, {**ENV, "FOLLOWUP_TODAY": "2026-11-29"})[0]  # a Sunday: every page
    shutil.rmtree(state_folder(journal))
    cold_hook, _, _, _ = hook_share(journal)
    best = {name: min(runs) for name, runs in (("followup", followup_runs), ("plain", plain_runs))}
    return {
        "contacts": contacts, "commits": commits, "made": made, "cold": cold[0], "cold_hook": cold_hook,
        "plain_beside_cold": plain_beside_cold,
        "followup": best["followup"][0], "plain": best["plain"][0],
        "followup_mb": max(m for _, m in followup_runs), "plain_mb": max(m for _, m in plain_runs),
        "due": min(due), "after_save": after_save, "serving": serving, "plain_beside_save": plain_beside_save,
        "plain_beside_next_day": plain_beside_next_day, "next_day": next_day, "next_day_mb": next_day_mb,
        "next_day_hook": next_day_hook, "new_week_hook": new_week_hook, "hook": hook, "parse": parse, "git": git,
        "history_commits": history_commits,
        "followup_range": (min(t for t, _ in followup_runs), max(t for t, _ in followup_runs)),
        "plain_range": (min(t for t, _ in plain_runs), max(t for t, _ in plain_runs)),
    }


def measure_firm(contacts: int, commits: int, owners: int, folder: Path) -> dict:
    start = time.perf_counter()
    journal = generated(folder, contacts, commits, owners=owners, by_owner=True)
    plain = plain_copy(journal, folder)
    made = time.perf_counter() - start
    cold, cold_mb = built(journal)
    plain_time, plain_mb = built(plain)
    warm, warm_mb = built(journal)
    plain_beside = built(plain)[0]
    one = [timed([str(BIN / "followup"), "due", "--owner", f"lawyer-{number:03d}", "--json"], journal)
           for number in range(0, owners, max(owners // 5, 1))]
    everyone = timed([str(BIN / "followup"), "due", "--all-owners", "--json"], journal)
    return {"made": made, "cold": cold, "cold_mb": cold_mb, "plain": min(plain_time, plain_beside),
            "plain_mb": plain_mb, "warm": warm, "warm_mb": warm_mb, "one": one, "everyone": everyone}


def measure_hands(clones: int, folder: Path) -> tuple[Hands, list[str]]:
    """Many clones of a small journal, each touching the same people and adding one, pushing in turn."""
    shared = ["ana", "bob", "cy", "dee"]
    journal = generated(folder, 0, 0)
    for slug in shared:
        (journal / "contacts" / f"{slug}.md").write_text(
            f"---\nname: {slug.title()} Shared\ncadence: monthly\nlast_touch: 2026-09-01\n---\n\n## Log\n"
            "- 2026-09-01 Met\n")
    subprocess.run(["git", "-C", str(journal), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(journal), "commit", "-q", "-m", "Shared clients"], check=True)
    hub, made = clones_of(journal, folder, clones)
    hands = many_hands(made, shared, rounds=1)
    final = folder / "final"
    subprocess.run(["git", "clone", "-q", str(hub), str(final)], check=True)
    return hands, lost_work(final, shared, hands)


def pulls_at(journal: Path, folder: Path, clones: int = 3) -> list[float]:
    """Seconds of each `git pull` through the merge driver, in clones of a big journal touching its people."""
    shared = sorted(path.stem for path in (journal / "contacts").glob("*.md"))[:4]
    folder.mkdir()
    _, made = clones_of(journal, folder, clones)
    return many_hands(made, shared, rounds=1).pulls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000:2000,10000:50000", help="contacts:commits,...")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind per size (best is kept)")
    parser.add_argument("--firm", help="contacts:commits:owners of a firm's journal, e.g. 100000:300000:500")
    parser.add_argument("--hands", type=int, default=0, help="clones pushing in turn to one repository, e.g. 50")
    parser.add_argument("--sites", type=Path, help="write every site under this folder, e.g. /dev/shm (see SITES)")
    arguments = parser.parse_args()
    global SITES
    results = []
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as folder, \
            tempfile.TemporaryDirectory(prefix="followup-bench-sites-", dir=arguments.sites) as sites:
        SITES = Path(sites) if arguments.sites else None
        for size in filter(None, arguments.sizes.split(",")):
            contacts, commits = (int(part) for part in size.split(":"))
            result = measure(contacts, commits, arguments.repeat, Path(folder) / size.replace(":", "-"))
            results.append(result)
            print(f"{contacts:>6} contacts {commits:>6} commits (made in {result['made']:.1f} s)")
            print(f"  build       followup {result['followup']:6.2f} s   plain {result['plain']:6.2f} s   "
                  f"ratio {result['followup'] / result['plain']:.2f}x")
            print(f"  first build, empty cache {result['cold']:.2f} s: {result['cold'] / result['plain']:.2f}x "
                  f"the best plain build, {result['cold'] / result['plain_beside_cold']:.2f}x the plain build "
                  f"beside it ({result['plain_beside_cold']:.2f} s)")
            followup_range, plain_range = result["followup_range"], result["plain_range"]
            print(f"  runs        followup {followup_range[0]:.2f}-{followup_range[1]:.2f} s   "
                  f"plain {plain_range[0]:.2f}-{plain_range[1]:.2f} s   (how much this machine drifts)")
            print(f"  peak memory followup {result['followup_mb']:6.0f} MB  plain {result['plain_mb']:6.0f} MB  "
                  f"ratio {result['followup_mb'] / result['plain_mb']:.2f}x")
            print(f"  hook's own work {result['hook']:.2f} s, first build of a day {result['next_day_hook']:.2f} s, "
                  f"of a week {result['new_week_hook']:.2f} s, empty cache {result['cold_hook']:.2f} s "
                  f"(uncached core: parsing {result['parse']:.2f} s, git log of {result['history_commits']} "
                  f"commits {result['git']:.2f} s)")
            print(f"  rebuild after one contact is saved: in `followup serve` {result['serving']:.2f} s "
                  f"({result['serving'] / result['plain_beside_save']:.2f}x a full plain build beside it, "
                  f"{result['plain_beside_save']:.2f} s), as a new `mkdocs build` {result['after_save']:.2f} s "
                  f"({result['after_save'] / result['plain_beside_save']:.2f}x)")
            print(f"  first build of the next day {result['next_day']:.2f} s "
                  f"({result['next_day'] / result['plain_beside_next_day']:.2f}x a full plain build beside it, "
                  f"{result['plain_beside_next_day']:.2f} s), peak memory "
                  f"{result['next_day_mb']:.0f} MB ({result['next_day_mb'] / result['plain_mb']:.2f}x)")
            print(f"  followup due --json {result['due']:.2f} s", flush=True)
            if arguments.hands:
                pulls = sorted(pulls_at(Path(folder) / size.replace(":", "-") / "journal",
                                        Path(folder) / f"pulls-{contacts}"))
                print(f"  git pull with the merge driver, {len(pulls)} clones touching the same people: "
                      f"median {pulls[len(pulls) // 2]:.2f} s, slowest {pulls[-1]:.2f} s", flush=True)
        if arguments.hands:
            start = time.perf_counter()
            hands, lost = measure_hands(arguments.hands, Path(folder) / "hands")
            print(f"{arguments.hands} clones touching 4 shared people and adding one each, pushing in turn: "
                  f"{len(hands.touches)} touches and {len(hands.added)} people, "
                  f"{'nothing lost' if not lost else 'LOST: ' + '; '.join(lost[:5])}; git pull median "
                  f"{sorted(hands.pulls)[len(hands.pulls) // 2]:.2f} s, slowest {max(hands.pulls):.2f} s "
                  f"(all in {time.perf_counter() - start:.0f} s)", flush=True)
        if arguments.firm:
            contacts, commits, owners = (int(part) for part in arguments.firm.split(":"))
            firm = measure_firm(contacts, commits, owners, Path(folder) / "firm")
            one = sorted(seconds for seconds, _ in firm["one"])
            print(f"{contacts:>6} contacts {commits:>6} commits {owners} owners, each in a folder "
                  f"(made in {firm['made']:.0f} s)")
            print(f"  build       first {firm['cold']:.0f} s ({firm['cold'] / firm['plain']:.2f}x), again "
                  f"{firm['warm']:.0f} s ({firm['warm'] / firm['plain']:.2f}x); plain mkdocs-material of the same "
                  f"pages {firm['plain']:.0f} s")
            print(f"  peak memory first build {firm['cold_mb']:.0f} MB, again {firm['warm_mb']:.0f} MB, "
                  f"plain {firm['plain_mb']:.0f} MB")
            print(f"  followup due --owner X (warm): median {one[len(one) // 2]:.2f} s, slowest {one[-1]:.2f} s, "
                  f"{max(mb for _, mb in firm['one']):.0f} MB; everyone's (--all-owners) {firm['everyone'][0]:.1f} s",
                  flush=True)
    if len(results) >= 2:
        small, large = results[0], results[-1]
        scale = large["contacts"] / small["contacts"]
        print(f"scaling {small['contacts']} -> {large['contacts']} contacts (x{scale:.0f}): "
              f"hook x{large['hook'] / small['hook']:.1f}, parsing x{large['parse'] / small['parse']:.1f}, "
              f"git x{large['git'] / small['git']:.1f} (commits x{large['commits'] / small['commits']:.0f}), "
              f"build x{large['followup'] / small['followup']:.1f}, plain x{large['plain'] / small['plain']:.1f}")


if __name__ == "__main__":
    main()
