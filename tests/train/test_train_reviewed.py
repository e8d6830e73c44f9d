"""Training labels from reviewed facts (ctrack.train.reviewed) and ``ctrack train --with-reviewed`` (issue 11, part 5).

A real knowledge base (SQLite in tmp_path) holds a dev document extracted by the shipped pipeline; the tests make
review decisions through :mod:`ctrack.track.review` and check the labels derived from them.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ctrack.cli import app
from ctrack.errors import NoReviewedFacts
from ctrack.extract import get_extractor
from ctrack.extract.decide import Models
from ctrack.ingest import read
from ctrack.store.db import open_store, session_scope
from ctrack.store.models import DbActor, DbEvent, DbEventRole
from ctrack.store.repo import save_document
from ctrack.store.track_models import Entity
from ctrack.track import review
from ctrack.train.reviewed import annotated_fingerprints, keep_new_model, load_reviewed, prepare_reviewed

from train_corpora import DEV, make_group

U = "tester"


def _extract(doc):
    """The shipped pipeline's record of ``doc``; for dev-001, with one wrong role an analyst has to reject: the
    Implementation Task Force as a speaker of the workshop beside its organizer role (the pipeline proposed it until
    the role-list models of issue 8; the tests need an actor with one wrong and one right role)."""
    from ctrack.schema import Role, RoleType

    record = get_extractor().extract(doc)
    if doc.id == "dev-001":
        ids = {a.name: a.id for a in record.actors}
        task_force = next(v for k, v in ids.items() if "Implementation Task Force" in k)
        workshop = next(e for e in record.events if e.type.value == "workshop")
        if not any(r.actor == task_force and r.role is RoleType.SPEAKER for r in workshop.roles):
            workshop.roles.append(Role(actor=task_force, role=RoleType.SPEAKER, confidence=0.5))
    return record


def _kb(folder: Path, ids: list[str]) -> tuple[object, str]:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'kb.sqlite3'}"
    engine = open_store(url)
    for i in ids:
        doc = read(next((DEV / "docs").glob(f"{i}.*")))
        with session_scope(engine) as s:
            save_document(s, doc, _extract(doc))
    return engine, url


def _event(s, type_: str) -> DbEvent:
    return s.scalars(select(DbEvent).where(DbEvent.type == type_)).one()


def _role(s, event: DbEvent, name_part: str, role: str) -> DbEventRole:
    return s.scalars(select(DbEventRole).join(DbActor, DbActor.id == DbEventRole.actor_id).where(
        DbEventRole.event_id == event.id, DbEventRole.role == role, DbActor.name.contains(name_part))).one()


def _labels(engine):
    with session_scope(engine) as s:
        found = load_reviewed(s)
    examples = prepare_reviewed(found)
    assert [e.name for e in examples] == ["dev-001"]
    ex = examples[0]
    d = ex.cands.decisions
    roles = {(d.roles[n].event, d.roles[n].key, y) for n, y in ex.labels.roles}
    return ex, d, roles


@pytest.fixture
def dev001(tmp_path):
    engine, _url = _kb(tmp_path, ["dev-001"])
    yield engine
    engine.dispose()


def test_confirmed_corrected_and_rejected_facts_become_labels(dev001):
    with session_scope(dev001) as s:
        workshop, launch = _event(s, "workshop"), _event(s, "launch")
        assert workshop.start is None  # undated in the text; the rules leave it so
        review.confirm(s, Entity.EVENT, workshop.id, user=U)
        review.correct(s, Entity.EVENT, workshop.id, "start", "2007-12-11", user=U)
        review.correct(s, Entity.EVENT, launch.id, "type", "conference", user=U)
        review.confirm(s, Entity.EVENT_ROLE, _role(s, workshop, "Indonesia", "organizer").id, user=U)
        # the Task Force: speaker rejected, but its organizer role awaits review, so "no role" is no label
        review.reject(s, Entity.EVENT_ROLE, _role(s, workshop, "Implementation Task Force", "speaker").id, user=U)
        review.correct(s, Entity.EVENT_ROLE, _role(s, workshop, "Laborde", "speaker").id, "role", "chair", user=U)
        review.reject(s, Entity.EVENT_ROLE, _role(s, workshop, "Wibowo", "speaker").id, user=U)
    ex, d, roles = _labels(dev001)
    types = [e.type.value for e in d.events]
    w, la = types.index("workshop"), types.index("launch")
    assert ex.labels.events[w] == 1 and ex.labels.types[w] == "workshop"
    assert ex.labels.events[la] == 1 and ex.labels.types[la] == "conference"  # the corrected type
    dates = {c.date.start_iso: y for c, y in zip(d.dates, ex.labels.dates)}
    assert dates == {"2007-12-11": 1, "2006": 0}  # the corrected start is the workshop's date, the other is not
    assert roles == {(w, "state:IDN", "organizer"), (w, "person:jeanpaullaborde", "chair"),
                     (w, "person:triyonowibowo", "none")}
    assert ex.labels.counts() == {"events": 2, "types": 2, "dates": 2, "roles": 3}


def test_a_rejected_event_is_a_negative_and_takes_no_role_labels(dev001):
    with session_scope(dev001) as s:
        launch = _event(s, "launch")
        review.confirm(s, Entity.EVENT_ROLE, launch.roles[0].id, user=U)
        review.reject(s, Entity.EVENT, launch.id, user=U)
    ex, d, roles = _labels(dev001)
    la = [e.type.value for e in d.events].index("launch")
    assert ex.labels.events[la] == 0 and ex.labels.types[la] is None
    assert roles == set()
    assert ex.labels.events[1 - la] is None  # the workshop was not reviewed: no label


def test_a_role_corrected_to_another_actor_teaches_both(dev001):
    with session_scope(dev001) as s:
        workshop = _event(s, "workshop")
        ga = s.scalars(select(DbActor).where(DbActor.name == "General Assembly")).one()
        review.confirm(s, Entity.EVENT, workshop.id, user=U)
        review.correct(s, Entity.EVENT_ROLE, _role(s, workshop, "Wibowo", "speaker").id, "actor_id", str(ga.id), user=U)
    ex, d, roles = _labels(dev001)
    w = [e.type.value for e in d.events].index("workshop")
    assert roles == {(w, "org:general-assembly", "speaker"), (w, "person:triyonowibowo", "none")}


def test_a_rejected_role_on_an_event_nobody_confirmed_teaches_no_role(dev001):
    with session_scope(dev001) as s:
        workshop = _event(s, "workshop")
        review.reject(s, Entity.EVENT_ROLE, _role(s, workshop, "Wibowo", "speaker").id, user=U)
        review.confirm(s, Entity.EVENT_ROLE, _role(s, workshop, "Laborde", "speaker").id, user=U)
        # the Task Force: one of its two roles rejected, the other awaits review: no label for the pair
        review.reject(s, Entity.EVENT_ROLE, _role(s, workshop, "Implementation Task Force", "speaker").id, user=U)
    ex, d, roles = _labels(dev001)
    w = [e.type.value for e in d.events].index("workshop")
    # "Wibowo is no speaker here" holds whether or not the event is real; the confirmation says Laborde is one
    assert roles == {(w, "person:jeanpaullaborde", "speaker"), (w, "person:triyonowibowo", "none")}
    assert ex.labels.events[w] is None  # nobody decided on the event itself


def test_no_reviewed_facts_and_annotated_documents_are_errors_or_skipped(dev001):
    with session_scope(dev001) as s:
        with pytest.raises(NoReviewedFacts) as exc:
            load_reviewed(s)
    assert exc.value.code == "E032" and "review some facts first" in str(exc.value)
    with session_scope(dev001) as s:
        review.reject(s, Entity.EVENT, _event(s, "launch").id, user=U)
    path = DEV / "docs" / "dev-001.txt"
    hashes, texts = annotated_fingerprints([path], [read(path).text])
    with session_scope(dev001) as s:
        by_hash = load_reviewed(s, hashes, set())
        by_text = load_reviewed(s, set(), texts)
    assert by_hash.documents == [] and by_hash.skipped == ["dev-001"]
    assert by_text.documents == [] and by_text.skipped == ["dev-001"]


def test_a_merge_is_no_review_decision(dev001):
    with session_scope(dev001) as s:
        workshop, launch = _event(s, "workshop"), _event(s, "launch")
        review.merge(s, Entity.EVENT, workshop.id, launch.id, user=U)  # marks the launch rejected
        with pytest.raises(NoReviewedFacts):
            load_reviewed(s)


def test_keep_only_when_all_does_not_drop():
    fig = lambda f1: {"all": {"precision": f1, "recall": f1, "f1": f1}}  # noqa: E731
    assert keep_new_model(fig(0.60), fig(0.61))
    assert keep_new_model(fig(0.60), fig(0.60))
    assert not keep_new_model(fig(0.60), fig(0.5999))


def test_each_learned_part_is_kept_only_when_the_cross_validated_all_holds_with_it():
    """``ctrack train --with-reviewed`` guards the retrained models and the exemplar memory one by one
    (:func:`ctrack.train.reviewed.choose_parts`): a part that lowers the cross-validated ``all`` is left out without
    taking the other down with it, and the memory is judged on top of the models that are kept."""
    from ctrack.train.reviewed import Check, choose_parts

    def cv(before, retrained, before_memory=None, retrained_memory=None):
        out = {"before": before, "retrained": retrained, "before+memory": before_memory,
               "retrained+memory": retrained_memory}
        return {k: {"pooled": {"figures": {"all": {"f1": v}}}} for k, v in out.items() if v is not None}

    # retraining lowers the figure by 0.0004 (train-c's fifth round); the memory on the annotated corpora's models
    # changes nothing of them: the memory alone is kept, beside the models of the annotated corpora
    kept = choose_parts(cv(0.6250, 0.6246, 0.6250, 0.6246))
    assert (kept.retrained, kept.memory, kept.memory_cv, kept.anything) == (False, True, True, True)
    # retraining holds; the memory drops right facts of the annotated styles on the retrained models (judged there,
    # not on the annotated corpora's models, where it would pass): the retrained models alone
    kept = choose_parts(cv(0.60, 0.61, 0.62, 0.6099))
    assert (kept.retrained, kept.memory, kept.memory_cv) == (True, False, False)
    # both hold; the memory's own test on the reviewed documents can still leave it out, on enough evidence only
    both = cv(0.60, 0.60, 0.60, 0.60)
    assert (choose_parts(both).retrained, choose_parts(both).memory) == (True, True)
    assert choose_parts(both, Check(changed=3, memory_right=1, model_right=2)).memory is False
    assert choose_parts(both, Check(changed=2, memory_right=0, model_right=2)).memory is True  # too few to judge by
    # float noise below the scorer's four decimals decides nothing; no memory built: nothing to keep of it
    assert choose_parts(cv(0.60, 0.60 - 1e-6)).retrained is True
    assert not choose_parts(cv(0.60, 0.5999)).anything


def test_the_memory_is_pruned_of_exemplars_that_lower_the_annotated_folds_where_they_act():
    """:func:`ctrack.train.reviewed.prune`: an exemplar that changes decisions (a rejection, an addition) and, applied
    alone to the annotated documents where it acts, lowers their ``all`` F1 is left out; one that never acts there
    (the house style's own wording) or does no harm stays; confirmations only block and are never judged."""
    from ctrack.extract.exemplars import Exemplar, Memory
    from ctrack.train import scorer
    from ctrack.train.reviewed import prune

    S = scorer()

    def counts(tp, fp, fn):
        c = S.new_counts()
        c["roles"].update(tp=tp, fp=fp, fn=fn)
        return c

    harmful = Exemplar("role", frozenset({"path=a", "kind=member_state"}), "none", "note-1")
    own = Exemplar("role", frozenset({"path=b", "cue_after=statement"}), "none", "note-1")
    helpful = Exemplar("role", frozenset({"path=c"}), "none", "note-2")
    confirmed = Exemplar("role", frozenset({"path=a"}), "speaker", "note-2")
    memory = Memory([harmful, own, helpful, confirmed], 0.4)
    assert [memory.acting(e) for e in memory.exemplars] == [True, True, True, False]
    effects = {id(harmful): [counts(8, 2, 2), counts(7, 2, 3)],  # drops a right role: all F1 0.8 -> 0.74
               id(helpful): [counts(8, 2, 2), counts(8, 1, 2)]}  # drops a spurious one
    kept = prune(memory, effects)
    assert kept.exemplars == [own, helpful, confirmed] and kept.minimum == 0.4
    assert memory.deciders("role", {"path=a": 1, "kind=member_state": 1})[2] == [harmful]  # the whole memory as was
    assert prune(Memory([harmful, confirmed], 0.4), effects) is None  # nothing that changes a decision is left
    assert prune(None, {}) is None


# --------------------------------------------------------------------------- the CLI, on a small corpus

def _decide_all(engine, event_action, role_action) -> int:
    """Decide every stored event and role; returns how many facts were decided."""
    n = 0
    with session_scope(engine) as s:
        for ev in s.scalars(select(DbEvent)).all():
            event_action(s, Entity.EVENT, ev.id, user=U)
            n += 1
        for r in s.scalars(select(DbEventRole)).all():
            role_action(s, Entity.EVENT_ROLE, r.id, user=U)
            n += 1
    engine.dispose()
    return n


def test_train_with_reviewed_keeps_each_part_only_when_all_does_not_drop_with_it(tmp_path):
    """``ctrack train --with-reviewed`` on a six-document corpus: the retrained models and the exemplar memory are
    each kept only when the cross-validated ``all`` does not drop with them (the memory applied to the annotated
    folds as the written file applies it to every document); nothing is written when neither holds."""
    a = make_group(tmp_path, "alpha", ["dev-001", "dev-002", "dev-004"])
    b = make_group(tmp_path, "beta", ["dev-005", "dev-007", "dev-009"])
    runner = CliRunner()
    out = tmp_path / "models.json"

    def train(url: str, *extra: str):
        return runner.invoke(app, ["train", "--with-reviewed", "--db", url, "--corpus", a, "--corpus", b,
                                   "--out", str(out), *extra])

    engine, url = _kb(tmp_path / "kb1", ["dev-014", "dev-016", "dev-009"])  # dev-009 is in the corpus: skipped
    res = runner.invoke(app, ["train", "--db", url, "--corpus", a, "--out", str(out)])
    assert res.exit_code == 2 and "only apply with --with-reviewed" in res.stderr and not out.exists()
    res = train(url)
    assert res.exit_code == 1 and "E032" in res.stderr and "review some facts first" in res.stderr, res.output
    # an analyst who strikes out every event: 7 negative event examples, roles of rejected events teach nothing;
    # measured: the figure stays (0.719 both), so the model is written
    _decide_all(engine, review.reject, review.reject)
    res = train(url)
    assert res.exit_code == 0, res.output
    assert "skipped 1 reviewed document already in the annotated corpora: dev-009" in res.stdout
    assert "pooled all" in res.stdout and "written (all F1" in res.stdout and "not lower" in res.stdout, res.stdout
    assert Models.load(out).meta["reviewed_documents"] == ["dev-014", "dev-016"]
    kept = out.read_bytes()
    # an analyst who confirms the events but says no actor holds any role in them. Measured: retrained with those 32
    # "no role" examples, the roles figure falls (all 0.7120 -> 0.6548); their memory, applied to the annotated folds
    # on the annotated corpora's models, drops roles worded like the rejected ones there too, more of them spurious
    # than right (all 0.7120 -> 0.7158)
    engine, url = _kb(tmp_path / "kb2", ["dev-014", "dev-016"])
    decided = _decide_all(engine, review.confirm, review.reject)  # the events and their roles (40 at d6eea89)
    res = train(url, "--no-exemplars")  # the retrained models alone: nothing holds, nothing is written
    assert res.exit_code == 0, res.output
    assert "retrained models: not kept" in res.stdout and "drops" in res.stdout, res.stdout
    assert "not written" in res.stdout and out.read_bytes() == kept, res.stdout
    res = train(url)  # the memory holds on its own: written beside the annotated corpora's models
    assert res.exit_code == 0, res.output
    assert "retrained models: not kept" in res.stdout and "exemplar memory kept" in res.stdout, res.stdout
    assert "written (all F1 0.7120 -> 0.7158, not lower; before+memory)" in res.stdout, res.stdout
    written = Models.load(out)
    assert written.meta["kept"] == {"retrained": False, "memory": True}
    # the memory of those decisions (34 exemplars when written, 33 after the extraction merges of 2026-12-08: the
    # count follows the shipped models' facts; confirmed events with nothing to tell apart make none)
    assert 0 < len(written.memory.exemplars) <= decided
    assert written.domain == "local" and written.meta["reviewed_documents"] == ["dev-014", "dev-016"]
    plain = tmp_path / "plain.json"
    assert runner.invoke(app, ["train", "--corpus", a, "--corpus", b, "--out", str(plain)]).exit_code == 0
    base = Models.load(plain)
    assert written.role is not None and written.type is not None
    for kind in ("date", "type", "event", "role", "proposal", "verify", "actor"):  # what ctrack train writes, untouched
        mine, theirs = getattr(written, kind), getattr(base, kind)
        assert (mine and mine.to_json()) == (theirs and theirs.to_json()), kind
    res = train(url, "--force")
    assert res.exit_code == 0 and "written (all F1" in res.stdout and "--force" in res.stdout, res.output
    assert Models.load(out).meta["kept"] == {"retrained": True, "memory": True}


def test_the_simulated_analyst_decides_against_gold_through_the_review_log(dev001):
    import copy
    import json

    from ctrack.store import track_repo
    from ctrack.store.track_models import Action
    from ctrack.train.analyst import review_against_gold

    gold = json.loads((DEV / "gold" / "dev-001.json").read_text(encoding="utf-8"))
    gold = copy.deepcopy(gold)
    launch = next(e for e in gold["events"] if e["type"] == "launch")
    launch["type"] = "conference"  # the analyst's view differs: a type to correct
    workshop = next(e for e in gold["events"] if e["type"] == "workshop")
    for r in workshop["roles"]:
        if r["actor"] == "laborde":
            r["role"] = "chair"  # and a role to correct
    doc = read(DEV / "docs" / "dev-001.txt")
    record = _extract(doc).to_json()
    with session_scope(dev001) as s:  # counting changes only: stops at the first correction or rejection
        first = review_against_gold(s, {1: (gold, record)}, limit=1, count_confirms=False)
    assert first.counts["correct"] + first.counts["reject"] == 1
    with session_scope(dev001) as s:
        done = review_against_gold(s, {1: (gold, record)}, limit=100)
    done.decisions = first.decisions + done.decisions
    assert done.counts == {"confirm": 5, "correct": 2, "reject": 1, "add": 0}, done.decisions  # 2 events, 6 roles
    details = sorted(d for a, _r, d in done.decisions if a == "correct")
    assert details == ["role speaker -> chair", "type launch -> conference"]
    with session_scope(dev001) as s:
        assert _event(s, "conference").review_state.value == "corrected"
        entries = [e for e in track_repo.audit_entries(s, Entity.EVENT, _event(s, "workshop").id)]
        assert [e.action for e in entries] == [Action.CONFIRM]
    with session_scope(dev001) as s:  # nothing left to decide
        assert review_against_gold(s, {1: (gold, record)}, limit=100).decisions == []
    # then the facts the extractor missed: a gold role of a stored event (the General Assembly, named in the note,
    # as a supporter of the workshop in the analyst's view), added through the review log; nothing else is missing
    from ctrack.train.analyst import add_missing

    wider = copy.deepcopy(gold)
    next(e for e in wider["events"] if e["type"] == "workshop")["roles"].append({"actor": "ga", "role": "supporter"})
    cands = {1: next(iter(get_extractor().candidates_many([doc])))}
    with session_scope(dev001) as s:
        more = add_missing(s, {1: (wider, record)}, cands, 100, type(done)())
        assert [(a, d) for a, _r, d in more.decisions] == [("add", "supporter (missed)")]
        row = track_repo.get(s, Entity.EVENT_ROLE, int(more.decisions[0][1].split(":")[1]))
        assert (s.get(DbActor, row.actor_id).name, row.event_id, row.review_state.value) == \
            ("General Assembly", _event(s, "workshop").id, "confirmed")
        assert [e.action for e in track_repo.audit_entries(s, Entity.EVENT_ROLE, row.id)] == [Action.ADD]
    with session_scope(dev001) as s:  # added once: nothing left to add
        assert add_missing(s, {1: (wider, record)}, cands, 100, type(done)()).decisions == []

HOUSE = Path(__file__).resolve().parent / "house"
#: What the next two notes' speakers become at local scale 1 (``--local-scale 1``; ctrack.train.LOCAL_SCALE is 0, off): the
#: Russian Federation's speaker role goes in both, the ambassadors' stay (at scale 3 both go, measured); the same with the
#: exemplar memory as pruned on the annotated folds (the ambassador's exemplar is left out there).
EXPECT = [["Pavel Orlov"], ["Sergei Volkov"]]


@pytest.fixture(scope="module")
def house(tmp_path_factory) -> SimpleNamespace:
    """Models trained once for the house-style tests on two groups of dev documents (``a``, ``b``: their
    ``--corpus`` arguments; ``base``: the models), the house style's three notes and two documents of other styles."""
    root = tmp_path_factory.mktemp("house")
    a = make_group(root, "alpha", ["dev-001", "dev-002", "dev-004"])
    b = make_group(root, "beta", ["dev-005", "dev-007", "dev-009"])
    res = CliRunner().invoke(app, ["train", "--corpus", a, "--corpus", b, "--out", str(root / "base.json")])
    assert res.exit_code == 0, res.output
    return SimpleNamespace(a=a, b=b, base=Models.load(root / "base.json"),
                           notes=[read(HOUSE / f"house-{n}.txt") for n in (1, 2, 3)],
                           others=[read(DEV / "docs" / "dev-014.txt"), read(DEV / "docs" / "dev-016.txt")])


def _house_kb(folder: Path, house: SimpleNamespace) -> str:
    """A knowledge base in ``folder`` holding the first note as the base models extract it, with every speaker
    role rejected by the analyst; returns its URL."""
    url = f"sqlite:///{folder / 'kb.sqlite3'}"
    engine = open_store(url)
    with session_scope(engine) as s:
        save_document(s, house.notes[0], get_extractor().extract(house.notes[0], house.base))
    with session_scope(engine) as s:
        for r in s.scalars(select(DbEventRole).where(DbEventRole.role == "speaker")).all():
            review.reject(s, Entity.EVENT_ROLE, r.id, user=U, comment="a statement from Moscow, not a speech here")
    engine.dispose()
    return url


def facts(doc, models=None) -> list[tuple]:
    """(event type, start, actor name, role) of every role ``models`` (default: the shipped ones) extract, sorted."""
    record = get_extractor().extract(doc, models)
    names = {x.id: x.name for x in record.actors}
    return sorted((e.type.value, e.start, names[r.actor], r.role.value) for e in record.events for r in e.roles)


def speakers(doc, models=None) -> list[str]:
    """The names of the speakers in :func:`facts`."""
    return [name for _t, _s, name, role in facts(doc, models) if role == "speaker"]


def test_local_weights_only_ever_drop_a_fact_the_general_models_keep():
    from ctrack.extract.decide import LOCAL_BIAS, LinearModel, local_features

    # a binary event model: "x" says keep (shared weight 2), its local copy says drop (-6), the local bias -1
    vocab = {"x": 0, "local|x": 1, LOCAL_BIAS: 2}
    event = LinearModel(vocab, [[-2.0, 6.0, 1.0], [2.0, -6.0, -1.0]], [0.0, 0.0], ["0", "1"])
    assert local_features({"x": 1.0}, 0.5) == {"x": 1.0, "local|x": 0.5, LOCAL_BIAS: 0.5}
    general = Models(event=event, local_scale=1.0)
    assert general.domain == "general" and not general.deciding_local()
    p = general.keep_probability("event", {"x": 1.0}, 0.05)
    assert p == pytest.approx(1 / (1 + math.exp(-4)))  # shared weights alone
    local = Models.from_json(general.to_json())  # read from a file: decides as the knowledge base's documents
    assert local.domain == "local" and local.deciding_local() and local.local_scale == 1.0
    q = local.keep_probability("event", {"x": 1.0}, 0.05)
    assert q == pytest.approx(1 / (1 + math.exp(10)))  # (2 - 6 - 1) * 2 classes: dropped
    assert local.for_domain("general").keep_probability("event", {"x": 1.0}, 0.05) == pytest.approx(p)
    # a fact the general model drops stays dropped, whatever the local weights say
    weak = LinearModel(vocab, [[2.0, -9.0, 0.0], [-2.0, 9.0, 0.0]], [0.0, 0.0], ["0", "1"])
    assert Models(event=weak, local_scale=1.0, domain="local").keep_probability("event", {"x": 1.0}, 0.05) < 0.05
    assert Models.from_json(Models(event=event).to_json()).domain == "general"  # no local weights: general
    with pytest.raises(ValueError, match="domain must be"):
        local.for_domain("regional")


def test_an_analysts_rejections_teach_the_house_style_and_leave_other_styles_alone(house, tmp_path, monkeypatch):
    """Domain adaptation (``ctrack train --with-reviewed``, local weights). The house style (``tests/train/house``):
    a programme's workshop notes, each ending with an ambassador who "welcomed the workshop in a statement issued in
    Moscow", whom the models read as a speaker (the ambassador and the state both). The analyst rejects the two
    speaker roles of the first note only. At local scale 1 (``--local-scale 1``; off by default), the next notes of the style, never reviewed,
    come out as the analyst taught (:data:`EXPECT`); documents of other styles come out as before; without the adaptation
    (``--local-scale 0``, the reviewed examples in the shared data at weight 1) nothing changes at all. The guard
    decides the annotated folds with the local weights, where they lower the figure: written with ``--force`` only."""
    import ctrack.extract.decide as decide

    a, b, base, notes, others = house.a, house.b, house.base, house.notes, house.others
    runner = CliRunner()
    new_path, flat_path = tmp_path / "new.json", tmp_path / "flat.json"

    assert [speakers(n, base) for n in notes] == [["Elena Morozova", "Russian Federation"],
                                                  ["Pavel Orlov", "Russian Federation"],
                                                  ["Russian Federation", "Sergei Volkov"]]
    url = _house_kb(tmp_path, house)

    def train(out: Path, *extra: str):
        res = runner.invoke(app, ["train", "--with-reviewed", "--db", url, "--corpus", a, "--corpus", b,
                                  "--out", str(out), *extra])
        assert res.exit_code == 0, res.output
        return res.stdout

    # the local weights alone (the memory: next test). The guard decides the annotated folds with them, as the
    # pipeline decides every document with such a file: there they drop right roles too (all 0.7120 -> 0.7090,
    # measured), so the retrained models are not kept, and nothing is written without --force
    out = train(new_path, "--local-scale", "1", "--no-exemplars")
    assert "give 0 event, 0 type, 0 date and 2 role examples, each weighing 1 annotated one; local weights" in out, out
    assert "retrained models: not kept" in out and "not written" in out and not new_path.exists(), out
    out = train(new_path, "--local-scale", "1", "--no-exemplars", "--force")
    assert "written (all F1" in out and "--force" in out and "decided with the local weights" in out, out
    adapted = Models.load(new_path)
    assert adapted.domain == "local" and adapted.meta["local_scale"] == adapted.local_scale > 0
    assert [speakers(n, adapted) for n in notes[1:]] == EXPECT
    for n in notes[1:]:  # the rest of each note is as before: only the taught roles went
        assert [f for f in facts(n, base) if f[3] != "speaker"] == [f for f in facts(n, adapted) if f[3] != "speaker"]
    for doc in others:  # other house styles: the local weights change nothing
        assert facts(doc, adapted) == facts(doc, adapted.for_domain("general")) == facts(doc, base)
    # the extraction pipeline (CLI, API, ingest: the package's model file) decides new documents as local ones
    monkeypatch.setattr(decide, "MODEL_PATH", new_path)
    decide.shipped_models.cache_clear()
    try:
        assert speakers(notes[1]) == EXPECT[0]
        res = runner.invoke(app, ["extract", str(HOUSE / "house-3.txt")])
        assert res.exit_code == 0, res.output
        record = json.loads(res.stdout)
        names = {x["id"]: x["name"] for x in record["actors"]}
        assert sorted(names[r["actor"]] for e in record["events"] for r in e["roles"] if r["role"] == "speaker") == EXPECT[1]
    finally:
        monkeypatch.undo()
        decide.shipped_models.cache_clear()
    out = train(flat_path, "--local-scale", "0", "--no-exemplars")
    assert "no local weights (--local-scale 0)" in out, out
    flat = Models.load(flat_path)
    assert flat.domain == "general" and flat.local_scale == 0
    assert [speakers(n, flat) for n in notes[1:]] == [["Pavel Orlov", "Russian Federation"],
                                                      ["Russian Federation", "Sergei Volkov"]]


def test_a_rejection_on_one_note_changes_the_next_notes_of_its_house_style_through_the_exemplar_memory(house, tmp_path,
                                                                                                       monkeypatch):
    """The exemplar memory (:mod:`ctrack.extract.exemplars`), what ``ctrack train --with-reviewed`` does by default.
    The house style (``tests/train/house``): each workshop note ends with an ambassador who "welcomed the workshop in a
    statement issued in Moscow", read as a speaker (the ambassador and his state). The analyst rejects the two speaker
    roles of note 1 only. Applied alone to the annotated folds, the ambassador's exemplar (a person, subject of
    "welcomed") drops right speakers there: the annotated corpora contradict its wording, so it is left out
    (:func:`ctrack.train.reviewed.prune`); the state's ("of <name>" after "Ambassador") acts on no annotated document
    and stays. Notes 2 and 3, never reviewed, lose the Russian Federation's speaker role (the same wording), keep
    their ambassadors' and every other fact; documents of other house styles come out as before; ``--no-exemplars``
    changes nothing."""
    import ctrack.extract.decide as decide

    a, b, base, notes, others = house.a, house.b, house.base, house.notes, house.others
    runner = CliRunner()
    new_path, off_path = tmp_path / "new.json", tmp_path / "off.json"

    assert [speakers(n, base) for n in notes][1:] == [["Pavel Orlov", "Russian Federation"],
                                                      ["Russian Federation", "Sergei Volkov"]]
    url = _house_kb(tmp_path, house)
    res = runner.invoke(app, ["train", "--with-reviewed", "--db", url, "--corpus", a, "--corpus", b, "--out", str(new_path)])
    assert res.exit_code == 0, res.output
    assert "exemplar memory of 2 reviewed decisions" in res.stdout and "1 of them lowering all F1" in res.stdout, res.stdout
    assert "exemplar memory kept: 1 exemplar" in res.stdout and "retrained models: kept" in res.stdout, res.stdout
    assert "written (all F1" in res.stdout, res.stdout
    taught = Models.load(new_path)
    assert taught.domain == "local" and len(taught.memory.exemplars) == 1
    assert taught.meta["kept"] == {"retrained": True, "memory": True}
    [kept] = taught.memory.exemplars
    assert (kept.source, kept.label, "kind=member_state" in kept.signature) == ("house-1", "none", True)
    assert "statement issued in Moscow" in kept.text  # shown to the user: where it came from
    assert [speakers(n, taught) for n in notes[1:]] == EXPECT
    for n in notes[1:]:  # only the taught roles went
        assert [f for f in facts(n, base) if f[3] != "speaker"] == [f for f in facts(n, taught) if f[3] != "speaker"]
    for doc in others:  # other house styles: nothing changes
        assert facts(doc, taught) == facts(doc, base)
    # the extraction pipeline (CLI, API, ingest: the package's model file) applies the memory to new documents
    monkeypatch.setattr(decide, "MODEL_PATH", new_path)
    decide.shipped_models.cache_clear()
    try:
        res = runner.invoke(app, ["extract", str(HOUSE / "house-3.txt")])
        assert res.exit_code == 0, res.output
        record = json.loads(res.stdout)
        names = {x["id"]: x["name"] for x in record["actors"]}
        assert [names[r["actor"]] for e in record["events"] for r in e["roles"] if r["role"] == "speaker"] == EXPECT[1]
    finally:
        monkeypatch.undo()
        decide.shipped_models.cache_clear()
    res = runner.invoke(app, ["train", "--with-reviewed", "--db", url, "--corpus", a, "--corpus", b, "--out",
                              str(off_path), "--no-exemplars"])
    assert res.exit_code == 0, res.output
    off = Models.load(off_path)
    assert off.memory is None and off.domain == "general"
    assert [speakers(n, off) for n in notes[1:]] == [["Pavel Orlov", "Russian Federation"],
                                                     ["Russian Federation", "Sergei Volkov"]]


def test_the_exemplar_memory_matches_on_wording_and_only_a_closer_rejection_drops():
    from ctrack.extract.decide import LinearModel
    from ctrack.extract.exemplars import Exemplar, Memory, signature

    said = {"bias": 1.0, "path=nsubj>welcome": 1.0, "govp0=-|welcome": 1.0, "dep=nsubj": 1.0, "prev1=of": 1.0,
            "rule=speaker": 1.0, "kind=member_state": 1.0, "etype=workshop": 1.0, "dist=0": 1.0}
    assert signature("role", said) == frozenset(k for k in said if k not in ("bias", "dist=0"))
    reject = Exemplar("role", signature("role", said), "none", "note-1", "welcomed the workshop in a statement")
    memory = Memory([reject], 0.4)
    other_state = dict(said, **{"prev1=the": 1.0})  # another word before the mention: 6 of 8 features shared
    del other_state["prev1=of"]
    assert memory.match("role", other_state)[:2] == ("none", pytest.approx(6 / 8))
    far = {"path=pobj<by<organize": 1.0, "rule=organizer": 1.0, "kind=member_state": 1.0, "etype=workshop": 1.0}
    assert memory.match("role", far) is None  # 2 of 9 shared: under 0.4
    assert memory.match("role", other_state, exclude="note-1") is None  # leave-one-document-out
    # a confirmed exemplar closer to the candidate blocks the rejection; at the same similarity the tie decides nothing
    kept = Exemplar("role", signature("role", other_state), "speaker", "note-2")
    assert Memory([reject, kept], 0.4).match("role", other_state)[0] == "speaker"
    assert Memory([reject, Exemplar("role", reject.signature, "speaker", "note-3")], 0.4).match("role", said) is None
    # the memory travels in the model file, and makes the models decide the knowledge base's documents as local ones
    event = LinearModel({"x": 0}, [[-1.0], [1.0]], [0.0, 0.0], ["0", "1"])
    loaded = Models.from_json(Models(event=event, memory=memory).to_json())
    assert loaded.domain == "local" and loaded.memory.exemplars == [reject] and loaded.memory.minimum == 0.4
    assert loaded.recall("role", other_state)[0] == "none"
    assert loaded.for_domain("general").recall("role", other_state) is None  # annotated folds never see it
    assert Models.from_json(Models(event=event).to_json()).memory is None
    with pytest.raises(ValueError, match="exemplar kind"):
        signature("date", said)


ROUNDTABLE = Path(__file__).resolve().parent / "roundtable"


def test_roles_an_analyst_added_on_one_note_are_given_in_the_next_notes_of_its_house_style(house, tmp_path):
    """Additions (``ctrack review add role``) teach the candidate side. The house style (``tests/train/roundtable``,
    written for this test): an expert roundtable's notes, each saying "The costs of the workshop were borne by
    <state>" and "Seated at the table next to the organizers was Ambassador <name>", which the models read as no role
    at all, and listing two states of which they keep only the second as a participant. The analyst adds the three
    missed roles of note 1 (its funder, the ambassador and the first state as participants); retrained with the
    knowledge base (``ctrack train --with-reviewed``), notes 2 and 3, never reviewed, get the same roles on other
    names, keep every other fact, and documents of other house styles come out as before."""
    a, b, base = house.a, house.b, house.base
    notes = [read(ROUNDTABLE / f"roundtable-{n}.txt") for n in (1, 2, 3)]
    missed = [("Norway", "funder"), ("Lars Berg", "participant"), ("Mongolia", "participant")]
    expect = [[("Anna Holm", "participant"), ("Denmark", "funder"), ("Tajikistan", "participant")],
              [("Finland", "funder"), ("Mikko Laine", "participant"), ("Uzbekistan", "participant")]]

    def roles(doc, models):
        return sorted((name, role) for _t, _s, name, role in facts(doc, models))

    unoct = ("United Nations Office of Counter-Terrorism", "organizer")
    assert [roles(n, base) for n in notes] == [[("Kazakhstan", "participant"), unoct],  # the three roles missed
                                               [("Afghanistan", "participant"), unoct],
                                               [("Kyrgyzstan", "participant"), unoct]]
    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    engine = open_store(url)
    with session_scope(engine) as s:
        save_document(s, notes[0], get_extractor().extract(notes[0], base))
    with session_scope(engine) as s:
        workshop = _event(s, "workshop")
        for name, role in missed:
            actor = s.scalars(select(DbActor).where(DbActor.name == name)).one()
            review.add_role(s, workshop.id, actor.id, role, user=U, evidence=name, comment="the note says so")
    with session_scope(engine) as s:
        found = load_reviewed(s)
    [example] = prepare_reviewed(found)
    assert sorted(y for _n, y in example.labels.added_roles) == ["funder", "participant", "participant"]
    engine.dispose()
    new_path = tmp_path / "taught.json"
    res = CliRunner().invoke(app, ["train", "--with-reviewed", "--db", url, "--corpus", a, "--corpus", b,
                                   "--out", str(new_path)])
    assert res.exit_code == 0, res.output
    assert "written (all F1" in res.stdout, res.stdout
    taught = Models.load(new_path)
    assert sum(e.label.startswith("add:") for e in taught.memory.exemplars) == 3
    for note, added in zip(notes[1:], expect):
        before, after = roles(note, base), roles(note, taught)
        assert sorted(set(after) - set(before)) == added  # the analyst's three roles, on this note's names
        assert set(before) <= set(after)  # nothing else changed
        assert [f for f in facts(note, taught) if (f[2], f[3]) not in added] == facts(note, base)
    for doc in house.others:  # other house styles: nothing changes
        assert facts(doc, taught) == facts(doc, base)
