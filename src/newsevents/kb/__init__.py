"""Knowledge bases the stages share: countries and the place gazetteer.

Both load offline from installed packages plus small tables shipped in
``newsevents/data``; both are cached per process because every worker
loads them.
"""

from __future__ import annotations

from newsevents.kb.countries import Countries, Country, load_countries
from newsevents.kb.gazetteer import Candidate, Gazetteer, load_gazetteer

__all__ = [
    "Candidate",
    "Countries",
    "Country",
    "Gazetteer",
    "load_countries",
    "load_gazetteer",
]
