"""The caches' stamp: a cache written by another followup is never read."""

from followup.store.database import code_version


def test_the_stamp_covers_every_module_of_followup_not_only_the_stores():
    # An edited parser (core/contact.py) parses differently: a cache of its old results must start afresh.
    names = {name for name, _, _ in code_version()}
    assert {"core/contact.py", "core/due.py", "store/cache.py", "formats/calendar.py", "site/build.py"} <= names
