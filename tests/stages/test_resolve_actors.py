"""resolve_actors on real parses: KB names, dated roles, titles, possessives, datelines."""

from __future__ import annotations

import datetime as dt

import pytest

from newsevents.pipeline import process
from newsevents.types import Article

pytestmark = pytest.mark.slow


def _actors(nlp, text: str, published: dt.date | None = dt.date(2024, 6, 1)):
    result = next(process([Article(id="t", text=text, published=published)], nlp=nlp))
    return {actor.text: (actor.country, actor.sector) for actor in result.actors}


@pytest.mark.parametrize(("text", "published", "mention", "coded"), [
    ("Former President Barack Obama spoke in Chicago.", dt.date(2024, 5, 1),
     "Former President Barack Obama", ("USA", "ELI")),
    ("President Barack Obama spoke in Chicago.", dt.date(2012, 5, 1),
     "President Barack Obama", ("USA", "GOV")),
    ("Angela Merkel condemned the attack.", dt.date(2023, 5, 1), "Angela Merkel", ("DEU", "ELI")),
    ("Angela Merkel condemned the attack.", dt.date(2019, 5, 1), "Angela Merkel", ("DEU", "GOV")),
    ("Defense Minister Diego Molano visited Cali.", dt.date(2021, 6, 1),
     "Defense Minister Diego Molano", ("COL", "GOV")),
])
def test_resolve_actors_dated_roles(nlp, text, published, mention, coded):
    assert _actors(nlp, text, published)[mention] == coded


def test_resolve_actors_organisations_and_acronyms(nlp):
    actors = _actors(nlp, "Nikol Pashinyan met the DEA chief. The PRI and Los Zetas were "
                          "blamed. The Collective Security Treaty Organization met.")
    assert actors["Nikol Pashinyan"] == ("ARM", "GOV")
    assert actors["DEA"] == ("USA", "COP")
    assert actors["PRI"] == ("MEX", "PTY")
    assert actors["Los Zetas"] == ("MEX", "CRM")
    assert actors["Collective Security Treaty Organization"] == ("IGO", "IGO")


def test_resolve_actors_possessive_and_demonym_with_agent_noun(nlp):
    actors = _actors(nlp, "American warplanes struck targets near the border, and "
                          "Pakistan's army said it would respond.")
    assert actors["American warplanes"] == ("USA", "MIL")
    assert actors["Pakistan's army"] == ("PAK", "MIL")


def test_resolve_actors_surname_after_first_mention(nlp):
    actors = _actors(nlp, "Merkel said Germany would help. Later, Merkel left.",
                     dt.date(2019, 3, 1))
    assert actors["Merkel"] == ("DEU", "GOV")


def test_resolve_actors_organisation_speaks_for_its_people(nlp):
    actors = _actors(nlp, "ECOWAS leaders met in Abuja. An Amnesty International "
                          "spokesperson condemned the arrests.")
    assert actors["ECOWAS leaders"][1] == "IGO"
    assert actors["Amnesty International spokesperson"] == ("NGO", "NGO")


def test_resolve_actors_unknown_name_stays_unknown(nlp):
    actors = _actors(nlp, "Arvedui Tarcil met villagers in Herat on Tuesday.")
    assert actors["Arvedui Tarcil"][0] is None


@pytest.mark.parametrize("text", [
    "KABUL — Taliban fighters detained two journalists on Monday, officials said.",
    "Kabul, Afghanistan (Reuters) - Taliban fighters detained two journalists on Monday.",
])
def test_resolve_actors_dateline_is_no_actor_but_gives_the_country(nlp, text):
    actors = _actors(nlp, text)
    assert not any(mention.lower().startswith("kabul") for mention in actors)
    assert actors["journalists"][0] == "AFG"


def test_resolve_actors_a_name_before_a_dash_is_still_an_actor(nlp):
    assert _actors(nlp, "Hamas — the group said it would talk.")["Hamas"] == ("PSE", "REB")
