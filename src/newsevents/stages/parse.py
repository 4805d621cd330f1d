"""parse: the spaCy model, plus line breaks as hard sentence boundaries.

News text puts headlines, datelines and teasers on lines of their own with no
full stop; left alone the parser glues them to the next sentence
("Gondor condemns raid\\nThe government of Kenya condemned …"), so the heading's
words would become the subject of the body's first verb.
"""

from spacy.language import Language
from spacy.tokens import Doc

FACTORY = "newsevents_split_lines_v1"


@Language.factory(FACTORY, assigns=["token.is_sent_start"])
def make_line_splitter(nlp: Language, name: str) -> "LineSplitter":
    return LineSplitter()


class LineSplitter:
    """Starts a sentence at the first token after every line break."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[:-1]:
            if "\n" in token.text or token.whitespace_ == "\n":
                doc[token.i + 1].is_sent_start = True
        return doc
