"""Stage ``measure_size``: casualty and arrest counts attached to events.

The counts come from a handful of surface patterns that cover how news
reports them ("killing 26 people", "26 people were killed", "at least 12
dead", "leaving three wounded", "two soldiers and a civilian were killed",
"killed 5, injured 12", "no one was hurt", "the death toll rose to 30").
Patterns read the text, so hand-built Docs without a parse get all of them;
a parse only adds the victims of kill verbs (see below).

Conventions:

- "at least 12", "more than 12", "nearly 12" count as 12: the stated figure.
- Vague amounts ("dozens", "scores", "hundreds", "several", "many") give
  ``None`` (not stated), never a guess.
- Coordinated groups are added up: "two soldiers and a civilian" = 3,
  "the driver and two others" = 3.
- Zero is a statement: "no casualties" sets killed = injured = 0,
  "no one was hurt" the same, "no one was killed" killed = 0.
- Several figures for one kind in the text of one event keep the largest,
  so a subgroup ("including 14 soldiers") never replaces the total; "20
  people, including 13 attackers, were killed" = 20.
- A vague addend beside stated ones keeps the stated part, a lower bound:
  "a ranger and an unknown number of orcs died" = 1.
- "In addition to the attacker, two people were killed" = 3: the attacker
  died too. "Both" = 2 ("both brothers"), but not "both sides".
- A singular person with "a/an/the" or a possessive is one: "killed a
  soldier", "his driver was injured"; four-digit years are never counts,
  even before a count ("On 9 May 2020, 9 soldiers were killed").

A count goes to the ASSAULT / COERCE / PROTEST / MOBILIZE event of its
sentence (arrests prefer COERCE, deaths and injuries ASSAULT, then the
nearest trigger); a sentence with no such event of its own gives its counts
to the most recent such event of the two sentences before it.

Reports name one incident with several triggers ("threw a grenade … in the
blast"), and a scorer or user usually reads one of them, so the figures of a
sentence are also *shared* with the other ASSAULT (deaths, injuries) or
COERCE (arrests) events of that sentence and of the two sentences before it
in the same paragraph, where those have no figure of that kind themselves;
the earliest stated figure wins, and figures inside a motive clause ("to
avenge 9 dead villagers") are not shared. A later definite mention
("sources blamed Mordor for the attack") takes the figures of the incident
before it. With a dependency parse the victims of kill / injure / arrest
verbs are also counted from the parse ("shot and killed an elderly
ferryman" = 1, "Faramir was killed" = 1, "stabbed to death", "was injured
and later died").
"""

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newsevents.errors import Errors, InputError
from newsevents.stages.common import caseless_text, caseless_twin, doc_text, span_of
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
PHRASES: dict[str, int] = {
    "a dozen": 12, "half a dozen": 6, "a couple of": 2, "a hundred": 100, "both": 2,
}
VAGUE: tuple[str, ...] = (
    "dozens", "scores", "hundreds", "thousands", "several", "many", "numerous", "multiple",
    "some", "a few", "a number of", "a handful of", "an unknown number of",
    "an undetermined number of", "an unspecified number of", "a large number of",
    "a small number of", "an unknown number", "unknown number of",
)
PERSON_NOUNS: frozenset[str] = frozenset({
    "person", "man", "woman", "child", "boy", "girl", "baby", "civilian", "soldier", "officer",
    "policeman", "policewoman", "guard", "driver", "passenger", "pedestrian", "resident",
    "villager", "worker", "student", "teacher", "journalist", "reporter", "protester",
    "demonstrator", "militant", "fighter", "insurgent", "gunman", "rebel", "attacker", "suspect",
    "bystander", "victim", "member", "official", "commander", "leader", "farmer", "doctor",
    "nurse", "shopkeeper", "trader", "tourist", "pilgrim", "worshipper", "lawyer", "activist",
    "employee", "individual", "teenager", "youth", "infant", "policeofficer", "trooper",
    "bodyguard", "shepherd", "herder", "herdsman", "fisherman", "husband", "wife", "son",
    "daughter", "brother", "sister", "father", "mother", "relative", "cousin", "uncle", "nephew",
    "niece", "chief", "clerk", "escort", "cleric", "imam", "priest", "pastor", "monk", "judge",
    "mayor", "governor", "prosecutor", "registrar", "hostage", "prisoner", "inmate", "detainee",
    "migrant", "refugee", "miner", "engineer", "contractor", "agent", "informant", "politician",
    "candidate", "councillor", "councilor", "lawmaker", "legislator", "senator", "deputy",
    "minister", "diplomat", "elder", "chieftain", "headman", "citizen", "national", "assailant",
    "bomber", "perpetrator", "sniper", "kidnapper", "abductor", "robber", "smuggler", "trafficker",
    "jihadist", "extremist", "terrorist", "combatant", "paramilitary", "constable", "sergeant",
    "lieutenant", "captain", "colonel", "watchman", "vendor", "businessman", "businesswoman",
    "merchant", "labourer", "laborer", "mechanic", "volunteer", "medic", "paramedic", "ranger",
    "warden", "cameraman", "photographer", "editor", "blogger", "professor", "lecturer",
    "principal", "pupil", "toddler", "kid", "adult", "passerby", "customer", "patient",
    "worshiper", "parishioner", "believer", "tribesman", "settler", "serviceman", "servicemember",
    "marine", "sailor", "pilot", "airman", "recruit", "cadet", "conscript", "defector", "deserter",
    "informer", "spy", "collaborator", "landowner", "tenant", "owner", "manager", "director",
    "secretary", "administrator", "coordinator", "spokesman", "spokeswoman", "spokesperson",
    "boss", "supporter", "follower", "opponent", "critic", "dissident", "occupant"
})

_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
_PERSON = "|".join(sorted(PERSON_NOUNS, key=len, reverse=True))
_TEN = "|".join(TENS)
_VAGUE = "|".join(v.replace(" ", r"\s+") for v in VAGUE)
_NUMBER = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+|(?!(?:1[89]|20)\d\d(?!\d))\d+|"
    rf"(?:{_TEN})(?:[- ](?:{_UNIT}))?|(?:{_UNIT})\s+hundred|"
    rf"half\s+a\s+dozen|a\s+dozen|a\s+couple\s+of|a\s+hundred|{_UNIT}|"
    rf"both(?!\s+(?:sides|parties|countries|groups|camps|nations|teams|ways)\b)|"
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
              "shot dead", "found dead", "lost their lives", "deaths", "fatalities", "lives",
              "death", "fatality", "killings", "murder", "murders"):
    _VERB_KIND[_word] = "killed"
for _word in ("injured", "injuring", "injures", "injure", "wounded", "wounding", "wounds",
              "wound", "hurt", "injuries"):
    _VERB_KIND[_word] = "injured"
for _word in ("arrested", "arresting", "arrests", "arrest", "detained", "detaining", "detains",
              "detain", "apprehended", "taken into custody", "rounded up", "detentions",
              "detention"):
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
    rf"(?P<verb>lives|deaths|death|fatalities|fatality|injuries|arrests|detentions))\b"
    rf"(?!\s+(?:threats?|sentences?|penalty|squads?|row|toll|certificates?)\b)"
)
# "Eleven guards were killed, including 4 archers" / "At least 40 people, including
# 22 raiders, were killed": the head group is the total.
_INCLUDING_PATTERN = re.compile(
    rf"(?i:(?<![\w,.])(?<!no\s)(?P<groups>{_group(0)})\s*,?\s*\(?(?:including|among\s+them|"
    rf"mostly|most\s+of\s+them)\b[^.;]{{0,150}}?\)?,?\s+(?:were|was|have\s+been|has\s+been|"
    rf"had\s+been|are|is)\s+(?:(?:reportedly|also|allegedly|all)\s+)?(?P<verb>{_AFTER_WORDS}))\b"
)
# "In addition to the attacker, two people were killed": the named group died too.
_ADDITION_PATTERN = re.compile(
    rf"(?i:\bin\s+addition\s+to\s+(?P<groups>{_group(0)})\s*,\s*)$"
)
# "Fatalities were recorded as 3", "deaths put at 12"
_CODED_PATTERN = re.compile(
    rf"(?i:\b(?:fatalities|deaths|death\s+toll)\s+(?:(?:were|was|are|is|have\s+been|has\s+been)"
    rf"\s+)?(?:coded|recorded|estimated|put|given|listed|counted|set|confirmed)\s+(?:as|at)\s+"
    rf"(?P<groups>{_group(0)}))(?![\w-])"
)
# "ended in the killing of 2 rangers and 3 guards", "the arrest of 12 people"
_OF_PATTERN = re.compile(
    rf"(?i:\b(?P<verb>killing|killings|deaths|death|murder|murders|injuring|wounding|arrest|"
    rf"arrests|detention)\s+of\s+(?P<groups>{_GROUPS}))(?![\w-])"
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


# Every pattern needs one of these word stems; a sentence without any is skipped.
_CASUALTY_WORD = re.compile(
    r"(?i:kill|dead|die|death|perish|slain|lives|fatalit|casualt|toll|injur|wound|hurt|"
    r"arrest|detain|detention|apprehend|custody|rounded|murder)"
)
_INCLUDING_WORD = re.compile(r"(?i:including|among\s+them|mostly|most\s+of\s+them)")
# Case-sensitive twins of the patterns that ignore case throughout, for the lowered
# text (``common.caseless_text``; issue 12). _NOUN_PATTERN's closing look-ahead keeps case.
# Keyed by the pattern's text: hashing a compiled pattern hashes its whole program.
_TWINS: dict[str, re.Pattern[str]] = {
    pattern.pattern: caseless_twin(pattern)
    for pattern in (_SUBJECT_PATTERN, _INCLUDING_PATTERN, _OBJECT_PATTERN, _RESULT_PATTERN,
                    _OF_PATTERN, _TOLL_PATTERN, _CODED_PATTERN, _ZERO_PATTERN, _INCLUDING_WORD,
                    _CASUALTY_WORD)
}


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
    """The sum of the counted groups of a match, and whether it counts people at all.

    A vague addend beside stated ones ("a ranger and an unknown number of
    orcs") leaves the stated part, a lower bound like "at least 1"; a vague
    amount alone ("dozens") is not stated.
    """
    total = 0
    vague = False
    known = False
    for i in range(_MAX_GROUPS):
        number = m.groupdict().get(f"n{i}")
        determiner = m.groupdict().get(f"d{i}")
        if i > 0 and (number or determiner):
            after = m.string[m.end(f"g{i}"):m.end(f"g{i}") + 12].lstrip().lower()
            if after.startswith(("of ", "including", "among")):
                break  # "26 people, 14 of them children": a subgroup, not an addend
        if number:
            value = number_value(number)
            if value is None:
                vague = True
            elif 1900 <= value <= 2100 and "," not in number:
                return None, False
            else:
                known = True
                total += value
        elif determiner:
            noun = (m.groupdict().get(f"p{i}") or "").lower()
            if noun not in PERSON_NOUNS:
                return None, False
            known = True
            total += 1
    if not known:
        return None, vague
    return total, True


def find_counts(text: str, start: int = 0, end: int | None = None) -> list[Count]:
    """Every casualty or arrest figure in ``text[start:end]``."""
    end = len(text) if end is None else end
    counts: list[Count] = []
    if not _states_casualties(text, start, end):
        return counts  # most sentences state no figure: one cheap scan instead of nine
    lowered = caseless_text(text)

    def matches(pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        twin = _TWINS.get(pattern.pattern) if lowered is not None else None
        if twin is not None:
            return twin.finditer(lowered, start, end)
        return pattern.finditer(text, start, end)

    including = next(matches(_INCLUDING_WORD), None) is not None
    for pattern in (_SUBJECT_PATTERN, _INCLUDING_PATTERN, _OBJECT_PATTERN, _RESULT_PATTERN,
                    _NOUN_PATTERN, _OF_PATTERN, _TOLL_PATTERN, _CODED_PATTERN):
        if pattern is _INCLUDING_PATTERN and not including:
            continue
        for m in matches(pattern):
            value, people = _groups_total(m)
            if not people:
                continue
            verb = re.sub(r"\s+", " ", m["verb"].lower()) if "verb" in m.groupdict() else "killed"
            kind = _VERB_KIND.get(verb, "killed")
            if kind == "killed" and value is not None and pattern is not _OBJECT_PATTERN:
                value += _also_dead(text, start, m.start())
            counts.append(Count(kind, value, m.start(), m.end()))
    for m in matches(_ZERO_PATTERN):
        word = (m["verb"] or m["noun"]).lower()
        if word in ("hurt", "casualties"):
            counts.append(Count("killed", 0, m.start(), m.end()))
            counts.append(Count("injured", 0, m.start(), m.end()))
        else:
            counts.append(Count(_VERB_KIND.get(word, "killed"), 0, m.start(), m.end()))
    return sorted(counts, key=lambda count: (count.start, count.kind))


def _states_casualties(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a casualty word stem (any case)."""
    lowered = caseless_text(text)
    if lowered is not None:
        return _TWINS[_CASUALTY_WORD.pattern].search(lowered, start, end) is not None
    return _CASUALTY_WORD.search(text, start, end) is not None


def _also_dead(text: str, start: int, at: int) -> int:
    """The group an "in addition to the attacker," just before ``at`` adds to a death toll."""
    m = _ADDITION_PATTERN.search(text, max(start, at - 80), at)
    if m is None:
        return 0
    value, people = _groups_total(m)
    return value if people and value is not None else 0


# Parse reading of a kill / injure / arrest verb's victims, for what the surface
# patterns cannot see: a determiner with several modifiers ("shot and killed an
# elderly ferryman"), a name ("Faramir was killed"), a pronoun ("killed
# him"), "stabbed to death", "one of the attackers died".
PARSE_VERBS: dict[str, Kind] = {
    "kill": "killed", "murder": "killed", "assassinate": "killed", "behead": "killed",
    "lynch": "killed", "slay": "killed", "die": "killed", "execute": "killed",
    "injure": "injured", "wound": "injured", "hurt": "injured",
    "arrest": "arrested", "detain": "arrested", "apprehend": "arrested",
}
# Verbs that kill only "to death" or "dead": "stabbed to death", "shot dead".
TO_DEATH_VERBS: frozenset[str] = frozenset({
    "shoot", "stab", "beat", "hack", "burn", "stone", "bludgeon", "strangle", "club",
    "torture", "hang", "gun", "crush", "lynch", "trample", "starve", "freeze",
})
# Nouns whose ending looks like a person ("-er", "-ent") but that name things.
NOT_PERSON_NOUNS: frozenset[str] = frozenset({
    "center", "centre", "border", "number", "power", "order", "water", "tower", "quarter",
    "shelter", "container", "helicopter", "computer", "paper", "letter", "corner", "banner",
    "poster", "trailer", "tanker", "government", "parliament", "department", "movement",
    "establishment", "restaurant", "plant", "tent", "event", "incident", "equipment",
    "apartment", "compartment", "monitor", "sector", "factor", "door", "floor", "corridor",
    "motor", "reactor", "generator", "elevator", "tractor", "counter", "river", "weather",
    "matter", "answer", "pressure",
})
_PERSON_ENDINGS: tuple[str, ...] = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman",
                                    "ee", "eer", "ier", "ess", "ic", "ite", "men")
_SINGLE_PRONOUNS: frozenset[str] = frozenset({"he", "him", "she", "her", "himself", "herself"})
# A kind whose figures are shared by every event of the incident, per event type.
SHARED_KINDS: dict[str, tuple[Kind, ...]] = {
    "ASSAULT": ("killed", "injured"),
    "COERCE": ("arrested",),
}


def parse_counts(sent: SpacySpan) -> list[Count]:
    """Victim counts read from the parse of one sentence (see ``PARSE_VERBS``)."""
    counts: list[Count] = []
    for token in sent:
        lemma = token.lemma_.lower()
        kind = PARSE_VERBS.get(lemma)
        if kind is None and lemma in TO_DEATH_VERBS and _to_death(token):
            kind = "killed"
        if kind is None or token.pos_ not in ("VERB", "AUX", "NOUN"):
            continue
        for victim in _victims(token):
            value = _victim_count(victim)
            if value is not None:
                start = min(token.idx, victim.idx)
                end = max(token.idx + len(token), victim.idx + len(victim))
                counts.append(Count(kind, value, start, end))
    return counts


def _to_death(token: Token) -> bool:
    for child in token.children:
        if child.lower_ == "dead":
            return True
        if child.dep_ == "prep" and child.lower_ == "to" and \
                any(grand.lower_ == "death" for grand in child.children):
            return True
    return False


def _victims(verb: Token) -> list[Token]:
    """Who the verb happened to: passive subject, object, or the subject of "die"."""
    wanted = ("nsubj",) if verb.lemma_.lower() == "die" else ("nsubjpass", "dobj")
    found = [child for child in verb.children if child.dep_ in wanted]
    if found:
        return found[:1]
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        return [verb.head]  # "a soldier killed in the blast"
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX") and \
            not any(child.dep_ in ("nsubj", "nsubjpass") for child in verb.children):
        head_subjects = {child.dep_: child for child in verb.head.children
                         if child.dep_ in ("nsubj", "nsubjpass")}
        if verb.lemma_.lower() == "die" or any(child.dep_ == "auxpass" for child in verb.children):
            # "was injured and later died", "stormed the gate and were killed"
            found = [head_subjects[dep] for dep in ("nsubjpass", "nsubj") if dep in head_subjects]
            return found[:1]
        if "nsubjpass" in head_subjects and verb.tag_ == "VBN":
            return [head_subjects["nsubjpass"]]  # "a man was shot and killed"
    return []


def _victim_count(noun: Token) -> int | None:
    """How many people a victim phrase names; None when it is vague or not people."""
    total = 0
    members = [noun, *(child for child in noun.children if child.dep_ == "conj")]
    for member in members:
        value = _member_count(member)
        if value is None:
            return None
        total += value
    return total


def _member_count(noun: Token) -> int | None:
    if noun.tag_ == "CD":
        return number_value(noun.text)  # "one of the attackers died"
    numbers = [child for child in noun.children if child.dep_ == "nummod"]
    if numbers:
        return number_value(numbers[0].text)
    if noun.tag_ in ("NNS", "NNPS"):
        return None
    if noun.pos_ == "PRON":
        return 1 if noun.lower_ in _SINGLE_PRONOUNS else None
    if noun.pos_ == "PROPN":
        # A name that is killed, hurt or held is a person, whatever the NER guessed.
        return None if noun.ent_type_ in ("GPE", "LOC", "FAC") else 1
    if noun.pos_ in ("NOUN", "ADJ") and _is_person(noun) and \
            any(child.dep_ in ("det", "poss") for child in noun.children):
        return 1
    return None


def _is_person(noun: Token) -> bool:
    word = noun.lemma_.lower()
    if word in PERSON_NOUNS or word == "other" or noun.ent_type_ in ("PERSON", "NORP"):
        return True
    return word not in NOT_PERSON_NOUNS and word.endswith(_PERSON_ENDINGS)

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
    """Attach the figures of each sentence to the events of the incident they describe."""

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
        own: dict[int, list[Count]] = {}
        shared: dict[int, dict[Kind, int]] = {}
        sentences = _sentences(doc)
        for index, (start, end, sent) in enumerate(sentences):
            counts = find_counts(doc_text(doc), start, end)
            if sent is not None:
                counts.extend(parse_counts(sent))
            if not counts:
                continue
            here = [i for i in eligible if start <= events[i].trigger.start < end]
            if here:
                for count in counts:
                    own.setdefault(_closest(events, here, count), []).append(count)
            else:
                window_start = sentences[max(0, index - LOOK_BACK_SENTENCES)][0]
                before = [i for i in eligible if window_start <= events[i].trigger.start < start]
                if before:
                    latest = max(before, key=lambda i: events[i].trigger.start)
                    own.setdefault(latest, []).extend(counts)
            motive = _MOTIVE.search(doc_text(doc), start, end)
            totals = merge_size(Size(), (count for count in counts
                                         if motive is None or count.start < motive.start()))
            for i in _incident(doc_text(doc), events, eligible, sentences, index):
                inherited = shared.setdefault(i, {})
                for kind in SHARED_KINDS[events[i].type]:
                    value = getattr(totals, kind)
                    if value is not None:
                        inherited.setdefault(kind, value)
        for i in sorted(set(own) | set(shared)):
            size = merge_size(events[i].size, own.get(i, ()))
            filled = {kind: value for kind, value in shared.get(i, {}).items()
                      if getattr(size, kind) is None}
            events[i] = dataclasses.replace(events[i], size=dataclasses.replace(size, **filled))
        _resolve_anaphors(doc, events, eligible)
        doc._.events = events
        return doc


_ANAPHOR = re.compile(r"(?i:\b(?:the|this|that|these|those)\s+(?:[\w-]+\s+)?)$")


def _resolve_anaphors(doc: Doc, events: list[Event], eligible: Sequence[int]) -> None:
    """Give "the attack" the figures of the incident it refers back to.

    A definite noun trigger ("locals blamed Mordor for the attack", "the explosion
    was claimed by …") names the incident already described, so it shares the
    figures of the latest ASSAULT event with figures earlier in its paragraph.
    """
    text = doc_text(doc)
    latest: Event | None = None
    for i in sorted(eligible, key=lambda i: events[i].trigger.start):
        event = events[i]
        if event.type != "ASSAULT":
            continue
        if latest is not None and "\n" in text[latest.trigger.end:event.trigger.start]:
            latest = None
        size = event.size
        if size.killed is not None or size.injured is not None:
            latest = event
            continue
        if latest is None or not _is_anaphor(doc, event):
            continue
        events[i] = dataclasses.replace(event, size=dataclasses.replace(
            size, killed=latest.size.killed, injured=latest.size.injured))


def _is_anaphor(doc: Doc, event: Event) -> bool:
    trigger = event.trigger
    if " " in trigger.text.strip() or not _ANAPHOR.search(doc_text(doc), max(0, trigger.start - 30),
                                                          trigger.start):
        return False
    if doc.has_annotation("POS"):
        span = span_of(doc, trigger)
        return span is not None and span.root.pos_ == "NOUN"
    return True


# A motive clause names an earlier, other incident ("to avenge the 41 who
# died"): its figures stay with its own trigger and are not shared.
_MOTIVE = re.compile(
    r"(?i:\b(?:in\s+(?:retaliation|response|revenge|reprisal)|to\s+avenge|"
    r"(?:revenge|retaliation|reprisal)\s+for)\b)"
)


def _incident(text: str, events: Sequence[Event], eligible: Sequence[int],
              sentences: Sequence[tuple[int, int, SpacySpan | None]], index: int) -> list[int]:
    """The events a figure stated in sentence ``index`` is shared with.

    A report states an incident and then its toll, often in the next sentence
    and against another trigger ("Raiders fired on the ferry. A guard died and
    17 more were hurt in the raid."). So the figures of a
    sentence also belong to the other ASSAULT (deaths, injuries) or COERCE
    (arrests) events of that sentence and of the ``LOOK_BACK_SENTENCES``
    sentences before it in the same paragraph, wherever those have no figure of
    their own. The earliest sentence wins, so a later, unrelated toll ("… in
    retaliation for an airstrike that killed 41") does not overwrite it.
    """
    end = sentences[index][1]
    first = index
    while first > max(0, index - LOOK_BACK_SENTENCES):
        previous = _content_start(text, sentences[first - 1][0])
        if "\n" in text[previous:_content_start(text, sentences[first][0])]:
            break  # a paragraph ends between the two sentences
        first -= 1
    window_start = sentences[first][0]
    return [i for i in eligible
            if events[i].type in SHARED_KINDS and window_start <= events[i].trigger.start < end]


def _content_start(text: str, start: int) -> int:
    """The first non-space character at or after ``start``."""
    m = _NON_SPACE.search(text, start)
    return m.start() if m else len(text)


_NON_SPACE = re.compile(r"\S")


def _closest(events: Sequence[Event], candidates: Sequence[int], count: Count) -> int:
    preferred = "COERCE" if count.kind == "arrested" else "ASSAULT"
    typed = [i for i in candidates if events[i].type == preferred] or list(candidates)

    def distance(i: int) -> int:
        trigger = events[i].trigger
        if trigger.start < count.end and count.start < trigger.end:
            return 0
        return min(abs(trigger.start - count.end), abs(count.start - trigger.end))

    return min(typed, key=lambda i: (distance(i), events[i].trigger.start))


def _sentences(doc: Doc) -> list[tuple[int, int, SpacySpan | None]]:
    """Sentence bounds, with the parsed sentence when the Doc has a parse."""
    if doc.has_annotation("SENT_START"):
        parsed = doc.has_annotation("DEP")
        return [(sent.start_char, sent.end_char, sent if parsed else None) for sent in doc.sents]
    bounds: list[tuple[int, int, SpacySpan | None]] = []
    start = 0
    for m in re.finditer(r"[.!?](?=[\"”’')]?\s+[\"“‘A-Z0-9])|\n+", doc_text(doc)):
        bounds.append((start, m.end(), None))
        start = m.end()
    bounds.append((start, len(doc_text(doc)), None))
    return bounds


# spaCy forbids "." in factory names (E853), so the registered name
# "newsevents.measure_size.v1" is spelled with underscores.
FACTORY = "newsevents_measure_size_v1"


@Language.factory(
    FACTORY,
    requires=["doc._.events", "doc.sents", "token.dep", "token.head", "token.pos",
              "token.tag", "token.lemma"],
    assigns=["doc._.events"],
    default_config={"event_types": list(EVENT_TYPES)},
)
def make_size_measurer(nlp: Language, name: str, event_types: list[str]) -> SizeMeasurer:
    """A SizeMeasurer for the given PLOVER event types."""
    return SizeMeasurer(event_types=event_types)
