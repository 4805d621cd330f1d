"""common: the cached look-ups the stages share (issue 12)."""

from __future__ import annotations

import re
import sys

from spacy.language import Language

from newsevents.stages import parse
from newsevents.stages.common import CASELESS_EXCEPTIONS, caseless_text, token_at


def test_common_token_at_finds_the_token_starting_at_an_offset(blank: Language) -> None:
    doc = blank("Arnor troops shelled Gondor.")
    assert token_at(doc, 0).text == "Arnor"
    assert token_at(doc, doc.text.index("Gondor")).text == "Gondor"
    assert token_at(doc, 1) is None
    assert token_at(blank(""), 0) is None


def test_common_caseless_exceptions_are_every_code_point_that_needs_one() -> None:
    # every non-ASCII character IGNORECASE matches with an ASCII letter either lowers
    # to that letter or is one of the exceptions
    letter = re.compile(r"(?i:[a-z])")
    for code in range(0x80, sys.maxunicode + 1):
        char = chr(code)
        if letter.fullmatch(char):
            lowered = char.lower()
            assert char in CASELESS_EXCEPTIONS or (
                len(lowered) == 1 and lowered.isascii() and letter.fullmatch(lowered)), char


def test_common_lowering_keeps_every_character_class() -> None:
    # caseless_text's patterns may use \\w, \\s, \\d and \\b: lowering must not move a
    # character into or out of those classes
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        lowered = char.lower()
        if len(lowered) != 1:
            continue
        assert (char.isalnum(), char.isspace(), char.isdecimal()) == \
            (lowered.isalnum(), lowered.isspace(), lowered.isdecimal()), hex(code)


def test_common_caseless_text_finds_what_ignorecase_finds() -> None:
    words = re.compile(r"(?i:kill|wound|arrest)")
    lower_words = re.compile(r"kill|wound|arrest")
    for text in ("Gunmen KILLED two; “Wounded” rangers were ARRESTED.", "\u212aILLED in Bree"):
        lowered = caseless_text(text)
        assert lowered is not None
        assert [m.span() for m in lower_words.finditer(lowered)] == \
            [m.span() for m in words.finditer(text)]


def test_common_caseless_text_declines_texts_that_lowering_would_misalign() -> None:
    assert caseless_text("İstanbul police killed one") is None  # "İ" lowers to two characters
    assert caseless_text("the ſoldiers were killed") is None  # IGNORECASE reads "ſ" as "s"


def test_parse_count_words_skips_punctuation_and_space(blank: Language) -> None:
    assert parse.count_words(blank("Arnor troops shelled Gondor.\n\n")) == 4
    assert parse.count_words(blank("")) == 0


def _cased_letters_outside_caseless_groups(regex: str) -> list[str]:
    """The letters of a regex that a ``(?i:…)`` group does not cover, or that its
    lowered-text twin would not match (an upper-case letter, a class with "A-Z" but
    not "a-z"); escapes (``\\s``, ``\\W``) and group syntax are not letters."""
    problems: list[str] = []
    caseless: list[bool] = []  # one per open group: does it ignore case?
    i = 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            i += 2
            continue
        if char == "(":
            caseless.append(regex.startswith("(?i:", i) or any(caseless))
            match = re.match(r"\((?:\?(?:P<\w+>|i:|:|<?[=!]))?", regex[i:])
            i += len(match.group()) if match else 1
            continue
        if char == ")":
            caseless.pop()
        elif char == "[":
            end = regex.index("]", i + 1)
            body = regex[i + 1:end]
            if re.search(r"[A-Za-z]", re.sub(r"\\.", "", body)) and not (any(caseless) and (
                    "A-Z" not in body or "a-z" in body)):
                problems.append(regex[i:end + 1])
            i = end
        elif char.isalpha() and not (any(caseless) and char.islower()):
            problems.append(char)
        i += 1
    return problems


def test_common_caseless_twins_ignore_case_throughout() -> None:
    from newsevents.stages import measure_size, resolve_dates

    for regex in [*resolve_dates._LOWERED, *measure_size._TWINS]:
        assert _cased_letters_outside_caseless_groups(regex) == [], regex
    # the checker itself sees a case-sensitive look-ahead
    assert _cased_letters_outside_caseless_groups(measure_size._NOUN_PATTERN.pattern)
