"""How the core's small value objects pickle (the caches of big journals hold tens of thousands)."""

from __future__ import annotations


class Compact:
    """A slotted dataclass that pickles as its constructor's arguments.

    The dataclass default pickles each object through two Python functions that look up its fields
    again; loading the 50,000 git events and 10,000 contacts of a big journal took longer than
    parsing them. A constructor call per object is a third of that.
    """

    __slots__ = ()

    def __reduce__(self):
        return type(self), tuple(map(self.__getattribute__, self.__slots__))
