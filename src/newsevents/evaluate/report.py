"""What one evaluation run measured, and how it is shown.

A ``Report`` holds ratios (hits and denominator, never a bare float, so
every number in ``docs/accuracy.md`` can say what it was divided by),
extra tables (per-type scores, confusion), and the misses worth reading.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Ratio:
    """``hits`` out of ``total``; ``value`` is None when nothing was counted."""

    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None


def ratio(flags: list[bool]) -> Ratio:
    return Ratio(hits=sum(flags), total=len(flags))


@dataclass(frozen=True)
class Miss:
    """One record the system got wrong, for error analysis.

    ``severity`` orders the listing: higher is worse (a confident wrong
    event before a missing one, a missing event before a wrong date).
    """

    record_id: str
    text: str
    gold: str
    produced: str
    severity: float


@dataclass(frozen=True)
class Scored:
    """A scorer's output, before the runner adds file and timing details.

    ``floored`` names the metrics that ``eval/floors.json`` guards; the
    other metrics are reported only (noisy or informative).
    """

    metrics: Mapping[str, Ratio]
    floored: tuple[str, ...]
    tables: Mapping[str, Any] = field(default_factory=dict)
    misses: tuple[Miss, ...] = ()


@dataclass(frozen=True)
class Report:
    """The evaluation of one gold file.

    ``name`` is the set the floors know it by (``"<set>.<metric>"`` keys and
    ``corpus_sha256``); it is the kind unless one kind scores several files
    (``actors.tune`` and ``actors.check``).
    """

    kind: str
    path: str
    corpus_sha256: str
    records: int
    failures: int
    seconds: float
    metrics: Mapping[str, Ratio]
    floored: tuple[str, ...]
    tables: Mapping[str, Any] = field(default_factory=dict)
    misses: tuple[Miss, ...] = ()
    name: str | None = None

    @property
    def set_name(self) -> str:
        return self.name or self.kind

    def value(self, metric: str) -> float | None:
        found = self.metrics.get(metric)
        return found.value if found else None


def worst(misses: list[Miss]) -> tuple[Miss, ...]:
    """Misses sorted worst first (stable on ties, so the file order breaks them)."""
    return tuple(sorted(misses, key=lambda miss: -miss.severity))


def report_json(report: Report, *, errors: int = 0) -> dict[str, Any]:
    """The report as JSON-ready data (metrics as value/hits/total)."""
    return {
        "kind": report.kind,
        "set": report.set_name,
        "path": report.path,
        "corpus_sha256": report.corpus_sha256,
        "records": report.records,
        "failures": report.failures,
        "seconds": round(report.seconds, 2),
        "metrics": {
            name: {"value": _rounded(r.value), "hits": r.hits, "total": r.total,
                   "floored": name in report.floored}
            for name, r in report.metrics.items()
        },
        "tables": dict(report.tables),
        "errors": [dataclasses.asdict(miss) for miss in report.misses[:errors]],
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _number(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.3f}"


def format_report(report: Report, *, errors: int = 0) -> str:
    """A plain-text report: metrics with denominators, tables, the worst misses."""
    lines = [
        f"== {report.set_name}  {report.path}",
        f"   {report.records} records, {report.failures} with stage failures, "
        f"{report.seconds:.1f} s",
        f"   {'metric':<40} {'value':>6}  hits/total",
    ]
    for name, r in report.metrics.items():
        mark = "*" if name in report.floored else " "
        lines.append(f" {mark} {name:<40} {_number(r.value)}  {r.hits}/{r.total}")
    lines.append("   (* = guarded by eval/floors.json)")
    per_type = report.tables.get("per_type")
    if per_type:
        lines.append(f"   {'per type':<12} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'prod':>5}")
        for name, row in per_type.items():
            lines.append(
                f"   {name:<12} {_number(row['precision'])} {_number(row['recall'])} "
                f"{_number(row['f1'])} {row['gold']:>5} {row['produced']:>5}")
    confusion = report.tables.get("confusion")
    if confusion:
        lines.extend(_format_confusion(confusion))
    for title, table in report.tables.items():
        if title in ("per_type", "confusion") or not isinstance(table, dict):
            continue
        lines.append(f"   {title}:")
        for key, row in table.items():
            lines.append(f"     {key:<40} {_number(row.get('value'))}  "
                         f"{row.get('hits')}/{row.get('total')}")
    if errors and report.misses:
        lines.append(f"   worst {min(errors, len(report.misses))} of {len(report.misses)} misses:")
        for miss in report.misses[:errors]:
            lines.append(f"   - {miss.record_id}: {miss.text}")
            lines.append(f"       gold:     {miss.gold}")
            lines.append(f"       produced: {miss.produced}")
    return "\n".join(lines)


def _format_confusion(confusion: Mapping[str, Mapping[str, int]]) -> list[str]:
    columns = sorted({name for row in confusion.values() for name in row})
    lines = ["   confusion (rows gold type, columns top-1 type; first 4 letters):",
             "   " + " " * 10 + "".join(f"{name[:4]:>5}" for name in columns)]
    for gold, row in confusion.items():
        cells = "".join(f"{row.get(name, 0) or '.':>5}" for name in columns)
        lines.append(f"   {gold:<10}{cells}")
    return lines
