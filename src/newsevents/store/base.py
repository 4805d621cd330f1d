"""The storage interface every backend implements (DuckDB is the default).

A store keeps coded articles, their events, quotes and places, the failure
rows of records that could not be coded, and a journal of corpus runs. Its
one promise beyond "keep what you are given" is **exactly once**: an article
(identified by its content hash, and its URL when it has one) is stored at
most once, whatever order runs and crashes happen in; a batch of articles is
written in one transaction, so a killed run leaves whole articles or none.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from newsevents.errors import Errors, InputError
from newsevents.types import ArticleResult, Event, Failure

if TYPE_CHECKING:
    from typing_extensions import Self

RunStatus = Literal["running", "completed", "failed", "interrupted"]


@dataclass(frozen=True)
class Near:
    """A circle on the map: events whose location lies within ``km`` of (lat, lon)."""

    lat: float
    lon: float
    km: float


def parse_near(value: str) -> Near:
    """Parse ``"LAT,LON,KM"`` (the ``--near`` option)."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 3:
        raise InputError(Errors.E306.format(value=value, detail="expected three numbers"))
    try:
        lat, lon, km = (float(part) for part in parts)
    except ValueError as e:
        raise InputError(Errors.E306.format(value=value, detail="not a number")) from e
    if not -90.0 <= lat <= 90.0 or not -180.0 <= lon <= 180.0:
        raise InputError(Errors.E306.format(
            value=value, detail="latitude must lie in [-90, 90] and longitude in [-180, 180]"))
    if not km > 0.0:
        raise InputError(Errors.E306.format(value=value, detail="the radius must be above 0 km"))
    return Near(lat, lon, km)


@dataclass(frozen=True)
class EventQuery:
    """Filters of ``query``/``export``; None means "any".

    ``country`` matches a source, target or location country (ISO-3);
    ``actor`` matches any actor's name or mention text, case-insensitively;
    ``since``/``until`` are inclusive and apply to the event date, or the
    article's publication date when the event has none; ``cluster`` keeps the
    events of one event cluster. Events of articles linked as syndicated
    copies are hidden unless ``include_duplicates``.
    """

    type: str | None = None
    country: str | None = None
    actor: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    near: Near | None = None
    cluster: str | None = None
    include_duplicates: bool = False
    limit: int | None = None


#: The default query: every event of a distinct (non-copy) article.
ALL_EVENTS = EventQuery()


@dataclass(frozen=True)
class BatchOutcome:
    """What one committed batch added."""

    stored: int
    skipped: int
    events: int
    failures: int
    events_by_type: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DedupeOutcome:
    """What one dedupe pass changed."""

    duplicates: int
    links_changed: int
    clusters: int


class EventStore(ABC):
    """A place to keep coded articles. Use as a context manager."""

    path: str

    # runs -----------------------------------------------------------------
    @abstractmethod
    def begin_run(self, *, inputs: Sequence[str], options: Mapping[str, Any]) -> str:
        """Journal a new run (marking runs that never finished as interrupted); its id."""

    @abstractmethod
    def finish_run(self, run_id: str, *, status: RunStatus, counts: Mapping[str, Any],
                   error: str | None = None) -> None:
        """Record how a run ended."""

    @abstractmethod
    def runs(self) -> list[dict[str, Any]]:
        """The run journal, oldest first."""

    # writing --------------------------------------------------------------
    @abstractmethod
    def stored_keys(self, *, hashes: Collection[str],
                    urls: Collection[str] = ()) -> tuple[set[str], set[str]]:
        """Which of these content hashes and URLs are stored: asked per batch, never for all.

        Safe to call from another thread than the writer's (a corpus run asks
        from its reader thread while batches are written).
        """

    @abstractmethod
    def write_batch(self, results: Sequence[ArticleResult], *, failures: Sequence[Failure] = (),
                    run_id: str | None = None) -> BatchOutcome:
        """Store articles with everything coded from them, and failure rows, in one transaction.

        Articles already stored (same content hash or URL) are skipped;
        failure rows already stored for the same record and code are kept once.
        """

    def write(self, result: ArticleResult, *, run_id: str | None = None) -> BatchOutcome:
        """Store one article (see ``write_batch``)."""
        return self.write_batch([result], run_id=run_id)

    @abstractmethod
    def import_dataset(self, folder: str, *, run_id: str | None = None) -> BatchOutcome:
        """Bring a ``spark-run`` output folder into the store, exactly once."""

    @abstractmethod
    def dedupe(self) -> DedupeOutcome:
        """Link syndicated copies and cluster events over the whole store (idempotent).

        Runs as SQL inside the backend (``newsevents.store.linking``), never
        pulling every row into Python; same result as ``link_duplicates`` and
        ``cluster_events`` of ``newsevents.stages.dedupe``.
        """

    # reading --------------------------------------------------------------
    @abstractmethod
    def query(self, query: EventQuery = ALL_EVENTS) -> list[dict[str, Any]]:
        """Matching events as flat rows (one dict per event, with article columns)."""

    @abstractmethod
    def export_rows(self, query: EventQuery = ALL_EVENTS) -> list[dict[str, Any]]:
        """Matching events with every stored column, their article's columns (``language``,
        ``article_actors`` JSON, ``article_places`` names in order) and cluster counts."""

    @abstractmethod
    def quote_rows(self, *, include_duplicates: bool = False) -> list[dict[str, Any]]:
        """Every stored quote (speaker as actor JSON) with its article's ``url``, ``outlet``,
        ``title`` and ``published``, in publication, article and quote order."""

    @abstractmethod
    def copy_events_to_parquet(self, out: str, query: EventQuery = ALL_EVENTS) -> int:
        """Write matching events' columns to a Parquet file; the number of rows."""

    @abstractmethod
    def events(self, query: EventQuery = ALL_EVENTS) -> Iterator[Event]:
        """Matching events as typed records."""

    @abstractmethod
    def article_result(self, article_id: str) -> ArticleResult | None:
        """Everything stored for one article, as it was written; None if unknown."""

    @abstractmethod
    def failures(self) -> list[dict[str, Any]]:
        """Failure rows, in the order they were stored."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """Counts: articles, events, failures, duplicates, events by type, runs, …"""

    @abstractmethod
    def close(self) -> None:
        """Release the database."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
