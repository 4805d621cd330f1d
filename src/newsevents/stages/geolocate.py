"""geolocate: geocode place mentions and give every event a location.

1. Mentions: place chains ("Sangin (Helmand, Afghanistan)", "Douma, Rif Dimashq,
   Syria"), resolved inside their last name's country and region; every
   GPE/LOC/FAC entity, the dateline ("QUETTA, Pakistan —"),
   and a run of proper nouns right after "in"/"at"/"near" that NER missed
   (kept only when the gazetteer knows the name with a higher score). Entities used as
   actors ("Washington said") are places too.
2. Mentions are resolved together: a first pass finds the countries the
   article is about (country names, demonyms, confident places); the
   second pass ranks each mention with that context, so "Punjab" in a
   story about Pakistan is Pakistan's Punjab.
3. An event's location is, in order: a place in the event's own clause (a
   place attached by "in/at/near/…" to the trigger or its arguments, or a
   modifier of the trigger: "the Quetta blast"), the most specific first;
   else a place in the same sentence that is not one of the event's
   actors; else the article's main place (the dateline, or the most
   frequent and specific place, the lead sentence's place counting once
   more), marked ``reason="article_place"``; else a place that is an actor
   of the event; else, when the article names no place that resolves, the
   country its actors and nationality words point to ("Iraqi forces shelled
   X": Iraq), placed at the word that gave it. A statement or agreement in a
   datelined report is where it was said ("telling reporters in Belgrade"),
   else at the dateline, never at what it is about ("called on Israel to
   withdraw from southern Lebanon").
"""

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.attrs import IS_TITLE, LOWER, POS
from spacy.strings import get_string_id
from spacy.symbols import IDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from newsevents.errors import Errors, InputError
from newsevents.kb.countries import Countries, load_countries
from newsevents.kb.gazetteer import (
    PLACE_SUFFIXES,
    Candidate,
    Gazetteer,
    haversine_km,
    normalise_key,
)
from newsevents.stages.common import (
    CALENDAR_WORDS,
    DATELINE,
    OCCURRENCE_TYPES,
    SAID_TYPES,
    doc_ents,
    doc_text,
    span_of,
)
from newsevents.types import Event, Place

# spaCy forbids "." in factory names (E853), so the registered name
# "newsevents.geolocate.v1" is spelled with underscores.
FACTORY = "newsevents_geolocate_v1"

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Events that happen somewhere rather than being said: with no place of their own
# they are where the story happened, not where it was filed (the dateline, issue 9).
PLACED_TYPES = OCCURRENCE_TYPES | {"RETREAT", "AID"}
LOCATIVE_PREPS = frozenset({
    "in", "at", "near", "outside", "across", "inside", "around", "throughout", "within",
    "off", "along", "nearby", "on", "into", "over", "towards", "toward", "between", "from",
})
# Prepositions after which a proper noun NER did not call a place is tried as one.
MISSED_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "across"})
# Nouns whose "of" names a place: "the town of Sake", "on the outskirts of Dera Ismail
# Khan" (which the small model calls a person). The noun says the name is a place, so
# it needs no extra margin.
PLACE_OF_NOUNS = frozenset({
    "town", "city", "village", "villages", "district", "province", "region", "governorate",
    "county", "municipality", "township", "outskirts", "suburbs", "suburb", "environs",
    "state", "department", "prefecture", "oblast", "commune", "parish", "port",
})
# Labels a name after such a preposition may carry and still be a place
# (the small model calls "Quetta" a WORK_OF_ART and "Punjab" NORP).
MISSED_PLACE_LABELS = frozenset({"", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT",
                                 "PERSON", "LAW", "LANGUAGE"})
# Kind nouns the gazetteer reads before "of" ("province of Diyarbakir").
KIND_OF_NOUNS = frozenset({"city", "town", "province", "state", "region", "governorate",
                           "district"})
# Nouns of things named after the place they are in or join: "Donetsk Airport", "the
# Zahle roundabout", "the Qom-Tehran road". When such a name is not a place itself,
# the place names inside it are tried.
FACILITY_NOUNS = frozenset({
    "road", "highway", "motorway", "route", "roundabout", "intersection", "junction",
    "crossroads", "bridge", "airport", "airbase", "station", "square", "market", "checkpoint",
    "crossing", "dam", "base", "port", "harbour", "harbor", "hospital", "prison", "camp",
})
# The string ids of the words _missed_spans starts from: facility nouns, and the
# prepositions with "of" (whose noun before it _names_place_of then tests).
_FACILITY_IDS = frozenset(get_string_id(word) for word in FACILITY_NOUNS)
_MISSED_PREP_IDS = frozenset(get_string_id(word) for word in (*MISSED_PLACE_PREPS, "of"))
# Squares and streets with a proper name ("Sükhbaatar Square", "Rustaveli Avenue") are
# named after people and events far more often than after a town: the name inside is
# not searched as a place (the event stays in the article's city).
STREET_NOUNS = frozenset({"square", "street", "avenue", "boulevard", "park"})
# "120 km south of Tehran": the place named is a reference point, not the location.
DIRECTIONS = frozenset({"north", "south", "east", "west", "northeast", "northwest",
                        "southeast", "southwest", "north-east", "north-west", "south-east",
                        "south-west"})
# Verbs that only say where and when their subject happened ("The attack occurred …").
HAPPENING_VERBS = frozenset({"occur", "happen", "unfold"})
# The parts of speech a demonym is tagged with ("Nigerien" ADJ, "Lebanese" PROPN/NOUN).
DEMONYM_POS = frozenset(IDS[tag] for tag in ("ADJ", "PROPN", "NOUN"))
# The lemmas _is_happening can accept: the verbs above, "take (place)" and "(be) held".
HAPPENING_LEMMAS = HAPPENING_VERBS | {"take", "hold"}
# Events whose place is where they send troops or goods ("deployed soldiers to El Paso").
DESTINATION_TYPES = frozenset({"MOBILIZE", "AID"})
# Where a statement was made: "in"/"at" a place of a verb of speaking or of an occasion
# for speaking ("told a briefing in Taipei", "speaking at a summit in Brussels").
SPEAKING_PREPS = frozenset({"in", "at", "during", "outside"})
SPEECH_VERBS = frozenset({
    "say", "tell", "speak", "address", "announce", "brief", "declare", "state", "add",
    "write", "post", "insist", "reply", "respond", "remark", "comment", "ask",
})
OCCASION_NOUNS = frozenset({
    "briefing", "conference", "meeting", "ceremony", "summit", "session", "interview",
    "speech", "rally", "visit", "talks", "forum", "gathering", "event", "hearing",
    "assembly", "parliament", "congress", "address", "appearance",
})
# How far up a place's phrase a "from" still makes it an origin ("from the war in Libya"),
# and the verbs of coming or being brought from somewhere whose "from" does.
FROM_DEPTH = 4
ORIGIN_VERBS = frozenset({
    "come", "flee", "escape", "rescue", "evacuate", "return", "arrive", "travel",
    "migrate", "deport", "expel", "repatriate", "displace", "bring", "transfer", "move",
    "send", "relocate", "smuggle", "traffic", "import",
})
DISTANCE_UNITS = frozenset({"km", "kms", "kilometres", "kilometers", "kilometre", "kilometer",
                            "miles", "mile", "mi"})
# Nouns that make the names before them parts of a city ("the Tijuca and Grajaú
# neighborhoods").
NEIGHBOURHOOD_NOUNS = frozenset({"neighborhood", "neighbourhood", "neighborhoods",
                                 "neighbourhoods", "suburb", "suburbs", "quarter", "quarters"})
# Parts of a country's land: "Iraq's Qandil mountains", "Lebanon's southern border" are
# in that country (the country word is a place, not a modifier like "the US dollar").
LAND_NOUNS = frozenset({
    "mountains", "mountain", "hills", "valley", "coast", "coastline", "border", "borders",
    "desert", "plains", "island", "islands", "lake", "river", "delta", "highlands",
    "countryside", "interior", "north", "south", "east", "west", "heartland",
})
# Direction adjectives before a name ("in northern Iraq's Qandil mountains").
DIRECTION_WORDS = frozenset({
    "northern", "southern", "eastern", "western", "central", "northeastern", "northwestern",
    "southeastern", "southwestern", "north-eastern", "north-western", "south-eastern",
    "south-western",
})
# Leading words of names that are not places by themselves ("West Kowloon").
NOT_PLACE_WORDS = frozenset({"north", "south", "east", "west", "central", "upper", "lower",
                             "new", "old", "great", "greater", "little", "grand"})
# Labels of names that hold place names without being places ("the Bank of England").
NAMED_THINGS = frozenset({"ORG", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT", "FAC"})
# Head words of organisations named after a place rather than being there ("the
# Kurdistan Workers Party", "the Bank of Baghdad", "the Congo River Alliance"): a place
# name inside such an ORG entity is not a place of the story.
ORGANISATION_NOUNS = frozenset({
    "party", "parties", "front", "movement", "alliance", "league", "congress", "union",
    "workers", "bank", "company", "corporation", "brigade", "brigades", "battalion",
    "army", "coalition", "federation", "group",
})
# Labels of entities that are places when they are a country or capital
# name ("Washington said" is often ORG).
ACTOR_LABELS = frozenset({"ORG", "PERSON", "NORP"})
SPECIFICITY = {"city": 3, "district": 2.5, "admin1": 2, "region": 2, "country": 1}
CLIMB_DEPS = frozenset({"pobj", "prep", "dobj", "nsubj", "nsubjpass", "compound", "amod",
                        "npadvmod", "conj", "appos", "nmod", "attr", "acl", "pcomp",
                        "relcl"})
# Confidence a place needs before it counts as evidence of what the article is about.
CONTEXT_MIN_SCORE = 0.7
# Words after an entity tried as the rest of a name NER cut short ("Kut e Abdollah").
MAX_NAME_EXTENSION = 2
# Extra confidence required of names NER did not label.
MISSED_PLACE_MARGIN = 0.15

# Place chains: "Osgiliath (Anorien, Gondor)", "Bree, Eriador, Arnor", "Tharbad in
# Minhiriath", "Pelargir town of Lebennin region". Each name is followed by the ones that
# contain it, so later names constrain the country (and region) of earlier ones.
_CAPITAL = r"[A-ZÀ-ÖØ-Þ][\w'’]*(?:[-&][\w'’]+)*"
_LINK_WORD = (r"(?:de|del|de la|de las|de los|des|du|da|do|dos|das|di|la|las|los|le|el|al|"
              r"bin|ben|ibn|van|von|y|sur|am|upon)")
# Nouns that say what a name is but that the gazetteer does not use ("Homs countryside").
_PLAIN_NOUNS = (r"countryside|area|sector|commune|neighbou?rhood|locality|upazila|tehsil|"
                r"LGA|raion|suburb|outskirts|camp")
_KIND_NOUNS = (r"town|city|village|district|province|region|governorate|state|county|"
               r"municipality|department|oblast|prefecture|division|territory")
_BARE_KIND_NOUNS = frozenset(_KIND_NOUNS.split("|"))
# A town kind noun ending a chain name ("the West Bank town of …").
_TOWN_WORD = re.compile(r" (?:town|city|village)$")
_CHAIN_NAME = re.compile(
    rf"(?:(?:St|Ste|Mt|Ft)\.? )?(?:(?:al|el|ad|ar|as|ash|at|az|an)-)?{_CAPITAL}"
    rf"(?:[ -](?:{_LINK_WORD} )?(?:(?:al|el|ad|ar|as|ash|at|az)-)?{_CAPITAL})*"
    rf"(?: (?i:{_KIND_NOUNS})\b)?"
    rf"(?P<plain> (?i:{_PLAIN_NOUNS})\b)?"
)
# Capitalised words that start a sentence before a name without being part of it.
_LEADING_WORD = re.compile(r"(?:In|On|At|Near|From|Outside|Inside|And|But|As) (?=[A-Z])")
_DIRECTION = (r"(?:(?:north|south)(?:-?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?|"
              r"central|rural|greater)")
# "Tharbad in Minhiriath", "Ethring in the northern outskirts of Lebennin",
# "Bree in western Eriador".
_CHAIN_LINK = re.compile(
    r"\s*,\s*|\s*\(\s*|\s+(?:in|of)\s+(?:the\s+)?"
    rf"(?:(?i:{_DIRECTION})\s+)?(?:(?i:{_PLAIN_NOUNS}|part|parts|outskirts|suburbs)\s+of\s+)?")
# How far above a chained candidate must stay ahead to keep a non-first name a city
# rather than the same-name region ("Veracruz, Veracruz": the second is the state).
CONTAINER_ADMIN1_MARGIN = 0.35
# Readings of a chain's last name tried as its container.
CHAIN_OPTIONS = 4
CHAIN_OPTION_MARGIN = 0.25
# Bonus of a candidate that lies in the region or country named after it.
CONTAINED_BONUS = 0.3
# Names of a chain that must have an entry in one country for the chain to be read
# there ("Ngaoundere town (Vina, Adamawa)": Ngaoundere and Adamawa are both Cameroon's).
CHAIN_VOTES = 2
# Dependencies by which a country word modifies another noun ("US dollar", "Kazakh
# government"); such a word is context, never the event's place.
MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod"})
# Evidence weights of the first pass (how often a country counts).
CHAIN_WEIGHT = 2
DERIVED_ACTOR_REASONS = frozenset({"place_as_actor", "coreference"})
# How many extra mentions the lead sentence's place counts for as the article's place.
LEAD_BONUS = 1
# Population a town far from the town named after it needs to be read as a list
# item ("Paris, London") rather than as a place near that town.
LISTED_TOWN_POPULATION = 100_000
# A town given as inside a town ("Basira in the countryside of Deir-ez-Zor") lies near it.
CITY_CONTAINER_KM = 150.0
# A name shared by this many towns of the country must lie within HOMONYM_KM instead.
MANY_HOMONYMS = 3
HOMONYM_KM = 50.0


@dataclass(frozen=True)
class _Mention:
    """A place mention with the evidence used to pick locations."""

    place: Place
    root: Token | None
    score: float
    dateline: bool = False
    qualified: bool = False
    chain: int | None = None

    @property
    def resolved(self) -> bool:
        return self.place.reason is None


class Geolocator:
    """Fills ``doc._.places`` and ``Event.location`` (see the module docstring)."""

    def __init__(self, gazetteer: Gazetteer, *, min_score: float = 0.5,
                 countries: Countries | None = None) -> None:
        if not hasattr(gazetteer, "rank"):
            raise InputError(Errors.E202.format(name=type(gazetteer).__name__))
        if not 0.0 <= min_score <= 1.0:
            raise InputError(Errors.E203.format(value=min_score))
        self.gazetteer = gazetteer
        self.min_score = min_score
        self.countries = countries or load_countries()

    def __call__(self, doc: Doc) -> Doc:
        mentions = self.find_places(doc)
        doc._.places = [mention.place for mention in mentions]
        events = doc._.events
        if events:
            main = _main_place(mentions)
            countries = {actor.country for actor in doc._.actors or ()}
            story = _story_place(mentions, countries, _lead_sentence(doc)) or main
            fallback = None if main is not None else self.article_country(doc, mentions)
            doc._.events = [
                dataclasses.replace(event, location=self.locate(
                    doc, event, mentions,
                    main=story if event.type in PLACED_TYPES else main,
                    statement=event.type in SAID_TYPES) or fallback)
                for event in events
            ]
        return doc

    def article_country(self, doc: Doc, mentions: Sequence[_Mention] = ()) -> Place | None:
        """The country the article's actors, nationality words and unplaceable place names
        point to, if one leads.

        For articles whose places are all unknown villages: "Iraqi forces shelled
        Mutaibijah" is at least in Iraq. With no such actor, "shop owners protested in
        Kafr Qaseem" is in Israel, the only country with a town spelled (almost) so,
        though too small a town to place on that spelling. The place is the first word
        that gave the country; its ``reason`` is ``country_of_actors`` or
        ``country_of_place_name``.
        """
        evidence: dict[str, tuple[Token | Span, str]] = {}
        counts: Counter[str] = Counter()
        for code, where in self._actor_countries(doc):
            counts[code] += 1
            evidence.setdefault(code, (where, "country_of_actors"))
        # NER's place entities by start (a mention may extend one: "Joubb Janine")
        places = {ent.start_char for ent in doc_ents(doc) if ent.label_ in PLACE_LABELS}
        # Actors outrank spellings ("the OSCE SMM … near Komsomolets" is in Ukraine).
        for mention in mentions if not counts else ():
            span = doc.char_span(mention.place.start, mention.place.end)
            if mention.resolved or span is None or mention.place.start not in places:
                continue
            found = self.gazetteer.countries_of(mention.place.text)
            if len(found) == 1:
                code = found.pop()
                counts[code] += 1
                evidence.setdefault(code, (span, "country_of_place_name"))
        if not counts:
            return None
        (top, count), *rest = counts.most_common(2)
        country = self.countries.by_code(top)
        if country is None or (rest and rest[0][1] == count):
            return None
        where, reason = evidence[top]
        start = where.idx if isinstance(where, Token) else where.start_char
        return Place(text=where.text, start=start, end=start + len(where.text),
                     name=country.name, geonameid=country.geonameid, country=country.iso3,
                     admin1=None, lat=country.lat, lon=country.lon, feature="country",
                     reason=reason)

    # -- mentions -------------------------------------------------------------

    def find_places(self, doc: Doc) -> list[_Mention]:
        """Every place mention of the Doc, geocoded with the article's context."""
        spans = [self._extended(ent) for ent in doc_ents(doc) if ent.label_ in PLACE_LABELS]
        spans += self._actor_spans(doc)
        # "the US dollar", "Ukrainian forces": a country word that only describes a thing
        # is not where anything happened.
        spans = [span for span in spans
                 if not self._is_modifier(span) and not _is_calendar_word(span.text)
                 and not span.text.islower()]  # "in the metro" (FAC) is no town Metro
        missed = self._missed_spans(doc, spans)
        dateline = self._dateline(doc)
        chains = [chain for chain in (self._without_demonym(doc_text(doc), found)
                                      for found in _find_chains(doc_text(doc)))
                  if len(chain) > 1 and not _names_thing(doc, chain)
                  and not self._of_a_thing(doc, chain)]
        votes = [self._chain_vote(doc_text(doc), chain) for chain in chains]
        context = self._context(doc, spans, dateline, chains, votes)
        hint = self._hint(dateline, context)
        ranked_context = [code for code, _ in context.most_common()]
        mentions: list[_Mention] = []
        if dateline is not None:
            mention = self._resolve(dateline[0], dateline[1], dateline[2], hint=dateline[3] or hint,
                                    context=ranked_context, root=None)
            if mention.resolved:
                mentions.append(dataclasses.replace(mention, dateline=True))
        for number, chain in enumerate(chains):
            voted = votes[number]
            inside = voted[0] if voted[1] >= CHAIN_VOTES else hint
            for mention in self._resolve_chain(doc, chain, hint=inside, context=ranked_context):
                span = doc.char_span(mention.place.start, mention.place.end)
                if span is not None and self._is_modifier(span) \
                        or _inside_of_name(doc, mention.place):
                    continue  # "the Bank of Pakistan" names a bank, not a place
                if not _overlaps(mention.place, [(m.place.start, m.place.end) for m in mentions]):
                    mentions.append(dataclasses.replace(mention, chain=number))
        taken = [(m.place.start, m.place.end) for m in mentions]
        # A chain's names were resolved together; NER's cut of them ("Nis, Serbia" as one
        # entity, "Police" of "Police District 16, Kabul") is not tried again -- unless
        # nothing of the chain resolved ("the Line of Control in Kashmir's Poonch
        # district": NER's "Poonch" is still a place).
        placed = {m.chain for m in mentions if m.chain is not None}
        taken += [(start, end) for number, chain in enumerate(chains) if number in placed
                  for start, end in chain]
        for span in spans:
            if any(span.start_char < end and start < span.end_char for start, end in taken):
                continue
            mention = self._resolve(span.text, span.start_char, span.end_char, hint=hint,
                                    context=ranked_context, root=span.root,
                                    query=_kind_query(span))
            if not mention.resolved:
                mention = self._resolve_inside(span, hint=hint, context=ranked_context) or mention
            mentions.append(mention)
        for span in missed:
            if any(span.start_char < end and start < span.end_char for start, end in taken):
                continue
            named = span.start > 0 and _names_place_of(doc[span.start - 1])
            # "northern Iraq's Qandil mountains" are in Iraq, whatever the article is about
            owner = self._owner_country(span)
            mention = self._resolve(span.text, span.start_char, span.end_char,
                                    hint=owner or hint,
                                    context=ranked_context, root=span.root,
                                    margin=0.0 if named else MISSED_PLACE_MARGIN,
                                    query=_kind_query(span))
            if not mention.resolved:
                mention = self._resolve_inside(span, hint=hint, context=ranked_context) or mention
            if mention.resolved:
                mentions.append(mention)
                taken.append((span.start_char, span.end_char))
        if dateline is not None and hint is not None:
            mentions += self._capitals(doc, hint, taken)
        names = _organisation_names(doc)
        mentions = [m for m in mentions if m.dateline or not any(
            start <= m.place.start and m.place.end <= end and (start, end) != (
                m.place.start, m.place.end) for start, end in names)]
        mentions.sort(key=lambda m: (m.place.start, m.place.end))
        return _neighbourhoods_near_their_city(mentions)

    def _owner_country(self, span: Span) -> str | None:
        """The country named as the owner of the name ("Iraq" of "Iraq's Qandil")."""
        doc = span.doc
        if span.start < 2 or doc[span.start - 1].lower_ not in ("'s", "’s"):
            return None
        owner = doc[span.start - 2]
        ent = next((e for e in doc_ents(doc) if e.start <= owner.i < e.end), None)
        matched = self.countries.match(ent.text if ent is not None else owner.text)
        return matched[0].iso3 if matched is not None and matched[1] == "name" else None

    def _capitals(self, doc: Doc, code: str, taken: list[tuple[int, int]]) -> list[_Mention]:
        """"the capital" ("protested in the capital", "the capital's main square") of the
        article's country (the dateline's, else the leading one; only in a datelined
        report, whose country is clear), as a mention of that capital city."""
        country = self.countries.by_code(code)
        if country is None or not country.capital:
            return []
        found = [c for c in self.gazetteer.rank(country.capital, country_hint=code)
                 if c.country == code and c.feature == "city"]
        if not found:
            return []
        mentions = []
        for token in doc:
            if token.lower_ != "capital" or token.pos_ != "NOUN" or token.i == 0 \
                    or doc[token.i - 1].lower_ != "the" or any(
                        start < token.idx + len(token) and token.idx < end
                        for start, end in taken) or any(
                        child.dep_ == "appos" or child.dep_ == "prep" and child.lower_ == "of"
                        for child in token.children):
                continue  # "the capital of Mali", "the capital, Bamako" name it
            mentions.append(_Mention(_place(token.text, token.idx, token.idx + len(token),
                                            found[0]), token, min(found[0].score, 1.0)))
        return mentions

    def _resolve(self, text: str, start: int, end: int, *, hint: str | None,
                 context: Iterable[str], root: Token | None, margin: float = 0.0,
                 query: str | None = None) -> _Mention:
        ranked = self.gazetteer.rank(query or text, country_hint=hint, context_countries=context,
                                     fuzzy_countries=[hint] if hint else [])
        best = ranked[0] if ranked else None
        if best is None:
            matched = self.countries.match(text)
            reason = "demonym" if matched is not None and matched[1] == "demonym" else "not_found"
            return _Mention(_unresolved(text, start, end, reason), root, 0.0)
        score = min(best.score, 1.0)
        if margin and len({candidate.country for candidate in ranked}) == 1 \
                and (hint is None or best.country == hint):
            # A name found in one country only (and the article's, if known) is
            # rarely an ordinary word that happens to name a town elsewhere.
            margin = 0.0
        if score < self.min_score + margin:
            return _Mention(_unresolved(text, start, end, "below_threshold"), root, score)
        return _Mention(_place(text, start, end, best), root, score)

    def _extended(self, span: Span) -> Span:
        """The entity with the words NER cut off its name, when the gazetteer has it.

        "Kut" of "Kut e Abdollah" (Iran) is not Kut (Iraq): up to
        ``MAX_NAME_EXTENSION`` following words, the last title-case, are
        added when the longer name is an entry as written, or, when the cut name
        is no entry at all, spelled very alike.
        """
        doc = span.doc
        unknown = not self.gazetteer.lookup(span.text)
        for end in range(min(span.end + MAX_NAME_EXTENSION, len(doc)), span.end, -1):
            words = doc[span.end:end]
            if not words[-1].is_title or any(t.is_punct or t.is_space or t.ent_type_
                                             and t.ent_type_ not in MISSED_PLACE_LABELS
                                             for t in words):
                continue
            longer = doc[span.start:end]
            if self.gazetteer.lookup(longer.text) or (
                    unknown and self.gazetteer.countries_of(longer.text)):
                return longer  # "Joubb" of "Joubb Janine" is spelled "Joubb Jannîne"
        return span

    def _resolve_inside(self, span: Span, *, hint: str | None,
                        context: list[str]) -> _Mention | None:
        """The first place named inside a name that is not a place itself.

        "Donetsk Airport" and "Donetsk Filtration Station" are at Donetsk, "the
        Zahle roundabout" in Zahle, "the Halba-Qoubaiyat road" starts at Halba.
        The parts are tried left to right (for a road, its first end), each
        with the margin of names NER did not label.
        """
        tokens = [token for token in span if token.lower_ != "the"]
        if tokens and tokens[-1].is_title and tokens[-1].lower_ in STREET_NOUNS:
            return None  # "Sükhbaatar Square" is named after a man, not a town
        facility = bool(tokens) and tokens[-1].lower_ in FACILITY_NOUNS
        if facility:
            tokens = tokens[:-1]
        parts: list[list[Token]] = [[]]
        if any(token.text == "-" for token in tokens):
            for token in tokens:
                if token.text == "-":
                    parts.append([])
                else:
                    parts[-1].append(token)
        elif facility:
            # "Donetsk Filtration Station": the longest leading name that is a place
            parts = [tokens[:size] for size in range(len(tokens), 0, -1)]
        for part in parts:
            if not part or not part[0].is_title or part[0].lower_ in NOT_PLACE_WORDS \
                    or (len(part) == len(span) and part[0].i == span.start):
                continue
            start, end = part[0].idx, part[-1].idx + len(part[-1])
            mention = self._resolve(doc_text(span.doc)[start:end], start, end, hint=hint,
                                    context=context, root=span.root,
                                    margin=MISSED_PLACE_MARGIN)
            if mention.resolved:
                return mention
        return None

    def _resolve_chain(self, doc: Doc, chain: list[tuple[int, int]], *, hint: str | None,
                       context: list[str]) -> list[_Mention]:
        """Resolve a chain's names from the most general (last) to the first.

        A country or region named later is the container of the names
        before it: they are looked up inside its country (spelling
        variants allowed), candidates in its region get a bonus, and a name
        with nothing inside it stays unresolved rather than going abroad
        ("Police District 16, Kabul" never becomes Police, Poland). A
        non-first name is a container itself, so it prefers a same-name
        region ("Veracruz, Veracruz": the state contains the city).
        """
        last_start, last_end = chain[-1]
        inside = hint
        ranked = self.gazetteer.rank(doc_text(doc)[last_start:last_end], country_hint=inside,
                                     context_countries=context,
                                     fuzzy_countries=[inside] if inside else [])
        # The last name may be ambiguous ("Punjab"): each of its likely readings is tried
        # as the container, and the one under which the other names resolve best wins.
        if ranked and ranked[0].feature == "country":
            ranked = ranked[:1]
        options: list[Candidate | None] = [
            c for c in ranked[:CHAIN_OPTIONS]
            if c.score >= max(self.min_score, ranked[0].score - CHAIN_OPTION_MARGIN)] or [None]
        best_total, best_mentions = -1.0, []
        for option in options:
            mentions = self._resolve_chain_under(doc, chain, option, hint=hint, context=context)
            # Names resolved outside the container's country are not support for it.
            total = sum(m.score for m in mentions
                        if option is None or m.place.country == option.country)
            if total > best_total:
                best_total, best_mentions = total, mentions
        return best_mentions

    def _resolve_chain_under(self, doc: Doc, chain: list[tuple[int, int]],
                             last: Candidate | None, *, hint: str | None,
                             context: list[str]) -> list[_Mention]:
        container: Candidate | None = None
        # The last town named so far: names before it lie near it ("Wuhua, Kunming,
        # Yunnan" is a Kunming district, not the Guangdong county also called Wuhua).
        town: Candidate | None = None
        # Names read as the region rather than the same-name city because of their
        # position after "in", with their city reading: kept only if a name before
        # them resolves ("a bank in Mandalay, Myanmar" is in the city; in "Shir Khan
        # Bandar, Kunduz" the unknown village is in the province).
        as_region: dict[int, _Mention] = {}
        mentions: list[_Mention] = []
        for position in range(len(chain) - 1, -1, -1):
            start, end = chain[position]
            text = doc_text(doc)[start:end]
            span = doc.char_span(start, end, alignment_mode="expand")
            root = span.root if span is not None else None
            names_country = position < len(chain) - 1 and self._names_country(text)
            # A name read off part of a longer one ("Beni" of "Beni-Mbau") must lie in
            # the chain's region: "Ibadan-Ijebu Ode Road, Ogun" is not in Ibadan's Oyo.
            part_of_name = False
            if position == len(chain) - 1:
                ranked = [last] if last is not None else []
            elif names_country:
                # a country name in a chain is a list item ("Britain, France"), never a
                # region of the next name -- unless the country named after it has a
                # region so called ("Minna, Niger, Nigeria": Niger State)
                ranked = self.gazetteer.rank(text)
                homonyms = [candidate for candidate in ranked if container is not None
                            and container.feature == "country"
                            and candidate.country == container.country
                            and candidate.feature == "admin1" and candidate.match == "name"]
                if homonyms:
                    ranked = [_contained(homonyms[0], container)]
            else:
                inside = container.country if container is not None else hint
                ranked = self.gazetteer.rank(text, country_hint=inside, context_countries=context,
                                             fuzzy_countries=[inside] if inside else [])
                if not ranked and position < len(chain) - 1:
                    # "Samboko, Beni-Mbau, North Kivu": the sector is named after Beni;
                    # "Canning Purba, …, West Bengal" is the eastern part of Canning.
                    for head in _leading_names(text):
                        ranked = self.gazetteer.rank(head, country_hint=inside,
                                                     context_countries=context)
                        if ranked:
                            text, end, part_of_name = head, start + len(head), True
                            break
            if container is not None and not names_country:
                inner = [_contained(candidate, container) for candidate in ranked
                         if candidate.country == container.country
                         and candidate.feature != "country"
                         and (container.feature not in ("city", "district")
                              or _near(candidate, container)
                              or _in_namesake_region(candidate, container))
                         and not (container.feature in ("admin1", "district")
                                  and (candidate.match != "name" or position > 0
                                       or part_of_name or candidate.feature == "district")
                                  and candidate.admin1 is not None
                                  and candidate.admin1 != container.admin1)
                         and not (candidate.feature == "admin1" and position == 0
                                  and candidate.geonameid == container.geonameid
                                  and candidate.name == container.name)]
                inner.sort(key=lambda c: c.score, reverse=True)
                # A country inside a country is a list ("Iran, Iraq"), not a chain;
                # "Minna, Niger, Nigeria" keeps the Nigerian state. Big towns after a
                # town may be a list too ("Paris, London"): they keep their own reading.
                # A village far from the town after it, in the same country, is not
                # listed with it: "Pisky, Donetsk" is not the Pisky 300 km away.
                if inner or not (ranked and (ranked[0].feature == "country"
                                             or (container.feature == "city"
                                                 and ranked[0].score >= CONTEXT_MIN_SCORE
                                                 and (ranked[0].country != container.country
                                                      or ranked[0].population
                                                      >= LISTED_TOWN_POPULATION)))):
                    ranked = inner
            if town is not None and not names_country:
                # A name that many towns of the country share ("San Jose" in the
                # Philippines) must be close to the town after it to be one of them.
                homonyms = sum(1 for c in ranked if c.country == town.country
                               and c.feature == "city")
                radius = HOMONYM_KM if homonyms >= MANY_HOMONYMS else CITY_CONTAINER_KM
                ranked = [candidate for candidate in ranked if _near(candidate, town, radius)]
            if not ranked:
                continue
            best = city = ranked[0]
            # Before its namesake region ("São Paulo, São Paulo"), a name is the
            # region's city; elsewhere after the first place it is the region itself.
            repeated = position + 1 < len(chain) and normalise_key(text) == normalise_key(
                doc_text(doc)[chain[position + 1][0]:chain[position + 1][1]])
            if position > 0 and best.feature == "city" and not repeated:
                region = next((c for c in ranked if c.feature == "admin1"
                               and c.score >= best.score - CONTAINER_ADMIN1_MARGIN), None)
                # The name is confidently a place; its position says it is the region.
                best = dataclasses.replace(region, score=best.score) if region else best
            if min(best.score, 1.0) < self.min_score:
                continue
            qualified = (container is not None and position < len(chain) - 1
                         and best.country == container.country and best.feature != "country")
            mentions.append(_Mention(_place(text, start, end, best), root,
                                     min(best.score, 1.0), qualified=qualified))
            link = doc_text(doc)[chain[position - 1][1]:start] if position > 0 else ""
            if best is not city and link.split()[:1] == ["in"]:
                as_region[len(mentions) - 1] = dataclasses.replace(
                    mentions[-1], place=_place(text, start, end, city))
            if best.feature == "city" and position < len(chain) - 1:
                town = best
            if best.feature in ("country", "admin1", "district") or position == len(chain) - 1:
                # The chain's last name holds the others, whatever its kind: "Bengou
                # (Gaya, Dosso)" keeps Gaya inside Niger.
                container = best
        if mentions and len(mentions) - 1 in as_region:
            # Nothing before it resolved, so it holds nothing: "a bank in Mandalay,
            # Myanmar" is in the city.
            mentions[-1] = as_region[len(mentions) - 1]
        return mentions

    def _without_demonym(self, text: str,
                         chain: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The chain without a nationality word as its container ("the Syrian town of
        Dhiban" is Dhiban; the country is context, not a region called Syrian)."""
        start, end = chain[-1]
        return chain[:-1] if self._is_demonym(text[start:end]) else chain

    def _is_demonym(self, text: str) -> bool:
        matched = self.countries.match(text)
        return matched is not None and matched[1] == "demonym"

    def _of_a_thing(self, doc: Doc, chain: list[tuple[int, int]]) -> bool:
        """Whether the chain is "X of Y" with an X that is no place ("Leaders of the
        Group of 20", "the International Court of Justice in The Hague"): Y then
        names what X belongs to, not a place holding X."""
        text = doc_text(doc)
        (start, end), (next_start, _) = chain[0], chain[1]
        name = text[start:end]
        return text[end:next_start].strip() in ("of", "of the") \
            and name.split()[-1].lower() not in _BARE_KIND_NOUNS \
            and not self.gazetteer.countries_of(name)

    def _names_country(self, text: str) -> bool:
        matched = self.countries.match(text)
        return matched is not None and matched[1] == "name"

    def _is_modifier(self, span: Span) -> bool:
        """A country name or demonym that describes a non-place noun ("US dollar").

        Capitals are left alone ("Baghdad airport" is in Baghdad), and so is a word
        before a place noun ("Idlib province") or inside a longer place name.
        """
        root = span.root
        head = root.head
        if root.dep_ == "pobj" and head.lower_ == "of" and head.head.i != head.i \
                and head.head.pos_ == "PROPN" and head.head.is_title:
            # "the Islamic State of Iraq", "the Bank of England": part of a name.
            head = head.head
        elif root.dep_ not in MODIFIER_DEPS or head.i == root.i:
            return False
        if span.start <= head.i < span.end:
            return False
        if head.pos_ not in ("NOUN", "PROPN") or head.lower_ in PLACE_SUFFIXES \
                or head.lower_ in LAND_NOUNS or head.ent_type_ in PLACE_LABELS:
            return False
        matched = self.countries.match(span.text)
        if root.dep_ == "pobj":
            return matched is not None and matched[1] in ("name", "code")
        return matched is not None and matched[1] in ("name", "code", "demonym")

    def _chain_vote(self, text: str, chain: list[tuple[int, int]]) -> tuple[str | None, int]:
        """The country in which most of the chain's names have an entry, and how many.

        Read jointly, "Ngaoundere town (Vina, Adamawa)" is in Cameroon: Ngaoundere is
        only there, and Cameroon has an Adamawa too (Nigeria's is the main-name
        match). Ties go to the reading the last name ranks first.
        """
        found = [self.gazetteer.lookup(text[start:end]) for start, end in chain]
        counts: Counter[str] = Counter()
        for (start, end), entries in zip(chain, found):
            # close spellings count too: a Paraguayan town written "…Ycuamandiyu" in
            # the news is "…Ycuamandyyú" in GeoNames
            counts.update({c.country for c in entries} or self.gazetteer.countries_of(
                text[start:end]))
        if not counts:
            return None, 0
        top = max(counts.values())
        if top < CHAIN_VOTES:
            return None, top
        start, end = chain[-1]
        order = [candidate.country for candidate in self.gazetteer.rank(text[start:end])]
        tied = [code for code, count in counts.items() if count == top]
        nested = _nested_countries(found[:-1], found[-1])
        tied.sort(key=lambda code: (code not in nested,
                                    order.index(code) if code in order else len(order)))
        return tied[0], top

    def _actor_spans(self, doc: Doc) -> list[Span]:
        """Non-place entities that name a country or capital ("Washington said"), and
        organisation-labelled names that are exactly one country's region ("Crete")."""
        spans = []
        for ent in doc_ents(doc):
            if ent.label_ not in ACTOR_LABELS:
                continue
            matched = self.countries.match(ent.text)
            if matched is not None and matched[1] in ("name", "code", "capital"):
                spans.append(ent)
            elif ent.label_ == "ORG" and self._region_country(ent.text):
                spans.append(ent)
        return spans

    def _region_country(self, text: str) -> str | None:
        """The country of the only region named ``text`` ("Crete"), if there is one."""
        found = {c.country for c in self.gazetteer.lookup(text) if c.feature == "admin1"}
        return found.pop() if len(found) == 1 and not text.isupper() else None

    def _missed_spans(self, doc: Doc, taken: list[Span]) -> list[Span]:
        """Proper-noun runs after "in/at/near" that NER did not call places.

        "in (the) Quetta", "in the Donetsk region": a title-case PROPN run,
        plus a following place noun ("region", "province").
        """
        covered = {token.i for span in taken for token in span}
        covered |= {token.i for ent in doc_ents(doc) if ent.label_ not in MISSED_PLACE_LABELS
                    for token in ent}
        spans: list[Span] = []
        lowers = doc.to_array(LOWER).tolist() if len(doc) else []
        for noun in _words_among(doc, lowers, _FACILITY_IDS):
            # "blocked the Halba-Qoubaiyat road", "near the Zahle roundabout"
            if noun.i in covered:
                continue
            start = noun.i
            while start > 0 and start - 1 not in covered and (
                    (doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title)
                    or (doc[start - 1].text == "-" and start > 1
                        and doc[start - 2].is_title)):
                start -= 1
            if start < noun.i and doc[start].text != "-":
                spans.append(doc[start:noun.i + 1])
        for prep in _words_among(doc, lowers, _MISSED_PREP_IDS):
            if prep.lower_ not in MISSED_PLACE_PREPS and not _names_place_of(prep):
                continue
            start = prep.i + 1
            if start < len(doc) and doc[start].lower_ == "the":
                start += 1
            start = _past_container(doc, start, covered)
            end = start
            # after "the town of" a title-case word is a name whatever its tag ("Sake")
            named = prep.lower_ == "of"
            while end < len(doc) and end not in covered and (
                    doc[end].is_title and (doc[end].pos_ == "PROPN"
                                           or named and doc[end].pos_ == "NOUN")
                    or _inner_possessive(doc, end, start)):
                end += 1
            if end == start:
                continue
            if end < len(doc) and doc[end].lower_ in PLACE_SUFFIXES and end not in covered:
                end += 1
            if doc[end - 1].lower_ in STREET_NOUNS:
                continue  # "rallied at Queen's Park": a square, park or street, no town
            spans.append(doc[start:end])
            # "in Kashmir's Poonch district", "Sagaing's Depayin township": unless the
            # whole is one name ("Cox's Bazar"), the possessed place, then its container
            spans += [part for i in range(start + 1, end - 1) if _inner_possessive(doc, i, start)
                      for part in (doc[i + 1:end], doc[start:i])]
        return spans

    def _dateline(self, doc: Doc) -> tuple[str, int, int, str | None] | None:
        """(city text, start, end, country ISO-3) of a "QUETTA, Pakistan —" dateline."""
        m = DATELINE.match(doc_text(doc))
        if m is None:
            return None
        country = None
        if m.group("region"):
            matched = self.countries.match(m.group("region"))
            if matched is not None and matched[1] in ("name", "code"):
                country = matched[0].iso3
        return m.group("city"), m.start("city"), m.end("city"), country

    def _context(self, doc: Doc, spans: list[Span],
                 dateline: tuple[str, int, int, str | None] | None,
                 chains: Sequence[list[tuple[int, int]]],
                 votes: Sequence[tuple[str | None, int]]) -> Counter[str]:
        """How often each country is evidenced in the article (first pass).

        A chain whose names agree on a country ("Mzimba (Mzimba, Northern)")
        counts twice for it; otherwise its last name ("…, Kirkuk, Iraq",
        "(Dori, Seno)") counts twice when it is a country and once when it is
        a region or a confident town: it is how summaries state the country.
        Actors with a country ("the Nigerien army") and nationality words
        count once: weaker than places, they still say whose territory a
        village name is likely in.
        """
        counts: Counter[str] = Counter()
        for number, chain in enumerate(chains):
            voted, agreeing = votes[number]
            if voted is not None and agreeing >= CHAIN_VOTES:
                counts[voted] += CHAIN_WEIGHT
                continue
            start, end = chain[-1]
            best = self.gazetteer.best(doc_text(doc)[start:end])
            if best is not None and best.feature == "country":
                counts[best.country] += CHAIN_WEIGHT
            elif best is not None and best.score >= CONTEXT_MIN_SCORE:
                counts[best.country] += 1
        if dateline is not None and dateline[3]:
            counts[dateline[3]] += 2
        counts.update(code for code, _ in self._actor_countries(doc))
        for span in spans:
            best = self.gazetteer.best(span.text)
            if best is not None and (best.feature == "country" or best.score >= CONTEXT_MIN_SCORE):
                counts[best.country] += 1
        return counts

    def _actor_countries(self, doc: Doc) -> list[tuple[str, Token | Span]]:
        """(country, evidence) for each demonym word ("Nigerien", "Lebanese") and each
        actor with a country of its own. An actor
        whose country was read off a place or the context ("villagers from Bate")
        is skipped: it would only echo the gazetteer's own guess back.
        """
        found: list[tuple[str, Token | Span]] = []
        seen: dict[str, str | None] = {}
        for token in _title_words(doc, DEMONYM_POS):
            if token.text not in seen:
                matched = self.countries.match(token.text)
                seen[token.text] = matched[0].iso3 if matched and matched[1] == "demonym" else None
            code = seen[token.text]
            if code is not None:
                found.append((code, token))
        for actor in doc._.actors or ():
            if actor.reason is not None and (actor.reason in DERIVED_ACTOR_REASONS
                                             or actor.reason.startswith("country_from")):
                continue
            country = self.countries.by_code(actor.country) if actor.country else None
            if country is not None:
                span = span_of(doc, actor)
                if span is not None:
                    found.append((country.iso3, span))
        return found

    def _hint(self, dateline: tuple[str, int, int, str | None] | None,
              context: Counter[str]) -> str | None:
        if dateline is not None and dateline[3]:
            return dateline[3]
        if not context:
            return None
        (top, count), *rest = context.most_common(2)
        if count >= 1 and (not rest or rest[0][1] < count):
            return top
        return None

    # -- event locations -------------------------------------------------------

    def locate(self, doc: Doc, event: Event, mentions: list[_Mention], *,
               main: _Mention | None, statement: bool = False) -> Place | None:
        """The location of one event (rules in the module docstring).

        A ``statement`` with no place in its clause is made where the report was
        filed (the dateline), not at a place it speaks of ("rejected an offer
        from Japan", issue 9).
        """
        resolved = [m for m in mentions if m.resolved]
        if not resolved:
            return None
        sentence = [m for m in resolved
                    if event.sentence.start <= m.place.start and m.place.end <= event.sentence.end]
        trigger = span_of(doc, event.trigger)
        if statement and main is not None and main.dateline and trigger is not None:
            # "said at a ceremony in Nairobi that …", "speaking at a meeting in Brussels"
            # place the statement; what it is about ("rejected an offer from Japan",
            # "called on Israel to withdraw from southern Lebanon") does not
            actor_ranges = [(actor.start, actor.end) for actor in (*event.source, *event.target)]
            speakers = {token.i for span in (span_of(doc, actor) for actor in event.source)
                        if span is not None for token in span}
            spoken = [m for m in sentence if m.root is not None
                      and _speaking_place(m.root, trigger.root, speakers)
                      and not _overlaps(m.place, actor_ranges)]
            return _most_specific(spoken, event.trigger.start).place if spoken \
                else _inherited(main.place)
        # where something other than the event came from ("migrants brought from camps
        # in Libya") comes last, like an origin
        elsewhere: set[int] = set()
        if trigger is not None:
            anchors = _anchors(doc, event, trigger)
            elsewhere = {m.place.start for m in sentence
                         if m.root is not None and _from_elsewhere(m.root, anchors)}
            clause = [m for m in sentence if m.root is not None
                      and (_in_clause(m.root, anchors) or event.type in DESTINATION_TYPES
                           and _destination(m.root, trigger))
                      and not _away(m.root) and m.place.start not in elsewhere]
            # A chain is one location phrase: if its region is in the clause, so is its town.
            chained = {m.chain for m in clause if m.chain is not None}
            clause += [m for m in sentence if m.chain in chained and m not in clause]
            happened = _happening_place(trigger.sent, resolved)
            if happened is not None and all(m.place.country == happened.place.country
                                            for m in clause):
                clause.append(happened)
            if clause:
                return _most_specific(clause, event.trigger.start).place
        actor_ranges = [(actor.start, actor.end) for actor in (*event.source, *event.target)]
        free = [m for m in sentence if not _overlaps(m.place, actor_ranges)]
        # A chain is one location phrase even when an actor span swallows its first
        # names ("attacked the town of X, Region, Country": the region, not the country).
        chained = {m.chain for m in free if m.chain is not None}
        free += [m for m in sentence if m.chain in chained and m not in free]
        if free:
            return _most_specific(free, event.trigger.start, demoted=elsewhere).place
        if main is not None:
            return _inherited(main.place)
        if sentence:
            target_ranges = [(actor.start, actor.end) for actor in event.target]
            targets = [m for m in sentence if _overlaps(m.place, target_ranges)]
            return _most_specific(targets or sentence, event.trigger.start).place
        return None


def _find_chains(text: str) -> list[list[tuple[int, int]]]:
    """Runs of capitalised names joined by ",", "(", "in" or "of": (start, end) per name.

    Only runs of two names or more are chains; a trailing "countryside"/"area"-like noun
    is left out of the name.
    """
    chains: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    previous_end = -1
    for match in _CHAIN_NAME.finditer(text):
        start = match.start()
        end = match.start("plain") if match.group("plain") else match.end()
        lead = _LEADING_WORD.match(text, start, end)
        if lead is not None:
            start = lead.end()  # "In Bree (Eriador)" at a sentence start: the name is Bree
            if text[start:end].lower() in CALENDAR_WORDS:
                continue  # "On Sunday, Russia fired …"
        if _is_calendar_word(text[start:end]):
            # "MOGADISHU, Jan. 12": a date ends the chain; "Jan" is no town (issue 9)
            if len(current) > 1:
                chains.append(current)
            current = []
            continue
        if current and _CHAIN_LINK.fullmatch(text, previous_end, start):
            last_start, last_end = current[-1]
            if text[last_start:last_end].lower() in _BARE_KIND_NOUNS \
                    and text[previous_end:start].strip() == "of":
                # "District of Columbia", "State of Mexico": one name, not two.
                current[-1] = (last_start, end)
            elif text[previous_end:start].strip() == "of" \
                    and text[max(0, last_start - 4):last_start] == "the " \
                    and _TOWN_WORD.search(text, last_start, last_end):
                # "the West Bank town of Tubas": Tubas is the town, in the West Bank
                kind = _TOWN_WORD.search(text, last_start, last_end)
                current[-1:] = [(start, end), (last_start, kind.start())]
            else:
                current.append((start, end))
        else:
            if len(current) > 1:
                chains.append(current)
            current = [(start, end)]
        previous_end = match.end()
    if len(current) > 1:
        chains.append(current)
    return chains


def _inside_of_name(doc: Doc, place: Place) -> bool:
    """Whether the place is part of an "X of Y" name NER tags as a thing ("the Line of
    Control", "the Bank of Pakistan"), not the whole of it."""
    return any(ent.label_ in NAMED_THINGS and " of " in ent.text
               and ent.start_char <= place.start and place.end <= ent.end_char
               and (ent.start_char, ent.end_char) != (place.start, place.end)
               for ent in doc_ents(doc))


def _organisation_names(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of the ORG entities headed by an organisation noun ("the Kurdistan
    Workers Party", "the Bank of Baghdad"): the places named inside them are not places."""
    return [(ent.start_char, ent.end_char) for ent in doc_ents(doc)
            if ent.label_ == "ORG" and any(token.is_title and token.lower_ in ORGANISATION_NOUNS
                                           for token in ent)]


def _kind_query(span: Span) -> str | None:
    """The name with the kind noun written before or after it ("the southeastern
    province of Diyarbakir" and "Kaduna state" are the regions, "the city of Veracruz"
    the city), for the gazetteer."""
    doc, i = span.doc, span.start
    if i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in KIND_OF_NOUNS:
        return f"{doc[i - 2].lower_} of {span.text}"
    if span.end < len(doc) and doc[span.end].text in PLACE_SUFFIXES \
            and span[-1].lower_ not in PLACE_SUFFIXES:
        return f"{span.text} {doc[span.end].text}"
    return None


def _past_container(doc: Doc, start: int, covered: set[int]) -> int:
    """Where a name after a preposition starts: past a direction word and a place
    already found that owns it ("in northern Iraq's Qandil mountains", "in Russia's
    Krasnodar region": the name is Qandil, Krasnodar)."""
    if start < len(doc) and doc[start].lower_ in DIRECTION_WORDS:
        start += 1
    end = start
    while end < len(doc) and end in covered:
        end += 1
    if end > start and end + 1 < len(doc) and doc[end].lower_ in ("'s", "’s") \
            and doc[end + 1].is_title:
        return end + 1
    return start


def _inner_possessive(doc: Doc, i: int, start: int) -> bool:
    """Whether token ``i`` is the "'s" inside a name ("Cox's Bazar"): after a
    word of the name and before another."""
    return (i > start and doc[i].lower_ in ("'s", "’s") and i + 1 < len(doc)
            and doc[i + 1].is_title and doc[i + 1].pos_ == "PROPN")


def _words_among(doc: Doc, lowers: list[int], ids: frozenset[int]) -> Iterator[Token]:
    """The words of ``doc`` whose lower-case form (``lowers``, the Doc's LOWER array) is
    one of ``ids``: a Token object is made only for them, not for every word (issue 12)."""
    for i, lower in enumerate(lowers):
        if lower in ids:
            yield doc[i]


def _names_place_of(token: Token) -> bool:
    """Whether the token is the "of" of "the town of …", "the outskirts of …"."""
    return token.lower_ == "of" and token.i > 0 and token.doc[token.i - 1].lower_ in PLACE_OF_NOUNS


def _is_calendar_word(text: str) -> bool:
    """A month or weekday name or abbreviation ("Mar", "Sept.", "Tuesday"): never a place."""
    return text.lower().rstrip(".") in CALENDAR_WORDS


def _names_thing(doc: Doc, chain: list[tuple[int, int]]) -> bool:
    """Whether NER reads a whole "X of (the) Y" chain as one non-place name.

    "the International Court of Justice" is an organisation, not a place
    called Justice holding another called International Court; "the Bridge of
    the Americas" is a bridge.
    """
    text = doc_text(doc)
    links = [text[a_end:b_start].strip() for (_, a_end), (b_start, _) in zip(chain, chain[1:])]
    if any(link not in ("of", "of the") for link in links):
        # Summaries' "Town (Region)" and "Town, Region" chains are often tagged ORG.
        return False
    start, end = chain[0][0], chain[-1][1]
    return any(ent.label_ in NAMED_THINGS and ent.start_char <= start and end <= ent.end_char
               for ent in doc_ents(doc))


def _nested_countries(inner: list[list[Candidate]], last: list[Candidate]) -> set[str]:
    """Countries where the chain's last name is a region holding one of the other names.

    "Santa Ana (Santa Ana)" is a town in the region of that name: of the many
    countries with a town so called, only El Salvador also has the region.
    """
    regions = {(c.country, c.admin1) for c in last if c.feature == "admin1"}
    return {c.country for candidates in inner for c in candidates
            if c.feature == "city" and (c.country, c.admin1) in regions}


def _contained(candidate: Candidate, container: Candidate) -> Candidate:
    """The candidate with a bonus when it lies in the container's region."""
    bonus = CONTAINED_BONUS / 2
    if container.feature == "admin1" and candidate.admin1 == container.admin1:
        bonus = CONTAINED_BONUS
    return dataclasses.replace(candidate, score=round(candidate.score + bonus, 4))


def _neighbourhoods_near_their_city(mentions: list[_Mention]) -> list[_Mention]:
    """A neighbourhood lies in the article's city: "gunfire in the Tijuca and Grajaú
    neighborhoods" of a Rio story are not at the town of Andaraí 1,100 km away. A
    neighbourhood name resolved far from every city the article names is left
    unresolved (``reason="far_from_its_city"``)."""
    cities = [m.place for m in mentions if m.resolved and m.place.feature == "city"
              and not _names_neighbourhood(m.root)]
    if not cities:
        return mentions
    kept = []
    for mention in mentions:
        place = mention.place
        if mention.resolved and _names_neighbourhood(mention.root) and not any(
                _near(place, city) for city in cities):
            place = _unresolved(place.text, place.start, place.end, "far_from_its_city")
            mention = dataclasses.replace(mention, place=place)
        kept.append(mention)
    return kept


def _names_neighbourhood(root: Token | None) -> bool:
    """Whether the name comes before a neighbourhood noun it modifies ("Tijuca,
    Grajaú and Méier neighbourhoods")."""
    token = root
    for _ in range(4):
        if token is None or token.head.i == token.i:
            return False
        head = token.head
        if token.dep_ == "conj" and head.lower_ not in NEIGHBOURHOOD_NOUNS:
            token = head  # "Grajaú" is listed with "Tijuca"
            continue
        return (token.dep_ in ("compound", "nmod") and head.i > token.i
                and head.lower_ in NEIGHBOURHOOD_NOUNS)
    return False


def _leading_names(text: str) -> list[str]:
    """Shorter names a longer one may be built on: the part before a hyphen ("Beni" of
    "Beni-Mbau"), else the leading words, longest first ("Canning" of "Canning Purba")."""
    if "-" in text:
        heads = [text.split("-")[0].strip()]
    else:
        words = text.split()
        heads = [" ".join(words[:size]) for size in range(len(words) - 1, 0, -1)]
    return [head for head in heads
            if head[:1].isupper() and head.lower() not in NOT_PLACE_WORDS]


def _in_namesake_region(candidate: Candidate, city: Candidate) -> bool:
    """Whether the candidate is in the region named after the city ("Cosoleacaque,
    Veracruz": the state of Veracruz, not only the port's surroundings)."""
    if candidate.admin1 is None or candidate.admin1 != city.admin1:
        return False
    stem = normalise_key(city.name)[:-1]
    return len(stem) >= 3 and normalise_key(city.admin1).startswith(stem)


def _near(candidate: Candidate | Place, city: Candidate | Place,
          km: float = CITY_CONTAINER_KM) -> bool:
    """Whether the candidate lies within ``km`` of the city (unknown: yes)."""
    if candidate.lat is None or candidate.lon is None or city.lat is None or city.lon is None:
        return True
    return haversine_km(candidate.lat, candidate.lon, city.lat, city.lon) <= km


def _preposition(root: Token | None) -> str | None:
    """The preposition a place phrase hangs on ("from" in "rockets fired from Gaza")."""
    token = root
    for _ in range(4):
        if token is None:
            return None
        if token.dep_ == "pobj":
            return token.head.lower_
        if token.dep_ not in ("compound", "conj", "appos", "nmod") or token.head.i == token.i:
            return None
        token = token.head
    return None


def _away(root: Token | None) -> bool:
    """Whether the place is where something came from ("rockets fired from Gaza") or a
    reference point at a stated distance ("120 km south of Tehran"): not the location."""
    if _preposition(root) == "from":
        return True
    if root is None or root.dep_ != "pobj" or root.head.lower_ != "of":
        return False
    direction = root.head.head
    return direction.lower_ in DIRECTIONS and any(
        child.lower_ in DISTANCE_UNITS for child in direction.children)


def _from_elsewhere(root: Token, anchors: set[int]) -> bool:
    """Whether the place sits in a "from …" phrase saying where someone or something
    else came from: "objected to migrants brought from camps in Libya being
    housed there". "Abducted from his home in Kabul" hangs on the trigger, and "hanged
    from a tree in the village" moves nobody: both stay the event's place."""
    token = root
    for _ in range(FROM_DEPTH):
        if token.head.i == token.i:
            return False
        if token.dep_ == "pobj" and token.head.lower_ == "from":
            mover = token.head.head
            return mover.i not in anchors and mover.lemma_ in ORIGIN_VERBS
        token = token.head
    return False


def _title_words(doc: Doc, pos: frozenset[int]) -> Iterator[Token]:
    """The title-case words of ``doc`` with one of the part-of-speech ids ``pos``.

    Read from two attribute arrays, so that a Token object is made only for the few
    words that pass, not for every word of the article (issue 12).
    """
    if not len(doc):
        return
    for i, (title, tag) in enumerate(doc.to_array([IS_TITLE, POS]).tolist()):
        if title and tag in pos:
            yield doc[i]


def _happening_place(sentence: Span, resolved: list[_Mention]) -> _Mention | None:
    """The place the next sentence gives an event it refers back to: "The attack took
    place near Apatzingan", "The meeting was held in Phnom Penh" ("take place",
    "occur", "happen" or "be held" with a definite subject)."""
    doc = sentence.doc
    if sentence.end >= len(doc):
        return None
    following = doc[sentence.end].sent
    verbs = {token.i for token in following if _is_happening(token)}
    if not verbs:
        return None
    places = [m for m in resolved if m.root is not None and m.root.sent == following
              and _in_clause(m.root, verbs)]
    return _most_specific(places, places[0].place.start) if places else None


def _is_happening(token: Token) -> bool:
    """A verb that only says where and when its subject happened, with a subject that
    refers back ("The attack took place", "The talks were held").

    Called for every word of the sentence after each event's, so the lemma is tested
    before the word's children are listed (issue 12)."""
    if token.lemma_ not in HAPPENING_LEMMAS:
        return False
    children = list(token.children)
    happens = token.lemma_ in HAPPENING_VERBS or (
        token.lemma_ == "take" and any(c.dep_ == "dobj" and c.lower_ == "place"
                                       for c in children)) or (
        token.lemma_ == "hold" and any(c.dep_ == "nsubjpass" for c in children))
    return happens and any(
        c.dep_ in ("nsubj", "nsubjpass")
        and any(d.dep_ == "det" and d.lower_ in ("the", "this", "that", "these")
                for d in c.children)
        for c in children)


def _destination(root: Token, trigger: Span) -> bool:
    """Whether the place is where the trigger sends something: "deployed 500 soldiers
    to El Paso", "delivered flour to shelters in Rafah" (a "to"/"into" phrase of the
    trigger's own verb, possibly through the noun it names)."""
    token = root
    for _ in range(FROM_DEPTH):
        if token.head.i == token.i:
            return False
        if token.dep_ == "pobj" and token.head.lower_ in ("to", "into"):
            return token.head.head.i in {t.i for t in trigger}
        if token.dep_ not in ("compound", "conj", "appos", "nmod", "pobj", "prep"):
            return False
        token = token.head
    return False


def _speaking_place(root: Token, speech: Token, speakers: set[int]) -> bool:
    """Whether the place says where a statement was made: it hangs on "in"/"at" of
    the statement's own verb, of its speaker ("the embassy in Bangkok thanked"), of
    a verb of speaking ("speaking at …", "telling reporters in Belgrade", "said at
    …") or of an occasion for speaking ("at a meeting of EU foreign ministers in
    Brussels", "a briefing in Taipei")."""
    token = root
    for _ in range(4):
        if token.dep_ == "pobj" or token.head.i == token.i:
            break
        if token.dep_ not in ("compound", "conj", "appos", "nmod"):
            return False
        token = token.head
    if token.dep_ != "pobj" or token.head.lower_ not in SPEAKING_PREPS:
        return False
    head = token.head.head
    for _ in range(3):
        if _speaks(head, speech, speakers) or head.lemma_ in OCCASION_NOUNS \
                or head.lower_ in OCCASION_NOUNS:
            return True
        if head.dep_ != "pobj":
            return False
        # "a meeting of ministers in Brussels", "asked about the flights in Beijing"
        head = head.head.head
    return _speaks(head, speech, speakers)


def _speaks(token: Token, speech: Token, speakers: set[int]) -> bool:
    """Whether the token is the statement's verb, a verb done with it ("praised
    allies and greeted them at …"), its speaker or a verb of speaking."""
    return (token.i == speech.i or token.i in speakers
            or token.dep_ == "conj" and token.head.i == speech.i
            or speech.dep_ == "conj" and speech.head.i == token.i
            or token.pos_ in ("VERB", "AUX") and token.lemma_ in SPEECH_VERBS)


def _anchors(doc: Doc, event: Event, trigger: Span) -> set[int]:
    """Token indices a locative phrase may hang on: trigger, its head, arguments."""
    anchors = {token.i for token in trigger}
    root = trigger.root
    if root.dep_ in ("nsubj", "nsubjpass", "dobj", "compound", "amod", "attr", "pobj"):
        anchors.add(root.head.i)
    if root.dep_ in ("xcomp", "ccomp", "conj") and root.head.pos_ in ("VERB", "AUX", ""):
        anchors.add(root.head.i)
    for child in root.children:
        if child.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "xcomp"):
            anchors.add(child.i)
    for actor in (*event.source, *event.target):
        span = span_of(doc, actor)
        if span is not None:
            anchors.add(span.root.i)
    return anchors


def _in_clause(root: Token, anchors: set[int]) -> bool:
    token = root
    for _ in range(4):
        if token.dep_ in ("conj", "appos", "compound", "nmod", "npadvmod", "amod") \
                and token.head.i != token.i:
            if token.head.i in anchors:
                return True
            token = token.head
        else:
            break
    if token.dep_ != "pobj" or not (token.head.lower_ in LOCATIVE_PREPS
                                    or _names_place_of(token.head)):
        return False
    anchor = token.head.head
    for _ in range(4):
        if anchor.i in anchors:
            return True
        if anchor.dep_ not in CLIMB_DEPS or anchor.head.i == anchor.i:
            return False
        anchor = anchor.head
    return False


def _most_specific(mentions: list[_Mention], near: int, *,
                   demoted: set[int] | frozenset[int] = frozenset()) -> _Mention:
    """Not an origin ("from Gaza"), a reference point ("120 km south of Tehran") or a
    ``demoted`` start, then a place given with its region or country
    ("Sderot, Southern, Israel"), then the most specific kind, then the nearest."""
    return max(mentions, key=lambda m: (not _away(m.root) and m.place.start not in demoted,
                                        m.qualified,
                                        SPECIFICITY.get(m.place.feature or "", 0),
                                        -abs(m.place.start - near)))


def _overlaps(place: Place, ranges: list[tuple[int, int]]) -> bool:
    return any(place.start < end and start < place.end for start, end in ranges)


def _main_place(mentions: list[_Mention], *,
                lead_sentence: Span | None = None) -> _Mention | None:
    """The dateline place, else the most frequent/specific place of the top country.

    The lead sentence (``lead_sentence``, else the first sentence that names a
    place) counts its most specific place once more.
    """
    resolved = [m for m in mentions if m.resolved]
    for mention in resolved:
        if mention.dateline:
            return mention
    if not resolved:
        return None
    countries = Counter(m.place.country for m in resolved)
    top_country = countries.most_common(1)[0][0]
    counts: Counter[tuple[int | None, str | None]] = Counter(
        (m.place.geonameid, m.place.name) for m in resolved if m.place.country == top_country)
    weight = {"city": 2.0, "district": 1.75, "admin1": 1.5, "region": 1.5, "country": 1.0}
    lead = _lead_place(resolved, lead_sentence)
    if lead is not None and lead.place.country == top_country:
        # The first sentence that names a place usually states where the story
        # happened; later ones add background ("one of many raids in the region").
        counts[(lead.place.geonameid, lead.place.name)] += LEAD_BONUS

    def strength(mention: _Mention) -> tuple[float, int]:
        key = (mention.place.geonameid, mention.place.name)
        return counts[key] * weight.get(mention.place.feature or "", 1.0), -mention.place.start

    return max((m for m in resolved if m.place.country == top_country), key=strength)


def _story_place(mentions: list[_Mention], actor_countries: set[str | None],
                 lead_sentence: Span | None = None) -> _Mention | None:
    """Where the story happened, when the article names a town other than its dateline.

    The dateline says where the report was filed ("BEIRUT —" on a Syrian
    story); a town the article itself names is the better guess for an
    occurrence that names no place of its own, when the body's first sentence
    (``lead_sentence``) names it or the body names it more than once: a
    passing mention ("taken to a hospital in New Westminster") does not
    overrule the dateline. The names of the dateline itself (the "Pakistan" of
    "PESHAWAR, Pakistan —") are not the body's. Regions and countries are too
    vague to overrule the dateline, and so is a town abroad when the article
    names other places or actors of the dateline's country.
    """
    body = [m for m in mentions if not m.dateline and m.resolved
            and (lead_sentence is None or m.place.start >= lead_sentence.start_char)]
    place = _main_place(body, lead_sentence=lead_sentence)
    if place is None or place.place.feature not in ("city", "district"):
        return None
    lead = _lead_place(body, lead_sentence) if lead_sentence is not None else None
    named = sum(m.place.geonameid == place.place.geonameid for m in body)
    if lead_sentence is not None and named < 2 and (
            lead is None or lead.place.geonameid != place.place.geonameid):
        return None
    dateline = next((m for m in mentions if m.dateline), None)
    if dateline is not None and place.place.country != dateline.place.country and (
            dateline.place.country in actor_countries
            or any(m.place.country == dateline.place.country for m in body)):
        return None  # a story from the dateline's country that also names a place abroad
    return place


def _lead_sentence(doc: Doc) -> Span | None:
    """The first sentence after the dateline ("PESHAWAR, Pakistan, Oct. 14 —"), if any."""
    filed = DATELINE.match(doc_text(doc))
    if filed is None:
        return None
    return next((sent for sent in doc.sents if sent.end_char > filed.end()), None)


def _lead_place(resolved: list[_Mention], sentence: Span | None = None) -> _Mention | None:
    """The most specific place of ``sentence``, else of the first sentence that names one."""
    if sentence is None:
        first = min(resolved, key=lambda m: m.place.start)
        if first.root is None:
            return None
        sentence = first.root.sent
    lead = [m for m in resolved if m.root is not None and m.root.sent == sentence]
    return _most_specific(lead, lead[0].place.start) if lead else None


def _place(text: str, start: int, end: int, candidate: Candidate) -> Place:
    return Place(
        text=text, start=start, end=end, name=candidate.name, geonameid=candidate.geonameid,
        country=candidate.country, admin1=candidate.admin1, lat=candidate.lat,
        lon=candidate.lon, feature=candidate.feature,
    )


def _inherited(place: Place) -> Place:
    """The article's place given to an event whose own sentence places nothing
    (``reason="article_place"``): it says where the story is, not that this mention
    happened there, so it is no evidence that two mentions are different occurrences."""
    return dataclasses.replace(place, reason="article_place")


def _unresolved(text: str, start: int, end: int, reason: str) -> Place:
    return Place(text=text, start=start, end=end, name=None, geonameid=None, country=None,
                 admin1=None, lat=None, lon=None, feature=None, reason=reason)


@Language.factory(
    FACTORY,
    requires=["doc._.actors", "doc._.events", "doc.ents", "doc.sents", "token.dep",
              "token.head", "token.pos"],
    assigns=["doc._.places", "doc._.events"],
    default_config={"gazetteer": {"@misc": "newsevents.geonames.v1"},
                    "countries": {"@misc": "newsevents.countries.v1"}, "min_score": 0.5},
)
def make_geolocator(nlp: Language, name: str, gazetteer: Gazetteer, countries: Countries,
                    min_score: float) -> Geolocator:
    """A Geolocator over the injected gazetteer and country table.

    Places scoring under ``min_score`` stay unresolved.
    """
    return Geolocator(gazetteer, min_score=min_score, countries=countries)
