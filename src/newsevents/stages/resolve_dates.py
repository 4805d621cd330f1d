"""Stage ``resolve_dates``: find date expressions and give every event a date.

News text says *when* mostly relative to the day it was published ("on
Monday", "yesterday", "last month"). A fast, hand-written resolver covers the
common shapes; ``dateparser`` is only a fallback for spaCy DATE entities the
patterns did not cover, because it costs about 1 ms per string (and ~200 ms
on its first call) and returns wall-clock garbage for shapes it does not know
("the 1990s"), which we reject.

Rules (documented in ``docs/stages.md``):

- A bare weekday, "on <weekday>" or "this <weekday>" is the most recent such
  day on or before publication; "last <weekday>" is strictly before it.
  In a future-tense sentence ("will meet on Monday") it is the next one.
- A month (and day) without a year that would fall after publication is
  moved to the previous year, unless the clause is future tense or dates something
  still to come ("ahead of the Nov. 5 vote", "urged NATO to approve it in July"):
  then one that would fall before publication is next year's.
- Relative expressions need ``article.published``; without it they stay
  unresolved and events fall back to ``reason="no_publication_date"``.

An event gets, in order: a date tied to its trigger (inside the trigger's
phrase or clause) that is not a reporting date ("said on Monday", "at a news
conference on Monday"); a reporting date whose phrase hangs off the trigger
itself (the event *is* the statement); among the dates of its sentence not
tied to another event, a non-reporting one opening the sentence ("On 9 May
2020, …"), else the nearest one, non-reporting first; the narrative date of
its paragraph so far, carried from an earlier sentence (``carry_narrative_dates``:
reports date an incident once, "On 9 May 2020, orcs attacked Bree. Two rangers
were killed."); the publication date (``reason="publication_date"``); or
nothing (``reason="no_publication_date"``).
"""

import calendar
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Token

from newsevents.memo import Memo
from newsevents.stages.common import (
    CALENDAR_WORDS,
    SAID_TYPES,
    caseless_text,
    caseless_twin,
    doc_ents,
    doc_text,
)
from newsevents.types import DatePrecision, Event, EventDate

MONTHS: dict[str, int] = {
    name.lower(): number for number, name in enumerate(calendar.month_name) if name
}
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    name.lower(): number for number, name in enumerate(calendar.day_name)
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2,
}

# Words that make a date the date of the *report*, not of the reported event.
REPORTING_LEMMAS: frozenset[str] = frozenset({
    "say", "tell", "announce", "state", "add", "report", "confirm", "brief", "briefing",
    "conference", "statement", "interview", "remark", "note", "comment", "speak", "write",
    "tweet", "post", "publish", "release", "declare", "explain", "quote", "address",
    "reiterate", "affirm", "stress", "insist", "warn", "claim", "deny",
})
_REPORTING_BEFORE = re.compile(
    r"(?i:\b(?:said|says|told\s+\w+|announced|stated|added|reported|confirmed|briefing|"
    r"conference|statement|interview|remarked|noted|declared|tweeted|posted|wrote)"
    r"(?:\s+(?:late|early))?\s+(?:on|in|at)?\s*(?:the\s+)?)$"
)
_FUTURE = re.compile(
    r"(?i:(?:\b(?:will|shall|won't|upcoming|scheduled|plans?\s+to|planned\s+to|"
    r"expected\s+to)\b|'ll\b))"
)
# Modifiers of a noun that make it something still to come ("the upcoming vote").
UPCOMING_WORDS: frozenset[str] = frozenset({"upcoming", "planned", "scheduled", "forthcoming",
                                           "coming", "next", "proposed", "expected"})
# Verbs whose infinitive complement is still to come ("urged Seoul to …", "plans to …").
WANTING_LEMMAS: frozenset[str] = frozenset({
    "call", "urge", "ask", "plan", "agree", "want", "seek", "expect", "intend", "hope",
    "aim", "prepare", "schedule", "vow", "pledge", "promise", "threaten", "decide", "due",
    "set", "demand", "appeal", "press",
})
# Bound of the per-stage cache of dateparser's answers.
FALLBACK_CACHE_SIZE = 4096
_FUTURE_WORDS: frozenset[str] = frozenset({"will", "shall", "wo", "'ll", "scheduled", "planned",
                                           "expected", "upcoming"})

_MONTH_FULL = "|".join(name.capitalize() for name in MONTHS)
_MONTH_ABBR = "|".join(name.capitalize() for name in MONTH_ABBREVIATIONS)
_MONTH = rf"(?:{_MONTH_FULL}|(?:{_MONTH_ABBR})\.?)"
_WEEKDAY = "|".join(name.capitalize() for name in WEEKDAYS)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_COUNT = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
         r"a\s+couple\s+of)"


_DURATION = re.compile(
    r"(?i:(?:about\s+|around\s+|nearly\s+|over\s+|more\s+than\s+|the\s+(?:past|last)\s+)?"
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|"
    r"few|a\s+few)\s+(?:days?|weeks?|months?|years?|hours?|decades?))"
)
# A date adverbial opening the sentence ("On 14 March 2021, …", "Around 14 March 2021 (by
# local accounts), …") scopes over every clause of the sentence.
_LEADING = re.compile(
    r"(?i:\s*[\"“(]?(?:(?:on|around|on\s+or\s+around|by|as\s+of|late\s+on|early\s+on|"
    r"during|in|between|overnight\s+on|since|from|at\s+about|at\s+around)\s+)?(?:the\s+)?)"
)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in the text and what it resolves to.

    ``value``/``precision`` are None when the expression is relative and the
    article has no publication date. ``reporting`` marks dates that belong to
    the act of reporting ("said on Monday").
    """

    text: str
    start: int
    end: int
    value: dt.date | None
    precision: DatePrecision | None
    reporting: bool = False


Resolution = tuple[dt.date, DatePrecision]
_Resolver = Callable[["re.Match[str]", "dt.date | None", bool], "Resolution | None"]


def _month_number(word: str) -> int:
    key = word.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBREVIATIONS[key]


def _day_number(word: str) -> int:
    return int(re.sub(r"(?:st|nd|rd|th)$", "", word))


def _count(word: str) -> int:
    word = re.sub(r"\s+", " ", word.lower())
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _past_year(candidate: dt.date | None, published: dt.date | None,
               future: bool) -> dt.date | None:
    """Move a year-less date that would lie after publication back a year, and one of
    something still to come that would lie before it forward a year."""
    if candidate is None or published is None:
        return candidate
    if future:
        if candidate >= published:
            return candidate
        return _safe_date(candidate.year + 1, candidate.month, candidate.day)
    if candidate <= published:
        return candidate
    return _safe_date(candidate.year - 1, candidate.month, candidate.day)


def _absolute_dmy(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    value = _safe_date(int(m["year"]), _month_number(m["month"]), _day_number(m["day"]))
    return (value, "day") if value else None


def _month_day(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    if published is None:
        return None
    candidate = _safe_date(published.year, _month_number(m["month"]), _day_number(m["day"]))
    value = _past_year(candidate, published, future)
    return (value, "day") if value else None


def _iso(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    value = _safe_date(int(m["year"]), int(m["month"]), int(m["day"]))
    return (value, "day") if value else None


def _month_year(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    return dt.date(int(m["year"]), _month_number(m["month"]), 1), "month"


def _year(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    return dt.date(int(m["year"]), 1, 1), "year"


def _month_only(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    if published is None:
        return None
    month = _month_number(m["month"])
    modifier = (m["mod"] or "").lower()
    year = published.year
    if modifier == "last" and month >= published.month:
        year -= 1
    elif modifier == "next" and month <= published.month:
        year += 1
    elif modifier not in ("last", "next") and month > published.month and not future:
        year -= 1
    elif modifier not in ("last", "next") and month < published.month and future:
        year += 1  # "will vote in February", said in March: next year's
    return dt.date(year, month, 1), "month"


def _weekday(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    if published is None:
        return None
    target = WEEKDAYS[m["weekday"].lower()]
    modifier = (m["mod"] or "").lower()
    if modifier == "next" or (future and modifier != "last"):
        ahead = (target - published.weekday()) % 7
        if modifier == "next" and ahead == 0:
            ahead = 7
        return published + dt.timedelta(days=ahead), "day"
    back = (published.weekday() - target) % 7
    if modifier == "last" and back == 0:
        back = 7
    return published - dt.timedelta(days=back), "day"


def _weekend(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    if published is None:
        return None
    back = (published.weekday() - 5) % 7
    if (m["mod"] or "").lower() == "last" and back < 2:
        back += 7
    return published - dt.timedelta(days=back), "day"


def _day_of_month(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    if published is None:
        return None
    day = _day_number(m["day"])
    value = _safe_date(published.year, published.month, day)
    if value is None or (value > published and not future):
        previous = _shift_months(published, -1)
        value = _safe_date(previous.year, previous.month, day)
    return (value, "day") if value else None


def _ago(m: re.Match[str], published: dt.date | None, future: bool) -> Resolution | None:
    if published is None:
        return None
    amount = _count(m["count"])
    unit = m["unit"].lower().rstrip("s")
    if unit == "day":
        return published - dt.timedelta(days=amount), "day"
    if unit == "week":
        return _week_start(published - dt.timedelta(weeks=amount)), "week"
    if unit == "month":
        return _shift_months(published, -amount), "month"
    return dt.date(published.year - amount, 1, 1), "year"


def _relative_word(m: re.Match[str], published: dt.date | None,
                   future: bool) -> Resolution | None:
    if published is None:
        return None
    phrase = re.sub(r"\s+", " ", m["x"].lower())
    days_back = {
        "today": 0, "tonight": 0, "overnight": 0, "this morning": 0, "this afternoon": 0,
        "this evening": 0, "earlier today": 0, "yesterday": 1, "last night": 1,
        "the day before yesterday": 2, "tomorrow": -1,
    }
    if phrase in days_back:
        return published - dt.timedelta(days=days_back[phrase]), "day"
    unit = phrase.rsplit(" ", 1)[-1]
    step = -1 if phrase.startswith(("last", "the past")) else (
        1 if phrase.startswith("next") else 0)
    if unit == "week":
        return _week_start(published) + dt.timedelta(weeks=step), "week"
    if unit == "month":
        return _shift_months(published, step), "month"
    return dt.date(published.year + step, 1, 1), "year"


def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


class DatePattern(NamedTuple):
    """A date shape: its regex, the resolver of its matches, and a gate.

    The gate is a cheap search that finds something in every text the pattern
    matches in (its literal parts, without the word boundary that makes the
    pattern itself try every character), or None for no gate. A text the gate
    finds nothing in is not searched with the pattern: most texts lack most
    shapes, and the fifteen full searches were most of the stage's time (issue 12).
    A ``caseless`` pattern ignores case throughout, so its case-sensitive twin
    searches the lowered text (``common.caseless_text``) instead, several times faster.
    """

    pattern: re.Pattern[str]
    resolver: _Resolver
    gate: re.Pattern[str] | None
    caseless: bool = False


# Every month name and abbreviation starts with one of these; the loose form (any
# lower-case letters, an optional dot) covers all of them ("Sept.", "May").
_MONTH_START = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_MONTH_LOOSE = rf"{_MONTH_START}[a-z]*\.?"
_SUFFIX = "(?:st|nd|rd|th)"

# Ordered: earlier patterns win when two matches overlap with the same length.
PATTERNS: tuple[DatePattern, ...] = (
    DatePattern(
        _pattern(r"\b(?P<x>(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d))\b"), _iso,
        _pattern(r"(?:19|20)\d\d-[01]\d-[0-3]\d")),
    DatePattern(
        _pattern(rf"\b(?P<x>(?P<day>{_DAY})\s+(?:of\s+)?(?P<month>{_MONTH}),?\s+(?P<year>{_YEAR}))\b"),
        _absolute_dmy,
        _pattern(rf"\d{_SUFFIX}?\s+(?:of\s+)?{_MONTH_LOOSE},?\s+{_YEAR}")),
    DatePattern(
        _pattern(rf"\b(?P<x>(?P<month>{_MONTH})\s+(?P<day>{_DAY}),?\s+(?P<year>{_YEAR}))\b"),
        _absolute_dmy,
        _pattern(rf"{_MONTH_LOOSE}\s+\d\d?{_SUFFIX}?,?\s+{_YEAR}")),
    DatePattern(
        _pattern(rf"\b(?P<x>(?P<month>{_MONTH})\s+(?P<day>{_DAY}))\b(?![:.]?\d)"), _month_day,
        _pattern(rf"{_MONTH_LOOSE}\s+\d")),
    DatePattern(
        _pattern(rf"\b(?P<x>(?P<day>{_DAY})\s+(?P<month>{_MONTH}))(?!\w)"), _month_day,
        _pattern(rf"\d{_SUFFIX}?\s+{_MONTH_START}")),
    DatePattern(
        _pattern(rf"\b(?P<x>(?P<day>{_DAY})(?<=st|nd|rd|th)\s+of\s+(?P<month>{_MONTH}))(?!\w)"),
        _month_day,
        _pattern(rf"\d{_SUFFIX}\s+of\s+{_MONTH_START}")),
    DatePattern(
        _pattern(rf"\b(?P<x>(?P<month>{_MONTH_FULL}|(?:{_MONTH_ABBR})\.?),?\s+(?P<year>{_YEAR}))\b"),
        _month_year,
        _pattern(rf"{_MONTH_LOOSE},?\s+{_YEAR}")),
    DatePattern(
        _pattern(rf"(?i:\b(?:mid-|(?:in|since|during|until|by|of|from|before|after|early|late|mid)\s+))"
                 rf"(?P<x>(?P<mod>)(?P<month>{_MONTH_FULL}))\b(?!\s+\d)"), _month_only,
        _pattern(rf"(?:{_MONTH_FULL})")),
    DatePattern(
        _pattern(rf"\b(?P<x>(?P<mod>(?i:last|next|this|past))\s+(?P<month>{_MONTH_FULL}))\b"),
        _month_only,
        _pattern(rf"(?i:[ts])\s+(?:{_MONTH_FULL})")),
    DatePattern(
        _pattern(rf"(?i:\b(?:in|since|during|until|by|of|from|before|after)\s+)"
                 rf"(?P<x>(?P<year>{_YEAR}))\b(?!-\d)"), _year,
        _pattern(rf"\s{_YEAR}"), caseless=True),
    DatePattern(
        _pattern(rf"\b(?P<x>(?:(?i:late|early)\s+(?:(?i:on)\s+)?)?"
                 rf"(?:(?P<mod>(?i:last|next|this|past))\s+)?(?P<weekday>{_WEEKDAY})"
                 rf"(?:\s+(?i:night|morning|afternoon|evening))?)\b"), _weekday,
        _pattern(rf"(?:{_WEEKDAY})")),
    DatePattern(
        _pattern(r"\b(?P<x>(?P<mod>(?i:last|this|past))\s+(?i:weekend)|(?i:over\s+the\s+weekend))\b"),
        _weekend,
        _pattern(r"(?i:weekend)"), caseless=True),
    DatePattern(
        _pattern(rf"(?i:\bon\s+)(?P<x>(?i:the)\s+(?P<day>{_DAY})(?<=st|nd|rd|th))\b(?!\s+of\b)"),
        _day_of_month,
        _pattern(rf"\d{_SUFFIX}")),
    DatePattern(
        _pattern(rf"(?i:\b(?P<x>(?P<count>{_COUNT})\s+(?P<unit>days?|weeks?|months?|years?)\s+ago))\b"),
        _ago,
        _pattern(r"(?i:ago)"), caseless=True),
    # its words ("yesterday", "this week", "tonight") are common, and a gate would cost
    # about as much as the pattern
    DatePattern(
        _pattern(r"(?i:\b(?P<x>the\s+day\s+before\s+yesterday|yesterday|today|tonight|overnight|"
                 r"last\s+night|this\s+(?:morning|afternoon|evening)|earlier\s+today|"
                 r"(?:earlier\s+|later\s+)?this\s+(?:week|month|year)|"
                 r"(?:last|next|the\s+past)\s+(?:week|month|year)))\b"), _relative_word,
        None, caseless=True),
)
# The case-sensitive twins of the caseless patterns, for the lowered text, keyed by the
# pattern's text (hashing a compiled pattern hashes its whole program).
_LOWERED: dict[str, re.Pattern[str]] = {
    entry.pattern.pattern: caseless_twin(entry.pattern) for entry in PATTERNS if entry.caseless
}


class DateResolver:
    """Find and resolve date expressions, then date every event of the Doc."""

    def __init__(self, *, fallback: bool = True) -> None:
        self.fallback = fallback
        self._parsers: dict[tuple[dt.date | None, bool], Any] = {}
        # dateparser costs about 1 ms a string, and DATE entities repeat ("this week").
        self._fallbacks: Memo[tuple[str, dt.date | None, bool], Resolution | None] = Memo(
            FALLBACK_CACHE_SIZE)

    def __call__(self, doc: Doc) -> Doc:
        article = doc._.article
        published = article.published if article is not None else None
        mentions = find_dates(doc, published, fallback=self._fallback if self.fallback else None)
        events = list(doc._.events or ())
        dated = [
            dataclasses.replace(event, date=date_event(doc, event, mentions, events, published))
            for event in events
        ]
        carried = carry_narrative_dates(doc_text(doc), dated, mentions)
        doc._.events = date_statements(carried, mentions)
        return doc

    def _fallback(self, text: str, published: dt.date | None, future: bool) -> Resolution | None:
        """Ask dateparser about a rare DATE entity; reject what it invents."""
        key = (text, published, future)
        if key in self._fallbacks:
            return self._fallbacks[key]
        return self._fallbacks.keep(key, self._parse_fallback(text, published, future))

    def _parse_fallback(self, text: str, published: dt.date | None,
                        future: bool) -> Resolution | None:
        if published is None and not re.search(_YEAR, text):
            return None
        if _DURATION.fullmatch(text.strip()):
            return None  # "2 months" (of unpaid salaries) is a length of time, not a date
        if text.strip().isdigit() and len(text.strip()) < 4:
            return None  # "said Mandy Cheung, 58," is an age, not the year 1958
        key = (published, future)
        parser = self._parsers.get(key)
        if parser is None:
            from dateparser.date import DateDataParser

            if len(self._parsers) > 64:
                self._parsers.clear()
            base = dt.datetime.combine(published or dt.date(2000, 1, 1), dt.time())
            parser = DateDataParser(languages=["en"], settings={
                "RELATIVE_BASE": base, "PREFER_DATES_FROM": "future" if future else "past"})
            self._parsers[key] = parser
        data = parser.get_date_data(text)
        found = data.date_obj
        if found is None or found.time() != dt.time():
            return None
        precision: DatePrecision = data.period if data.period in ("week", "month", "year") \
            else "day"
        return found.date(), precision


# spaCy forbids "." in factory names (E853), so the registered name
# "newsevents.resolve_dates.v1" is spelled with underscores.
FACTORY = "newsevents_resolve_dates_v1"


@Language.factory(
    FACTORY,
    requires=["doc._.article", "doc._.events", "doc.ents", "doc.sents", "token.dep",
              "token.head", "token.pos", "token.lemma"],
    assigns=["doc._.events"],
    default_config={"fallback": True},
)
def make_date_resolver(nlp: Language, name: str, fallback: bool) -> DateResolver:
    """A DateResolver; ``fallback`` lets dateparser try DATE entities the patterns miss."""
    return DateResolver(fallback=fallback)


def resolve_date_text(text: str, published: dt.date | None, *,
                      future: bool = False) -> Resolution | None:
    """Resolve one whole date expression ("last Monday", "9 May 2020") with the fast rules."""
    for pattern, resolver, _, _ in PATTERNS:
        m = pattern.fullmatch(text) or pattern.fullmatch(f"on {text}") or \
            pattern.fullmatch(f"in {text}")
        if m is not None:
            return resolver(m, published, future)
    return None


def find_dates(
    doc: Doc,
    published: dt.date | None,
    *,
    fallback: Callable[[str, dt.date | None, bool], Resolution | None] | None = None,
) -> list[DateMention]:
    """Every date expression in ``doc``, in text order, resolved against ``published``."""
    text = doc_text(doc)
    lowered = caseless_text(text)
    found: list[tuple[int, int, int, _Resolver, re.Match[str]]] = []
    for rank, (pattern, resolver, gate, caseless) in enumerate(PATTERNS):
        if gate is not None and gate.search(text) is None:
            continue
        source, regex = (lowered, _LOWERED[pattern.pattern]) if caseless and lowered is not None \
            else (text, pattern)
        for m in regex.finditer(source):
            found.append((m.start("x"), m.end("x"), rank, resolver, m))
    found.sort(key=lambda item: (-(item[1] - item[0]), item[2], item[0]))
    taken: list[tuple[int, int]] = []
    mentions: list[DateMention] = []
    for start, end, _rank, resolver, m in found:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        future = _is_future(doc, start, end)
        resolution = resolver(m, published, future)
        if resolution is None and published is not None:
            continue
        taken.append((start, end))
        mentions.append(_mention(doc, start, end, resolution))
    if fallback is not None:
        for ent in doc_ents(doc):
            if ent.label_ != "DATE":
                continue
            if any(ent.start_char < t_end and t_start < ent.end_char for t_start, t_end in taken):
                continue
            if not _worth_parsing(ent.text):
                continue
            future = _is_future(doc, ent.start_char, ent.end_char)
            resolution = fallback(ent.text, published, future)
            if resolution is None:
                continue
            taken.append((ent.start_char, ent.end_char))
            mentions.append(_mention(doc, ent.start_char, ent.end_char, resolution))
    mentions.sort(key=lambda mention: mention.start)
    return mentions


def _worth_parsing(text: str) -> bool:
    """Only strings that name a calendar unit are worth dateparser's time."""
    if len(text) > 40:
        return False
    words = {word.lower().rstrip(".") for word in re.findall(r"[A-Za-z.]+", text)}
    return bool(re.search(r"\d", text)) or bool(words & CALENDAR_WORDS)


def _mention(doc: Doc, start: int, end: int, resolution: Resolution | None) -> DateMention:
    value, precision = resolution if resolution is not None else (None, None)
    return DateMention(
        text=doc_text(doc)[start:end], start=start, end=end, value=value, precision=precision,
        reporting=_is_reporting(doc, start, end),
    )


_CLAUSE_BREAK = re.compile(r"[,;.!?\n]")


def _is_future(doc: Doc, start: int, end: int) -> bool:
    """Whether the date's own clause speaks of the future ("will meet on Friday").

    Only the date's clause counts: "talks, which began on Monday, will go on"
    keeps Monday in the past.
    """
    if doc.has_annotation("DEP"):
        token = _root_token(doc, start, end)
        if token is None:
            return False
        head = _clause_head(token)
        words = [head, *head.children]
        return (any(word.lower_ in _FUTURE_WORDS for word in words) or _dates_upcoming(token)
                or _is_wanted(head))
    text = doc_text(doc)
    bounds = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)]
    clause_start = bounds[-1] if bounds else 0
    stop = _CLAUSE_BREAK.search(text, end)
    clause_end = stop.start() if stop else len(text)
    return bool(_FUTURE.search(text, clause_start, clause_end))


def _dates_upcoming(token: Token) -> bool:
    """Whether the date is that of something still to come (issue 9).

    "ahead of the Nov. 5 vote", "the upcoming summit in July", "a planned
    meeting on Friday": the thing dated is announced, so its date is not
    moved into the past whatever the tense of the clause.
    """
    for ancestor in _ancestors_to_clause(token):
        if ancestor.pos_ in ("VERB", "AUX"):
            return False
        if ancestor.lower_ == "ahead" or any(
                child.dep_ == "amod" and child.lower_ in UPCOMING_WORDS
                for child in ancestor.children):
            return True
    return False


def _is_wanted(head: Token) -> bool:
    """An infinitive that says what someone asks, plans or promises ("called on NATO to
    approve the plans in July"): its dates are still to come."""
    return (head.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to"
                                         for c in head.children)
            and head.head.lemma_.lower() in WANTING_LEMMAS)


def _root_token(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _is_reporting(doc: Doc, start: int, end: int) -> bool:
    """Whether the date belongs to the act of reporting ("said on Monday")."""
    if doc.has_annotation("DEP"):
        token = _root_token(doc, start, end)
        if token is None:
            return False
        for ancestor in _ancestors_to_clause(token):
            if ancestor.lemma_.lower() in REPORTING_LEMMAS or ancestor.lower_ in REPORTING_LEMMAS:
                return True
        return False
    return bool(_REPORTING_BEFORE.search(doc_text(doc)[max(0, start - 40):start]))


def _ancestors_to_clause(token: Token) -> Iterable[Token]:
    """The token's ancestors up to and including the first verb (its clause head)."""
    for ancestor in token.ancestors:
        yield ancestor
        if ancestor.pos_ in ("VERB", "AUX"):
            return


def _clause_head(token: Token) -> Token:
    if token.pos_ in ("VERB", "AUX"):
        return token
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
    return token.sent.root


def _directly_under(token: Token, target: Token) -> bool:
    """Whether ``token`` hangs off ``target`` through prepositions only ("on" Tuesday)."""
    for ancestor in token.ancestors:
        if ancestor == target:
            return True
        if ancestor.pos_ not in ("ADP", "ADV", "PART", "PUNCT"):
            return False
    return False


def _tied(doc: Doc, mention: DateMention, trigger_start: int, trigger_end: int) -> bool:
    """Whether the date sits in the trigger's own phrase or clause.

    With a parse: the date modifies the trigger directly ("the 3 March
    ambush", "shelled … on Tuesday"), or modifies the verb the trigger noun is
    an argument of ("clashes on Saturday left three dead"). A date inside
    another noun phrase ("denounced the 3 March ambush") is not tied to
    "condemned". Without a parse: no comma, semicolon, colon or dash between.
    """
    if doc.has_annotation("DEP"):
        date_token = _root_token(doc, mention.start, mention.end)
        trigger = _root_token(doc, trigger_start, trigger_end)
        if date_token is None or trigger is None:
            return False
        if _directly_under(date_token, trigger):
            return True
        if trigger.pos_ in ("VERB", "AUX") or trigger.dep_ not in (
                "nsubj", "nsubjpass", "dobj", "attr", "oprd"):
            return False
        head = trigger.head
        return head.pos_ in ("VERB", "AUX") and head.lemma_ not in REPORTING_LEMMAS \
            and _directly_under(date_token, head)
    low, high = (mention.end, trigger_start) if mention.end <= trigger_start \
        else (trigger_end, mention.start)
    return not re.search(r"[,;:()\u2014]|\s-\s", doc_text(doc)[low:high])


def date_event(
    doc: Doc,
    event: Event,
    mentions: Sequence[DateMention],
    events: Sequence[Event],
    published: dt.date | None,
) -> EventDate:
    """Choose the date of one event (see the module docstring for the order)."""
    sentence = [m for m in mentions
                if event.sentence.start <= m.start and m.end <= event.sentence.end
                and m.value is not None]
    trigger = event.trigger
    tied = [m for m in sentence if _tied(doc, m, trigger.start, trigger.end)]
    own = [m for m in tied if not m.reporting]
    if own:
        return _event_date(_nearest(own, trigger.start), "attached")
    speech = [m for m in sentence
              if m.reporting and _hangs_off(doc, m, trigger.start, trigger.end)]
    if speech:
        return _event_date(_nearest(speech, trigger.start), "attached_reporting")
    others = [other for other in events
              if other.trigger != trigger and other.sentence == event.sentence]
    free = [m for m in sentence
            if not _names_something_else(doc, m)
            and not any(_tied_to_phrase(doc, m, other) and not _governs(doc, other, event)
                        for other in others)]
    if free:
        plain = [m for m in free if not m.reporting]
        text = doc_text(doc)
        leading = [m for m in plain if _LEADING.fullmatch(text, event.sentence.start, m.start)]
        if leading:
            return _event_date(leading[0], "sentence_opening")
        if plain:
            return _event_date(_nearest(plain, trigger.start), "same_sentence")
        return _event_date(_nearest(free, trigger.start), "reporting_date")
    if published is not None:
        return EventDate(published, "day", reason="publication_date")
    return EventDate(None, None, reason="no_publication_date")


def _names_something_else(doc: Doc, mention: DateMention) -> bool:
    """A date inside a noun phrase about something else: "veterans of the 1971 war".

    It dates that thing (the war), not the events of its sentence.
    """
    if not doc.has_annotation("DEP"):
        return False
    token = _root_token(doc, mention.start, mention.end)
    return token is not None and token.dep_ in ("compound", "nummod", "amod", "nmod") and (
        token.head.pos_ == "NOUN" and token.head.ent_type_ != "DATE")


def date_statements(events: Sequence[Event], mentions: Sequence[DateMention]) -> list[Event]:
    """Statements the text does not date take the article's one reporting date.

    A briefing report says once "At a news conference on Monday, X said …"
    and then quotes X for paragraphs; those statements were made on Monday,
    not on the publication day. Only when the article names exactly one
    reporting date, and only for statements (verbal event types or reported
    speech) still dated by the publication date.
    """
    reporting = {
        m.value: m for m in mentions
        if m.reporting and m.value is not None and m.precision == "day"
    }
    if len(reporting) != 1:
        return list(events)
    (mention,) = reporting.values()
    date = EventDate(mention.value, mention.precision, mention.text, mention.start, mention.end,
                     reason="article_reporting_date")
    return [
        dataclasses.replace(event, date=date)
        if event.date.reason == "publication_date"
        and (event.type in SAID_TYPES or event.reported_by is not None)
        else event
        for event in events
    ]


def _hangs_off(doc: Doc, mention: DateMention, trigger_start: int, trigger_end: int) -> bool:
    date_token = _root_token(doc, mention.start, mention.end)
    trigger = _root_token(doc, trigger_start, trigger_end)
    return date_token is not None and trigger is not None and trigger in date_token.ancestors


def _governs(doc: Doc, main: Event, event: Event) -> bool:
    """Whether ``event``'s trigger is inside ``main``'s clause ("shelled …, killing 12")."""
    if not doc.has_annotation("DEP"):
        return False
    main_token = _root_token(doc, main.trigger.start, main.trigger.end)
    token = _root_token(doc, event.trigger.start, event.trigger.end)
    return main_token is not None and token is not None and main_token in token.ancestors


def _tied_to_phrase(doc: Doc, mention: DateMention, other: Event) -> bool:
    """Whether the date modifies another event's trigger directly ("the May 3 blast")."""
    if not doc.has_annotation("DEP"):
        return False
    date_token = _root_token(doc, mention.start, mention.end)
    trigger = _root_token(doc, other.trigger.start, other.trigger.end)
    if date_token is None or trigger is None:
        return False
    return trigger in _ancestors_to_clause(date_token)


def _nearest(mentions: Sequence[DateMention], char: int) -> DateMention:
    return min(mentions, key=lambda m: (min(abs(m.start - char), abs(m.end - char)), m.start))


def _event_date(mention: DateMention, reason: str) -> EventDate:
    return EventDate(
        value=mention.value, precision=mention.precision, text=mention.text,
        start=mention.start, end=mention.end, reason=reason,
    )


NARRATIVE_REASONS: frozenset[str] = frozenset({
    "attached", "sentence_opening", "same_sentence", "previous_event",
})


def carry_narrative_dates(text: str, events: Sequence[Event],
                          mentions: Sequence[DateMention] = ()) -> list[Event]:
    """Date an undated event by the narrative date of its paragraph so far.

    A report dates an incident once and goes on without repeating the date
    ("On 9 May 2020, rebels attacked a base. Two soldiers were killed."), so an
    event whose own sentence has no date (it would fall back to the publication
    date) takes, from earlier sentences of the same paragraph, the date of the
    closest event dated from the text or, when a date expression comes later
    than that event (or there is none), that expression
    (``reason="previous_event"``). Reporting dates ("said on Monday") are not
    carried: they date a statement, not the incident.
    """
    order = sorted(range(len(events)), key=lambda i: events[i].trigger.start)
    result = list(events)
    previous: Event | None = None
    for i in order:
        event = result[i]
        if previous is not None and "\n" in text[previous.trigger.end:event.sentence.start]:
            previous = None
        if event.date.reason == "publication_date":
            carried = _narrative_date(text, event, previous, mentions)
            if carried is not None:
                event = dataclasses.replace(event, date=carried)
                result[i] = event
        if event.date.reason in NARRATIVE_REASONS:
            previous = event
    return result


def _narrative_date(text: str, event: Event, previous: Event | None,
                    mentions: Sequence[DateMention]) -> EventDate | None:
    start = event.sentence.start
    earlier = [m for m in mentions
               if m.end <= start and m.value is not None and not m.reporting
               and "\n" not in text[m.end:start]]
    mention = earlier[-1] if earlier else None
    if previous is not None and previous.sentence.start < start and (
            mention is None or previous.trigger.start > mention.start):
        return dataclasses.replace(previous.date, reason="previous_event")
    if mention is not None:
        return _event_date(mention, "previous_event")
    return None
