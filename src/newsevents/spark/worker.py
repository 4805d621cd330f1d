"""What runs on Spark executors: read one file's records, code one partition of articles.

Importing this module needs no pyspark: the functions map plain iterators,
so they are tested like any corpus stage. The pipeline is built once per
Python worker process (Spark reuses its workers, one per executor core) and
kept for every later task that worker runs: the driver's pipeline, rebuilt
from the ``PipelineSpec`` it broadcasts, or the default one.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsevents.stages.ingest import IngestOptions, read_bytes, read_file
from newsevents.store.duckdb import failure_row, result_rows
from newsevents.types import Article, Failure

if TYPE_CHECKING:
    from spacy.language import Language

    from newsevents.pipeline import PipelineSpec

#: Test-only fault hook (tests/spark): a worker that finds this file deletes it and dies
#: mid-partition, so the test sees Spark retry the task.
CRASH_MARKER_ENV = "NEWSEVENTS_SPARK_CRASH_MARKER"

Order = tuple[int, str, int]


@dataclass(frozen=True)
class InputFile:
    """One file to read: where it came from among the inputs, and how to reach it."""

    input_index: int
    name: str
    single: bool = False


def read_local(item: InputFile, *, options: IngestOptions) -> Iterator[tuple[Order, Any]]:
    """(order, Article | Failure) for every record of a local file, as ``run`` reads it."""
    records = read_file(item.name, options=options, single=item.single)
    for position, record in enumerate(records):
        yield (item.input_index, item.name, position), record


def read_remote(input_index: int, name: str, data: bytes, *,
                options: IngestOptions) -> Iterator[tuple[Order, Any]]:
    """The same for a file Spark read from a Hadoop file system (``name`` is its URI)."""
    for position, record in enumerate(read_bytes(data, source=name, options=options)):
        yield (input_index, name, position), record


# The pipeline this worker process built last, by its spec's fingerprint (None: the default).
_PIPELINE: dict[str | None, Language] = {}


def _pipeline(spec: PipelineSpec | None) -> Language:
    """The pipeline of ``spec`` (or the default one), built once per worker process."""
    from newsevents.pipeline import build_nlp

    key = spec.fingerprint if spec is not None else None
    if key not in _PIPELINE:
        _PIPELINE.clear()
        _PIPELINE[key] = spec.build() if spec is not None else build_nlp()
    return _PIPELINE[key]


def code_partition(articles: Iterable[Article], *, run_id: str, now: dt.datetime,
                   batch_size: int, spec: Any = None) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(table, row with its ``date`` partition last) for every coded article of a partition.

    ``spec`` is a Spark broadcast of the driver's ``PipelineSpec`` (its ``value``), or
    None for the default pipeline.
    """
    from newsevents.pipeline import process

    nlp = _pipeline(spec.value if spec is not None else None)
    for count, result in enumerate(process(articles, nlp=nlp, batch_size=batch_size)):
        if count == 1:
            _maybe_crash()
        day = partition_date(result.article.published)
        for table, row in result_rows(result, run_id=run_id, now=now):
            yield table, (*row, day)


def failure_rows(failures: Iterable[Failure], *, run_id: str,
                 now: dt.datetime) -> Iterator[tuple[Any, ...]]:
    """Rows of failures that belong to no coded article (their ``date`` is unknown)."""
    for failure in failures:
        yield (*failure_row(failure, run_id=run_id, now=now), None)


def partition_date(published: dt.date | None) -> str | None:
    return published.isoformat() if published else None


def _maybe_crash() -> None:
    marker = os.environ.get(CRASH_MARKER_ENV)
    if not marker:
        return
    try:
        os.unlink(marker)
    except FileNotFoundError:
        return
    os._exit(3)
