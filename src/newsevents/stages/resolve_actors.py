"""resolve_actors: find actor mentions and resolve them to country and sector.

A mention is a noun phrase headed by a named entity (person, organisation,
country, nationality) or by a common noun that names a sector ("police",
"troops", "militants", "officials"). Modifiers inside the phrase are folded
into the head: "French foreign ministry spokesperson Claire Martin" is one
person mention (FRA, GOV, role "spokesperson"); "Pakistan's government" is
PAK/GOV; "Polish and Czech officials" is a compound of POL/GOV and
CZE/GOV. Later mentions ("Martin", "he") inherit from the first full one.
"""

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import spacy
from spacy.attrs import LOWER, POS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import get_string_id
from spacy.symbols import IDS
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from newsevents.kb.actor_kb import KbEntry, is_acronym
from newsevents.kb.actors import ActorKB
from newsevents.kb.countries import Countries
from newsevents.stages.common import doc_ents, doc_text, heading_ranges, in_ranges
from newsevents.types import Actor, ActorKind

ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC"}
ORG_NGO_HEADS = {"association", "foundation", "federation", "committee", "institute", "society",
                 "network", "coalition", "watch", "league", "centre", "center", "group"}
ORG_IGO_HEADS = {"organization", "organisation", "office", "agency", "fund", "programme",
                 "program", "commission", "bank", "court", "council", "union", "community"}
# "Alliance of Sahel States", "League of Arab States": a body whose members are states.
MEMBER_STATE_WORDS = {"states", "nations", "countries"}
FOLD_DEPS = {"compound", "amod", "poss", "nmod"}
SPEAKER_PRONOUNS = {"he", "she", "him", "her"}
# The part-of-speech ids of the words an actor mention may be headed by besides pronouns.
_NOUN_POS = frozenset({IDS["NOUN"], IDS["PROPN"]})
# Entity labels a known organisation's name may take over ("the OSCE" + "SMM").
RELABEL_LABELS = {"ORG", "PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "LAW", "EVENT"}
# Acronyms shorter than this ("IS", "PA") are too often ordinary capitals to mark.
MIN_MARKED_ACRONYM = 3
PERSONAL_NAMES_THAT_ARE_COUNTRIES = {"Jordan", "Chad", "Georgia", "Israel", "Kenya", "India"}
FORMER_WORDS = {"former", "ex", "then"}
# Offices whose former holders are ELI ("the former prime minister").
OFFICE_SECTORS = {"GOV", "LEG"}
# "KABUL —", "Goma, Congo (Reuters) -": a place that opens a line and says where
# the report was filed, never an actor (issue 10); it still gives the context country.
DATELINE = re.compile(
    r"^[ \t]*(?P<city>[A-Z][A-Za-z'.\- ]{1,40}?)(?:\s*,\s*(?P<region>[A-Z][A-Za-z'.\- ]{1,40}?))?"
    r"(?:\s*,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)\n]{1,40}\)\s*)?(?:[—–]|--?)\s",
    re.MULTILINE)
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Nouns a place name modifies ("the Kenscoff area", "Bate village").
PLACE_NOUNS = frozenset({"area", "region", "district", "province", "town", "city", "village",
                         "county", "neighbourhood", "neighborhood", "camp", "suburb", "valley"})
# Nouns of people who act for someone else: "a spokesman for the ministry".
AGENT_NOUNS = frozenset({"spokesman", "spokeswoman", "spokesperson", "official", "representative",
                         "envoy", "ambassador", "adviser", "advisor", "negotiator", "lawyer"})
# Verbs whose subject is the speaker of the clause below them.
REPORTING_VERBS = frozenset({"say", "tell", "announce", "state", "claim", "add", "confirm"})
# Reasons of a country that the context gave, not the mention itself.
CONTEXT_REASONS = frozenset({"country_from_sentence_context", "country_from_article_context"})
# Sectors an organisation keeps when it modifies a group noun: "ECOWAS leaders"
# and "an Amnesty International spokesperson" speak for the organisation.
ORGANISATION_SECTORS = {"IGO", "NGO", "PTY", "REB", "CRM"}


@dataclass
class _Draft:
    """A mention under construction (mutable while modifiers are folded in)."""

    head: Token
    first: int
    last: int
    name: str | None = None
    kind: ActorKind = "group"
    countries: list[str] | None = None
    sector: str | None = None
    role: str | None = None
    reason: str | None = None
    country_from: str | None = None
    known_former: bool = False
    known: bool = False  # from the knowledge base, whose null country means transnational


@Language.factory(
    "newsevents_resolve_actors_v1",
    requires=["doc._.article", "doc.ents", "doc.sents", "token.dep", "token.head", "token.pos",
              "token.tag", "token.lemma"],
    assigns=["doc.ents", "token.ent_iob", "token.ent_type", "doc._.actors"],
    default_config={"gazetteer": {"@misc": "newsevents.geonames.v1"},
                    "countries": {"@misc": "newsevents.countries.v1"},
                    "actor_kb": {"@misc": "newsevents.actor_kb.v1"}},
)
def make_actor_resolver(nlp: Language, name: str, gazetteer: Any, countries: Countries,
                        actor_kb: ActorKB) -> "ActorResolver":
    """An ActorResolver over the injected country table, actor KB and gazetteer."""
    return ActorResolver(countries=countries, kb=actor_kb, gazetteer=gazetteer)


class ActorResolver:
    """Builds ``doc._.actors``: every actor mention with country, sector and kind."""

    def __init__(self, *, countries: Countries, kb: ActorKB, gazetteer: Any | None) -> None:
        self.countries = countries
        self.kb = kb
        self.gazetteer = gazetteer
        self._matchers: tuple[PhraseMatcher, PhraseMatcher] | None = None
        # for each known name (by its string id), which of its words are capitalised
        self._capitalised: dict[int, tuple[bool, ...]] = {}
        self._day: dt.date | None = None
        self._dateline_ends: set[int] = set()
        self._named_countries: frozenset[str] = frozenset()

    def __call__(self, doc: Doc) -> Doc:
        # dated roles are judged against the article's publication date (issue 10)
        article = doc._.article
        self._day = article.published if article is not None else None
        self._mark_known_organisations(doc)
        headings = heading_ranges(doc_text(doc))
        entity_of = {token.i: ent for ent in doc_ents(doc) for token in ent}
        self._named_countries = self._countries_named(doc)
        datelines = self._datelines(doc)
        self._named_countries |= {code for code in datelines.values() if code}
        self._dateline_ends = {end for _, end in datelines}
        heads = self._candidate_heads(doc, entity_of, headings + list(datelines))
        owners = {i: self._owner(doc[i], heads) for i in heads}
        # each owner with the candidate heads folded into it, in text order
        folded: dict[int, list[int]] = {}
        for i in sorted(heads):
            folded.setdefault(owners[i], []).append(i)
        drafts = {i: self._draft(doc[i], entity_of, folded[i])
                  for i in sorted(heads) if owners[i] == i}
        self._fill_missing_countries(doc, drafts, datelines)
        actors = [self._actor(doc, draft) for draft in drafts.values() if self._keep(draft)]
        actors = self._resolve_later_mentions(doc, actors, headings)
        doc._.actors = sorted(actors, key=lambda a: a.start)
        return doc

    # -- candidates -------------------------------------------------------

    def _mark_known_organisations(self, doc: Doc) -> None:
        """Make every known organisation's name an ORG entity.

        The small model misses or cuts many armed groups and missions ("the OSCE
        SMM", "Imbonerakure", "QSD") or take them for persons ("Dan Na
        Ambassagou"). A name found in the text becomes one ORG entity, taking
        over the actor-like entities inside it ("pro-Houthi" forces are the
        Houthis' side); it never overrides a place or another longer entity that
        contains it, except a place named inside a longer name ("Islamic State
        West Africa Province", "Bank of Japan").
        """
        acronyms, names = self._known_matchers(doc)
        found = [Span(doc, start, end, label="ORG") for _, start, end in acronyms(doc)]
        found += [Span(doc, start, end, label="ORG") for key, start, end in names(doc)
                  if _written_as_name(doc[start:end], self._capitalised[key])]
        if not found:
            return
        ents = list(doc_ents(doc))
        added = []
        for span in filter_spans(found):
            overlapping = [ent for ent in ents if ent.start < span.end and span.start < ent.end]
            if any((ent.label_ not in RELABEL_LABELS and not _named_inside(ent, span))
                   or (ent.start < span.start and not _aligned_with(ent, span))
                   or ent.end > span.end
                   or (ent.start, ent.end, ent.label_) == (span.start, span.end, "ORG")
                   for ent in overlapping):
                continue
            ents = [ent for ent in ents if ent not in overlapping]
            added.append(span)
        if added:
            doc.ents = sorted(ents + added, key=lambda ent: ent.start)

    def _countries_named(self, doc: Doc) -> frozenset[str]:
        """The countries the article names outright (names, demonyms, capitals); the
        dateline's country joins them once it is read."""
        found = set()
        for ent in doc_ents(doc):
            if ent.label_ in ("GPE", "NORP"):
                matched = self.countries.match(ent.text)
                if matched is not None:
                    found.add(matched[0].iso3)
        return frozenset(found)

    def _datelines(self, doc: Doc) -> dict[tuple[int, int], str | None]:
        """Character ranges of the datelines' places, each with the country it names."""
        found: dict[tuple[int, int], str | None] = {}
        for match in DATELINE.finditer(doc_text(doc)):
            city = match.group("city")
            country = None
            for text in (match.group("region"), city.title()):
                matched = self.countries.match(text) if text else None
                if matched is not None:
                    country = matched[0].iso3
                    break
            span = doc.char_span(match.start("city"), match.end("city"), alignment_mode="expand")
            tagged = span is not None and any(ent.label_ in PLACE_LABELS for ent in span.ents)
            if city.isupper() or tagged:
                found[(match.start(), match.end())] = country or self._place_country(city.title())
            elif country:
                found[(match.start(), match.end())] = country
        return found

    def _known_matchers(self, doc: Doc) -> tuple[PhraseMatcher, PhraseMatcher]:
        if self._matchers is None:
            tokenizer = spacy.blank("en", vocab=doc.vocab).tokenizer
            acronyms = PhraseMatcher(doc.vocab, attr="ORTH")
            names = PhraseMatcher(doc.vocab, attr="LOWER")
            for name in self.kb.organisation_names:
                if is_acronym(name) and len(name.replace(".", "")) < MIN_MARKED_ACRONYM:
                    continue
                if is_acronym(name):
                    acronyms.add("ORG", [tokenizer(name)])
                    continue
                words = tokenizer(name)
                names.add(name, [words])
                self._capitalised[doc.vocab.strings[name]] = tuple(
                    token.text[:1].isupper() for token in words)
            self._matchers = (acronyms, names)
        return self._matchers

    def _candidate_heads(
        self, doc: Doc, entity_of: dict[int, Span], headings: list[tuple[int, int]]
    ) -> set[int]:
        heads: set[int] = set()
        for ent in doc_ents(doc):
            if ent.label_ in ACTOR_LABELS and not in_ranges(ent.start_char, headings) \
                    and not self._describes_thing(ent):
                heads.add(ent.root.i)
        for token in _noun_or_pronoun_words(doc):
            if token.i in entity_of or in_ranges(token.idx, headings):
                continue
            if token.pos_ in ("NOUN", "PROPN") and self._noun_sector(token):
                heads.add(token.i)
            elif token.lower_ in SPEAKER_PRONOUNS and token.dep_ in ("nsubj", "nsubjpass"):
                heads.add(token.i)
        return heads

    def _describes_thing(self, ent: Span) -> bool:
        """A country word that only describes a non-actor noun: "the US dollar exchange rate"."""
        head = ent.root
        while head.dep_ in FOLD_DEPS and head.head.i != head.i:
            head = head.head
        if head.i < ent.end or self._noun_sector(head):
            return False
        words = [token.lower_ for token in head.doc[ent.end:head.i + 1]]
        phrases = words + [" ".join(pair) for pair in zip(words, words[1:])]
        return any(self.kb.describes_no_actor(phrase) for phrase in phrases)

    def _noun_sector(self, token: Token) -> str | None:
        """The sector of a noun ("troops", "border police"), or None.

        Asked of every noun of the article, so the left children are read only
        when the noun has some (most have none; issue 12)."""
        compound = " ".join(
            t.lower_ for t in token.lefts if t.dep_ == "compound" and t.pos_ == "NOUN"
        ) if token.n_lefts else ""
        if compound:
            sector = self.kb.sector_of_noun(f"{compound} {token.lower_}")
            if sector:
                return sector
        return self.kb.sector_of_noun(token.lower_) or self.kb.sector_of_noun(token.lemma_)

    def _owner(self, token: Token, heads: set[int]) -> int:
        """The outermost candidate head this token modifies ("Pakistani" → "troops")."""
        owner = token.i
        current = token
        while current.dep_ in FOLD_DEPS and current.head.i != current.i:
            current = current.head
            if current.i in heads:
                owner = current.i
            elif current.pos_ not in ("NOUN", "PROPN"):
                break
        # a conjunct modifier ("Polish and Czech officials") folds like its first conjunct
        if owner == token.i and token.dep_ == "conj" and token.head.dep_ in ("amod", "compound"):
            first = token.head
            if first.i in heads:
                return self._owner(first, heads)
        return owner

    # -- drafting one mention --------------------------------------------

    def _draft(
        self, head: Token, entity_of: dict[int, Span], members: list[int]
    ) -> _Draft:
        ent = entity_of.get(head.i)
        first = ent.start if ent is not None else head.i
        last = ent.end - 1 if ent is not None else head.i
        draft = _Draft(head=head, first=first, last=last, countries=[])
        if ent is not None:
            self._describe_entity(draft, ent)
        elif head.lower_ in SPEAKER_PRONOUNS:
            draft.kind = "person"
            draft.reason = "pronoun"
        else:
            draft.sector = self._noun_sector(head)
            draft.name = head.lemma_.lower() if head.tag_ in ("NNS", "NNPS") else head.lower_
            draft.kind = "group"
        # fold in the modifiers that belong to this head
        for i in members:
            if i != head.i:
                self._fold(draft, entity_of.get(i), i, head.doc)
        for token in head.lefts:
            if token.dep_ in FOLD_DEPS:
                draft.first = min(draft.first, token.left_edge.i)
                self._fold_title(draft, token)
                if token.i not in entity_of and token.is_title and not draft.countries:
                    self._fold_untagged_place(draft, token)
        for child in head.children:
            if child.dep_ == "appos":
                self._fold_apposition(draft, child, entity_of)
            elif child.dep_ == "prep" and child.lower_ in ("of", "in", "from") and (
                    draft.kind == "group" and not draft.countries):
                for pobj in child.children:
                    # "the presidents of Poland and Lithuania": each conjunct folds in
                    for owner in (pobj, *pobj.conjuncts) if pobj.dep_ == "pobj" else ():
                        if owner.i in entity_of:
                            self._fold(draft, entity_of.get(owner.i), owner.i, head.doc)
            elif child.dep_ == "prep" and child.lower_ == "for" and draft.kind == "group" \
                    and not draft.countries and head.lemma_.lower() in AGENT_NOUNS:
                self._fold_principal(draft, child, entity_of)
        if draft.kind == "person":
            self._date_person(draft, head.doc)
        return draft

    def _fold_principal(self, draft: _Draft, prep: Token, entity_of: dict[int, Span]) -> None:
        """ "A spokesman for the Taliban government in Kabul": who the agent speaks for
        gives its country, from the first actor-like entity of the phrase."""
        for token in prep.subtree:
            ent = entity_of.get(token.i)
            if ent is not None and ent.label_ in ("GPE", "NORP", "ORG") and token.i != prep.i:
                self._fold(draft, ent, token.i, token.doc)
                if draft.countries:
                    return

    def _date_person(self, draft: _Draft, doc: Doc) -> None:
        """ "Former President X" is ELI; a KB role that ended gives way to a title in the text."""
        before = list(doc[draft.first:draft.head.i])
        # "Boris Johnson, the former prime minister": an office, not "a former police officer"
        before += [t for child in draft.head.children
                   if child.dep_ == "appos" and child.pos_ == "NOUN"
                   and self.kb.sector_of_title(child.lower_) in OFFICE_SECTORS
                   for t in child.lefts]
        if any(t.lower_ in FORMER_WORDS or t.lower_.startswith("ex-") for t in before):
            draft.sector = "ELI"
            return
        title = self.kb.sector_of_title(draft.role) if draft.role else None
        if title and (draft.sector is None or draft.known_former):
            draft.sector = title

    def _describe_entity(self, draft: _Draft, ent: Span) -> None:
        text = ent.text
        label = ent.label_
        if label == "PERSON" and self.kb.is_group_word(text):
            label = "NORP"
        elif label == "PERSON" and ent.root.dep_ == "compound" \
                and ent.root.head.lemma_.lower() in PLACE_NOUNS:
            label = "GPE"  # "the Kenscoff area": a place the model took for a person
        elif label == "PERSON":
            label = _country_word_label(self.countries, text) or label
        if label == "PERSON":
            draft.kind = "person"
            draft.name = _strip_possessive(text)
            known = self.kb.person(draft.name)
            if known:
                self._apply_known(draft, known)
            return
        if label == "ORG" or label == "GPE" or label == "NORP":
            name = _strip_possessive(_strip_the(text))
            known = self.kb.organisation(name) or (
                self.kb.organisation_within(name) or self._acronym_within(ent)
                if label == "ORG" else None)
            if known:
                draft.kind = "organisation"
                self._apply_known(draft, known)
                return
        matched = self.countries.match(text)
        if matched:
            country, how = matched
            draft.countries = [country.iso3]
            draft.country_from = how
            draft.name = country.name
            if label == "NORP":
                draft.kind = "group"
                draft.sector = None
            else:
                draft.kind = "country"
                draft.sector = "GOV"
                if how == "capital":
                    draft.reason = "capital_as_government"
            return
        if label == "NORP":
            draft.kind = "group"
            draft.name = text
            draft.sector = "CVL" if self.kb.is_group_word(text) else None
            return
        if label in ("GPE", "LOC"):
            draft.kind = "group"
            draft.name = text
            draft.reason = "place_as_actor"
            country = self._place_country(text)
            if country:
                draft.countries = [country]
                draft.country_from = "place"
            return
        draft.kind = "organisation"
        draft.name = _strip_the(text)
        draft.sector = self._organisation_sector(ent)
        self._describe_unknown_organisation(draft, ent)

    def _acronym_within(self, ent: Span) -> KbEntry | None:
        """A known organisation's acronym opening a longer name: "OAS Permanent Council",
        "UN Human Rights Council" are bodies of the OAS and the UN."""
        first = ent[1] if ent[0].lower_ == "the" and len(ent) > 1 else ent[0]
        if first.i + 1 >= ent.end or not is_acronym(first.text) or not first.text.isupper():
            return None
        return self.kb.organisation(first.text)

    def _describe_unknown_organisation(self, draft: _Draft, ent: Span) -> None:
        """Country and kind of an organisation the knowledge base does not know.

        A country named inside the name gives its country ("Liberian Peace
        Council", "Free Malawi Alliance");
        failing that, international bodies are IGO ("International Labour
        Office", "Alliance of Sahel States") and associations, committees and
        watchdogs are NGO.
        """
        for size in (3, 2, 1):  # "United States Agency for …" before "States"
            for start in range(ent.start, ent.end - size + 1):
                words = ent.doc[start:start + size]
                if any(t.pos_ != "PROPN" and t.tag_ not in ("JJ", "NNP", "NNPS") for t in words):
                    continue
                matched = self.countries.match(words.text)
                if matched and matched[1] in ("name", "demonym"):
                    draft.countries = [matched[0].iso3]
                    draft.country_from = "organisation_name"
                    return
        words = [t.lower_ for t in ent if not t.is_punct]
        head = ent.root.lower_
        if words and (words[0] in ("international", "world", "global", "united") and (
                head in ORG_IGO_HEADS or "nations" in words) or MEMBER_STATE_WORDS & set(words)):
            draft.countries = ["IGO"]
            draft.sector = draft.sector or "IGO"
            draft.country_from = "organisation_name"
        elif head in ORG_NGO_HEADS or words[-1:] and words[-1] in ORG_NGO_HEADS:
            draft.countries = ["NGO"]
            draft.sector = draft.sector or "NGO"
            draft.country_from = "organisation_name"

    def _organisation_sector(self, ent: Span) -> str | None:
        words = [t.lower_ for t in ent if not t.is_punct]
        for size in (3, 2, 1):
            for start in range(len(words) - size, -1, -1):
                phrase = " ".join(words[start:start + size])
                sector = self.kb.sector_of_noun(phrase) or self.kb.sector_of_title(phrase)
                if sector:
                    return sector
        return None

    def _apply_known(self, draft: _Draft, known: KbEntry) -> None:
        coding = known.coding_on(self._day)
        draft.known = True
        draft.name = known.name
        draft.sector = coding.sector
        draft.known_former = coding.former
        if coding.country:
            draft.countries = [coding.country]
            draft.country_from = "knowledge_base"

    def _fold(self, draft: _Draft, ent: Span | None, i: int, doc: Doc) -> None:
        """Fold a modifier mention (a nationality, a country, an organisation) into the head."""
        token = doc[i]
        draft.first = min(draft.first, token.left_edge.i)
        if ent is not None:
            sub = self._entity_draft(token, ent)
            if sub.countries:
                _add_countries(draft, sub.countries)
                draft.country_from = draft.country_from or sub.country_from or "modifier"
            if draft.kind == "group" and sub.kind == "organisation" and sub.sector:
                if sub.sector in ORGANISATION_SECTORS:
                    draft.sector = sub.sector
                draft.sector = draft.sector or sub.sector
            elif draft.kind == "person" and sub.sector and not draft.sector:
                draft.sector = sub.sector
            elif draft.kind == "organisation" and sub.sector and not draft.sector:
                draft.sector = sub.sector
            return
        sector = self._noun_sector(token)
        if sector:
            if draft.kind == "person":
                draft.role = draft.role or token.lower_
                draft.sector = draft.sector or self.kb.sector_of_title(token.lower_) or sector
            elif draft.sector is None:
                draft.sector = sector

    def _fold_untagged_place(self, draft: _Draft, token: Token) -> None:
        """A nationality or place modifier the NER missed ("Ghanaian authorities")."""
        matched = self.countries.match(token.text)
        if matched and matched[1] in ("name", "demonym"):
            draft.countries = [matched[0].iso3]
            draft.country_from = "modifier"
            return
        if draft.kind == "group" and token.pos_ == "PROPN":
            country = self._place_country(token.text)
            if country:
                draft.countries = [country]
                draft.country_from = "modifier"

    def _fold_title(self, draft: _Draft, token: Token) -> None:
        if draft.kind != "person" or token.pos_ not in ("NOUN", "PROPN"):
            return
        words = [t.lower_ for t in token.subtree if not t.is_punct]
        for size in range(min(len(words), self.kb.max_title_words), 0, -1):
            phrase = " ".join(words[-size:])
            sector = self.kb.sector_of_title(phrase)
            if sector:
                draft.role = draft.role or phrase
                draft.sector = draft.sector or sector
                return

    def _fold_apposition(self, draft: _Draft, appos: Token, entity_of: dict[int, Span]) -> None:
        if draft.kind != "person":
            return
        words = [t for t in appos.subtree if not t.is_punct]
        for token in words:
            ent = entity_of.get(token.i)
            if ent is not None and ent.label_ in ("GPE", "NORP", "ORG"):
                sub = self._entity_draft(token, ent)
                _add_countries(draft, sub.countries or ())
                if sub.sector and not draft.sector and sub.kind == "organisation":
                    draft.sector = sub.sector
        title = self.kb.sector_of_title(appos.lower_) or self._noun_sector(appos)
        if title:
            draft.role = draft.role or appos.lower_
            draft.sector = draft.sector or title

    def _entity_draft(self, token: Token, ent: Span) -> _Draft:
        """The mention an entity inside another mention describes on its own."""
        sub = _Draft(head=token, first=ent.start, last=ent.end - 1, countries=[])
        self._describe_entity(sub, ent)
        return sub

    def _place_country(self, text: str) -> str | None:
        """The country of a place name, read with the countries the article names:
        "Ontario" in a story about Toronto is the province, not the Californian city."""
        if self.gazetteer is None:
            return None
        candidate = self.gazetteer.best(text, context_countries=self._named_countries)
        return getattr(candidate, "country", None) if candidate else None

    # -- context ------------------------------------------------------------

    def _fill_missing_countries(self, doc: Doc, drafts: dict[int, _Draft],
                                datelines: dict[tuple[int, int], str | None]) -> None:
        """Sector groups and titled persons with no stated country take the context's.

        "Police fired tear gas in Lagos" is Nigerian police: the country of a
        place in the same sentence, else the article's dominant country. A
        person takes only a place's country ("Interior Minister X told
        reporters in Nairobi"), never another actor's. A dateline's place counts
        as a place of its sentence, and its country is the article's when no
        other is named as often.
        """
        sentence_of = _sentence_starts(doc)
        article_countries: Counter[str] = Counter()
        sentence_countries: dict[int, set[str]] = {}
        body_countries: dict[int, set[str]] = {}  # named by the sentence itself, not a dateline
        sentence_places: dict[int, set[str]] = {}
        for (start, end), code in datelines.items():
            span = doc.char_span(start, end, alignment_mode="expand")
            if code is None or span is None:
                continue
            article_countries[code] += 1
            sentence_countries.setdefault(sentence_of[span.start], set()).add(code)
            sentence_places.setdefault(sentence_of[span.start], set()).add(code)
        for draft in drafts.values():
            if draft.countries and draft.kind == "organisation" and draft.known \
                    and draft.countries[0] not in ("IGO", "NGO"):
                # "Hezbollah rejected a government plan": a known body's country is one
                # the sentence is about
                sentence_countries.setdefault(sentence_of[draft.head.i], set()).add(
                    draft.countries[0])
                body_countries.setdefault(sentence_of[draft.head.i], set()).add(draft.countries[0])
            if not draft.countries or draft.kind not in ("country", "group"):
                continue
            code = draft.countries[0]
            if code in ("IGO", "NGO"):
                continue
            sentence = sentence_of[draft.head.i]
            article_countries[code] += 1
            sentence_countries.setdefault(sentence, set()).add(code)
            body_countries.setdefault(sentence, set()).add(code)
            if draft.reason in ("place_as_actor", "capital_as_government"):
                sentence_places.setdefault(sentence, set()).add(code)
        filed = next((code for code in datelines.values() if code), None)
        dominant = None
        ranked = article_countries.most_common(2)
        if ranked:
            code, count = ranked[0]
            ahead = len(ranked) == 1 or count > ranked[1][1]
            if count * 2 > sum(article_countries.values()) or (
                    ahead and code in datelines.values()):
                dominant = code
        for draft in drafts.values():
            if draft.countries or draft.sector in ("IGO", "NGO") or (
                    draft.sector is None and draft.kind != "organisation") or (
                    draft.kind == "organisation" and draft.known):
                continue  # Islamic State is nobody's: its KB entry has no country
            if any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in draft.head.children):
                # "China's foreign ministry said its minister urged South Korea …": the
                # owner is the speaker, not a country the sentence names
                owner = _owner_before(draft, drafts.values())
                if owner is not None:
                    draft.countries = list(owner.countries or ())
                    draft.country_from = "coreference"
                    continue
            if draft.kind in ("group", "organisation"):
                local = sentence_countries.get(sentence_of[draft.head.i], set())
            elif draft.kind == "person":
                local = sentence_places.get(sentence_of[draft.head.i], set())
                if not local:
                    local = sentence_countries.get(sentence_of[draft.head.i], set())
            else:
                continue
            if len(local) == 1:
                draft.countries = [next(iter(local))]
                draft.country_from = "sentence_context"
            elif filed in body_countries.get(sentence_of[draft.head.i], set()):
                # "Ottawa police arrested nine people … arms exports to Israel": of the
                # countries the sentence names, the one the report was filed in
                draft.countries = [filed]
                draft.country_from = "sentence_context"
            elif dominant:
                draft.countries = [dominant]
                draft.country_from = "article_context"

    def _keep(self, draft: _Draft) -> bool:
        return bool(draft.name or draft.sector or draft.countries or draft.reason == "pronoun")

    def _actor(self, doc: Doc, draft: _Draft) -> Actor:
        span = doc[draft.first:max(draft.last, draft.head.i) + 1]
        for end in self._dateline_ends:
            if span.start_char < end <= draft.head.idx:
                span = doc.char_span(end, span.end_char, alignment_mode="expand") or span
        while len(span) > 1 and (span[0].dep_ in ("det", "punct", "case") or span[0].is_space):
            span = span[1:]
        countries = draft.countries or []
        members: tuple[Actor, ...] = ()
        kind: ActorKind = draft.kind
        if len(countries) > 1:
            members = tuple(
                Actor(text=span.text, start=span.start_char, end=span.end_char, name=code,
                      country=code, sector=draft.sector, kind="group")
                for code in countries
            )
            kind = "compound"
        reason = draft.reason
        if draft.country_from in ("sentence_context", "article_context") or (
                draft.country_from == "place" and reason is None):
            # "villagers from Bate": the country is the gazetteer's reading of a place
            reason = f"country_from_{draft.country_from}"
        return Actor(
            text=span.text,
            start=span.start_char,
            end=span.end_char,
            name=draft.name,
            country=countries[0] if countries else None,
            sector=draft.sector,
            kind=kind,
            role=draft.role,
            members=members,
            reason=reason,
        )

    def _resolve_later_mentions(
        self, doc: Doc, actors: list[Actor], headings: list[tuple[int, int]]
    ) -> list[Actor]:
        """Give "Miller" and "he" the identity of the last full mention they refer to."""
        resolved: list[Actor] = []
        persons: list[Actor] = []
        for actor in sorted(actors, key=lambda a: a.start):
            if actor.kind == "person" and actor.reason == "pronoun":
                if persons:
                    antecedent = persons[-1]
                    actor = replace(actor, name=antecedent.name, country=antecedent.country,
                                    sector=antecedent.sector, role=antecedent.role,
                                    reason="coreference")
                    resolved.append(actor)
                continue
            if actor.kind == "group" and actor.text.lower() == actor.name:
                earlier_person = next(
                    (p for p in reversed(persons) if p.role and actor.name == p.role), None)
                if earlier_person is not None:
                    actor = replace(actor, name=earlier_person.name, kind="person",
                                    country=earlier_person.country, sector=earlier_person.sector,
                                    role=earlier_person.role, reason="coreference")
                    resolved.append(actor)
                    continue
            if actor.kind == "group" and actor.reason in CONTEXT_REASONS:
                actor = _as_earlier_group(actor, resolved)
            if actor.kind == "organisation" and (
                    actor.country is None or actor.reason in CONTEXT_REASONS):
                actor = _as_earlier_organisation(actor, resolved)
            if actor.kind == "person" and actor.name:
                for earlier in reversed(persons):
                    # the KB's spelling may differ from the text's ("Glass", "Glas")
                    if _same_person(earlier.name, actor.name) or _same_person(
                            _strip_possessive(earlier.text), actor.name):
                        actor = replace(
                            actor, name=earlier.name,
                            country=earlier.country or actor.country,
                            sector=earlier.sector or actor.sector,
                            role=actor.role or earlier.role,
                            reason=actor.reason or "coreference")
                        break
                persons.append(actor)
            resolved.append(actor)
        return resolved


def _owner_before(draft: _Draft, drafts: Iterable[_Draft]) -> _Draft | None:
    """Who "its"/"their" refers to in reported speech: the speaker ("China's foreign
    ministry said its minister …", "al-Shabaab said its fighters …")."""
    verb = next((t for t in draft.head.ancestors if t.lemma_.lower() in REPORTING_VERBS
                 and t.i != draft.head.head.i), None)
    if verb is None:
        return None
    subjects = {c.i for c in verb.children if c.dep_ == "nsubj"}
    return next((d for d in drafts if d.head.i in subjects and d.countries
                 and d.country_from not in ("sentence_context", "article_context")), None)


def _as_earlier_group(actor: Actor, earlier: list[Actor]) -> Actor:
    """ "Lebanon's president … the president said": a bare group noun whose country
    only the context gave refers back to the last mention of that noun whose
    country the text stated, and takes its country. The head word must match as
    written: "governments across the region" are not "Ecuador's government"."""
    head = actor.text.lower().split()[-1:]
    for mention in reversed(earlier):
        if mention.kind == "group" and mention.name == actor.name and mention.country \
                and mention.text.lower().split()[-1:] == head \
                and mention.reason not in CONTEXT_REASONS and not mention.members:
            return replace(actor, country=mention.country, reason="coreference")
    return actor


def _as_earlier_organisation(actor: Actor, earlier: list[Actor]) -> Actor:
    """ "The European Commission … the Commission": an organisation the KB does not know
    whose name ends an earlier organisation's is that organisation."""
    words = (actor.name or "").lower().split()
    for mention in reversed(earlier):
        if mention.kind != "organisation" or not mention.country or not words:
            continue
        for written in (mention.name or "", _strip_the(mention.text)):
            known = written.lower().split()
            if len(words) < len(known) and known[-len(words):] == words:
                return replace(actor, name=mention.name, country=mention.country,
                               sector=mention.sector, reason="coreference")
    return actor


def _add_countries(draft: _Draft, codes: Iterable[str]) -> None:
    """Append the codes the draft does not have yet, in order."""
    for code in codes:
        if code not in draft.countries:
            draft.countries.append(code)


def _sentence_starts(doc: Doc) -> list[int]:
    """Token index → the index of the first token of its sentence.

    The same as ``token.sent.start``, which walks the sentence marks back and forth
    on every call; read once from ``doc.sents`` for the many mentions of an article
    (issue 12)."""
    starts = [0] * len(doc)
    for sent in doc.sents:
        starts[sent.start:sent.end] = [sent.start] * (sent.end - sent.start)
    return starts


def _noun_or_pronoun_words(doc: Doc) -> Iterator[Token]:
    """The nouns, proper nouns and speaker pronouns of ``doc``, the words that may head an
    actor mention: read from the POS and LOWER arrays, so that no Token object is made
    for the other words (issue 12)."""
    if not len(doc):
        return
    pronouns = {get_string_id(word) for word in SPEAKER_PRONOUNS}
    for i, (pos, lower) in enumerate(doc.to_array([POS, LOWER]).tolist()):
        if pos in _NOUN_POS or lower in pronouns:
            yield doc[i]


def _written_as_name(span: Span, capitalised: tuple[bool, ...]) -> bool:
    """Whether the text capitalises the word a known name opens with.

    Names are matched case-blind ("the Russian defence ministry"), but a name
    whose opening word is written in lower case is an ordinary phrase: "the
    federal labour minister" is no mention of Labour, "the planned amnesty" none
    of Amnesty International, "the conservative People's Party" not the Danish
    Conservative People's Party.
    """
    return not (capitalised[:1] == (True,) and span[0].is_lower)


def _named_inside(ent: Span, known: Span) -> bool:
    """Whether a place entity lies inside a known name at least two words longer."""
    return (ent.label_ in PLACE_LABELS and known.start <= ent.start and ent.end <= known.end
            and len(known) - len(ent) >= 2)


def _aligned_with(ent: Span, known: Span) -> bool:
    """Whether ``ent`` is "pro-" + the known name ("pro-Houthi")."""
    prefix = [token.lower_ for token in ent.doc[ent.start:known.start]]
    return prefix == ["pro", "-"] and known.end == ent.end


def _country_word_label(countries: Countries, text: str) -> str | None:
    """The label a one-word country name or demonym deserves when NER took it for a person.

    The small model tags "Nepal", "Nigerien" or "Budapest" as PERSON; a given
    name that is also a country ("Jordan", "Chad") stays a person.
    """
    if " " in text or text in PERSONAL_NAMES_THAT_ARE_COUNTRIES:
        return None
    matched = countries.match(text)
    if matched is None:
        return None
    return {"name": "GPE", "demonym": "NORP", "capital": "GPE"}.get(matched[1])


def _same_person(full: str | None, short: str | None) -> bool:
    if not full or not short or full == short:
        return bool(full and short and full == short)
    full_words = full.split()
    short_words = short.split()
    return len(short_words) < len(full_words) and full_words[-len(short_words):] == short_words


def _strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _strip_possessive(text: str) -> str:
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text
