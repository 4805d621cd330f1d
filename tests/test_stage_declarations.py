"""Each stage's declared ``requires``/``assigns`` are what it really reads and writes.

Checked on the sample articles, two ways:

* ``doc._`` attributes: every extension is swapped for a getter/setter that logs
  which stage read or wrote it; a stage may read only what it requires (or has
  itself just written) and write only what it assigns, and every declared
  extension is touched.
* spaCy annotations (tags, POS, morphology, lemmas, the parse, sentences,
  entities): each stage runs on a copy of its input Doc that keeps only the
  annotations it requires. Its output must be the same as on the full Doc
  (nothing undeclared is read), and must change when any one required
  annotation is taken away (nothing is declared that is not read).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.tokens import Doc

from newsevents import registrations
from newsevents.pipeline import SPACY_COMPONENTS
from newsevents.stages import attach_article
from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.types import Article

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"

# A required spaCy annotation → the Doc constructor arguments that carry it. The
# dependency parse is one annotation (heads need their labels); when it is kept,
# sentences come with it.
ANNOTATIONS: dict[str, tuple[str, ...]] = {
    "token.tag": ("tags",),
    "token.pos": ("pos",),
    "token.morph": ("morphs",),
    "token.lemma": ("lemmas",),
    "token.dep": ("heads", "deps"),
    "token.head": ("heads", "deps"),
    "doc.sents": ("sent_starts",),
    "token.is_sent_start": ("sent_starts",),
    "doc.ents": ("ents",),
    "token.ent_type": ("ents",),
    "token.ent_iob": ("ents",),
}


@dataclasses.dataclass(frozen=True)
class _StageInput:
    """A parsed sample article just before one stage runs."""

    article: Article
    doc: Doc
    extensions: dict[str, Any]


def _our_stages(nlp) -> list[tuple[str, Any]]:
    return [(name, proc) for name, proc in nlp.pipeline if name not in SPACY_COMPONENTS]


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    records = read_inputs([str(EXAMPLES)], options=IngestOptions(published=dt.date(2024, 11, 20)))
    return [record for record in records if isinstance(record, Article)]


@pytest.fixture(scope="module")
def stage_inputs(nlp, articles) -> dict[str, list[_StageInput]]:
    """For every stage, a copy of each article's Doc as the stage receives it."""
    stages = _our_stages(nlp)
    inputs: dict[str, list[_StageInput]] = defaultdict(list)
    with nlp.select_pipes(disable=[name for name, _ in stages]):
        docs = list(nlp.pipe(((a.text, a) for a in articles), as_tuples=True))
    for doc, article in docs:
        attach_article.hand_over(doc, article)
        for name, proc in stages:
            inputs[name].append(_StageInput(article, doc.copy(), _extensions(doc)))
            doc = proc(doc)
    return inputs


def _extensions(doc: Doc) -> dict[str, Any]:
    return {name: getattr(doc._, name) for name in registrations.DOC_EXTENSIONS}


def _declared(nlp, name: str) -> tuple[set[str], set[str]]:
    meta = nlp.get_pipe_meta(name)
    return set(meta.requires), set(meta.assigns)


def _rebuilt(item: _StageInput, keep: set[str]) -> Doc:
    """The stage's input Doc with only the annotations in ``keep`` (and the doc._ values)."""
    doc = item.doc
    arguments = {argument for annotation in keep for argument in ANNOTATIONS.get(annotation, ())}
    if "heads" in arguments:
        arguments.discard("sent_starts")  # the parse carries the sentences
    values: dict[str, Any] = {
        "tags": [t.tag_ for t in doc], "pos": [t.pos_ for t in doc],
        "morphs": [str(t.morph) for t in doc], "lemmas": [t.lemma_ for t in doc],
        "heads": [t.head.i for t in doc], "deps": [t.dep_ for t in doc],
        "sent_starts": [bool(t.is_sent_start) for t in doc],
        "ents": [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ in ("B", "I") else "O"
                 for t in doc],
    }
    rebuilt = Doc(doc.vocab, words=[t.text for t in doc],
                  spaces=[bool(t.whitespace_) for t in doc],
                  **{argument: values[argument] for argument in arguments})
    attach_article.hand_over(rebuilt, item.article)
    for name, value in item.extensions.items():
        setattr(rebuilt._, name, value)
    return rebuilt


def _output(doc: Doc, assigns: set[str]) -> dict[str, Any]:
    """What a stage assigned: its doc._ attributes, and the entities if it sets them."""
    output: dict[str, Any] = {
        name: getattr(doc._, name) for name in registrations.DOC_EXTENSIONS
        if f"doc._.{name}" in assigns
    }
    if "doc.ents" in assigns:
        output["ents"] = [(ent.start, ent.end, ent.label_) for ent in doc.ents]
    return output


def _run(proc: Any, item: _StageInput, keep: set[str], assigns: set[str]) -> dict[str, Any]:
    return _output(proc(_rebuilt(item, keep)), assigns)


def _annotations(declared: set[str]) -> set[str]:
    return {annotation for annotation in declared if annotation in ANNOTATIONS}


def _stage_names() -> Iterator[str]:
    for factory in registrations.STAGES:
        yield factory.removeprefix("newsevents_").rsplit("_v", 1)[0]


def test_stage_declarations_built_pipeline_has_no_analyze_pipes_problems(nlp):
    analysis = nlp.analyze_pipes()
    assert {name: unmet for name, unmet in analysis["problems"].items() if unmet} == {}
    for name in _stage_names():
        requires, assigns = _declared(nlp, name)
        assert assigns, f"{name} declares nothing it assigns"


@pytest.mark.parametrize("name", list(_stage_names()))
def test_stage_declarations_doc_extensions_read_and_written_are_declared(
        nlp, stage_inputs, name):
    requires, assigns = _declared(nlp, name)
    proc = nlp.get_pipe(name)
    log: list[tuple[str, str]] = []
    touched: set[str] = set()
    for item in stage_inputs[name]:
        doc = _rebuilt(item, set(ANNOTATIONS))
        with _logged_extensions(log):
            proc(doc)
        written: set[str] = set()
        for action, attribute in log:
            touched.add(attribute)
            if action == "write":
                written.add(attribute)
                assert attribute in assigns, f"{name} writes undeclared {attribute}"
            elif attribute not in written:
                assert attribute in requires, f"{name} reads undeclared {attribute}"
        log.clear()
    declared = {a for a in requires | assigns if a.startswith("doc._.")}
    assert declared <= touched, f"{name} declares {declared - touched} but never touches them"


@pytest.mark.parametrize("name", list(_stage_names()))
def test_stage_declarations_required_annotations_suffice(nlp, stage_inputs, name):
    requires, assigns = _declared(nlp, name)
    proc = nlp.get_pipe(name)
    for item in stage_inputs[name]:
        full = _run(proc, item, set(ANNOTATIONS), assigns)
        only_declared = _run(proc, item, _annotations(requires), assigns)
        assert only_declared == full, (
            f"{name} reads an annotation it does not require, on {item.article.id}")


@pytest.mark.parametrize("name", list(_stage_names()))
def test_stage_declarations_every_required_annotation_is_read(nlp, stage_inputs, name):
    requires, assigns = _declared(nlp, name)
    proc = nlp.get_pipe(name)
    kept = _annotations(requires)
    groups = {ANNOTATIONS[annotation] for annotation in kept}
    if ("heads", "deps") in groups:
        groups.discard(("sent_starts",))  # sentences come with the parse; not separable
    for group in groups:
        without = {a for a in kept if ANNOTATIONS[a] != group}
        changed = any(_run(proc, item, without, assigns) != _run(proc, item, kept, assigns)
                      for item in stage_inputs[name])
        assert changed, f"{name} requires {group} but gives the same output without it"


class _Log:
    """Getter/setter pairs that record each stage's use of one Doc extension."""

    def __init__(self, log: list[tuple[str, str]], name: str) -> None:
        self.log = log
        self.name = name
        self.key = ("._.", name, None, None)  # where spaCy keeps a default extension's value

    def get(self, doc: Doc) -> Any:
        self.log.append(("read", f"doc._.{self.name}"))
        return doc.user_data.get(self.key)

    def set(self, doc: Doc, value: Any) -> None:
        self.log.append(("write", f"doc._.{self.name}"))
        doc.user_data[self.key] = value


class _logged_extensions:  # noqa: N801 - used as a context manager
    """Swap every Doc extension for a logging one, and back."""

    def __init__(self, log: list[tuple[str, str]]) -> None:
        self.log = log

    def __enter__(self) -> None:
        self.saved = {}
        for name in registrations.DOC_EXTENSIONS:
            self.saved[name] = Doc.get_extension(name)
            logged = _Log(self.log, name)
            Doc.set_extension(name, getter=logged.get, setter=logged.set, force=True)

    def __exit__(self, *exc: object) -> None:
        for name, (default, method, getter, setter) in self.saved.items():
            Doc.set_extension(name, default=default, method=method, getter=getter,
                              setter=setter, force=True)
