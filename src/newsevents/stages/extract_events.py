"""extract_events: code PLOVER events from triggers and the grammar of their clause.

A trigger is a verb or noun from the lexicon (``data/triggers.tsv``), checked
against its particle ("call on") or object ("express concern") where the
lexicon asks for one. Source and target come from the dependency parse, not
from word proximity:

* active clauses: subject → source; direct object, dative and the objects of
  "against/on/with/to/at/for/into/toward" → target;
* passives: "by" agent → source, passive subject → target;
* subjects are inherited through conjoined verbs, "to"-infinitives and
  participle clauses ("condemned …, pledging cooperation");
* nominal events take their actors from possessives, nationality adjectives
  and "by/against/on/with" phrases ("Russia's attack on Kyiv"); relational
  nouns ("consultations with Pakistan") take their source from the governing
  clause;
* reported speech keeps the embedded clause's own actors and records the
  speaker in ``reported_by``; "we"/"our" in the quote is the speaker.

Negation ("did not condemn") and hypotheticals ("would impose", "if …",
"threatened to impose") are flagged, not dropped.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.attrs import LEMMA, LOWER, POS
from spacy.language import Language
from spacy.symbols import IDS
from spacy.tokens import Doc, Span, Token

from newsevents.kb.lexicon import Lexicon, Trigger
from newsevents.stages.common import (
    COMPLEMENT_DEPS,
    OCCURRENCE_TYPES,
    RESPONSE_TYPES,
    STATEMENT_TYPES,
    actor_index,
    doc_text,
    governing_heads,
    heading_ranges,
    span_text,
    in_ranges,
    is_negated,
)
from newsevents.types import Actor, Event, flatten_actors
from newsevents.types import Span as TextSpan

SUBJECT_DEPS = {"nsubj", "csubj", "expl"}
TARGET_PREPS = {"against", "on", "with", "to", "at", "for", "into", "toward", "towards", "upon",
                "over", "from"}
DEFINITE_DETERMINERS = {"the", "this", "that", "these", "those"}
MOTIVE_WORDS = {"retaliation", "response", "revenge", "reprisal", "avenge"}
MAX_TRIGGER_GAP = 3  # tokens between a trigger's head and the particle/object shown with it
PERSON_OBJECT = "person"  # lexicon object class: any named person or group of people
PEOPLE_NOUNS = {"people", "civilian", "resident", "villager", "member", "man", "woman", "child",
                "national", "citizen", "activist", "official", "prisoner", "detainee", "hostage"}
SPEECH_VERBS = {
    "say", "tell", "add", "state", "announce", "affirm", "remark", "conclude", "note", "claim",
    "insist", "declare", "stress", "emphasise", "emphasize", "explain", "report", "write",
    "reiterate", "confirm", "assert", "argue", "believe", "highlight", "underline", "observe",
    "continue", "comment", "tweet", "post", "suggest", "indicate", "acknowledge",
}
FIRST_PERSON = {"we", "i", "our", "us", "my", "me"}
# in reported speech an unresolved "it"/"they" is usually the speaker ("Syria says it is willing")
SPEAKER_PRONOUNS = {"it", "they", "he", "she"}
# The parts of speech _matches reads as verbs (an ADJ as a participle or complement) and
# as nouns (an ADJ or PROPN in a noun's place, see _nominal).
_VERB_LIKE_POS = frozenset({IDS["VERB"], IDS["AUX"], IDS["ADJ"]})
_NOUN_LIKE_POS = frozenset({IDS["NOUN"], IDS["PROPN"], IDS["ADJ"]})
RELATIVE_PRONOUNS = {"who", "that", "which", "whom"}
HYPOTHETICAL_AUX = {"would", "could", "might", "may", "should"}
HYPOTHETICAL_HEADS = {
    "threaten", "plan", "consider", "propose", "intend", "seek", "hope", "want", "wish",
    "aim", "prepare", "offer", "vow", "promise", "pledge", "threat", "plot", "try",
    "attempt", "warn", "expect", "mull", "weigh", "agree", "commit", "decide", "willing",
    "prepared", "ready", "urge", "ask", "call", "demand", "appeal", "press",
}
REFUSAL_HEADS = {"refuse", "decline", "reject", "fail", "oppose", "avoid", "resist"}
# phrasal refusals: "ruled out supplying the missiles"
REFUSAL_PHRASES = {("rule", "out")}
# Dependencies of a word that stands where a noun does.
NOUN_ROLES = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj", "appos"})
# Prepositions that cite an existing agreement or measure rather than report one
# ("under the treaty", "in line with the deal"): (preposition, the word it hangs on).
CITING_PREPS = {("under", None), ("to", "according"), ("with", "line"),
                ("with", "accordance"), ("to", "pursuant")}
BLAME_TYPES = {"ACCUSE", "REJECT"}
# Joint acts: two parties named together are the two sides ("X and Y agreed").
SYMMETRIC_TYPES = frozenset({"AGREE", "CONSULT", "COOPERATE"})
# Documents whose acts are their author's ("a resolution that backed …").
DOCUMENT_NOUNS = frozenset({"resolution", "statement", "report", "declaration", "communique",
                            "communiqué", "letter", "decree", "motion", "memorandum"})
# "alarmed by", "troubled about": the preposition of what a feeling is about.
EXPERIENCER_PREPS = frozenset({"by", "about", "at", "over"})
LEGAL_MODES = frozenset({"sue", "convict"})
# "armed with rifles", "equipped with drones": what someone carries, not an act of aid
EQUIPPING_LEMMAS = frozenset({"arm", "equip"})
# Sectors that bring charges and pass sentences (a government speaking may only report them).
LEGAL_AUTHORITIES = frozenset({"JUD", "COP"})
# Possessives that make the speaker the owner in reported speech ("its fighters").
OWN_POSSESSIVES = frozenset({"our", "my", "its", "their"})
# Prepositions of the event a passive happened in ("killed in the shelling").
AGENT_EVENT_PREPS = frozenset({"in", "during", "by"})
# "accused X of …", "blamed X for …", "charged X with …": what follows is alleged.
ALLEGATION_VERBS = frozenset({"accuse", "blame", "charge", "criticise", "criticize", "suspect",
                              "condemn", "denounce", "fault"})
ALLEGATION_PREPS = frozenset({"of", "for", "with"})
DENIAL_VERBS = frozenset({"deny"})
DENIED_DEPS = frozenset({"dobj", "xcomp", "ccomp", "pcomp", "pobj", "prep"})
# The prepositions the object of a response (common.RESPONSE_TYPES) may hang on
# ("apologised for the remarks").
RESPONSE_PREPS = frozenset({"for", "over", "against", "to"})
# Nouns that name an earlier event of any type ("welcomed the decision").
REFERRING_NOUNS = frozenset({
    "decision", "move", "remark", "comment", "statement", "step", "measure", "action",
    "announcement", "plan", "proposal", "report", "ruling", "verdict", "signing", "claim",
    "allegation", "charge", "criticism", "accusation", "law", "bill", "policy", "result",
})
# Acts whose victims a participle may name ("shelled villages …, killing four civilians").
HARM_VERBS = frozenset({"kill", "wound", "injure", "hurt", "maim"})
STRUCK_TYPES = frozenset({"ASSAULT", "COERCE"})
# Verbs whose subject claims an attack as its own ("claimed responsibility for …").
CLAIM_VERBS = frozenset({"claim", "accept", "admit", "take"})
# "both sides", "the two parties": the parties of an earlier event.
SIDE_NOUNS = frozenset({"side", "party"})
# "what it called a cowardly attack": the verbs that name what the object is.
NAMING_VERBS = frozenset({"call", "describe", "term", "label", "brand"})
VERBAL_TYPES = {"AGREE", "REQUEST", "ACCUSE", "THREATEN"}
# an intended deployment is not by itself a threat ("the army will deploy to the south")
CONFLICT_TYPES = {"SANCTION", "COERCE", "ASSAULT", "REJECT", "PROTEST"}
FUTURE_AUX = {"will", "'ll", "shall", "would"}
INTENT_HEADS = {  # words that are triggers themselves ("promise", "threaten") are not here
    "willing", "prepared", "ready", "plan", "intend", "decide", "determined", "want", "wish",
    "seek", "hope", "expect", "set", "due", "poised",
}
# Heads whose infinitive complement is the event itself, not a purpose clause.
MAIN_CLAUSE_HEADS = frozenset(INTENT_HEADS | HYPOTHETICAL_HEADS | {"continue", "begin", "start"})
# Subjects that stand for the speaker in reported speech.
SELF_REFERENCES = frozenset(FIRST_PERSON | SPEAKER_PRONOUNS)
PROMISE_CAMEO = {"SUPPORT": "032", "COOPERATE": "031", "AID": "033", "CONCEDE": "035",
                 "RETREAT": "0356", "CONSULT": "036"}
THREAT_CAMEO = {"SANCTION": "131", "COERCE": "137", "ASSAULT": "138", "MOBILIZE": "138",
                "PROTEST": "133", "REJECT": "130"}
CONTEXT_WORDS: dict[str, str] = {
    "nuclear": "nuclear", "uranium": "nuclear", "missile": "military", "missiles": "military",
    "refugee": "refugees", "refugees": "refugees", "asylum": "migration", "migrants": "migration",
    "migration": "migration", "terrorism": "terrorism", "terrorist": "terrorism",
    "counterterrorism": "terrorism", "extremism": "terrorism", "election": "election",
    "elections": "election", "vote": "election", "ballot": "election", "economic": "economic",
    "economy": "economic", "trade": "economic", "tariff": "economic", "tariffs": "economic",
    "investment": "economic", "loan": "economic", "military": "military", "troops": "military",
    "weapons": "military", "arms": "military", "human rights": "human_rights",
    "rights": "human_rights", "humanitarian": "humanitarian", "aid": "humanitarian",
    "earthquake": "disaster", "flood": "disaster", "floods": "disaster", "cyclone": "disaster",
    "drought": "disaster", "health": "health", "vaccine": "health", "cholera": "health",
    "pandemic": "health", "oil": "resource", "gas": "resource", "water": "resource",
    "border": "territory", "territory": "territory", "cyber": "cyber", "hackers": "cyber",
    "intelligence": "intelligence", "ceasefire": "ceasefire", "truce": "ceasefire",
    "peace": "peace", "diplomatic": "diplomatic", "embassy": "diplomatic", "court": "legal",
    "trial": "legal", "lawsuit": "legal", "corruption": "corruption", "protest": "protest",
    "coup": "pol_instability", "environment": "environment", "climate": "environment",
}
_WORD = re.compile(r"[a-z]+(?: rights)?")
# An actor of a special administrative region acts for its state: the Hong Kong
# police and government are Chinese actors in events (eval/events/README.md, as in
# CAMEO), while ``doc._.actors`` keeps the region's own code, which says where.
ACTOR_SOVEREIGN = {"HKG": "CHN", "MAC": "CHN"}


@dataclass(frozen=True)
class _Match:
    token: Token
    trigger: Trigger
    consumed: Token | None = None


@Language.factory(
    "newsevents_extract_events_v1",
    requires=["doc._.article", "doc._.actors", "doc.ents", "doc.sents", "token.dep",
              "token.head", "token.pos", "token.tag", "token.lemma"],
    assigns=["doc._.events"],
    default_config={"lexicon": {"@misc": "newsevents.lexicon.v1"},
                    "min_confidence": 0.3, "relative_confidence": 0.6},
)
def make_event_extractor(
    nlp: Language, name: str, lexicon: Lexicon, min_confidence: float,
    relative_confidence: float,
) -> "EventExtractor":
    """An EventExtractor over the injected lexicon; see the module docs for the thresholds."""
    return EventExtractor(lexicon=lexicon, min_confidence=min_confidence,
                          relative_confidence=relative_confidence)


class EventExtractor:
    """Builds ``doc._.events`` from lexicon triggers and the dependency parse."""

    def __init__(
        self, *, lexicon: Lexicon, min_confidence: float = 0.3, relative_confidence: float = 0.6
    ) -> None:
        self.lexicon = lexicon
        self.min_confidence = min_confidence
        self.relative_confidence = relative_confidence

    def __call__(self, doc: Doc) -> Doc:
        article = doc._.article
        article_id = article.id if article is not None else "doc"
        headings = heading_ranges(doc_text(doc))
        actors = actor_index(doc)
        events: list[Event] = []
        triggers: list[Token] = []  # the trigger word of each event, in step with ``events``
        seen_types: set[str] = set()
        rows = doc.to_array([POS, LEMMA, LOWER]).tolist() if len(doc) else []
        for sent in doc.sents:
            if in_ranges(sent.start_char, headings) or not span_text(sent).strip():
                continue
            coded: list[tuple[Event, Token]] = []
            for match in self._matches(sent, rows):
                event = self._event(match, sent, actors)
                if event is None:
                    continue
                if event.type in seen_types and _refers_back(match.token, event):
                    event = replace(event, confidence=round(event.confidence * 0.75, 3))
                if event.confidence < self.min_confidence:
                    continue
                coded.append((event, match.token))
                intent = self._intent_event(match.token, event)
                if intent is not None:
                    coded.append((intent, match.token))
            kept = {id(event) for event in self._main_events([event for event, _ in coded])}
            for event, token in coded:
                if id(event) in kept:
                    events.append(replace(event, id=f"{article_id}-e{len(events) + 1}",
                                          article_id=article_id))
                    triggers.append(token)
            seen_types.update(event.type for event, _ in coded)
        events = self._targets_from_references(events, triggers)
        doc._.events = self._sides_from_earlier(events, triggers)
        return doc

    def _sides_from_earlier(self, events: list[Event], triggers: list[Token]) -> list[Event]:
        """ "Both sides", "the two sides" are the parties of an earlier event (issue 10).

        "The ambassador urged both sides to settle their differences" after "Baghdad
        and Erbil signed an agreement": the parties are the source and target of the
        latest earlier joint act (AGREE, CONSULT, COOPERATE) with two of them, else of
        any earlier event; the event's own source is never one of them. As subject
        ("the two sides agreed") the first party is the source and the others the
        target; as object, all of them are the target.
        """
        linked: list[Event] = []
        for index, (event, token) in enumerate(zip(events, triggers)):
            subject = self._subject_token(token)
            as_subject = subject is not None and _names_both_sides(subject) and not event.source
            as_object = not event.target and any(
                c.dep_ in ("dobj", "dative") and _names_both_sides(c) for c in token.children)
            if as_subject or as_object:
                parties = _earlier_parties(events[:index], event)
                if as_subject and len(parties) >= 2:
                    event = replace(event, source=parties[:1], target=parties[1:])
                elif as_object and parties:
                    event = replace(event, target=parties)
            linked.append(event)
        return linked

    def _targets_from_references(self, events: list[Event], triggers: list[Token]) -> list[Event]:
        """A response to an earlier event targets that event's source (issue 9).

        "Kenya rejected the accusation", "Britain condemned the arrests",
        "the mayor welcomed the decision": the object names an event reported
        before, not an actor, so the target is whoever did it -- the source of
        the latest earlier event of the noun's type ("accusation" → ACCUSE),
        or of any type for a generic noun ("decision", "remarks").
        """
        linked: list[Event] = []
        for index, (event, token) in enumerate(zip(events, triggers)):
            noun = self._referring_object(token) if (
                event.type in RESPONSE_TYPES and not event.target) else None
            if noun is not None:
                earlier = self._referent(noun, event, events[:index])
                if earlier is not None:
                    event = replace(event, target=earlier.source)
            linked.append(event)
        return linked

    def _referring_object(self, token: Token) -> Token | None:
        """The definite event noun a verb responds to: "rejected the accusation"."""
        objects = [c for c in token.children if c.dep_ == "dobj"]
        objects += [pobj for c in token.children
                    if c.dep_ == "prep" and c.lower_ in RESPONSE_PREPS
                    for pobj in c.children if pobj.dep_ == "pobj"]
        named = [name for c in token.children if c.dep_ == "ccomp"
                 and c.lemma_.lower() in NAMING_VERBS
                 and any(w.dep_ == "dobj" and w.lower_ == "what" for w in c.children)
                 for name in c.children if name.dep_ in ("oprd", "attr")]
        for noun in named:
            # "condemned what it called a cowardly assault": the assault reported before
            if noun.pos_ == "NOUN" and self.lexicon.triggers_for(noun.lemma_.lower(), "NOUN"):
                return noun
        for noun in objects:
            definite = any(c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS
                           or c.dep_ == "poss" and c.pos_ == "PRON" for c in noun.children)
            lemma = noun.lemma_.lower()
            if noun.pos_ == "NOUN" and definite and (
                    lemma in REFERRING_NOUNS or self.lexicon.triggers_for(lemma, "NOUN")):
                return noun
        return None

    def _referent(self, noun: Token, event: Event, earlier: list[Event]) -> Event | None:
        """The latest earlier event (an earlier sentence) the noun names, with a source."""
        own = {actor.name for actor in event.source}
        candidates = [e for e in reversed(earlier)
                      if e.sentence.start < event.sentence.start and e.source
                      and not e.negated and not e.hypothetical
                      and not own & {actor.name for actor in e.source}]
        types = {trigger.type for trigger in self.lexicon.triggers_for(noun.lemma_.lower(),
                                                                       "NOUN")}
        typed = next((e for e in candidates if e.type in types), None)
        if typed is None:
            # "lodged a protest … rejected the protest": the noun is the earlier trigger's
            words = {noun.lower_, noun.lemma_.lower()}
            typed = next((e for e in candidates
                          if words & set(e.trigger.text.lower().split())), None)
        if typed is not None or noun.lemma_.lower() not in REFERRING_NOUNS:
            return typed
        return candidates[0] if candidates else None

    def _main_events(self, coded: list[Event]) -> list[Event]:
        """Drop weak verbal side-events of a sentence whose main event is much stronger.

        A sentence reports one or two things; a trigger with well under the
        confidence of the sentence's strongest one is usually background
        ("… to demand reforms", "… despite the mediation"). Violent and
        coercive occurrences are always kept: each is a happening of its own.
        """
        if not coded:
            return coded
        strongest = max(event.confidence for event in coded)
        floor = strongest * self.relative_confidence
        return [e for e in coded if e.confidence >= floor or e.type in OCCURRENCE_TYPES]

    # -- triggers -----------------------------------------------------------

    def _candidates(self, sent: Span, rows: list[list[int]]) -> tuple[list[Token], list[Token]]:
        """The words of ``sent`` the lexicon has triggers for: (verb-like words whose
        lemma triggers as a verb, noun-like words whose lemma or form triggers as a
        noun), in text order.

        ``rows`` are the Doc's POS, LEMMA and LOWER ids, one row per token. Most words
        trigger nothing; read from the ids, they cost no Token object and none of the
        rules ``_matches`` tests first (issue 12).
        """
        strings = sent.doc.vocab.strings
        triggering: dict[tuple[int, str], bool] = {}

        def triggers(word: int, pos: str) -> bool:
            key = (word, pos)
            if key not in triggering:
                triggering[key] = bool(self.lexicon.triggers_for(strings[word].lower(), pos))
            return triggering[key]

        verbs: list[Token] = []
        nouns: list[Token] = []
        for i in range(sent.start, sent.end):
            pos, lemma, lower = rows[i]
            if pos in _VERB_LIKE_POS and triggers(lemma, "VERB"):
                verbs.append(sent.doc[i])
            if pos in _NOUN_LIKE_POS and (triggers(lemma, "NOUN") or triggers(lower, "NOUN")):
                nouns.append(sent.doc[i])
        return verbs, nouns

    def _matches(self, sent: Span, rows: list[list[int]]) -> Iterator[_Match]:
        consumed: set[int] = set()
        verb_matches: list[_Match] = []
        verbs, nouns = self._candidates(sent, rows)
        for token in verbs:
            if token.dep_ in ("amod", "compound"):
                continue  # "pressing issues", "the attacked convoy": modifiers, not clauses
            if token.tag_ == "VBN" and any(c.dep_ == "det" for c in token.children):
                continue  # "the injured", "the wounded": the people, not an event
            if token.tag_ == "VBN" and token.i > sent.start and token.nbor(-1).text == "-":
                continue  # "Turkish-backed factions": a modifier, whatever the parse says
            if token.pos_ in ("VERB", "AUX") or (token.pos_ == "ADJ" and (
                    token.tag_ == "VBN" or token.dep_ == "acomp")):
                match = self._match_verb(token)
                if match is not None:
                    verb_matches.append(match)
                    if match.consumed is not None:
                        consumed.add(match.consumed.i)
        yield from verb_matches
        verb_types = {(m.token.i, m.trigger.type) for m in verb_matches}
        noun_matches: list[_Match] = []
        for token in nouns:
            if not _nominal(token) or token.i in consumed:
                continue
            if token.dep_ == "compound" and token.head.pos_ in ("NOUN", "PROPN"):
                continue
            if _cited(token):
                continue
            match = self._match_noun(token)
            if match is None:
                continue
            governor = token.head
            same_as_verb = (governor.i, match.trigger.type) in verb_types
            if token.dep_ in ("dobj", "nsubjpass") and same_as_verb:
                continue
            noun_matches.append(match)
        triggers = {m.token.i for m in verb_matches} | {m.token.i for m in noun_matches}
        for match in noun_matches:
            if match.trigger.type in OCCURRENCE_TYPES or not _embedded(match.token, triggers):
                yield match

    def _match_verb(self, token: Token) -> _Match | None:
        triggers = self.lexicon.triggers_for(token.lemma_.lower(), "VERB")
        if not triggers:
            return None
        particles = {c.lower_ for c in token.children
                     if c.dep_ in ("prt", "prep", "agent", "advmod")}
        objects = [c for c in token.children
                   if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "acomp", "xcomp", "ccomp")]
        # a by-phrase names the doer or the means ("released … by parachute, spokesman X
        # said"), never what the verb is done to
        objects += [
            grandchild for c in token.children if c.dep_ in ("prep", "prt", "dobj")
            and c.lower_ != "by"
            for grandchild in c.children if grandchild.dep_ in ("pobj", "prep")
        ]
        objects += [
            great for c in objects if c.dep_ == "prep"
            for great in c.children if great.dep_ == "pobj"
        ]
        objects += [conj for o in objects for conj in o.conjuncts]
        for trigger in triggers:
            if trigger.particle and trigger.particle not in particles:
                continue
            if _carried(token, trigger) or _equipped(token, trigger):
                continue
            if trigger.objects:
                hit = next((o for o in objects if _object_matches(o, trigger.objects)), None)
                if hit is None:
                    continue
                return _Match(token, trigger, consumed=hit)
            return _Match(token, trigger)
        return None

    def _match_noun(self, token: Token) -> _Match | None:
        lemmas = [lemma for lemma in dict.fromkeys((token.lemma_.lower(), token.lower_))
                  if self.lexicon.triggers_for(lemma, "NOUN")]
        if not lemmas:
            return None  # most nouns trigger nothing: their modifiers need no reading
        preps = {c.lower_ for c in token.children if c.dep_ == "prep"}
        # modifiers, including those of compound modifiers ("joint fighter jet programme")
        modifying = [c for c in token.children if c.dep_ in ("amod", "compound", "nmod")]
        modifying += [g for c in modifying if c.dep_ == "compound"
                      for g in c.children if g.dep_ in ("amod", "compound")]
        modifiers = {word for c in modifying for word in (c.lemma_.lower(), c.lower_)}
        modifiers |= {
            g.lemma_.lower() for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
            for g in c.children if g.dep_ == "pobj"
        }
        for lemma in lemmas:
            for trigger in self.lexicon.triggers_for(lemma, "NOUN"):
                if trigger.particle and trigger.particle not in preps:
                    continue
                if trigger.objects and not trigger.objects & modifiers:
                    continue
                return _Match(token, trigger)
        return None

    # -- one event ------------------------------------------------------------

    def _event(self, match: _Match, sent: Span, actors: dict[int, Actor]) -> Event | None:
        """The event a trigger codes; its id is given once the sentence is settled."""
        token = match.token
        trigger = match.trigger
        speaker = self._speaker(token, actors)
        nominal = token.pos_ == "NOUN"
        if nominal:
            arguments = self._nominal_arguments(token, trigger, actors, speaker)
            if arguments is None:
                return None
            source, target = arguments
        else:
            source, target = self._verbal_arguments(token, trigger, actors, speaker)
        if not source and speaker is not None and (
                _speech_act(token, trigger) or _announced_by_authority(trigger, speaker)):
            source = [speaker]  # "…, and urged Seoul to …", the ministry said: the speaker's act
        elif speaker is not None and _same_entity(source, target) \
                and not _same_entity([speaker], target):
            # "Congo said that Kenya had … and accused Nairobi of …": the parse gave the
            # accusation the embedded subject; nobody accuses themselves, the speaker does
            source = [speaker]
        target = [a for a in target if all(a is not s for s in source)]
        if trigger.type in SYMMETRIC_TYPES and not target:
            target = _other_parties(source)
        if trigger.type == "PROTEST" and not target:
            target = self._protested_government(token, source, actors)
        if trigger.type in STRUCK_TYPES and not target:
            target = self._participle_victims(token, actors)
        negated = is_negated(token) or _has_negative_prefix(token) or (
            token.dep_ == "xcomp" and is_negated(token.head)) or _refused(token)
        # "accused Minsk of using migrants as a weapon": the act alleged is not asserted
        hypothetical = self._is_hypothetical(token) or _is_alleged(token)
        cameo = self._cameo(trigger)
        code = self.lexicon.cameo(cameo) if cameo else None
        confidence = trigger.weight * (0.6 + 0.2 * bool(source) + 0.2 * bool(target))
        if nominal:
            confidence *= 0.9
        if negated:
            confidence *= 0.6
        if hypothetical:
            confidence *= 0.8
        if self._is_subordinate(token):
            confidence *= 0.85
        if _is_motive(token):
            confidence *= 0.6
        if not source and not target:
            confidence *= 0.85
        trigger_span = self._trigger_span(match)
        sentence_text = span_text(sent).strip()
        sentence_start = sent.start_char + _lstrip_len(span_text(sent))
        return Event(
            id="",
            article_id="",
            type=trigger.type,
            mode=trigger.mode,
            contexts=self._contexts(trigger, sent),
            cameo=cameo,
            quad_class=code.quad_class if code else None,
            goldstein=code.goldstein if code else None,
            source=tuple(_of_state(actor) for actor in source),
            target=tuple(_of_state(actor) for actor in target),
            trigger=trigger_span,
            sentence=TextSpan(sentence_text, sentence_start, sentence_start + len(sentence_text)),
            confidence=round(min(confidence, 1.0), 3),
            negated=negated,
            hypothetical=hypothetical,
            reported_by=_of_state(speaker) if speaker is not None else None,
        )

    def _intent_event(self, token: Token, event: Event) -> Event | None:
        """The promise or threat an intended act expresses (PLOVER AGREE / THREATEN).

        "Gondor is ready to pull its soldiers back" promises a cooperative act
        (AGREE, CAMEO 03x); "the party will boycott the elections unless …" or
        "Arnor is set to close its border" threaten a conflictual one
        (THREATEN, CAMEO 13x). The intended act itself stays coded, flagged
        hypothetical where it is.
        """
        if event.negated or event.type in VERBAL_TYPES:
            return None
        conditional = self._has_condition(token)
        if not (conditional or self._is_intended(token)):
            return None
        if conditional or event.type in CONFLICT_TYPES:
            intent_type, cameo = "THREATEN", THREAT_CAMEO.get(event.type, "130")
        else:
            intent_type, cameo = "AGREE", PROMISE_CAMEO.get(event.type, "030")
        code = self.lexicon.cameo(cameo)
        return replace(
            event,
            type=intent_type,
            mode=None,
            cameo=cameo,
            quad_class=code.quad_class if code else None,
            goldstein=code.goldstein if code else None,
            confidence=round(min(1.0, event.confidence + 0.02), 3),
            hypothetical=False,
        )

    def _is_intended(self, token: Token) -> bool:
        if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in token.children):
            return True
        for head in governing_heads(token, COMPLEMENT_DEPS):
            if head.lemma_.lower() in INTENT_HEADS:
                return True
            if head.lemma_.lower() == "continue":
                return False
        return False

    def _has_condition(self, token: Token) -> bool:
        clauses = list(token.children)
        if token.dep_ == "xcomp":
            clauses += list(token.head.children)
        return any(
            child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless"
                                          for m in child.children)
            for child in clauses)

    def _cameo(self, trigger: Trigger) -> str | None:
        if trigger.cameo:
            return trigger.cameo
        default = self.lexicon.default_cameo(trigger.type, trigger.mode)
        return default.code if default else None

    def _trigger_span(self, match: _Match) -> TextSpan:
        """The trigger's words: the head, with its particle and object when they stand close.

        "called on", "expressed concern"; a far-off object is left out so that the
        span never swallows the clause ("fired with unspecified weapons on").
        """
        token = match.token
        tokens = [token]
        if match.trigger.particle:
            tokens += [c for c in token.children if c.lower_ == match.trigger.particle
                       and abs(c.i - token.i) <= MAX_TRIGGER_GAP]
        if match.consumed is not None and abs(match.consumed.i - token.i) <= MAX_TRIGGER_GAP:
            tokens.append(match.consumed)
        start = min(t.idx for t in tokens)
        end = max(t.idx + len(t.text) for t in tokens)
        return TextSpan(doc_text(match.token.doc)[start:end], start, end)

    def _contexts(self, trigger: Trigger, sent: Span) -> tuple[str, ...]:
        found = list(trigger.contexts)
        lowered = span_text(sent).lower()
        for word in _WORD.findall(lowered):
            context = CONTEXT_WORDS.get(word)
            if context and context not in found:
                found.append(context)
        return tuple(found)

    # -- arguments -----------------------------------------------------------

    def _verbal_arguments(
        self, token: Token, trigger: Trigger, actors: dict[int, Actor], speaker: Actor | None
    ) -> tuple[list[Actor], list[Actor]]:
        source: list[Actor] = []
        target: list[Actor] = []
        passive_owners: list[Actor] = []
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
        if passive and trigger.type in BLAME_TYPES and trigger.particle in EXPERIENCER_PREPS:
            return self._experiencer_arguments(token, trigger, actors, speaker)
        for child in token.children:
            if child.dep_ == "nsubjpass" and trigger.objects and _object_matches(
                    child, trigger.objects) and child.i not in actors:
                # "Chinese warships were deployed": the trigger's own object, moved or
                # fired, belongs to the actor that acts
                passive_owners += [a for a in self._inner_actors(child, actors)
                                   if not (child.lower_ in ("to", "into", "toward", "towards")
                                    and _is_place(a))]
            elif child.dep_ == "nsubjpass":
                target += self._actors_at(child, actors)
            elif child.dep_ == "agent" and passive:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        source += self._actors_at(pobj, actors)
            elif child.dep_ in ("dobj", "dative", "attr", "oprd"):
                # "lodged a protest with the embassy": the trigger's own object names
                # no blamed occurrence, its "with" phrase is the target
                own = bool(trigger.objects) and _object_matches(child, trigger.objects)
                target += self._object_actors(child, actors,
                                              event_type="" if own else trigger.type)
            elif child.dep_ in ("prep", "prt") and child.lower_ in TARGET_PREPS:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        target += [a for a in self._object_actors(
                            pobj, actors, event_type=trigger.type)
                            if not (child.lower_ in ("to", "into", "toward", "towards")
                                    and _is_place(a))]
        if not passive:
            source = self._subject_actors(token, actors, speaker)
        elif not source:
            source = self._nominal_agents(token, actors) or passive_owners
        if not target:
            target = self._clause_targets(token, actors)
        return _unique(source), _unique([a for a in target if a not in source])

    def _experiencer_arguments(
        self, token: Token, trigger: Trigger, actors: dict[int, Actor], speaker: Actor | None
    ) -> tuple[list[Actor], list[Actor]]:
        """ "Britain was alarmed by the verdict": who feels it blames what caused it, so the
        passive's subject is the source and the actors of the cause are the target."""
        source: list[Actor] = []
        target: list[Actor] = []
        for child in token.children:
            if child.dep_ == "nsubjpass":
                source += self._actors_at(child, actors)
                if not source and speaker is not None and child.lower_ in SELF_REFERENCES:
                    source = [speaker]
            elif child.dep_ in ("agent", "prep") and child.lower_ == trigger.particle:
                target += [a for pobj in child.children if pobj.dep_ == "pobj"
                           for a in self._object_actors(pobj, actors, event_type=trigger.type)]
        return _unique(source), _unique([a for a in target if a not in source])

    def _nominal_agents(self, token: Token, actors: dict[int, Actor]) -> list[Actor]:
        """The agent of a passive named by the event it happened in (issue 9).

        "were killed in the RSF shelling", "died in an attack by al-Shabaab":
        the owner, modifier or "by" phrase of the occurrence noun. The small
        model often attaches "the RSF shelling" as two objects of "in"; the
        actor right before the noun is its modifier then.
        """
        found: list[Actor] = []
        for child in token.children:
            if child.dep_ != "prep" or child.lower_ not in AGENT_EVENT_PREPS:
                continue
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                if self._is_occurrence_noun(pobj):
                    found += self._inner_actors(pobj, actors, perpetrators_only=True)
                    found += [actors[c.i] for c in pobj.children
                              if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i in actors]
                elif pobj.i in actors and pobj.i + 1 < len(pobj.doc) \
                        and self._is_occurrence_noun(pobj.doc[pobj.i + 1]):
                    found.append(actors[pobj.i])
        return _unique(found)

    def _protested_government(
        self, token: Token, source: list[Actor], actors: dict[int, Actor]
    ) -> list[Actor]:
        """A protest that names no target is aimed at the government where it happens.

        The country comes from a place in the protest's clause ("rallied in
        Nairobi"), else from the protesters ("Young Algerians blocked roads").
        """
        anchors = [
            pobj for child in token.children if child.dep_ == "prep"
            and child.lower_ in ("in", "at", "outside", "near", "across", "throughout")
            for pobj in child.children if pobj.dep_ == "pobj" and pobj.i in actors
        ]
        evidence = [actors[t.i] for t in anchors] + source
        for actor in evidence:
            if actor.country and actor.country not in ("IGO", "NGO"):
                return [replace(actor, name=f"government of {actor.country}", sector="GOV",
                                kind="country", role=None, members=(),
                                reason="implied_protest_target")]
        return []

    def _participle_victims(self, token: Token, actors: dict[int, Actor]) -> list[Actor]:
        """The victims an attack's participle names are its target (issue 10).

        "Factions shelled villages near the dam, killing four civilians": the
        shelling names no actor as its object, the killing its victims.
        """
        victims = [actor for clause in token.children
                   if clause.dep_ in ("advcl", "conj") and clause.lemma_.lower() in HARM_VERBS
                   for noun in clause.children if noun.dep_ == "dobj"
                   for actor in self._object_actors(noun, actors)]
        return _unique(victims)

    def _clause_targets(self, token: Token, actors: dict[int, Actor]) -> list[Actor]:
        """Targets carried by a complement clause.

        "demanded that Israel ease restrictions" targets the clause's subject;
        "threatened to break relations with Russia" and "refused to meet the
        envoy" target what the intended act targets.
        """
        found: list[Actor] = []
        for child in token.children:
            if child.dep_ == "ccomp" and child.lemma_.lower() not in SPEECH_VERBS:
                for grandchild in child.children:
                    if grandchild.dep_ in ("nsubj", "nsubjpass"):
                        found += self._object_actors(grandchild, actors)
            elif child.dep_ == "xcomp":
                for grandchild in child.children:
                    if grandchild.dep_ in ("dobj", "dative"):
                        found += self._object_actors(grandchild, actors)
                    elif grandchild.dep_ in ("prep", "prt") and grandchild.lower_ in TARGET_PREPS:
                        found += [a for pobj in grandchild.children if pobj.dep_ == "pobj"
                                  for a in self._object_actors(pobj, actors)]
        return found

    def _nominal_arguments(
        self, token: Token, trigger: Trigger, actors: dict[int, Actor], speaker: Actor | None
    ) -> tuple[list[Actor], list[Actor]] | None:
        """Actors of a nominal event; None when a relational noun has none of its own.

        "threats" or "cooperation" with no actor of their own are topics, not
        events; "the blast" or "protests" report an occurrence even unattributed.
        """
        source: list[Actor] = []
        target: list[Actor] = []
        descriptive: list[Actor] = []  # "police raid", "fighter jet programme": weaker evidence
        for child in token.children:
            if child.dep_ == "compound" and child.i in actors and not child.ent_type_:
                descriptive.append(actors[child.i])
            elif child.dep_ in ("poss", "amod", "compound", "nmod"):
                if child.i in actors:
                    source.append(actors[child.i])
                elif child.lower_ in FIRST_PERSON and speaker is not None:
                    source.append(speaker)
            elif child.dep_ == "prep":
                for pobj in child.children:
                    if pobj.dep_ != "pobj":
                        continue
                    if child.lower_ in ("by", "between"):
                        source += self._actors_at(pobj, actors)
                    elif child.lower_ in TARGET_PREPS or child.lower_ == "of":
                        target += self._actors_at(pobj, actors)
        if trigger.type not in OCCURRENCE_TYPES:
            # a bare relational noun needs an actor of its own; a specific one ("joint
            # exercises", "peace talks") reports an event and takes the clause's subject
            if not source and not target and not descriptive and not trigger.objects:
                return None
            if not source:
                governor = self._governing_verb(token)
                if governor is not None:
                    source = [a for a in self._subject_actors(governor, actors, speaker)
                              if a not in target]
        if not source and not descriptive:
            source = self._claimants(token, actors, speaker)
        return _unique(source or descriptive), _unique(target)

    def _claimants(self, noun: Token, actors: dict[int, Actor],
                   speaker: Actor | None) -> list[Actor]:
        """Who claimed the occurrence: its perpetrator (issue 9).

        "The Houthis claimed responsibility for the attack", "Islamic State
        claimed the bombing", "al-Shabaab said it carried out the attack": a
        claim names the source of the event claimed.
        """
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ == "for" and head.head.lemma_.lower() in (
                "responsibility", "credit"):
            head = head.head.head if head.head.dep_ == "dobj" else head.head
        elif noun.dep_ != "dobj":
            return []
        if head.lemma_.lower() not in CLAIM_VERBS:
            return []
        return self._subject_actors(head, actors, speaker)

    def _actors_at(self, token: Token, actors: dict[int, Actor]) -> list[Actor]:
        """The actor at a token, plus those of its conjuncts ("Brazil and the US")."""
        found: list[Actor] = []
        if token.i in actors:
            found.append(actors[token.i])
        elif token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
            found += self._actors_at(token.head.head, actors)
        else:
            found += [actors[c.i] for c in token.children
                      if c.dep_ in ("compound", "amod") and c.i in actors]
        for conj in token.conjuncts:
            if conj.i in actors:
                found.append(actors[conj.i])
        return _unique(found)

    def _object_actors(
        self, token: Token, actors: dict[int, Actor], *, event_type: str = ""
    ) -> list[Actor]:
        """The actors an object names: itself, those inside it, or its antecedent ("it")."""
        found = self._actors_at(token, actors) or self._inner_actors(
            token, actors, perpetrators_only=event_type in BLAME_TYPES)
        if not found and token.lower_ in ("it", "this") and token.pos_ == "PRON":
            found = self._antecedent_actors(token, actors)
        return found

    def _inner_actors(
        self, token: Token, actors: dict[int, Actor], *, perpetrators_only: bool = False
    ) -> list[Actor]:
        """Actors named inside a non-actor phrase: "Russia's doctrine", "support for Ukraine".

        When blame is laid on a violent event ("condemned the attack on the
        police post"), its victims are not the target: only its perpetrators
        ("Russia's attack", "the attack by gunmen") are.
        """
        found: list[Actor] = []
        occurrence = perpetrators_only and self._is_occurrence_noun(token)
        preps = ("by",) if occurrence else ("of", "for", "against", "on", "to", "with", "by",
                                            "from", "between")
        for child in token.children:
            if child.dep_ in ("poss", "amod", "compound", "nmod") and child.i in actors:
                found.append(actors[child.i])
            elif child.dep_ == "prep" and child.lower_ in preps:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        found += self._actors_at(pobj, actors)
        return _unique(found)

    def _is_occurrence_noun(self, token: Token) -> bool:
        return token.pos_ == "NOUN" and any(
            trigger.type in OCCURRENCE_TYPES
            for trigger in self.lexicon.triggers_for(token.lemma_.lower(), "NOUN"))

    def _antecedent_actors(self, pronoun: Token, actors: dict[int, Actor]) -> list[Actor]:
        """For "it": the last country or organisation the previous sentence named as an object."""
        sent = pronoun.sent
        if sent.start == 0:
            return []
        previous = pronoun.doc[sent.start - 1].sent
        for token in reversed(previous):
            actor = actors.get(token.i)
            if actor is not None and actor.kind in ("country", "organisation") and not any(
                    t.dep_ in SUBJECT_DEPS for t in (token, token.head)):
                return [actor]
        return []

    def _subject_token(self, token: Token) -> Token | None:
        """The clause subject, own or shared through conjunction, infinitive or participle."""
        current = token
        for _ in range(6):
            for child in current.children:
                if child.dep_ in SUBJECT_DEPS:
                    return child
            if current.head is current:
                return None
            if current.dep_ == "relcl" or (current.dep_ == "acl" and current.tag_ == "VBD"):
                # a past-tense "acl" is a main verb the small model hung on its subject
                # ("The union representing … workers threatened on Tuesday to …")
                return current.head
            if current.dep_ not in ("conj", "xcomp", "advcl", "acomp", "pcomp", "pobj", "prep",
                                    "ccomp"):
                return None
            if current.dep_ == "ccomp" and current.head.lemma_.lower() in SPEECH_VERBS:
                return None
            current = current.head
        return None

    def _subject_actors(
        self, token: Token, actors: dict[int, Actor], speaker: Actor | None
    ) -> list[Actor]:
        subject = self._subject_token(token)
        if subject is None and token.dep_ == "acl":
            # "Gondor's pledge to defend Arnor": the noun's owner acts
            owners = [c for c in token.head.children if c.dep_ == "poss"]
            return [a for owner in owners for a in self._actors_at(owner, actors)]
        if subject is None:
            return []
        found = self._actors_at(subject, actors) or self._inner_actors(subject, actors)
        document = subject.head.head if (subject.lower_ in RELATIVE_PRONOUNS
                                         and subject.head.dep_ == "relcl") else subject
        if not found and document.lemma_.lower() in DOCUMENT_NOUNS:
            found = self._document_authors(document, actors, speaker)
        if speaker is not None and not any(actor.country for actor in found) and any(
                c.dep_ == "poss" and c.lower_ in OWN_POSSESSIVES for c in subject.children):
            return [speaker]  # "Al-Shabaab said its fighters carried out the attack"
        if not found and speaker is not None and (
                subject.lower_ in SELF_REFERENCES
                or any(c.dep_ == "poss" and c.lower_ in FIRST_PERSON for c in subject.children)):
            found = [speaker]
        return found

    def _document_authors(
        self, document: Token, actors: dict[int, Actor], speaker: Actor | None
    ) -> list[Actor]:
        """Who issued a document that acts: "the Council approved a resolution that backed
        the tribunal" -- the resolution's backing is the Council's."""
        verb = document.head if document.dep_ in ("dobj", "nsubjpass") else None
        if verb is None or verb.pos_ not in ("VERB", "AUX"):
            return []
        return self._subject_actors(verb, actors, speaker)

    def _governing_verb(self, token: Token) -> Token | None:
        current = token
        for _ in range(5):
            if current.head is current:
                return current if current.pos_ in ("VERB", "AUX") else None
            current = current.head
            if current.pos_ in ("VERB", "AUX"):
                return current
        return None

    def _speaker(self, token: Token, actors: dict[int, Actor]) -> Actor | None:
        """The speaker when the trigger's clause is reported speech."""
        current = token
        for _ in range(4):
            if _statement_content(current):
                # "said in a statement that Kenya had …": the parse hangs the clause
                # on the document noun; the speech verb above it reports it
                current = current.head.head if current.head.dep_ != "pobj" \
                    else current.head.head.head
                speakers = self._subject_actors(current, actors, None) \
                    if current.lemma_.lower() in SPEECH_VERBS else []
                return speakers[0] if speakers else None
            if current.dep_ in ("ccomp", "parataxis") or (
                    current.dep_ == "ROOT" and current.head is current):
                governor = current.head if current.dep_ != "ROOT" else None
                if governor is None:
                    for child in current.children:
                        if child.dep_ in ("parataxis", "advcl") and child.lemma_ in SPEECH_VERBS:
                            governor = child
                            break
                if governor is not None and governor.lemma_.lower() in SPEECH_VERBS:
                    speakers = self._subject_actors(governor, actors, None)
                    return speakers[0] if speakers else None
                if current.dep_ == "ROOT":
                    return None
            if current.head is current:
                return None
            current = current.head
        return None

    def _is_subordinate(self, token: Token) -> bool:
        """A purpose, relative or adverbial clause: background to the main event.

        "Police opened fire to disperse the crowd": the shooting is the event
        reported; "to disperse" says why.
        """
        if token.dep_ in ("relcl", "acl", "advcl", "pcomp"):
            return True
        head = token.head.lemma_.lower()
        return token.dep_ == "xcomp" and head not in MAIN_CLAUSE_HEADS

    def _is_hypothetical(self, token: Token) -> bool:
        if any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_AUX for c in token.children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in token.children):
            return True
        return token.dep_ == "xcomp" and token.head.lemma_.lower() in HYPOTHETICAL_HEADS


def _nominal(token: Token) -> bool:
    """A noun, or a lower-case word in a noun's place that the tagger did not know
    ("a shoot-out took place" tags "shoot-out" ADJ, "staged a sit-in" PROPN)."""
    return token.pos_ == "NOUN" or (token.pos_ in ("PROPN", "ADJ") and token.is_lower
                                     and token.dep_ in NOUN_ROLES)


def _cited(token: Token) -> bool:
    """A noun named as the basis of something: "under the treaty", "according to the deal"."""
    if token.dep_ != "pobj":
        return False
    prep = token.head
    return (prep.lower_, None) in CITING_PREPS or (prep.lower_, prep.head.lower_) in CITING_PREPS


def _embedded(token: Token, triggers: set[int]) -> bool:
    """A relational noun inside another event's phrase: talked about, not reported.

    "opposed to French mediation", "in protest of the refusal": the mediation
    and the refusal are what the main event is about.
    """
    current = token
    for _ in range(3):
        if current.head is current:
            return False
        current = current.head
        if current.i in triggers:
            return True
    return False


def _other_parties(source: list[Actor]) -> list[Actor]:
    """ "Ethiopia and Somalia signed an agreement": each party acts with the others, so
    the parties after the first are also the target of the joint act (a compound
    actor's members count as parties). Only parties of known countries are sides:
    "police and soldiers pledged" names one side, not two."""
    parties = list(source[0].members) if len(source) == 1 else source
    if len(parties) < 2 or not all(actor.country for actor in parties):
        return []
    return parties[1:]


def _speech_act(token: Token, trigger: Trigger) -> bool:
    """A statement the speaker makes ("urged", "condemned"), not a passive ("was
    charged") or a legal act ("prosecuted"), which someone else does."""
    return trigger.type in STATEMENT_TYPES and trigger.mode not in LEGAL_MODES and not any(
        c.dep_ in ("nsubjpass", "auxpass") for c in token.children)


def _is_alleged(token: Token) -> bool:
    """The content of an accusation: "accused Y of shelling", "blamed Y for the attack".

    The accusation is the event reported (ACCUSE, X → Y); what Y is said to
    have done is X's claim, not an asserted event (issue 9).
    """
    current = token
    while current.dep_ == "conj" and current.head is not current:
        current = current.head  # "of shelling and looting villages"
    if _denied(current):
        return True
    if current.dep_ not in ("pobj", "pcomp") or current.head.lower_ not in ALLEGATION_PREPS:
        return False
    return current.head.head.lemma_.lower() in ALLEGATION_VERBS


def _refused(token: Token) -> bool:
    """The complement of a refusal: "refused to meet", "ruled out supplying the missiles"
    (the gerund is also parsed as an adverbial clause)."""
    complement = token.dep_ == "xcomp" or (token.tag_ == "VBG"
                                           and token.dep_ in ("dobj", "advcl"))
    return complement and _refusal(token.head)


def _refusal(token: Token) -> bool:
    """ "refused", "opposes", "ruled out": what it governs is not done."""
    lemma = token.lemma_.lower()
    return lemma in REFUSAL_HEADS or any(
        (lemma, c.lower_) in REFUSAL_PHRASES for c in token.children if c.dep_ == "prt")


def _denied(token: Token) -> bool:
    """What a denial is about: "Russia denied shelling the hospital", "denied involvement
    in the attack", "denied carrying out the attack"."""
    current = token
    for _ in range(4):
        if current.dep_ not in DENIED_DEPS or current.head is current:
            return False
        current = current.head
        if current.lemma_.lower() in DENIAL_VERBS:
            return True
    return False


def _is_motive(token: Token) -> bool:
    """Inside a motive or background phrase: "in retaliation for an airstrike that killed 41"."""
    return any(ancestor.lemma_.lower() in MOTIVE_WORDS for ancestor in token.ancestors)


def _refers_back(token: Token, event: Event) -> bool:
    """ "the attack", "this blast" with no actors of its own, after such an event was coded.

    It names an event already reported ("sources attributed the attack to …"),
    so it must not outrank the report itself.
    """
    if token.pos_ != "NOUN" or event.source or event.target:
        return False
    definite = any(child.dep_ == "det" and child.lower_ in DEFINITE_DETERMINERS
                   for child in token.children)
    specific = any(child.dep_ in ("nummod", "compound", "amod") or child.ent_type_ == "DATE"
                   for child in token.children)
    return definite and not specific


def _carried(token: Token, trigger: Trigger) -> bool:
    """ "The injured were flown to Mogadishu", "flew 18 tonnes of food to Mirebalais":
    a journey verb with a passive subject or a load is transport, not a visit."""
    if trigger.mode != "visit" or not trigger.particle:
        return False
    return any(c.dep_ in ("nsubjpass", "auxpass", "dobj") for c in token.children)


def _equipped(token: Token, trigger: Trigger) -> bool:
    """ "Militants armed with rifles", "a vessel armed with a cannon": a participle that
    says what someone carries, not that anyone armed them (no agent, no perfect)."""
    if token.lemma_.lower() not in EQUIPPING_LEMMAS or trigger.type != "AID":
        return False
    return token.tag_ == "VBN" and not any(
        c.dep_ == "agent" or (c.dep_ == "aux" and c.lemma_.lower() == "have")
        for c in token.children)


def _object_matches(token: Token, wanted: frozenset[str]) -> bool:
    """An object fits a trigger's object list by its head or its modifier ("explosive device")."""
    if token.lemma_.lower() in wanted or token.lower_ in wanted:
        return True
    if PERSON_OBJECT in wanted and _names_people(token):
        return True
    return any(child.dep_ in ("amod", "compound") and child.lemma_.lower() in wanted
               for child in token.children)


def _names_people(token: Token) -> bool:
    """A named person or a group of people: what "release ~person" asks for."""
    return token.ent_type_ in ("PERSON", "NORP") or token.lemma_.lower() in PEOPLE_NOUNS


def _has_negative_prefix(token: Token) -> bool:
    """ "non-threat", "no-confidence": the noun denies what it names."""
    doc = token.doc
    if any(child.lower_ in ("non", "no") for child in token.children):
        return True
    return token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ == "non"


def _names_both_sides(token: Token) -> bool:
    """ "both sides", "the two sides", "both parties"."""
    return token.lemma_.lower() in SIDE_NOUNS and any(
        child.lower_ in ("both", "two") for child in token.children)


def _earlier_parties(earlier: list[Event], event: Event) -> tuple[Actor, ...]:
    """The two or more parties of the latest earlier event that has them, joint acts first;
    actors of the event's own source are left out."""
    own = {(a.name, a.country) for a in flatten_actors(event.source)}
    found: list[tuple[Actor, ...]] = []
    for other in reversed(earlier):
        sides = [actor for side in (other.source, other.target) for actor in side]
        parties = [member for actor in sides for member in (actor.members or (actor,))
                   if (member.name, member.country) not in own and member.country]
        unique = tuple({(a.name, a.country): a for a in parties}.values())
        if len(unique) >= 2:
            if other.type in SYMMETRIC_TYPES:
                return unique
            found.append(unique)
    return found[0] if found else ()


def _announced_by_authority(trigger: Trigger, speaker: Actor) -> bool:
    """ "X had been charged with terrorism, the attorney general's office said": a charge
    or a sentence with no agent of its own is the act of the authority announcing it."""
    return trigger.mode in LEGAL_MODES and speaker.sector in LEGAL_AUTHORITIES


def _statement_content(token: Token) -> bool:
    """A clause that is what a document says: "in a statement that Kenya had …"."""
    return token.dep_ == "acl" and token.head.lemma_.lower() in DOCUMENT_NOUNS and any(
        child.dep_ == "mark" and child.lower_ == "that" for child in token.children)


def _is_place(actor: Actor) -> bool:
    """A town or region named where an actor could stand ("El Paso"), not a government."""
    return actor.reason in ("place_as_actor", "country_from_place") and actor.sector is None


def _same_entity(source: list[Actor], target: list[Actor]) -> bool:
    """Whether one named entity stands on both sides ("Kenya" and "Nairobi" are both
    the Kenyan government)."""
    return any(s.name and s.name == t.name and s.country == t.country
               for s in source for t in target)


def _of_state(actor: Actor) -> Actor:
    """The actor coded by the state it acts for ("Hong Kong police" → CHN)."""
    members = tuple(_of_state(member) for member in actor.members)
    country = ACTOR_SOVEREIGN.get(actor.country or "", actor.country)
    if country == actor.country and members == actor.members:
        return actor
    return replace(actor, country=country, members=members)


def _unique(actors: list[Actor]) -> list[Actor]:
    """Each actor once: two mentions of one identity ("Bangladesh … Bangladesh") count once."""
    seen: set[tuple[str | None, ...]] = set()
    unique = []
    for actor in actors:
        key = (actor.name, actor.country, actor.sector, actor.kind) if actor.name else (
            str(actor.start), str(actor.end))
        if key not in seen:
            seen.add(key)
            unique.append(actor)
    return unique


def _lstrip_len(text: str) -> int:
    return len(text) - len(text.lstrip())
