"""Stage ``score_tone``: a simple lexicon tone score for the whole article.

Like GDELT's AvgTone, the score is the percentage of positive words minus
the percentage of negative words, so it lies in [-100, 100] and real news
falls mostly between -10 and +10. It is a word-count measure, nothing more:
it knows no negation ("not peaceful" counts as positive), no intensity and
no target (a report condemning an attack scores negative). Use it to rank or
compare articles in bulk, not to read one article's stance.

The lexicon (``data/tone_lexicon.json``) was written for this project:
a few hundred general news words on each side, in base form. A word counts
when its lower-case form, its lemma (when the model gives one) or the form
with a common inflection removed (-s, -es, -ed, -d, -ing, -ly) is listed.
"""

import json
from dataclasses import dataclass
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.util import registry

from newsevents.errors import Errors, InternalError

LEXICON_FILE = "tone_lexicon.json"
_SUFFIXES: tuple[str, ...] = ("ing", "ies", "es", "ed", "ly", "s", "d")


@dataclass(frozen=True)
class ToneLexicon:
    """The positive and negative word lists the score counts."""

    positive: frozenset[str]
    negative: frozenset[str]

    def polarity(self, token: Token) -> int:
        """+1, -1 or 0 for one token."""
        for form in _forms(token):
            if form in self.positive:
                return 1
            if form in self.negative:
                return -1
        return 0


def _forms(token: Token) -> list[str]:
    word = token.lower_
    forms = [word]
    lemma = token.lemma_.lower() if token.lemma_ else ""
    if lemma and lemma != word:
        forms.append(lemma)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            forms.append(stem)
            if suffix == "ies":
                forms.append(stem + "y")
            if suffix in ("ed", "ing", "es"):
                forms.append(stem + "e")
                if len(stem) > 3 and stem[-1] == stem[-2]:
                    forms.append(stem[:-1])
    return forms


def load_tone_lexicon(name: str = LEXICON_FILE) -> ToneLexicon:
    """Read a lexicon shipped in ``newsevents/data``."""
    try:
        raw = resources.files("newsevents.data").joinpath(name).read_text(encoding="utf-8")
        data = json.loads(raw)
        return ToneLexicon(
            positive=frozenset(word.lower() for word in data["positive"]),
            negative=frozenset(word.lower() for word in data["negative"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InternalError(Errors.E220.format(name=name, detail=e)) from e


@registry.misc("newsevents.tone_lexicon.v1")
def make_tone_lexicon(name: str = LEXICON_FILE) -> ToneLexicon:
    """The lexicon for the score_tone factory's config."""
    return load_tone_lexicon(name)


def tone_score(doc: Doc, lexicon: ToneLexicon) -> float | None:
    """Positive minus negative word percentage; None for a Doc without words."""
    words = 0
    balance = 0
    for token in doc:
        if token.like_num or not token.is_alpha:
            continue
        words += 1
        balance += lexicon.polarity(token)
    if words == 0:
        return None
    return round(100.0 * balance / words, 3)


class ToneScorer:
    """Sets ``doc._.tone`` to the article's lexicon tone."""

    def __init__(self, *, lexicon: ToneLexicon) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        doc._.tone = tone_score(doc, self.lexicon)
        return doc


# spaCy forbids "." in factory names (E853), so the registered name
# "newsevents.score_tone.v1" is spelled with underscores.
FACTORY = "newsevents_score_tone_v1"


@Language.factory(
    FACTORY,
    requires=["token.lemma"],
    assigns=["doc._.tone"],
    default_config={"lexicon": {"@misc": "newsevents.tone_lexicon.v1"}},
)
def make_tone_scorer(nlp: Language, name: str, lexicon: ToneLexicon) -> ToneScorer:
    """A ToneScorer with an injected lexicon."""
    return ToneScorer(lexicon=lexicon)
