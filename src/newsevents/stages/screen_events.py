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
(``data/frames.tsv``: "earthquake", "gas explosion", "robbery", …) or an event
put down to a mishap ("a fire tore through the building, killing 46", "a tunnel
caved in") codes no event unless a political agent acts (a source of a political
sector, or a state by its demonym on the act, "an Israeli air strike"; not the
dateline; crime frames spare violence, ASSAULT and PROTEST). An article whose
lead sentence is framed so, with no political agent, codes no event without a
political actor anywhere; so does one most of whose sentences hold a frame or
topic word (``data/story_words.tsv``: "coach", "investors") with no political
agent nor political word. The frames set the actors' roles (``Setting``): in
sport a country is a team, in crime "a gunman" a criminal, and in a disaster a
public service doing its job ("fire officials warned", rescue work) no
political agent. Crime that is political keeps its event: soldiers shooting
protesters have a political source.
"""

import datetime as dt
import functools
import importlib.resources
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from newsevents.errors import Errors, InputError
from newsevents.memo import Memo
from newsevents.stages.common import (
    COMPLEMENT_DEPS,
    OWN_DATES,
    doc_text,
    governing_heads,
    span_of,
    span_text,
    token_at,
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
# a state's own sectors: in sport the country named is its team ("Spain beat England")
STATE_SECTORS = frozenset({"GOV", None})
# the codes of actors that are no state
GROUP_CODES = frozenset({"IGO", "NGO", "MNC"})
# unnamed armed men, rebels by default, criminals in a robbery (issue 9)
UNNAMED_ARMED = frozenset({"gunman", "gunmen", "armed man", "armed men", "attacker",
                           "attackers", "assailant", "assailants", "masked man", "masked men"})
# words of an office that make a person named in a sport story a politician ("the sports
# minister"); an athlete who shares a politician's name, or a "race leader", is none
OFFICES = frozenset({"minister", "ministry", "government", "president", "premier", "prime",
                     "parliament", "mayor", "governor", "senator", "lawmaker", "chancellor",
                     "king", "queen", "prince"})
# rescue work in a disaster: "rescued 40 fishermen", "ordered residents to evacuate"
RESCUE_LEMMAS = frozenset({"rescue", "evacuate", "evacuation", "save", "free",
                           "pull", "search"})
# who an athlete faces or leads, no opposition party nor government ("her opponent")
SPORT_ROLES = frozenset({"opponent", "opponents", "rival", "rivals", "challenger", "leader",
                         "leaders", "captain", "champion", "holder"})
# words that name a body of the state ("Japan's defence ministry", "Kenya's central bank")
STATE_BODIES = frozenset({"ministry", "department", "agency", "government", "council",
                          "commission", "authority", "army", "navy", "air", "police", "forces",
                          "guard", "office", "parliament", "assembly", "court", "central",
                          "state", "national", "federal", "cabinet", "presidency", "senate"})
# bodies that police ordinary crime like the police ("customs officials seized cocaine")
LAW_ENFORCEMENT = frozenset({"customs", "tax", "narcotics", "enforcement", "crimes", "crime",
                             "fraud", "investigators", "investigation", "detectives"})
# public services doing their job in a disaster, an accident or a market story (issue 9)
PUBLIC_SERVICES = frozenset({"fire", "firefighting", "health", "weather", "meteorological",
                             "seismological", "geological", "disaster", "emergency", "rescue",
                             "defence", "protection", "coast", "coastguard", "railway", "rail",
                             "aviation", "transport", "forest", "forestry", "water", "power",
                             "electricity", "safety", "environment", "environmental",
                             "mining", "regulator", "regulators", "stock", "exchange",
                             "olympic", "sport", "sports", "athletics", "doping", "football",
                             "federation", "club", "league", "team"})
# officials named by no service or office ("local authorities", "provincial officials")
UNNAMED_OFFICIALS = frozenset({"officials", "official", "authorities", "authority", "local",
                               "state", "the", "provincial", "district", "city", "regional",
                               "municipal", "county"})
# what kills or injures with no one acting (issue 9): "killed in the fire", "the blaze killed"
MISHAP_CAUSES = frozenset({
    "fire", "blaze", "flames", "inferno", "smoke", "fumes", "collapse", "crash", "accident",
    "derailment", "collision", "stampede", "crush", "leak", "flood", "floods", "floodwaters",
    "flooding", "quake", "earthquake", "tremor", "storm", "cyclone", "hurricane", "typhoon",
    "tornado", "landslide", "landslides", "mudslide", "avalanche", "lightning", "heatwave",
    "heat", "rubble", "debris", "tree", "trees", "wall", "walls", "roof", "outbreak",
    "epidemic", "disease", "virus", "shark", "bear", "crocodile", "alligator", "elephant",
    "tiger", "leopard", "lion", "wolf", "dog", "dogs", "snake", "hippo", "bees", "jellyfish"})
# what a vehicle, a building or a bridge does by accident: "the bus plunged", "it collapsed"
MISHAP_VERBS = frozenset({"collapse", "cave", "crash", "plunge", "overturn", "collide",
                          "derail", "capsize", "sink", "skid", "veer", "topple", "flip",
                          "tumble", "drown"})
# what fails in a mishap: "the roof caved in", "part of a tunnel collapsed", "the ferry sank"
STRUCTURES = frozenset({"building", "roof", "wall", "bridge", "tunnel", "mine", "house", "home",
                        "block", "tower", "stand", "stage", "scaffolding", "crane", "dam",
                        "ceiling", "floor", "structure", "canopy", "bus", "minibus", "train",
                        "car", "truck", "lorry", "vehicle", "boat", "ferry", "ship", "vessel",
                        "plane", "jet", "aircraft", "airliner", "helicopter"})
CAUSE_PREPOSITIONS = frozenset({"by", "in", "during", "from"})
# who can make a fire or a blast: "artillery fire", "rebel fire", "police fire"
ARMED_MODIFIERS = frozenset({"artillery", "tank", "sniper", "mortar", "rocket", "gun", "army",
                             "military", "police", "rebel", "militant", "enemy", "government",
                             "security", "naval", "machine", "cross", "shell"})
# a blast or fire at these is an industrial accident: "an explosion at a steel plant"
WORKS_HAZARDS = frozenset({"explosion", "blast", "fire", "blaze"})
WORKS = frozenset({"plant", "factory", "mine", "refinery", "warehouse", "mill", "furnace",
                   "workshop", "quarry", "pit", "smelter", "foundry", "shipyard", "colliery"})
# a story most of whose sentences (at least two) hold a frame or topic word is non-political
# when no event in it has a political agent
MIN_TOPICAL_SENTENCES = 2
TOPICAL_SHARE = 0.5
# words that keep a story political however its topic words count: a trial of activists
# or a crackdown on protesters has police and courts, prisons and suspects too
POLITICAL_WORDS = re.compile(
    r"(?i)\b(?:government|minister|ministry|president|parliament|opposition|election|"
    r"protest\w*|demonstrat\w*|activist\w*|dissident\w*|sedition\w*|national security|"
    r"rebel\w*|militant\w*|insurgen\w*|troops|soldiers|ceasefire|sanction\w*|"
    r"party|parties|regime|junta|coup|separatist\w*|journalist\w*)\b")
# "KATHMANDU, May 2 — ": where the article was filed, never an actor
DATELINE = re.compile(r"\A\s*[A-Z][A-Z .'-]+(?:,[^\n—–]{0,60}?)?\s+[—–-]+\s")
# a date carried from an earlier sentence of the paragraph ("More than 25,000 have been
# killed since Oct. 7. The war began when fighters attacked southern Israel") dates a later
# event when an earlier event had it in its own sentence (not a reporting date), and it is
# not part of a name ("the Unaizah May 4", a boat) or of what a noun names ("its 1951
# treaty"), nor, when only the sentence held it, of a clause inside the sentence
TIED_DATES = frozenset({"attached", "sentence_opening", "same_sentence"})
# How many texts' answers a phrase list keeps (a few articles' sentences).
MAX_KEPT_ANSWERS = 512
NAME_DEPS = frozenset({"appos", "compound", "nmod", "nummod"})


@dataclass(frozen=True)
class Phrases:
    """Lower-case phrases matched on word boundaries, compiled into one pattern.

    The answers for the last texts searched are kept: the stage asks each list
    about the same sentence several times, once per event in it and per rule
    (issue 12). Searching is a pure function of the text, so no answer changes.
    """

    pattern: re.Pattern[str] | None
    _answers: Memo[str, bool] = field(default_factory=lambda: Memo(MAX_KEPT_ANSWERS),
                                      compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, phrases: Iterable[str]) -> "Phrases":
        words = sorted({p.lower() for p in phrases if p}, key=len, reverse=True)
        if not words:
            return cls(None)
        return cls(re.compile(rf"(?<![\w-])(?:{_trie_pattern(words)})(?![\w-])"))

    def found(self, text: str) -> bool:
        if self.pattern is None:
            return False
        answer = self._answers.get(text)
        if answer is None:
            answer = self._answers.keep(text, self.pattern.search(text.lower()) is not None)
        return answer


# Stands for the whitespace between two words of a phrase in ``_trie_pattern``.
_GAP = "\0gap"


def _trie_pattern(phrases: Iterable[str]) -> str:
    """One regex alternation for ``phrases`` (words joined by ``\\s+``), written as a
    prefix tree: "gas explosion|gas leak" becomes "gas\\s+(?:explosion|leak)".

    It matches exactly the strings the flat alternation does, and so a phrase
    anywhere in a text just as ``search`` found it, but the regex engine no longer
    tries each of hundreds of phrases at every character (a search of a sentence
    took a third of the time; issue 12).
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for number, word in enumerate(phrase.split()):
            for symbol in ([_GAP] if number else []) + list(word):
                node = node.setdefault(symbol, {})
        node[""] = {}
    return _trie_branches(trie)


def _trie_branches(node: dict[str, dict]) -> str:
    branches = [(r"\s+" if symbol == _GAP else re.escape(symbol)) + _trie_branches(child)
                for symbol, child in node.items() if symbol]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


@dataclass(frozen=True)
class Screens:
    """The phrase lists the stage screens with (``data/discards.tsv``, ``data/frames.tsv``)."""

    story_discards: Phrases
    sentence_discards: Phrases
    frames: Phrases
    crime_frames: Phrases
    sport_frames: Phrases
    topics: Phrases
    sport_topics: Phrases
    crime_topics: Phrases
    service_topics: Phrases

    def setting(self, text: str) -> "Setting":
        """What the frames of ``text`` say about the actors named in it."""
        return Setting(teams=self.sport_frames.found(text),
                       criminals=self.crime_frames.found(text),
                       services=self.frames.found(text))

    def story_setting(self, text: str) -> "Setting":
        """The same for a whole story, read with its topic words too ("coach", "jury")."""
        return Setting(teams=self.sport_topics.found(text),
                       criminals=self.crime_topics.found(text),
                       services=self.service_topics.found(text))


@dataclass(frozen=True)
class Scope:
    """Where in one article an actor may act: after the dateline (``filed``, the offset
    where the text proper begins: "KATHMANDU, May 2 —" is no actor), and which demonyms
    stand for their state (``acting``: offsets of those on an act, "Israeli air strike")."""

    filed: int
    acting: frozenset[int]


@dataclass(frozen=True)
class Setting:
    """The roles a non-political frame gives to actor words: in sport a country named is a
    team ("Spain beat England") and a "race leader" or a namesake of a politician an athlete;
    in ordinary crime an unnamed armed man is a criminal ("a gunman shot a shopkeeper during
    a robbery"), not a rebel, and customs or tax officials police it; in a disaster, an
    accident or a market story a public service ("fire officials", "the coast guard",
    "local authorities") does its job, no politics."""

    teams: bool = False
    criminals: bool = False
    services: bool = False

    def __or__(self, other: "Setting") -> "Setting":
        return Setting(teams=self.teams or other.teams,
                       criminals=self.criminals or other.criminals,
                       services=self.services or other.services)


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
    frames = _by_category("frames.tsv")
    words = _by_category("story_words.tsv")
    topics = {category: [*words.get(category, ()), *frames.get(category, ())]
              for category in frames.keys() | words.keys()}

    def joined(lists: dict[str, list[str]], *, crime: bool) -> Phrases:
        return Phrases.of(phrase for category, phrases in lists.items()
                          if crime or category != "crime" for phrase in phrases)

    return Screens(story_discards=Phrases.of(story), sentence_discards=Phrases.of(sentence),
                   frames=joined(frames, crime=False),
                   crime_frames=Phrases.of(frames.get("crime", ())),
                   sport_frames=Phrases.of(frames.get("sport", ())),
                   topics=joined(topics, crime=True),
                   sport_topics=Phrases.of(topics.get("sport", ())),
                   crime_topics=Phrases.of(topics.get("crime", ())),
                   service_topics=joined(topics, crime=False))


def _by_category(name: str) -> dict[str, list[str]]:
    """A two-column list (phrase, category), each phrase with its plural ("robbery",
    "robberies")."""
    phrases: dict[str, list[str]] = {}
    for _, (phrase, category) in _rows(name, 2):
        phrases.setdefault(category, []).extend(_forms(phrase))
    return phrases


def _forms(phrase: str) -> list[str]:
    """A phrase and the plural of its last word: "theft" → "thefts", "robbery" →
    "robberies" (a word ending in "s" is left alone)."""
    if phrase.endswith("s"):
        return [phrase]
    if phrase.endswith("y") and phrase[-2:-1] not in ("a", "e", "o", "u"):
        return [phrase, phrase[:-1] + "ies"]
    return [phrase, phrase + "s"]


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
        scope = Scope(filed=dateline.end() if dateline else 0,
                      acting=_acting_states(events, doc))
        body = _body_sentences(doc, filed=scope.filed)
        story = self._story_setting(doc, events, body, scope=scope)
        points = _time_points(doc, events)
        lead_end = body[0].end_char if body else 0
        kept = []
        for event in events:
            token = token_at(doc, event.trigger.start)
            if self._not_political(event, token, story=story, scope=scope):
                continue
            kept.append(self._flag(event, _trigger_head(doc, event), published, points,
                                   lead=event.sentence.start < lead_end))
        doc._.events = kept
        return doc

    def _framed(self, event: Event, token: Token | None, *, scope: Scope) -> bool:
        """The sentence frames the event as non-political news and no political agent acts:
        "A gas explosion tore through a mine, killing 11", "arrested a man over a
        string of burglaries", "beat Argentina in the World Cup qualifier", "a fire tore
        through the building, killing 46"."""
        sentence = event.sentence.text
        if _political_actor(event.source, scope=scope, setting=self.screens.setting(sentence),
                            agent=True):
            return False
        if self.screens.frames.found(sentence) or _caused_by_mishap(event, token):
            return True
        # ordinary crime codes no arrest, trial or theft; its violence stays for the analyst,
        # and so does what is done to a political actor ("arrested an opposition mayor")
        return event.type not in OCCURRENCES and self.screens.crime_frames.found(sentence) \
            and not _political_actor(event.target, scope=scope)

    def _story_setting(self, doc: Doc, events: Sequence[Event], sentences: Sequence[Span], *,
                       scope: Scope) -> Setting | None:
        """The setting of a non-political story, or None for a political one (or one that
        cannot tell). A story is non-political when none of its events says politics is
        afoot (a political agent, or something done to a named political actor) in its
        first sentence after the dateline, and that sentence holds a frame word (ordinary
        crime included) or a death or injury by mishap ("a building collapsed, killing
        five"); or when none does anywhere, no political word is written (``POLITICAL_WORDS``)
        and most of its sentences hold a frame or topic word ("coach", "investors",
        "firefighters"). ``sentences`` are the article's after its dateline."""
        if not sentences:
            return None
        lead = sentences[0]
        in_lead = [e for e in events if e.sentence.start < lead.end_char]
        lead_text = span_text(lead)
        setting = self.screens.setting(lead_text)
        if self._lead_framed(doc, lead_text, in_lead) and \
                not any(_political_event(e, scope=scope, setting=setting) for e in in_lead):
            return setting
        text = doc_text(doc)[scope.filed:]
        if POLITICAL_WORDS.search(text):
            return None
        setting = self.screens.story_setting(text)
        topical = sum(self.screens.topics.found(span_text(sent)) for sent in sentences)
        if topical < MIN_TOPICAL_SENTENCES or topical < len(sentences) * TOPICAL_SHARE or any(
                _political_event(e, scope=scope, setting=setting) for e in events):
            return None
        return setting

    def _lead_framed(self, doc: Doc, lead: str, in_lead: Sequence[Event]) -> bool:
        """The lead holds a frame word, ordinary crime included, or a death by mishap."""
        return self.screens.frames.found(lead) or self.screens.crime_frames.found(lead) or \
            any(_caused_by_mishap(e, token_at(doc, e.trigger.start)) for e in in_lead)

    def _not_political(self, event: Event, token: Token | None, *, story: Setting | None,
                       scope: Scope) -> bool:
        """A discarded sentence, a framed clause, or no political actor in a non-political
        story (read with the story's setting and the sentence's own)."""
        if self.screens.sentence_discards.found(event.sentence.text):
            return True
        if self._framed(event, token, scope=scope):
            return True
        if (story is not None and story.services or self.screens.frames.found(
                event.sentence.text)) and _rescue_work(event, token):
            return True
        if story is None:
            return False
        setting = story | self.screens.setting(event.sentence.text)
        return not _political_actor(event.source + event.target, scope=scope, setting=setting)

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


def _body_sentences(doc: Doc, *, filed: int) -> list[Span]:
    """The article's sentences with words after its dateline; the first is its lead."""
    return [sent for sent in doc.sents if span_text(sent).strip() and sent.end_char > filed]


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


def _political_event(event: Event, *, scope: Scope, setting: Setting) -> bool:
    """Politics is afoot: a political agent acts, or something is done to a named political
    actor ("police arrested an opposition mayor"; a country struck by a quake is a place)."""
    return _political_actor(event.source, scope=scope, setting=setting, agent=True) or \
        _political_actor(event.target, scope=scope, setting=setting, states=False)


def _political_actor(actors: Sequence[Actor], *, scope: Scope, setting: Setting = Setting(),
                     agent: bool = False, states: bool = True) -> bool:
    """An actor of a political sector, outside the dateline, in the role ``setting`` gives
    it. As an ``agent`` a state named by its demonym on an act counts too: "an Israeli air
    strike hit a house" is Israel acting (``Scope.acting``), "the Japanese retailer
    rejected" is not. Without ``states`` a country name does not count (what "struck
    western Nepal" hit is a place)."""
    return any(actor.start >= scope.filed and (states or actor.kind != "country")
               and _political(actor, setting=setting,
                              agent=agent and actor.start in scope.acting)
               for actor in flatten_actors(actors))


def _political(actor: Actor, *, setting: Setting, agent: bool) -> bool:
    """One actor's side: a political sector, or (an ``agent``) a state by its demonym."""
    words = set(re.findall(r"[a-z]+", f"{actor.text} {actor.name or ''}".lower()))
    if setting.teams and (words & SPORT_ROLES or actor.sector in STATE_SECTORS and (
            actor.kind in ("country", "group") or not words & OFFICES)):
        return False
    if setting.criminals and ((actor.name or "").lower() in UNNAMED_ARMED or (
            actor.sector in ("GOV", "MIL", "IGO", "NGO") and words & LAW_ENFORCEMENT)):
        return False
    if setting.services and actor.sector in ("GOV", "MIL", "IGO", "NGO") and (
            words & PUBLIC_SERVICES or words <= UNNAMED_OFFICIALS):
        return False
    if _owned_name(actor):
        return False
    if actor.sector in POLITICAL_SECTORS:
        return True
    return agent and actor.sector is None and actor.kind == "group" and actor.reason is None \
        and actor.country is not None and actor.country not in GROUP_CODES


def _acting_states(events: Sequence[Event], doc: Doc) -> frozenset[int]:
    """The offsets of demonyms that modify an event's own trigger word ("Israeli" in "an
    Israeli air strike", "Russian shelling"): the state acts. A demonym on another noun
    ("the Japanese retailer") names a nationality, not a state."""
    triggers = {event.trigger.start for event in events}
    return frozenset(
        actor.start for event in events for actor in flatten_actors(event.source)
        if (token := token_at(doc, actor.start)) is not None and token.head.idx in triggers)


def _owned_name(actor: Actor) -> bool:
    """ "Germany's Siemens", "Japan's Nippon Steel": an organisation that owes its
    government sector to the country before it alone, its own name naming no state body."""
    if actor.kind != "organisation" or actor.sector != "GOV" or "'s " not in actor.text:
        return False
    return not set(re.findall(r"[a-z]+", (actor.name or "").lower())) & STATE_BODIES


def _caused_by_mishap(event: Event, token: Token | None) -> bool:
    """A death, injury, blast or destruction that the sentence puts down to a mishap: a
    natural or accidental cause ("a fire tore through the building, killing 46", "fires
    swept through the town, burning homes", "killed by falling trees", "died in the
    crash"), a vehicle or building that fails ("the roof collapsed, killing two", "were
    killed when the bus overturned", "a tunnel caved in"), or a blast at a works ("an
    explosion at a steel plant")."""
    if token is None:
        return False
    if _structure_fails(token) or _works_blast(token):
        return True
    verbs = [token, *governing_heads(token, ("advcl", "conj", "xcomp", "relcl"))]
    return any(_mishap_clause(verb, own=verb is token) for verb in verbs)


def _mishap_clause(verb: Token, *, own: bool) -> bool:
    """The clause of ``verb`` tells of a mishap: its verb (when it governs the harm, not is
    it), its subject, its agent or a cause phrase ("in the fire"), or a "when" clause."""
    if not own and verb.lemma_.lower() in MISHAP_VERBS:
        return True
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and _mishap_noun(child):
            return True
        if child.dep_ in ("agent", "prep") and child.lower_ in CAUSE_PREPOSITIONS and any(
                p.dep_ == "pobj" and (_mishap_noun(p) or _works_blast(p))
                for p in child.children):
            return True
        if child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("when", "as")
                                         for m in child.children) \
                and _mishap_clause(child, own=False):
            return True
    return False


def _rescue_work(event: Event, token: Token | None) -> bool:
    """In a disaster, an accident or an outbreak, rescuing and evacuating people and
    declaring an emergency is rescue work by whoever does it ("the navy rescued 40
    fishermen", "the mayor declared a state of emergency"), not aid between political
    actors ("approved disaster assistance" stays)."""
    if token is not None and token.lemma_.lower() in RESCUE_LEMMAS:
        return True
    return "emergency" in event.trigger.text.lower()


def _structure_fails(verb: Token) -> bool:
    """ "part of a road tunnel caved in", "the ferry sank": a building or vehicle that
    fails is the subject of a trigger that is no act ("caved in" is no concession)."""
    if verb.lemma_.lower() not in MISHAP_VERBS:
        return False
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if verb.dep_ in ("acl", "relcl"):
        subjects.append(verb.head)
    for subject in subjects:
        if any(noun.lemma_.lower() in STRUCTURES for noun in _noun_phrase(subject)):
            return True
    return False


def _noun_phrase(noun: Token) -> list[Token]:
    """A noun with the nouns of its "of" phrase and those it hangs from through
    prepositions ("part of a road tunnel under construction": part, tunnel, construction)."""
    nouns = [noun, *(p for prep in noun.children if prep.dep_ == "prep"
                     for p in prep.children if p.dep_ == "pobj")]
    current = noun
    for _ in range(2):
        if current.dep_ != "pobj" or current.head.dep_ != "prep":
            break
        current = current.head.head
        nouns.append(current)
    return nouns


def _mishap_noun(noun: Token) -> bool:
    """A cause that is no agent ("the blaze", "floodwaters", "the collapse"), unless a
    modifier names who made it ("Israeli fire", "artillery fire", "the army's fire"; a
    capitalised modifier inside the sentence is a name or a nationality)."""
    if noun.lemma_.lower() not in MISHAP_CAUSES and noun.lower_ not in MISHAP_CAUSES:
        return False
    return not any(child.dep_ in ("amod", "compound", "poss", "nmod")
                   and (child.pos_ == "PROPN" or child.lemma_.lower() in ARMED_MODIFIERS
                        or child.text[:1].isupper() and not child.is_sent_start)
                   for child in noun.children)


def _works_blast(noun: Token) -> bool:
    """ "an explosion at a steel plant", "a fire in a textile factory": a blast or fire at
    a place of work is an industrial accident."""
    if noun.lemma_.lower() not in WORKS_HAZARDS:
        return False
    return any(child.dep_ == "prep" and child.lower_ in ("at", "in", "inside")
               and any(p.dep_ == "pobj" and p.lemma_.lower() in WORKS for p in child.children)
               for child in noun.children)


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
