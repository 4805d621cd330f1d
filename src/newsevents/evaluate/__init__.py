"""Measure coding quality against gold data.

Each gold file is scored by running the real pipeline over all of its
records in one batched ``process`` call, then comparing the results with
the gold fields. The ``process`` function is injectable so that tests can
score hand-built ``ArticleResult``s without a model.

    >>> report = evaluate_file(Path("plover_gsr_dev.jsonl"), kind="plover-gsr")
    >>> report.metrics["type_recall"].value
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from newsevents import registrations
from newsevents.errors import Errors, InputError, InternalError
from newsevents.evaluate import actors, documents, events_gold, plover_gsr, upetrarch
from newsevents.evaluate.floors import (
    FloorCheck,
    FloorRow,
    Floors,
    check_floors,
    format_floor_check,
    raise_floors,
    read_floors,
    write_floors,
)
from newsevents.evaluate.gold import ProcessFn, sha256_file
from newsevents.evaluate.report import Miss, Ratio, Report, Scored, format_report, report_json
from newsevents.types import Article, ArticleResult

if TYPE_CHECKING:
    from spacy.language import Language

Kind = Literal["plover-gsr", "upetrarch", "acled", "gtd", "actors", "events"]
KINDS: tuple[str, ...] = ("plover-gsr", "upetrarch", "acled", "gtd", "actors", "events")
#: Sentence-level gold (one event per sentence or summary, coded whatever its assertion):
#: scored on the mention coder, without screening and merging (docs/accuracy.md).
SENTENCE_KINDS = frozenset({"plover-gsr", "upetrarch", "acled", "gtd"})
GOLD_FILES: dict[str, str] = {
    "plover-gsr": "plover_gsr_dev.jsonl",
    "upetrarch": "upetrarch_gsr_validation.jsonl",
    "acled": "acled_dev.jsonl",
    "gtd": "gtd_dev.jsonl",
}
"""The files ``--gold-dir`` looks for (the gold data of others); our own actor
cases live in this repository, ``eval/actors/{tune,check}.jsonl``, and our own
hand-coded reports in ``eval/events`` (``--kind events``)."""

__all__ = [
    "GOLD_FILES", "KINDS", "FloorCheck", "FloorRow", "Floors", "Kind", "Miss",
    "PipelineProcessor", "ProcessFn", "Ratio", "Report", "check_floors", "evaluate_file",
    "find_gold_files", "format_floor_check", "format_report", "guess_kind", "raise_floors",
    "read_floors", "report_json", "write_floors",
]


class PipelineProcessor:
    """The real pipeline as a ``ProcessFn``; loads the model once for every gold file.

    Results keep unasserted events (negated, hypothetical, future, generic,
    historical): the document-level kind (``events``) leaves them out itself.
    ``mention_coder`` is the same pipeline without ``screen_events`` and
    ``merge_mentions``, for the sentence-level kinds (see ``evaluate_file``).
    """

    def __init__(self, *, workers: int = 1, batch_size: int = 64,
                 stages: Sequence[str] = registrations.STAGES) -> None:
        self.workers = workers
        self.batch_size = batch_size
        self.stages = tuple(stages)
        self._nlp: Language | None = None
        self._mention_coder: PipelineProcessor | None = None

    @property
    def mention_coder(self) -> PipelineProcessor:
        if self._mention_coder is None:
            self._mention_coder = PipelineProcessor(
                workers=self.workers, batch_size=self.batch_size,
                stages=registrations.MENTION_CODER_STAGES)
        return self._mention_coder

    def __call__(self, articles: list[Article]) -> list[ArticleResult]:
        from newsevents.pipeline import build_nlp, process

        if self._nlp is None:
            self._nlp = build_nlp(stages=self.stages)
        return list(process(articles, nlp=self._nlp, batch_size=self.batch_size,
                            workers=self.workers, include_unasserted=True))


def guess_kind(path: Path) -> str:
    """The gold kind from a file name (``plover_gsr_dev.jsonl`` → ``plover-gsr``)."""
    if path.is_dir() and (path / "political.tune.jsonl").is_file():
        return "events"
    name = path.name.lower()
    for kind, file_name in GOLD_FILES.items():
        if name == file_name or name.startswith(kind.replace("-", "_")):
            return kind
    if name.startswith(actors.KIND) or path.parent.name == actors.KIND:
        return actors.KIND
    raise InputError(Errors.E404.format(path=path, kinds=", ".join(KINDS)))


def find_gold_files(directory: Path) -> tuple[dict[str, Path], list[str]]:
    """The gold files present in ``directory`` by kind, and the names that are missing."""
    if not directory.is_dir():
        raise InputError(Errors.E406.format(path=directory, names=", ".join(GOLD_FILES.values())))
    found = {kind: directory / name for kind, name in GOLD_FILES.items()
             if (directory / name).is_file()}
    missing = [name for kind, name in GOLD_FILES.items() if kind not in found]
    if not found:
        raise InputError(Errors.E406.format(path=directory, names=", ".join(GOLD_FILES.values())))
    return found, missing


def evaluate_file(path: Path, *, kind: str, process: ProcessFn | None = None,
                  limit: int | None = None, predictions: Path | None = None) -> Report:
    """Score one gold file (for ``events``, a gold directory).

    ``process`` defaults to the real pipeline; ``predictions`` (``events``
    only) scores a saved ``extract`` JSONL file instead of running it.
    """
    if kind not in KINDS:
        raise InputError(Errors.E404.format(path=path, kinds=", ".join(KINDS)))
    if predictions is not None and kind != "events":
        raise InputError(Errors.E437)
    if kind == "events":
        return _evaluate_documents(path, process=process, limit=limit, predictions=predictions)
    process = process or PipelineProcessor()
    if kind in SENTENCE_KINDS and isinstance(process, PipelineProcessor):
        # one gold event per sentence: the mention coder is measured, not what an analyst
        # counts (screening and merging are measured by the events kind)
        process = process.mention_coder
    started = time.perf_counter()
    source = f"eval:{path.name}"
    scored: Scored
    name = None
    if kind == actors.KIND:
        actor_records = actors.read(path, limit=limit)
        articles = actors.to_articles(actor_records, source=source)
        results = _run(process, articles)
        scored = actors.score(actor_records, results)
        name = actors.set_name(path)
    elif kind == "plover-gsr":
        plover_records = plover_gsr.read(path, limit=limit)
        articles = plover_gsr.to_articles(plover_records, source=source)
        results = _run(process, articles)
        scored = plover_gsr.score(plover_records, results)
    elif kind == "upetrarch":
        upetrarch_records = upetrarch.read(path, limit=limit)
        articles = upetrarch.to_articles(upetrarch_records, source=source)
        results = _run(process, articles)
        scored = upetrarch.score(upetrarch_records, results)
    else:
        event_records = events_gold.read(path, kind=kind, limit=limit)
        articles = events_gold.to_articles(event_records, source=source)
        results = _run(process, articles)
        scored = events_gold.score(event_records, results, kind=kind)
    return Report(
        kind=kind,
        path=str(path),
        corpus_sha256=sha256_file(path),
        records=len(articles),
        failures=sum(1 for result in results if result.failures),
        seconds=time.perf_counter() - started,
        metrics=scored.metrics,
        floored=scored.floored,
        tables=scored.tables,
        misses=scored.misses,
        name=name,
    )


def _evaluate_documents(path: Path, *, process: ProcessFn | None, limit: int | None,
                        predictions: Path | None) -> Report:
    started = time.perf_counter()
    reports = documents.read(path, limit=limit)
    failures = 0
    if predictions is not None:
        produced = documents.read_predictions(predictions)
    else:
        articles = documents.to_articles(reports, source=f"eval:{path.name}")
        results = _run(process or PipelineProcessor(), articles)
        failures = sum(1 for result in results if result.failures)
        produced = documents.produced_from_results(results)
    scored = documents.score(reports, produced, predictions=predictions)
    return Report(
        kind="events",
        path=str(predictions or path),
        corpus_sha256=documents.corpus_sha256(path),
        records=len(reports),
        failures=failures,
        seconds=time.perf_counter() - started,
        metrics=scored.metrics,
        floored=scored.floored,
        tables=scored.tables,
        misses=scored.misses,
    )


def _run(process: ProcessFn, articles: list[Article]) -> Sequence[ArticleResult]:
    """One batched call; results must come back one per article, in order."""
    results = list(process(articles)) if articles else []
    produced = [result.article.id for result in results]
    if produced != [article.id for article in articles]:
        raise InternalError(Errors.E407.format(expected=len(articles), produced=len(results)))
    return results
