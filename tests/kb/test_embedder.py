"""The MiniLM sentence embedder: shape, normalisation, order, and its failure paths."""

from __future__ import annotations

import numpy as np
import pytest

from newsevents.errors import ResourceError
from newsevents.kb import embedder


@pytest.fixture(scope="module")
def loaded() -> embedder.Embedder:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    pytest.importorskip(embedder.MODEL_PACKAGE)
    return embedder.load_embedder()


@pytest.mark.slow
def test_embedder_returns_unit_rows_in_input_order(loaded: embedder.Embedder) -> None:
    sentences = [
        "Gondor's cavalry crossed the river at dawn and attacked the Arnorian camp.",
        "Talks.",
        "The Arnorian envoy met the steward of Gondor in Minas Tirith to discuss the border.",
    ]
    together = loaded.embed(sentences)
    one_by_one = np.vstack([loaded.embed([sentence]) for sentence in sentences])
    assert together.shape == (3, embedder.DIMENSIONS)
    assert together.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(together, one_by_one, atol=1e-4)


@pytest.mark.slow
def test_embedder_places_paraphrases_closer_than_unrelated_text(
        loaded: embedder.Embedder) -> None:
    arrest, detain, weather = loaded.embed([
        "Arnor police arrested forty protesters in the capital.",
        "Officers in Arnor detained dozens of demonstrators in the city.",
        "Light rain is expected over the western hills on Sunday.",
    ])
    assert float(arrest @ detain) > float(arrest @ weather) + 0.3


@pytest.mark.slow
def test_embedder_embeds_nothing_to_an_empty_array(loaded: embedder.Embedder) -> None:
    assert loaded.embed([]).shape == (0, embedder.DIMENSIONS)


def test_embedder_missing_model_package_is_e250(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedder, "MODEL_PACKAGE", "newsevents_no_such_model_package")
    with pytest.raises(ResourceError, match="E250"):
        embedder.model_path()


def test_embedder_wrong_model_checksum_is_e252(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip(embedder.MODEL_PACKAGE)
    monkeypatch.setattr(embedder, "MODEL_SHA256", "0" * 64)
    with pytest.raises(ResourceError, match="E252"):
        embedder.load_embedder.__wrapped__()


def test_embedder_vocabulary_ships_with_the_package() -> None:
    path = embedder.vocab_path()
    first_lines = path.read_text(encoding="utf-8").splitlines()[:3]
    assert first_lines[0] == "[PAD]"
