"""The MkDocs view of the journal. The plugin is followup.site.plugin:FollowupPlugin; the hook file that journals
made before it copied (hooks/followup.py) imports every event from here."""

from followup.site.hook import *  # noqa: F403
from followup.site.hook import __all__  # noqa: F401
