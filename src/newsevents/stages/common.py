"""Small helpers several per-article stages share."""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterator
from typing import Protocol

from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE, IDX
from spacy.tokens import Doc, Span, Token

from newsevents.types import Actor

# Month and weekday names and the month abbreviations, lower case ("may", "sunday", "jan").
CALENDAR_WORDS = frozenset(name.lower() for name in (*calendar.month_name, *calendar.day_name,
                                                     *calendar.month_abbr, "Sept")
                           if name)

# The dateline a wire report opens with: "QUETTA, Pakistan —", "MOGADISHU, Jan. 12 —".
DATELINE = re.compile(
    r"\A\s*(?P<city>[A-Z][A-Z'.\- ]{1,40}?[A-Z.])"
    r"(?:\s*,\s*(?P<region>[A-Z][A-Za-z'.\- ]{1,40}?))?"
    r"(?:\s*,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\([^)\n]{1,40}\)\s*)?(?:[—–]|--?)\s"
)

_SENTENCE_END = re.compile(r"[.!?\"”’')\]:;]\s*$")
MAX_HEADING_WORDS = 14
# Arcs from a complement clause to the word it completes ("plans to visit").
COMPLEMENT_DEPS = ("xcomp", "acomp", "ccomp")
# Happenings (done rather than said), which later sentences report again without their
# actors ("the blast", "the raid").
OCCURRENCE_TYPES = frozenset({"ASSAULT", "PROTEST", "COERCE", "MOBILIZE"})
# Speech acts: things said (said where and when the speaker said them; in reported speech
# with no subject of their own, the speaker's).
STATEMENT_TYPES = frozenset({"ACCUSE", "REJECT", "REQUEST", "THREATEN", "SUPPORT"})
# Events made by saying something, agreements included: dated by when and placed by where
# they were said, announced or signed, not by what they are about ("agreed to impose
# sanctions on Belarus").
SAID_TYPES = STATEMENT_TYPES | {"AGREE"}
# Responses whose object may be an earlier event or occurrence ("rejected the accusation",
# "rejected the protest").
RESPONSE_TYPES = frozenset({"ACCUSE", "REJECT", "SUPPORT", "CONCEDE"})
# Date reasons (resolve_dates) of a date read in the event's own sentence for it; a fallback
# (the publication day, a date carried from an earlier sentence) says nothing about when
# this event happened.
OWN_DATES = frozenset({"attached", "attached_reporting", "sentence_opening", "same_sentence"})


# Keys of the cached text and token starts in ``Doc.user_data`` (see ``doc_text``,
# ``token_at``).
_TEXT_KEY = ("newsevents", "text")
_STARTS_KEY = ("newsevents", "token_starts")
_ENT_ATTRS = [ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID]
# The last Doc ``doc_ents`` read, its entity marks and its entities.
_last_ents: tuple[Doc, bytes, tuple[Span, ...]] | None = None


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc.

    spaCy's ``Doc.text`` joins every token's text again on each access; the
    stages read it thousands of times per article (a slice per mention, a
    regex per trigger), which made it ~35% of pipeline time (issue 12). A
    Doc's text never changes (retokenizing keeps it), so one copy is kept in
    ``doc.user_data``.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, made once for each state of the Doc's entity annotation.

    spaCy builds a new Span per entity on every access, and the stages read
    ``doc.ents`` about 14 times per article (issue 12). The tuple of the last Doc
    asked about is kept with the entity marks it was read from (IOB, type, KB id and
    entity id of every token, one attribute array) and made again when they differ,
    so a stage that sets ``doc.ents`` (resolve_actors) is seen by the stages after it.
    It is kept here, not in ``doc.user_data``, which must hold no Span (``Doc.copy``
    and ``Doc.to_bytes`` copy it, and a Span can be neither copied nor serialised).
    """
    global _last_ents
    marks = doc.to_array(_ENT_ATTRS).tobytes() if len(doc) else b""
    last = _last_ents
    if last is not None and last[0] is doc and last[1] == marks:
        return last[2]
    ents = doc.ents
    _last_ents = (doc, marks, ents)
    return ents


def token_at(doc: Doc, char: int) -> Token | None:
    """The token that starts at character ``char`` (a trigger's start), or None.

    The stages look up each event's trigger token this way; the map from start
    offsets to token indices is read from one attribute array and kept in
    ``doc.user_data``, rather than built from a Token object per token by each
    stage again (issue 12). Offsets never change: no stage retokenizes.
    """
    starts = doc.user_data.get(_STARTS_KEY)
    if starts is None:
        starts = doc.user_data[_STARTS_KEY] = {
            start: i for i, start in enumerate(doc.to_array(IDX).tolist())} if len(doc) else {}
    i = starts.get(char)
    return doc[i] if i is not None else None


# The characters other than ASCII ones that the re module's IGNORECASE matches with an
# ASCII letter ("İ", "ı" with "i", "ſ" with "s") while ``str.lower`` leaves them apart
# from it. ("K", the Kelvin sign, lowers to "k".) tests/stages/test_common.py checks
# every code point.
CASELESS_EXCEPTIONS = frozenset("\u0130\u0131\u017f")


@functools.lru_cache(maxsize=8)
def caseless_text(text: str) -> str | None:
    """``text.lower()``, when a search of it for lower-case ASCII words finds exactly
    what a case-insensitive search of ``text`` finds, at the same offsets; else None.

    Lowering keeps every character's class (``\\w``, ``\\s``, ``\\d``), so the words may
    be joined by those, by word boundaries and by punctuation too.

    A case-insensitive regex compares every character both ways and can skip none
    ahead; the same words searched in the lowered text ran about 7 times faster
    (issue 12). The last few texts are kept, since one Doc's text is searched
    once per sentence.
    """
    lowered = text.lower()
    if len(lowered) != len(text) or not CASELESS_EXCEPTIONS.isdisjoint(text):
        return None
    return lowered


def caseless_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The case-sensitive twin of a pattern that ignores case throughout (its letters
    all lower-case ASCII inside ``(?i:…)`` groups), to search ``caseless_text``."""
    return re.compile(pattern.pattern.replace("(?i:", "(?:"))


def dateline_end(text: str) -> int | None:
    """Where the opening dateline ends (after its dash), or None when there is none.

    A dateline says where the story was filed: it is neither an actor nor part
    of the first sentence (issue 9).
    """
    match = DATELINE.match(text)
    return match.end() if match is not None else None


def span_text(span: Span) -> str:
    """``span.text``, sliced from the Doc's cached text (``Span.text`` joins its tokens
    again on every access, and a sentence's text is read once per trigger)."""
    return doc_text(span.doc)[span.start_char:span.end_char]


def heading_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of lines that are headings, bylines or link teasers.

    Such lines ("Rangers on alert along the river", "Read more: …") carry no
    sentence of their own: coding them yields false actors and events. A
    short line without final punctuation is a heading only when body text
    follows it; a text that is one such line is a sentence.
    """
    lines = text.split("\n")
    last_text_line = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    ranges = []
    offset = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        followed = index < last_text_line
        if stripped and (
            followed and len(stripped.split()) <= MAX_HEADING_WORDS
            and not _SENTENCE_END.search(stripped)
            or stripped.lower().startswith(("read here:", "read more:", "also read:", "see also:"))
        ):
            ranges.append((offset, offset + len(line)))
        offset += len(line) + 1
    return ranges


def in_ranges(char: int, ranges: list[tuple[int, int]]) -> bool:
    # A loop, not any(): this runs once per token and per stage.
    for start, end in ranges:
        if start <= char < end:
            return True
    return False


class HasOffsets(Protocol):
    start: int
    end: int


def span_of(doc: Doc, record: HasOffsets) -> Span | None:
    """The Doc span a record's character offsets cover (an Actor, a trigger, a Place …)."""
    return doc.char_span(record.start, record.end, alignment_mode="expand")


def actor_index(doc: Doc) -> dict[int, Actor]:
    """Token index → the actor mention covering that token."""
    index: dict[int, Actor] = {}
    for actor in doc._.actors or ():
        span = span_of(doc, actor)
        if span is None:
            continue
        for token in span:
            index.setdefault(token.i, actor)
    return index


def is_negated(token: Token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


def governing_heads(token: Token, deps: tuple[str, ...], *, steps: int = 3) -> Iterator[Token]:
    """The words a token's clause hangs from, one step up per ``deps`` arc
    ("plans to visit" → "plans"; at most ``steps`` steps)."""
    current = token
    for _ in range(steps):
        if current.dep_ not in deps or current.head is current:
            return
        current = current.head
        yield current
