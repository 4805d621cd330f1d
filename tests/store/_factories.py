"""Hand-built ArticleResults for store tests: fictional places, no NLP model needed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable, Iterator

from newsevents.types import (
    Actor,
    Article,
    ArticleResult,
    Event,
    EventDate,
    Failure,
    Mention,
    Place,
    Quote,
    Size,
    Span,
)

_VOCABULARY = (
    "Arnor Gondor Rohan Mordor Eriador envoy council border troops river harvest talks "
    "treaty village bridge market minister captain rangers riders fortress valley trade "
    "grain ships harbour storm warning protest march ceasefire delegation summit tax "
    "scouts patrol convoy refugees shelter aid wells roads tower beacon lanterns"
)
_WORDS = tuple(_VOCABULARY.split(" "))

ARNOR = Actor("Arnor", 0, 5, "Arnor", "ARN", "GOV", "country")
GONDOR_TROOPS = Actor("Gondor troops", 0, 13, "Gondor", "GON", "MIL", "group")
OSGILIATH = Place("Osgiliath", 0, 9, "Osgiliath", 900001, "GON", "01", 47.0, 30.0, "city")


def story_text(seed: int, *, words: int = 120) -> str:
    """A distinct, reproducible 'article' of ``words`` words."""
    rng = random.Random(seed)
    return " ".join(rng.choice(_WORDS) for _ in range(words)) + "."


def make_event(article: Article, index: int, *, event_type: str = "ASSAULT",
               cameo: str | None = "190", day: dt.date | None = dt.date(2024, 3, 1),
               location: Place | None = OSGILIATH,
               source: tuple[Actor, ...] = (GONDOR_TROOPS,),
               target: tuple[Actor, ...] = (ARNOR,)) -> Event:
    word = (article.text.split() or [article.text])[0]
    start = article.text.find(word)
    trigger = Span(word, start, start + len(word))
    sentence = Span(article.text, 0, len(article.text))
    date = EventDate(day, "day" if day else None, "on Tuesday" if day else None,
                     reason=None if day else "not_resolved")
    mention = Mention(type=event_type, trigger=trigger, sentence=sentence, confidence=0.9,
                      source=source, target=target, date=date, size=Size(killed=3))
    return Event(
        id=f"{article.id}-e{index}", article_id=article.id, type=event_type, mode="shelling",
        contexts=("border",), cameo=cameo, quad_class=4, goldstein=-10.0,
        source=source, target=target,
        trigger=trigger, sentence=sentence, confidence=0.9, location=location, date=date,
        size=Size(killed=3), mentions=(mention, dataclasses.replace(mention, date=None)),
    )


def make_result(index: int, *, text: str | None = None, url: str | None = None,
                outlet: str | None = "The Shire Post", events: int = 2,
                published: dt.date | None = dt.date(2024, 3, 2),
                failures: tuple[Failure, ...] = (), source: str = "corpus.jsonl",
                event_type: str = "ASSAULT", cameo: str | None = "190") -> ArticleResult:
    article = Article(
        id=f"a{index:04d}", text=text if text is not None else story_text(index),
        url=url, title=f"Story {index}", outlet=outlet, published=published,
        language="en", source=source, record=index, notes=("test",))
    return ArticleResult(
        article=article,
        events=tuple(make_event(article, i, event_type=event_type, cameo=cameo)
                     for i in range(events)),
        actors=(ARNOR, GONDOR_TROOPS),
        places=(OSGILIATH,),
        quotes=(Quote("We will hold the river", 0, 22, ARNOR),),
        failures=failures,
        tone=-2.5,
        words=len(article.text.split()),
    )


def fake_reader(records: list[Article | Failure]):  # type: ignore[no-untyped-def]
    """A ``read_inputs`` stand-in yielding fixed records."""
    def read(paths: list[str], *, options: object) -> Iterator[Article | Failure]:
        yield from records
    return read


def fake_processor(results_by_id: dict[str, ArticleResult]):  # type: ignore[no-untyped-def]
    """A ``pipeline.process`` stand-in returning prepared results for each article."""
    def process(articles: Iterable[Article], *, workers: int = 1,
                batch_size: int = 16) -> Iterator[ArticleResult]:
        for article in articles:
            prepared = results_by_id[article.id]
            yield dataclasses.replace(prepared, article=article)
    return process


def corpus(count: int) -> tuple[list[Article | Failure], dict[str, ArticleResult]]:
    """``count`` articles plus one unreadable record, and their coded results."""
    results = {r.article.id: r for r in (make_result(i) for i in range(count))}
    records: list[Article | Failure] = [r.article for r in results.values()]
    records.append(Failure(stage="ingest", code="E101", message="E101: unreadable record",
                           source="corpus.jsonl", record=count, exc_type="InputError"))
    return records, results
