"""Latency of the HTTP API on a large store: p50/p95 per endpoint, over real HTTP.

Builds a store of at least ``--events`` events (default 100,000) from synthetic copies of
the events of a base store (``--base``, else the sample articles coded once): every copy
gets a new id, a date shifted by up to a year, a location moved by up to a degree and its
own cluster, all in one SQL statement. Then it starts ``newsevents serve`` on 127.0.0.1 in
this process and times ``--requests`` GETs of each endpoint (after one warm-up request).

    .venv/bin/python bench/serve_latency.py                 # about a minute
    .venv/bin/python bench/serve_latency.py --events 200000 --requests 50 --json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]

ENDPOINTS = (
    "/api/stats",
    "/api/events?limit=100&sort=-date",
    "/api/events?limit=100&type=ASSAULT&country=UKR",
    "/api/events?limit=100&actor=russia&since=2024-06-01",
    "/api/events?limit=100&near=50.45,30.52,100",
    "/api/events?limit=1000&format=csv",
    "/api/events/{seq}",
    "/api/timeline?interval=week",
    "/api/timeline?interval=day&type=PROTEST",
    "/api/map",
    "/api/dyads?limit=20",
    "/api/clusters?limit=50",
    "/api/articles?limit=100",
)


def build_base(path: Path) -> None:
    from newsevents.corpus import run_corpus
    from newsevents.stages.ingest import IngestOptions
    from newsevents.store import DuckDBStore

    with DuckDBStore(path) as store:
        run_corpus([str(ROOT / "examples" / "articles")], store=store,
                   options=IngestOptions(published=dt.date(2024, 11, 20)))


def grow(path: Path, *, events: int) -> int:
    """Add synthetic copies of the stored events until there are at least ``events``."""
    con = duckdb.connect(str(path))
    base = con.execute("SELECT count(*) FROM events").fetchone()[0]
    copies = max(0, math.ceil(events / base) - 1)
    columns = [row[0] for row in con.execute("DESCRIBE events").fetchall() if row[0] != "seq"]
    changed = {
        "id": "e.id || '-x' || t.i",
        "date_value": "CASE WHEN e.date_value IS NULL THEN NULL "
                      "ELSE e.date_value - CAST(t.i % 365 AS INTEGER) END",
        "location_lat": "CASE WHEN e.location_lat IS NULL THEN NULL ELSE "
                        "greatest(-89.0, least(89.0, e.location_lat + ((t.i * 37) % 200 - 100) "
                        "/ 100.0)) END",
        "location_lon": "CASE WHEN e.location_lon IS NULL THEN NULL ELSE "
                        "greatest(-179.0, least(179.0, e.location_lon + ((t.i * 53) % 200 - 100) "
                        "/ 100.0)) END",
        "cluster_id": "e.cluster_id || '-x' || t.i",
    }
    select = ", ".join(changed.get(name, f"e.{name}") for name in columns)
    names = ", ".join(f'"{name}"' for name in columns)
    con.execute(f"INSERT INTO events ({names}) SELECT {select} FROM events e, "
                f"range(1, {copies + 1}) t(i)")
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
    return int(total)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--base", type=Path, default=None,
                        help="a store to copy events from (default: code the sample articles)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from newsevents.serve.server import bind, make_server

    folder = Path(tempfile.mkdtemp(prefix="serve-latency-"))
    db = folder / "large.duckdb"
    try:
        started = time.monotonic()
        if args.base:
            shutil.copyfile(args.base, db)
        else:
            build_base(db)
        total = grow(db, events=args.events)
        built = time.monotonic() - started
        server = make_server(db)
        sock = bind("127.0.0.1", 0)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        with urllib.request.urlopen(url + "/api/events?limit=1&sort=-date") as response:
            seq = json.loads(response.read())["rows"][0]["seq"]
        rows = []
        for endpoint in ENDPOINTS:
            target = url + endpoint.format(seq=seq)
            timings = []
            for attempt in range(args.requests + 1):
                begin = time.perf_counter()
                with urllib.request.urlopen(target, timeout=60) as response:
                    response.read()
                    status = response.status
                if attempt:  # the first request warms the snapshot and DuckDB's caches
                    timings.append((time.perf_counter() - begin) * 1000)
                if status != 200:
                    raise SystemExit(f"{endpoint}: HTTP {status}")
            rows.append({"endpoint": endpoint, "p50_ms": round(statistics.median(timings), 1),
                         "p95_ms": round(percentile(timings, 0.95), 1)})
        server.should_exit = True
        thread.join(timeout=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps({"events": total, "build_seconds": round(built, 1),
                          "requests": args.requests, "rows": rows}, indent=2))
        return 0
    print(f"{total:,} events (built in {built:.0f} s), {args.requests} requests per endpoint\n")
    print("| endpoint | p50 ms | p95 ms |\n|---|---:|---:|")
    for row in rows:
        print(f"| `{row['endpoint']}` | {row['p50_ms']} | {row['p95_ms']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
