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

from collections.abc import Iterable

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

from newsevents.stages.common import dateline_end

FACTORY = "newsevents_split_lines_v1"


@Language.factory(FACTORY, assigns=["token.is_sent_start"])
def make_line_splitter(nlp: Language, name: str) -> "LineSplitter":
    return LineSplitter()


class LineSplitter:
    """Starts a sentence at the first token after every line break and after a dateline."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[:-1]:
            if "\n" in token.text or token.whitespace_ == "\n":
                doc[token.i + 1].is_sent_start = True
        end = dateline_end(doc.text)
        if end is not None:
            after = doc.char_span(end, len(doc.text), alignment_mode="expand")
            if after is not None and after.start > 0:
                doc[after.start].is_sent_start = True
        return doc


def count_words(doc: Doc) -> int:
    """Words as ``ArticleResult.words`` counts them: tokens that are not punctuation or space."""
    return sum(1 for token in doc if not token.is_punct and not token.is_space)


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
