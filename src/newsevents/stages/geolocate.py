"""geolocate: geocode place mentions and give every event a location.

1. Mentions: every GPE/LOC/FAC entity, the dateline ("QUETTA, Pakistan —"),
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
   frequent and specific place); else a place that is an actor of the event.
"""

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from newsevents.errors import Errors, InputError
from newsevents.kb.countries import Countries, load_countries
from newsevents.kb.gazetteer import PLACE_SUFFIXES, Candidate, Gazetteer
from newsevents.types import Event, Place

# spaCy forbids "." in factory names (E853), so the registered name
# "newsevents.geolocate.v1" is spelled with underscores.
FACTORY = "newsevents_geolocate_v1"

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
LOCATIVE_PREPS = frozenset({
    "in", "at", "near", "outside", "across", "inside", "around", "throughout", "within",
    "off", "along", "nearby", "on", "into", "over", "towards", "toward", "between", "from",
})
# Prepositions after which a proper noun NER did not call a place is tried as one.
MISSED_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "across"})
# Labels a name after such a preposition may carry and still be a place
# (the small model calls "Quetta" a WORK_OF_ART and "Punjab" NORP).
MISSED_PLACE_LABELS = frozenset({"", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT",
                                 "PERSON", "LAW", "LANGUAGE"})
# Labels of entities that are places when they are a country or capital
# name ("Washington said" is often ORG).
ACTOR_LABELS = frozenset({"ORG", "PERSON", "NORP"})
SPECIFICITY = {"city": 3, "admin1": 2, "region": 2, "country": 1}
CLIMB_DEPS = frozenset({"pobj", "prep", "dobj", "nsubj", "nsubjpass", "compound", "amod",
                        "npadvmod", "conj", "appos", "nmod", "attr", "acl", "pcomp"})
# Confidence a place needs before it counts as evidence of what the article is about.
CONTEXT_MIN_SCORE = 0.7
# Extra confidence required of names NER did not label.
MISSED_PLACE_MARGIN = 0.15

_DATELINE = re.compile(
    r"\A\s*(?P<city>[A-Z][A-Z'.\- ]{1,40}?[A-Z.])"
    r"(?:\s*,\s*(?P<region>[A-Z][A-Za-z'.\- ]{1,40}?))?"
    r"(?:\s*,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\([^)\n]{1,40}\)\s*)?(?:[—–]|--?)\s"
)


@dataclass(frozen=True)
class _Mention:
    """A place mention with the evidence used to pick locations."""

    place: Place
    root: Token | None
    score: float
    dateline: bool = False

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
            doc._.events = [
                dataclasses.replace(event, location=self.locate(doc, event, mentions, main=main))
                for event in events
            ]
        return doc

    # -- mentions -------------------------------------------------------------

    def find_places(self, doc: Doc) -> list[_Mention]:
        """Every place mention of the Doc, geocoded with the article's context."""
        spans = [ent for ent in doc.ents if ent.label_ in PLACE_LABELS]
        spans += self._actor_spans(doc)
        missed = self._missed_spans(doc, spans)
        dateline = self._dateline(doc)
        context = self._context(doc, spans, dateline)
        hint = self._hint(dateline, context)
        ranked_context = [code for code, _ in context.most_common()]
        mentions: list[_Mention] = []
        if dateline is not None:
            mention = self._resolve(dateline[0], dateline[1], dateline[2], hint=dateline[3] or hint,
                                    context=ranked_context, root=None)
            if mention.resolved:
                mentions.append(dataclasses.replace(mention, dateline=True))
        taken = [(m.place.start, m.place.end) for m in mentions]
        for span in spans:
            if any(span.start_char < end and start < span.end_char for start, end in taken):
                continue
            mentions.append(self._resolve(span.text, span.start_char, span.end_char, hint=hint,
                                          context=ranked_context, root=span.root))
        for span in missed:
            if any(span.start_char < end and start < span.end_char for start, end in taken):
                continue
            mention = self._resolve(span.text, span.start_char, span.end_char, hint=hint,
                                    context=ranked_context, root=span.root,
                                    margin=MISSED_PLACE_MARGIN)
            if mention.resolved:
                mentions.append(mention)
        mentions.sort(key=lambda m: (m.place.start, m.place.end))
        return mentions

    def _resolve(self, text: str, start: int, end: int, *, hint: str | None,
                 context: Iterable[str], root: Token | None, margin: float = 0.0) -> _Mention:
        ranked = self.gazetteer.rank(text, country_hint=hint, context_countries=context)
        best = ranked[0] if ranked else None
        if best is None:
            matched = self.countries.match(text)
            reason = "demonym" if matched is not None and matched[1] == "demonym" else "not_found"
            return _Mention(_unresolved(text, start, end, reason), root, 0.0)
        score = min(best.score, 1.0)
        if score < self.min_score + margin:
            return _Mention(_unresolved(text, start, end, "below_threshold"), root, score)
        return _Mention(_place(text, start, end, best), root, score)

    def _actor_spans(self, doc: Doc) -> list[Span]:
        """Non-place entities that name a country or capital ("Washington said")."""
        spans = []
        for ent in doc.ents:
            if ent.label_ in ACTOR_LABELS:
                matched = self.countries.match(ent.text)
                if matched is not None and matched[1] in ("name", "code", "capital"):
                    spans.append(ent)
        return spans

    def _missed_spans(self, doc: Doc, taken: list[Span]) -> list[Span]:
        """Proper-noun runs after "in/at/near" that NER did not call places.

        "in (the) Quetta", "in the Donetsk region": a title-case PROPN run,
        plus a following place noun ("region", "province").
        """
        covered = {token.i for span in taken for token in span}
        covered |= {token.i for ent in doc.ents if ent.label_ not in MISSED_PLACE_LABELS
                    for token in ent}
        spans: list[Span] = []
        for prep in doc:
            if prep.lower_ not in MISSED_PLACE_PREPS:
                continue
            start = prep.i + 1
            if start < len(doc) and doc[start].lower_ == "the":
                start += 1
            end = start
            while (end < len(doc) and end not in covered and doc[end].pos_ == "PROPN"
                   and doc[end].is_title):
                end += 1
            if end == start:
                continue
            if end < len(doc) and doc[end].lower_ in PLACE_SUFFIXES and end not in covered:
                end += 1
            spans.append(doc[start:end])
        return spans

    def _dateline(self, doc: Doc) -> tuple[str, int, int, str | None] | None:
        """(city text, start, end, country ISO-3) of a "QUETTA, Pakistan —" dateline."""
        m = _DATELINE.match(doc.text)
        if m is None:
            return None
        country = None
        if m.group("region"):
            matched = self.countries.match(m.group("region"))
            if matched is not None and matched[1] in ("name", "code"):
                country = matched[0].iso3
        return m.group("city"), m.start("city"), m.end("city"), country

    def _context(self, doc: Doc, spans: list[Span],
                 dateline: tuple[str, int, int, str | None] | None) -> Counter[str]:
        """How often each country is evidenced in the article (first pass)."""
        counts: Counter[str] = Counter()
        if dateline is not None and dateline[3]:
            counts[dateline[3]] += 2
        for ent in doc.ents:
            if ent.label_ != "NORP":
                continue
            matched = self.countries.match(ent.text)
            if matched is not None:
                counts[matched[0].iso3] += 1
        for span in spans:
            best = self.gazetteer.best(span.text)
            if best is not None and (best.feature == "country" or best.score >= CONTEXT_MIN_SCORE):
                counts[best.country] += 1
        return counts

    def _hint(self, dateline: tuple[str, int, int, str | None] | None,
              context: Counter[str]) -> str | None:
        if dateline is not None and dateline[3]:
            return dateline[3]
        if not context:
            return None
        (top, count), *rest = context.most_common(2)
        if count >= 2 and (not rest or rest[0][1] < count):
            return top
        return None

    # -- event locations -------------------------------------------------------

    def locate(self, doc: Doc, event: Event, mentions: list[_Mention], *,
               main: _Mention | None) -> Place | None:
        """The location of one event (rules in the module docstring)."""
        resolved = [m for m in mentions if m.resolved]
        if not resolved:
            return None
        sentence = [m for m in resolved
                    if event.sentence.start <= m.place.start and m.place.end <= event.sentence.end]
        trigger = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
        if trigger is not None:
            anchors = _anchors(doc, event, trigger)
            clause = [m for m in sentence if m.root is not None and _in_clause(m.root, anchors)]
            if clause:
                return _most_specific(clause, event.trigger.start).place
        actor_ranges = [(actor.start, actor.end) for actor in (*event.source, *event.target)]
        free = [m for m in sentence if not _overlaps(m.place, actor_ranges)]
        if free:
            return _most_specific(free, event.trigger.start).place
        if main is not None:
            return main.place
        if sentence:
            target_ranges = [(actor.start, actor.end) for actor in event.target]
            targets = [m for m in sentence if _overlaps(m.place, target_ranges)]
            return _most_specific(targets or sentence, event.trigger.start).place
        return None


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
        span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
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
    if token.dep_ != "pobj" or token.head.lower_ not in LOCATIVE_PREPS:
        return False
    anchor = token.head.head
    for _ in range(4):
        if anchor.i in anchors:
            return True
        if anchor.dep_ not in CLIMB_DEPS or anchor.head.i == anchor.i:
            return False
        anchor = anchor.head
    return False


def _most_specific(mentions: list[_Mention], near: int) -> _Mention:
    return max(mentions, key=lambda m: (SPECIFICITY.get(m.place.feature or "", 0),
                                        -abs(m.place.start - near)))


def _overlaps(place: Place, ranges: list[tuple[int, int]]) -> bool:
    return any(place.start < end and start < place.end for start, end in ranges)


def _main_place(mentions: list[_Mention]) -> _Mention | None:
    """The dateline place, else the most frequent/specific place of the top country."""
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
    weight = {"city": 2.0, "admin1": 1.5, "region": 1.5, "country": 1.0}

    def strength(mention: _Mention) -> tuple[float, int]:
        key = (mention.place.geonameid, mention.place.name)
        return counts[key] * weight.get(mention.place.feature or "", 1.0), -mention.place.start

    return max((m for m in resolved if m.place.country == top_country), key=strength)


def _place(text: str, start: int, end: int, candidate: Candidate) -> Place:
    return Place(
        text=text, start=start, end=end, name=candidate.name, geonameid=candidate.geonameid,
        country=candidate.country, admin1=candidate.admin1, lat=candidate.lat,
        lon=candidate.lon, feature=candidate.feature,
    )


def _unresolved(text: str, start: int, end: int, reason: str) -> Place:
    return Place(text=text, start=start, end=end, name=None, geonameid=None, country=None,
                 admin1=None, lat=None, lon=None, feature=None, reason=reason)


@Language.factory(
    FACTORY,
    requires=["doc.ents"],
    assigns=["doc._.places"],
    default_config={"gazetteer": {"@misc": "newsevents.geonames.v1"}, "min_score": 0.5},
)
def make_geolocator(nlp: Language, name: str, gazetteer: Gazetteer,
                    min_score: float) -> Geolocator:
    """A Geolocator over the injected gazetteer; places scoring under ``min_score`` stay unresolved."""
    return Geolocator(gazetteer, min_score=min_score)
