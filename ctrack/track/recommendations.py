"""Recommendations, their dated status, the follow-up activities that serve them, and the statistics.

The model follows the OHCHR National Recommendations Tracking Database
(recommendations clustered by theme, lead institutions, indicators, progress
and statistics) and IMPACT OSS (activities are the unit of progress: one
activity serves several recommendations, a recommendation's progress is read
from its activities). Every write is recorded in the audit log.

Dates: a status holds from the ``day`` of its history entry on; the status
of a recommendation on day D is the latest entry on or before D
(``not_started`` before the first). A recommendation exists from its
``issued_on`` day, else from its first status entry. It is *open* while its
status is neither ``implemented`` nor ``superseded``, and *overdue* on D when
open and ``due_date < D``; an indicator is overdue when ``due_date < D`` and
it was not met by D. The implementation rate on D is implemented ÷ existing
recommendations not superseded.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ctrack.errors import NotFound
from ctrack.store import track_repo as repo
from ctrack.store.models import ReviewState
from ctrack.store.track_models import (
    Action, DbActivity, DbIndicator, DbProgressReport, DbRecommendation, DbRecStatusChange, Entity, PartyRole,
    RecStatus, TermScheme,
)
from ctrack.track import audit, fields
from ctrack.track.regions import region_members, region_of, state_name

#: The columns of imports and exports, in order (issue 4).
COLUMNS = ("state", "text", "themes", "resolutions", "pillars", "priority", "ta_needed", "ta_description",
           "lead_institutions", "partners", "due_date", "status", "source")

#: Parser of each field a recommendation can be given (CSV column, ``--map`` target, correction).
PARSERS: dict[str, Callable[[Any], Any]] = {
    "state": fields.state,
    "text": fields.text,
    "themes": fields.terms(TermScheme.THEME),
    "resolutions": fields.terms(TermScheme.RESOLUTION),
    "pillars": fields.terms(TermScheme.PILLAR),
    "priority": fields.priority,
    "ta_needed": fields.flag,
    "ta_description": fields.optional_text,
    "lead_institutions": fields.names,
    "partners": fields.names,
    "due_date": fields.optional_day,
    "status": fields.optional(fields.status),
    "source": fields.optional_text,
    "issued_on": fields.optional_day,
    "source_event_id": fields.integer,
}

TERM_FIELDS = {"themes": TermScheme.THEME, "resolutions": TermScheme.RESOLUTION, "pillars": TermScheme.PILLAR}
PARTY_FIELDS = {"lead_institutions": PartyRole.LEAD, "partners": PartyRole.PARTNER}
REQUIRED = ("state", "text")


@dataclass
class RecInput:
    """The values of one recommendation to create, already parsed (see :data:`PARSERS`)."""

    state: str | None
    text: str
    themes: list[str] = field(default_factory=list)
    resolutions: list[str] = field(default_factory=list)
    pillars: list[str] = field(default_factory=list)
    priority: Any = None
    ta_needed: bool = False
    ta_description: str | None = None
    lead_institutions: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    due_date: dt.date | None = None
    status: RecStatus | None = None
    source: str | None = None
    issued_on: dt.date | None = None
    source_event_id: int | None = None


def parse_input(values: dict[str, Any], required: Sequence[str] = REQUIRED) -> RecInput:
    """Parse raw values (field → text or typed cell) into a :class:`RecInput`.

    Unknown field names are an error. Raises ``ValueError`` listing every bad
    field as "field: reason" (joined with "; ").
    """
    out: dict[str, Any] = {}
    errors = []
    for name, raw in values.items():
        if name not in PARSERS:
            errors.append(f"{name}: not a recommendation field (fields: {', '.join(PARSERS)})")
            continue
        try:
            out[name] = PARSERS[name](raw)
        except ValueError as exc:
            errors.append(f"{name}: {exc}")
    for name in required:
        if fields.blank(values.get(name)) and not any(e.startswith(f"{name}:") for e in errors):
            errors.append(f"{name}: a value is required")
    if errors:
        raise ValueError("; ".join(errors))
    out.setdefault("text", "")
    out.setdefault("state", None)
    return RecInput(**{k: v for k, v in out.items() if v is not None or k in ("state",)})


# --------------------------------------------------------------------------- views


def view(rec: DbRecommendation) -> dict[str, Any]:
    """A recommendation as a JSON-safe dict with the import/export fields plus id, review state and history."""
    terms = {name: [t.code for t in rec.terms if t.scheme is scheme] for name, scheme in TERM_FIELDS.items()}
    parties = {name: [p.name for p in rec.parties if p.role is role] for name, role in PARTY_FIELDS.items()}
    return {
        "id": rec.id, "state": rec.state, "text": rec.text, **terms,
        "priority": rec.priority.value if rec.priority else None, "ta_needed": rec.ta_needed,
        "ta_description": rec.ta_description, **parties,
        "due_date": rec.due_date.isoformat() if rec.due_date else None, "status": rec.status.value,
        "source": rec.source, "issued_on": rec.issued_on.isoformat() if rec.issued_on else None,
        "source_event_id": rec.source_event_id, "source_document_id": rec.source_document_id,
        "source_span": [rec.source_start, rec.source_end] if rec.source_start is not None else None,
        "review_state": rec.review_state.value,
        "history": [{"status": h.status.value, "day": h.day.isoformat(), "user": h.user, "comment": h.comment}
                    for h in rec.history],
        "indicators": [indicator_view(i) for i in rec.indicators],
    }


def indicator_view(ind: DbIndicator) -> dict[str, Any]:
    """An indicator as a JSON-safe dict."""
    return {"id": ind.id, "text": ind.text, "target": ind.target, "recommendation_id": ind.recommendation_id,
            "activity_id": ind.activity_id, "due_date": ind.due_date.isoformat() if ind.due_date else None,
            "met_on": ind.met_on.isoformat() if ind.met_on else None}


def activity_view(act: DbActivity, on: dt.date | None = None) -> dict[str, Any]:
    """An activity as a JSON-safe dict, with its percent done as of ``on`` (default: today)."""
    pct, as_of = activity_percent(act, on or dt.date.today())
    return {
        "id": act.id, "title": act.title, "kind": act.kind, "description": act.description,
        "event_id": act.event_id, "start": act.start.isoformat() if act.start else None,
        "end": act.end.isoformat() if act.end else None,
        "responsible": [p.name for p in act.parties if p.role is PartyRole.RESPONSIBLE],
        "partners": [p.name for p in act.parties if p.role is PartyRole.PARTNER],
        "recommendations": sorted(link.recommendation_id for link in act.links),
        "percent": pct, "percent_as_of": as_of.isoformat() if as_of else None,
        "reports": [{"day": r.day.isoformat(), "percent": r.percent, "note": r.note, "user": r.user}
                    for r in act.reports],
        "indicators": [indicator_view(i) for i in act.indicators],
    }


# --------------------------------------------------------------------------- writes


def create(session: Session, data: RecInput, *, user: str, on: dt.date | None = None,
           review_state: ReviewState = ReviewState.CONFIRMED, transfer_id: int | None = None,
           source_document_id: int | None = None, span: tuple[int, int] | None = None,
           comment: str | None = None) -> DbRecommendation:
    """Store a new recommendation with its terms, parties and first status (dated ``on``, default today).

    The first status entry is ``data.status`` (default ``not_started``) from
    ``data.issued_on`` if given, else from ``on``. Returns the row; the audit
    log gets a ``create`` entry with the full record.
    """
    if data.source_event_id is not None:
        repo.event(session, data.source_event_id)
    rec = repo.add_row(session, DbRecommendation(
        state=data.state, text=data.text, priority=data.priority, ta_needed=data.ta_needed,
        ta_description=data.ta_description, due_date=data.due_date, issued_on=data.issued_on,
        status=data.status or RecStatus.NOT_STARTED, source=data.source, source_event_id=data.source_event_id,
        source_document_id=source_document_id, source_start=span[0] if span else None,
        source_end=span[1] if span else None, review_state=review_state, created_by=user))
    for name, scheme in TERM_FIELDS.items():
        repo.set_terms(session, rec, scheme, getattr(data, name))
    for name, role in PARTY_FIELDS.items():
        repo.set_parties(session, rec, role, getattr(data, name))
    if review_state is not ReviewState.PROPOSED:
        first_day = data.issued_on or on or dt.date.today()
        repo.add_status_change(session, rec, DbRecStatusChange(
            status=data.status or RecStatus.NOT_STARTED, day=first_day, user=user, comment="initial status"))
    audit.record(session, user, Action.CREATE, Entity.RECOMMENDATION, rec.id, after=view(rec), comment=comment,
                 transfer_id=transfer_id)
    return rec


def get(session: Session, rec_id: int) -> DbRecommendation:
    """Recommendation ``rec_id`` (any review state). Raises :class:`ctrack.errors.NotFound`."""
    return repo.get_recommendation(session, rec_id)


def set_status(session: Session, rec_id: int, status: RecStatus | str, day: dt.date, *, user: str,
               comment: str | None = None) -> DbRecStatusChange:
    """Record that recommendation ``rec_id`` has ``status`` from ``day`` on (history kept; audit entry written)."""
    rec = get(session, rec_id)
    status = fields.status(status)
    before = {"status": rec.status.value}
    change = DbRecStatusChange(status=status, day=day, user=user, comment=comment)
    repo.add_status_change(session, rec, change)
    audit.record(session, user, Action.STATUS, Entity.RECOMMENDATION, rec.id, before=before,
                 after={"status": status.value, "day": day.isoformat(), "current": rec.status.value}, comment=comment)
    return change


def update_field(session: Session, rec: DbRecommendation, name: str, value: Any) -> tuple[Any, Any]:
    """Set one field of ``rec`` from a raw value (lists for themes etc.); returns ``(old, new)`` JSON-safe.

    Used by corrections; ``status`` is not a field here (use :func:`set_status`,
    which keeps the dated history). Raises ``ValueError`` for a bad value or field.
    """
    if name == "status" or name not in PARSERS:
        allowed = ", ".join(n for n in PARSERS if n != "status")
        raise ValueError(f"cannot correct {name!r} of a recommendation (fields: {allowed}; status: use 'recs status')")
    parsed = PARSERS[name](value)
    if name in TERM_FIELDS:
        old = [t.code for t in rec.terms if t.scheme is TERM_FIELDS[name]]
        repo.set_terms(session, rec, TERM_FIELDS[name], parsed)
        return old, parsed
    if name in PARTY_FIELDS:
        old = [p.name for p in rec.parties if p.role is PARTY_FIELDS[name]]
        repo.set_parties(session, rec, PARTY_FIELDS[name], parsed)
        return old, parsed
    if name == "text" and not parsed:
        raise ValueError("text: a value is required")
    if name == "source_event_id" and parsed is not None:
        repo.event(session, parsed)
    old = repo.jsonable(getattr(rec, name))
    setattr(rec, name, parsed)
    session.flush()
    return old, repo.jsonable(parsed)


def restore_field(session: Session, rec: DbRecommendation, name: str, value: Any) -> tuple[Any, Any]:
    """Set one field of ``rec`` back to a JSON-safe value :func:`update_field` returned as the old one (the undo of
    a correction, :func:`ctrack.track.review.undo_entry`); returns ``(old, new)`` JSON-safe.

    An empty value goes back as it was, even for a field a correction must fill (a proposal's member state was
    empty before a reviewer gave it one). Raises ``ValueError`` as :func:`update_field` does.
    """
    if value is None and name not in TERM_FIELDS and name not in PARTY_FIELDS and name in PARSERS and name != "status":
        old = repo.jsonable(getattr(rec, name))
        setattr(rec, name, None)
        session.flush()
        return old, None
    return update_field(session, rec, name, value)


def add_activity(session: Session, *, title: str, user: str, kind: str | None = None,
                 description: str | None = None, responsible: Iterable[str] = (), partners: Iterable[str] = (),
                 event_id: int | None = None, start: dt.date | None = None, end: dt.date | None = None,
                 recommendations: Iterable[int] = (), comment: str | None = None) -> DbActivity:
    """Create a follow-up activity, optionally being knowledge-base event ``event_id`` and serving some recommendations.

    Raises :class:`ctrack.errors.NotFound` for an unknown event or recommendation.
    """
    if event_id is not None:
        repo.event(session, event_id)
    act = repo.add_row(session, DbActivity(title=fields.text(title), kind=kind, description=description,
                                           event_id=event_id, start=start, end=end, created_by=user))
    repo.set_parties(session, act, PartyRole.RESPONSIBLE, list(responsible))
    repo.set_parties(session, act, PartyRole.PARTNER, list(partners))
    audit.record(session, user, Action.CREATE, Entity.ACTIVITY, act.id, after=activity_view(act), comment=comment)
    for rec_id in recommendations:
        link_activity(session, act.id, rec_id, user=user)
    return act


def link_activity(session: Session, activity_id: int, rec_id: int, *, user: str, comment: str | None = None) -> bool:
    """Say that activity ``activity_id`` serves recommendation ``rec_id``; False when it already did."""
    repo.get_activity(session, activity_id)
    get(session, rec_id)
    if repo.link(session, activity_id, rec_id) is None:
        return False
    after = {"activity": activity_id, "recommendation": rec_id}
    audit.record(session, user, Action.LINK, Entity.ACTIVITY, activity_id, after=after, comment=comment)
    audit.record(session, user, Action.LINK, Entity.RECOMMENDATION, rec_id, after=after, comment=comment)
    return True


def unlink_activity(session: Session, activity_id: int, rec_id: int, *, user: str, comment: str | None = None) -> bool:
    """Remove the link between an activity and a recommendation; False when there was none."""
    if not repo.unlink(session, activity_id, rec_id):
        return False
    before = {"activity": activity_id, "recommendation": rec_id}
    audit.record(session, user, Action.UNLINK, Entity.ACTIVITY, activity_id, before=before, comment=comment)
    audit.record(session, user, Action.UNLINK, Entity.RECOMMENDATION, rec_id, before=before, comment=comment)
    return True


def link_event(session: Session, activity_id: int, event_id: int | None, *, user: str,
               comment: str | None = None) -> DbActivity:
    """Tie an activity to knowledge-base event ``event_id`` (None unties it)."""
    act = repo.get_activity(session, activity_id)
    if event_id is not None:
        repo.event(session, event_id)
    before = {"event_id": act.event_id}
    act.event_id = event_id
    session.flush()
    audit.record(session, user, Action.LINK if event_id else Action.UNLINK, Entity.ACTIVITY, act.id,
                 before=before, after={"event_id": event_id}, comment=comment)
    return act


def add_progress(session: Session, activity_id: int, day: dt.date, percent: int, *, user: str,
                 note: str | None = None) -> DbProgressReport:
    """A dated progress report on an activity: ``percent`` done (0–100) on ``day``. Raises ``ValueError`` out of range."""
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, not {percent}")
    act = repo.get_activity(session, activity_id)
    report = DbProgressReport(day=day, percent=percent, note=note, user=user)
    act.reports.append(report)
    session.flush()
    audit.record(session, user, Action.PROGRESS, Entity.ACTIVITY, act.id,
                 after={"report": report.id, "day": day.isoformat(), "percent": percent, "note": note})
    return report


def add_indicator(session: Session, text: str, *, user: str, recommendation_id: int | None = None,
                  activity_id: int | None = None, target: str | None = None,
                  due_date: dt.date | None = None) -> DbIndicator:
    """An indicator for exactly one recommendation or activity. Raises ``ValueError`` otherwise."""
    if (recommendation_id is None) == (activity_id is None):
        raise ValueError("an indicator belongs to exactly one recommendation or one activity")
    if recommendation_id is not None:
        get(session, recommendation_id)
    else:
        repo.get_activity(session, activity_id)
    ind = repo.add_row(session, DbIndicator(text=fields.text(text), target=target, due_date=due_date,
                                            recommendation_id=recommendation_id, activity_id=activity_id))
    audit.record(session, user, Action.CREATE, Entity.INDICATOR, ind.id, after=indicator_view(ind))
    return ind


def indicator_met(session: Session, indicator_id: int, day: dt.date | None, *, user: str) -> DbIndicator:
    """Record the day an indicator was met (None: not met after all)."""
    ind = repo.get(session, Entity.INDICATOR, indicator_id)
    before = {"met_on": repo.jsonable(ind.met_on)}
    ind.met_on = day
    session.flush()
    audit.record(session, user, Action.UPDATE, Entity.INDICATOR, ind.id, before=before,
                 after={"met_on": repo.jsonable(day)})
    return ind


# --------------------------------------------------------------------------- reading the history


def status_on(rec: DbRecommendation, day: dt.date) -> RecStatus:
    """The status of ``rec`` on ``day``: the latest history entry on or before it, else ``not_started``."""
    current = RecStatus.NOT_STARTED
    for h in sorted(rec.history, key=lambda h: (h.day, h.id)):
        if h.day > day:
            break
        current = h.status
    return current


def exists_on(rec: DbRecommendation, day: dt.date) -> bool:
    """True when ``rec`` had been made by ``day`` (``issued_on``, else its first status entry)."""
    if rec.issued_on is not None:
        return rec.issued_on <= day
    return not rec.history or min(h.day for h in rec.history) <= day


def is_overdue(rec: DbRecommendation, day: dt.date) -> bool:
    """Open on ``day`` with a due date before it."""
    return (rec.due_date is not None and rec.due_date < day and exists_on(rec, day)
            and status_on(rec, day).is_open)


def activity_percent(act: DbActivity, day: dt.date) -> tuple[int, dt.date | None]:
    """``(percent, report day)`` of the latest progress report on or before ``day``; ``(0, None)`` without one."""
    best = None
    for r in act.reports:
        if r.day <= day and (best is None or (r.day, r.id) > (best.day, best.id)):
            best = r
    return (best.percent, best.day) if best else (0, None)


def progress(session: Session, rec_id: int, on: dt.date | None = None) -> dict[str, Any]:
    """A recommendation's progress read from its activities, as of ``on`` (default today).

    Returns ``{"recommendation": id, "status": status on the day, "percent":
    mean percent of its activities (None without activities), "activities":
    [activity views], "completed": activities at 100 %, "indicators":
    {"total", "met", "overdue"}}`` (indicators of the recommendation and of its activities).
    """
    day = on or dt.date.today()
    rec = get(session, rec_id)
    acts = repo.activities(session, recommendation_ids=[rec_id])
    views = [activity_view(a, day) for a in acts]
    inds = list(rec.indicators) + [i for a in acts for i in a.indicators]
    met = sum(1 for i in inds if i.met_on is not None and i.met_on <= day)
    late = sum(1 for i in inds if i.due_date and i.due_date < day and not (i.met_on and i.met_on <= day))
    return {
        "recommendation": rec_id, "on": day.isoformat(), "status": status_on(rec, day).value,
        "percent": round(sum(v["percent"] for v in views) / len(views), 1) if views else None,
        "activities": views, "completed": sum(1 for v in views if v["percent"] >= 100),
        "indicators": {"total": len(inds), "met": met, "overdue": late},
    }


# --------------------------------------------------------------------------- queries and statistics


def scope_states(country: str | None = None, region: str | None = None) -> list[str] | None:
    """ISO3 codes for a ``country`` (code or name) or a ``region`` name; None for no limit. Raises NotFound."""
    if country:
        try:
            return [fields.state(country)]
        except ValueError as exc:
            raise NotFound(str(exc)) from None
    if region:
        members = region_members(region)
        if not members:
            raise NotFound(f"unknown region {region!r}")
        return members
    return None


def query(session: Session, *, state: str | None = None, region: str | None = None, theme: str | None = None,
          status: RecStatus | str | None = None, partner: str | None = None, overdue_on: dt.date | None = None,
          proposed: bool = False, reviewed_only: bool = True) -> list[DbRecommendation]:
    """Recommendations matching the filters: the reviewed ones; with ``reviewed_only=False`` the
    proposals too; with ``proposed`` the proposals only.

    ``theme`` accepts a code, label or alias; ``status`` a status value;
    ``overdue_on`` keeps those overdue on that day. Raises ``ValueError`` /
    :class:`NotFound` for an unknown theme, status, state or region.
    """
    states = scope_states(state, region)
    theme_code = fields.terms(TermScheme.THEME)(theme)[0] if theme else None
    statuses = [fields.status(status)] if status else None
    rows = repo.recommendations(session, states=states, theme=theme_code, status=statuses, partner=partner,
                                reviewed_only=reviewed_only,
                                review_states=(ReviewState.PROPOSED,) if proposed else None)
    if overdue_on is not None:
        rows = [r for r in rows if is_overdue(r, overdue_on)]
    return rows


def overdue(session: Session, on: dt.date, *, states: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Overdue items on day ``on``: recommendations (open, due before ``on``) and indicators (due before, not met).

    Each item: ``{"kind": "recommendation"|"indicator", "id", "state", "text",
    "due_date", "days_late", "status"?, "recommendation_id"?, "activity_id"?}``,
    most overdue first.
    """
    recs = repo.recommendations(session, states=states)
    by_id = {r.id: r for r in recs}
    items: list[dict[str, Any]] = []
    for r in recs:
        if is_overdue(r, on):
            items.append({"kind": "recommendation", "id": r.id, "state": r.state, "text": r.text,
                          "due_date": r.due_date.isoformat(), "days_late": (on - r.due_date).days,
                          "status": status_on(r, on).value})
    activity_recs: dict[int, list[int]] = defaultdict(list)
    for act in repo.activities(session, recommendation_ids=list(by_id)):
        activity_recs[act.id] = [link.recommendation_id for link in act.links if link.recommendation_id in by_id]
    for ind in repo.indicators(session):
        if ind.due_date is None or ind.due_date >= on or (ind.met_on and ind.met_on <= on):
            continue
        rec_ids = [ind.recommendation_id] if ind.recommendation_id else activity_recs.get(ind.activity_id, [])
        rec_ids = [i for i in rec_ids if i in by_id and exists_on(by_id[i], on)]
        if not rec_ids:
            continue
        items.append({"kind": "indicator", "id": ind.id, "state": by_id[rec_ids[0]].state, "text": ind.text,
                      "due_date": ind.due_date.isoformat(), "days_late": (on - ind.due_date).days,
                      "recommendation_id": ind.recommendation_id, "activity_id": ind.activity_id,
                      "recommendations": rec_ids})
    return sorted(items, key=lambda i: (-i["days_late"], i["kind"], i["id"]))


def _count(bucket: dict[str, int], rec: DbRecommendation, day: dt.date) -> None:
    st = status_on(rec, day)
    bucket["total"] += 1
    if st.is_open:
        bucket["open"] += 1
        if rec.ta_needed:
            bucket["ta_needed"] += 1
        if rec.due_date and rec.due_date < day:
            bucket["overdue"] += 1
    if st is RecStatus.IMPLEMENTED:
        bucket["implemented"] += 1


def _table(groups: dict[str, dict[str, int]], key_name: str, label: Callable[[str], str] | None = None) -> list[dict]:
    rows = [{key_name: k, **({"label": label(k)} if label else {}), **v} for k, v in groups.items()]
    return sorted(rows, key=lambda r: (-r["open"], -r["total"], str(r[key_name])))


def period_ends(start: dt.date, end: dt.date, every: str = "quarter") -> list[dt.date]:
    """The last day of each month/quarter/year from the one holding ``start`` up to ``end``, then ``end`` itself."""
    step = {"month": 1, "quarter": 3, "year": 12}[every]
    index = ((start.year * 12 + start.month - 1) // step + 1) * step - 1  # last month (0-based) of start's period
    out = []
    while True:
        ny, nm = divmod(index + 1, 12)
        last = dt.date(ny, nm + 1, 1) - dt.timedelta(days=1)
        if last >= end:
            break
        out.append(last)
        index += step
    out.append(end)
    return out


def implementation_rate(recs: Sequence[DbRecommendation], days: Iterable[dt.date]) -> list[dict[str, Any]]:
    """For each day: recommendations existing and not superseded (``total``), ``implemented``,
    ``partially_implemented`` and ``rate`` = implemented ÷ total (None when total is 0)."""
    out = []
    for day in days:
        live = [r for r in recs if exists_on(r, day) and status_on(r, day) is not RecStatus.SUPERSEDED]
        done = sum(1 for r in live if status_on(r, day) is RecStatus.IMPLEMENTED)
        part = sum(1 for r in live if status_on(r, day) is RecStatus.PARTIALLY_IMPLEMENTED)
        out.append({"on": day.isoformat(), "total": len(live), "implemented": done, "partially_implemented": part,
                    "rate": round(done / len(live), 4) if live else None})
    return out


def statistics(session: Session, on: dt.date | None = None, *, country: str | None = None,
               region: str | None = None, every: str = "quarter") -> dict[str, Any]:
    """Statistics of the reviewed recommendations on day ``on`` (default today), optionally for one country or region.

    Returns ``{"on", "totals": {total, open, ta_needed, overdue, implemented},
    "by_status": {status: n}, "by_state": [...], "by_region": [...],
    "by_theme": [...], "by_partner": [...], "overdue": [overdue items],
    "implementation_rate": [per period end]}``. Each ``by_*`` row has
    ``total``, ``open``, ``ta_needed`` (open and needing technical
    assistance), ``overdue`` and ``implemented``; a recommendation counts
    under each of its themes and partners ("(none)" when it has none).
    Regions are the smallest UN M49 region of each state.
    """
    day = on or dt.date.today()
    states = scope_states(country, region)
    recs = [r for r in repo.recommendations(session, states=states) if exists_on(r, day)]

    def zero() -> dict[str, int]:
        return {"total": 0, "open": 0, "ta_needed": 0, "overdue": 0, "implemented": 0}

    totals = zero()
    by_state: dict[str, dict[str, int]] = defaultdict(zero)
    by_region: dict[str, dict[str, int]] = defaultdict(zero)
    by_theme: dict[str, dict[str, int]] = defaultdict(zero)
    by_partner: dict[str, dict[str, int]] = defaultdict(zero)
    by_status: dict[str, int] = {s.value: 0 for s in RecStatus}
    for r in recs:
        _count(totals, r, day)
        by_status[status_on(r, day).value] += 1
        _count(by_state[r.state or "(none)"], r, day)
        _count(by_region[region_of(r.state) or "(none)"], r, day)
        for code in [t.code for t in r.terms if t.scheme is TermScheme.THEME] or ["(none)"]:
            _count(by_theme[code], r, day)
        for name in [p.name for p in r.parties if p.role is PartyRole.PARTNER] or ["(none)"]:
            _count(by_partner[name], r, day)
    from ctrack.track.vocabulary import vocabulary

    first = min((h.day for r in recs for h in r.history), default=day)
    first = min([first] + [r.issued_on for r in recs if r.issued_on])
    return {
        "on": day.isoformat(),
        "scope": {"country": country, "region": region, "states": states},
        "totals": totals,
        "by_status": by_status,
        "by_state": _table(by_state, "state", state_name),
        "by_region": _table(by_region, "region"),
        "by_theme": _table(by_theme, "theme", lambda c: vocabulary().label(TermScheme.THEME, c)),
        "by_partner": _table(by_partner, "partner"),
        "overdue": overdue(session, day, states=states),
        "implementation_rate": implementation_rate(recs, period_ends(first, day, every)),
    }


def recommendations_section(session: Session, country: str | None = None, region: str | None = None,
                            on: dt.date | None = None) -> dict[str, Any]:
    """The recommendations and technical-assistance section of a briefing, as plain data for a template.

    Returns ``{"on", "scope", "totals", "by_state", "by_theme", "overdue",
    "ta_needs": [open recommendations needing technical assistance],
    "open": [open recommendations with their progress], "implementation_rate"}``;
    each recommendation dict is :func:`view` plus ``status_on_day``,
    ``progress`` (percent from activities or None), ``activities``
    (title, percent, event id) and ``overdue``. Reviewed recommendations only.
    """
    day = on or dt.date.today()
    stats = statistics(session, day, country=country, region=region)
    states = stats["scope"]["states"]
    recs = [r for r in repo.recommendations(session, states=states) if exists_on(r, day)]
    open_recs = []
    for r in recs:
        if not status_on(r, day).is_open:
            continue
        prog = progress(session, r.id, day)
        item = view(r) | {
            "status_on_day": status_on(r, day).value, "overdue": is_overdue(r, day), "progress": prog["percent"],
            "state_name": state_name(r.state) if r.state else None,
            "activities": [{"id": a["id"], "title": a["title"], "percent": a["percent"], "event_id": a["event_id"]}
                           for a in prog["activities"]]}
        open_recs.append(item)
    open_recs.sort(key=lambda i: (i["state"] or "", i["due_date"] or "9999", i["id"]))
    return {
        "on": stats["on"], "scope": stats["scope"], "totals": stats["totals"], "by_state": stats["by_state"],
        "by_theme": stats["by_theme"], "overdue": stats["overdue"],
        "ta_needs": [i for i in open_recs if i["ta_needed"]], "open": open_recs,
        "implementation_rate": stats["implementation_rate"],
    }
