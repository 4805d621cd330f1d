"""The event lexicon: CAMEO codes and PLOVER trigger words, loaded once.

Two tab-separated files ship in ``newsevents/data``:

``cameo.tsv``
    one row per CAMEO event code: its name, QuadClass, Goldstein score and
    the PLOVER type/mode/context it maps to (empty where PLOVER codes no
    event, e.g. the 01x "make statement" family).
``triggers.tsv``
    one row per trigger pattern: the word (and, optionally, the particle or
    object it needs) that signals a PLOVER event, with the CAMEO code to
    report and a weight saying how reliable the word is.

Both are plain text so that a domain expert can review and extend them
without touching code (docs/lexicon.md explains the formats and the
modelling decisions). They are validated on load: a wrong type, mode,
context, CAMEO code or weight is a coded ``InputError`` naming the file and
line, because a silently ignored row is a trigger that never fires.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import spacy

from newsevents.errors import Errors, InputError, InternalError
from newsevents.types import PLOVER_TYPES

POS_VALUES: tuple[str, ...] = ("VERB", "NOUN")

CAMEO_COLUMNS: tuple[str, ...] = (
    "code", "name", "quad_class", "goldstein", "plover_type", "plover_mode", "plover_context",
)
TRIGGER_COLUMNS: tuple[str, ...] = ("pattern", "pos", "type", "mode", "cameo", "context", "weight")

# The PLOVER modes newsevents uses, per event type. PLOVER leaves the mode
# vocabulary partly open; these are the modes the lexicon can assign, so a
# typo ("firearm") fails on load instead of creating a new category.
MODES: dict[str, tuple[str, ...]] = {
    "AGREE": (),
    "CONSULT": ("phone", "visit", "host", "meet", "mediate"),
    "SUPPORT": (),
    "CONCEDE": ("release", "return", "ease", "reform", "resign", "apologize", "allow"),
    "COOPERATE": ("economic", "military", "judicial", "intelligence"),
    "AID": ("economic", "military", "humanitarian", "peacekeeping", "asylum"),
    "RETREAT": ("withdraw", "ceasefire", "demobilize", "disarm", "surrender"),
    "REQUEST": (),
    "ACCUSE": ("investigate", "sue", "convict"),
    "REJECT": ("veto", "defy"),
    "THREATEN": ("force", "sanction", "repression", "ultimatum"),
    "PROTEST": ("demonstrate", "strike", "hunger_strike", "boycott", "obstruct", "riot"),
    "SANCTION": ("relations", "cut_aid", "embargo", "halt_talks", "expel"),
    "MOBILIZE": ("military", "police", "alert"),
    "COERCE": (
        "arrest", "deport", "seize", "destroy", "restrict", "ban", "censor", "curfew",
        "emergency", "raid", "repress",
    ),
    "ASSAULT": (
        "beat", "primitive", "firearms", "explosives", "aerial", "shelling", "assassinate",
        "abduct", "torture", "sexual", "mass_killing", "cbrn", "blockade", "occupy",
    ),
}

# PLOVER contexts: what an event is about, independent of its type.
CONTEXTS: tuple[str, ...] = (
    "political", "economic", "military", "diplomatic", "humanitarian", "human_rights", "legal",
    "crime", "corruption", "terrorism", "nuclear", "cbrn", "refugees", "election",
    "environment", "health", "cyber", "intelligence", "peacekeeping", "territory", "ceasefire",
    "treaty", "media", "labor", "coup", "religion", "gender", "migration",
)

# The CAMEO code reported for a PLOVER type when neither the trigger nor the
# mode names a more specific one: the generic "x0" code of the family that
# PLOVER type mostly comes from.
DEFAULT_CAMEO: dict[str, str] = {
    "AGREE": "030",
    "CONSULT": "040",
    "SUPPORT": "051",
    "CONCEDE": "080",
    "COOPERATE": "060",
    "AID": "070",
    "RETREAT": "087",
    "REQUEST": "020",
    "ACCUSE": "111",
    "REJECT": "120",
    "THREATEN": "130",
    "PROTEST": "140",
    "SANCTION": "160",
    "MOBILIZE": "150",
    "COERCE": "170",
    "ASSAULT": "190",
}

_WORD = r"[a-z][a-z'.-]*"
_PATTERN = re.compile(
    rf"^(?P<lemma>{_WORD})(?: (?P<particle>{_WORD}))?(?: ~(?P<objects>{_WORD}(?:\|{_WORD})*))?$"
)
_CAMEO_CODE = re.compile(r"^(0[1-9]|1[0-9]|20)[0-9]{0,2}$")


@dataclass(frozen=True)
class Trigger:
    """One way a PLOVER event shows up in text.

    ``lemma`` is the head word the extractor looks up; ``particle`` a
    particle or preposition that must hang off it ("on" in "call on");
    ``objects`` the lemmas of which one must be its object or modifier
    ("concern" in "express concern"). ``cameo`` None means "use
    ``Lexicon.default_cameo``".
    """

    lemma: str
    pos: Literal["VERB", "NOUN"]
    type: str
    mode: str | None
    cameo: str | None
    contexts: tuple[str, ...]
    weight: float
    particle: str | None = None
    objects: frozenset[str] = frozenset()
    pattern: str = ""

    @property
    def specificity(self) -> int:
        """2 for an object requirement, plus 1 for a particle: higher wins ties."""
        return (2 if self.objects else 0) + (1 if self.particle else 0)


@dataclass(frozen=True)
class CameoCode:
    """A CAMEO event code with its scales and its PLOVER equivalent (None: no event)."""

    code: str
    name: str
    quad_class: int
    goldstein: float
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None


class Lexicon:
    """The loaded trigger lexicon and CAMEO table, indexed for lookup."""

    def __init__(self, cameo_codes: tuple[CameoCode, ...], triggers: tuple[Trigger, ...]) -> None:
        self.cameo_codes = cameo_codes
        self.triggers = triggers
        self._codes = {code.code: code for code in cameo_codes}
        index: dict[tuple[str, str], list[Trigger]] = {}
        for trigger in triggers:
            index.setdefault((trigger.lemma, trigger.pos), []).append(trigger)
        # Stable sort: most specific first, then most reliable, then file order.
        self._index = {
            key: tuple(sorted(found, key=lambda t: (-t.specificity, -t.weight)))
            for key, found in index.items()
        }

    @classmethod
    def from_text(cls, cameo_tsv: str, triggers_tsv: str, *, cameo_source: str = "cameo.tsv",
                  triggers_source: str = "triggers.tsv") -> Lexicon:
        """Parse and validate the two TSV texts (used for custom lexicons and tests)."""
        cameo_codes = _parse_cameo(cameo_tsv, source=cameo_source)
        known = {code.code: code for code in cameo_codes}
        for plover_type, code in DEFAULT_CAMEO.items():
            entry = known.get(code)
            if entry is None or entry.plover_type != plover_type:
                raise InternalError(Errors.E243.format(source="kb/lexicon.py DEFAULT_CAMEO",
                                                       line=plover_type, code=code))
        triggers = _parse_triggers(triggers_tsv, source=triggers_source, known_codes=known)
        return cls(cameo_codes, triggers)

    def triggers_for(self, lemma: str, pos: str) -> tuple[Trigger, ...]:
        """All entries for a head lemma, most specific (objects, particle) first.

        ``pos`` is a spaCy coarse tag; PROPN counts as NOUN because the
        tagger often calls acronyms such as "IED" proper nouns.
        """
        pos = pos.upper()
        if pos == "PROPN":
            pos = "NOUN"
        return self._index.get((lemma.lower(), pos), ())

    def cameo(self, code: str) -> CameoCode | None:
        """The CAMEO table row for ``code``, or None if the code is unknown."""
        return self._codes.get(code)

    def default_cameo(self, plover_type: str, mode: str | None = None) -> CameoCode:
        """The best CAMEO code for a PLOVER type (and mode) when a trigger names none.

        With a mode, the most general code mapped to exactly that type and mode
        wins (``ASSAULT``/``explosives`` → 183, not 1831); otherwise, or if no
        code carries that mode, the type's generic code from ``DEFAULT_CAMEO``.
        """
        if plover_type not in DEFAULT_CAMEO:
            raise InputError(Errors.E249.format(value=plover_type,
                                                allowed=", ".join(PLOVER_TYPES)))
        if mode is not None:
            matching = [code for code in self.cameo_codes
                        if code.plover_type == plover_type and code.plover_mode == mode]
            if matching:
                return min(matching, key=lambda c: (len(c.code) != 3, len(c.code), c.code))
        return self._codes[DEFAULT_CAMEO[plover_type]]


@functools.cache
def load_lexicon() -> Lexicon:
    """The packaged lexicon, parsed once per process (about 10 ms)."""
    return Lexicon.from_text(_read_data("cameo.tsv"), _read_data("triggers.tsv"))


@spacy.registry.misc("newsevents.lexicon.v1")
def make_lexicon() -> Lexicon:
    """The shared, cached packaged lexicon for the extract_events config."""
    return load_lexicon()


def _read_data(name: str) -> str:
    resource = importlib.resources.files("newsevents") / "data" / name
    try:
        return resource.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise InternalError(Errors.E240.format(name=name, path=str(resource))) from e


def _rows(text: str, *, source: str, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) for each data row; '#' lines and blank lines are comments."""
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) != len(columns):
            raise InputError(Errors.E241.format(source=source, line=number, count=len(columns),
                                                columns=" ".join(columns), found=len(cells)))
        if not header_seen:
            header_seen = True
            if tuple(cells) != columns:
                raise InputError(Errors.E241.format(source=source, line=number,
                                                    count=len(columns),
                                                    columns=" ".join(columns),
                                                    found="header " + " ".join(cells)))
            continue
        yield number, cells


def _optional(cell: str) -> str | None:
    return cell or None


def _check_type(value: str, *, source: str, line: int) -> None:
    if value not in PLOVER_TYPES:
        raise InputError(Errors.E242.format(source=source, line=line, value=value,
                                            allowed=", ".join(PLOVER_TYPES)))


def _check_vocabulary(field_name: str, value: str | None, allowed: tuple[str, ...], *,
                      event_type: str, source: str, line: int) -> None:
    if value is not None and value not in allowed:
        raise InputError(Errors.E246.format(source=source, line=line, field=field_name,
                                            value=value, event_type=event_type,
                                            allowed=", ".join(allowed) or "(none)"))


def _parse_cameo(text: str, *, source: str) -> tuple[CameoCode, ...]:
    codes: list[CameoCode] = []
    first_line: dict[str, int] = {}
    for line, cells in _rows(text, source=source, columns=CAMEO_COLUMNS):
        code, name, quad_cell, goldstein_cell, type_cell, mode_cell, context_cell = cells
        if not _CAMEO_CODE.match(code):
            raise InputError(Errors.E247.format(source=source, line=line, code=code,
                                                why="a code is 2-4 digits with a root 01-20"))
        if code in first_line:
            raise InputError(Errors.E248.format(source=source, line=line, what="CAMEO code",
                                                value=code, first=first_line[code]))
        first_line[code] = line
        root = int(code[:2])
        expected_quad = 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4
        if quad_cell != str(expected_quad):
            raise InputError(Errors.E247.format(
                source=source, line=line, code=code,
                why=f"QuadClass {quad_cell!r} should be {expected_quad} for root {code[:2]}"))
        try:
            goldstein = float(goldstein_cell)
        except ValueError as e:
            raise InputError(Errors.E247.format(
                source=source, line=line, code=code,
                why=f"Goldstein {goldstein_cell!r} is not a number")) from e
        if not -10.0 <= goldstein <= 10.0:
            raise InputError(Errors.E247.format(
                source=source, line=line, code=code,
                why=f"Goldstein {goldstein} is outside [-10, 10]"))
        plover_type = _optional(type_cell)
        mode = _optional(mode_cell)
        context = _optional(context_cell)
        if plover_type is None:
            if mode is not None or context is not None:
                raise InputError(Errors.E247.format(
                    source=source, line=line, code=code,
                    why="a mode or context is given without a PLOVER type"))
        else:
            _check_type(plover_type, source=source, line=line)
            _check_vocabulary("mode", mode, MODES[plover_type], event_type=plover_type,
                              source=source, line=line)
            _check_vocabulary("context", context, CONTEXTS, event_type=plover_type,
                              source=source, line=line)
        codes.append(CameoCode(code=code, name=name, quad_class=expected_quad,
                               goldstein=goldstein, plover_type=plover_type,
                               plover_mode=mode, plover_context=context))
    return tuple(codes)


def parse_pattern(pattern: str, *, source: str = "pattern", line: int = 0,
                  ) -> tuple[str, str | None, frozenset[str]]:
    """Split a trigger pattern into (lemma, particle, objects).

    ``call on`` → ("call", "on", {}); ``express ~concern|alarm`` →
    ("express", None, {"concern", "alarm"}); ``pull out ~troop`` →
    ("pull", "out", {"troop"}).
    """
    match = _PATTERN.match(pattern)
    if match is None:
        why = ("upper-case letters are not allowed" if pattern != pattern.lower()
               else "expected 'lemma', 'lemma particle', 'lemma ~obj|obj' "
                    "or 'lemma particle ~obj|obj'")
        raise InputError(Errors.E245.format(source=source, line=line, pattern=pattern, why=why))
    objects_text = match.group("objects")
    objects = frozenset(objects_text.split("|")) if objects_text else frozenset()
    return match.group("lemma"), match.group("particle"), objects


def _parse_weight(cell: str, *, source: str, line: int) -> float:
    try:
        weight = float(cell)
    except ValueError as e:
        raise InputError(Errors.E244.format(source=source, line=line, value=cell)) from e
    if not 0.0 < weight <= 1.0:
        raise InputError(Errors.E244.format(source=source, line=line, value=cell))
    return weight


def _parse_triggers(text: str, *, source: str,
                    known_codes: dict[str, CameoCode]) -> tuple[Trigger, ...]:
    triggers: list[Trigger] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for line, cells in _rows(text, source=source, columns=TRIGGER_COLUMNS):
        pattern, pos, plover_type, mode_cell, cameo_cell, context_cell, weight_cell = cells
        lemma, particle, objects = parse_pattern(pattern, source=source, line=line)
        if pos not in POS_VALUES:
            raise InputError(Errors.E246.format(source=source, line=line, field="pos", value=pos,
                                                event_type=plover_type,
                                                allowed=", ".join(POS_VALUES)))
        _check_type(plover_type, source=source, line=line)
        mode = _optional(mode_cell)
        _check_vocabulary("mode", mode, MODES[plover_type], event_type=plover_type,
                          source=source, line=line)
        contexts = tuple(c for c in context_cell.split("|") if c) if context_cell else ()
        for context in contexts:
            _check_vocabulary("context", context, CONTEXTS, event_type=plover_type,
                              source=source, line=line)
        cameo = _optional(cameo_cell)
        if cameo is not None and cameo not in known_codes:
            raise InputError(Errors.E243.format(source=source, line=line, code=cameo))
        weight = _parse_weight(weight_cell, source=source, line=line)
        key = (pattern, pos, plover_type)
        if key in first_line:
            raise InputError(Errors.E248.format(source=source, line=line, what="trigger",
                                                value=f"{pattern} {pos} {plover_type}",
                                                first=first_line[key]))
        first_line[key] = line
        triggers.append(Trigger(lemma=lemma, pos="VERB" if pos == "VERB" else "NOUN",
                                type=plover_type, mode=mode, cameo=cameo, contexts=contexts,
                                weight=weight, particle=particle, objects=objects,
                                pattern=pattern))
    return tuple(triggers)
