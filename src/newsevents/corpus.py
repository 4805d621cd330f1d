"""A corpus run: ingest → per-article pipeline → store, exactly once, resumable.

``run_corpus`` reads every input record, skips articles the store already
holds (same content hash or URL) *before* they reach the NLP pipeline, codes
the rest and commits them in batches of ``batch_size`` articles, each batch
one transaction with its events, quotes, places and failure rows. Records
that never became articles become failure rows too, so every input record
ends as an article or a failure. After the last batch the store links
syndicated copies and clusters events over the whole corpus.

If the process dies (``kill -9``, power cut), committed batches stay and the
run stays "running" in the journal; running the same command again marks it
"interrupted" and codes only what is missing.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from newsevents.errors import Errors, NewsEventsError
from newsevents.store.base import EventStore, RunStatus
from newsevents.types import Article, ArticleResult, Failure

if TYPE_CHECKING:
    from newsevents.stages.ingest import IngestOptions

T = TypeVar("T")
Processor = Callable[..., Iterable[ArticleResult]]
Reader = Callable[..., Iterable["Article | Failure"]]

DEFAULT_BATCH_SIZE = 32
#: Input records read ahead to ask the store at once which of them it holds.
LOOKUP_SIZE = 256


@dataclass(frozen=True)
class RunProgress:
    """Counts so far, reported after every coded article."""

    records: int
    coded: int
    stored: int
    skipped: int
    failed: int
    batches: int
    input_failed: int = 0

    @property
    def done(self) -> int:
        """Records dealt with: coded, skipped as already stored, or failed on input."""
        return self.coded + self.skipped + self.input_failed


class RecordOutcome:
    """``ok``/``failed`` (they feed the exit code) from a summary's four counts."""

    stored: int
    skipped: int
    failed_articles: int
    failed_records: int

    @property
    def ok(self) -> int:
        """Records that ended as a cleanly coded article, stored now or before."""
        return self.stored - self.failed_articles + self.skipped

    @property
    def failed(self) -> int:
        """Records that ended as failure rows (alone, or beside their article)."""
        return self.failed_articles + self.failed_records


@dataclass(frozen=True)
class RunSummary(RecordOutcome):
    """How a corpus run went; ``ok``/``failed`` feed the exit code."""

    run_id: str
    status: RunStatus
    records: int
    stored: int
    skipped: int
    duplicates_linked: int
    failed_articles: int
    failed_records: int
    events: int
    seconds: float
    events_by_type: Mapping[str, int] = field(default_factory=dict)
    failures_by_code: Mapping[str, int] = field(default_factory=dict)


@dataclass
class _Tally:
    records: int = 0
    coded: int = 0
    input_failed: int = 0
    stored: int = 0
    skipped: int = 0
    failed_articles: int = 0
    failed_records: int = 0
    events: int = 0
    batches: int = 0
    events_by_type: Counter[str] = field(default_factory=Counter)
    failures_by_code: Counter[str] = field(default_factory=Counter)

    def counts(self) -> dict[str, Any]:
        return {
            "records": self.records, "stored": self.stored, "skipped": self.skipped,
            "failed_articles": self.failed_articles, "failed_records": self.failed_records,
            "events": self.events, "batches": self.batches,
        }


def run_corpus(
    paths: Sequence[str],
    *,
    store: EventStore,
    options: IngestOptions | None = None,
    process: Processor | None = None,
    read: Reader | None = None,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Callable[[RunProgress], None] | None = None,
) -> RunSummary:
    """Code every record of ``paths`` into ``store``; see the module docstring.

    ``process`` (default ``newsevents.pipeline.process``) and ``read``
    (default ``newsevents.stages.ingest.read_inputs``) are injectable so a
    run can be tested, or driven by another pipeline, without the NLP model;
    ``options`` None means the ingest defaults (an injected ``read`` gets None).
    ``on_progress`` is called after every coded article and every commit.
    """
    reader = read or _default_reader()
    if read is None and options is None:
        from newsevents.stages.ingest import IngestOptions

        options = IngestOptions()
    code = process or _default_processor()
    started = time.monotonic()
    option_record = dataclasses.asdict(options) if dataclasses.is_dataclass(options) else {}
    option_record.update(workers=workers, batch_size=batch_size)
    run_id = store.begin_run(inputs=list(paths), options=option_record)
    tally = _Tally()
    # Keys of this run's own articles; the store is asked per batch of records.
    hashes: set[str] = set()
    urls: set[str] = set()
    pending_failures: deque[Failure] = deque()

    def new_articles() -> Iterator[Article]:
        # May run in the worker pool's feeder thread: asks the store through stored_keys only.
        for chunk in chunked(reader(list(paths), options=options), LOOKUP_SIZE):
            articles = [record for record in chunk if isinstance(record, Article)]
            stored_hashes, stored_urls = store.stored_keys(
                hashes=[a.content_hash for a in articles], urls=[a.url for a in articles if a.url])
            for record in chunk:
                tally.records += 1
                if isinstance(record, Failure):
                    tally.input_failed += 1
                    pending_failures.append(record)
                    continue
                content, url = record.content_hash, record.url
                if (content in hashes or content in stored_hashes
                        or (url and (url in urls or url in stored_urls))):
                    tally.skipped += 1
                    continue
                hashes.add(content)
                if url:
                    urls.add(url)
                yield record

    def commit(batch: list[ArticleResult]) -> None:
        failures = [pending_failures.popleft() for _ in range(len(pending_failures))]
        if not batch and not failures:
            return
        outcome = store.write_batch(batch, failures=failures, run_id=run_id)
        tally.batches += 1
        tally.stored += outcome.stored
        tally.skipped += outcome.skipped
        tally.events += outcome.events
        tally.events_by_type.update(outcome.events_by_type)
        rejected = len(batch) - outcome.stored - outcome.skipped
        tally.failed_records += len(failures) + rejected
        if rejected:
            tally.failures_by_code["E305"] += rejected
        for failure in failures:
            tally.failures_by_code[failure.code] += 1
        for result in batch:
            if result.failures:
                tally.failed_articles += 1
                tally.failures_by_code.update(f.code for f in result.failures)
        batch.clear()
        _report(on_progress, tally)

    batch: list[ArticleResult] = []
    try:
        for result in code(new_articles(), workers=workers, batch_size=batch_size):
            tally.coded += 1
            batch.append(result)
            if len(batch) >= batch_size:
                commit(batch)
            else:
                _report(on_progress, tally)
        commit(batch)
        dedupe = store.dedupe()
    except KeyboardInterrupt:
        store.finish_run(run_id, status="interrupted", counts=tally.counts(),
                         error=Errors.E309.format(detail="Ctrl-C"))
        raise
    except NewsEventsError as e:
        store.finish_run(run_id, status="failed", counts=tally.counts(), error=str(e))
        raise
    except Exception as e:  # journal the crash, then let it propagate
        store.finish_run(run_id, status="failed", counts=tally.counts(),
                         error=f"{type(e).__name__}: {e}")
        raise
    _report(on_progress, tally)
    store.finish_run(run_id, status="completed",
                     counts={**tally.counts(), "duplicates_linked": dedupe.links_changed})
    return RunSummary(
        run_id=run_id, status="completed", records=tally.records, stored=tally.stored,
        skipped=tally.skipped, duplicates_linked=dedupe.links_changed,
        failed_articles=tally.failed_articles, failed_records=tally.failed_records,
        events=tally.events, seconds=time.monotonic() - started,
        events_by_type=dict(tally.events_by_type), failures_by_code=dict(tally.failures_by_code),
    )


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` consecutive items (the last may be shorter)."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _default_reader() -> Reader:
    from newsevents.stages.ingest import read_inputs

    return read_inputs


def _default_processor() -> Processor:
    """Imported on first use: loading spaCy is slow and a store-only caller needs none of it."""
    from newsevents.pipeline import process

    return process


def _report(on_progress: Callable[[RunProgress], None] | None, tally: _Tally) -> None:
    if on_progress is not None:
        on_progress(RunProgress(records=tally.records, coded=tally.coded, stored=tally.stored,
                                skipped=tally.skipped,
                                failed=tally.failed_articles + tally.failed_records,
                                batches=tally.batches, input_failed=tally.input_failed))


def format_summary(summary: RunSummary) -> str:
    """The end-of-run table ``newsevents run`` prints."""
    lines = [
        f"run {summary.run_id} {summary.status} in {summary.seconds:.1f} s",
        *_table([
            ("input records", summary.records),
            ("articles stored", summary.stored),
            ("already present (skipped)", summary.skipped),
            ("duplicates linked", summary.duplicates_linked),
            ("articles with failures", summary.failed_articles),
            ("records failed", summary.failed_records),
            ("events stored", summary.events),
        ]),
    ]
    if summary.events_by_type:
        lines.append("events by type")
        lines.extend(_table(_by_count(summary.events_by_type)))
    if summary.failures_by_code:
        lines.append("failures by code")
        lines.extend(_table(_by_count(summary.failures_by_code)))
    return "\n".join(lines)


def _by_count(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _table(rows: Iterable[tuple[str, int]]) -> list[str]:
    rows = list(rows)
    width = max(len(label) for label, _ in rows)
    return [f"  {label:<{width}}  {count:>7}" for label, count in rows]
