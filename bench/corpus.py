"""Build a benchmark corpus of any size from the demo articles.

The demo corpus in ``examples/articles`` is read exactly the way a user's
input is read (``newsevents.stages.ingest.read_inputs``), so the benchmark
times the texts that ``make demo`` codes, not a synthetic stand-in. The
articles are then repeated until the requested size is reached; each copy
gets its own id and a one-line dateline variation, so no two benchmark
articles are byte-identical while their length and language stay realistic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.types import Article, Failure

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
PUBLISHED = dt.date(2024, 11, 20)


@dataclasses.dataclass(frozen=True)
class DemoCorpus:
    """The demo articles that ingested cleanly, and the inputs that did not."""

    articles: tuple[Article, ...]
    failures: tuple[Failure, ...]


def read_demo(path: Path = EXAMPLES, *, published: dt.date = PUBLISHED) -> DemoCorpus:
    """Ingest every file under ``path`` (a directory or a single file)."""
    articles: list[Article] = []
    failures: list[Failure] = []
    for item in read_inputs([str(path)], options=IngestOptions(published=published)):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            articles.append(item)
    return DemoCorpus(articles=tuple(articles), failures=tuple(failures))


def build_corpus(articles: Sequence[Article], *, size: int) -> list[Article]:
    """``size`` articles made by cycling through ``articles``.

    The first round is the demo corpus unchanged; later rounds carry an id
    suffix (``~r2``) and a short editor's line at the end, so every text is
    distinct but the mix of article lengths stays that of the demo corpus.
    """
    if not articles:
        raise ValueError("no articles to build a benchmark corpus from")
    corpus: list[Article] = []
    for index in range(size):
        base = articles[index % len(articles)]
        round_number = index // len(articles) + 1
        if round_number == 1:
            corpus.append(base)
            continue
        corpus.append(dataclasses.replace(
            base,
            id=f"{base.id}~r{round_number}",
            text=f"{base.text}\n\n(Edition {round_number}, updated from an earlier report.)",
        ))
    return corpus
