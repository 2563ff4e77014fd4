"""MkDocs hook that turns the contacts folder into the followup site.

It only connects MkDocs to the followup package, where the journal and its views live.
"""

import sys
from pathlib import Path

# MkDocs registers this file as the module "followup" and puts its folder first on sys.path,
# which would hide the followup package of the same name: step aside before importing it.
sys.modules.pop(__name__, None)
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent.resolve()]

# Every event the package handles, so a journal's copy of this file keeps working as followup grows.
from followup.site import *  # noqa: E402,F401,F403
