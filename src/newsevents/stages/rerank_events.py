"""rerank_events: check lexicon events against a sentence-level type classifier (issue 3).

The lexicon stage (``extract_events``) decides from single words and their
grammar, and a sentence often holds side triggers besides its main event
("pledged support" in a report of an attack, "demand" in a report of
arrests). This stage embeds every sentence that holds an event once (MiniLM,
``kb/embedder.py``) and asks the classifier (``kb/event_classifier.py``) how
likely each PLOVER type is for the whole sentence. Three uses, each in the
config:

``veto_ratio``
    A side event (not the sentence's most confident one) is dropped when
    the classifier gives its type less than ``veto_ratio`` times the
    probability of the best-supported type among the sentence's events.
    The main event is never vetoed: on news sentences the lexicon's top
    event is right far more often than the classifier's top type.
``weight``
    ``confidence = (1 - weight) * confidence + weight * p(type | sentence)``,
    then the extractor's own thresholds (``min_confidence``, and
    ``relative_confidence`` for non-occurrence events) are applied again.
    0 keeps the lexicon's confidences (and so its ranking) unchanged.
``recover_probability``
    Below 1, a sentence whose classifier is at least that sure of a type
    that no kept event has gets back the best event of that type that a
    permissive run of the same extractor found (a real lexicon trigger with
    its parsed actors, dropped by thresholds). The classifier never invents
    an event without a trigger of its type.

The stage runs right after ``extract_events``, before any stage that reads
event ids; it renumbers the events it keeps.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from newsevents.errors import Errors, InputError
from newsevents.kb.event_classifier import EventTypeClassifier
from newsevents.kb.lexicon import load_lexicon
from newsevents.stages.extract_events import OCCURRENCE_TYPES, EventExtractor
from newsevents.types import Event

FACTORY = "newsevents_rerank_events_v1"

SentenceKey = tuple[int, int]


@Language.factory(
    FACTORY,
    requires=["doc._.events", "doc._.actors"],
    assigns=["doc._.events"],
    default_config={
        "classifier": {"@misc": "newsevents.event_classifier.v1"},
        "veto_ratio": 0.3,
        "spare_occurrences": True,
        "weight": 0.0,
        "min_confidence": 0.3,
        "relative_confidence": 0.6,
        "recover_probability": 1.0,
    },
)
def make_event_reranker(
    nlp: Language, name: str, classifier: EventTypeClassifier, veto_ratio: float,
    spare_occurrences: bool, weight: float, min_confidence: float, relative_confidence: float,
    recover_probability: float,
) -> "EventReranker":
    return EventReranker(classifier, veto_ratio=veto_ratio,
                         spare_occurrences=spare_occurrences, weight=weight,
                         min_confidence=min_confidence,
                         relative_confidence=relative_confidence,
                         recover_probability=recover_probability)


@dataclass(frozen=True)
class _Scored:
    event: Event
    probability: float


class EventReranker:
    """Blends sentence-level type probabilities into ``doc._.events``."""

    def __init__(self, classifier: EventTypeClassifier, *, veto_ratio: float = 0.3,
                 spare_occurrences: bool = True,
                 weight: float = 0.0, min_confidence: float = 0.3,
                 relative_confidence: float = 0.6, recover_probability: float = 1.0) -> None:
        options = {"veto_ratio": veto_ratio, "weight": weight, "min_confidence": min_confidence,
                   "relative_confidence": relative_confidence,
                   "recover_probability": recover_probability}
        for option, value in options.items():
            if not 0.0 <= value <= 1.0:
                raise InputError(Errors.E256.format(option=option, value=value))
        self.classifier = classifier
        self.veto_ratio = veto_ratio
        self.spare_occurrences = spare_occurrences
        self.weight = weight
        self.min_confidence = min_confidence
        self.relative_confidence = relative_confidence
        self.recover_probability = recover_probability
        self._columns = {label: index for index, label in enumerate(classifier.labels)}
        self._candidates: EventExtractor | None = None

    def __call__(self, doc: Doc) -> Doc:
        events: list[Event] = list(doc._.events or ())
        candidates = self._candidate_events(doc) if self.recover_probability < 1.0 else []
        by_sentence: dict[SentenceKey, list[Event]] = {}
        for event in events:
            by_sentence.setdefault(_key(event), []).append(event)
        candidate_sentences: dict[SentenceKey, list[Event]] = {}
        for event in candidates:
            candidate_sentences.setdefault(_key(event), []).append(event)
        keys = sorted(dict.fromkeys([*by_sentence, *candidate_sentences]))
        checked = [key for key in keys if self._needs_classifier(
            by_sentence.get(key, []), candidate_sentences.get(key, []))]
        if not checked:
            return doc
        texts = [(by_sentence.get(key) or candidate_sentences[key])[0].sentence.text
                 for key in checked]
        rows = dict(zip(checked, self.classifier.predict_proba(texts)))
        kept: list[Event] = []
        for key in keys:
            sentence_events = by_sentence.get(key, [])
            if key in rows:
                kept += self._rerank_sentence(sentence_events, candidate_sentences.get(key, []),
                                              rows[key])
            else:
                kept += sentence_events
        doc._.events = [replace(event, id=_renumbered(event.id, index))
                        for index, event in enumerate(kept, start=1)]
        return doc

    def _needs_classifier(self, events: list[Event], candidates: list[Event]) -> bool:
        """Whether the classifier could change anything in this sentence.

        Embedding is most of this stage's cost, so a sentence is embedded
        only when blending, recovery or the veto could act on it: the veto
        alone never touches a sentence's main event, nor spared occurrences.
        """
        if self.weight > 0.0 or candidates and self.recover_probability < 1.0:
            return True
        if len(events) < 2 or self.veto_ratio == 0.0:
            return False
        main = max(events, key=lambda event: event.confidence)
        return any(event is not main and not (self.spare_occurrences
                                              and event.type in OCCURRENCE_TYPES)
                   for event in events)

    def _rerank_sentence(self, events: list[Event], candidates: list[Event],
                         row: np.ndarray) -> list[Event]:
        scored = self._veto([self._blend(event, row) for event in events])
        scored = [s for s in scored if s.event.confidence >= self.min_confidence]
        present = {s.event.type for s in scored}
        for event_type, event in self._recoverable(candidates, row, present):
            scored.append(self._blend(event, row))
        if not scored:
            return []
        strongest = max(s.event.confidence for s in scored)
        floor = strongest * self.relative_confidence
        return [s.event for s in scored
                if s.event.confidence >= floor or s.event.type in OCCURRENCE_TYPES]

    def _veto(self, scored: list[_Scored]) -> list[_Scored]:
        """Drop side events whose type the sentence does not read like."""
        if len(scored) < 2 or self.veto_ratio == 0.0:
            return scored
        main = max(scored, key=lambda s: s.event.confidence)
        floor = self.veto_ratio * max(s.probability for s in scored)
        return [s for s in scored if s is main or s.probability >= floor
                or self.spare_occurrences and s.event.type in OCCURRENCE_TYPES]

    def _blend(self, event: Event, row: np.ndarray) -> _Scored:
        probability = float(row[self._columns[event.type]])
        confidence = (1.0 - self.weight) * event.confidence + self.weight * probability
        return _Scored(replace(event, confidence=round(min(confidence, 1.0), 3)), probability)

    def _recoverable(self, candidates: list[Event], row: np.ndarray,
                     present: set[str]) -> Iterable[tuple[str, Event]]:
        """The best candidate of each type the classifier is sure of and no kept event has."""
        best: dict[str, Event] = {}
        for event in candidates:
            if event.type in present:
                continue
            if row[self._columns[event.type]] < self.recover_probability:
                continue
            if event.type not in best or event.confidence > best[event.type].confidence:
                best[event.type] = event
        return best.items()

    def _candidate_events(self, doc: Doc) -> list[Event]:
        """Every event the lexicon finds before thresholds (the extractor, permissive)."""
        if self._candidates is None:
            self._candidates = EventExtractor(lexicon=load_lexicon(), min_confidence=0.0,
                                              relative_confidence=0.0)
        kept = doc._.events
        try:
            self._candidates(doc)
            candidates = list(doc._.events or ())
        finally:
            doc._.events = kept
        return candidates


def _key(event: Event) -> SentenceKey:
    return (event.sentence.start, event.sentence.end)


def _renumbered(event_id: str, index: int) -> str:
    """``art-e7`` → ``art-e3``: ids stay dense after events are dropped or added."""
    stem, separator, _ = event_id.rpartition("-e")
    return f"{stem}{separator}{index}" if separator else event_id
