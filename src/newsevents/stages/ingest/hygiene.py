"""Bytes to clean text: decoding, repair, and the checks every article passes.

Real-world inputs are UTF-8 most of the time, Windows-1252 some of the time,
UTF-16 now and then (Excel exports), and occasionally not text at all (a PDF
renamed ``.txt``). Decoding tries, in order: a byte-order mark, strict UTF-8,
UTF-8 with a few stray bytes replaced, Windows-1252 when the result looks
like Western text, and charset-normalizer's best guess when it is confident.
Whatever was done is recorded in ``Article.notes`` so that nothing is
repaired silently.

The text is otherwise left as it came: only line endings are normalised and
NUL characters removed, because every character offset downstream indexes
``Article.text`` exactly.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from newsevents.errors import Errors, InputError
from newsevents.stages.ingest.english import guess_english

MIN_WORDS = 5
MAX_CONTROL_SHARE = 0.05
MAX_REPLACED_SHARE = 0.01
MAX_CHAOS = 0.2
MAX_NON_ASCII_LETTER_SHARE = 0.2
DETECTION_SAMPLE_BYTES = 200_000

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls other than tab, newline, vertical tab, form feed and carriage return, plus DEL.
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Characters Windows-1252 text plausibly holds beyond ASCII: Latin letters and typographic marks.
_WESTERN = re.compile(r"[\u00a0-\u024f\u2010-\u2027\u2030-\u203a\u20ac\u2122]")


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with notes on any repair made."""

    text: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checked:
    """Text that passed every check, ready to become ``Article.text``."""

    text: str
    language: str
    notes: tuple[str, ...] = ()


def decode_bytes(data: bytes, *, where: str, declared: str | None = None) -> Decoded:
    """Decode ``data`` as text, repairing the encoding where confident.

    ``declared`` is an encoding the container states (an HTTP header, an
    HTML meta tag); it is tried right after UTF-8. Raises InputError E110
    for binary data and E111 when no encoding fits with confidence.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            notes = () if codec == "utf-8-sig" else (f"encoding_repaired:{codec}",)
            return Decoded(text, notes)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return Decoded(data.decode(utf16, errors="replace"), (f"encoding_repaired:{utf16}",))
    refuse_binary(data, where=where)
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if declared is not None:
        declared_text = _decode_declared(data, declared)
        if declared_text is not None:
            return Decoded(declared_text, (f"encoding_repaired:{declared}",))
    return _repair(data, where=where)


def refuse_binary(data: bytes, *, where: str) -> None:
    """Raise E110 if ``data`` is a known binary format or mostly control bytes."""
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise InputError(Errors.E110.format(where=where, detail=f"it starts like {kind}"))
    sample = data[:DETECTION_SAMPLE_BYTES]
    if not sample:
        return
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls / len(sample) > MAX_CONTROL_SHARE:
        raise InputError(Errors.E110.format(
            where=where, detail=f"{controls / len(sample):.0%} of its bytes are control bytes"))


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' for BOM-less UTF-16 of mostly Latin text.

    Such text has a NUL in every other byte, which would otherwise make it
    look binary.
    """
    sample = data[:DETECTION_SAMPLE_BYTES]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even_nul = sample[0::2].count(0) / (len(sample) // 2)
    odd_nul = sample[1::2].count(0) / (len(sample) // 2)
    for codec, high, low in (("utf-16-le", odd_nul, even_nul), ("utf-16-be", even_nul, odd_nul)):
        if high > 0.7 and low < 0.05:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def _decode_declared(data: bytes, declared: str) -> str | None:
    try:
        codecs.lookup(declared)
        return data.decode(declared)
    except (LookupError, UnicodeDecodeError):
        return None


def _repair(data: bytes, *, where: str) -> Decoded:
    """Decode bytes that are not valid UTF-8, or raise E111."""
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if _UTF8_MULTIBYTE.search(data) and bad <= MAX_REPLACED_SHARE * len(replaced):
        # Real UTF-8 sequences next to a few broken ones: a damaged UTF-8 file.
        return Decoded(replaced, (f"invalid_bytes_replaced:{bad}",))
    cp1252 = _decode_declared(data, "cp1252")
    if cp1252 is not None and _looks_western(cp1252):
        return Decoded(cp1252, ("encoding_repaired:cp1252",))
    best = from_bytes(data[:DETECTION_SAMPLE_BYTES]).best()
    if best is not None and best.chaos <= MAX_CHAOS and not best.encoding.startswith("utf_16"):
        text = _decode_declared(data, best.encoding)
        if text is not None and not _CONTROL_CHARS.search(text[:DETECTION_SAMPLE_BYTES]):
            return Decoded(text, (f"encoding_repaired:{best.encoding}",))
    raise InputError(Errors.E111.format(where=where))


def _looks_western(text: str) -> bool:
    """True if the non-ASCII part of ``text`` is a sprinkle of Latin letters and marks."""
    non_ascii = [char for char in text if ord(char) > 127]
    if any(not _WESTERN.match(char) for char in non_ascii):
        return False
    letters = sum(1 for char in text if char.isalpha())
    non_ascii_letters = sum(1 for char in non_ascii if char.isalpha())
    return letters > 0 and non_ascii_letters <= MAX_NON_ASCII_LETTER_SHARE * letters


def check_text(text: str, *, where: str, notes: tuple[str, ...] = ()) -> Checked:
    """Normalise ``text`` and refuse it if it cannot be a codable article.

    Raises InputError: E110 (control characters), E112 (empty), E113 (too
    short), E114 (not English).
    """
    notes = tuple(notes)
    if "\x00" in text:
        notes += (f"nul_removed:{text.count(chr(0))}",)
        text = text.replace("\x00", "")
    if "\r" in text:
        notes += ("newlines_normalised",)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:DETECTION_SAMPLE_BYTES]
    if sample:
        controls = len(_CONTROL_CHARS.findall(sample))
        if controls / len(sample) > MAX_CONTROL_SHARE:
            raise InputError(Errors.E110.format(
                where=where, detail=f"{controls / len(sample):.0%} of its characters are control "
                "characters"))
    if not text.strip():
        raise InputError(Errors.E112.format(where=where))
    words = len(text[:10_000].split())
    if words < MIN_WORDS:
        raise InputError(Errors.E113.format(where=where, words=words, minimum=MIN_WORDS))
    guess = guess_english(text)
    if not guess.english:
        raise InputError(Errors.E114.format(where=where, detail=guess.detail))
    if not guess.verified:
        notes += ("language_unverified",)
    return Checked(text=text, language="en", notes=notes)
