"""Stage ``measure_size``: casualty and arrest counts attached to events.

The counts come from a handful of surface patterns that cover how news
reports them ("killing 26 people", "26 people were killed", "at least 12
dead", "leaving three wounded", "two soldiers and a civilian were killed",
"killed 5, injured 12", "no one was hurt", "the death toll rose to 30").
Patterns read the text, not the parse, so the stage behaves the same on any
model and on hand-built Docs.

Conventions:

- "at least 12", "more than 12", "nearly 12" count as 12: the stated figure.
- Vague amounts ("dozens", "scores", "hundreds", "several", "many") give
  ``None`` (not stated), never a guess.
- Coordinated groups are added up: "two soldiers and a civilian" = 3,
  "the driver and two others" = 3.
- Zero is a statement: "no casualties" sets killed = injured = 0,
  "no one was hurt" the same, "no one was killed" killed = 0.
- Several figures for one kind in the text of one event keep the largest,
  so a subgroup ("including 14 soldiers") never replaces the total.

A count goes to the ASSAULT / COERCE / PROTEST / MOBILIZE event of its
sentence (arrests prefer COERCE, deaths and injuries ASSAULT, then the
nearest trigger); a sentence with no such event of its own gives its counts
to the most recent such event of the two sentences before it.
"""

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from spacy.language import Language
from spacy.tokens import Doc

from newsevents.errors import Errors, InputError
from newsevents.types import PLOVER_TYPES, Event, Size

Kind = Literal["killed", "injured", "arrested"]

EVENT_TYPES: tuple[str, ...] = ("ASSAULT", "COERCE", "PROTEST", "MOBILIZE")
LOOK_BACK_SENTENCES = 2

UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
PHRASES: dict[str, int] = {"a dozen": 12, "half a dozen": 6, "a couple of": 2, "a hundred": 100}
VAGUE: tuple[str, ...] = (
    "dozens", "scores", "hundreds", "thousands", "several", "many", "numerous", "multiple",
    "some", "a few", "a number of", "a handful of",
)
PERSON_NOUNS: frozenset[str] = frozenset({
    "person", "man", "woman", "child", "boy", "girl", "baby", "civilian", "soldier", "officer",
    "policeman", "policewoman", "guard", "driver", "passenger", "pedestrian", "resident",
    "villager", "worker", "student", "teacher", "journalist", "reporter", "protester",
    "demonstrator", "militant", "fighter", "insurgent", "gunman", "rebel", "attacker",
    "suspect", "bystander", "victim", "member", "official", "commander", "leader", "farmer",
    "doctor", "nurse", "shopkeeper", "trader", "tourist", "pilgrim", "worshipper", "lawyer",
    "activist", "employee", "individual", "teenager", "youth", "infant", "policeofficer",
    "trooper",
})

_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
_PERSON = "|".join(sorted(PERSON_NOUNS, key=len, reverse=True))
_TEN = "|".join(TENS)
_VAGUE = "|".join(v.replace(" ", r"\s+") for v in VAGUE)
_NUMBER = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{_TEN})(?:[- ](?:{_UNIT}))?|(?:{_UNIT})\s+hundred|"
    rf"half\s+a\s+dozen|a\s+dozen|a\s+couple\s+of|a\s+hundred|{_UNIT}|"
    rf"{_VAGUE})"
)
_HEDGE = (r"(?:(?:at\s+least|more\s+than|over|nearly|almost|about|around|some|up\s+to|"
          r"an\s+estimated|approximately|roughly|as\s+many\s+as)\s+)?")
_STOP = (r"(?!(?:were|was|are|is|have|has|had|and|or|been|being|got|killed|dead|died|injured|"
         r"wounded|hurt|arrested|detained|in|on|at|by|after|when|during|while|days?|weeks?|"
         r"months?|years?|hours?|minutes?|percent|per|km|miles?|of|including|among|them|whom)\b)")
# A counted group: "26 people", "three Gondorian soldiers", "12", "a civilian", "the driver".
# "@" stands for the group's index (several groups share one pattern).
_GROUP = (
    rf"(?P<g@>{_HEDGE}(?P<n@>{_NUMBER})(?:\s+{_STOP}[A-Za-z'-]+){{0,3}}"
    rf"|(?P<d@>(?:the|a|an))\s+(?:{_STOP}[a-z-]+\s+)?(?P<p@>{_PERSON})\b(?!['’]))"
)
_MAX_GROUPS = 4


def _group(i: int) -> str:
    return _GROUP.replace("@", str(i))


def _group_list() -> str:
    parts = [_group(0)]
    for i in range(1, _MAX_GROUPS):
        parts.append(rf"(?:(?:\s*,\s*and|\s*,|\s+and)\s+{_group(i)})?")
    return "".join(parts)


_GROUPS = _group_list()
_VERB_KIND: dict[str, Kind] = {}
for _word in ("killed", "killing", "kills", "kill", "dead", "died", "perished", "slain",
              "shot dead", "found dead", "lost their lives", "deaths", "fatalities", "lives"):
    _VERB_KIND[_word] = "killed"
for _word in ("injured", "injuring", "injures", "injure", "wounded", "wounding", "wounds",
              "wound", "hurt", "injuries"):
    _VERB_KIND[_word] = "injured"
for _word in ("arrested", "arresting", "arrests", "arrest", "detained", "detaining", "detains",
              "detain", "apprehended", "taken into custody", "rounded up", "detentions"):
    _VERB_KIND[_word] = "arrested"

_AFTER_WORDS = (r"shot\s+dead|found\s+dead|lost\s+their\s+lives|taken\s+into\s+custody|"
                r"rounded\s+up|killed|dead|died|perished|slain|injured|wounded|hurt|arrested|"
                r"detained|apprehended")
_BEFORE_WORDS = (r"killing|killed|kills|kill|injuring|injured|injures|wounding|wounded|wounds|"
                 r"arresting|arrested|arrests|detaining|detained|detains|apprehended")

# "26 people were killed", "at least 12 dead", "two soldiers and a civilian were killed"
_SUBJECT_PATTERN = re.compile(
    rf"(?i:(?<![\w,.])(?<!no\s)(?P<groups>{_GROUPS})\s+(?:(?:were|was|have\s+been|has\s+been|had\s+been|"
    rf"are|is|got|being|have|had)\s+)?(?:(?:reportedly|also|allegedly|later|all|both)\s+)?"
    rf"(?P<verb>{_AFTER_WORDS}))\b"
)
# "killing 26 people", "arrested 12", "killed 5, injured 12"
_OBJECT_PATTERN = re.compile(
    rf"(?i:\b(?P<verb>{_BEFORE_WORDS})\s+(?P<groups>{_GROUPS})(?![\w-]))"
)
# "leaving three wounded", "left 12 people dead"
_RESULT_PATTERN = re.compile(
    rf"(?i:\b(?:leaving|left|leaves)\s+(?P<groups>{_GROUPS})\s+(?P<verb>dead|killed|injured|"
    rf"wounded|hurt))\b"
)
# "claimed 12 lives", "12 deaths", "30 injuries", "15 arrests"
_NOUN_PATTERN = re.compile(
    rf"(?i:(?<![\w,.])(?P<groups>{_group(0)})\s+(?:(?:confirmed|reported|civilian|more)\s+)?"
    rf"(?P<verb>lives|deaths|fatalities|injuries|arrests|detentions))\b"
)
_TOLL_PATTERN = re.compile(
    rf"(?i:\b(?:death\s+toll|toll)\s+(?:\w+\s+){{0,3}}?(?:to|at|of|is|was|reached|hit)\s+"
    rf"(?P<groups>{_group(0)}))(?![\w-])"
)
_ZERO_PATTERN = re.compile(
    r"(?i:\b(?:(?:no\s+one|nobody|no-one|none)\s+(?:was|were|has\s+been|had\s+been|is|got)\s+"
    r"(?:reportedly\s+|seriously\s+)?(?P<verb>killed|injured|wounded|hurt|arrested|detained)"
    r"|(?:no|without\s+(?:any\s+)?)\s*(?:immediate\s+|reported\s+)?"
    r"(?P<noun>casualties|injuries|deaths|fatalities|arrests)))\b"
)


@dataclass(frozen=True)
class Count:
    """One stated figure: ``value`` None means a vague amount ("dozens")."""

    kind: Kind
    value: int | None
    start: int
    end: int


def number_value(text: str) -> int | None:
    """The integer a number phrase states ("twenty-six" = 26); None if vague."""
    words = re.sub(r"\s+", " ", text.strip().lower())
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", words):
        return int(words.replace(",", ""))
    if words in PHRASES:
        return PHRASES[words]
    if words in UNITS:
        return UNITS[words]
    parts = re.split(r"[- ]", words)
    if parts[0] in TENS:
        return TENS[parts[0]] + (UNITS.get(parts[1], 0) if len(parts) > 1 else 0)
    if len(parts) == 2 and parts[1] == "hundred" and parts[0] in UNITS:
        return UNITS[parts[0]] * 100
    return None


def _groups_total(m: re.Match[str]) -> tuple[int | None, bool]:
    """The sum of the counted groups of a match, and whether it counts people at all."""
    total = 0
    vague = False
    found = False
    for i in range(_MAX_GROUPS):
        number = m.groupdict().get(f"n{i}")
        determiner = m.groupdict().get(f"d{i}")
        if i > 0 and (number or determiner):
            after = m.string[m.end(f"g{i}"):m.end(f"g{i}") + 12].lstrip().lower()
            if after.startswith(("of ", "including", "among")):
                break  # "26 people, 14 of them children": a subgroup, not an addend
        if number:
            found = True
            value = number_value(number)
            if value is None:
                vague = True
            elif 1900 <= value <= 2100 and "," not in number:
                return None, False
            else:
                total += value
        elif determiner:
            noun = (m.groupdict().get(f"p{i}") or "").lower()
            if noun not in PERSON_NOUNS:
                return None, False
            found = True
            total += 1
    if not found:
        return None, False
    return (None if vague else total), True


def find_counts(text: str, start: int = 0, end: int | None = None) -> list[Count]:
    """Every casualty or arrest figure in ``text[start:end]``."""
    end = len(text) if end is None else end
    counts: list[Count] = []
    for pattern in (_SUBJECT_PATTERN, _OBJECT_PATTERN, _RESULT_PATTERN, _NOUN_PATTERN,
                    _TOLL_PATTERN):
        for m in pattern.finditer(text, start, end):
            value, people = _groups_total(m)
            if not people:
                continue
            verb = re.sub(r"\s+", " ", m["verb"].lower()) if "verb" in m.groupdict() else "killed"
            kind = _VERB_KIND.get(verb, "killed")
            counts.append(Count(kind, value, m.start(), m.end()))
    for m in _ZERO_PATTERN.finditer(text, start, end):
        word = (m["verb"] or m["noun"]).lower()
        if word in ("hurt", "casualties"):
            counts.append(Count("killed", 0, m.start(), m.end()))
            counts.append(Count("injured", 0, m.start(), m.end()))
        else:
            counts.append(Count(_VERB_KIND.get(word, "killed"), 0, m.start(), m.end()))
    return sorted(counts, key=lambda count: (count.start, count.kind))


def merge_size(size: Size, counts: Iterable[Count]) -> Size:
    """Add figures to a Size, keeping the largest stated figure per kind."""
    values = {"killed": size.killed, "injured": size.injured, "arrested": size.arrested}
    for count in counts:
        if count.value is None:
            continue
        current = values[count.kind]
        values[count.kind] = count.value if current is None else max(current, count.value)
    return Size(**values)


class SizeMeasurer:
    """Attach the figures of each sentence to the event they describe."""

    def __init__(self, *, event_types: Sequence[str] = EVENT_TYPES) -> None:
        for event_type in event_types:
            if event_type not in PLOVER_TYPES:
                raise InputError(Errors.E221.format(
                    value=event_type, allowed=", ".join(PLOVER_TYPES)))
        self.event_types = tuple(event_types)

    def __call__(self, doc: Doc) -> Doc:
        events = list(doc._.events or ())
        if not events:
            return doc
        eligible = [i for i, event in enumerate(events)
                    if event.type in self.event_types and not event.negated]
        if not eligible:
            return doc
        found: dict[int, list[Count]] = {}
        sentences = _sentence_bounds(doc)
        for index, (start, end) in enumerate(sentences):
            counts = find_counts(doc.text, start, end)
            if not counts:
                continue
            here = [i for i in eligible if start <= events[i].trigger.start < end]
            if here:
                for count in counts:
                    found.setdefault(_closest(events, here, count), []).append(count)
                continue
            window_start = sentences[max(0, index - LOOK_BACK_SENTENCES)][0]
            before = [i for i in eligible if window_start <= events[i].trigger.start < start]
            if before:
                latest = max(before, key=lambda i: events[i].trigger.start)
                found.setdefault(latest, []).extend(counts)
        for i, counts in found.items():
            events[i] = dataclasses.replace(events[i], size=merge_size(events[i].size, counts))
        doc._.events = events
        return doc


def _closest(events: Sequence[Event], candidates: Sequence[int], count: Count) -> int:
    preferred = "COERCE" if count.kind == "arrested" else "ASSAULT"
    typed = [i for i in candidates if events[i].type == preferred] or list(candidates)

    def distance(i: int) -> int:
        trigger = events[i].trigger
        if trigger.start < count.end and count.start < trigger.end:
            return 0
        return min(abs(trigger.start - count.end), abs(count.start - trigger.end))

    return min(typed, key=lambda i: (distance(i), events[i].trigger.start))


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    if doc.has_annotation("SENT_START"):
        return [(sent.start_char, sent.end_char) for sent in doc.sents]
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[.!?](?=[\"”’')]?\s+[\"“‘A-Z0-9])|\n+", doc.text):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(doc.text)))
    return bounds


# spaCy forbids "." in factory names (E853), so the registered name
# "newsevents.measure_size.v1" is spelled with underscores.
FACTORY = "newsevents_measure_size_v1"


@Language.factory(
    FACTORY,
    requires=["doc._.events"],
    assigns=["doc._.events"],
    default_config={"event_types": list(EVENT_TYPES)},
)
def make_size_measurer(nlp: Language, name: str, event_types: list[str]) -> SizeMeasurer:
    """A SizeMeasurer for the given PLOVER event types."""
    return SizeMeasurer(event_types=event_types)
