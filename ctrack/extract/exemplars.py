"""Exemplar memory: an analyst's rejections, kept as data and applied to the wording that repeats them.

``ctrack train --with-reviewed`` retrains the decision models with the knowledge base's reviewed facts, but 30
decisions against about 3,500 annotated examples move shared weights by one or two facts (docs/benchmarks.md,
"Corrections that teach"). An exemplar memory gives each decision the reach of a rule of its own: every reviewed
fact of a reviewed document (an actor's role in an event, confirmed, corrected or rejected; an event kept or
rejected) is stored with the *wording* its candidate had (:func:`signature`: the dependency path between the actor
and the trigger, the governing preposition and word, the word before the mention, the role words around it, the role
the cue rules proposed, the actor's kind and the event's type; for an event, its trigger phrase and the words around
it), never the actor's or the event's identity. A fact of another document that the models keep, whose wording is
close to a *rejected* one (Jaccard similarity of the signatures at least :data:`EXEMPLAR_MIN`, and no confirmed or
corrected exemplar closer), is dropped: a state listed as a participant in a way the analyst rejected in one note is
dropped in the next note of that house style, whatever the state.

Rejections and additions act. Measured on the selection groups (docs/benchmarks.md), a confirmed or corrected role
that relabelled a similar candidate was right 0 times in 6: the review queue shows extracted facts, so confirmations
mostly say "as extracted", and retyping or relabelling by analogy adds changes nobody reviewed (as the local weights
that could add facts did). Confirmed and corrected exemplars still count: at equal or higher similarity they block a
rejection (a tie of labels decides nothing). An *addition* (a role or an event a reviewer added because the
extractor missed it, :func:`ctrack.track.review.add_role`) says something a confirmation cannot: "a pair worded
like this holds this role". Its exemplar (label :data:`ADDED` + the roles) gives its role to a pair of another
document that the models leave without any role, never relabels a pair that has one; an added event's exemplar
(:data:`ADDED_EVENT`) keeps an event worded like it that the models drop.

The memory travels with the models (``decisions.json``, key ``memory``) and applies only to documents decided as the
knowledge base's own (``Models.domain == "local"``, what a model file with a memory does for every document the
pipeline extracts, annotated-like or not). ``ctrack train --with-reviewed`` therefore applies it to the annotated
folds of its cross-validation too (:func:`ctrack.train.reviewed.cross_validate_parts`): each exemplar that, alone,
lowers the ``all`` figure of the held-out documents where it acts is left out (:func:`ctrack.train.reviewed.prune`),
and the rest is kept only when it does not lower the cross-validated ``all`` and
:func:`ctrack.train.reviewed.leave_one_out` does not find it wrong more often than the models on the reviewed
documents themselves, each left out in turn. Each exemplar records the document and the sentence it came from, shown
by ``ctrack train --with-reviewed``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

#: A candidate takes a reviewed decision when the Jaccard similarity of its signature with the decision's reaches
#: this. Chosen with ``bench/reviewed_weight.py --exemplar-mins`` on the selection groups (docs/benchmarks.md).
EXEMPLAR_MIN = 0.4

#: Role candidate features that describe the wording around the (actor, event) pair, not who the actor is: prefixes
#: of :func:`ctrack.extract.decide._role_features` names (the dependency path to the trigger, the governing
#: preposition and word, the mention's dependency, the word before it, the role words and cues of SCHEMA.md around
#: it, the role the cue rules proposed, the actor's kind and the event's type). Chosen on the selection groups over
#: a larger set (every word around the mention, the title, the distance): that one almost never matched across
#: documents (5 changes over five groups at similarity 0.4, docs/benchmarks.md).
ROLE_PREFIXES = ("path=", "govp0=", "dep=", "prev1=", "cue_after=", "cue_before=", "rule=", "kind=", "etype=", "rw_")
#: Event type features (:func:`ctrack.extract.decide._type_feats`) that describe the trigger's wording.
EVENT_PREFIXES = ("trig=", "trig_full=", "trig_prev=", "trig_next=", "rule_type=", "launch_object", "delegations")

KINDS = ("role", "event")
#: Label of a role exemplar whose pair holds no role (a rejection; :data:`ctrack.extract.decide.NONE`).
NONE_LABEL = "none"
#: Label prefix of a role exemplar a reviewer *added* (the extractor missed it): "add:funder". Such an exemplar gives
#: its role to a pair worded like it that the models leave without any role.
ADDED = "add:"
#: Label of an event exemplar a reviewer added on a candidate the models had dropped: keeps an event worded like it.
ADDED_EVENT = "add"
#: An addition (:data:`ADDED`, :data:`ADDED_EVENT`) acts only on a candidate whose signature reaches this Jaccard
#: similarity with it and, for a role, has the same dependency path to the trigger (``path=``). Set before any
#: measurement of additions on the groups of bench/reviewed_training.py from one failure class: at the memory's
#: 0.4, fifteen list-item participants added on one train-c document gave a role to every state in any list of a
#: workshop (a pair with no role has a small signature, and the actor kind and event type alone are two of its
#: five or six features): half B roles 0.315 -> 0.278 (docs/benchmarks.md). An addition makes a fact appear that no
#: model proposed, so it needs the same wording, not a resemblance.
ADDED_MIN = 0.8
#: :func:`ctrack.train.reviewed.leave_one_out` judges the memory only on at least this many decisions where it and the models differ. On the
#: selection groups it found 0-2 such decisions per group (30 reviewed decisions), too few to judge by: one of them
#: left train-b's memory out, whose role drops on the unreviewed half were right 4 times in 5 (docs/benchmarks.md).
CHECK_MIN = 3


def signature(kind: str, features: dict[str, float]) -> frozenset[str]:
    """The wording of a candidate as a set of feature names: for ``kind`` "role" a role candidate's features
    (:data:`ROLE_PREFIXES`), for "event" an event's type features (:data:`EVENT_PREFIXES`).
    Raises ValueError for another kind."""
    if kind == "role":
        prefixes = ROLE_PREFIXES
    elif kind == "event":
        prefixes = EVENT_PREFIXES
    else:
        raise ValueError(f"exemplar kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return frozenset(k for k in features if k.startswith(prefixes))


@dataclass
class Exemplar:
    """One reviewed decision: ``kind`` ("role" or "event"), its candidate's ``signature``, the ``label`` (role: the
    roles the actor holds, "none" for none, joined with "+"; event: "1" real or "0" rejected) and where it came from
    (``source``: document key; ``text``: the sentence, for display)."""

    kind: str
    signature: frozenset[str]
    label: str
    source: str = ""
    text: str = ""

    def to_json(self) -> dict:
        """A JSON-ready dict (signature sorted)."""
        return {"kind": self.kind, "label": self.label, "signature": sorted(self.signature), "source": self.source,
                "text": self.text}

    @classmethod
    def from_json(cls, data: dict) -> "Exemplar":
        """Inverse of :meth:`to_json`; raises ValueError for an unknown kind."""
        if data.get("kind") not in KINDS:
            raise ValueError(f"exemplar kind must be one of {', '.join(KINDS)}, not {data.get('kind')!r}")
        return cls(data["kind"], frozenset(data["signature"]), str(data["label"]), data.get("source", ""),
                   data.get("text", ""))


@dataclass
class Memory:
    """The exemplars of a knowledge base's reviewed documents and the similarity they need (``minimum``)."""

    exemplars: list[Exemplar] = field(default_factory=list)
    minimum: float = EXEMPLAR_MIN

    def __bool__(self) -> bool:
        return bool(self.exemplars)

    def match(self, kind: str, features: dict[str, float], exclude: str | None = None) -> tuple[str, float, Exemplar] | None:
        """The decision the memory takes for a candidate of ``kind`` with ``features``: (label, similarity, an
        exemplar giving it), from the exemplars at the highest similarity reaching :attr:`minimum`; None when none
        reaches it or those at the top disagree (a tie of labels decides nothing). An addition counts only at
        :data:`ADDED_MIN` and, for a role, on the same dependency path. ``exclude``: skip exemplars of that source
        document (leave-one-document-out checks)."""
        hit = self.deciders(kind, features, exclude)
        return None if hit is None else (hit[0], hit[1], hit[2][0])

    def deciders(self, kind: str, features: dict[str, float],
                 exclude: str | None = None) -> tuple[str, float, list[Exemplar]] | None:
        """As :meth:`match`, with every exemplar that gives the decision (those of the winning label at the top
        similarity), so that a decision can be credited to each of them (:func:`ctrack.train.reviewed.prune`)."""
        sig = signature(kind, features)
        if not sig:
            return None
        best, top = [], self.minimum
        path = {f for f in sig if f.startswith("path=")}
        for ex in self.exemplars:
            if ex.kind != kind or (exclude is not None and ex.source == exclude):
                continue
            inter = len(sig & ex.signature)
            if not inter:
                continue
            sim = inter / len(sig | ex.signature)
            if ex.label.startswith(ADDED_EVENT) and (sim < ADDED_MIN - 1e-9 or (
                    kind == "role" and path != {f for f in ex.signature if f.startswith("path=")})):
                continue  # an addition acts on the same wording only
            if sim > top + 1e-9:
                best, top = [ex], sim
            elif sim >= top - 1e-9:
                best.append(ex)
        if not best:
            return None
        votes = Counter(ex.label for ex in best).most_common()
        if len(votes) > 1 and votes[0][1] == votes[1][1]:
            return None
        label = votes[0][0]
        return label, top, [ex for ex in best if ex.label == label]

    def acting(self, exemplar: Exemplar) -> bool:
        """True for an exemplar that changes decisions (a rejection, "none" or "0", or an addition); the others
        (confirmations, corrections) only block a less similar rejection."""
        return exemplar.label in (NONE_LABEL, "0") or exemplar.label.startswith(ADDED_EVENT)

    def without(self, dropped: set[int]) -> "Memory":
        """The same memory without the exemplars whose ``id()`` is in ``dropped``."""
        return Memory([e for e in self.exemplars if id(e) not in dropped], self.minimum)

    def to_json(self) -> dict:
        """A JSON-ready dict: {"minimum": float, "exemplars": [...]}."""
        return {"minimum": self.minimum, "exemplars": [e.to_json() for e in self.exemplars]}

    @classmethod
    def from_json(cls, data: dict) -> "Memory":
        """Inverse of :meth:`to_json`."""
        return cls([Exemplar.from_json(e) for e in data.get("exemplars", [])], float(data.get("minimum", EXEMPLAR_MIN)))


def _sentence(ctx, start: int) -> str:
    try:
        s = ctx.sentence_at(start)
        return " ".join(ctx.text[s.start:s.end].split())[:300]
    except Exception:  # noqa: BLE001 - display text only
        return ""


def from_reviewed(examples: list, minimum: float = EXEMPLAR_MIN) -> Memory:
    """The memory of reviewed documents (:class:`ctrack.train.reviewed.ReviewedExample`, their candidates labelled by
    :func:`ctrack.train.reviewed.derive_labels`): one role exemplar per labelled (event, actor) candidate (its
    labels joined; a role a reviewer added: :data:`ADDED` and the added roles), one event exemplar per labelled
    event candidate (an added event: :data:`ADDED_EVENT`). Exemplars with the same kind and signature but
    different labels cancel each other out (both dropped). Only a rejection ("none", "0") ever changes a decision
    (:mod:`ctrack.extract.decide`), besides an addition, which gives its role to a pair left with none (or keeps an
    event the models drop); a confirmed or corrected exemplar blocks a rejection less similar than it."""
    out: dict[tuple[str, frozenset], Exemplar] = {}
    clash: set[tuple[str, frozenset]] = set()

    def add(ex: Exemplar) -> None:
        key = (ex.kind, ex.signature)
        if not ex.signature or key in clash:
            return
        old = out.get(key)
        if old is not None and old.label != ex.label:
            clash.add(key)
            del out[key]
        elif old is None:
            out[key] = ex

    for r in examples:
        d = r.cands.decisions
        held: dict[int, list[str]] = {}
        for n, y in r.labels.roles:
            held.setdefault(n, []).append(y)
        added: dict[int, list[str]] = {}
        for n, y in getattr(r.labels, "added_roles", []):
            added.setdefault(n, []).append(y)
        added_events = getattr(r.labels, "added_events", set())
        for n, ys in sorted(held.items()):
            c = d.roles[n]
            where = c.evidence.start if c.evidence is not None else d.events[c.event].first
            label = ADDED + "+".join(sorted(set(added[n]))) if n in added else "+".join(sorted(set(ys)))
            add(Exemplar("role", signature("role", c.features), label, r.name, _sentence(d.ctx, where)))
        for i, y in enumerate(r.labels.events):
            if y is not None:
                label = ADDED_EVENT if i in added_events else str(y)
                add(Exemplar("event", signature("event", d.type_features[i]), label, r.name,
                             _sentence(d.ctx, d.events[i].first)))
    return Memory(sorted(out.values(), key=lambda e: (e.kind, e.source, sorted(e.signature))), minimum)


__all__ = ["EXEMPLAR_MIN", "CHECK_MIN", "ADDED", "ADDED_EVENT", "ADDED_MIN", "Exemplar", "Memory", "signature", "from_reviewed"]
