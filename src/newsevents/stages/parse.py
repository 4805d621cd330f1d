"""parse: the spaCy model, plus line breaks as hard sentence boundaries.

Hyphenated trigger words of the lexicon ("shoot-out", "gang-rape", "sit-in") are
kept as one token: the tokenizer would split them into pieces no trigger matches.

News text puts headlines, datelines and teasers on lines of their own with no
full stop; left alone the parser glues them to the next sentence
("Gondor condemns raid\\nThe government of Kenya condemned …"), so the heading's
words would become the subject of the body's first verb. A dateline on the body's
first line ("KHARTOUM, Mar 8 — Twelve people were killed …") is cut off the
same way: its place name is not the sentence's subject (issue 9).
"""

from collections.abc import Iterable, Iterator

import numpy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from newsevents.stages.common import dateline_end, doc_text

FACTORY = "newsevents_split_lines_v1"


@Language.factory(FACTORY, assigns=["token.is_sent_start"])
def make_line_splitter(nlp: Language, name: str) -> "LineSplitter":
    return LineSplitter()


class LineSplitter:
    """Starts a sentence at the first token after every line break and after a dateline."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        for i in _tokens_with_line_breaks(doc, text):
            if i + 1 < len(doc):
                doc[i + 1].is_sent_start = True
        end = dateline_end(text)
        if end is not None:
            after = doc.char_span(end, len(text), alignment_mode="expand")
            if after is not None and after.start > 0:
                doc[after.start].is_sent_start = True
        return doc


def _tokens_with_line_breaks(doc: Doc, text: str) -> Iterator[int]:
    """Indices of the tokens whose text holds a line break, found from the breaks in
    ``text`` rather than by visiting every token (issue 12: a few breaks, hundreds of
    tokens). A token's trailing whitespace is at most one space, so every break lies
    inside the text of the last token starting at or before it."""
    starts = doc.to_array(IDX)
    position = text.find("\n")
    last = -1
    while position != -1:
        i = int(numpy.searchsorted(starts, position, side="right")) - 1
        if i != last:
            yield i
            last = i
        position = text.find("\n", position + 1)


def count_words(doc: Doc) -> int:
    """Words as ``ArticleResult.words`` counts them: tokens that are not punctuation or space.

    Read from one attribute array instead of a Token object per token (issue 12).
    """
    if len(doc) == 0:
        return 0
    flags = doc.to_array([IS_PUNCT, IS_SPACE])
    return int(numpy.count_nonzero(~flags.any(axis=1)))


def keep_hyphenated_words(nlp: Language, words: Iterable[tuple[str, str]]) -> None:
    """Tokenizer special cases for hyphenated (word, "NOUN"/"VERB") lemmas and their
    inflections, lower-case and capitalised: "shoot-outs" stays one token."""
    for word, pos in words:
        for form in _inflections(word, pos):
            for variant in {form, form[0].upper() + form[1:]}:
                nlp.tokenizer.add_special_case(variant, [{ORTH: variant}])


def _inflections(word: str, pos: str) -> list[str]:
    if pos == "NOUN":
        return [word, word + "s"]
    stem = word[:-1] if word.endswith("e") else word
    return [word, word + "s", stem + "ed", stem + "ing"]
