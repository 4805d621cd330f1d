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

from newsevents.errors import Errors, InputError, InternalError
from newsevents.evaluate import actors, events_gold, plover_gsr, upetrarch
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

Kind = Literal["plover-gsr", "upetrarch", "acled", "gtd", "actors"]
KINDS: tuple[str, ...] = ("plover-gsr", "upetrarch", "acled", "gtd", "actors")
GOLD_FILES: dict[str, str] = {
    "plover-gsr": "plover_gsr_dev.jsonl",
    "upetrarch": "upetrarch_gsr_validation.jsonl",
    "acled": "acled_dev.jsonl",
    "gtd": "gtd_dev.jsonl",
}
"""The files ``--gold-dir`` looks for (the gold data of others); our own actor
cases live in this repository, ``eval/actors/{tune,check}.jsonl``."""

__all__ = [
    "GOLD_FILES", "KINDS", "FloorCheck", "FloorRow", "Floors", "Kind", "Miss",
    "PipelineProcessor", "ProcessFn", "Ratio", "Report", "check_floors", "evaluate_file",
    "find_gold_files", "format_floor_check", "format_report", "guess_kind", "raise_floors",
    "read_floors", "report_json", "write_floors",
]


class PipelineProcessor:
    """The real pipeline as a ``ProcessFn``; loads the model once for every gold file."""

    def __init__(self, *, workers: int = 1, batch_size: int = 64) -> None:
        self.workers = workers
        self.batch_size = batch_size
        self._nlp: Language | None = None

    def __call__(self, articles: list[Article]) -> list[ArticleResult]:
        from newsevents.pipeline import build_nlp, process

        if self.workers > 1:
            return list(process(articles, workers=self.workers, batch_size=self.batch_size))
        if self._nlp is None:
            self._nlp = build_nlp()
        return list(process(articles, nlp=self._nlp, batch_size=self.batch_size))


def guess_kind(path: Path) -> str:
    """The gold kind from a file name (``plover_gsr_dev.jsonl`` → ``plover-gsr``)."""
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
                  limit: int | None = None) -> Report:
    """Score one gold file; ``process`` defaults to the real pipeline."""
    if kind not in KINDS:
        raise InputError(Errors.E404.format(path=path, kinds=", ".join(KINDS)))
    process = process or PipelineProcessor()
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


def _run(process: ProcessFn, articles: list[Article]) -> Sequence[ArticleResult]:
    """One batched call; results must come back one per article, in order."""
    results = list(process(articles)) if articles else []
    produced = [result.article.id for result in results]
    if produced != [article.id for article in articles]:
        raise InternalError(Errors.E407.format(expected=len(articles), produced=len(results)))
    return results
