"""Every Doc extension and stage factory, registered in one place.

Importing this module registers the stage factories with spaCy (their
``@Language.factory`` decorators run); ``register_extensions()`` adds the
``Doc._`` attributes and is called by ``pipeline.build_nlp``, never at import.
"""

from __future__ import annotations

from spacy.tokens import Doc

from newsevents.stages import (  # noqa: F401  (imported for their factories)
    attach_article,
    extract_events,
    find_quotes,
    geolocate,
    measure_size,
    resolve_actors,
    resolve_dates,
    score_tone,
)

DOC_EXTENSIONS: dict[str, object] = {
    "article": None,
    "actors": None,
    "events": None,
    "places": None,
    "quotes": None,
    "tone": None,
}

STAGES: tuple[str, ...] = (
    "newsevents_attach_article_v1",
    "newsevents_resolve_actors_v1",
    "newsevents_extract_events_v1",
    "newsevents_geolocate_v1",
    "newsevents_resolve_dates_v1",
    "newsevents_measure_size_v1",
    "newsevents_find_quotes_v1",
    "newsevents_score_tone_v1",
)


def register_extensions() -> None:
    """Add the ``Doc._`` attributes the stages read and write (idempotent)."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
