"""Member states and regions for recommendation statistics (a thin layer over :mod:`ctrack.gazetteer`).

A state's region in statistics is the smallest UN M49 region that holds it
(UN Statistics Division, "Standard country or area codes for statistical
use", as shipped in ``ctrack/data/regions.json``): "Central Asia" for TJK,
"Eastern Africa" for KEN. A region named in a filter can be any region the
gazetteer knows, field regions included ("Sahel", "MENA").
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from ctrack.gazetteer import get_gazetteer


@lru_cache(maxsize=1)
def _m49() -> dict[str, tuple[str, ...]]:
    data = json.loads(resources.files("ctrack").joinpath("data/regions.json").read_text(encoding="utf-8"))
    return {r["name"]: tuple(r["members"]) for r in data["regions"] if str(r.get("source", "")).startswith("M49")}


@lru_cache(maxsize=512)
def region_of(iso3: str | None) -> str | None:
    """The smallest M49 region holding state ``iso3`` (e.g. "Central Asia"), or None."""
    if not iso3:
        return None
    holding = [(len(members), name) for name, members in _m49().items() if iso3 in members]
    return min(holding)[1] if holding else None


def region_members(name: str) -> list[str]:
    """ISO3 codes of region ``name`` (any region or alias the gazetteer knows); [] when unknown."""
    return list(get_gazetteer().region_members(name))


def state_name(iso3: str | None) -> str:
    """The short name of a member state ("Tajikistan"), or the code itself when unknown."""
    if not iso3:
        return ""
    try:
        return get_gazetteer().state(iso3).name
    except KeyError:
        return iso3
