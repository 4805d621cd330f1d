"""``Memo``: a bounded store of a pure function's answers, shared by the stages' caches.

Country matches, date fallbacks, phrase-list searches and word polarities are asked
about the same keys many times an article and across a corpus (issue 12). Each cache is
a ``Memo``: a plain dict, read with the dict's own fast lookups at the call site, and
written through ``keep``, which forgets every answer at once when ``size`` is reached:
cheaper than least-recently-used bookkeeping, and a corpus's common keys come straight
back. The answers are pure functions of their keys, so forgetting changes no output.
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V], Generic[K, V]):
    """At most ``size`` answers by key."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def keep(self, key: K, value: V) -> V:
        """Store ``value`` under ``key`` (forgetting all answers first when full); return it."""
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value
