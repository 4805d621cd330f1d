"""Live feeds: poll RSS/Atom feeds and code what is new into the store, exactly once.

``watch_feeds`` loops over its feeds until stopped. Each poll of a feed is a
conditional GET (``If-None-Match``/``If-Modified-Since`` from the previous
answer; a local feed file is re-read when its modification time changes).
Entries whose link the store already holds (or this watch has followed:
a page may name another, canonical URL) are passed over without fetching
the page; the rest are fetched (spaced by ``pause`` seconds, like every
request) and handed to the corpus runner, which codes and stores them in
batches with the store's exactly-once keys and its run journal (one run per
poll that brought something new). A feed that fails (network error, timeout,
HTTP error, not a feed) gets a failure row and is retried after a back-off
that doubles with each consecutive failure, up to ``max_backoff``; the other
feeds go on. SIGINT/SIGTERM set a flag that is checked between feeds and
before each record is handed to the runner, which then commits the batch it
holds: a stop never cuts a batch in half.

The store is opened for writing only while a poll's new articles are coded
and committed (a few seconds), so ``newsevents serve`` can snapshot the file
in between; a store locked by a long ``run`` is retried on the next round,
the fetched articles kept in memory meanwhile.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from newsevents.corpus import Processor, run_corpus
from newsevents.errors import Errors, InputError, ResourceError
from newsevents.stages.ingest.feed import FETCH_MAX_BYTES, USER_AGENT, read_feed
from newsevents.stages.ingest.options import Context, IngestOptions
from newsevents.types import Article, Failure

MIN_EVERY_SECONDS = 1.0
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
_BAD_FEED_CODES = ("E150", "E151")


def parse_every(value: str) -> float:
    """Seconds in ``"90s"``, ``"15m"``, ``"1h"`` or a bare number of seconds (E651)."""
    text = value.strip().lower()
    unit = _UNITS.get(text[-1:], None) if text else None
    number = text[:-1] if unit else text
    try:
        seconds = float(number) * (unit or 1.0)
    except ValueError as e:
        raise InputError(Errors.E651.format(value=value, minimum=MIN_EVERY_SECONDS)) from e
    if not seconds >= MIN_EVERY_SECONDS or seconds == float("inf"):
        raise InputError(Errors.E651.format(value=value, minimum=MIN_EVERY_SECONDS))
    return seconds


@dataclass(frozen=True)
class WatchOptions:
    """How to poll. ``once`` polls every feed one time and stops."""

    every: float = 900.0
    pause: float = 1.0
    timeout: float = 10.0
    max_backoff: float = 6 * 3600.0
    once: bool = False
    follow_links: bool = True
    published: dt.date | None = None
    batch_size: int = 32


@dataclass
class FeedState:
    """What one feed answered last, and when to ask it again."""

    source: str
    etag: str | None = None
    modified: str | None = None
    due: float = 0.0
    errors: int = 0
    fetched: set[str] = field(default_factory=set)


@dataclass
class WatchReport:
    """Totals over a watch session."""

    polls: int = 0
    unchanged: int = 0
    feed_errors: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    events: int = 0
    runs: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.polls} polls ({self.unchanged} unchanged, {self.feed_errors} failed), "
                f"{self.stored} articles stored, {self.skipped} already present, "
                f"{self.events} events, {self.failed} failure rows in {len(self.runs)} runs")


class Pacer:
    """Keeps at least ``pause`` seconds between two requests."""

    def __init__(self, pause: float, stop: threading.Event) -> None:
        self.pause = pause
        self.stop = stop
        self._last = float("-inf")

    def wait(self) -> None:
        delay = self._last + self.pause - time.monotonic()
        if delay > 0:
            self.stop.wait(delay)
        self._last = time.monotonic()


def check_source(source: str) -> str:
    """An http(s) URL or an existing feed file, else E652."""
    if source.lower().startswith(("http://", "https://")) or Path(source).is_file():
        return source
    raise InputError(Errors.E652.format(source=source))


def watch_feeds(sources: Sequence[str], *, db_path: str | Path, options: WatchOptions,
                process: Processor | None = None, stop: threading.Event | None = None,
                on_report: Callable[[str], None] | None = None) -> WatchReport:
    """Poll ``sources`` into the store at ``db_path`` until ``stop`` is set (or once)."""
    states = [FeedState(check_source(source)) for source in sources]
    stop = stop or threading.Event()
    pacer = Pacer(options.pause, stop)
    report = WatchReport()
    pending: list[Article | Failure] = []
    code = process or _loaded_processor()
    say = on_report or (lambda line: None)
    with _stop_on_signals(stop):
        while not stop.is_set():
            for state in states:
                if stop.is_set():
                    break
                if state.due <= time.monotonic():
                    records = _poll(state, options=options, pacer=pacer, report=report,
                                    known=lambda: _known_urls(db_path), say=say)
                    pending.extend(records)
                    if pending:
                        pending = _commit(pending, source=state.source, db_path=db_path,
                                          options=options, code=code, report=report, say=say,
                                          stop=stop)
            if options.once:
                break
            next_due = min(state.due for state in states)
            stop.wait(max(0.05, min(next_due - time.monotonic(), 5.0 if pending else 3600.0)))
    return report


def _poll(state: FeedState, *, options: WatchOptions, pacer: Pacer, report: WatchReport,
          known: Callable[[], set[str]], say: Callable[[str], None]) -> list[Article | Failure]:
    """One conditional fetch of a feed and the entries it brings that are not stored yet."""
    report.polls += 1
    pacer.wait()
    try:
        body = _fetch_feed(state, timeout=options.timeout)
    except (OSError, ValueError, http.client.HTTPException) as e:
        detail = str(getattr(e, "reason", None) or e) or type(e).__name__
        return [_feed_failed(state, options=options, report=report, detail=detail,
                             exc_type=type(e).__name__, say=say)]
    if body is None:
        report.unchanged += 1
        state.errors, state.due = 0, time.monotonic() + options.every
        return []
    ingest = IngestOptions(input_format="feed", follow_links=options.follow_links,
                           published=options.published)
    attempted: list[str] = []

    def before_fetch(link: str) -> None:
        pacer.wait()
        attempted.append(link)

    records: list[Article | Failure] = []
    for record in read_feed(body, context=Context(source=state.source, options=ingest),
                            skip_links=known() | state.fetched, before_fetch=before_fetch):
        records.append(record)
        if isinstance(record, Article) and attempted:
            # the page may name another (canonical) URL: remember the link we followed too
            state.fetched.add(attempted[-1])
    if records and all(isinstance(r, Failure) and r.code in _BAD_FEED_CODES for r in records):
        _back_off(state, options=options)
        report.feed_errors += 1
        say(f"{state.source}: {getattr(records[0], 'message', '')}")
        state.etag = state.modified = None  # the garbage must not be answered with 304
        return records
    state.errors, state.due = 0, time.monotonic() + options.every
    new = sum(isinstance(r, Article) for r in records)
    say(f"{state.source}: {new} new entries")
    return records


def _feed_failed(state: FeedState, *, options: WatchOptions, report: WatchReport, detail: str,
                 exc_type: str, say: Callable[[str], None]) -> Failure:
    delay = _back_off(state, options=options)
    report.feed_errors += 1
    message = Errors.E650.format(url=state.source, detail=detail, retry=f"{delay:.0f} s")
    say(message)
    return Failure(stage="watch", code="E650", message=message, source=state.source,
                   exc_type=exc_type)


def _back_off(state: FeedState, *, options: WatchOptions) -> float:
    state.errors += 1
    delay = min(options.every * 2 ** (state.errors - 1), options.max_backoff)
    state.due = time.monotonic() + delay
    return delay


def _fetch_feed(state: FeedState, *, timeout: float) -> bytes | None:
    """The feed's body, or None when it has not changed since the last poll."""
    if not state.source.lower().startswith(("http://", "https://")):
        path = Path(state.source)
        modified = str(path.stat().st_mtime_ns)
        if modified == state.modified:
            return None
        state.modified = modified
        return path.read_bytes()[:FETCH_MAX_BYTES]
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, "
               "application/xml;q=0.9, */*;q=0.5"}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.modified:
        headers["If-Modified-Since"] = state.modified
    request = urllib.request.Request(state.source, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(FETCH_MAX_BYTES)
            state.etag = response.headers.get("ETag")
            state.modified = _http_date(response.headers.get("Last-Modified"))
    except urllib.error.HTTPError as e:
        if e.code == 304:
            return None
        raise
    return bytes(body)


def _http_date(value: str | None) -> str | None:
    """A Last-Modified value worth sending back (a parseable HTTP date), else None."""
    if not value:
        return None
    try:
        email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return value


def _known_urls(db_path: str | Path) -> set[str]:
    """URLs already stored, so their pages are not fetched again (empty if unreadable now)."""
    from newsevents.store.duckdb import DuckDBStore

    if not Path(db_path).is_file():
        return set()
    try:
        with DuckDBStore(db_path, read_only=True) as store:
            with store.read_cursor() as cursor:
                rows = cursor.execute("SELECT url FROM articles WHERE url IS NOT NULL").fetchall()
            return {url for (url,) in rows}
    except ResourceError:
        return set()  # a writer holds it; the runner's own check still keeps it exactly once


def _commit(records: list[Article | Failure], *, source: str, db_path: str | Path,
            options: WatchOptions, code: Processor, report: WatchReport,
            say: Callable[[str], None], stop: threading.Event) -> list[Article | Failure]:
    """Code and store records through the corpus runner; what is left if the store is busy.

    Once ``stop`` is set no further record is handed to the runner, which then commits
    the batch it holds and ends: the records not handed over are fetched again next time.
    """
    from newsevents.store.duckdb import DuckDBStore

    handed = 0

    def read(paths: Sequence[str], *, options: IngestOptions | None) -> Iterator[Article | Failure]:
        nonlocal handed
        for record in records:
            if stop.is_set():
                return
            handed += 1
            yield record

    load = getattr(code, "load", None)
    if load is not None:
        load()  # seconds of model loading, not while holding the store's lock
    try:
        with DuckDBStore(db_path) as store:
            summary = run_corpus([source], store=store, process=code, read=read,
                                 batch_size=options.batch_size)
    except ResourceError as e:
        say(f"store busy, keeping {len(records)} records for the next round: {e}")
        return records
    if handed < len(records):
        say(f"stopped: {len(records) - handed} fetched records left for the next watch")
    report.stored += summary.stored
    report.skipped += summary.skipped
    report.failed += summary.failed
    report.events += summary.events
    report.runs.append(summary.run_id)
    say(f"run {summary.run_id}: {summary.stored} stored, {summary.events} events, "
        f"{summary.failed} failed")
    return []


def _loaded_processor() -> Processor:
    """``pipeline.process`` with the model loaded once, before the store is first opened."""
    from newsevents.pipeline import build_nlp, process

    loaded = []

    def code(articles, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.pop("workers", None)
        return process(articles, nlp=loaded[0], **kwargs)

    def load() -> None:
        if not loaded:
            loaded.append(build_nlp())

    code.load = load  # type: ignore[attr-defined]
    return code


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set ``stop`` (main thread only; elsewhere the caller stops us)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda signum, frame: stop.set())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


__all__ = ["FeedState", "WatchOptions", "WatchReport", "parse_every",
           "watch_feeds"]
