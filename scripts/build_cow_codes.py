"""Build src/newsevents/data/cow_codes.tsv: ISO 3166-1 alpha-3 → Correlates of War code.

The POLECAT export (``newsevents export --format polecat``) fills its
``Actor COW``/``Recipient COW`` columns from this table. The codes are the
Correlates of War Project's state numbers (State System Membership list), as
tabulated against ISO-3 codes in the ``countrycode`` package's code list
(``cown`` and ``iso3c`` columns; pycountrycode 0.6.0). Only rows that have
both codes are kept; states that COW does not list separately (Serbia is
listed as Yugoslavia, 345; Kosovo has no ISO-3 code) are left out, so their
COW cell stays empty rather than guessed. Run it again only when the
package changes:

    .venv/bin/pip install countrycode==0.6.0   # build time only, not a dependency
    .venv/bin/python scripts/build_cow_codes.py

countrycode is GPL-3.0 software; only the code numbers it tabulates (facts
published by the Correlates of War Project) are written to the table, and
newsevents neither imports nor ships it.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import countrycode  # type: ignore[import-untyped]

CODELIST = Path(countrycode.__file__).resolve().parent / "data" / "codelist.pickle"
OUT = Path(__file__).resolve().parents[1] / "src/newsevents/data/cow_codes.tsv"
HEADER = """\
# ISO 3166-1 alpha-3 code, Correlates of War (COW) state number, COW state abbreviation.
# Source: Correlates of War Project, State System Membership List (COW country codes),
# https://correlatesofwar.org/data-sets/state-system-membership/ , as tabulated against ISO codes in
# the countrycode package's code list (pycountrycode 0.6.0, columns iso3c, cown, cowc).
# Rebuilt by scripts/build_cow_codes.py; do not edit by hand.
iso3\tcow\tcow_abbreviation
"""


def main() -> None:
    with CODELIST.open("rb") as data:
        codelist = pickle.load(data)
    rows = sorted(
        (iso3, int(cow), abbreviation)
        for iso3, cow, abbreviation in zip(codelist["iso3c"], codelist["cown"],
                                           codelist["cowc"])
        if iso3 and cow is not None and abbreviation
    )
    isos = [iso3 for iso3, _, _ in rows]
    if len(set(isos)) != len(isos):
        raise SystemExit("the code list maps one ISO-3 code to several COW codes")
    lines = [f"{iso3}\t{cow}\t{abbreviation}" for iso3, cow, abbreviation in rows]
    OUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} countries written to {OUT}")


if __name__ == "__main__":
    main()
