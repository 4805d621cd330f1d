"""attach_article: put the Article a Doc was parsed from on ``doc._.article``.

The first newsevents stage. The stages after it read the article's id and
publication date from ``doc._.article``; declaring that this stage assigns it
lets ``nlp.analyze_pipes()`` check the order. ``pipeline.process`` hands the
Article over in ``doc.user_data`` (see ``hand_over``), as it travels beside the
text through ``nlp.pipe(..., as_tuples=True)``; a Doc coded by a plain
``nlp(text)`` gets an Article of its own text, with no publication date.
"""

from spacy.language import Language
from spacy.tokens import Doc

from newsevents.stages.common import doc_text
from newsevents.types import Article

# spaCy forbids "." in factory names (E853), so the registered name
# "newsevents.attach_article.v1" is spelled with underscores.
FACTORY = "newsevents_attach_article_v1"
# Key of the handed-over Article in ``Doc.user_data``.
_ARTICLE_KEY = ("newsevents", "article")
# The id of an Article made for a Doc that came without one.
BARE_DOC_ID = "doc"


@Language.factory(FACTORY, assigns=["doc._.article"])
def make_article_attacher(nlp: Language, name: str) -> "ArticleAttacher":
    """An ArticleAttacher (it has no settings)."""
    return ArticleAttacher()


def hand_over(doc: Doc, article: Article) -> None:
    """Leave ``article`` in ``doc`` for the attach_article stage to attach."""
    doc.user_data[_ARTICLE_KEY] = article


class ArticleAttacher:
    """Sets ``doc._.article``: the handed-over Article, else one of the Doc's own text."""

    def __call__(self, doc: Doc) -> Doc:
        article = doc.user_data.get(_ARTICLE_KEY)
        doc._.article = article if article is not None else Article(id=BARE_DOC_ID,
                                                                    text=doc_text(doc))
        return doc
