"""merge_mentions: one Event per occurrence, listing every mention of it (issue 9).

Up to here each trigger is its own event, so one attack reported as "two car
bombs exploded … killing 19", "the blasts" and "the toll had risen to 26"
is three records, each with a death toll. This stage groups the mentions
of one occurrence within an article and builds one Event from them.

Two mentions can be one occurrence when nothing says they are not: the same
type and assertion status, no two different modes (a blast is not a
kidnapping), no disjoint actor countries on either side, no two different
dates written in the text, and no two specific places further apart than
``max_km``. A mention joins the first group (in text order) with
every member of which it is compatible, so chains of weak similarity do not
grow into one event.

The merged event takes each field from the best evidence among its mentions,
never a sum: type, trigger and sentence from the main mention (one that
dates itself, "the November 9 blast", else the most confident one);
source and target from the most confident mention that names them; the
place from the most specific one; the date from a date written in the text,
the most precise first; the largest stated count of killed, injured and
arrested (tolls are updated upwards: "19 … risen to 26").
"""

from collections.abc import Callable, Sequence
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from newsevents.kb.gazetteer import haversine_km
from newsevents.types import Actor, Event, EventDate, Mention, Place, Size

FACTORY = "newsevents_merge_mentions_v1"
MAX_KM = 50.0
# How specific a place is: a town outranks its district, region and country.
FEATURE_RANK = {"city": 4, "district": 3, "admin1": 2, "region": 1, "country": 0}
SPECIFIC_FEATURES = frozenset({"city", "district"})
PRECISION_RANK = {"day": 3, "week": 2, "month": 1, "year": 0}


@Language.factory(
    FACTORY,
    requires=["doc._.events"],
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
        doc._.events = merge_mentions(doc._.events or (), article_id=article_id,
                                      max_km=self.max_km)
        return doc


def merge_mentions(events: Sequence[Event], *, article_id: str,
                   max_km: float = MAX_KM) -> list[Event]:
    """Group the events of one article by occurrence and merge each group."""
    groups: list[list[Event]] = []
    for event in sorted(events, key=lambda e: (e.trigger.start, e.trigger.end)):
        group = next((g for g in groups
                      if all(_compatible(member, event, max_km) for member in g)), None)
        if group is None:
            groups.append([event])
        else:
            group.append(event)
    return [replace(_merge(group), id=f"{article_id}-e{number}", article_id=article_id)
            for number, group in enumerate(groups, start=1)]


def _flags(event: Event) -> tuple[bool, ...]:
    return (event.negated, event.hypothetical, event.future, event.generic, event.historical)


def _countries(actors: Sequence[Actor]) -> set[str]:
    found: set[str] = set()
    for actor in actors:
        if actor.country:
            found.add(actor.country)
        found |= _countries(actor.members)
    return found


def _disjoint(a: Sequence[Actor], b: Sequence[Actor]) -> bool:
    first, second = _countries(a), _countries(b)
    return bool(first and second) and not first & second


def _written_date(event: Event) -> EventDate | None:
    """The event's date when the text states it, not a fallback."""
    date = event.date
    return date if date.value is not None and date.text else None


def _specific_place(event: Event) -> Place | None:
    place = event.location
    if place is None or place.lat is None or place.lon is None or place.reason:
        return None
    return place if place.feature in SPECIFIC_FEATURES else None


def _compatible(a: Event, b: Event, max_km: float) -> bool:
    """Nothing in the two mentions says they are different occurrences."""
    if a.type != b.type or _flags(a) != _flags(b):
        return False
    if a.mode and b.mode and a.mode != b.mode:
        return False
    if _disjoint(a.source, b.source) or _disjoint(a.target, b.target):
        return False
    date_a, date_b = _written_date(a), _written_date(b)
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


def _place_rank(event: Event) -> float | None:
    place = event.location
    if place is None:
        return None
    rank = FEATURE_RANK.get(place.feature or "", -1)
    # a place inferred from the actors or an unplaceable name is the weakest evidence
    return rank - 10 if place.reason else rank


def _date_rank(event: Event) -> float | None:
    date = event.date
    if date.value is None:
        return None
    written = 10 if date.text else 0
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


def _merge(group: Sequence[Event]) -> Event:
    head = max(group, key=lambda e: (_written_date(e) is not None, e.confidence,
                                     -e.trigger.start))
    with_source = _best(group, lambda e: 1.0 if e.source else None)
    with_target = _best(group, lambda e: 1.0 if e.target else None)
    placed = _best(group, _place_rank)
    dated = _best(group, _date_rank)
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
