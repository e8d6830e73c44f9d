"""Theme suggestions (rules + model, with reasons, never applied silently), proposals from document
sentences, and the controlled vocabulary."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from track_helpers import run, run_json

from ctrack.store import repo, track_repo
from ctrack.store.db import session_scope
from ctrack.store.models import ReviewState
from ctrack.store.testing import gold_document, gold_record
from ctrack.store.track_models import DbAuditEntry, DbRecTerm, Entity, TermScheme
from ctrack.track import proposals, recommendations, review, themes
from ctrack.track.vocabulary import vocabulary

# ---------------------------------------------------------------- vocabulary


def test_the_vocabulary_holds_the_pillars_resolutions_and_ctc_themes():
    v = vocabulary()
    assert [t.code for t in v.all(TermScheme.PILLAR)] == ["I", "II", "III", "IV"]
    assert [(t.code, t.year) for t in v.all(TermScheme.RESOLUTION)] == [
        ("1373", 2001), ("1624", 2005), ("2178", 2014), ("2396", 2017), ("2462", 2019), ("2482", 2019),
        ("2617", 2021)]
    assert len(v.all(TermScheme.THEME)) == 11
    assert all(t.description and t.keywords for t in v.all(TermScheme.THEME))
    assert v.code(TermScheme.RESOLUTION, "S/RES/2178 (2014)") == "2178"
    assert v.code(TermScheme.PILLAR, "Pillar 4") == "IV"
    assert v.code(TermScheme.THEME, "Human rights and rule of law") == "human_rights"
    with pytest.raises(ValueError, match="adopted in 2014"):
        v.code(TermScheme.RESOLUTION, "2178 (2015)")
    assert v.code(TermScheme.RESOLUTION, "S/RES/2734 (2024)") == "2734"  # new resolutions are numbered too
    with pytest.raises(ValueError, match="accepted: 1373"):
        v.code(TermScheme.RESOLUTION, "the new one")


# ---------------------------------------------------------------- themes


def test_keyword_rules_say_which_words_they_saw():
    found = {s.theme: s for s in themes.rule_suggestions(
        "Establish a financial intelligence unit and train border guards to use advance passenger information")}
    assert set(found) == {"cft", "border_management"}
    assert "'financial intelligence unit'" in found["cft"].reason
    assert "law_enforcement" not in found  # "intelligence" inside "financial intelligence unit" does not count
    assert found["border_management"].score > found["cft"].score  # two keywords beat one


TRAINING = [
    ("Train judges on the use of special investigative techniques in terrorism trials", ["law_enforcement"]),
    ("Improve coordination between police investigators and prosecutors in terrorism cases", ["law_enforcement"]),
    ("Give investigators access to digital evidence held abroad", ["law_enforcement", "ict"]),
    ("Set up a specialized prosecution unit for terrorism cases", ["law_enforcement"]),
    ("Introduce a gender-sensitive approach in prevention programmes", ["gender", "cve_incitement"]),
    ("Increase the participation of women in counter-terrorism policymaking", ["gender"]),
    ("Collect sex-disaggregated data on terrorism prosecutions", ["gender", "law_enforcement"]),
    ("Provide psychosocial support and compensation to victims of terrorism", ["victims"]),
    ("Create a national registry of victims of terrorist attacks", ["victims"]),
    ("Recognize the rights of survivors of terrorist attacks", ["victims", "human_rights"]),
    ("Ratify the outstanding international counter-terrorism instruments", ["legislation"]),
    ("Amend the criminal code to criminalize travel for terrorist purposes", ["legislation", "ftf"]),
    ("Adopt a law criminalizing the financing of terrorist travel", ["legislation", "cft"]),
]


def test_the_model_learns_from_reviewed_recommendations_and_suggests_without_applying(engine, db_url):
    with session_scope(engine) as s:
        for text, codes in TRAINING:
            recommendations.create(s, recommendations.RecInput(state="KAZ", text=text, themes=codes), user="ana")
        target = recommendations.create(s, recommendations.RecInput(
            state="KAZ", text="Strengthen the capacity of prosecution services to handle complex terrorism trials"),
            user="ana")
        target_id = target.id
    with session_scope(engine) as s:
        model = themes.train(themes.training_examples(s, exclude=target_id))
        assert model is not None and model.examples == len(TRAINING)
        before = (s.scalar(select(func.count()).select_from(DbAuditEntry)),
                  s.scalar(select(func.count()).select_from(DbRecTerm)))
        found = themes.suggest(s, target_id)
        by_theme = {f.theme: f for f in found}
        assert "law_enforcement" in by_theme
        assert by_theme["law_enforcement"].source in ("model", "rule+model")
        assert "trained on 13 reviewed recommendations" in by_theme["law_enforcement"].reason
        # nothing was applied
        assert (s.scalar(select(func.count()).select_from(DbAuditEntry)),
                s.scalar(select(func.count()).select_from(DbRecTerm))) == before
        assert recommendations.get(s, target_id).terms == []
    # the CLI shows the reasons and applies only what is accepted
    out = run("recs", "suggest-themes", str(target_id), db=db_url)
    assert "law_enforcement" in out.output and "trained on" in out.output
    run("recs", "suggest-themes", str(target_id), "--accept", "law enforcement", db=db_url)
    shown = run_json("recs", "show", str(target_id), db=db_url)
    assert shown["themes"] == ["law_enforcement"] and shown["review_state"] == "corrected"
    with session_scope(engine) as s:
        entry = [e for e in s.scalars(select(DbAuditEntry).where(DbAuditEntry.entity_id == target_id,
                                                                   DbAuditEntry.entity_type == Entity.RECOMMENDATION))][-1]
        assert (entry.before["themes"], entry.after["themes"]) == ([], ["law_enforcement"])
        # too few examples: no model, rules only
        assert themes.train(themes.training_examples(s)[:5]) is None


# ---------------------------------------------------------------- proposals


def _store(engine, doc_id: str) -> None:
    rec = gold_record(doc_id)
    with session_scope(engine) as s:
        repo.save_document(s, gold_document(doc_id, rec), rec)


def test_sentences_stating_recommendations_or_assistance_needs_are_proposed_for_review(engine, db_url):
    _store(engine, "seed-000")
    _store(engine, "dev-005")
    with session_scope(engine) as s:
        created = proposals.propose(s, user="machine")
        seed = [r for r in created if "recommendations made during these country visits" in r.text]
        # no state named in the sentence: the document's assessment visits give the five Central Asian states
        assert sorted(r.state for r in seed) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
        assert all(r.ta_needed and r.review_state is ReviewState.PROPOSED for r in seed)
        first = seed[0]
        text = track_repo.find_document(s, first.source_document_id).text
        assert text[first.source_start:first.source_end].startswith("The recommendations made during")
        iraq = [r for r in created if r.state == "IRQ"]
        assert iraq and all(r.ta_needed for r in iraq)
        assert not any(r.text.startswith("Photo:") for r in created)  # captions are skipped
        assert any(r.priority is not None and r.priority.value == "high" for r in iraq)  # "priority … needs"
        # proposals are not counted until reviewed
        assert recommendations.query(s) == []
        assert len(recommendations.query(s, proposed=True)) == len(created)
        assert len(recommendations.query(s, reviewed_only=False)) == len(created)
        # a second scan proposes nothing new, also after a rejection
        review.reject(s, Entity.RECOMMENDATION, iraq[0].id, user="ana")
        assert proposals.propose(s, user="machine") == []
        ta_kgz = next(r for r in seed if r.state == "KGZ")
        review.confirm(s, Entity.RECOMMENDATION, ta_kgz.id, user="ana")
        assert [r.id for r in recommendations.query(s)] == [ta_kgz.id]
        assert recommendations.get(s, ta_kgz.id).history[0].status.value == "not_started"
    # the CLI lists what waits for review; the review queue of the document shows the sentence
    listed = run_json("recs", "proposals", "--document", "seed-000", db=db_url)
    assert sorted(r["state"] for r in listed) == ["KAZ", "TJK", "TKM", "UZB"]
    queue = run_json("review", "queue", "--document", "seed-000", "--kind", "recommendation", db=db_url)["items"]
    recs_in_queue = [i for i in queue if i["ref"].startswith("recommendation:")]
    assert recs_in_queue and "recommendations made during these country visits" in recs_in_queue[0]["sources"][0]["sentence"]


def test_a_proposal_without_a_state_must_get_one_before_confirmation(engine):
    _store(engine, "dev-003")  # "… recommend areas where improvement is needed": a global survey, no state
    with session_scope(engine) as s:
        created = proposals.propose(s, user="machine")
        stateless = [r for r in created if r.state is None]
        assert stateless, [r.text for r in created]
        rec_id = stateless[0].id
        with pytest.raises(review.ReviewError, match="no member state"):
            review.confirm(s, Entity.RECOMMENDATION, rec_id, user="ana")
        review.correct(s, Entity.RECOMMENDATION, rec_id, "text", "Carry out the global survey", user="ana")
        assert recommendations.get(s, rec_id).review_state is ReviewState.PROPOSED
        review.correct(s, Entity.RECOMMENDATION, rec_id, "state", "Egypt", user="ana")
        assert recommendations.get(s, rec_id).review_state is ReviewState.CORRECTED
