"""The content of a briefing pack: what an analyst hands a delegate before a Committee briefing.

:func:`pack_content` gathers, for a member state, a region or a list of
states, over an optional date window: the engagements (the one definition of
:mod:`ctrack.service.engagements`), the open recommendations with their
technical-assistance needs, lead institutions, activities and indicators, the
summary figures, the assessment visits, the who-met-whom network and every
source cited. ``ctrack report``, ``GET /api/v1/reports/briefing`` (JSON, HTML
or PDF) and the "Download briefing" buttons of the web app all render it with
:mod:`ctrack.report.briefing` (one template for HTML and PDF).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctrack.resolve import dates
from ctrack.schema import EventType
from ctrack.service.engagements import ANNOUNCED, shown_status
from ctrack.service.network import Network, who_met_whom
from ctrack.store import repo
from ctrack.store.views import Briefing, EventRow, RoleRow
from ctrack.track.recommendations import recommendations_section

#: The sections of a pack, in their order; a user may choose any of them (``--sections``).
SECTIONS = ("cover", "summary", "recommendations", "engagements", "network", "visits", "sources")
#: Most actors drawn in the pack's network figure (the busiest are kept).
NETWORK_NODES = 40
#: A role no reviewer confirmed or corrected is marked "unconfirmed" in a pack when its confidence is under
#: this. A role's confidence is a calibrated probability that it is right on a house style the models were not
#: trained on (the role-verification model, Platt-scaled on out-of-group predictions: :mod:`ctrack.extract.decide`,
#: reliability table by ``bench/role_calibration.py``), and extraction keeps roles down to
#: ``decide.VERIFY_MIN`` (0.2): under 0.5 a kept role is more likely wrong than right, so a pack must not
#: state it as a fact.
UNCONFIRMED_BELOW = 0.5


def unconfirmed(role: RoleRow) -> bool:
    """True when ``role`` is neither confirmed nor corrected by a reviewer and its confidence is known and
    under :data:`UNCONFIRMED_BELOW` (a rejected role is never in a pack)."""
    return (not role.review_state.is_human and role.confidence is not None
            and role.confidence < UNCONFIRMED_BELOW)


class Summary(BaseModel):
    """The one-page summary's figures. Recommendation counts are of reviewed recommendations on ``on``;
    ``activities_under_way`` are the activities of open recommendations with progress above 0 % and under
    100 %; ``engagements`` counts events in the window, ``held``/``planned``/``announced`` split them by the
    status shown; ``last_visit`` is the latest assessment visit in the window; ``roles`` counts the roles of
    the events listed and ``unconfirmed_roles`` those of them the pack marks :func:`unconfirmed`."""

    open: int = 0
    ta_needed: int = 0
    overdue: int = 0
    implemented: int = 0
    total_recommendations: int = 0
    activities_under_way: int = 0
    engagements: int = 0
    held: int = 0
    planned: int = 0
    announced: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)
    last_visit: EventRow | None = None
    roles: int = 0
    unconfirmed_roles: int = 0


class Pack(BaseModel):
    """A briefing pack's content: the scope and window, the day it is as of, the engagements
    (:class:`Briefing`), the recommendations section (:func:`recommendations_section`, merged over the
    states of a list), the summary, the assessment visits, the network and the sources."""

    briefing: Briefing
    since: str | None = None
    until: str | None = None
    on: dt.date
    recs: dict[str, Any] = Field(default_factory=dict)
    summary: Summary
    visits: list[EventRow] = Field(default_factory=list)
    network: Network = Field(default_factory=Network)
    status: dict[int, str] = Field(default_factory=dict)

    @property
    def window(self) -> str:
        """"2018-01 to 2024-12", "from 2020", "up to 2019", or "all dates"."""
        if self.since and self.until:
            return f"{self.since} to {self.until}"
        if self.since:
            return f"from {self.since}"
        if self.until:
            return f"up to {self.until}"
        return "all dates"


def _merge_recs(sections: list[dict[str, Any]]) -> dict[str, Any]:
    if len(sections) == 1:
        return sections[0]
    totals: dict[str, int] = {}
    for sec in sections:
        for k, v in sec["totals"].items():
            totals[k] = totals.get(k, 0) + v
    out = dict(sections[0])
    out["totals"] = totals
    for key in ("open", "ta_needs", "overdue", "by_state"):
        out[key] = [item for sec in sections for item in sec[key]]
    return out


def pack_content(db: Session, *, country: str | None = None, region: str | None = None,
                 states: list[str] | None = None, since: str | None = None, until: str | None = None,
                 reviewed_only: bool = False, on: dt.date | None = None) -> Pack:
    """The content of the briefing pack on ``country`` (ISO3 or name), ``region`` or ``states`` (a list),
    or on everything, over the window [``since``, ``until``] (ISO dates at any precision; events
    overlapping it), as of day ``on`` (default today, UTC) for recommendation statuses and for "announced,
    not confirmed". Raises :class:`ctrack.errors.NotFound` for an unknown country, state or region and
    ValueError for a bad date.
    """
    day = on or dt.datetime.now(dt.timezone.utc).date()
    b = repo.briefing(db, country=country, region=region, reviewed_only=reviewed_only, states=states,
                      since=since, until=until)
    if states:
        recs = _merge_recs([recommendations_section(db, country=iso, on=day) for iso in b.members])
    else:
        recs = recommendations_section(db, country=country, region=region, on=day)
    status = {ev.id: shown_status(ev, day) for ev in b.events}
    visits = [ev for ev in b.events if ev.type is EventType.ASSESSMENT_VISIT]
    dated_visits = [ev for ev in visits if dates.parse(ev.start) and status[ev.id] == "held"]
    under_way = {a["id"] for r in recs["open"] for a in r["activities"]
                 if a["percent"] is not None and 0 < a["percent"] < 100}
    totals = recs["totals"]
    summary = Summary(
        open=totals.get("open", 0), ta_needed=totals.get("ta_needed", 0), overdue=totals.get("overdue", 0),
        implemented=totals.get("implemented", 0), total_recommendations=totals.get("total", 0),
        activities_under_way=len(under_way), engagements=len(b.events),
        held=sum(1 for s in status.values() if s == "held"), planned=sum(1 for s in status.values() if s == "planned"),
        announced=sum(1 for s in status.values() if s == ANNOUNCED), by_type=b.by_type,
        last_visit=max(dated_visits, key=lambda ev: dates.sort_key(ev.start)) if dated_visits else
        (visits[-1] if visits else None),
        roles=sum(len(ev.roles) for ev in b.events),
        unconfirmed_roles=sum(1 for ev in b.events for r in ev.roles if unconfirmed(r)))
    net = who_met_whom(b.events, max_nodes=NETWORK_NODES)
    return Pack(briefing=b, since=since, until=until, on=day, recs=recs, summary=summary, visits=visits,
                network=net, status=status)


__all__ = ["SECTIONS", "UNCONFIRMED_BELOW", "unconfirmed", "Summary", "Pack", "pack_content"]
