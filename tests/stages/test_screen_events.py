"""screen_events on stylized sentences with fictional actors, through the whole pipeline."""

from __future__ import annotations

import datetime as dt

import pytest

from newsevents.errors import InputError
from newsevents.pipeline import process
from newsevents.stages import screen_events
from newsevents.types import Article

PUBLISHED = dt.date(2024, 11, 20)


def _events(nlp, text: str, *, include_unasserted: bool = True):
    article = Article(id="t", text=text, published=PUBLISHED)
    (result,) = list(process([article], nlp=nlp, include_unasserted=include_unasserted))
    return result.events


def _flags(event) -> set[str]:
    return {name for name in ("negated", "hypothetical", "future", "generic", "historical")
            if getattr(event, name)}


@pytest.mark.slow
@pytest.mark.parametrize(("text", "trigger", "flag"), [
    ("The Gondor government will impose sanctions on Mordor next week.", "impose", "future"),
    ("Gondor's foreign minister is due to visit Arnor in December.", "visit", "future"),
    ("Gondor's foreign minister is due to travel to Arnor on Sunday for talks.", "travel",
     "future"),
    ("Arnor rebels have fought the Gondor government for more than 15 years.", "fought",
     "historical"),
    ("The Gondor army arrested 40 opposition activists in March.", "arrested", "historical"),
    ("Armed gangs who raid villages in Gondor have displaced thousands.", "raid", "generic"),
    ("Gondor police routinely detain opposition activists.", "detain", "generic"),
    ("Gondor has closed its border crossing with Arnor several times.", "closed", "generic"),
    ("Gondor troops shelled Bree on Tuesday. Arnor had threatened to withdraw from the "
     "alliance.", "threatened", "historical"),
    ("The Gondor chancellor said deploying troops to Arnor would require a vote.",
     "deploying", "future"),
    ("Gondor troops shelled Bree on Tuesday. Arnor protesters accuse the Gondor government "
     "of corruption.", "accuse", "generic"),
    ("Talks between the Gondor government and Arnor rebels are expected to continue this "
     "week.", "Talks", "future"),
    ("Mordor troops have carried out near-daily air strikes in Gondor.", "strikes",
     "generic"),
    ("Orc raiders attacked Bree on 9 May 2020, killing 12. Orc fighters also burned homes "
     "in the Gondor town.", "burned", "historical"),
    ("Attacks on Gondor police have risen sharply since then.", "Attacks", "historical"),
    ("More than 300 Arnor civilians have since been killed.", "killed", "historical"),
    ("Gondor police have arrested 290 people since Mordor imposed the law.", "arrested",
     "historical"),
])
def test_screen_events_flags_what_did_not_happen(nlp, text, trigger, flag):
    events = [e for e in _events(nlp, text) if trigger in e.trigger.text]
    assert events, [e.trigger.text for e in _events(nlp, text)]
    assert flag in _flags(events[0])
    assert not [e for e in _events(nlp, text, include_unasserted=False)
                if trigger in e.trigger.text]


@pytest.mark.slow
def test_screen_events_keeps_what_happened(nlp):
    text = ("Gondor troops shelled the Arnor border town of Bree on Tuesday, killing 12 "
            "civilians. The Arnor government condemned the shelling on Wednesday.")
    events = _events(nlp, text, include_unasserted=False)
    assert {"ASSAULT", "ACCUSE"} <= {e.type for e in events}
    assert all(not _flags(e) for e in events)


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "A magnitude 6.1 earthquake struck southern Gondor on Tuesday, killing 30 people.",
    "A gas explosion at a chemical plant in Bree killed seven workers on Monday.",
    "Gondor beat Arnor 2-1 in the World Cup qualifier on Sunday.",
    "Police in Bree arrested two men over a string of jewellery shop robberies.",
])
def test_screen_events_codes_no_event_from_non_political_news(nlp, text):
    assert _events(nlp, text, include_unasserted=True) == ()


@pytest.mark.slow
def test_screen_events_political_actor_keeps_a_framed_event(nlp):
    text = "Gondor soldiers shot dead three protesters in Bree after the earthquake on Tuesday."
    assert any(e.type == "ASSAULT" for e in _events(nlp, text))


def test_screen_events_phrases_match_whole_words():
    phrases = screen_events.Phrases.of(["world cup", "ebola"])
    assert phrases.found("the World  Cup final")
    assert not phrases.found("the worldcupper")
    assert phrases.found("Ebola.")


def test_screen_events_bad_list_row_is_a_coded_error(monkeypatch):
    monkeypatch.setattr(screen_events, "_read_data", lambda name: "football\tmatch\tx\n")
    with pytest.raises(InputError, match="^E250: discards.tsv line 1"):
        list(screen_events._rows("discards.tsv", 2))


@pytest.mark.slow
def test_screen_events_lead_after_the_dateline_frames_the_story(nlp):
    text = ("BREE — A magnitude 6.1 earthquake struck southern Gondor on Tuesday.\n\n"
            "At least 30 people were killed and hundreds of homes were destroyed, "
            "officials said.")
    assert _events(nlp, text, include_unasserted=True) == ()


@pytest.mark.slow
def test_screen_events_a_speech_act_in_the_present_is_the_statement_itself(nlp):
    events = _events(nlp, "Gondor expects these attacks to end immediately.",
                     include_unasserted=False)
    assert [e.type for e in events if e.trigger.text == "expects"] == ["REQUEST"]


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    # a death by mishap: a fire, a collapse, a crash, a blast at a works
    "BREE — A fire tore through a market building in Bree on Tuesday, killing 46 people.\n\n"
    "Firefighters rescued 75 people from the roof.",
    "BREE — A six-storey building collapsed in Bree on Saturday, killing five labourers.\n\n"
    "Rescuers worked into the night, pulling 12 people out alive.",
    "Three workers were killed in an explosion at a steel plant in Bree on Thursday.",
    "A shark attacked a surfer off a beach near Bree on Wednesday, badly injuring his leg.",
    # ordinary crime in the lead: the arrests, raids and violence that follow are no politics
    "BREE — Arnor police arrested 21 people suspected of running a phone scam.\n\n"
    "Officers carried out raids in three towns and seized cash and phones.",
    "BREE — A gunman shot dead a shopkeeper during a robbery in Bree on Wednesday.",
    # sport: countries are teams, an athlete sharing a politician's name no politician
    "BREE — Gondor beat Arnor 2-1 in the final of the championship on Sunday.\n\n"
    "Arnor had fought back to level before half-time.",
    # public services doing their job in a disaster story
    "BREE — Floods swept through Bree on Monday, killing 12 people.\n\n"
    "Local authorities banned swimming in the river and the coast guard rescued 40 "
    "fishermen.",
    # a market story: a company is no state because a country's name comes before it
    "BREE — Gondor's Minas Steel launched a hostile bid for a rival on Monday after "
    "the Arnorian retailer rejected its first offer.",
])
def test_issue_9_non_political_stories_code_no_event(nlp, text):
    assert _events(nlp, text, include_unasserted=True) == ()


@pytest.mark.slow
@pytest.mark.parametrize(("text", "kind"), [
    # crime that is political: done to an opposition politician
    ("BREE — Gondor police arrested an opposition mayor on Friday on charges of fraud.",
     "COERCE"),
    # a state acting through its demonym in a framed sentence (a real demonym: the
    # countries knowledge base resolves it)
    ("A Russian air strike hit a house in Bree on Friday, killing 12 people, and a fire "
     "broke out in a nearby school.", "ASSAULT"),
])
def test_issue_9_political_events_survive_non_political_words(nlp, text, kind):
    assert kind in {e.type for e in _events(nlp, text)}


def test_screen_events_frame_words_match_their_plurals():
    screens = screen_events.load_screens()
    assert screens.crime_frames.found("a string of armed robberies")
    assert screens.crime_frames.found("car thefts in the west end")


@pytest.mark.slow
def test_screen_events_would_is_a_plan_but_the_pledge_is_made(nlp):
    """ "said it would deploy soldiers": the deployment is planned; the pledge (AGREE) and a
    threat ("warned that police would arrest") are made now."""
    events = _events(nlp, "The Gondor army said it would deploy 5,000 soldiers to the "
                          "Arnor border.")
    by_type = {e.type: e for e in events if "deploy" in e.trigger.text}
    assert by_type["MOBILIZE"].future
    assert not _flags(by_type["AGREE"])
