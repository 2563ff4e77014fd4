"""MkDocs hook of journals made before followup was a plugin: it connects MkDocs to the followup package.
New journals list the plugin instead (`plugins: [search, followup]`); this file keeps older ones building.
"""

import sys
from pathlib import Path

# While MkDocs runs this file it puts this folder first on sys.path, where this very file would be found
# as the module "followup", hiding the package of that name: step aside before importing it.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent.resolve()]

# Every event the package handles, so a journal's copy of this file keeps working as followup grows.
from followup.site import *  # noqa: E402, F403
