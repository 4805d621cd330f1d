"""Recognise syndicated copies and the same event reported by several articles.

Two corpus-level passes, both pure functions of their inputs:

``link_duplicates``
    Near-duplicate articles (one wire story carried by several outlets, with
    a new headline, a dateline or a trimmed last paragraph) are found by
    MinHash over word 5-shingles, with LSH banding so that only candidate
    pairs are compared. Near-duplicates form groups (connected components);
    every member except the group's *canonical* article (earliest published,
    then smallest id) is linked to the canonical one.

``cluster_events``
    Events of different articles that are probably one real-world event
    (same type, same source and target countries, dates at most a day apart,
    locations within ``max_km`` or, when neither has coordinates, in the same
    country)
    share one cluster id.

Both results depend only on the *set* of inputs, never on their order, and
computing them again from the same inputs gives the same answer: the store
can re-run them after every corpus run (idempotent, order-independent).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsevents.kb.gazetteer import haversine_km
from newsevents.types import Article

NUM_PERM = 128
SHINGLE_WORDS = 5
DUPLICATE_THRESHOLD = 0.5
BANDS = 42
BAND_ROWS = 3
_WORD = re.compile(r"\w+")
_MASK32 = np.uint64(0xFFFFFFFF)


def _permutations(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed seeds: signatures stay comparable across processes and versions."""
    rng = np.random.default_rng(20240611)
    seeds = rng.integers(1, 2**63 - 1, size=count, dtype=np.uint64)
    multipliers = rng.integers(1, 2**63 - 1, size=count, dtype=np.uint64) | np.uint64(1)
    return seeds, multipliers


_SEEDS, _MULTIPLIERS = _permutations(NUM_PERM)


@dataclass(frozen=True)
class Fingerprint:
    """What near-duplicate detection needs to know about one article."""

    article_id: str
    published: dt.date | None
    signature: bytes


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> set[str]:
    """Lower-cased word ``size``-grams; a text shorter than that is one shingle."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return set()
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def minhash(text: str) -> bytes:
    """The MinHash signature (NUM_PERM uint32 values) of ``text``; b"" if it has no words.

    Each shingle is hashed once with blake2b (stable across processes, unlike
    ``hash``); the NUM_PERM hash functions are multiply-shift permutations of
    that 64-bit value, evaluated for all shingles at once with numpy.
    """
    grams = shingles(text)
    if not grams:
        return b""
    hashes = np.fromiter(
        (int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "little")
         for g in grams),
        dtype=np.uint64, count=len(grams),
    )
    with np.errstate(over="ignore"):
        permuted = ((hashes[:, None] ^ _SEEDS[None, :]) * _MULTIPLIERS[None, :]) >> np.uint64(32)
    return (permuted & _MASK32).min(axis=0).astype("<u4").tobytes()


def fingerprint(article: Article) -> Fingerprint:
    return Fingerprint(article.id, article.published, minhash(article.text))


def similarity(first: bytes, second: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    if not first or not second or len(first) != len(second):
        return 0.0
    a = np.frombuffer(first, dtype="<u4")
    b = np.frombuffer(second, dtype="<u4")
    return float(np.count_nonzero(a == b)) / len(a)


def link_duplicates(
    fingerprints: Iterable[Fingerprint], *, threshold: float = DUPLICATE_THRESHOLD
) -> dict[str, str]:
    """Map each near-duplicate article id to its group's canonical article id.

    Canonical articles and articles without near-duplicates are not in the
    result. The answer depends only on the set of fingerprints.
    """
    prints = {fp.article_id: fp for fp in fingerprints if fp.signature}
    buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)
    width = 4 * BAND_ROWS
    for article_id in sorted(prints):
        signature = prints[article_id].signature
        for band in range(BANDS):
            buckets[(band, signature[band * width:(band + 1) * width])].append(article_id)
    groups = _UnionFind()
    checked: set[tuple[str, str]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        for i, first in enumerate(members):
            for second in members[i + 1:]:
                pair = (first, second)
                if pair in checked:
                    continue
                checked.add(pair)
                score = similarity(prints[first].signature, prints[second].signature)
                if score >= threshold:
                    groups.union(first, second)
    links: dict[str, str] = {}
    for group in groups.components():
        canonical = min(group, key=lambda article_id: _canonical_key(prints[article_id]))
        links.update({m: canonical for m in group if m != canonical})
    return links


def _canonical_key(fp: Fingerprint) -> tuple[bool, dt.date, str]:
    """Earliest published first (unknown dates last), then the smallest id."""
    return (fp.published is None, fp.published or dt.date.max, fp.article_id)


@dataclass(frozen=True)
class EventKey:
    """What event clustering compares: one stored event, reduced to its who/what/when/where."""

    article_id: str
    event_id: str
    type: str
    source_country: str | None
    target_country: str | None
    date: dt.date | None
    lat: float | None
    lon: float | None
    country: str | None


def cluster_events(
    events: Iterable[EventKey], *, max_km: float = 50.0
) -> dict[tuple[str, str], str]:
    """Map every (article_id, event_id) to a cluster id shared by probably-same events.

    Events without a date, or without any location, stay alone in their own
    cluster: without them "the same event" cannot be told from "the same
    kind of event". Matching is transitive (a cluster is a connected group),
    and two matching events of one article join one cluster too: an article
    that mentions a shelling twice reports one shelling.

    Points are put in grid cells whose diagonal is ``max_km``: events of one
    cell and day all match each other, so only neighbouring cells are
    compared pair by pair, and a run stays near-linear however many events
    one day and place has. (Longitudes do not wrap around at ±180°.)
    """
    keys = sorted(set(events), key=lambda e: (e.article_id, e.event_id))
    groups = _UnionFind()
    cells: dict[tuple[Any, ...], list[EventKey]] = defaultdict(list)
    country_only: dict[tuple[Any, ...], list[EventKey]] = defaultdict(list)
    grid = _Grid(max_km)
    for event in keys:
        groups.add(_node(event))
        if event.date is None:
            continue
        bucket = (event.type, event.source_country, event.target_country)
        if event.lat is not None and event.lon is not None:
            cells[(bucket, event.date, *grid.cell(event.lat, event.lon))].append(event)
        elif event.country is not None:
            country_only[(bucket, event.country)].append(event)
    one_day = dt.timedelta(days=1)
    for members in country_only.values():
        members.sort(key=lambda e: (e.date, e.article_id, e.event_id))
        for earlier, later in itertools.pairwise(members):
            if later.date - earlier.date <= one_day:  # type: ignore[operator]
                groups.union(_node(earlier), _node(later))
    for members in cells.values():
        for member in members[1:]:
            groups.union(_node(members[0]), _node(member))
    for (bucket, day, row, col), members in cells.items():
        for other_day in (day, day + one_day):
            for other_row, other_col in grid.neighbours(row, col):
                if (other_day, other_row, other_col) == (day, row, col):
                    continue
                others = cells.get((bucket, other_day, other_row, other_col))
                if not others or groups.find(_node(members[0])) == groups.find(_node(others[0])):
                    continue
                if any(haversine_km(a.lat, a.lon, b.lat, b.lon) <= max_km  # type: ignore[arg-type]
                       for a in members for b in others):
                    groups.union(_node(members[0]), _node(others[0]))
    clusters: dict[tuple[str, str], str] = {}
    for component in groups.components():
        root = min(component)
        cluster_id = "c" + hashlib.sha1("\x1f".join(root).encode("utf-8")).hexdigest()[:16]
        clusters.update({member: cluster_id for member in component})
    return clusters


def _node(event: EventKey) -> tuple[str, str]:
    return (event.article_id, event.event_id)


_KM_PER_DEGREE = 111.195
_MAX_LAT = 89.9


class _Grid:
    """Latitude rows of equal height; in each row, longitude cells as wide as the row is tall
    (in km, at the row's poleward edge), so any two points of a cell are within ``max_km``."""

    def __init__(self, max_km: float) -> None:
        self.max_km = max_km
        self.side = max_km / math.sqrt(2) / _KM_PER_DEGREE
        self.row_reach = math.ceil(math.sqrt(2))

    def _width(self, row: int) -> float:
        edge = min(_MAX_LAT, max(abs(row * self.side), abs((row + 1) * self.side)))
        return self.side / math.cos(math.radians(edge))

    def cell(self, lat: float, lon: float) -> tuple[int, int]:
        row = math.floor(lat / self.side)
        return row, math.floor(lon / self._width(row))

    def neighbours(self, row: int, col: int) -> Iterator[tuple[int, int]]:
        """Cells that may hold a point within ``max_km`` of some point of (row, col)."""
        width = self._width(row)
        west, east = col * width, (col + 1) * width
        rows = range(row - self.row_reach, row + self.row_reach + 1)
        poleward = min(_MAX_LAT, max(max(abs(r * self.side), abs((r + 1) * self.side))
                                     for r in rows))
        reach = self.max_km / (_KM_PER_DEGREE * math.cos(math.radians(poleward)))
        for other_row in rows:
            other_width = self._width(other_row)
            first = math.floor((west - reach) / other_width)
            last = math.floor((east + reach) / other_width)
            if last - first > 360 / other_width:
                first, last = math.floor(-180 / other_width), math.floor(180 / other_width)
            for other_col in range(first, last + 1):
                yield other_row, other_col


class _UnionFind:
    """Disjoint sets with path halving; components come out as sorted lists."""

    def __init__(self) -> None:
        self._parent: dict[object, object] = {}

    def add(self, item: object) -> None:
        self._parent.setdefault(item, item)

    def find(self, item: object) -> object:
        self.add(item)
        while self._parent[item] != item:
            self._parent[item] = self._parent[self._parent[item]]
            item = self._parent[item]
        return item

    def union(self, first: object, second: object) -> None:
        root_a, root_b = self.find(first), self.find(second)
        if root_a != root_b:
            self._parent[root_b] = root_a

    def components(self) -> list[Sequence]:  # type: ignore[type-arg]
        members: dict[object, list] = defaultdict(list)  # type: ignore[type-arg]
        for item in self._parent:
            members[self.find(item)].append(item)
        return [sorted(group) for group in members.values()]
