"""The pipeline runner: pieces of long articles, failure capture, parallel workers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import spacy

from newsevents import pipeline, registrations
from newsevents.errors import InputError
from newsevents.stages.score_tone import ToneLexicon
from newsevents.types import Article

pytestmark = pytest.mark.slow

PARAGRAPH = (
    "Gunmen attacked a police checkpoint in Mandera on Sunday, killing three officers. "
    "The government of Kenya condemned the attack and called on residents to stay calm.\n\n"
)


SAMPLE_TEXT = (Path(__file__).resolve().parents[1] / "examples" / "articles"
               / "g20-rio-summit.txt").read_text(encoding="utf-8")


def _article(text: str, article_id: str = "a1") -> Article:
    return Article(id=article_id, text=text, published=dt.date(2024, 11, 20))


def _spans(result):
    for event in result.events:
        yield event.trigger
        yield event.sentence
        yield from event.source + event.target
        if event.location is not None:
            yield event.location
    yield from result.quotes
    yield from result.places
    yield from result.actors


def test_pipeline_long_article_is_cut_into_pieces_with_offsets_kept(nlp, monkeypatch):
    monkeypatch.setattr(pipeline, "PIECE_CHARS", 400)
    text = PARAGRAPH * 6
    (result,) = list(pipeline.process([_article(text)], nlp=nlp))
    assert not result.failures
    assert len(result.events) >= 6 * 2
    assert len({event.id for event in result.events}) == len(result.events)
    for span in _spans(result):
        assert text[span.start:span.end] == span.text
    assert max(event.trigger.start for event in result.events) > len(text) - len(PARAGRAPH)


def test_pipeline_pieces_split_at_paragraph_breaks(monkeypatch):
    monkeypatch.setattr(pipeline, "PIECE_CHARS", 600)
    text = ("word " * 50 + "\n\n") * 10
    pieces = list(pipeline._pieces(text))
    assert len(pieces) > 1
    assert "".join(piece for _, piece in pieces) == text
    for offset, piece in pieces:
        assert len(piece) <= 600
        assert text[offset:offset + len(piece)] == piece
        assert piece.endswith("\n") or offset + len(piece) == len(text)


def test_pipeline_stage_failure_becomes_a_failure_row_and_the_run_goes_on(nlp, monkeypatch):
    geolocator = nlp.get_pipe("geolocate")
    original = type(geolocator).__call__

    def explode(self, doc):
        if "Mandera" in doc.text:
            raise ValueError("gazetteer exploded")
        return original(self, doc)

    monkeypatch.setattr(type(geolocator), "__call__", explode)
    articles = [_article(PARAGRAPH, "bad"),
                _article("Police arrested 12 protesters in Lima.", "ok")]
    bad, good = list(pipeline.process(articles, nlp=nlp))
    assert [f.code for f in bad.failures] == ["E001"]
    assert bad.failures[0].stage == "geolocate" and bad.failures[0].article_id == "bad"
    assert "gazetteer exploded" in bad.failures[0].message
    assert not good.failures and good.events


def test_pipeline_two_workers_give_the_same_events_as_one(nlp):
    articles = [_article(PARAGRAPH, f"a{i}") for i in range(6)]
    serial = list(pipeline.process(articles, nlp=nlp))
    parallel = list(pipeline.process(articles, workers=2, batch_size=2))
    assert [r.article.id for r in parallel] == [a.id for a in articles]
    assert [[e.type for e in r.events] for r in parallel] == [
        [e.type for e in r.events] for r in serial]


# A setting that changes the output: a stricter confidence floor for extract_events.
STRICT = {"extract_events": {"min_confidence": 0.7}}


@pytest.fixture(scope="module")
def strict_nlp():
    return pipeline.build_nlp(config=STRICT)


def _events(results) -> list[list[tuple[str, str, float]]]:
    return [[(e.type, e.trigger.text, e.confidence) for e in r.events] for r in results]


def test_pipeline_stage_settings_live_in_the_config_and_a_rebuild_behaves_the_same(
        nlp, strict_nlp):
    assert strict_nlp.config["components"]["extract_events"]["min_confidence"] == 0.7
    rebuilt = pipeline.PipelineSpec.of(strict_nlp).build()
    assert rebuilt.config == strict_nlp.config
    assert rebuilt.pipe_names == strict_nlp.pipe_names
    articles = [_article(PARAGRAPH, "a1"), _article(SAMPLE_TEXT, "g20")]
    strict = list(pipeline.process(articles, nlp=strict_nlp))
    assert list(pipeline.process(articles, nlp=rebuilt)) == strict
    assert _events(pipeline.process(articles, nlp=nlp)) != _events(strict)


def test_pipeline_workers_run_the_given_pipeline(nlp, strict_nlp):
    articles = [_article(SAMPLE_TEXT, f"a{i}") for i in range(4)]
    serial = list(pipeline.process(articles, nlp=strict_nlp))
    parallel = list(pipeline.process(articles, nlp=strict_nlp, workers=2, batch_size=2))
    assert parallel == serial
    assert _events(parallel) != _events(pipeline.process(articles, nlp=nlp))


def test_pipeline_settings_for_a_missing_stage_raise_e011():
    with pytest.raises(InputError, match="E011"):
        pipeline.build_nlp(config={"geolocat": {"min_score": 0.7}})


def test_pipeline_a_stage_before_what_it_reads_raises_e010():
    stages = [s for s in registrations.STAGES if "extract_events" not in s]
    with pytest.raises(InputError, match=r"E010.*geolocate needs doc\._\.events"):
        pipeline.build_nlp(stages=stages)


def test_pipeline_a_doc_coded_without_process_gets_an_article_of_its_own_text(nlp):
    doc = nlp("Arnor troops shelled Gondor on Tuesday.")
    assert doc._.article.id == "doc" and doc._.article.text == doc.text
    assert doc._.article.published is None
    assert [event.type for event in doc._.events] == ["ASSAULT"]
    assert doc._.events[0].date.reason == "no_publication_date"


@spacy.registry.misc("test.gondor_tone.v1")
def _gondor_tone() -> ToneLexicon:
    return ToneLexicon(positive=frozenset({"gondor"}), negative=frozenset())


def test_pipeline_a_knowledge_base_of_ones_own_is_injected_by_registry_name():
    lexicon = {"@misc": "test.gondor_tone.v1"}
    custom = pipeline.build_nlp(config={"score_tone": {"lexicon": lexicon}})
    assert custom.config["components"]["score_tone"]["lexicon"] == lexicon
    articles = [_article("Arnor troops shelled Gondor on Tuesday.")]
    (result,) = pipeline.process(articles, nlp=custom)
    assert result.tone == 16.667  # one positive word of six
    (rebuilt,) = pipeline.process(articles, nlp=pipeline.PipelineSpec.of(custom).build())
    assert rebuilt == result
