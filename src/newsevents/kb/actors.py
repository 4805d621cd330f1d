"""Actor knowledge: sector nouns, titles, organisations, well-known persons.

The data lives in ``data/actors.json`` (written for this project). Country
names, demonyms and capitals come from ``kb.countries``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import spacy


@dataclass(frozen=True)
class KnownActor:
    """An organisation or person the knowledge base names outright."""

    name: str
    country: str | None
    sector: str | None
    role: str | None = None


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").replace(".", "").lower().split())


def is_acronym(name: str) -> bool:
    """ "WHO", "U.N.", "AU": matched only as written, never as the word "who"."""
    return name.replace(".", "").isupper() or len(name) <= 4


class ActorKB:
    """Look-ups from words and names to PLOVER sectors and known actors."""

    def __init__(self, data: dict) -> None:  # type: ignore[type-arg]
        self._sector_nouns = {
            _key(noun): sector
            for sector, nouns in data["sector_nouns"].items()
            for noun in nouns
        }
        self._titles = {
            _key(title): sector for sector, titles in data["titles"].items() for title in titles
        }
        self._organisations: dict[str, KnownActor] = {}
        self.organisation_names: tuple[str, ...] = tuple(
            name for entry in data["organisations"] for name in entry["names"])
        for entry in data["organisations"]:
            actor = KnownActor(entry["name"], entry["code"], entry["sector"])
            for name in entry["names"]:
                self._organisations[name] = actor
                if not is_acronym(name):
                    self._organisations.setdefault(_key(name), actor)
        self._persons: dict[str, KnownActor] = {}
        for entry in data["persons"]:
            actor = KnownActor(entry["names"][0], entry["code"], entry["sector"], entry["role"])
            for name in entry["names"]:
                self._persons[_key(name)] = actor
        self._groups = {_key(word) for word in data["groups_not_persons"]}
        self._not_actor_heads = {_key(word) for word in data["not_actor_heads"]}
        self.max_title_words = max(len(t.split()) for t in self._titles)

    def sector_of_noun(self, phrase: str) -> str | None:
        """The sector a common noun (or noun compound) names: "riot police" → COP."""
        return self._sector_nouns.get(_key(phrase))

    def sector_of_title(self, title: str) -> str | None:
        """The sector a person's title names: "foreign minister" → GOV."""
        return self._titles.get(_key(title))

    def organisation(self, name: str) -> KnownActor | None:
        """A known organisation; acronyms match case-sensitively ("WHO", not "who")."""
        if is_acronym(name):
            return self._organisations.get(name)
        key = _key(name)
        key = key.removeprefix("the ")
        return self._organisations.get(key)

    def organisation_within(self, name: str) -> KnownActor | None:
        """The longest known organisation named inside a longer name.

        "United Nations Security Council" → United Nations; acronyms and names of
        fewer than two words are not searched for inside others.
        """
        words = _key(name).split()
        for size in range(len(words) - 1, 1, -1):
            for start in range(len(words) - size + 1):
                known = self._organisations.get(" ".join(words[start:start + size]))
                if known is not None:
                    return known
        return None

    def person(self, name: str) -> KnownActor | None:
        return self._persons.get(_key(name))

    def describes_no_actor(self, phrase: str) -> bool:
        """Nouns a country word may describe without naming an actor ("US dollar")."""
        return _key(phrase) in self._not_actor_heads

    def is_group_word(self, word: str) -> bool:
        """Religious or ethnic group words that NER sometimes takes for persons."""
        return _key(word) in self._groups


@functools.cache
def load_actor_kb() -> ActorKB:
    text = resources.files("newsevents").joinpath("data/actors.json").read_text("utf-8")
    return ActorKB(json.loads(text))


@spacy.registry.misc("newsevents.actor_kb.v1")
def make_actor_kb() -> ActorKB:
    """The shared, cached actor KB (``data/actors.json``) for the resolve_actors config."""
    return load_actor_kb()
