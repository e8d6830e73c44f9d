"""Training labels from the knowledge base's reviewed facts (``ctrack train --with-reviewed``).

An analyst's review decisions are annotations: a *confirmed* event is a real
event of its type and date, a *corrected* one is real with the corrected
values, a *rejected* one is no event; likewise for the roles an actor holds in
an event. This module turns them into examples for the decision models of
:mod:`ctrack.extract.decide`, next to the gold-labelled corpora of
:mod:`ctrack.train`:

1. :func:`load_reviewed` reads every document that reported a decided fact
   (:func:`ctrack.store.training_repo.reviewed_documents`), skipping those that
   are already in the annotated corpora (same SHA-256 of the file, or the same
   text), so nothing is counted twice.
2. :func:`prepare_reviewed` runs the candidate half of extraction again on the
   stored text and :func:`derive_labels` labels the candidates from the
   decisions. The labelling is *partial*: only a candidate that stands for a
   decided fact gets a label, everything else (facts nobody reviewed, events
   the extractor did not store) is no example at all. It is not the gold
   labelling of :mod:`ctrack.train`, where every unmatched candidate is a
   negative, because an analyst who confirmed three facts said nothing about
   the rest.

How a candidate is tied to a stored fact: an event candidate to the stored
event whose evidence spans in that document overlap its own (triggers count
most), one to one; an actor to the stored actor whose mentions overlap its
mentions, else through the document's local actor id. This holds when the
models changed since the document was ingested (the candidates do not depend
on the models).

The labels (all from the decided facts of that document):

- **event**: 1 for a confirmed or corrected event, 0 for a rejected one.
- **type**: the stored type of a confirmed or corrected event (after a
  correction, the corrected type).
- **date**: for a confirmed or corrected dated event that the rules left
  undated, each date candidate is 1 when its start agrees with the stored start
  (the scorer's ``start_agrees``, no coarser than it by more than a day's
  precision; the rule of :func:`ctrack.train.date_labels`), else 0.
- **role**: for an (event, actor) candidate of an event not rejected, the
  confirmed or corrected roles the actor holds in it; ``none`` when the pair's
  roles are all rejected (or a correction moved the role to another actor) and
  no role of the pair awaits review, whether or not anybody confirmed the event:
  "this actor does not hold this role here" is true of a real event and of a
  spurious one alike, and an extracted role on a spurious event is a false
  role all the same. (Until issue 11's measurement this needed a confirmed
  event, and the commonest decision of a review, rejecting a junk role near
  the head of the queue, taught nothing: 26 of 30 decisions gave one example on
  group train-a; see docs/benchmarks.md.) A participant beside another
  role is dropped, as the scorer does. Roles count only in the document that
  reported them (first reporter or evidence), since another report of the
  same event may not state them. A role a reviewer *added*
  (:func:`ctrack.track.review.add_role`: the extractor missed it) is a
  confirmed role like any other, and is also noted as an addition
  (``added_roles``), so that the exemplar memory can give its role to a pair
  worded like it that the models leave without a role.
- **added events**: an event a reviewer added
  (:func:`ctrack.track.review.add_event`) is a confirmed event; its trigger
  words (its evidence span) tie it to the candidate on the same words
  (``added_events``); one no candidate stands for is listed in
  ``unmatched_added`` (the extractor had no candidate on those words).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ctrack.errors import NoReviewedFacts
from ctrack.extract.decide import NONE, _ROLE_ORDER, apply_models
from ctrack.extract.exemplars import ADDED, ADDED_EVENT, CHECK_MIN, Memory

#: Review states that make a fact a positive example.
POSITIVE = ("confirmed", "corrected")


@dataclass
class ReviewedLabels:
    """Per-candidate labels of one document (None: no example). ``roles`` are (role candidate index, label)."""

    events: list[int | None] = field(default_factory=list)
    types: list[str | None] = field(default_factory=list)
    dates: list[int | None] = field(default_factory=list)
    roles: list[tuple[int, str]] = field(default_factory=list)
    #: (role candidate index, role) of the positive role labels a reviewer *added* (the extractor missed the role)
    added_roles: list[tuple[int, str]] = field(default_factory=list)
    #: event candidate indexes whose positive label is an event a reviewer *added*
    added_events: set[int] = field(default_factory=set)
    #: added events no event candidate stands for, as (stored event id, trigger span start, end)
    unmatched_added: list[tuple[int, int, int]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many examples of each kind: {"events", "types", "dates", "roles"}."""
        return {"events": sum(y is not None for y in self.events), "types": sum(y is not None for y in self.types),
                "dates": sum(y is not None for y in self.dates), "roles": len(self.roles)}


@dataclass
class ReviewedExample:
    """A reviewed document ready for training: its name, candidates (``DocCandidates``) and labels."""

    name: str
    cands: object
    labels: ReviewedLabels


@dataclass
class ReviewedSet:
    """What :func:`load_reviewed` found: the documents to use and those skipped as already annotated."""

    documents: list = field(default_factory=list)  # ctrack.store.training_repo.StoredDocument
    skipped: list[str] = field(default_factory=list)
    decided: dict[str, int] = field(default_factory=dict)


def annotated_fingerprints(paths: list[Path], texts: list[str] | None = None) -> tuple[set[str], set[str]]:
    """(SHA-256 hex digests of the files' bytes, normalized texts) of annotated documents, to skip them in the KB."""
    hashes = {hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}
    return hashes, {_norm(t) for t in texts or []}


def _norm(text: str) -> str:
    return " ".join(text.split())


def check_reviewed(session) -> dict[str, int]:
    """How many events and roles carry a person's decision ({"events": n, "roles": n}); cheap, to fail early.

    Raises :class:`ctrack.errors.NoReviewedFacts` when there are none.
    """
    from ctrack.store import training_repo

    decided = training_repo.count_reviewed(session)
    if not decided["events"] and not decided["roles"]:
        raise NoReviewedFacts("the knowledge base holds no confirmed, corrected or rejected event or role; "
                              "review some facts first (ctrack review, or the web app's review page)")
    return decided


def load_reviewed(session, annotated_hashes: set[str] = frozenset(), annotated_texts: set[str] = frozenset()) -> ReviewedSet:
    """The knowledge base's documents with decided facts, minus those in the annotated corpora.

    ``annotated_hashes``/``annotated_texts`` come from :func:`annotated_fingerprints`. Raises
    :class:`ctrack.errors.NoReviewedFacts` when no event or role carries a person's decision.
    """
    from ctrack.store import training_repo

    out = ReviewedSet(decided=check_reviewed(session))
    for d in training_repo.reviewed_documents(session):
        if d.sha256 in annotated_hashes or _norm(d.text) in annotated_texts:
            out.skipped.append(d.doc_key)
        else:
            out.documents.append(d)
    return out


def as_document(stored):
    """The :class:`ctrack.schema.Document` of a stored document (its text, title and date as ingested)."""
    from ctrack.schema import DocFormat, Document

    return Document(id=stored.doc_key, path=stored.path, format=DocFormat(stored.format), sha256=stored.sha256,
                    size=stored.size, title=stored.title, published=stored.published, language=stored.language,
                    text=stored.text)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _model_rule(rule: str) -> bool:
    return ":model" in (rule or "")


def match_events(cands, stored) -> dict[int, object]:
    """{event candidate index: StoredEvent} by overlapping evidence spans (a trigger 10, any other span 1), one to one,
    best pairs first (ties: candidate order, then stored id)."""
    pairs = []
    for i, ev in enumerate(cands.decisions.events):
        mine = [(s.start, s.end, s.rule or "") for s in ev.evidence if s.end > s.start and not _model_rule(s.rule)]
        for se in stored.events:
            score = 0
            for a0, a1, ar in mine:
                for b0, b1, br in se.spans:
                    if b1 > b0 and not _model_rule(br) and _overlap((a0, a1), (b0, b1)):
                        score += 10 if ar.startswith("trigger") and br.startswith("trigger") else 1
            if score:
                pairs.append((-score, i, se.id, se))
    out: dict[int, object] = {}
    taken: set[int] = set()
    for _s, i, sid, se in sorted(pairs, key=lambda x: x[:3]):
        if i not in out and sid not in taken:
            out[i] = se
            taken.add(sid)
    return out


def match_actors(cands, stored) -> dict[str, int]:
    """{actor key: stored actor id}: the stored actor whose mentions overlap most of the key's mentions in this
    document, else the one stored under the key's local id (``cands.ids``, filled by deciding once)."""
    ctx = cands.decisions.ctx
    out: dict[str, int] = {}
    for key in sorted(cands.keys):
        mentions = [(m.start, m.end) for m in ctx.actors[key].mentions]
        best, best_n = None, 0
        for actor_id, spans in stored.actor_spans.items():
            n = sum(1 for m in mentions for s in spans if _overlap(m, s))
            if n > best_n:
                best, best_n = actor_id, n
        if best is None:
            best = stored.actor_local_ids.get(cands.ids.get(key, ""))
        if best is not None:
            out[key] = best
    return out


def derive_labels(cands, stored) -> ReviewedLabels:
    """The labels of one document's candidates (``DocCandidates``) from its decided facts (a ``StoredDocument``);
    see the module docstring for the rules."""
    from ctrack.extract import get_extractor
    from ctrack.extract.decide import Models
    from ctrack.train import scorer

    S = scorer()
    if not cands.ids:
        get_extractor().decide(cands, Models())  # fills the key -> local id map; no model, nothing changes
    d = cands.decisions
    ev_match = match_events(cands, stored)
    labels = ReviewedLabels(events=[None] * len(d.events), types=[None] * len(d.events), dates=[None] * len(d.dates))
    for i, se in ev_match.items():
        if se.state in POSITIVE:
            labels.events[i], labels.types[i] = 1, se.type
            if se.added:
                labels.added_events.add(i)
        elif se.state == "rejected":
            labels.events[i] = 0
    matched = {se.id for se in ev_match.values()}
    for se in stored.events:
        if se.added and se.id not in matched and se.spans:
            labels.unmatched_added.append((se.id, se.spans[0][0], se.spans[0][1]))
    for n, c in enumerate(d.dates):
        se = ev_match.get(c.event)
        if se is None or se.state not in POSITIVE or not se.start or not c.date.start_iso:
            continue
        ok = S.start_agrees(se.start, c.date.start_iso) and len(c.date.start_iso) <= len(se.start) + 3
        labels.dates[n] = int(ok)
    actors = match_actors(cands, stored)
    held: dict[tuple[int, int], set[str]] = {}
    added: dict[tuple[int, int], set[str]] = {}
    cleared: set[tuple[int, int]] = set()
    pending: set[tuple[int, int]] = set()
    for r in stored.roles:
        if r.state is None:
            pending.add((r.event_id, r.actor_id))
        elif r.state in POSITIVE:
            held.setdefault((r.event_id, r.actor_id), set()).add(r.role)
            if r.added:
                added.setdefault((r.event_id, r.actor_id), set()).add(r.role)
            cleared.update((r.event_id, a) for a in r.former_actors)
        elif r.state == "rejected":
            cleared.add((r.event_id, r.actor_id))
    for n, c in enumerate(d.roles):
        se = ev_match.get(c.event)
        actor = actors.get(c.key)
        if se is None or se.state == "rejected" or actor is None:
            continue
        roles = sorted(held.get((se.id, actor), set()), key=_ROLE_ORDER.index)
        if len(roles) > 1 and "participant" in roles:
            roles.remove("participant")  # the scorer drops participant beside another role
        if roles:
            labels.roles += [(n, r) for r in roles]
            labels.added_roles += [(n, r) for r in roles if r in added.get((se.id, actor), ())]
        elif (se.id, actor) in cleared and (se.id, actor) not in pending:
            labels.roles.append((n, NONE))
    return labels


def prepare_reviewed(reviewed: ReviewedSet, progress=None) -> list[ReviewedExample]:
    """Run the candidate half of extraction on each reviewed document's stored text and label the candidates.

    ``progress`` is called once per document. Documents that yield no label at all are left out.
    """
    from ctrack.extract import get_extractor

    ex = get_extractor()
    docs = [as_document(s) for s in reviewed.documents]
    out = []
    for stored, cands in zip(reviewed.documents, ex.candidates_many(docs)):
        labels = derive_labels(cands, stored)
        if any(labels.counts().values()):
            out.append(ReviewedExample(stored.doc_key, cands, labels))
        if progress:
            progress(stored)
    return out


def label_counts(examples: list[ReviewedExample]) -> dict[str, int]:
    """Examples of each kind over ``examples``, plus "documents", and of them the facts a reviewer added:
    "added_roles", "added_events" (role and event examples) and "unmatched_added" (added events no candidate
    stands for, which teach nothing)."""
    total: Counter = Counter()
    for e in examples:
        total.update(e.labels.counts())
        total["added_roles"] += len(e.labels.added_roles)
        total["added_events"] += len(e.labels.added_events)
        total["unmatched_added"] += len(e.labels.unmatched_added)
    return {"documents": len(examples), **{k: total[k] for k in ("events", "types", "dates", "roles", "added_roles",
                                                                 "added_events", "unmatched_added")}}


def keep_new_model(before: dict, after: dict, category: str = "all") -> bool:
    """True when the cross-validated F1 of ``category`` (scorer figures, as :func:`ctrack.train.figures` gives)
    with the reviewed documents is not below the figure without them (equal counts as not worse; compared at
    the scorer's 4-decimal precision so that float noise decides nothing)."""
    return round(after[category]["f1"], 4) >= round(before[category]["f1"], 4)


@dataclass
class Check:
    """What :func:`leave_one_out` found: of the reviewed decisions where the memory built from the *other* reviewed
    documents changes the models' decision (``changed``), how many the memory got right and how many the models did
    (the analyst's decision is the truth)."""

    changed: int = 0
    memory_right: int = 0
    model_right: int = 0

    @property
    def holds(self) -> bool:
        """False when, over at least :data:`ctrack.extract.exemplars.CHECK_MIN` decisions where they differ, the memory is right less often
        than the models; True otherwise (fewer differing decisions are too thin to judge by, and leave the memory
        as it is, as no evidence does)."""
        return self.changed < CHECK_MIN or self.memory_right >= self.model_right


def leave_one_out(memory: Memory, examples: list, models) -> Check:
    """Check ``memory`` on the reviewed documents themselves, each left out in turn: every labelled candidate of a
    reviewed document (:class:`ReviewedExample`) is decided by ``models`` (shared weights only,
    as a general document) and by the memory of the other documents (``exclude``), as :mod:`ctrack.extract.decide`
    applies it (a role pair or an event the models keep, dropped by a rejection of the same wording; a pair of a kept
    event left without a role, given the role of an addition of the same wording; a dropped event kept by an added
    one), and the two
    are compared with the analyst's label where they differ. This is the house style's own held-out test, which the
    cross-validation of the annotated corpora cannot be: it never decides a local document."""
    out = Check()
    general = models.for_domain("general")
    for r in examples:
        d = r.cands.decisions
        apply_models(d, general)
        kept = {id(ev) for ev in d.idx.events}
        held: dict[int, set[str]] = {}
        for n, y in r.labels.roles:
            held.setdefault(n, set()).add(y)
        for n, ys in held.items():
            c = d.roles[n]
            kept_event = id(d.events[c.event]) in kept
            mine = {role.value for k, role, _m in d.events[c.event].roles if k == c.key}
            hit = memory.match("role", c.features, exclude=r.name)
            truth = ys - {NONE}
            if mine and hit is not None and hit[0] == NONE:
                out.changed += 1
                out.memory_right += not truth
                out.model_right += mine == truth
            elif not mine and kept_event and hit is not None and hit[0].startswith(ADDED):
                given = set(hit[0][len(ADDED):].split("+"))
                out.changed += 1
                out.memory_right += given <= truth
                out.model_right += not truth
        for i, y in enumerate(r.labels.events):
            if y is None:
                continue
            hit = memory.match("event", d.type_features[i], exclude=r.name)
            if hit is None:
                continue
            if id(d.events[i]) in kept and hit[0] == "0":
                out.changed += 1
                out.memory_right += y == 0
                out.model_right += y == 1
            elif id(d.events[i]) not in kept and hit[0] == ADDED_EVENT:
                out.changed += 1
                out.memory_right += y == 1
                out.model_right += y == 0
    return out


# --------------------------------------------------------------------------- what ``--with-reviewed`` keeps

#: The variants :func:`cross_validate_parts` scores: the models trained on the annotated corpora alone ("before", what
#: ``ctrack train`` writes), the models retrained with the reviewed examples ("retrained"), each of them with the
#: exemplar memory of the reviewed decisions as :func:`prune` leaves it ("+memory"), and with every exemplar
#: ("+unpruned memory", for comparison).
PARTS = ("before", "retrained", "before+memory", "retrained+memory", "before+unpruned memory",
         "retrained+unpruned memory")


def as_written(models, memory=None):
    """``models`` (shared objects) with ``memory`` (an exemplar :class:`~ctrack.extract.exemplars.Memory` or None),
    deciding every document as a model file holding them does (:meth:`ctrack.extract.decide.Models.from_json`): as the
    knowledge base's own ("local") when they have local weights or a memory, else as "general". This is how the
    extraction pipeline (CLI ``extract``/``ingest``, the API) decides *any* new document with the written model
    file, annotated-like or not, so it is how :func:`cross_validate_parts` scores the annotated folds."""
    out = models.for_domain("local" if models.local_scale > 0 or memory else "general")
    out.memory = memory or None
    return out


class _Recorder(Memory):
    """A :class:`~ctrack.extract.exemplars.Memory` that notes the exemplars that decided something (``fired``:
    ``id()`` of each exemplar :meth:`deciders` returned, changing decisions or not)."""

    def __init__(self, memory: Memory):
        super().__init__(memory.exemplars, memory.minimum)
        self.fired: set[int] = set()

    def deciders(self, kind, features, exclude=None):
        hit = super().deciders(kind, features, exclude)
        if hit is not None:
            self.fired.update(id(e) for e in hit[2] if self.acting(e))
        return hit


def exemplar_effects(memory: Memory, test: list, models, without: dict[str, dict],
                     effects: dict[int, list[dict]] | None = None) -> dict[int, list[dict]]:
    """What each exemplar of ``memory`` that changes decisions does, alone, to the annotated documents ``test``
    (:class:`ctrack.train.Prepared`) that ``models`` decide as the written file would (:func:`as_written`):
    {``id(exemplar)``: [scorer counts without it, with it]} over the documents where it decides something, added to
    ``effects`` when given. ``without``: each document's scorer counts with ``models`` and no memory, by path.

    Each document is decided once with the whole memory to find the exemplars that decide something there; each
    such exemplar is then applied alone (with the confirmations and corrections, which only block) and the document
    scored by ``eval/score.py``, so every fact it changes counts: roles of the rules' events and of proposed events,
    events, as :mod:`ctrack.extract.decide` applies the memory."""
    from ctrack.train import score, scorer

    S = scorer()
    out = {} if effects is None else effects
    blockers = [e for e in memory.exemplars if not memory.acting(e)]
    by_id = {id(e): e for e in memory.exemplars}
    for p in test:
        rec = _Recorder(memory)
        score([p], as_written(models, rec))
        for i in sorted(rec.fired, key=lambda i: memory.exemplars.index(by_id[i])):
            alone = Memory(blockers + [by_id[i]], memory.minimum)
            row = out.setdefault(i, [S.new_counts(), S.new_counts()])
            S.add_counts(row[0], without[str(p.item.path)])
            S.add_counts(row[1], score([p], as_written(models, alone)))
    return out


def prune(memory: Memory | None, effects: dict[int, list[dict]]) -> Memory | None:
    """``memory`` without the exemplars that the annotated corpora contradict: an exemplar that changes decisions
    (a rejection or an addition) and, applied alone to the annotated documents where it decides something
    (``effects``, :func:`exemplar_effects`, held-out folds), lowers their pooled ``all`` F1 (:func:`keep_new_model`).
    A rejection whose wording recurs in other house styles where those facts hold was about that one fact, not about
    the wording. An exemplar that never acts on the annotated corpora (its wording is the house style's own) stays:
    nothing speaks against it. Returns None when no exemplar that changes decisions is left."""
    from ctrack.train import figures

    if not memory:
        return None
    dropped = {i for i, (before, after) in effects.items() if not keep_new_model(figures(before), figures(after))}
    out = memory.without(dropped)
    return out if any(out.acting(e) for e in out.exemplars) else None


@dataclass
class PartsCV:
    """What :func:`cross_validate_parts` found: ``cv``, {variant of :data:`PARTS`: {"folds", "pooled"}} (the shape of
    :func:`ctrack.train.cross_validate`); ``memories``, {"before" | "retrained": the memory :func:`prune` leaves on
    the held-out evidence of those models, or None}; ``evidence``, {"before" | "retrained": {id(exemplar): [right,
    wrong]}}."""

    cv: dict
    memories: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)


def cross_validate_parts(prepared: list, reviewed: list, memory: Memory | None = None, progress=None,
                         reviewed_weight: float | None = None, local_scale: float | None = None) -> PartsCV:
    """Grouped cross-validation of each learned part of ``ctrack train --with-reviewed`` (:data:`PARTS`), each decided
    as the written model file would decide (:func:`as_written`).

    For every group of ``prepared`` (:class:`ctrack.train.Prepared`): the models trained on the other groups alone
    ("before") and with the ``reviewed`` examples (:class:`ReviewedExample`, training side only, weight and local
    scale as :func:`ctrack.train.train_models`; "retrained") are scored on the held group, and what each exemplar of
    ``memory`` (the reviewed decisions' memory, built from the reviewed documents only, so the same in every fold)
    does alone to the held group's facts is scored (:func:`exemplar_effects`). After the last fold, the memory is
    pruned on that held-out evidence (:func:`prune`, once per kind of models), and each kind of models is scored on
    every fold again with its pruned memory and with the whole memory. Unlike :func:`ctrack.train.cross_validate`
    with ``reviewed``, which scores the held group as a general document, the memory and any local weights act on
    the annotated folds here, as they act on every document the pipeline extracts with a written model file.
    ``memory`` None: only "before" and "retrained". ``progress`` is called with each finished group's name.
    """
    from ctrack.train import figures, score, scorer, train_models

    S = scorer()
    out = PartsCV({}, {}, {"before": {}, "retrained": {}})
    folds = []
    groups = sorted({p.item.group for p in prepared})

    def add(variant: str, g: str, test: list, models) -> None:
        counts = S.new_counts()
        for c in (models.values() if isinstance(models, dict) else [score(test, models)]):
            S.add_counts(counts, c)
        row = out.cv.setdefault(variant, {"folds": {}, "pooled": {"counts": S.new_counts()}})
        S.add_counts(row["pooled"]["counts"], counts)
        row["folds"][g] = {"documents": len(test), "counts": counts, "figures": figures(counts)}

    for g in groups:
        test = [p for p in prepared if p.item.group == g]
        train = [p for p in prepared if p.item.group != g]
        fold = {"before": train_models(train),
                "retrained": train_models(train, reviewed, reviewed_weight, local_scale, exemplars=False)}
        for base, models in fold.items():
            per_doc = {str(p.item.path): score([p], as_written(models)) for p in test}
            add(base, g, test, per_doc)
            if memory:
                exemplar_effects(memory, test, models, per_doc, out.evidence[base])
        folds.append((g, test, fold))
        if progress:
            progress(g)
    if memory:
        for base in ("before", "retrained"):
            out.memories[base] = prune(memory, out.evidence[base])
            for g, test, fold in folds:
                if out.memories[base]:
                    add(f"{base}+memory", g, test, as_written(fold[base], out.memories[base]))
                add(f"{base}+unpruned memory", g, test, as_written(fold[base], memory))
    for row in out.cv.values():
        row["pooled"]["figures"] = figures(row["pooled"]["counts"])
    return out


@dataclass
class Kept:
    """Which learned parts ``ctrack train --with-reviewed`` keeps (:func:`train_with_reviewed`), and why.

    ``retrained``: the models retrained with the reviewed examples (else the models of the annotated corpora alone);
    ``memory``: the exemplar memory (else none); ``memory_cv``: the memory passed its cross-validated test (the
    annotated folds' ``all`` with the memory not lower than without, on the kept models); ``check``: its
    leave-one-document-out test on the reviewed documents (:func:`leave_one_out`; None when not run); ``forced``:
    kept by ``--force`` whatever the tests said."""

    retrained: bool = False
    memory: bool = False
    memory_cv: bool = False
    check: Check | None = None
    forced: bool = False

    @property
    def anything(self) -> bool:
        """True when at least one part learned from the reviewed facts is kept (else nothing is written)."""
        return self.retrained or self.memory


@dataclass
class WithReviewed:
    """The outcome of :func:`train_with_reviewed`: the cross-validated figures of every variant (``cv``, as
    :func:`cross_validate_parts`), what is ``kept``, the ``memory`` built from the reviewed decisions (every
    exemplar), the ``kept_memory`` written, and the ``models`` to write (None when nothing is kept)."""

    cv: dict
    kept: Kept
    memory: Memory | None = None
    #: the memory written (:func:`prune`'s, on the held-out evidence of the kept models), None when none is kept
    kept_memory: Memory | None = None
    #: {id(exemplar): [scorer counts without it, with it]} on the annotated folds, kept models (:func:`exemplar_effects`)
    evidence: dict = field(default_factory=dict)
    #: {"before" | "retrained": the memory :func:`prune` left for those models, or None} (:class:`PartsCV`)
    pruned: dict = field(default_factory=dict)
    models: object = None

    def figures(self, variant: str | None = None) -> dict:
        """Pooled cross-validated figures of ``variant`` (default: the one written, :attr:`written`)."""
        return self.cv[variant or self.written]["pooled"]["figures"]

    @property
    def written(self) -> str:
        """The :data:`PARTS` variant the kept parts make (what the written model file decides like)."""
        base = "retrained" if self.kept.retrained else "before"
        return f"{base}+memory" if self.kept.memory else base


def choose_parts(cv: dict, check: Check | None = None) -> Kept:
    """Guard each learned part on its own (docs/benchmarks.md, "Corrections that teach", sixth round):

    - the retrained models are kept when the cross-validated ``all`` of ``cv["retrained"]`` is not below
      ``cv["before"]`` (:func:`keep_new_model`); else the models of the annotated corpora alone stay;
    - the exemplar memory, as :func:`prune` leaves it on the held-out evidence of the kept models (``cv`` has no
      "<models>+memory" variant when nothing is left), is kept when, on top of the kept models, the cross-validated
      ``all`` with it applied to the annotated folds is not below the figure without it, *and* ``check`` (its
      leave-one-document-out test on the reviewed documents, :func:`leave_one_out`) holds (None: not run, no
      evidence against it).

    So what is kept never lowers the cross-validated ``all`` of what ``ctrack train`` alone writes, and a part that
    fails its test does not take the other down with it. ``cv`` as :func:`cross_validate_parts` returns it (without
    "+memory" variants: no memory kept)."""
    fig = {k: v["pooled"]["figures"] for k, v in cv.items()}
    retrained = keep_new_model(fig["before"], fig["retrained"])
    base = "retrained" if retrained else "before"
    memory_cv = f"{base}+memory" in fig and keep_new_model(fig[base], fig[f"{base}+memory"])
    return Kept(retrained=retrained, memory=memory_cv and (check is None or check.holds), memory_cv=memory_cv,
                check=check)


def train_with_reviewed(prepared: list, examples: list, reviewed_weight: float | None = None,
                        local_scale: float | None = None, exemplar_min: float | None = None, exemplars: bool = True,
                        force: bool = False, progress=None) -> WithReviewed:
    """What ``ctrack train --with-reviewed`` computes, for the CLI and ``bench/reviewed_training.py`` alike.

    ``prepared``: the annotated corpora (:class:`ctrack.train.Prepared`); ``examples``: the labelled reviewed
    documents (:func:`prepare_reviewed`). Builds the exemplar memory (:func:`ctrack.extract.exemplars.from_reviewed`
    at ``exemplar_min``; none without ``exemplars``), cross-validates every variant (:func:`cross_validate_parts`,
    ``progress`` per group), chooses the parts (:func:`choose_parts`; the memory's leave-one-out check runs on the
    models to be written, when its cross-validated test passes), and trains the models to write on all of
    ``prepared``: retrained with ``examples`` (each weighing ``reviewed_weight``, local weights at ``local_scale``)
    when that part is kept, else on the annotated corpora alone, with the memory attached when kept. ``force``
    keeps every part whatever the tests say. ``models`` is None when no part is kept (nothing to write)."""
    from ctrack.extract.exemplars import EXEMPLAR_MIN, from_reviewed
    from ctrack.train import train_models

    memory = (from_reviewed(examples, EXEMPLAR_MIN if exemplar_min is None else exemplar_min) or None) if exemplars else None
    parts = cross_validate_parts(prepared, examples, memory, progress, reviewed_weight, local_scale)
    kept = choose_parts(parts.cv)
    if force:
        kept = Kept(retrained=True, memory=memory is not None, memory_cv=kept.memory_cv, forced=True)
    base = "retrained" if kept.retrained else "before"
    out = WithReviewed(parts.cv, kept, memory, kept_memory=memory if force else parts.memories.get(base),
                       evidence=parts.evidence.get(base, {}), pruned=parts.memories)
    if not kept.anything:
        return out
    if kept.retrained:
        models = train_models(prepared, examples, reviewed_weight, local_scale, exemplars=False)
    else:
        models = train_models(prepared)
    if kept.memory:
        kept.check = leave_one_out(out.kept_memory, examples, models)
        kept.memory = force or kept.check.holds
    if kept.memory:
        models.memory = out.kept_memory
    else:
        out.kept_memory = None
    if not kept.anything:
        return out
    models.meta["reviewed_documents"] = sorted(r.name for r in examples)
    models.meta["exemplars"] = len(out.kept_memory.exemplars) if kept.memory else 0
    models.meta["kept"] = {"retrained": kept.retrained, "memory": kept.memory}
    if kept.retrained:
        from ctrack.train import REVIEWED_WEIGHT

        models.meta["reviewed_weight"] = REVIEWED_WEIGHT if reviewed_weight is None else float(reviewed_weight)
        models.meta["local_scale"] = models.local_scale
    out.models = models
    return out


__all__ = ["ReviewedLabels", "ReviewedExample", "ReviewedSet", "annotated_fingerprints", "check_reviewed", "load_reviewed",
           "as_document", "match_events", "match_actors", "derive_labels", "prepare_reviewed", "label_counts",
           "keep_new_model", "Check", "leave_one_out", "PARTS", "as_written", "exemplar_effects", "prune", "PartsCV",
           "cross_validate_parts", "Kept",
           "WithReviewed", "choose_parts", "train_with_reviewed"]
