"""`followup serve` when another generator builds the site (Zensical): the journal is rendered and built again on
every save, and served by MkDocs' live-reload server under the same guard as the plugin's own server
(guard.local_only): this machine's browser only, the people's data to the journal's own pages only.

Run by `followup serve` as its own process: python -m followup.site.serving JOURNAL PORT
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from followup.site.guard import local_only
from followup.store.config import config_file, load_settings
from followup.store.places import BUILT, RENDERED


def serve(root: Path, port: int) -> None:
    rendered = root / RENDERED
    # Zensical's own build of the render folder, which writes only the pages that changed; a failed step is said
    # by itself, and the last good site stays.
    steps = [[sys.executable, "-m", "followup", "--journal", str(root), "render"],
             [sys.executable, "-m", "zensical", "build", "--config-file", str(rendered / "mkdocs.yml")]]

    def build() -> None:
        for step in steps:
            if subprocess.run(step, cwd=root, check=False).returncode:
                return

    build()
    server = LiveReloadServer(builder=build, host="127.0.0.1", port=port, root=str(rendered / BUILT))
    server.watch(str(root / load_settings(root).contacts))
    config = config_file(root)
    if config is not None:
        server.watch(str(config), recursive=False)
    server.set_app(local_only(server.serve_request, port))
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    serve(Path(sys.argv[1]), int(sys.argv[2]))
