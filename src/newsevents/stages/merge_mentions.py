"""merge_mentions: one Event per occurrence, listing every mention of it (issue 9).

Up to here each trigger is its own event, so one attack reported as "two car
bombs exploded … killing 19", "the blasts" and "the toll had risen to 26"
is three records, each with a death toll. This stage groups the mentions
of one occurrence within an article and builds one Event from them.

Two mentions can be one occurrence when nothing says they are not: the same
type and assertion status, no two different modes (a blast is not a
kidnapping; a raid, its arrests and its seizures are one operation), in
different sentences no actors on either side that cannot be the same (another
country, or the opposition rather than the government), a speaker of its
own for statements (not meetings or agreements) in different sentences, no two different
dates their own sentences state for them (a date that belongs to another event
of the sentence, one carried from an earlier sentence or a reporting day does
not count), and no two specific places of their own further apart than
``max_km`` (an article's place, ``reason="article_place"``, given to a mention
whose sentence names none, does not count). A mention joins the first group (in
text order) with every member of which it is compatible, so chains of weak
similarity do not grow into one event; an indefinite noun ("a shoot-out", "two
more attacks") starts a group of its own, a definite one ("the blast") refers back.

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
from newsevents.stages.common import (
    OCCURRENCE_TYPES,
    OWN_DATES,
    RESPONSE_TYPES,
    STATEMENT_TYPES,
    doc_text,
    token_at,
)
from newsevents.types import Actor, Event, EventDate, Mention, Place, Size, flatten_actors

FACTORY = "newsevents_merge_mentions_v1"
MAX_KM = 50.0
# How specific a place is: a town outranks its district, region and country.
FEATURE_RANK = {"city": 4, "district": 3, "admin1": 2, "region": 1, "country": 0}
SPECIFIC_FEATURES = frozenset({"city", "district"})
PRECISION_RANK = {"day": 3, "week": 2, "month": 1, "year": 0}
# one police operation raids, arrests and seizes ("arrested 17 people in coordinated raids
# …; officers seized 11 boats"): COERCE modes that do not tell occurrences apart
OPERATION_MODES = frozenset({"arrest", "raid", "seize"})
# the own-sentence dates (common.OWN_DATES) tied to the trigger itself
TIED_DATES = frozenset({"attached", "attached_reporting"})
INDEFINITE_DETERMINERS = frozenset({"a", "an", "another", "new", "fresh", "second", "further"})
DEFINITE_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
# verbs whose object noun is the event ("made the request", "carried out the bombing")
# "at a meeting", "during talks", "arrived for a summit": where another act was done
SETTING_PREPS = frozenset({"at", "during", "for"})
# COERCE modes that an assault's own clauses tell as part of it
ASSAULT_PARTS = frozenset({"destroy", "repress"})
CLAUSE_LINKS = frozenset({"advcl", "conj", "xcomp"})
# (word forms: the stage reads no lemmas)
LIGHT_VERBS = frozenset({
    "make", "makes", "made", "making", "carry", "carries", "carried", "carrying",
    "conduct", "conducts", "conducted", "conducting", "stage", "stages", "staged", "staging",
    "hold", "holds", "held", "holding", "launch", "launches", "launched", "launching",
    "mount", "mounts", "mounted", "mounting", "lodge", "lodges", "lodged", "lodging",
    "issue", "issues", "issued", "issuing", "perpetrate", "perpetrated", "commit",
    "committed"})
QUOTE_MARKS = frozenset({'"', "“", "”"})
# verbs that name what was already told ("what it called a cowardly assault")
NAMING_VERBS = frozenset({"call", "calls", "called", "calling", "describe", "describes",
                          "described", "describing", "term", "termed", "label", "labelled",
                          "labeled", "brand", "branded", "dub", "dubbed"})


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
        text = doc_text(doc)
        triggers = {id(event): token for event in events
                    if (token := token_at(doc, event.trigger.start)) is not None}
        new = {id(event) for event in events if id(event) in triggers and _introduces(
            triggers[id(event)], text[event.sentence.start:event.trigger.start])}
        responses = {triggers[id(e)].i for e in events
                     if e.type in RESPONSE_TYPES and id(e) in triggers}
        answered = {key for key, token in triggers.items() if _answered(token, responses)}
        definite = {id(event) for event in events if id(event) in triggers
                    and _definite(triggers[id(event)], event.trigger.end)}
        assaults = {triggers[id(e)].i for e in events if e.type == "ASSAULT" and id(e) in triggers}
        events = [e for e in events if not (
            id(e) in triggers and _part_of_assault(e, triggers[id(e)], assaults))]
        events = [e for e in events if not (
            id(e) in triggers and _setting(e, triggers[id(e)], events))]
        as_of = {id(event) for event in events if _as_of(text, event.date)}
        doc._.events = merge_mentions(events, article_id=article_id, max_km=self.max_km,
                                      new=new, answered=answered, definite=definite,
                                      as_of=as_of)
        return doc


def _setting(event: Event, token: Token, events: Sequence[Event]) -> bool:
    """ "urged Israel to open crossings, speaking at a meeting of EU ministers": a meeting
    named as where another act of the sentence was done is its setting, as a signing's
    meeting is the agreement's, not an occurrence reported of its own."""
    if event.type != "CONSULT" or token.pos_ != "NOUN" or token.dep_ != "pobj" \
            or token.head.lower_ not in SETTING_PREPS:
        return False
    return any(other.sentence == event.sentence and other.type != "CONSULT"
               and _flags(other) == _flags(event) for other in events)


def _part_of_assault(event: Event, token: Token, assaults: set[int]) -> bool:
    """ "gunmen attacked the area, setting fire to homes and killing five", "police fired
    tear gas at protesters, killing three": destruction or repression told as a clause of
    an assault (or the assault as its clause) is part of that assault, coded as such."""
    if event.type != "COERCE" or event.mode not in ASSAULT_PARTS:
        return False
    linked = [token.head] if token.dep_ in CLAUSE_LINKS else []
    linked += [c for c in token.children if c.dep_ in CLAUSE_LINKS]
    return any(t.i in assaults for t in linked)


def _as_of(text: str, date: EventDate) -> bool:
    """ "By Thursday morning", "as of Monday", "until Friday": a date a state is reported
    at, not the day something happened."""
    if date.start is None or not date.text:
        return False
    before = text[max(0, date.start - 12):date.start].lower().split()
    return bool(before) and (before[-1] in ("by", "until", "till")
                             or before[-2:] == ["as", "of"])


def _definite(token: Token, end: int) -> bool:
    """ "the request", "this attack", "made the appeal", "carried out the bombing": a
    definite noun (the trigger, or the object of its light verb up to ``end``) names an
    occurrence already told."""
    nouns = [token] if token.pos_ == "NOUN" else [
        c for c in token.children if c.dep_ == "dobj" and c.pos_ == "NOUN" and c.idx < end
        and token.lower_ in LIGHT_VERBS]
    return any(c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS
               for noun in nouns for c in noun.children)


def _answered(token: Token, responses: set[int]) -> bool:
    """ "rejected the protest", "condemned the arrests": a definite noun that a response
    is about names an occurrence told elsewhere, not one reported here."""
    if token.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS
                                       for c in token.children):
        return False
    head = token.head.head if token.dep_ == "pobj" else token.head
    return token.dep_ in ("dobj", "pobj") and head.i in responses


def _introduces(token: Token, before: str) -> bool:
    """An indefinite noun ("a shoot-out", "two more attacks") brings in a new occurrence;
    a definite one ("the blast", "these attacks") refers back, and so does a description
    of one already told ("condemned the attack as 'an assault on democracy'", "what it
    called 'a cowardly assault'")."""
    if token.pos_ != "NOUN" or _describes(token, before):
        return False
    children = list(token.children)
    if any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE_DETERMINERS | {"its", "their"}
           for c in children):
        return False
    return any((c.dep_ == "det" and c.lower_ in INDEFINITE_DETERMINERS)
               or (c.dep_ == "amod" and c.lower_ in INDEFINITE_DETERMINERS)
               or c.dep_ == "nummod" for c in children)


def _describes(token: Token, before: str) -> bool:
    """The noun is quoted (``before`` is its sentence's text up to it), or the predicate
    of "as" or of a naming verb."""
    if sum(before.count(mark) for mark in QUOTE_MARKS) % 2 == 1:
        return True
    if token.dep_ == "pobj" and token.head.lower_ == "as":
        return True
    return token.dep_ in ("oprd", "attr", "dobj", "ccomp") and token.head.lower_ in NAMING_VERBS


def merge_mentions(events: Sequence[Event], *, article_id: str, max_km: float = MAX_KM,
                   new: set[int] | None = None, answered: set[int] | None = None,
                   definite: set[int] | None = None,
                   as_of: set[int] | None = None) -> list[Event]:
    """Group the events of one article by occurrence and merge each group.

    ``new`` holds the ``id()`` of mentions that introduce an occurrence of
    their own ("a shoot-out", "two more attacks"): they start a group, unless a
    group already has a mention in their sentence. ``definite`` holds those of
    definite nouns ("the request", "the bombing"), which refer back: when no group
    fits them in every respect and their sentence tells no other mention of their
    type, they join the latest group of their type and assertion status, however
    its actors and dates were read. ``as_of`` holds those whose date is when a
    count stood, not when the event happened ("By Thursday morning the toll had
    risen to 26"): it does not set them apart.
    """
    groups: list[list[Event]] = []
    borrowed = _borrowed_dates(events) | (as_of or set())
    for event in sorted(events, key=lambda e: (e.trigger.start, e.trigger.end)):
        fitting = (g for g in groups
                   if all(_compatible(member, event, max_km, borrowed) for member in g))
        if new and id(event) in new:
            # "killing six policemen in a gunfight": told in the sentence that tells the
            # occurrence, an indefinite noun names it rather than another one
            fitting = (g for g in fitting if any(m.sentence == event.sentence for m in g))
        group = next(fitting, None)
        if group is None and definite and id(event) in definite and not any(
                other is not event and other.type == event.type
                and _flags(other) == _flags(event)
                and other.sentence == event.sentence for other in events):
            # alone in its sentence, a definite noun can only refer back
            group = _antecedent(groups, event)
        if group is None:
            groups.append([event])
        else:
            group.append(event)
    # what a response is about, told nowhere else, was reported before this article
    groups = [g for g in groups if not (answered and all(id(m) in answered for m in g))]
    return [replace(_merge(group, borrowed), id=f"{article_id}-e{number}",
                    article_id=article_id)
            for number, group in enumerate(groups, start=1)]


def _antecedent(groups: Sequence[list[Event]], event: Event) -> list[Event] | None:
    """The latest group of the event's type and assertion status, in an earlier sentence."""
    return next((g for g in reversed(groups)
                 if g[0].type == event.type and _flags(g[0]) == _flags(event)
                 and all(m.sentence.start < event.sentence.start for m in g)), None)


def _borrowed_dates(events: Sequence[Event]) -> set[int]:
    """Events (by ``id()``) whose date is that of another event of their sentence.

    "condemned on Tuesday an attack …, where gunmen killed three on Sunday":
    the attack gets Tuesday from the condemnation it is the object of, so
    its date does not tell it apart from the killing on Sunday. A date is
    shared so when events of different types read it and one of them has it
    tied to its trigger; two events that both only take the sentence's date
    ("the strike hit the village on Thursday as residents gathered") keep it.
    """
    types: dict[tuple[int, int, int | None], set[str]] = {}
    tied: set[tuple[int, int, int | None]] = set()
    for event in events:
        if event.date.text and event.date.start is not None:
            key = (event.sentence.start, event.date.start, event.date.end)
            types.setdefault(key, set()).add(event.type)
            if event.date.reason in TIED_DATES:
                tied.add(key)
    return {id(event) for event in events
            if event.date.text and event.date.start is not None
            and (key := (event.sentence.start, event.date.start, event.date.end)) in tied
            and len(types[key]) > 1}


def _flags(event: Event) -> tuple[bool, ...]:
    return (event.negated, event.hypothetical, event.future, event.generic, event.historical)


def _identities(actors: Sequence[Actor]) -> set[tuple[str | None, str | None]]:
    return {(actor.country, actor.sector) for actor in flatten_actors(actors)
            if actor.country or actor.sector}


def _disjoint(a: Sequence[Actor], b: Sequence[Actor], *, sectors: bool = True) -> bool:
    """Both sides name someone, and no one on one side can be someone on the other
    (another country, or, with ``sectors``, the same country's opposition rather than
    its government)."""
    first, second = _identities(a), _identities(b)
    if not first or not second:
        return False
    return not any(_same_side(x, y, sectors=sectors) for x in first for y in second)


def _same_side(x: tuple[str | None, str | None], y: tuple[str | None, str | None], *,
               sectors: bool) -> bool:
    (country_x, sector_x), (country_y, sector_y) = x, y
    if country_x and country_y and country_x != country_y:
        return False
    return not (sectors and sector_x and sector_y and sector_x != sector_y)


def _written_date(event: Event, borrowed: set[int]) -> EventDate | None:
    """The event's date when its own sentence states it for this event, not a fallback
    (the publication day, a date carried from an earlier sentence, the day a statement
    was reported)."""
    date = event.date
    if date.value is None or not date.text or id(event) in borrowed \
            or date.reason not in OWN_DATES:
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
    if a.mode and b.mode and a.mode != b.mode and not (
            a.mode in OPERATION_MODES and b.mode in OPERATION_MODES):
        return False
    if a.sentence != b.sentence and (
            _disjoint(a.source, b.source)
            # one attack or raid hits a hospital and the people in it: its targets differ
            # by country, not by sector
            or _disjoint(a.target, b.target, sectors=a.type not in OCCURRENCE_TYPES)):
        # within one sentence the same type is one occurrence however its participles'
        # actors were read ("bombs exploded …, killing 19 and wounding 41")
        return False
    if a.type in STATEMENT_TYPES and a.sentence != b.sentence and not (
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
    """A date its own sentence states for the event first, then one carried from an
    earlier sentence, then a fallback (publication or reporting day); the most precise
    first within each."""
    date = event.date
    if date.value is None:
        return None
    if _written_date(event, borrowed):
        written = 20
    elif date.text and id(event) not in borrowed and date.reason == "previous_event":
        written = 10
    else:
        written = 0
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
