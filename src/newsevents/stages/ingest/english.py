"""A small, fast, dependency-free check that a text is English.

newsevents codes English news only, and a French or Russian article run
through the English model yields confident nonsense rather than an error.
Full language identifiers are large and slow to load; telling English from
the other languages a news crawl mostly holds needs far less:

1. Script: English is written in Latin letters. A text whose letters are
   mostly Cyrillic, Arabic, CJK, … is not English.
2. Function words: every language spends a third or more of its tokens on a
   few dozen function words ("the", "of", "and" / "le", "de", "et" / "der",
   "die", "und" …). English is the language whose list scores best, with a
   floor so that a text of names and numbers is not waved through.

Only the first ``SAMPLE_CHARS`` characters are looked at, so a 5 MB article
costs as much as a short one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SAMPLE_CHARS = 20_000
MIN_LATIN_SHARE = 0.7
MIN_ENGLISH_SHARE = 0.12
SHORT_TEXT_TOKENS = 25

_TOKEN = re.compile(r"[^\W\d_]+")

_ENGLISH = frozenset("""
the of and to in a an is was are were be been being that for it its as with by on not
he she they we you i his her their our them him this these those there which who whom
what when where while from at but have has had or if so no will would can could should
may might must do does did than then also after before into over under about against
between during through said says more most other some such any all only new two one
first last up out because since until just both each many much very how why here
""".split())

# Words that are frequent in one language and rare in English text. Words
# that are also common English words ("in", "a", "on", "was") are left out
# so that an English text does not score for another language.
_OTHERS: dict[str, frozenset[str]] = {
    "French": frozenset("""
        le la les de des du un une et est que qui dans pour sur pas au aux ce cette il elle
        ils elles ont sont avec par ne se sa ses nous vous leur leurs été être mais
        comme ou où très aussi selon après lors contre entre depuis sans
    """.split()),
    "Spanish": frozenset("""
        el la los las de del y en que un una es por para con se su sus al lo como más
        pero fue ha han son está están este esta estos entre sobre también según desde
        durante sin muy ya fueron hasta hay
    """.split()),
    "German": frozenset("""
        der die das und ist nicht ein eine zu den mit von sich des auf für im dem auch es
        werden aus er hat dass sie nach wird bei einer um sind noch wie einem über zum
        haben nur oder aber vor zur bis mehr durch wurde wurden kann sei gegen
    """.split()),
    "Italian": frozenset("""
        il lo la gli le di del della dei delle e che un una per con non si sono è da al
        alla nel nella anche più ma ha hanno stato dopo secondo tra questo questa
    """.split()),
    "Portuguese": frozenset("""
        o os de do da dos das e que um uma em na nos nas para com não se por ao é
        foi são mais mas como também pelo pela entre sobre após segundo
    """.split()),
    "Dutch": frozenset("""
        de het een en van dat op te zijn niet voor er maar ook als bij nog
        naar dan heeft worden wordt werd zijn hun deze dit volgens tegen
    """.split()),
}


@dataclass(frozen=True)
class LanguageGuess:
    """The outcome of :func:`guess_english`.

    ``english`` is the verdict; ``detail`` says why, in words fit for a
    Failure message ("mostly Cyrillic script", "looks French"); ``verified``
    is False when the text was too short to hold any evidence either way.
    """

    english: bool
    detail: str
    verified: bool = True


def guess_english(text: str) -> LanguageGuess:
    """Decide whether ``text`` is English (see the module docstring for how)."""
    sample = text[:SAMPLE_CHARS]
    script = _dominant_foreign_script(sample)
    if script is not None:
        return LanguageGuess(english=False, detail=f"mostly {script} script")
    tokens = _TOKEN.findall(sample.lower())
    if not tokens:
        return LanguageGuess(english=False, detail="it holds no words")
    english_hits = sum(1 for token in tokens if token in _ENGLISH)
    other_language, other_hits = max(
        ((name, sum(1 for token in tokens if token in words)) for name, words in _OTHERS.items()),
        key=lambda pair: pair[1],
    )
    share = english_hits / len(tokens)
    enough = share >= MIN_ENGLISH_SHARE or len(tokens) < SHORT_TEXT_TOKENS
    if english_hits > other_hits and enough:
        return LanguageGuess(english=True, detail=f"{share:.0%} English function words")
    if english_hits == 0 and other_hits == 0 and len(tokens) < SHORT_TEXT_TOKENS:
        return LanguageGuess(english=True, detail="too short to tell", verified=False)
    if other_hits > english_hits:
        return LanguageGuess(english=False, detail=f"it looks {other_language}")
    return LanguageGuess(
        english=False, detail=f"only {share:.0%} of its words are English function words"
    )


def _dominant_foreign_script(sample: str) -> str | None:
    """The name of the non-Latin script most letters are in, if most are."""
    letters = [char for char in sample if char.isalpha()]
    if not letters:
        return None
    foreign = [char for char in letters if char > "\u024f"]
    if len(foreign) <= (1 - MIN_LATIN_SHARE) * len(letters):
        return None
    counts: dict[str, int] = {}
    for char in foreign[:2000]:
        name = unicodedata.name(char, "UNKNOWN").split(" ")[0]
        counts[name] = counts.get(name, 0) + 1
    script = max(counts, key=lambda key: counts[key])
    return script.capitalize() if script != "CJK" else "CJK"
