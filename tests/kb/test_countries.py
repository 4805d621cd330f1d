"""Country table: names, codes, demonyms, capitals, and words that are not countries."""

from __future__ import annotations


import pytest

from newsevents.kb.countries import load_countries

CASES = [
    ("United States", "USA", "name"), ("the US", "USA", "code"), ("U.S.", "USA", "code"),
    ("USA", "USA", "code"), ("America", "USA", "name"), ("Britain", "GBR", "name"),
    ("UK", "GBR", "code"), ("Ivory Coast", "CIV", "name"), ("Russia", "RUS", "name"),
    ("South Korea", "KOR", "name"), ("North Korea", "PRK", "name"), ("Iran", "IRN", "name"),
    ("Syria", "SYR", "name"), ("Congo", "COD", "name"), ("DR Congo", "COD", "name"),
    ("Czechia", "CZE", "name"), ("Burma", "MMR", "name"), ("Myanmar", "MMR", "name"),
    ("Palestine", "PSE", "name"), ("Palestinian territories", "PSE", "name"),
    ("Taiwan", "TWN", "name"), ("Kosovo", "XKX", "name"), ("Pakistan's", "PAK", "name"),
    ("the Netherlands", "NLD", "name"), ("Georgia", "GEO", "name"), ("Jordan", "JOR", "name"),
    ("Pakistani", "PAK", "demonym"), ("Pakistanis", "PAK", "demonym"),
    ("American", "USA", "demonym"), ("Americans", "USA", "demonym"),
    ("British", "GBR", "demonym"), ("Russian", "RUS", "demonym"),
    ("Ukrainian", "UKR", "demonym"), ("Israeli", "ISR", "demonym"),
    ("Palestinian", "PSE", "demonym"), ("Afghan", "AFG", "demonym"),
    ("Filipino", "PHL", "demonym"), ("Filipinos", "PHL", "demonym"),
    ("Emirati", "ARE", "demonym"), ("Saudi", "SAU", "demonym"),
    ("Congolese", "COD", "demonym"), ("Yemeni", "YEM", "demonym"),
    ("Sudanese", "SDN", "demonym"), ("Somali", "SOM", "demonym"), ("Malian", "MLI", "demonym"),
    ("Nigerien", "NER", "demonym"), ("Nigerian", "NGA", "demonym"),
    ("Chinese", "CHN", "demonym"), ("Indians", "IND", "demonym"),
    ("Washington", "USA", "capital"), ("Moscow", "RUS", "capital"),
    ("Beijing", "CHN", "capital"), ("Kyiv", "UKR", "capital"), ("Kiev", "UKR", "capital"),
    ("Tehran", "IRN", "capital"), ("New Delhi", "IND", "capital"),
    ("Islamabad", "PAK", "capital"), ("Seoul", "KOR", "capital"),
    ("Pyongyang", "PRK", "capital"),
]


@pytest.mark.parametrize(("text", "iso3", "how"), CASES)
def test_countries_match_known_mentions(text: str, iso3: str, how: str) -> None:
    matched = load_countries().match(text)
    assert matched is not None, text
    assert (matched[0].iso3, matched[1]) == (iso3, how)


@pytest.mark.parametrize("text", [
    "Brussels", "Sikh", "Kurdish", "Arab", "Western", "European", "African", "English",
    "Korean", "us", "turkey", "china", "", "the", "Gondor", "Kingston",
])
def test_countries_match_rejects_non_countries(text: str) -> None:
    assert load_countries().match(text) is None


def test_countries_by_code_accepts_iso2_and_iso3_any_case() -> None:
    countries = load_countries()
    assert countries.by_code("pk").iso3 == "PAK"
    assert countries.by_code("PAK").iso2 == "PK"
    assert countries.by_code("xkx").name == "Kosovo"
    assert countries.by_code("ZZZ") is None


def test_countries_records_are_complete() -> None:
    countries = list(load_countries())
    assert len(countries) > 230
    pakistan = load_countries().by_code("PAK")
    assert pakistan.capital == "Islamabad"
    assert pakistan.geonameid == 1168579
    assert pakistan.admin1_count >= 6
    assert all(c.lat is not None for c in countries if c.iso3 in {"USA", "XKX", "PSE", "GBR"})
    assert len({c.iso3 for c in countries}) == len(countries)


def test_countries_load_is_cached() -> None:
    load_countries.cache_clear()
    assert load_countries() is load_countries()
