"""Build the dashboard's base map, src/newsevents/serve/dashboard/world.json.

Reads the country outlines shipped in the ``countryinfo`` package (MIT
licence, see dashboard/LICENSE-world.txt), rounds coordinates to 0.1°,
drops repeated points and rings of fewer than four points, and writes one
compact JSON object: ``{"countries": [{"iso": "FRA", "name": "France",
"rings": [[[lon, lat], ...], ...]}]}``. Run it again only when the package
changes: ``.venv/bin/python scripts/build_world_map.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import countryinfo

DATA = Path(countryinfo.__file__).resolve().parent / "data"
OUT = Path(__file__).resolve().parents[1] / "src/newsevents/serve/dashboard/world.json"


def simplify(ring: list[list[float]]) -> list[list[float]]:
    points: list[list[float]] = []
    for lon, lat in ((round(p[0], 1), round(p[1], 1)) for p in ring):
        if not points or points[-1] != [lon, lat]:
            points.append([lon, lat])
    return points if len(points) >= 4 else []


def main() -> None:
    countries = []
    for path in sorted(DATA.glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        iso = (data.get("ISO") or {}).get("alpha3")
        features = (data.get("geoJSON") or {}).get("features") or []
        rings = []
        for feature in features:
            geometry = feature["geometry"]
            polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                        else [geometry["coordinates"]])
            rings.extend(ring for polygon in polygons for ring in map(simplify, polygon) if ring)
        if iso and rings:
            countries.append({"iso": iso, "name": data.get("name", iso), "rings": rings})
    OUT.write_text(json.dumps({"countries": countries}, separators=(",", ":")), "utf-8")
    print(f"{len(countries)} countries written to {OUT}")


if __name__ == "__main__":
    main()
