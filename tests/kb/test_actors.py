"""The actor knowledge base: sectors, titles, organisations, persons, group words."""

from __future__ import annotations

import json
from importlib import resources

from newsevents.kb.actors import load_actor_kb
from newsevents.types import SECTORS


def test_actors_every_sector_is_a_plover_sector():
    data = json.loads(resources.files("newsevents").joinpath("data/actors.json").read_text())
    assert set(data["sector_nouns"]) | set(data["titles"]) <= set(SECTORS)


def test_actors_sector_nouns_and_titles():
    kb = load_actor_kb()
    assert kb.sector_of_noun("riot police") == "COP"
    assert kb.sector_of_noun("Militants") == "REB"
    assert kb.sector_of_title("foreign minister") == "GOV"
    assert kb.sector_of_noun("weather") is None


def test_actors_acronyms_match_case_sensitively():
    kb = load_actor_kb()
    assert kb.organisation("WHO").name == "World Health Organization"
    assert kb.organisation("who") is None
    assert kb.organisation("the European Union").country == "IGO"


def test_actors_known_organisation_inside_a_longer_name():
    kb = load_actor_kb()
    assert kb.organisation_within("United Nations Security Council").name == "United Nations"
    assert kb.organisation_within("Gondor Chamber of Commerce") is None


def test_actors_persons_and_group_words():
    kb = load_actor_kb()
    assert kb.person("Putin").coding_on(None).country == "RUS"
    assert kb.is_group_word("Sikh")
    assert not kb.is_group_word("Miller")
