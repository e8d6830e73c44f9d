"""Review and follow-up: human decisions on extracted facts, the audit log, recommendations and activities.

- :mod:`ctrack.track.review` — confirm, correct, reject, merge, split, undo (reversible decisions);
- :mod:`ctrack.track.audit` — the append-only audit log and ``history(entity)``;
- :mod:`ctrack.track.recommendations` — recommendations, status history, activities, progress, statistics;
- :mod:`ctrack.track.vocabulary` — pillars (A/RES/60/288), Security Council resolutions, CTC thematic areas;
- :mod:`ctrack.track.io` — CSV/XLSX import and export;
- :mod:`ctrack.track.themes` — theme suggestions (keyword rules + a small model), never applied silently;
- :mod:`ctrack.track.proposals` — recommendation and assistance-need sentences proposed for review.

The workflow follows the OHCHR National Recommendations Tracking Database and
IMPACT OSS (activities as the unit of progress); all SQL is in
:mod:`ctrack.store.track_repo`.
"""
