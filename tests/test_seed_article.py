"""The acceptance check of issue 2 on the shared seed article (read in place, never copied).

Skipped where ``../shared/examples/seed-article.txt`` is not beside the checkout.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsevents.pipeline import process
from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.types import Article

SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seed-article.txt"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SEED.exists(), reason="../shared/examples/seed-article.txt not present"),
]


@pytest.fixture(scope="module")
def result(nlp):
    records = list(read_inputs([str(SEED)],
                               options=IngestOptions(published=dt.date(2024, 11, 20))))
    articles = [r for r in records if isinstance(r, Article)]
    assert len(articles) == 1
    (coded,) = list(process(articles, nlp=nlp))
    return coded


def _countries(actors):
    return {a.country for a in actors}


def _find(result, event_type, *, source=None, target=None, trigger=None):
    return [
        e for e in result.events
        if e.type == event_type
        and (source is None or source in _countries(e.source))
        and (target is None or target in _countries(e.target))
        and (trigger is None or any(trigger in m.trigger.text for m in e.mentions))
    ]


def test_seed_us_condemnation(result):
    assert _find(result, "ACCUSE", source="USA", trigger="condemned")


def test_seed_pledge_of_cooperation_with_pakistan(result):
    assert _find(result, "AGREE", source="USA", target="PAK")


def test_seed_quetta_blast(result):
    blasts = _find(result, "ASSAULT", trigger="blast")
    assert blasts
    blast = blasts[0]
    assert blast.location is not None and blast.location.name == "Quetta"
    assert blast.location.country == "PAK"
    assert round(blast.location.lat, 2) == 30.18 and round(blast.location.lon, 2) == 67.0
    assert blast.date.value == dt.date(2024, 11, 9)


def test_seed_consultations_with_pakistan(result):
    assert _find(result, "CONSULT", source="USA", target="PAK")


def test_seed_dismissal_of_russian_doctrine(result):
    assert _find(result, "REJECT", source="USA", target="RUS")


def test_seed_support_for_ukraine(result):
    assert _find(result, "SUPPORT", source="USA", target="UKR")


def test_seed_call_on_india(result):
    assert _find(result, "REQUEST", source="USA", target="IND")


def test_seed_quotes_are_millers(result):
    assert len(result.quotes) >= 4
    for quote in result.quotes:
        assert quote.speaker is not None
        assert quote.speaker.name == "Matthew Miller"
        assert quote.speaker.country == "USA" and quote.speaker.sector == "GOV"


def test_seed_no_false_person_or_organisation(result):
    assert not any(a.kind == "person" and a.text == "Sikh" for a in result.actors)
    assert not any(a.name == "Solidarity" for a in result.actors)
