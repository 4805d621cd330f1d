"""merge_mentions: one Event per occurrence, listing every mention of it (issue 9).

Up to here each trigger is its own event, so one attack reported as "two car
bombs exploded … killing 19", "the blasts" and "the toll had risen to 26"
is three records, each with a death toll. This stage groups the mentions
of one occurrence within an article and builds one Event from them.

Two mentions can be one occurrence when nothing says they are not: the same
type and assertion status, no two different modes (a blast is not a
kidnapping), no actors on either side that cannot be the same (another
country, or the opposition rather than the government), a speaker of its
own for statements in different sentences, no two different
dates written in the text for them (a date that belongs to another event of
the sentence does not count), and no two specific places of their own further
apart than ``max_km`` (an article's place, ``reason="article_place"``, given to
a mention whose sentence names none, does not count). A mention joins the
first group (in text order) with every member of which it is compatible, so
chains of weak similarity do not grow into one event; an indefinite noun ("a
shoot-out", "two more attacks") starts a group of its own, a definite one ("the
blast") refers back.

The merged event takes each field from the best evidence among its mentions,
never a sum: type, trigger and sentence from the most confident mention;
source and target from the most confident mention that names them; the
place from the most specific one in the main mention's country; the date
from a date written in the text for the event, the most precise first; the
largest stated count of killed, injured and arrested (tolls are updated
upwards: "19 … risen to 26").
"""

from collections.abc import Callable, Sequence
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc, Token

from newsevents.kb.gazetteer import haversine_km
from newsevents.stages.common import OCCURRENCE_TYPES
from newsevents.types import Actor, Event, EventDate, Mention, Place, Size, flatten_actors

FACTORY = "newsevents_merge_mentions_v1"
MAX_KM = 50.0
# How specific a place is: a town outranks its district, region and country.
FEATURE_RANK = {"city": 4, "district": 3, "admin1": 2, "region": 1, "country": 0}
SPECIFIC_FEATURES = frozenset({"city", "district"})
PRECISION_RANK = {"day": 3, "week": 2, "month": 1, "year": 0}
INDEFINITE_DETERMINERS = frozenset({"a", "an", "another", "new", "fresh", "second", "further"})
DEFINITE_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})


@Language.factory(
    FACTORY,
    requires=["doc._.article", "doc._.events", "token.dep", "token.head", "token.pos"],
    assigns=["doc._.events"],
    default_config={"max_km": MAX_KM},
)
def make_mention_merger(nlp: Language, name: str, max_km: float) -> "MentionMerger":
    return MentionMerger(max_km=max_km)


class MentionMerger:
    """Replaces ``doc._.events`` (one per trigger) with one event per occurrence."""

    def __init__(self, *, max_km: float = MAX_KM) -> None:
        self.max_km = max_km

    def __call__(self, doc: Doc) -> Doc:
        article = doc._.article
        article_id = article.id if article is not None else "doc"
        events = doc._.events or ()
        tokens = {token.idx: token for token in doc}
        new = {id(event) for event in events
               if event.trigger.start in tokens and _introduces(tokens[event.trigger.start])}
        doc._.events = merge_mentions(events, article_id=article_id, max_km=self.max_km,
                                      new=new)
        return doc


def _introduces(token: Token) -> bool:
    """An indefinite noun ("a shoot-out", "two more attacks") brings in a new occurrence;
    a definite one ("the blast", "these attacks") refers back."""
    if token.pos_ != "NOUN":
        return False
    children = list(token.children)
    if any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE_DETERMINERS | {"its", "their"}
           for c in children):
        return False
    return any((c.dep_ == "det" and c.lower_ in INDEFINITE_DETERMINERS)
               or (c.dep_ == "amod" and c.lower_ in INDEFINITE_DETERMINERS)
               or c.dep_ == "nummod" for c in children)


def merge_mentions(events: Sequence[Event], *, article_id: str, max_km: float = MAX_KM,
                   new: set[int] | None = None) -> list[Event]:
    """Group the events of one article by occurrence and merge each group.

    ``new`` holds the ``id()`` of mentions that introduce an occurrence of
    their own ("a shoot-out", "two more attacks"): they start a group.
    """
    groups: list[list[Event]] = []
    borrowed = _borrowed_dates(events)
    for event in sorted(events, key=lambda e: (e.trigger.start, e.trigger.end)):
        group = None if new and id(event) in new else next(
            (g for g in groups if all(_compatible(member, event, max_km, borrowed)
                                      for member in g)), None)
        if group is None:
            groups.append([event])
        else:
            group.append(event)
    return [replace(_merge(group, borrowed), id=f"{article_id}-e{number}",
                    article_id=article_id)
            for number, group in enumerate(groups, start=1)]


def _borrowed_dates(events: Sequence[Event]) -> set[int]:
    """Events (by ``id()``) whose date is that of another event of their sentence.

    "condemned on Tuesday an attack …, where gunmen killed three on Sunday":
    the attack gets Tuesday from the condemnation it is the object of, so
    its date does not tell it apart from the killing on Sunday.
    """
    dated: dict[tuple[int, int, int | None], set[str]] = {}
    for event in events:
        if event.date.text and event.date.start is not None:
            key = (event.sentence.start, event.date.start, event.date.end)
            dated.setdefault(key, set()).add(event.type)
    return {id(event) for event in events
            if event.date.text and event.date.start is not None
            and len(dated[(event.sentence.start, event.date.start, event.date.end)]) > 1}


def _flags(event: Event) -> tuple[bool, ...]:
    return (event.negated, event.hypothetical, event.future, event.generic, event.historical)


def _identities(actors: Sequence[Actor]) -> set[tuple[str | None, str | None]]:
    return {(actor.country, actor.sector) for actor in flatten_actors(actors)
            if actor.country or actor.sector}


def _disjoint(a: Sequence[Actor], b: Sequence[Actor]) -> bool:
    """Both sides name someone, and no one on one side can be someone on the other
    (another country, or the same country's opposition rather than its government)."""
    first, second = _identities(a), _identities(b)
    if not first or not second:
        return False
    return not any(_same_side(x, y) for x in first for y in second)


def _same_side(x: tuple[str | None, str | None], y: tuple[str | None, str | None]) -> bool:
    (country_x, sector_x), (country_y, sector_y) = x, y
    if country_x and country_y and country_x != country_y:
        return False
    return not (sector_x and sector_y and sector_x != sector_y)


def _written_date(event: Event, borrowed: set[int]) -> EventDate | None:
    """The event's date when the text states it for this event, not a fallback."""
    date = event.date
    if date.value is None or not date.text or id(event) in borrowed:
        return None
    return date


def _specific_place(event: Event) -> Place | None:
    place = event.location
    if place is None or place.lat is None or place.lon is None or place.reason:
        return None
    return place if place.feature in SPECIFIC_FEATURES else None


def _compatible(a: Event, b: Event, max_km: float, borrowed: set[int]) -> bool:
    """Nothing in the two mentions says they are different occurrences."""
    if a.type != b.type or _flags(a) != _flags(b):
        return False
    if a.mode and b.mode and a.mode != b.mode:
        return False
    if _disjoint(a.source, b.source) or _disjoint(a.target, b.target):
        return False
    if a.type not in OCCURRENCE_TYPES and a.sentence != b.sentence and not (
            a.source and b.source):
        # a statement with no speaker of its own is not known to be another's
        return False
    date_a, date_b = _written_date(a, borrowed), _written_date(b, borrowed)
    if date_a and date_b and date_a.value != date_b.value:
        return False
    place_a, place_b = _specific_place(a), _specific_place(b)
    if place_a and place_b:
        distance = haversine_km(place_a.lat or 0.0, place_a.lon or 0.0,
                                place_b.lat or 0.0, place_b.lon or 0.0)
        if distance > max_km:
            return False
    return True


def _best(group: Sequence[Event], key: Callable[[Event], float | None]) -> Event | None:
    """The mention ranked highest by ``key`` (None = not eligible), then by confidence;
    the earliest on ties."""
    ranked = [(key(e), e.confidence, -index, e) for index, e in enumerate(group)
              if key(e) is not None]
    if not ranked:
        return None
    return max(ranked, key=lambda row: row[:3])[3]


def _place_rank(event: Event, head: Event) -> float | None:
    """More specific is better, but only within the main mention's country."""
    place = event.location
    if place is None:
        return None
    if head.location is not None and head.location.country and event is not head \
            and place.country != head.location.country:
        return None
    rank = FEATURE_RANK.get(place.feature or "", -1)
    if place.reason == "article_place":
        # the article's place, not the mention's own: below an own place of its kind
        return rank - 0.5
    # a place inferred from the actors or an unplaceable name is the weakest evidence
    return rank - 10 if place.reason else rank


def _date_rank(event: Event, borrowed: set[int]) -> float | None:
    date = event.date
    if date.value is None:
        return None
    written = 10 if _written_date(event, borrowed) else 0
    return written + PRECISION_RANK.get(date.precision or "", -1)


def _largest(values: Sequence[int | None]) -> int | None:
    stated = [v for v in values if v is not None]
    return max(stated) if stated else None


def _mention(event: Event) -> Mention:
    return Mention(
        type=event.type, trigger=event.trigger, sentence=event.sentence,
        confidence=event.confidence, source=event.source, target=event.target,
        date=event.date, size=event.size, negated=event.negated,
        hypothetical=event.hypothetical, future=event.future, generic=event.generic,
        historical=event.historical)


def _merge(group: Sequence[Event], borrowed: set[int]) -> Event:
    head = max(group, key=lambda e: (e.confidence, -e.trigger.start))
    with_source = _best(group, lambda e: 1.0 if e.source else None)
    with_target = _best(group, lambda e: 1.0 if e.target else None)
    placed = _best(group, lambda e: _place_rank(e, head))
    dated = _best(group, lambda e: _date_rank(e, borrowed))
    contexts = tuple(dict.fromkeys(c for e in group for c in e.contexts))
    return replace(
        head,
        contexts=contexts,
        mode=head.mode or next((e.mode for e in group if e.mode), None),
        source=with_source.source if with_source else (),
        target=with_target.target if with_target else (),
        location=placed.location if placed else None,
        date=dated.date if dated else head.date,
        size=Size(killed=_largest([e.size.killed for e in group]),
                  injured=_largest([e.size.injured for e in group]),
                  arrested=_largest([e.size.arrested for e in group])),
        reported_by=head.reported_by or next(
            (e.reported_by for e in group if e.reported_by), None),
        mentions=tuple(_mention(e) for e in group),
    )
