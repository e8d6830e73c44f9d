"""The service layer: the operations the faces (CLI, HTTP API, web pages, reports) share.

Layers, top to bottom: the faces (:mod:`ctrack.cli`, :mod:`ctrack.api`,
:mod:`ctrack.web`, :mod:`ctrack.report`) call this package; it calls the
store (:mod:`ctrack.store`) and the tracking rules (:mod:`ctrack.track`).
Nothing here imports a face, and no face imports another face's routes
(``tests/service/test_service_layers.py`` keeps it so).

Every operation takes a :class:`sqlalchemy.orm.Session` and returns plain
pydantic models; it raises :class:`ctrack.errors.CtrackError` subclasses
(:class:`~ctrack.errors.NotFound`, :class:`~ctrack.errors.BadQuery`) that each
face translates (HTTP 404/422, an error page, a CLI message and exit code).
Lists are paged (:mod:`ctrack.service.paging`): no operation returns an
unbounded list of rows.

Modules: :mod:`~ctrack.service.events` (events of a state or a date range,
one event with its passages), :mod:`~ctrack.service.actors` (actors,
timelines, ``show``), :mod:`~ctrack.service.reports` (briefing content,
statistics, the overview, the network), :mod:`~ctrack.service.review`
(the review queue and review decisions, with the search index kept in step),
:mod:`~ctrack.service.search` (full-text search), :mod:`~ctrack.service.engagements` (the one definition of a member state's
engagements; past planned events shown as "announced, not confirmed"), :mod:`~ctrack.service.exports`
(``ctrack export``: CSV, XLSX, JSON Lines, iCalendar, GraphML, GEXF, FollowTheMoney),
:mod:`~ctrack.service.network`
(who met whom), :mod:`~ctrack.service.passages` (source sentences around evidence).
"""
