"""Actor knowledge: sector nouns, titles, and the named actors of the KB.

The vocabulary lives in ``data/actors.json`` (written for this project); named
persons and organisations in the actor knowledge base (``kb.actor_kb``).
Country names, demonyms and capitals come from ``kb.countries``.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

import spacy

from newsevents.kb.actor_kb import ActorIndex, KbEntry, default_kb_path, load_actor_index


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").replace(".", "").lower().split())


class ActorKB:
    """Look-ups from words and names to PLOVER sectors and known actors."""

    def __init__(self, data: dict, index: ActorIndex) -> None:  # type: ignore[type-arg]
        self._sector_nouns = {
            _key(noun): sector
            for sector, nouns in data["sector_nouns"].items()
            for noun in nouns
        }
        self._titles = {
            _key(title): sector for sector, titles in data["titles"].items() for title in titles
        }
        self.index = index
        self.organisation_names = index.marked_names
        self._groups = {_key(word) for word in data["groups_not_persons"]}
        self._not_actor_heads = {_key(word) for word in data["not_actor_heads"]}
        self.max_title_words = max(len(t.split()) for t in self._titles)

    def sector_of_noun(self, phrase: str) -> str | None:
        """The sector a common noun (or noun compound) names: "riot police" → COP."""
        return self._sector_nouns.get(_key(phrase))

    def sector_of_title(self, title: str) -> str | None:
        """The sector a person's title names: "foreign minister" → GOV."""
        return self._titles.get(_key(title))

    def organisation(self, name: str) -> KbEntry | None:
        """A known organisation; acronyms match case-sensitively ("WHO", not "who")."""
        return self.index.organisation(name)

    def organisation_within(self, name: str) -> KbEntry | None:
        """The longest known organisation named inside a longer name."""
        return self.index.organisation_within(name)

    def person(self, name: str) -> KbEntry | None:
        return self.index.person(name)

    def describes_no_actor(self, phrase: str) -> bool:
        """Nouns a country word may describe without naming an actor ("US dollar")."""
        return _key(phrase) in self._not_actor_heads

    def is_group_word(self, word: str) -> bool:
        """Religious or ethnic group words that NER sometimes takes for persons."""
        return _key(word) in self._groups


@functools.cache
def load_actor_kb(path: Path | None = None) -> ActorKB:
    """The vocabulary and the named-actor KB at ``path`` (the shipped one by default).

    A missing or malformed KB file raises E020/E021 here, when the pipeline is
    built, not on the first article.
    """
    return ActorKB(_vocabulary(), load_actor_index(path or default_kb_path()))


@functools.cache
def _vocabulary() -> dict:  # type: ignore[type-arg]
    text = resources.files("newsevents").joinpath("data/actors.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@spacy.registry.misc("newsevents.actor_kb.v1")
def make_actor_kb(path: str | None = None) -> ActorKB:
    """The actor KB for the resolve_actors config: the shipped one, or the file at ``path``."""
    return load_actor_kb(Path(path) if path else None)
