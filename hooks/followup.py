"""MkDocs hook that turns the contacts folder into the followup site.

It only connects MkDocs to the followup package, where the journal and its views live.
"""

import sys
from pathlib import Path

# MkDocs registers this file as the module "followup" and puts its folder first on sys.path,
# which would hide the followup package of the same name: step aside before importing it.
sys.modules.pop(__name__, None)
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent.resolve()]

from followup.site import on_config, on_files, on_page_content, on_page_markdown, on_startup  # noqa: E402,F401
