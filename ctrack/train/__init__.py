"""Training and grouped cross-validation of the extraction decision models.

The annotated data are ``ctrack.extraction/1`` gold records beside their
documents (``docs/<id>.<ext>`` and ``gold/<id>.json``): ``../shared/corpus/dev``,
``../shared/corpus/train`` and the two held-out sets in ``tests/extract/``.
:func:`load_corpora` reads them with a *group* per document: the source
family set it belongs to (one group per annotated set, since each set was
written from its own families; see ``../shared/corpus/train/README.md``), so
that a family's documents are never split between training and test.

:func:`train_models` fits the models of :mod:`ctrack.extract.decide`
(date, type, event, role, proposal, parse_proposal, split, verify; scikit-learn ``LogisticRegression`` over
``DictVectorizer`` features) from the rules' candidates and labels taken from
the gold records through the scorer's own alignment (``eval/score.py``).
:func:`cross_validate` trains on all groups but one and scores the held group
with the scorer, for every group in turn. Both are deterministic: fixed
document order, fixed solver, no random state.
"""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ctrack.errors import TrainingError
from ctrack.extract.decide import (NONE, ROLE_LABELS, _ROLE_ORDER, LinearModel, Models, apply_models, event_decision_features,
                                   local_features, verify_features)

#: Regularisation strength of each model (scikit-learn's C). Chosen by grouped cross-validation.
C_DATE, C_TYPE, C_EVENT, C_ROLE, C_PROPOSAL, C_VERIFY = 0.5, 0.5, 0.5, 0.3, 0.5, 0.3
C_ACTOR = 0.1  # grouped CV, actor model only: pooled actors 0.819 at C 0.1, 0.816 at 0.5, 0.813 at 2
C_PARSE_PROPOSAL = 0.5
C_SPLIT = 0.5
#: How many gold examples one example from an analyst's review decision weighs (``sample_weight``) when
#: ``ctrack train --with-reviewed`` adds the knowledge base's reviewed facts (``--reviewed-weight`` overrides it).
#: Chosen by ``bench/reviewed_weight.py`` on five annotated groups that play "reviewed" in turn (never on the
#: groups the report measures): the mean change of the unreviewed half's ``all`` F1 was -0.0000 at 1, -0.0011 at 3,
#: -0.0016 at 10 (docs/benchmarks.md, "Corrections that teach"); a heavier weight fits the 30 decisions' noise.
REVIEWED_WEIGHT = 1.0
#: Domain adaptation of ``ctrack train --with-reviewed``: the value of a reviewed example's local feature copies
#: (:func:`ctrack.extract.decide.local_features`); the L2 penalty on the local weights is 1/LOCAL_SCALE² as strong as
#: on the shared ones. 0 turns the adaptation off (reviewed examples then only join the shared training data,
#: weighted). Off by default: on the merged models (actor model included), measured on a quiet machine
#: (2026-12-07 17:01-17:06, ``bench/reviewed_training.py --group train-c`` / ``train-d``), scale 1 left the
#: unreviewed half B at 0.567 / 0.476 against 0.572 / 0.480 with the adaptation off, and the cross-validated
#: ``all`` did not drop either way; the earlier, loaded measurement on the models before the actor model had
#: scale 1 ahead by as little. A mechanism that is not shown to help stays opt-in (``--local-scale 1``);
#: ``bench/reviewed_weight.py --scales`` compares scales on groups that play "reviewed" in turn (not completed).
LOCAL_SCALE = 0.0
SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx")


@dataclass
class Annotated:
    """One annotated document: its source file, its gold record (a dict) and its group."""

    path: Path
    gold: dict
    group: str


@dataclass
class Prepared:
    """An annotated document with the rules' candidates (spaCy has run once)."""

    item: Annotated
    cands: object  # ctrack.extract.DocCandidates


def default_corpora(root: Path | None = None) -> list[tuple[Path, str]]:
    """The project's annotated sets as (folder, group prefix), relative to the repository root ``root``
    (default: the current directory): ../shared/corpus/dev, ../shared/corpus/train, tests/extract/heldout{,2}."""
    root = Path.cwd() if root is None else root
    shared = root.parent / "shared" / "corpus"
    return [(shared / "dev", "dev"), (shared / "train", "train"),
            (root / "tests" / "extract" / "heldout", "heldout"), (root / "tests" / "extract" / "heldout2", "heldout2")]


def _group(prefix: str, stem: str) -> str:
    """The training corpus holds four sets (tra-, trb-, trc-, trd-), each its own group of families."""
    if prefix == "train" and len(stem) > 3 and stem[:2] == "tr":
        return f"train-{stem[2]}"
    return prefix


@lru_cache(maxsize=1)
def scorer(path: str | None = None):
    """The project's scorer module (``../shared/eval/score.py``), loaded from ``path`` or found beside the corpora.

    Raises :class:`TrainingError` when it is not there.
    """
    candidates = [Path(path)] if path else [Path.cwd().parent / "shared" / "eval" / "score.py",
                                            Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "score.py"]
    for p in candidates:
        if p.exists():
            spec = importlib.util.spec_from_file_location("ctrack_scorer", p)
            mod = importlib.util.module_from_spec(spec)
            sys.modules["ctrack_scorer"] = mod
            spec.loader.exec_module(mod)
            return mod
    raise TrainingError(f"the scorer eval/score.py was not found (looked at {', '.join(map(str, candidates))})")


def load_corpora(sets: list[tuple[Path, str]]) -> list[Annotated]:
    """Every document with a gold record in the given (folder, group prefix) sets, in name order.

    Raises :class:`TrainingError` naming the folder when one has no ``docs/`` and ``gold/``.
    """
    S = scorer()
    out = []
    for folder, prefix in sets:
        docs, gold = folder / "docs", folder / "gold"
        if not docs.is_dir() or not gold.is_dir():
            raise TrainingError(f"{folder}: not an annotated set (needs docs/ and gold/)")
        for g in sorted(gold.glob("*.json")):
            src = [p for p in sorted(docs.glob(g.stem + ".*")) if p.suffix.lower() in SUFFIXES]
            if not src:
                raise TrainingError(f"{g}: no document {g.stem}.* in {docs}")
            out.append(Annotated(src[0], S.load_record(g, gold=True), _group(prefix, g.stem)))
    return out


def prepare(items: list[Annotated], progress=None) -> list[Prepared]:
    """Read each document and run the candidate half of extraction on it (spaCy once per document).

    ``progress`` is called with each finished item (for a progress bar). Raises the reader's
    CtrackError for a document that cannot be read.
    """
    from ctrack.extract import get_extractor
    from ctrack.ingest import read

    ex = get_extractor()
    docs = [read(it.path) for it in items]
    out = []
    for it, cands in zip(items, ex.candidates_many(docs)):
        out.append(Prepared(it, cands))
        if progress:
            progress(it)
    return out


# ---------------------------------------------------------------------------
# Labels from the gold records
# ---------------------------------------------------------------------------
def _record(prep: Prepared, models: Models):
    from ctrack.extract import get_extractor

    return get_extractor().decide(prep.cands, models).to_json()


def align(gold: dict, pred: dict) -> tuple[dict[str, str], dict[int, int]]:
    """The scorer's own alignment of a predicted record with a gold one (``eval/score.py``): (predicted actor id →
    gold actor id, {gold event index: predicted event index}); events are aligned on their roles through the actor
    alignment, participants dropped beside another role, as the scorer counts them."""
    S = scorer()
    g_actors, p_actors = gold["actors"], pred["actors"]
    p2g = {p_actors[pj]["id"]: g_actors[gi]["id"] for gi, pj in S.align_actors(g_actors, p_actors).items()}
    g_sets = [S.drop_participants(S.role_pairs(e)) for e in gold["events"]]
    p_sets = [{(p2g.get(a), r) for a, r in S.drop_participants(S.role_pairs(e))} for e in pred["events"]]
    return p2g, S.align_events(gold["events"], pred["events"], g_sets, p_sets)


def date_labels(prep: Prepared) -> list[int]:
    """1 for a (undated event, date) candidate whose date is the start of a gold event of the same type
    that no event the rules dated already matches (scorer's alignment); else 0."""
    S = scorer()
    gold = prep.item.gold
    pred = _record(prep, Models())
    _, e_pairs = align(gold, pred)
    matched = {gi for gi, pi in e_pairs.items() if pred["events"][pi].get("start")}
    open_gold = [g for gi, g in enumerate(gold["events"]) if gi not in matched and g.get("start")]
    events = prep.cands.decisions.events
    labels = []
    for c in prep.cands.decisions.dates:
        ev = events[c.event]
        ok = any(g["type"] == ev.type.value and S.start_agrees(g["start"], c.date.start_iso)
                 and len(c.date.start_iso) <= len(g["start"]) + 3 for g in open_gold)
        labels.append(int(ok))
    return labels


def type_labels(prep: Prepared, models: Models) -> list[str | None]:
    """Per event candidate, after deciding dates with ``models.date``: the gold type of the gold event it stands
    for. Matched events (scorer's alignment) keep their own type; an unmatched dated event takes the type of the
    unmatched gold events whose start and country agree with it, when they all have one type; else None (no example)."""
    S = scorer()
    gold = prep.item.gold
    pred = _record(prep, Models(date=models.date))
    g_sets = [set() for _ in gold["events"]]
    p_sets = [set() for _ in pred["events"]]
    e_pairs = S.align_events(gold["events"], pred["events"], g_sets, p_sets)
    p2g = {pi: gi for gi, pi in e_pairs.items()}
    out: list[str | None] = []
    for i, p in enumerate(pred["events"]):
        if i in p2g:
            out.append(p["type"])
            continue
        types = {g["type"] for gi, g in enumerate(gold["events"]) if gi not in e_pairs and p.get("start") and g.get("start")
                 and S.start_agrees(g["start"], p["start"]) and S.events_compatible(dict(g, type=p["type"]), p)}
        out.append(types.pop() if len(types) == 1 else None)
    return out


def proposal_labels(prep: Prepared, models: Models) -> list[int]:
    """Per proposed event (:class:`ctrack.extract.decide.EventProposal`), after deciding dates and types with
    ``models``: 1 when it stands for a gold event that no event of the rules matches (scorer's alignment) — same
    type, its start agreeing, no other country — each gold event claimed by the first such proposal, the phrase
    proposals before the parse candidates' (:func:`ctrack.extract.events.syntactic_triggers`), both before the
    venues of a series (``EventProposal.place``); else 0."""
    S = scorer()
    gold = prep.item.gold
    pred = _record(prep, Models(date=models.date, type=models.type))
    matched = set(align(gold, pred)[1])
    open_gold = [gi for gi, g in enumerate(gold["events"]) if gi not in matched and g.get("start")]
    props = prep.cands.decisions.proposals
    labels = [0] * len(props)
    # phrase proposals claim gold events first, then the parse's, then the venues of a series (decided after both):
    # adding parse candidates or venues never changes the labels of the models decided before them
    order = sorted(range(len(props)), key=lambda i: (props[i].place is not None, props[i].trigger.token is not None))
    for i in order:
        prop = props[i]
        ev = prop.draft
        as_pred = {"type": ev.type.value, "start": ev.start, "country": ev.country}
        hit = next((gi for gi in open_gold if S.events_compatible(gold["events"][gi], as_pred)
                    and len(ev.start) <= len(gold["events"][gi]["start"]) + 3), None)
        if hit is not None:
            open_gold.remove(hit)
        labels[i] = int(hit is not None)
    return labels


def event_and_role_labels(prep: Prepared, models: Models) -> tuple[list[int], list[tuple[int, str]]]:
    """Labels after deciding dates with ``models.date``: per event candidate 1/0 (matched to a gold
    event by the scorer), and per role candidate of a matched event its gold roles (``"none"`` when it
    holds none); role candidates of unmatched events are skipped. Returns (event labels, [(candidate index, label)])."""
    S = scorer()
    gold = prep.item.gold
    cands = prep.cands.decisions
    pred = _record(prep, Models(date=models.date, type=models.type))
    ids = dict(prep.cands.ids)
    p2g, e_pairs = align(gold, pred)
    pred_to_gold = {pi: gi for gi, pi in e_pairs.items()}
    # no event is dropped when no event model is given, so record events follow candidate order
    ev_labels = [int(i in pred_to_gold) for i in range(len(cands.events))]
    roles = []
    for n, c in enumerate(cands.roles):
        gi = pred_to_gold.get(c.event)
        if gi is None:
            continue
        gid = p2g.get(ids.get(c.key))
        held = sorted({r for a, r in S.role_pairs(gold["events"][gi]) if gid is not None and a == gid},
                      key=_ROLE_ORDER.index)
        if held and len(held) > 1 and "participant" in held:
            held.remove("participant")  # the scorer drops participant beside another role
        for r in held or [NONE]:
            roles.append((n, r))
    return ev_labels, roles


def actor_examples(prep: Prepared) -> tuple[list[dict], list[int]]:
    """The actor model's examples of one document: per actor candidate (:attr:`DocCandidates.actor_features`),
    its features and 1 when the scorer aligns it with a gold actor (same kind group; name, acronym or ISO3
    agreeing), else 0. The candidates are the rules' (no model decides which actors are listed)."""
    pred = _record(prep, Models())
    p2g, _ = align(prep.item.gold, pred)
    ids = prep.cands.ids
    feats, labels = [], []
    for key, f in prep.cands.actor_features.items():
        if key in ids:
            feats.append(f)
            labels.append(int(ids[key] in p2g))
    return feats, labels


# ---------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------
def _fit(features: list[dict], labels: list, C: float, weights: list[float] | None = None) -> LinearModel | None:
    """A logistic regression over ``features`` (dicts) and ``labels``; ``weights`` (one per example, default all 1)
    are scikit-learn's ``sample_weight``. None when the labels hold fewer than two classes."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        return None
    vec = DictVectorizer(sparse=True, sort=True)
    X = vec.fit_transform(features)
    model = LogisticRegression(C=C, max_iter=3000, solver="lbfgs")
    if weights is None or all(w == 1.0 for w in weights):
        model.fit(X, [str(y) for y in labels])  # unweighted: byte-identical to the models trained before weights
    else:
        model.fit(X, [str(y) for y in labels], sample_weight=weights)
    return LinearModel.from_sklearn(vec, model)


def _calibrator(features: list[dict], labels: list[int], groups: list[str], C: float) -> LinearModel | None:
    """Platt scaling for a binary model under a change of house style: for each group, the model is fitted on the
    other groups and gives its probability to the held group's examples; a one-feature logistic regression
    (:func:`ctrack.extract.decide.calibrated`) then maps those out-of-group probabilities to the share that holds.
    In-sample probabilities would be too sure of themselves on a family nobody annotated. None with under two groups."""
    from ctrack.extract.decide import calibration_features

    xs, ys = [], []
    for g in sorted(set(groups)):
        m = _fit([f for f, x in zip(features, groups) if x != g], [y for y, x in zip(labels, groups) if x != g], C)
        if m is None:
            continue
        for f, y, x in zip(features, labels, groups):
            if x == g:
                xs.append(calibration_features(m.proba(f).get("1", 0.0)))
                ys.append(y)
    return _fit(xs, ys, 1.0) if len(set(groups)) > 1 else None


def verify_examples(roles: list, labels: list[tuple[int, str]]) -> tuple[list[dict], list[int]]:
    """Examples of the verification model from role ``labels`` ([(candidate index, gold role or "none")] over the
    candidates ``roles``): one per role the cue rules proposed for a labelled candidate, 1 when the gold holds it."""
    held: dict[int, set[str]] = {}
    for n, y in labels:
        held.setdefault(n, set()).add(y)
    feats, ys = [], []
    for n in sorted(held):
        c = roles[n]
        for r in c.rule_roles:
            feats.append(verify_features(c, r))
            ys.append(int(r in held[n]))
    return feats, ys


def train_models(prepared: list[Prepared], reviewed: list | None = None,
                 reviewed_weight: float | None = None, local_scale: float | None = None,
                 exemplar_min: float | None = None, exemplars: bool = True) -> Models:
    """Fit the date, type, proposal (phrase, parse and split), event, role and verification models on ``prepared`` documents (see the module docstring).

    ``reviewed``: :class:`ctrack.train.reviewed.ReviewedExample` documents whose candidates carry partial
    labels from the knowledge base's review decisions; they add examples (a None label adds none), each
    weighing ``reviewed_weight`` gold examples (scikit-learn ``sample_weight``; default
    :data:`REVIEWED_WEIGHT`, where the figure comes from). With ``local_scale`` > 0 (default
    :data:`LOCAL_SCALE`) the reviewed documents are a domain of their own: their event, role and verification
    examples (:data:`ctrack.extract.decide.LOCAL_KINDS`) carry local copies of their features
    (:func:`ctrack.extract.decide.local_features`), so those models learn local weights that apply only to documents
    decided as ``"local"`` (:class:`ctrack.extract.decide.Models`); their date and type examples join the shared data. The returned models decide
    as ``"general"``. With ``exemplars`` (default) the reviewed decisions are also kept as an exemplar memory
    (:func:`ctrack.extract.exemplars.from_reviewed`, similarity ``exemplar_min``, default
    :data:`ctrack.extract.exemplars.EXEMPLAR_MIN`), applied to documents decided as ``"local"`` only.
    Raises ValueError for a weight below 1, a negative scale or a similarity outside (0, 1].
    """
    reviewed = reviewed or []
    w = REVIEWED_WEIGHT if reviewed_weight is None else float(reviewed_weight)
    if w < 1.0:
        raise ValueError(f"reviewed_weight must be at least 1 (a reviewed fact is at least a gold one), not {w}")
    a = (LOCAL_SCALE if local_scale is None else float(local_scale)) if reviewed else 0.0
    if a < 0:
        raise ValueError(f"local_scale must not be negative, not {a}")
    from ctrack.extract.exemplars import EXEMPLAR_MIN, from_reviewed

    m_min = EXEMPLAR_MIN if exemplar_min is None else float(exemplar_min)
    if not 0 < m_min <= 1:
        raise ValueError(f"exemplar_min must be a similarity in (0, 1], not {m_min}")

    def loc(f: dict) -> dict:
        return local_features(f, a) if a > 0 else f
    feats, labels = [], []
    for p in prepared:
        feats += [c.features for c in p.cands.decisions.dates]
        labels += date_labels(p)
    date_w = [1.0] * len(labels)
    for r in reviewed:
        for c, y in zip(r.cands.decisions.dates, r.labels.dates):
            if y is not None:
                feats.append(c.features)
                labels.append(y)
                date_w.append(w)
    date_model = _fit(feats, labels, C_DATE, date_w)
    type_feats, type_y, type_w = [], [], []
    for p in prepared:
        for f, y in zip(p.cands.decisions.type_features, type_labels(p, Models(date=date_model))):
            if y is not None:
                type_feats.append(f)
                type_y.append(y)
                type_w.append(1.0)
    for r in reviewed:
        for f, y in zip(r.cands.decisions.type_features, r.labels.types):
            if y is not None:
                type_feats.append(f)
                type_y.append(y)
                type_w.append(w)
    type_model = _fit(type_feats, type_y, C_TYPE, type_w)
    prop_feats, prop_labels = [], []
    for p in prepared:
        prop_feats += [c.features for c in p.cands.decisions.proposals]
        prop_labels += proposal_labels(p, Models(date=date_model, type=type_model))
    phrase = [i for i, f in enumerate(prop_feats) if "syntactic" not in f and "place_split" not in f]
    parse = [i for i, f in enumerate(prop_feats) if "syntactic" in f]
    # the split model learns from the phrase proposals as well (the venues of a series are few, 9 in the annotated
    # corpora, from two documents): a venue is a phrase trigger's proposal with a place of its own, so the phrase
    # examples teach it the trigger and date features, and the split features what a venue adds
    split = [i for i, f in enumerate(prop_feats) if "syntactic" not in f]
    proposal_model = _fit([prop_feats[i] for i in phrase], [prop_labels[i] for i in phrase], C_PROPOSAL)
    parse_proposal_model = _fit([prop_feats[i] for i in parse], [prop_labels[i] for i in parse], C_PARSE_PROPOSAL)
    # the venues of a series are few (9 in the annotated corpora, from two documents): with one class only (a fold
    # whose training side has only accepted venues) there is no split model and no venue becomes an event
    split_model = _fit([prop_feats[i] for i in split], [prop_labels[i] for i in split], C_SPLIT)
    ev_feats, ev_labels, ev_w, role_feats, role_labels, role_w = [], [], [], [], [], []
    ver_feats, ver_labels, ver_w, ver_groups = [], [], [], []
    for p in prepared:
        evl, rl = event_and_role_labels(p, Models(date=date_model, type=type_model))
        cands = p.cands.decisions
        for ev, f, y in zip(cands.events, cands.event_features, evl):
            ev_feats.append(event_decision_features(f, ev))
            ev_labels.append(y)
            ev_w.append(1.0)
        for n, y in rl:
            role_feats.append(cands.roles[n].features)
            role_labels.append(y)
            role_w.append(1.0)
        vf, vy = verify_examples(cands.roles, rl)
        ver_feats += vf
        ver_labels += vy
        ver_w += [1.0] * len(vy)
        ver_groups += [p.item.group] * len(vy)
    for r in reviewed:
        cands = r.cands.decisions
        apply_models(cands, Models(date=date_model, type=type_model))  # the event features see the decided date and type
        for ev, f, y in zip(cands.events, cands.event_features, r.labels.events):
            if y is not None:
                ev_feats.append(loc(event_decision_features(f, ev)))
                ev_labels.append(y)
                ev_w.append(w)
        for n, y in r.labels.roles:
            role_feats.append(loc(cands.roles[n].features))
            role_labels.append(y)
            role_w.append(w)
        vf, vy = verify_examples(cands.roles, r.labels.roles)
        ver_feats += [loc(f) for f in vf]
        ver_labels += vy
        ver_w += [w] * len(vy)
        ver_groups += ["reviewed"] * len(vy)
    act_feats, act_labels = [], []
    for p in prepared:
        f, y = actor_examples(p)
        act_feats += f
        act_labels += y
    models = Models(date=date_model, type=type_model, event=_fit(ev_feats, ev_labels, C_EVENT, ev_w),
                    role=_fit(role_feats, role_labels, C_ROLE, role_w), proposal=proposal_model, parse_proposal=parse_proposal_model, split=split_model,
                    verify=_fit(ver_feats, ver_labels, C_VERIFY, ver_w),
                    verify_calibration=_calibrator(ver_feats, ver_labels, ver_groups, C_VERIFY),
                    actor=_fit(act_feats, act_labels, C_ACTOR), local_scale=a,
                    memory=(from_reviewed(reviewed, m_min) or None) if reviewed and exemplars else None)
    models.meta = {"documents": len(prepared), "date_examples": len(labels), "type_examples": len(type_y), "event_examples": len(ev_labels),
                   "role_examples": len(role_labels), "proposal_examples": len(phrase), "parse_proposal_examples": len(parse), "split_examples": len(split), "verify_examples": len(ver_labels), "actor_examples": len(act_labels), "role_labels": ROLE_LABELS,
                   "groups": sorted({p.item.group for p in prepared})}
    if reviewed:
        models.meta["reviewed_documents"] = sorted(r.name for r in reviewed)
        models.meta["reviewed_weight"] = w
        models.meta["local_scale"] = a
        models.meta["exemplars"] = len(models.memory.exemplars) if models.memory else 0
    return models


# ---------------------------------------------------------------------------
# Scoring and cross-validation
# ---------------------------------------------------------------------------
def score(prepared: list[Prepared], models: Models, details: dict | None = None) -> dict:
    """Scorer counts pooled over ``prepared`` documents decided with ``models``: {category: {tp, fp, fn}}.

    ``details``, when given, receives per document (by file stem) its predicted record (a dict) and the scorer's
    detail lines (every missed and spurious fact): {stem: {"record": …, "details": [str, …]}}."""
    S = scorer()
    total = S.new_counts()
    for p in prepared:
        record = _record(p, models)
        counts, lines = S.score_document(p.item.gold, record)
        S.add_counts(total, counts)
        if details is not None:
            details[p.item.path.stem] = {"record": record, "details": lines}
    return total


def figures(counts: dict) -> dict:
    """P/R/F1 per category (and ``all``) from scorer counts, as the scorer computes them."""
    return scorer().figures(counts)


def cross_validate(prepared: list[Prepared], only: list[str] | None = None, reviewed: list | None = None,
                   progress=None, reviewed_weight: float | None = None, local_scale: float | None = None,
                   details: bool = False) -> dict:
    """Grouped cross-validation: for each group (or each of ``only``), train on the others and score it.

    ``reviewed`` documents (:class:`ctrack.train.reviewed.ReviewedExample`) join the training side of every
    fold and are never scored, each example weighing ``reviewed_weight`` and with local copies at ``local_scale``
    (:func:`train_models`); the held group, annotated, is decided as a ``"general"`` document (its own house
    style, not the knowledge base's). ``progress`` is called with each finished group's name.
    Returns {"folds": {group: {"documents": n, "counts": …, "figures": …}}, "pooled": {"counts", "figures"}}; with
    ``details``, each fold also holds "details": its documents' predicted records and scorer lines (:func:`score`).
    """
    S = scorer()
    groups = sorted({p.item.group for p in prepared})
    pooled = S.new_counts()
    folds = {}
    for g in groups:
        if only and g not in only:
            continue
        train = [p for p in prepared if p.item.group != g]
        test = [p for p in prepared if p.item.group == g]
        lines: dict | None = {} if details else None
        counts = score(test, train_models(train, reviewed, reviewed_weight, local_scale).for_domain("general"), lines)
        S.add_counts(pooled, counts)
        folds[g] = {"documents": len(test), "counts": counts, "figures": figures(counts)}
        if details:
            folds[g]["details"] = lines
        if progress:
            progress(g)
    return {"folds": folds, "pooled": {"counts": pooled, "figures": figures(pooled)}}
