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

from spacy.attrs import IS_ALPHA, LEMMA, LIKE_NUM, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.util import registry

from newsevents.errors import Errors, InternalError
from newsevents.memo import Memo

LEXICON_FILE = "tone_lexicon.json"
_SUFFIXES: tuple[str, ...] = ("ing", "ies", "es", "ed", "ly", "s", "d")
# Polarities a ToneScorer remembers, per (lower-case form, lemma) pair, before starting over.
POLARITY_CACHE_SIZE = 200_000


@dataclass(frozen=True)
class ToneLexicon:
    """The positive and negative word lists the score counts."""

    positive: frozenset[str]
    negative: frozenset[str]

    def polarity(self, token: Token) -> int:
        """+1, -1 or 0 for one token."""
        return self.word_polarity(token.lower_, token.lemma_)

    def word_polarity(self, word: str, lemma: str) -> int:
        """``polarity`` of a token with lower-case form ``word`` and lemma ``lemma``."""
        for form in _forms(word, lemma):
            if form in self.positive:
                return 1
            if form in self.negative:
                return -1
        return 0


def _forms(word: str, lemma: str) -> list[str]:
    forms = [word]
    lemma = lemma.lower() if lemma else ""
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


def tone_score(doc: Doc, lexicon: ToneLexicon, *,
               known: Memo[tuple[int, int], int] | None = None) -> float | None:
    """Positive minus negative word percentage; None for a Doc without words.

    The tokens' attributes are read as one array rather than a Token object each,
    and a word's polarity, which depends on its lower-case form and lemma only, is
    looked up once per (form, lemma) pair of string ids in ``known`` (issue 12).
    """
    known = Memo(POLARITY_CACHE_SIZE) if known is None else known
    strings = doc.vocab.strings
    words = 0
    balance = 0
    rows = doc.to_array([LIKE_NUM, IS_ALPHA, LOWER, LEMMA]).tolist() if len(doc) else []
    for like_num, is_alpha, word, lemma in rows:
        if like_num or not is_alpha:
            continue
        words += 1
        polarity = known.get((word, lemma))
        if polarity is None:
            polarity = known.keep((word, lemma), lexicon.word_polarity(strings[word],
                                                                       strings[lemma]))
        balance += polarity
    if words == 0:
        return None
    return round(100.0 * balance / words, 3)


class ToneScorer:
    """Sets ``doc._.tone`` to the article's lexicon tone."""

    def __init__(self, *, lexicon: ToneLexicon) -> None:
        self.lexicon = lexicon
        self._known: Memo[tuple[int, int], int] = Memo(POLARITY_CACHE_SIZE)

    def __call__(self, doc: Doc) -> Doc:
        doc._.tone = tone_score(doc, self.lexicon, known=self._known)
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
