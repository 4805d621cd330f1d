"""Spark on one machine: local[1] against local[2], and both against ``run --workers 2``.

Usage::

    python bench/spark.py                  # 200 demo-derived articles, a table
    python bench/spark.py --articles 60 --json

The corpus (bench/corpus.py, the demo articles repeated with a dateline
variation) is written once as JSONL; then each mode runs as its own command
in a fresh process, end to end from the command line, timed from start to
exit with the peak memory of its whole process tree (JVM and Python workers
included) sampled every 20 ms:

- ``run --workers 2``: ingest, code and store into DuckDB;
- ``spark-run --master local[1]`` and ``local[2]``: ingest, code, link and
  write the Parquet dataset.

``efficiency`` is local[1]'s time over (2 × local[2]'s): 1.0 means the
second core doubles the speed. ``vs run`` is a mode's time over
``run --workers 2``'s: the price of the engine on one machine (JVM start,
one pipeline per Python worker, the linking SQL as Spark jobs).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import EXAMPLES, build_corpus, read_demo
from throughput import run_sampled

NEWSEVENTS = str(Path(sys.executable).with_name("newsevents"))
SPARK_CONF = ("--conf", "spark.ui.enabled=false", "--conf", "spark.ui.showConsoleProgress=false",
              "--conf", "spark.sql.shuffle.partitions=4")


@dataclasses.dataclass(frozen=True)
class Timing:
    mode: str
    seconds: float
    articles: int
    words: int
    peak_rss_mb: float

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def write_corpus(folder: Path, *, size: int) -> tuple[Path, int]:
    """The benchmark corpus as one JSONL file; (its path, its word count)."""
    articles = build_corpus(read_demo(EXAMPLES).articles, size=size)
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps({
                "id": article.id, "text": article.text, "title": article.title,
                "url": None, "outlet": article.outlet,
                "published": article.published.isoformat() if article.published else None,
            }, ensure_ascii=False) + "\n")
    return path, sum(len(article.text.split()) for article in articles)


def timed(mode: str, command: list[str], *, articles: int, words: int) -> Timing:
    """Run ``command`` to its end, sampling its process tree's memory."""
    started = time.monotonic()
    child, _, errors, peak, _ = run_sampled(command, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE)
    seconds = time.monotonic() - started
    if child.returncode not in (0, 1):
        raise SystemExit(f"{mode} failed with exit {child.returncode}:\n{errors[-2000:]}")
    return Timing(mode, round(seconds, 1), articles, words, round(peak / 2**20))


def render_table(rows: list[Timing]) -> str:
    by_mode = {row.mode: row for row in rows}
    run, one, two = by_mode["run --workers 2"], by_mode["spark local[1]"], by_mode["spark local[2]"]
    lines = [f"{'mode':<18} {'seconds':>8} {'words/s':>8} {'peak MB':>8} {'vs run':>7}"]
    for row in rows:
        lines.append(f"{row.mode:<18} {row.seconds:>8.1f} {row.words_per_s:>8.0f} "
                     f"{row.peak_rss_mb:>8.0f} {row.seconds / run.seconds:>6.2f}×")
    lines.append(f"local[2] efficiency (local[1] / (2 × local[2])): "
                 f"{one.seconds / (2 * two.seconds):.2f}")
    lines.append(f"corpus: {run.articles} articles, {run.words} words")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=200, help="corpus size (default 200)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsevents-spark-bench-") as scratch:
        folder = Path(scratch)
        corpus, words = write_corpus(folder, size=args.articles)
        sized = {"articles": args.articles, "words": words}
        rows = [timed("run --workers 2", [NEWSEVENTS, "run", str(corpus), "--db",
                                          str(folder / "run.duckdb"), "--workers", "2"], **sized)]
        for cores in (1, 2):
            rows.append(timed(f"spark local[{cores}]", [
                NEWSEVENTS, "spark-run", str(corpus), "--out", str(folder / f"out{cores}"),
                "--master", f"local[{cores}]", "--partitions", str(4 * cores), *SPARK_CONF,
            ], **sized))
    if args.json:
        print(json.dumps([dataclasses.asdict(row) for row in rows], indent=2))
    else:
        print(render_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
