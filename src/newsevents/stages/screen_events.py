"""screen_events: only what happened, and only politics (issue 9).

Each event is still one trigger mention here. This stage does two things.

**Assertion.** News reports what happened among background, plans and
generalities. A mention is flagged, not dropped (``Mention`` documents the
flags), and unasserted events are left out of the output unless asked for:

* ``future``: a future auxiliary ("will meet"), an intention or schedule
  governing the trigger ("is due to vote", "plans to visit", "a planned
  summit"), unless it goes on ("will continue to support"). A later date
  alone is not enough: "pledged to build homes by 2031" is a pledge made today;
* ``hypothetical`` (added to extract_events' own): a purpose clause ("met on
  Saturday to coordinate", "marched to defend the vote");
* ``generic``: habitual or generic present ("gangs who raid villages"), or
  a frequency adverb or modifier ("routinely detains", "near-daily strikes");
* ``historical``: a "since …"/"for N years" span on the trigger ("has fought
  the government for 15 years", "killed since 2009", "have since been killed"),
  or a date written for it (in its own sentence or carried from an earlier one of
  its paragraph) more than ``background_days`` (14) before the publication day,
  or a month or year that began before the publication month ("last month").

**Not politics.** Disasters, accidents, industrial explosions, epidemics,
sport, business and ordinary crime produce no event. A sentence matching a
sentence-level discard phrase of PETRARCH2 (``data/discards.tsv``, built by
``scripts/build_discards.py``) codes nothing, nor does an article matching a
story-level one. A sentence with a non-political frame word
(``data/frames.tsv``: "earthquake", "gas explosion", "robbery", …) codes no
event unless a political agent acts (a source of a political sector, not the
dateline; crime frames spare violence, ASSAULT and PROTEST); and an article
whose lead sentence is framed so, with no political agent, codes no event
without a political actor anywhere. Crime that is political keeps its event:
soldiers shooting protesters have a political source.
"""

import datetime as dt
import functools
import importlib.resources
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Token

from newsevents.errors import Errors, InputError
from newsevents.stages.common import (
    COMPLEMENT_DEPS,
    doc_text,
    governing_heads,
    span_of,
)
from newsevents.types import Actor, Event, EventDate, flatten_actors

FACTORY = "newsevents_screen_events_v1"
OCCURRENCES = frozenset({"ASSAULT", "PROTEST"})
BACKGROUND_DAYS = 14
# "will continue to support": what goes on now, not a plan
ONGOING_HEADS = frozenset({"continue", "keep", "remain"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
# "said it would deploy troops": the future of a past report, a plan (a verbal act made
# with it is made now: "warned that police would arrest" is the threat, "said Kenya would
# stand with Haiti" the pledge, AGREE)
REPORTED_FUTURE_AUX = FUTURE_AUX | {"would"}
# words whose infinitive complement is planned, not done ("is due to meet")
SCHEDULE_HEADS = frozenset({"due", "set", "scheduled", "expected", "plan", "planned", "intend",
                            "poised", "prepare", "aim", "hope", "want", "seek", "going"})
PLANNED_MODIFIERS = frozenset({"planned", "upcoming", "proposed", "scheduled", "forthcoming",
                               "expected", "future", "next", "possible", "potential"})
FREQUENCY_ADVERBS = frozenset({"often", "regularly", "routinely", "frequently", "usually",
                               "typically", "sometimes", "occasionally", "habitually",
                               "repeatedly", "constantly", "daily"})
# "several times", "every day": a noun of recurrence with a quantifier
RECURRENCE_NOUNS = frozenset({"time", "times", "day", "days", "week", "weeks", "night",
                              "nights"})
RECURRENCE_QUANTIFIERS = frozenset({"several", "many", "multiple", "numerous", "every",
                                    "each", "countless"})
# arcs from a noun trigger to the verb whose argument it is ("attacks have risen")
NOUN_ARGUMENT_DEPS = ("nsubj", "nsubjpass", "dobj")
# "near-daily strikes", "repeated incursions": a series, not one occurrence
FREQUENCY_MODIFIERS = frozenset({"daily", "nightly", "weekly", "regular", "frequent",
                                 "routine", "repeated", "recurrent", "persistent"})
DURATION_UNITS = frozenset({"year", "years", "decade", "decades", "month", "months", "century"})
# verbs whose infinitive complement is the act itself, not a purpose ("began to withdraw")
MAIN_VERBS = frozenset({"begin", "start", "continue", "try", "attempt", "agree", "refuse",
                        "decide", "vow", "pledge", "promise", "threaten", "offer", "fail",
                        "manage", "move", "rush", "help", "urge", "call", "ask", "demand",
                        "press", "appeal", "tell", "order", "force", "allow", "warn",
                        "invite", "encourage", "push", "prefer", "need", "have", "be",
                        "go", "get", "seek", "plan", "want", "hope", "intend", "expect"})
SPEECH_LEMMAS = frozenset({"say", "tell", "add", "state", "announce", "claim", "report",
                           "note", "write", "insist", "stress", "warn", "accuse", "argue"})
# sectors that make an actor a political one; police and courts alone do not
# (they also deal with ordinary crime), nor do civilians, businesses or media
# (victims are not agents: workers killed in a mine blast are not a strike, so LAB is out)
POLITICAL_SECTORS = frozenset({"GOV", "MIL", "REB", "OPP", "PTY", "LEG", "IGO", "SPY", "NGO",
                               "REF", "REL", "ELI"})
# "KATHMANDU, May 2 — ": where the article was filed, never an actor
DATELINE = re.compile(r"\A\s*[A-Z][A-Z .'-]+(?:,[^\n—–]{0,60}?)?\s+[—–-]+\s")
# dates resolve_dates found in the trigger's own sentence; a fallback (publication day, a
# date carried from an earlier sentence) says nothing about when this event happened
OWN_DATES = frozenset({"attached", "attached_reporting", "sentence_opening", "same_sentence"})
# a date carried from an earlier sentence of the paragraph ("More than 25,000 have been
# killed since Oct. 7. The war began when fighters attacked southern Israel") dates a later
# event when an earlier event had it in its own sentence (not a reporting date), and it is
# not part of a name ("the Unaizah May 4", a boat) or of what a noun names ("its 1951
# treaty"), nor, when only the sentence held it, of a clause inside the sentence
TIED_DATES = frozenset({"attached", "sentence_opening", "same_sentence"})
NAME_DEPS = frozenset({"appos", "compound", "nmod", "nummod"})


@dataclass(frozen=True)
class Phrases:
    """Lower-case phrases matched on word boundaries, compiled into one pattern."""

    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, phrases: Iterable[str]) -> "Phrases":
        words = sorted({p.lower() for p in phrases if p}, key=len, reverse=True)
        if not words:
            return cls(None)
        alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        return cls(re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"))

    def found(self, text: str) -> bool:
        return self.pattern is not None and self.pattern.search(text.lower()) is not None


@dataclass(frozen=True)
class Screens:
    """The phrase lists the stage screens with (``data/discards.tsv``, ``data/frames.tsv``)."""

    story_discards: Phrases
    sentence_discards: Phrases
    frames: Phrases
    crime_frames: Phrases


@functools.cache
def load_screens() -> Screens:
    """Read the shipped phrase lists once (a coded error names a malformed line)."""
    story, sentence = [], []
    for number, (phrase, scope) in _rows("discards.tsv", 2):
        if scope not in ("story", "sentence"):
            raise InputError(Errors.E250.format(
                source="discards.tsv", line=number,
                detail=f"scope '{scope}' is neither 'story' nor 'sentence'"))
        (story if scope == "story" else sentence).append(phrase)
    frames: dict[bool, list[str]] = {True: [], False: []}
    for _, (phrase, frame) in _rows("frames.tsv", 2):
        frames[frame == "crime"].append(phrase)
    return Screens(story_discards=Phrases.of(story), sentence_discards=Phrases.of(sentence),
                   frames=Phrases.of(frames[False]), crime_frames=Phrases.of(frames[True]))


def _read_data(name: str) -> str:
    return importlib.resources.files("newsevents.data").joinpath(name).read_text("utf-8")


def _rows(name: str, width: int) -> Iterable[tuple[int, list[str]]]:
    text = _read_data(name)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != width or not all(cell.strip() for cell in cells):
            raise InputError(Errors.E250.format(
                source=name, line=number, detail=f"expected {width} tab-separated cells"))
        yield number, [cell.strip() for cell in cells]


@Language.factory(
    FACTORY,
    requires=["doc._.article", "doc._.events", "doc.sents", "token.dep", "token.head",
              "token.pos", "token.tag", "token.lemma"],
    assigns=["doc._.events"],
    default_config={"background_days": BACKGROUND_DAYS},
)
def make_event_screen(nlp: Language, name: str, background_days: int) -> "EventScreen":
    return EventScreen(screens=load_screens(), background_days=background_days)


class EventScreen:
    """Flags unasserted mentions and drops non-political ones from ``doc._.events``."""

    def __init__(self, *, screens: Screens, background_days: int = BACKGROUND_DAYS) -> None:
        self.screens = screens
        self.background_days = background_days

    def __call__(self, doc: Doc) -> Doc:
        events: Sequence[Event] = doc._.events or ()
        if not events:
            return doc
        text = doc_text(doc)
        if self.screens.story_discards.found(text):
            doc._.events = []
            return doc
        article = doc._.article
        published = article.published if article is not None else None
        dateline = DATELINE.match(text)
        filed = dateline.end() if dateline else 0
        framed = [self._framed(event, filed=filed) for event in events]
        lead_framed = self._lead_framed(doc, events, filed=filed)
        points = _time_points(doc, events)
        lead_end = _lead_end(doc, filed=filed)
        kept = []
        for event, is_framed in zip(events, framed):
            if self._not_political(event, framed=is_framed, lead_framed=lead_framed,
                                   filed=filed):
                continue
            token = _trigger_head(doc, event)
            kept.append(self._flag(event, token, published, points,
                                   lead=event.sentence.start < lead_end))
        doc._.events = kept
        return doc

    def _framed(self, event: Event, *, filed: int) -> bool:
        """The sentence frames the event as non-political news and no political agent acts:
        "A gas explosion tore through a mine, killing 11", "arrested a man over a
        string of burglaries", "beat Argentina in the World Cup qualifier"."""
        if _political_actor(event.source, filed=filed):
            return False
        sentence = event.sentence.text
        if self.screens.frames.found(sentence):
            return True
        # ordinary crime codes no arrest, trial or theft; its violence stays for the analyst
        return event.type not in OCCURRENCES and self.screens.crime_frames.found(sentence)

    def _lead_framed(self, doc: Doc, events: Sequence[Event], *, filed: int) -> bool:
        """The article's first sentence (after its dateline) tells a non-political story,
        with no political agent."""
        lead = next((sent for sent in doc.sents if sent.text.strip() and sent.end_char > filed),
                    None)
        if lead is None or not self.screens.frames.found(lead.text):
            return False
        in_lead = [e for e in events if e.sentence.start < lead.end_char]
        return not any(_political_actor(e.source, filed=filed) for e in in_lead)

    def _not_political(self, event: Event, *, framed: bool, lead_framed: bool,
                       filed: int) -> bool:
        """A discarded sentence, a framed clause, or no political agent in a framed story."""
        if self.screens.sentence_discards.found(event.sentence.text):
            return True
        if framed:
            return True
        return lead_framed and not _political_actor(event.source + event.target, filed=filed)

    def _flag(self, event: Event, token: Token | None, published: dt.date | None,
              points: set[tuple[int, int]], *, lead: bool) -> Event:
        future = historical = generic = False
        hypothetical = event.hypothetical
        date = event.date
        written = date.reason in OWN_DATES or (
            date.reason == "previous_event" and (date.start, date.end) in points)
        if written and date.value is not None and published is not None:
            historical = _before_the_news(date, published, self.background_days)
        if token is not None:
            future = future or _planned(
                token, statement=event.quad_class in SPEECH_QUAD_CLASSES)
            hypothetical = hypothetical or _purpose(token)
            # the lead's present is the news ("Gondor expects these attacks to end"); a
            # statement in the present further down is a standing position ("Rwanda denies
            # supporting the group", "Protesters accuse the government of corruption")
            generic = not (lead and event.quad_class in SPEECH_QUAD_CLASSES) and _generic(token)
            historical = historical or _duration(token) or (
                date.reason not in OWN_DATES and _past_perfect(token) and not _reported(token))
        return replace(event, future=future, hypothetical=hypothetical, generic=generic,
                       historical=historical)


def _lead_end(doc: Doc, *, filed: int) -> int:
    """Where the article's first sentence after its dateline ends."""
    lead = next((sent for sent in doc.sents if sent.text.strip() and sent.end_char > filed),
                None)
    return lead.end_char if lead is not None else 0


def _trigger_head(doc: Doc, event: Event) -> Token | None:
    """The word the trigger's phrase hangs from: "travel" in "is due to travel to",
    whose first word "to" would hide the schedule governing it."""
    span = span_of(doc, event.trigger)
    return span.root if span is not None and len(span) else None


def _time_points(doc: Doc, events: Sequence[Event]) -> set[tuple[int, int]]:
    """Character spans of the dates events had in their own sentence, but not a date
    that is part of a name ("the Unaizah May 4", a boat)."""
    points = set()
    for event in events:
        date = event.date
        if date.reason not in TIED_DATES or date.start is None or date.end is None:
            continue
        span = doc.char_span(date.start, date.end, alignment_mode="expand")
        if span is None or span.root.dep_ in NAME_DEPS:
            continue
        if date.reason == "same_sentence" and not _in_main_clause(span.root):
            continue
        points.add((date.start, date.end))
    return points


def _in_main_clause(token: Token) -> bool:
    """The first verb above the date is its sentence's main verb ("have been killed since
    Oct. 7"), not a clause inside it ("who was accused of organising a vote in 2020",
    "since fighting began in October 2023")."""
    for head in token.ancestors:
        if head.pos_ in ("VERB", "AUX"):
            return head.dep_ == "ROOT"
    return False


def _before_the_news(date: EventDate, published: dt.date, background_days: int) -> bool:
    """A day more than ``background_days`` before publication, or a month or year that
    began before the publication month ("last month", "in March", "last year")."""
    if date.value is None:
        return False
    if date.precision in ("month", "year"):
        return date.value < published.replace(day=1)
    return date.value < published - dt.timedelta(days=background_days)


def _political_actor(actors: Sequence[Actor], *, filed: int) -> bool:
    """An actor of a political sector, outside the dateline (text before ``filed``)."""
    return any(actor.sector in POLITICAL_SECTORS and actor.start >= filed
               for actor in flatten_actors(actors))


def _clause_heads(token: Token) -> list[Token]:
    """The trigger and the verbs it hangs from through xcomp/conj (at most three steps)."""
    return [token, *governing_heads(token, ("xcomp", "conj", "ccomp"))]


def _planned(token: Token, *, statement: bool) -> bool:
    """ "will meet", "is due to vote", "plans to visit", "a planned summit", and, unless
    the event is a statement, "would work with"."""
    future_aux = FUTURE_AUX if statement else REPORTED_FUTURE_AUX
    if any(c.dep_ == "aux" and c.lower_ in future_aux for c in token.children):
        return True
    if any(c.dep_ == "amod" and c.lower_ in PLANNED_MODIFIERS for c in token.children):
        return True
    heads = list(governing_heads(token, COMPLEMENT_DEPS))
    if token.pos_ == "NOUN" and token.dep_ in ("nsubj", "nsubjpass") or token.dep_ == "csubj":
        # "Talks … are expected to continue", "deploying them would require soldiers"
        heads = [token.head, *governing_heads(token.head, COMPLEMENT_DEPS)]
    for head in heads:
        if head.lemma_.lower() in ONGOING_HEADS:
            return False
        if head.lemma_.lower() in SCHEDULE_HEADS or head.lower_ in SCHEDULE_HEADS:
            return True
        if any(c.dep_ == "aux" and c.lower_ in future_aux for c in head.children):
            return True
    return False


def _purpose(token: Token) -> bool:
    """ "met on Saturday to coordinate": an infinitive saying why, not what was done."""
    if token.tag_ != "VB" or not any(c.dep_ == "aux" and c.lower_ == "to"
                                     for c in token.children):
        return False
    if token.dep_ == "advcl":
        return True
    return token.dep_ == "xcomp" and token.head.pos_ == "VERB" \
        and token.head.lemma_.lower() not in MAIN_VERBS


# Verbal cooperation and conflict: a speech act in the present simple ("Washington expects
# …", "China rejects …") is the statement itself, not a habit.
SPEECH_QUAD_CLASSES = (1, 3)


def _generic(token: Token) -> bool:
    """Habitual or generic: "gangs who raid villages", "police routinely detain",
    "closed the border several times", "near-daily strikes"."""
    heads = _clause_heads(token)
    if any(c.dep_ == "advmod" and c.lower_ in FREQUENCY_ADVERBS or _recurrence(c)
           for head in heads for c in head.children):
        return True
    if token.pos_ == "NOUN" and any(
            c.dep_ == "amod" and any(w.lower_ in FREQUENCY_MODIFIERS for w in c.subtree)
            for c in token.children):
        return True
    if token.tag_ not in ("VBZ", "VBP"):
        return False
    if any(c.dep_ in ("aux", "auxpass") for c in token.children):
        return False
    return token.dep_ == "relcl" or not _reported(token)


def _recurrence(token: Token) -> bool:
    """ "closed the border several times", "attacks us every day"."""
    return token.dep_ in ("npadvmod", "advmod", "pobj") and token.lower_ in RECURRENCE_NOUNS \
        and any(c.lower_ in RECURRENCE_QUANTIFIERS for c in token.children)


def _reported(token: Token) -> bool:
    """The trigger's clause is what someone says or said (a statement, coded as such)."""
    current = token
    for _ in range(4):
        if current.head is current:
            return False
        if current.dep_ in ("ccomp", "parataxis") and \
                current.head.lemma_.lower() in SPEECH_LEMMAS:
            return True
        current = current.head
    return False


def _duration(token: Token) -> bool:
    """ "since 2009", "for more than 15 years", "have since been killed", "have arrested
    290 people since the law was imposed": a span of time up to now, not an occurrence.

    A noun trigger is read through the verb it is an argument of ("Attacks on police
    have risen sharply since then")."""
    heads = _clause_heads(token)[:2]
    if token.pos_ in ("NOUN", "PROPN") and token.dep_ in NOUN_ARGUMENT_DEPS:
        heads.append(token.head)
    return any(_spans_time(head) for head in heads)


def _spans_time(head: Token) -> bool:
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ == "since":
            return True
        if child.dep_ == "prep" and child.lower_ == "for" and any(
                p.dep_ == "pobj" and p.lower_ in DURATION_UNITS for p in child.children):
            return True
        if _perfect(head) and (
                child.dep_ == "advmod" and child.lower_ == "since"
                or child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "since"
                                                 for m in child.children)):
            return True
    return False


def _past_perfect(token: Token) -> bool:
    """ "Ethiopia had threatened to withdraw": told as before the story's own past, with
    no date of its own and not as what someone said had happened, it is background."""
    return token.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ == "had"
                                       for c in token.children)


def _perfect(token: Token) -> bool:
    """ "have arrested", "has been killed": the present perfect reaches up to now."""
    return any(c.dep_ == "aux" and c.lemma_.lower() == "have" and c.tag_ in ("VBP", "VBZ")
               for c in token.children)
