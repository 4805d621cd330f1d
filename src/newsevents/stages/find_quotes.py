"""Stage ``find_quotes``: direct quotations and who said them.

Quotes are found on the text, not the parse: spaCy's sentence splitter
often breaks inside quotation marks, while the marks themselves are reliable.

- “…” and "…" pair within a paragraph. A paragraph that ends inside an open
  quote whose next paragraph opens with a quote mark is a multi-paragraph
  quotation (news style): each paragraph is one ``Quote``, all with the
  speaker of the whole.
- ‘…’ and '…' count only when clearly a quote: four words or more and
  either an attribution beside it or closing sentence punctuation; an
  apostrophe inside a word ("Pakistan's") never opens or closes one.
- Double-quoted text of fewer than four words without an attribution is a
  scare quote ("vows 'action'") and is skipped.

The speaker is the subject of a speech verb next to the quote: after it
(``"…," Miller said`` / ``said Miller`` / ``he remarked`` / ``according to X``)
or before it (``Miller said: "…"``). The subject becomes an ``Actor``: the
resolver's mention covering it (a person first, then the mention ending
last, since an English noun phrase ends with its head), else a new person
``Actor`` with ``reason="not_in_actor_list"``. A pronoun without a resolver
mention takes the last named speaker ("he said" chains), and a quote with no
attribution takes the speaker of an earlier quote in its paragraph or of a
"X said" in the sentence before it.
"""

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from newsevents.stages.common import doc_text
from newsevents.types import Actor, Quote

MIN_UNATTRIBUTED_WORDS = 4
MAX_SUBJECT_WORDS = 8

SPEECH_VERBS: tuple[str, ...] = (
    "said", "says", "say", "added", "adds", "told", "tells", "stated", "states", "remarked",
    "affirmed", "concluded", "explained", "noted", "insisted", "warned", "wrote", "writes",
    "asked", "declared", "continued", "argued", "stressed", "emphasised", "emphasized",
    "reiterated", "claimed", "announced", "replied", "responded", "recalled", "acknowledged",
    "observed", "commented", "tweeted", "posted", "urged", "maintained", "admitted",
    "conceded", "vowed", "promised", "cautioned", "complained", "suggested", "confirmed",
    "denied", "agreed", "pointed out", "went on", "shouted", "chanted", "told reporters",
)
PRONOUNS: frozenset[str] = frozenset({"he", "she", "they", "we", "i", "it"})
DETERMINERS: tuple[str, ...] = ("the ", "a ", "an ")

_VERB = "|".join(re.escape(v).replace(r"\ ", r"\s+")
                 for v in sorted(SPEECH_VERBS, key=len, reverse=True))
_ADVERB = r"(?:(?:\w+ly|also|further|later|then|once|again|had|has|have|would|will)\s+)?"
_WORDS = rf"[^\s,.;:!?\"“”()]+(?:\s+[^\s,.;:!?\"“”()]+){{0,{MAX_SUBJECT_WORDS - 1}}}"

# After the closing mark: "…," Miller said / said Miller / according to X
_AFTER_SUBJECT_VERB = re.compile(rf"^[\s,]*(?P<spk>{_WORDS}?)\s+{_ADVERB}(?P<verb>{_VERB})\b")
_AFTER_VERB_SUBJECT = re.compile(rf"^[\s,]*(?P<verb>{_VERB})\s+(?P<spk>{_WORDS})")
_AFTER_ACCORDING = re.compile(rf"^[\s,]*according\s+to\s+(?P<spk>{_WORDS})", re.IGNORECASE)
# Before the opening mark: Miller said: "…" / He told reporters, "…"
_BEFORE_SUBJECT_VERB = re.compile(
    rf"(?P<spk>{_WORDS}?)\s+{_ADVERB}(?P<verb>{_VERB})\b(?:\s+[^\s,.;:\"“”]+){{0,3}}?\s*[:,]?\s*$"
)
_BEFORE_ACCORDING = re.compile(rf"according\s+to\s+(?P<spk>{_WORDS})[:,]?\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?](?=[\"”’')]?\s)|\n")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_OPENING_QUOTE = re.compile(r"[\"“]")
# "…," the minister said. — a subject and a speech verb closing the previous sentence
_CLOSING_ATTRIBUTION = re.compile(
    rf"(?:^|[,;]\s*)\s*(?P<spk>{_WORDS}?)\s+{_ADVERB}(?P<verb>{_VERB})\b")


@dataclass(frozen=True)
class _Found:
    """A quotation's content span and the group of paragraph pieces it belongs to."""

    start: int
    end: int
    open_mark: int
    close_mark: int
    group: int
    double: bool


def find_quote_spans(text: str) -> list[_Found]:
    """Every candidate quotation in ``text``, content offsets without the marks."""
    found: list[_Found] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    group = 0
    continuing = False
    for index, (p_start, p_end) in enumerate(paragraphs):
        marks = [m.start() for m in re.finditer(r"[\"“”]", text[p_start:p_end])]
        marks = [p_start + m for m in marks]
        position = 0
        if continuing and marks and marks[0] == p_start:
            pass
        elif continuing:
            group += 1
        continuing = False
        while position < len(marks):
            opening = marks[position]
            if text[opening] == "”":
                position += 1
                continue
            if position + 1 < len(marks) and text[marks[position + 1]] != "“":
                closing = marks[position + 1]
                found.append(_content(text, opening, closing, group, double=True))
                group += 1
                position += 2
                continue
            next_opens = index + 1 < len(paragraphs) and \
                text[paragraphs[index + 1][0]] in "\"“"
            if position + 1 == len(marks) and next_opens:
                found.append(_content(text, opening, p_end, group, double=True))
                continuing = True
            position += 1
        if not continuing:
            group += 1
    found.extend(_single_quotes(text, found, group))
    return sorted((f for f in found if f.end > f.start), key=lambda f: f.start)


_SINGLE = re.compile(
    r"(?:^|(?<=[\s(\[—-]))(?P<open>[‘'])(?P<body>[^\s‘’'](?:[^‘’'\n]|(?<=\w)['’](?=\w))*?)"
    r"(?P<close>[’'])(?!\w)"
)


def _single_quotes(text: str, doubles: Sequence[_Found], group: int) -> list[_Found]:
    singles = []
    for m in _SINGLE.finditer(text):
        if any(f.open_mark <= m.start() <= f.close_mark for f in doubles):
            continue
        group += 1
        found = _content(text, m.start("open"), m.start("close"), group, double=False)
        singles.append(found)
    return singles


def _content(text: str, opening: int, closing: int, group: int, *, double: bool) -> _Found:
    start, end = opening + 1, closing
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return _Found(start, end, opening, closing, group, double)


class QuoteFinder:
    """Builds ``doc._.quotes``: direct quotations with their speakers."""

    def __init__(self, *, min_unattributed_words: int = MIN_UNATTRIBUTED_WORDS) -> None:
        self.min_unattributed_words = min_unattributed_words

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        actors = sorted(doc._.actors or (), key=lambda actor: actor.start)
        quotes: list[tuple[int, Quote]] = []
        last_speaker: Actor | None = None
        group_speaker: dict[int, Actor] = {}
        paragraph_speaker: dict[int, Actor] = {}
        for found in find_quote_spans(text):
            body = text[found.start:found.end]
            words = len(body.split())
            span = _attribution(text, found)
            speaker: Actor | None = None
            if span is not None:
                speaker = _speaker(text, span, actors, last_speaker)
            paragraph = text.rfind("\n", 0, found.open_mark) + 1
            if speaker is None:
                speaker = group_speaker.get(found.group) or paragraph_speaker.get(paragraph)
            if speaker is None and span is None:
                span = _previous_sentence_attribution(text, found.open_mark)
                if span is not None:
                    speaker = _speaker(text, span, actors, last_speaker)
            plausible = words >= self.min_unattributed_words and (
                found.double or re.search(r"[.!?,]$", body) is not None)
            if speaker is None and not plausible:
                continue
            if speaker is not None:
                last_speaker = speaker if speaker.kind == "person" else last_speaker
                group_speaker[found.group] = speaker
                paragraph_speaker[paragraph] = speaker
            quote = Quote(text=body, start=found.start, end=found.end, speaker=speaker)
            quotes.append((found.group, quote))
        # A multi-paragraph quotation is often attributed only in a later piece.
        doc._.quotes = [
            dataclasses.replace(quote, speaker=group_speaker[group])
            if quote.speaker is None and group in group_speaker else quote
            for group, quote in quotes
        ]
        return doc


def _attribution(text: str, found: _Found) -> tuple[int, int] | None:
    """The character span of the speaker phrase beside a quote, if there is one."""
    after_start = found.close_mark + 1
    stop = _SENTENCE_END.search(text, after_start)
    after_end = stop.start() if stop else len(text)
    next_quote = _OPENING_QUOTE.search(text, after_start, after_end)
    after_end = next_quote.start() if next_quote else after_end
    after = text[after_start:after_end]
    body_end = text[found.start:found.end].rstrip("\"”’' ")
    closes_sentence = body_end.endswith(".")
    asks = body_end.endswith(("?", "!"))
    if not closes_sentence and found.close_mark < len(text):
        for pattern in (_AFTER_VERB_SUBJECT, _AFTER_ACCORDING, _AFTER_SUBJECT_VERB):
            m = pattern.match(after)
            if m is None:
                continue
            if asks and not m.group(0).strip(" ,")[:1].islower():
                continue
            span = _trim_subject(text, after_start + m.start("spk"), after_start + m.end("spk"))
            if span is not None:
                return span
    line_start = text.rfind("\n", 0, found.open_mark) + 1
    before_start = _clause_start(text, line_start, found.open_mark)
    before = text[before_start:found.open_mark]
    for pattern in (_BEFORE_ACCORDING, _BEFORE_SUBJECT_VERB):
        m = pattern.search(before)
        if m is not None:
            span = _trim_subject(text, before_start + m.start("spk"), before_start + m.end("spk"))
            if span is not None:
                return span
    return None


def _clause_start(text: str, line_start: int, opening: int) -> int:
    """Where the sentence before an opening quote mark begins."""
    start = line_start
    for m in re.finditer(r"[.!?][\"”’')]?\s+|[\"”]\s*", text[line_start:opening]):
        start = line_start + m.end()
    return start


def _trim_subject(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Keep the part of a phrase that can be a speaker: a name, pronoun or noun phrase."""
    phrase = text[start:end]
    words = phrase.split()
    if not words or len(words) > MAX_SUBJECT_WORDS:
        return None
    first = words[0].lower()
    if first in PRONOUNS:
        return (start, start + len(words[0])) if len(words) == 1 else None
    if not (words[0][:1].isupper() or first + " " in DETERMINERS):
        return None
    return start, end


def _previous_sentence_attribution(text: str, opening: int) -> tuple[int, int] | None:
    """The speaker of "X said …" in the sentence just before a bare quote."""
    line_start = text.rfind("\n", 0, opening) + 1
    prev_end = opening
    segment_start = max(line_start if line_start < opening else 0,
                        text.rfind("\n", 0, max(line_start - 1, 0)) + 1)
    segment = text[segment_start:prev_end]
    sentences = [m for m in _SENTENCE.finditer(segment) if m.group(0).strip()]
    if not sentences:
        return None
    last = sentences[-1]
    m = _CLOSING_ATTRIBUTION.search(last.group(0))
    if m is None:
        return None
    base = segment_start + last.start()
    return _trim_subject(text, base + m.start("spk"), base + m.end("spk"))


def _speaker(text: str, span: tuple[int, int], actors: Sequence[Actor],
             last_speaker: Actor | None) -> Actor | None:
    """Turn a speaker phrase into an Actor (see the module docstring for the order)."""
    start, end = span
    covering = [actor for actor in actors if actor.start < end and start < actor.end]
    if covering:
        people = [actor for actor in covering if actor.kind == "person"]
        return max(people or covering, key=lambda actor: (actor.end, -actor.start))
    phrase = text[start:end]
    if phrase.lower() in PRONOUNS:
        if last_speaker is not None:
            return last_speaker
        earlier = [a for a in actors if a.kind == "person" and a.end <= start]
        return earlier[-1] if earlier else None
    name = phrase
    for determiner in DETERMINERS:
        if name.lower().startswith(determiner):
            name = name[len(determiner):]
    known = _known_full_name(name, actors, last_speaker, before=start) or \
        _full_name_in_text(text, name, before=start)
    return Actor(
        text=phrase, start=start, end=end, name=known or name, country=None, sector=None,
        kind="person", reason="not_in_actor_list",
    )


def _known_full_name(name: str, actors: Sequence[Actor], last_speaker: Actor | None,
                     *, before: int) -> str | None:
    """A surname alone ("Miller") takes the full name of an earlier person with it."""
    if " " in name or not name[:1].isupper():
        return None
    people = [a for a in actors if a.kind == "person" and a.start < before and a.name]
    if last_speaker is not None and last_speaker.name:
        people.append(last_speaker)
    for actor in reversed(people):
        if actor.name and actor.name.split()[-1] == name:
            return actor.name
    return None


TITLES: frozenset[str] = frozenset({
    "President", "Minister", "Secretary", "Mr", "Mrs", "Ms", "Dr", "General", "Gen",
    "Colonel", "Col", "Spokesperson", "Spokesman", "Spokeswoman", "King", "Queen",
    "Prince", "Senator", "Governor", "Mayor", "Chancellor", "Premier", "Sir", "Lord",
    "Commander", "Chief", "Captain", "Judge", "Ambassador", "Prime",
})


def _full_name_in_text(text: str, name: str, *, before: int) -> str | None:
    """The last "Firstname Surname" written before a bare surname ("Matthew Miller")."""
    if " " in name or not name[:1].isupper():
        return None
    pattern = re.compile(rf"\b((?:[A-Z][a-z'’-]+\s+){{1,2}}){re.escape(name)}\b")
    for m in reversed(list(pattern.finditer(text, 0, before))):
        given = [word for word in m.group(1).split() if word.rstrip(".") not in TITLES]
        if given:
            return " ".join([*given, name])
    return None


# spaCy forbids "." in factory names (E853), so the registered name
# "newsevents.find_quotes.v1" is spelled with underscores.
FACTORY = "newsevents_find_quotes_v1"


@Language.factory(
    FACTORY,
    requires=["doc._.actors"],
    assigns=["doc._.quotes"],
    default_config={"min_unattributed_words": MIN_UNATTRIBUTED_WORDS},
)
def make_quote_finder(nlp: Language, name: str, min_unattributed_words: int) -> QuoteFinder:
    """A QuoteFinder; shorter unattributed quotes are taken for scare quotes."""
    return QuoteFinder(min_unattributed_words=min_unattributed_words)
