"""newsevents: news articles in, coded political events out (PLOVER/CAMEO), offline.

The records are importable at no cost; the functions that need spaCy or DuckDB
are loaded on first use, so ``import newsevents`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from newsevents.types import (
    Actor,
    Article,
    ArticleResult,
    Event,
    EventDate,
    Failure,
    Place,
    Quote,
    Size,
    Span,
)

__version__ = "0.1.0"

_LAZY = {
    "build_nlp": "newsevents.pipeline",
    "process": "newsevents.pipeline",
    "PipelineSpec": "newsevents.pipeline",
    "IngestOptions": "newsevents.stages.ingest",
    "read_inputs": "newsevents.stages.ingest",
    "open_store": "newsevents.store",
    "EventQuery": "newsevents.store",
    "run_corpus": "newsevents.corpus",
    "article_record": "newsevents.output",
}

__all__ = [
    "Actor",
    "Article",
    "ArticleResult",
    "Event",
    "EventDate",
    "Failure",
    "Place",
    "Quote",
    "Size",
    "Span",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsevents' has no attribute '{name}'")
    return getattr(import_module(module), name)
