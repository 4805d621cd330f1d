"""A PLOVER event-type classifier over MiniLM sentence embeddings (issue 3).

The trigger lexicon says *which words* can signal an event type; this
classifier says which type a whole sentence reads like, so that a stage can
prefer "arrested" coded as COERCE over the same sentence's weaker side
triggers. It is a multinomial logistic regression (16 PLOVER types plus
NONE) trained in numpy on ``data/event_examples.jsonl``: short news-style
sentences written for newsevents, never taken from any evaluation set.

Training is deterministic full-batch gradient descent with L2 regularisation
from zero weights, so ``python -m newsevents.kb.event_classifier train``
rebuilds ``data/event_classifier.npz`` bit-for-bit on the same platform in a
few seconds. The weights file records the sha256 of the embedding model and
of the examples it was trained from, so a changed model or a stale file is a
coded error instead of silently wrong probabilities.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.resources
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import spacy

from newsevents.errors import Errors, InputError, ResourceError
from newsevents.kb.embedder import MODEL_SHA256, Embedder, load_embedder
from newsevents.types import PLOVER_TYPES

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

NO_EVENT = "NONE"
LABELS: tuple[str, ...] = PLOVER_TYPES + (NO_EVENT,)
EXAMPLES_FILE = "event_examples.jsonl"
WEIGHTS_FILE = "event_classifier.npz"
L2 = 1e-4
LEARNING_RATE = 30.0
STEPS = 400


@dataclass(frozen=True)
class Example:
    text: str
    type: str


@dataclass(frozen=True)
class Weights:
    """A trained classifier: ``softmax(x @ coef + intercept)`` over ``labels``."""

    coef: np.ndarray
    intercept: np.ndarray
    labels: tuple[str, ...]
    model_sha256: str
    examples_sha256: str


class EventTypeClassifier:
    """Probabilities of each PLOVER type (and NONE) for whole sentences."""

    def __init__(self, *, embedder: Embedder, weights: Weights) -> None:
        if weights.labels != LABELS:
            raise ResourceError(Errors.E254.format(
                detail=f"labels {', '.join(weights.labels)}"))
        self.embedder = embedder
        self.weights = weights
        self.labels = weights.labels

    def predict_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """An (n, 17) array: one row per sentence, columns in ``LABELS`` order."""
        return self.proba_from_embeddings(self.embedder.embed(sentences))

    def proba_from_embeddings(self, embeddings: np.ndarray) -> np.ndarray:
        return softmax(embeddings @ self.weights.coef + self.weights.intercept)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def train(embeddings: np.ndarray, labels: Sequence[str], *, l2: float = L2,
          learning_rate: float = LEARNING_RATE, steps: int = STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Fit the logistic regression by full-batch gradient descent (deterministic).

    The features are unit vectors and the loss is convex, so plain gradient
    descent with a fixed step from zero converges without any randomness.
    """
    targets = np.zeros((len(labels), len(LABELS)), dtype=np.float64)
    for row, label in enumerate(labels):
        targets[row, LABELS.index(label)] = 1.0
    x = embeddings.astype(np.float64)
    coef = np.zeros((x.shape[1], len(LABELS)))
    intercept = np.zeros(len(LABELS))
    for _ in range(steps):
        error = softmax(x @ coef + intercept) - targets
        coef -= learning_rate * (x.T @ error / len(x) + l2 * coef)
        intercept -= learning_rate * error.mean(axis=0)
    return coef.astype(np.float32), intercept.astype(np.float32)


def read_examples(text: str, *, source: str = EXAMPLES_FILE) -> list[Example]:
    examples = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(Errors.E255.format(source=source, line=line_number,
                                                detail=f"not JSON ({e})")) from e
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) \
                or row.get("type") not in LABELS:
            raise InputError(Errors.E255.format(source=source, line=line_number,
                                                detail="missing text or unknown type"))
        examples.append(Example(text=row["text"], type=row["type"]))
    return examples


def examples_text() -> str:
    return _data_file(EXAMPLES_FILE).read_text(encoding="utf-8")


def build_weights(*, embedder: Embedder | None = None) -> Weights:
    """Train from the shipped examples (what ``train`` on the command line writes)."""
    text = examples_text()
    examples = read_examples(text)
    embedder = embedder or load_embedder()
    coef, intercept = train(embedder.embed([e.text for e in examples]),
                            [e.type for e in examples])
    return Weights(coef=coef, intercept=intercept, labels=LABELS, model_sha256=MODEL_SHA256,
                   examples_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def save_weights(weights: Weights, path: Path) -> None:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, coef=weights.coef, intercept=weights.intercept,
                        labels=np.array(weights.labels), model_sha256=np.array(weights.model_sha256),
                        examples_sha256=np.array(weights.examples_sha256))
    path.write_bytes(buffer.getvalue())


def read_weights(data: bytes, *, name: str = WEIGHTS_FILE) -> Weights:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            weights = Weights(
                coef=npz["coef"], intercept=npz["intercept"],
                labels=tuple(str(label) for label in npz["labels"]),
                model_sha256=str(npz["model_sha256"]),
                examples_sha256=str(npz["examples_sha256"]))
    except (OSError, ValueError, KeyError) as e:
        raise ResourceError(Errors.E253.format(name=name, detail=e)) from e
    if weights.model_sha256 != MODEL_SHA256:
        raise ResourceError(Errors.E254.format(
            detail=f"embedding model sha256 {weights.model_sha256}"))
    return weights


@functools.lru_cache(maxsize=1)
def load_classifier() -> EventTypeClassifier:
    """The shipped classifier over the shared embedder, loaded once per process."""
    try:
        data = _data_file(WEIGHTS_FILE).read_bytes()
    except FileNotFoundError as e:
        raise ResourceError(Errors.E253.format(name=WEIGHTS_FILE, detail="file missing")) from e
    return EventTypeClassifier(embedder=load_embedder(), weights=read_weights(data))


@spacy.registry.misc("newsevents.event_classifier.v1")
def make_event_classifier() -> EventTypeClassifier:
    """The shared classifier for the rerank_events stage's config."""
    return load_classifier()


def _data_file(name: str) -> Traversable:
    return importlib.resources.files("newsevents").joinpath(f"data/{name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsevents.kb.event_classifier",
        description="Rebuild data/event_classifier.npz from data/event_examples.jsonl.")
    parser.add_argument("command", choices=["train"])
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the weights (default: the package's data folder)")
    args = parser.parse_args(argv)
    weights = build_weights()
    out = args.out or Path(str(_data_file(WEIGHTS_FILE)))
    save_weights(weights, out)
    sys.stdout.write(f"wrote {out} ({len(weights.labels)} labels)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
