"""Where coded articles are kept: the EventStore interface and its DuckDB backend."""

from __future__ import annotations

from pathlib import Path

from newsevents.store.base import (
    BatchOutcome,
    DedupeOutcome,
    EventQuery,
    EventStore,
    Near,
    parse_near,
)
from newsevents.store.duckdb import DuckDBStore

__all__ = [
    "BatchOutcome",
    "DedupeOutcome",
    "DuckDBStore",
    "EventQuery",
    "EventStore",
    "Near",
    "open_store",
    "parse_near",
]


def open_store(path: str | Path, *, read_only: bool = False) -> EventStore:
    """Open (or, for writing, create) the event store at ``path``."""
    return DuckDBStore(path, read_only=read_only)
