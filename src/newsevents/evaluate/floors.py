"""Quality floors: the metrics a change may not make worse.

``eval/floors.json`` maps ``"<set>.<metric>"`` to the lowest acceptable
value, plus ``"corpus_sha256"``: the fingerprint of each gold file the
floors were measured on (a different file makes the comparison
meaningless, so it is warned about). Floors only go up: lowering one needs
``allow_regression=True`` (``--allow-regression``), as in trafilatura.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from newsevents.errors import Errors, InputError
from newsevents.evaluate.report import Report

TOLERANCE = 0.0005
SHA_KEY = "corpus_sha256"
Status = Literal["ok", "FAIL", "skipped", "unknown"]


@dataclass(frozen=True)
class Floors:
    values: Mapping[str, float] = field(default_factory=dict)
    corpus_sha256: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FloorRow:
    metric: str
    floor: float
    value: float | None
    status: Status


@dataclass(frozen=True)
class FloorCheck:
    rows: tuple[FloorRow, ...]
    warnings: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return all(row.status not in ("FAIL", "unknown") for row in self.rows)


def read_floors(path: Path) -> Floors:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise InputError(Errors.E405.format(path=path, detail="the file does not exist")) from e
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(Errors.E405.format(path=path, detail=e)) from e
    if not isinstance(data, dict):
        raise InputError(Errors.E405.format(path=path, detail="it is not a JSON object"))
    shas = data.get(SHA_KEY, {})
    values: dict[str, float] = {}
    for key, value in data.items():
        if key == SHA_KEY:
            continue
        if "." not in key or not isinstance(value, (int, float)) or isinstance(value, bool):
            raise InputError(Errors.E405.format(
                path=path, detail=f"'{key}' is not a '<set>.<metric>': number entry"))
        values[key] = float(value)
    if not isinstance(shas, dict):
        raise InputError(Errors.E405.format(path=path, detail=f"'{SHA_KEY}' is not an object"))
    return Floors(values=values, corpus_sha256={str(k): str(v) for k, v in shas.items()})


def write_floors(path: Path, floors: Floors) -> None:
    """Write floors sorted by key, so a raised floor is a one-line diff."""
    data: dict[str, object] = {SHA_KEY: dict(sorted(floors.corpus_sha256.items()))}
    data.update(sorted(floors.values.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _split(key: str, names: Iterable[str]) -> tuple[str, str]:
    """``(set, metric)`` of a floor key: the longest known set name that prefixes it.

    Set names may hold a dot (``actors.tune``), so ``actors.tune.coverage`` is
    split after ``actors.tune`` when that set is known, else at the first dot.
    """
    known = [name for name in names if key.startswith(name + ".")]
    if known:
        name = max(known, key=len)
        return name, key[len(name) + 1:]
    name, _, metric = key.partition(".")
    return name, metric


def check_floors(floors: Floors, reports: Iterable[Report], *,
                 tolerance: float = TOLERANCE) -> FloorCheck:
    """Compare every floor with the measured value; sets not evaluated are skipped."""
    by_set = {report.set_name: report for report in reports}
    rows: list[FloorRow] = []
    for key, floor in sorted(floors.values.items()):
        name, metric = _split(key, by_set)
        report = by_set.get(name)
        if report is None:
            rows.append(FloorRow(key, floor, None, "skipped"))
            continue
        if metric not in report.metrics:
            rows.append(FloorRow(key, floor, None, "unknown"))
            continue
        value = report.value(metric)
        if value is None:
            status: Status = "ok" if floor <= tolerance else "FAIL"
        else:
            status = "ok" if value >= floor - tolerance else "FAIL"
        rows.append(FloorRow(key, floor, value, status))
    warnings = tuple(
        Errors.W401.format(kind=name, path=report.path,
                           expected=floors.corpus_sha256[name][:12],
                           actual=report.corpus_sha256[:12])
        for name, report in by_set.items()
        if name in floors.corpus_sha256 and floors.corpus_sha256[name] != report.corpus_sha256
    )
    return FloorCheck(rows=tuple(rows), warnings=warnings)


def raise_floors(floors: Floors, reports: Iterable[Report], *,
                 allow_regression: bool = False) -> Floors:
    """New floors: every guarded metric at its current value, never lower unless allowed.

    Existing keys for sets that were not evaluated are kept as they are.
    """
    values = dict(floors.values)
    shas = dict(floors.corpus_sha256)
    by_set = {report.set_name: report for report in reports}
    for name, report in by_set.items():
        shas[name] = report.corpus_sha256
        keys = {f"{name}.{m}" for m in report.floored}
        keys |= {k for k in values if _split(k, by_set)[0] == name}
        for key in sorted(keys):
            value = report.value(_split(key, by_set)[1])
            if value is None:
                values.setdefault(key, 0.0)
                continue
            value = round(value, 4)
            old = values.get(key)
            values[key] = value if allow_regression or old is None else max(old, value)
    return Floors(values=values, corpus_sha256=shas)


def format_floor_check(check: FloorCheck) -> str:
    lines = [f"{'metric':<48} {'floor':>7} {'value':>7}  status"]
    for row in check.rows:
        value = "n/a" if row.value is None else f"{row.value:.4f}"
        lines.append(f"{row.metric:<48} {row.floor:>7.4f} {value:>7}  {row.status}")
    failed = sum(row.status in ("FAIL", "unknown") for row in check.rows)
    lines.append("floors: passed" if not failed else f"floors: {failed} below floor or unknown")
    return "\n".join(lines)
