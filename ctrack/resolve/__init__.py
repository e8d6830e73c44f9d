"""Resolve: canonical actors and events across documents.

- :mod:`ctrack.resolve.actors` — canonical keys ("state:TJK", "org:…",
  "person:…"), "Government of X" = X, and :func:`~ctrack.resolve.actors.match_actor`;
- :mod:`ctrack.resolve.names` — person-name folding and matching (same name,
  rapidfuzz similarity with the same surname, initials, surname only);
- :mod:`ctrack.resolve.events` — when two reports are one event, and how their
  values combine (fill, refine, conflict);
- :mod:`ctrack.resolve.dates` — ISO dates at text precision as day intervals.

These functions are pure: the store (:mod:`ctrack.store.repo`) fetches the
candidates, applies the decisions and logs them in ``merge_decisions``.
"""
