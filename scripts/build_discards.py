"""Rebuild src/newsevents/data/discards.tsv from PETRARCH2's Phoenix.discards.txt.

    python scripts/build_discards.py [../shared/resources/petrarch2/Phoenix.discards.txt]

PETRARCH2 discards a story that contains a phrase marked ``+`` and a
sentence that contains any other phrase of the list (sport, entertainment,
epidemics, accidents, …). This script keeps the phrases with their scope as
``phrase<TAB>story|sentence`` rows, upper case folded to lower case, and
leaves out:

* the bare years (1914 … 2000): newsevents dates events itself and flags
  background as ``historical`` (a sentence that names a year may still report
  today's event: "withdrew from the 1994 treaty");
* phrases that also name political events in today's news (``POLITICAL``):
  "third round" (of talks), "presidential debate", "poll published",
  "champion(s)" (of reform), "landslide" (victory), "world trade center",
  "millennium" (the Millennium Challenge Corporation);
* time expressions and historical comparisons (``TEMPORAL``: "years ago",
  "weeks later", "world war ii"): a sentence that holds one may still report
  today's event ("the worst fighting since World War II"); newsevents flags
  background itself (screen_events, ``historical``);
* the PETRARCH ``_`` word-end marker, comments and section headings.

The list is MIT-licensed (Copyright (c) 2014 Open Event Data); the notice
ships beside it as data/LICENSE-petrarch2.txt.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "resources" / "petrarch2" / "Phoenix.discards.txt"
TARGET = ROOT / "src" / "newsevents" / "data" / "discards.tsv"
LICENSE_SOURCE_NAME = "LICENSE"
LICENSE_TARGET = ROOT / "src" / "newsevents" / "data" / "LICENSE-petrarch2.txt"
POLITICAL = frozenset({"third round", "presidential debate", "presidential vote recount",
                       "poll published", "champion", "champions", "landslide",
                       "world trade center", "millennium"})
TEMPORAL = frozenset({"years ago", "months ago", "weeks ago", "fifty years ago", "years later",
                      "months later", "weeks later", "second world war", "world war 1",
                      "world war 2", "world war i", "world war ii", "world war one",
                      "world war two", "post world war ii", "british empire", "napoleonic wars",
                      "april 1942", "attack on pearl harbor"})
HEADER = """\
# Phrases that make a sentence (or, scope "story", a whole article) code no event.
# Derived from PETRARCH2 Phoenix.discards.txt (openeventdata/petrarch2 @676801c, MIT licence,
# Copyright (c) 2014 Open Event Data; see LICENSE-petrarch2.txt). Rebuilt by
# scripts/build_discards.py; do not edit by hand.
"""


def discards(lines: list[str]) -> list[tuple[str, str]]:
    rows: dict[str, str] = {}
    for line in lines:
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        scope = "story" if body.startswith("+") else "sentence"
        phrase = re.sub(r"\s+", " ", body.lstrip("+").rstrip("_").strip()).lower()
        if not phrase or phrase.isdigit() or phrase in POLITICAL or phrase in TEMPORAL:
            continue
        if rows.get(phrase) != "story":
            rows[phrase] = scope
    return sorted(rows.items())


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    rows = discards(source.read_text(encoding="utf-8", errors="replace").splitlines())
    TARGET.write_text(HEADER + "".join(f"{phrase}\t{scope}\n" for phrase, scope in rows),
                      encoding="utf-8")
    LICENSE_TARGET.write_text((source.parent / LICENSE_SOURCE_NAME).read_text(encoding="utf-8"),
                              encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
